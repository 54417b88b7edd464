package main

import "net/http"

// tokenHeader is the response header that carries a renewed token.
const tokenHeader = "token"

// renew is the chapter's seamless refresh: behind the guard, every
// response gets a freshly signed token — same user, new iat, exp and jti —
// so an active user's 7 days start again with each request.
func renew(tokens *Tokens) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			claims, ok := claimsFrom(r.Context())
			if !ok {
				// renew runs behind guard; without claims, the routes are wired wrong.
				writeError(w, http.StatusInternalServerError, "internal error")
				return
			}
			token, err := tokens.Sign(claims.Username)
			if err != nil {
				writeError(w, http.StatusInternalServerError, "could not sign a token")
				return
			}
			// Set before next writes anything: headers set after
			// WriteHeader never reach the wire.
			w.Header().Set(tokenHeader, token)
			w.Header().Set("Cache-Control", "no-store") // never a cached answer with a token in it
			next.ServeHTTP(w, r)
		})
	}
}
