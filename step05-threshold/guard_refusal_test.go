package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 21: a refusal of the guard (TODO 4) ends the request. A
// checkSession that answers 401 or 503 and still reports that the request
// may go on lets the handler behind the guard run for a session that was
// logged out: a POST behind the guard would do its work under a 401.
func TestGuardStopsARefusedRequest(t *testing.T) {
	afterTODOs1to3(t)
	for _, tt := range []struct {
		name  string
		store func(SessionStore, *Claims) SessionStore
		want  int
		why   string
	}{
		{"a session that has ended", func(s SessionStore, c *Claims) SessionStore {
			require.NoError(t, endSession(s, c))
			return s
		}, http.StatusUnauthorized, "ask the store about this token's session, and refuse it when it has ended"},
		{"the store fails", func(SessionStore, *Claims) SessionStore { return failingStore{} }, http.StatusServiceUnavailable, "a store that cannot answer is not a \"no\""},
	} {
		tokens := NewTokens(testSecret, fixedClock(fakeNow))
		token, claims := signAt(t, "guang", fakeNow.Add(-time.Hour))
		tokens.sessions = tt.store(tokens.sessions, claims)
		ran := false
		h := guard(tokens)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran = true }))

		res := get(h, "/behind-the-guard", "Bearer "+token)

		require.Equal(t, tt.want, res.StatusCode, todoEnded+"GET through the guard, %s: status %d, want %d: %s", tt.name, res.StatusCode, tt.want, tt.why)
		assert.False(t, ran, todoEnded+"GET through the guard, %s: the guard answered %d, then the handler behind it ran: once checkSession has refused, the request stops there (report that it may not go on)", tt.name, tt.want)
	}
}
