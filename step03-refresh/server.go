package main

import "net/http"

// NewServer returns the API's handler: every route, with what it needs.
func NewServer(users *Users, tokens *Tokens) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, users, tokens)
	return mux
}
