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
		// TODO 1 (cors.go): let the page send its headers and read the token.
		//   a. AllowedHeaders: the request headers a preflight may ask for.
		//      Authorization is not CORS-safelisted, nor is
		//      Content-Type: application/json. (rs/cors's default list has no
		//      Authorization: it answers the preflight without allowing it, and
		//      the browser never sends the request.)
		//   b. ExposedHeaders: the response headers the page's JavaScript may
		//      read besides the safelisted ones (Cache-Control, Content-Type, …).
		//      Ours is tokenHeader.
		// The token travels in a header, not a cookie: no credentials.
		AllowCredentials: false,
		MaxAge:           600, // seconds a browser may reuse a preflight's answer
	}).Handler(next)
}
