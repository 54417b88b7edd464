package main

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	todoCORS   = "step 04 (cors.go): "
	pageOrigin = "http://localhost:5173"
)

// preflight sends the OPTIONS request a browser sends before a
// cross-origin request with non-safelisted headers.
func preflight(h http.Handler, origin, method, path, headers string) *http.Response {
	req := httptest.NewRequest(http.MethodOptions, path, nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", method)
	req.Header.Set("Access-Control-Request-Headers", headers)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// headerList splits a comma-separated header into lower-case names.
func headerList(res *http.Response, name string) []string {
	var list []string
	for _, v := range res.Header.Values(name) {
		for _, item := range strings.Split(v, ",") {
			if item = strings.ToLower(strings.TrimSpace(item)); item != "" {
				list = append(list, item)
			}
		}
	}
	return list
}

func TestPreflight(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)), pageOrigin)
	tests := []struct {
		name, method, path, headers string
	}{
		{"GET /bbb with Authorization", http.MethodGet, "/bbb", "authorization"},
		{"POST /user/login with JSON", http.MethodPost, "/user/login", "content-type"},
		// The page sends its token on every call: the public route is
		// preflighted too, so CORS must cover every route, not the guarded one.
		{"GET /aaa with Authorization", http.MethodGet, "/aaa", "authorization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := preflight(srv, pageOrigin, tt.method, tt.path, tt.headers)

			require.Equal(t, http.StatusNoContent, res.StatusCode,
				todoCORS+"OPTIONS %s (a preflight) got %d: it must be answered by the CORS middleware, before routing", tt.path, res.StatusCode)
			require.Equal(t, pageOrigin, res.Header.Get("Access-Control-Allow-Origin"),
				todoCORS+"preflight for %s %s asking for %q: Access-Control-Allow-Origin is %q, want the page's origin (empty: refused, the browser never sends the request)",
				tt.method, tt.path, tt.headers, res.Header.Get("Access-Control-Allow-Origin"))
			assert.Contains(t, headerList(res, "Access-Control-Allow-Headers"), tt.headers,
				todoCORS+"allow the %s request header (AllowedHeaders), or the browser never sends the request", tt.headers)
			assert.Contains(t, headerList(res, "Access-Control-Allow-Methods"), strings.ToLower(tt.method),
				todoCORS+"allow the %s method (rs/cors answers a refused preflight without any Allow header)", tt.method)
			assert.Equal(t, "600", res.Header.Get("Access-Control-Max-Age"), todoCORS+"a MaxAge, so the browser does not ask before every request")
			assert.Empty(t, res.Header.Get("Access-Control-Allow-Credentials"), todoCORS+"no credentials: the token is a header, not a cookie")
		})
	}
}

func TestExposedTokenHeader(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)), pageOrigin)
	// Issued 6 days ago: due for renewal.
	token, err := NewTokens(testSecret, fixedClock(fakeNow.Add(-6*24*time.Hour))).Sign("guang")
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "/bbb", nil)
	req.Header.Set("Origin", pageOrigin)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()

	srv.ServeHTTP(rec, req)
	res := rec.Result()

	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.NotEmpty(t, res.Header.Get("token"), "TODO 1 (policy.go) and TODO 2 (token.go): a due token is renewed")
	require.Equal(t, pageOrigin, res.Header.Get("Access-Control-Allow-Origin"), todoCORS+"GET /bbb from the page's origin: Access-Control-Allow-Origin")
	exposed := headerList(res, "Access-Control-Expose-Headers")
	switch {
	case slices.Contains(exposed, "token"):
	case slices.Contains(exposed, "*"):
		// A "*" works today, and the browser tests pass with it; but
		// browsers ignore it once a request carries credentials.
		t.Errorf(todoCORS+"Access-Control-Expose-Headers is %q: name the token header; a \"*\" is not honoured on requests with credentials, and this course lists exposed headers by name", exposed)
	default:
		t.Errorf(todoCORS+"Access-Control-Expose-Headers is %q: without the token header in it, the page's JavaScript reads null", exposed)
	}
	assert.Contains(t, headerList(res, "Vary"), "origin", todoCORS+"the answer depends on Origin: caches must know (Vary: Origin)")
}

func TestForeignOrigin(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	srv := NewServer(testUsers(t), tokens, pageOrigin)
	token, err := tokens.Sign("guang")
	require.NoError(t, err)

	t.Run("preflight", func(t *testing.T) {
		res := preflight(srv, "http://evil.test", http.MethodGet, "/bbb", "authorization")
		assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin"), todoCORS+"a preflight from another origin must not be allowed")
		assert.Empty(t, res.Header.Get("Access-Control-Allow-Headers"), todoCORS+"a preflight from another origin must not be allowed")
	})
	t.Run("request", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/bbb", nil)
		req.Header.Set("Origin", "http://evil.test")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		res := rec.Result()
		assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin"), todoCORS+"another origin's script must not read the answer (no Access-Control-Allow-Origin)")
		assert.Empty(t, res.Header.Get("Access-Control-Expose-Headers"), todoCORS+"nothing exposed to another origin")
	})
}

func TestNoAllowedOriginMeansNoCORS(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))
	res := preflight(srv, pageOrigin, http.MethodGet, "/bbb", "authorization")
	assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin"), todoCORS+"no allowed origin: no cross-origin access (an empty list is not \"*\")")
}
