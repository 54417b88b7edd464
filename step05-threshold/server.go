package main

import "net/http"

// NewServer returns the API's handler: every route, with what it needs,
// behind CORS for pages on allowedOrigins.
func NewServer(users *Users, tokens *Tokens, allowedOrigins ...string) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, users, tokens)
	// CORS wraps the whole mux: a preflight (OPTIONS) must be answered
	// before routing, which knows only GET and POST.
	return withCORS(mux, allowedOrigins)
}
