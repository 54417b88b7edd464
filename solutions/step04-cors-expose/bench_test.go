package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchmarkRoute serves GET path through the whole API handler (CORS, mux,
// guard, renewal) with a token signed now, as a fresh login's.
func benchmarkRoute(b *testing.B, path string) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	srv := NewServer(testUsers(b), tokens, "http://localhost:5173")
	token, err := tokens.Sign("guang")
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Authorization", "Bearer "+token)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
}

// BenchmarkGuardedRoute is GET /bbb: verify, and renew if due.
func BenchmarkGuardedRoute(b *testing.B) { benchmarkRoute(b, "/bbb") }

// BenchmarkPublicRoute is GET /aaa: no token work at all.
func BenchmarkPublicRoute(b *testing.B) { benchmarkRoute(b, "/aaa") }
