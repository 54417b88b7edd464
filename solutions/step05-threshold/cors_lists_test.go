package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 18: the lesson's lists are exact. The page sends two request
// headers that need a preflight, Authorization and Content-Type, and reads
// one response header, token: allow those two and expose that one, no
// more. A "*" or an extra name opens the API to requests and reads the
// page never makes. rs/cors echoes only the headers a preflight asks for,
// so the allowed list is probed with headers a careless list would hold.
func TestPreflightAllowsOnlyTheLessonsHeaders(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)), pageOrigin)
	for _, extra := range []string{"x-requested-with", "token", "cookie", "accept", "x-api-key", "x-anything"} {
		t.Run(extra, func(t *testing.T) {
			asked := "authorization," + extra
			res := preflight(srv, pageOrigin, http.MethodGet, "/bbb", asked)

			assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin")+res.Header.Get("Access-Control-Allow-Headers"),
				todoCORS+"a preflight for GET /bbb asking for %q was allowed (Access-Control-Allow-Headers %q); want it refused: allow exactly Authorization and Content-Type, no \"*\" and no other name",
				asked, res.Header.Get("Access-Control-Allow-Headers"))
		})
	}
}

func TestExposesOnlyTheTokenHeader(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	srv := NewServer(testUsers(t), tokens, pageOrigin)
	token, err := tokens.Sign("guang")
	require.NoError(t, err)
	for _, path := range []string{"/bbb", "/aaa"} {
		t.Run(path, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Origin", pageOrigin)
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()

			srv.ServeHTTP(rec, req)
			res := rec.Result()

			require.Equal(t, pageOrigin, res.Header.Get("Access-Control-Allow-Origin"), todoCORS+"GET %s from the page's origin: Access-Control-Allow-Origin", path)
			assert.Equal(t, []string{"token"}, headerList(res, "Access-Control-Expose-Headers"),
				todoCORS+"GET %s: Access-Control-Expose-Headers is %q; want exactly the token header: the page reads nothing else", path, res.Header.Values("Access-Control-Expose-Headers"))
		})
	}
}
