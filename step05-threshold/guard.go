package main

import (
	"context"
	"errors"
	"net/http"
)

// The two refusals, as in the chapter ("用户未登录", "token 失效，请重新登录").
// And the two of sessions (sessions.go): a session that a logout ended,
// and a store that could not tell.
const (
	msgNotLoggedIn         = "not logged in"
	msgInvalidToken        = "token invalid or expired, please log in again"
	msgSessionEnded        = "session ended (logged out), please log in again"
	msgSessionsUnavailable = "sessions cannot be checked right now, try again shortly"
	msgLogoutNotRecorded   = "the logout could not be recorded, try again shortly"
	retryAfterUnavailable  = "2" // seconds, in Retry-After
)

// guard is the Go counterpart of the chapter's Nest guard: a middleware
// that lets a request through only with a valid bearer token of a session
// that has not ended, and hands the token's claims to the next handler in
// the request's context.
func guard(tokens *Tokens) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			raw, err := bearerToken(r.Header)
			if errors.Is(err, errNoToken) {
				unauthorized(w, `Bearer`, msgNotLoggedIn)
				return
			}
			var claims *Claims
			if err == nil {
				claims, err = tokens.Verify(raw)
			}
			if err != nil {
				unauthorized(w, `Bearer error="invalid_token"`, msgInvalidToken)
				return
			}
			if !checkSession(w, r, tokens, claims) {
				return
			}
			next.ServeHTTP(w, r.WithContext(withClaims(r.Context(), claims)))
		})
	}
}

// checkSession refuses the request when the session of its token (claims,
// verified) has ended, and when the store cannot tell; it reports whether
// the request may go on. It runs on every request, the cached tokens'
// too: a token verified an hour ago may belong to a session ended a
// second ago.
func checkSession(w http.ResponseWriter, r *http.Request, tokens *Tokens, claims *Claims) bool {
	// TODO 4 (guard.go): refuse the request when its session has ended, and
	// when the store cannot say: a logout must hold for every token of the
	// session, cached or not, and a store that fails is never taken for a "no".
	return true
}

// unavailable answers 503: the session store failed, and the client may
// try again in a moment.
func unavailable(w http.ResponseWriter, message string) {
	w.Header().Set("Retry-After", retryAfterUnavailable)
	writeError(w, http.StatusServiceUnavailable, message)
}

// unauthorized answers 401 with the challenge RFC 6750 §3 asks for.
func unauthorized(w http.ResponseWriter, challenge, message string) {
	w.Header().Set("WWW-Authenticate", challenge)
	writeError(w, http.StatusUnauthorized, message)
}

// claimsKey is the context key of the verified claims; an unexported type
// cannot collide with another package's key.
type claimsKey struct{}

func withClaims(ctx context.Context, c *Claims) context.Context {
	return context.WithValue(ctx, claimsKey{}, c)
}

// claimsFrom returns the claims the guard verified for this request.
func claimsFrom(ctx context.Context) (*Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(*Claims)
	return c, ok
}
