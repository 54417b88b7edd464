package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 9, item 8, with CORS: the JSON 404 and 405 sit inside the CORS
// middleware, so preflights are still answered before routing, and a page
// on an allowed origin can read the error.

const routesCORSLabel = "step 04 (server.go): "

func TestRoutesKeepPreflights(t *testing.T) {
	const origin = "http://localhost:5173"
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)), origin)
	for _, path := range []string{"/bbb", "/user/login"} {
		req := httptest.NewRequest(http.MethodOptions, path, nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", http.MethodGet)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)

		require.Equal(t, http.StatusNoContent, rec.Code, routesCORSLabel+"preflight OPTIONS %s: status %d; want 204 from the CORS middleware, before routing", path, rec.Code)
		assert.Equal(t, origin, rec.Header().Get("Access-Control-Allow-Origin"), routesCORSLabel+"preflight OPTIONS %s: the allowed origin", path)
		assert.Empty(t, rec.Body.String(), routesCORSLabel+"preflight OPTIONS %s: no body", path)
	}
}

func TestRoutesErrorsReachThePage(t *testing.T) {
	const origin = "http://localhost:5173"
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)), origin)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/user/login", http.StatusMethodNotAllowed, "POST"},
		{http.MethodPost, "/bbb", http.StatusMethodNotAllowed, "GET, HEAD"},
		{http.MethodGet, "/nope", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(tt.method, tt.path, nil)
		req.Header.Set("Origin", origin)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)

		require.Equal(t, tt.status, rec.Code, routesCORSLabel+"%s %s from %s: status %d; want %d", tt.method, tt.path, origin, rec.Code, tt.status)
		assert.Equal(t, tt.allow, rec.Header().Get("Allow"), routesCORSLabel+"%s %s: the Allow header", tt.method, tt.path)
		assert.Equal(t, origin, rec.Header().Get("Access-Control-Allow-Origin"), routesCORSLabel+"%s %s: the page may read the error", tt.method, tt.path)
		var body errorBody
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), routesCORSLabel+"%s %s: the body is not JSON: %q", tt.method, tt.path, rec.Body.String())
		assert.Equal(t, tt.status, body.StatusCode, routesCORSLabel+"%s %s: statusCode in the body", tt.method, tt.path)
	}
}
