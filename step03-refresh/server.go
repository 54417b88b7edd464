package main

import "net/http"

// NewServer returns the API's handler: every route, with what it needs.
func NewServer(users *Users, tokens *Tokens) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, users, tokens)
	return routeErrors(mux)
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
