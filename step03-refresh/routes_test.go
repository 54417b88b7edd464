package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 9, item 8: the router's 404 and 405 answered in plain text, every
// other error in JSON. A client reads one error shape.

const routesLabel = "step 01 (server.go): "

func TestRoutesAnswerErrorsInJSON(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))
	tests := []struct {
		name, method, path string
		status             int
		allow              string // the Allow header of a 405
	}{
		{"GET on the login route (the chapter answers 404)", http.MethodGet, "/user/login", http.StatusMethodNotAllowed, "POST"},
		{"DELETE on the login route", http.MethodDelete, "/user/login", http.StatusMethodNotAllowed, "POST"},
		{"OPTIONS without CORS", http.MethodOptions, "/user/login", http.StatusMethodNotAllowed, "POST"},
		{"no such path", http.MethodGet, "/nope", http.StatusNotFound, ""},
		{"POST to no such path", http.MethodPost, "/nope", http.StatusNotFound, ""},
		{"the root", http.MethodGet, "/", http.StatusNotFound, ""},
		{"below the login route", http.MethodPost, "/user/login/x", http.StatusNotFound, ""},
		{"the login route with a trailing slash", http.MethodPost, "/user/login/", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			res := rec.Result()

			require.Equal(t, tt.status, res.StatusCode, routesLabel+"%s %s: status %d; want %d", tt.method, tt.path, res.StatusCode, tt.status)
			assert.Equal(t, tt.allow, res.Header.Get("Allow"), routesLabel+"%s %s: the Allow header lists the route's methods", tt.method, tt.path)
			assert.Equal(t, "application/json; charset=utf-8", res.Header.Get("Content-Type"), routesLabel+"%s %s: the error is JSON", tt.method, tt.path)
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"), routesLabel+"%s %s", tt.method, tt.path)
			var body map[string]any
			require.NoError(t, json.NewDecoder(res.Body).Decode(&body), routesLabel+"%s %s: the body is not JSON: %q", tt.method, tt.path, rec.Body.String())
			assert.Equal(t, map[string]any{
				"message":    body["message"],
				"error":      http.StatusText(tt.status),
				"statusCode": float64(tt.status),
			}, body, routesLabel+"%s %s: the course's error shape {message, error, statusCode}", tt.method, tt.path)
			assert.NotEmpty(t, body["message"], routesLabel+"%s %s: a message", tt.method, tt.path)
			assert.NotContains(t, rec.Body.String(), "\n{", routesLabel+"%s %s: one JSON body, not the plain text too", tt.method, tt.path)
		})
	}
}

func TestRoutesLeaveTheRestAlone(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))

	// A route that matched answers for itself, whatever it answers.
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/user/login", strings.NewReader(`{}`)))
	assert.NotContains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, rec.Code,
		routesLabel+"POST /user/login: status %d; the login route must be reached", rec.Code)

	// The mux redirects a path to its clean form (307 since Go 1.26, 301
	// before): still a redirect.
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x/../nope", nil))
	assert.True(t, rec.Code >= 300 && rec.Code < 400, routesLabel+"GET /x/../nope: status %d; want the mux's redirect to /nope", rec.Code)
	assert.Equal(t, "/nope", rec.Header().Get("Location"), routesLabel+"GET /x/../nope: the redirect's Location")
}
