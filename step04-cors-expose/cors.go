package main

import (
	"net/http"

	"github.com/rs/cors"
)

// withCORS lets pages on the allowed origins call the API from a browser,
// and read the renewed token. With no allowed origin it adds nothing: only
// same-origin pages (and non-browser clients) can use the API.
func withCORS(next http.Handler, allowedOrigins []string) http.Handler {
	if len(allowedOrigins) == 0 {
		return next // rs/cors would read an empty list as "every origin"
	}
	return cors.New(cors.Options{
		AllowedOrigins: allowedOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		// TODO 1 (cors.go): let the page send the request headers it needs
		// (the browser asks first, in a preflight), and let the page's
		// JavaScript read the token response header.
		// The token travels in a header, not a cookie: no credentials.
		AllowCredentials: false,
		MaxAge:           600, // seconds a browser may reuse a preflight's answer
	}).Handler(next)
}
