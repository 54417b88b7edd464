package main

import "net/http"

// tokenHeader is the response header that carries a renewed token.
const tokenHeader = "token"

// renew is seamless refresh done as the chapter's last line asks: behind
// the guard, a response gets a new token only when the request's token is
// close to expiry (Tokens.Renew decides), and never past the session cap.
func renew(tokens *Tokens) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			claims, ok := claimsFrom(r.Context())
			if !ok {
				// renew runs behind guard; without claims, the routes are wired wrong.
				writeError(w, http.StatusInternalServerError, "internal error")
				return
			}
			token, renewed, err := tokens.Renew(claims)
			if err != nil {
				writeError(w, http.StatusInternalServerError, "could not sign a token")
				return
			}
			// An authenticated answer is never cached, renewed or not.
			w.Header().Set("Cache-Control", "no-store")
			if renewed {
				// Set before next writes anything: headers set after
				// WriteHeader never reach the wire.
				w.Header().Set(tokenHeader, token)
			}
			next.ServeHTTP(w, r)
		})
	}
}
