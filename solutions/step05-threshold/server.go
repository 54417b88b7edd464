package main

import (
	"fmt"
	"net/http"
)

// NewServer returns the API's handler: every route, with what it needs,
// behind CORS for pages on allowedOrigins.
func NewServer(users *Users, tokens *Tokens, allowedOrigins ...string) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, users, tokens)
	// CORS wraps the whole mux: a preflight (OPTIONS) must be answered
	// before routing, which knows only GET and POST.
	return withCORS(routeErrors(mux), allowedOrigins)
}

// routeErrors answers the mux's own refusals in the JSON error shape of
// every other error: 404 when no route has the path, 405 (with the mux's
// Allow header) when none has the method. The mux alone answers them in
// plain text. Anything else the mux answers, a redirect to the clean form
// of a path, passes unchanged.
func routeErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" { // no route matched
			w = &routeErrorWriter{ResponseWriter: w}
		}
		mux.ServeHTTP(w, r)
	})
}

// routeErrorWriter turns the status the mux writes into the JSON error,
// and drops the plain-text body that follows.
type routeErrorWriter struct {
	http.ResponseWriter
	replaced bool
}

func (w *routeErrorWriter) WriteHeader(status int) {
	switch status {
	case http.StatusNotFound:
		writeError(w.ResponseWriter, status, "no such route")
	case http.StatusMethodNotAllowed:
		writeError(w.ResponseWriter, status, "method not allowed: this route answers "+w.Header().Get("Allow"))
	default:
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.replaced = true
}

func (w *routeErrorWriter) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// limitBody answers 413 at once to a request whose Content-Length is past
// limit, before the handler reads a byte of the body. Go's server sends
// "100 Continue" to a client that asks for it (Expect: 100-continue) only
// when the handler first reads the body, so the client learns the answer
// before it sends the body, and the connection does not wait for a body
// that will be refused (issue 19). A body without a Content-Length
// (chunked) is limited where it is read.
func limitBody(limit int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > limit {
				writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body must be at most %d bytes", limit))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
