package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The benchmarks serve GET requests through the whole API handler (CORS,
// mux, guard, renewal), as logged-in users send them:
//
//	go test -run '^$' -bench . -benchmem
//
// GuardedRoute is GET /bbb with tokens signed now, as fresh logins', sent
// by 1 user or by 20,000 (each request carries the next user's token).
// RenewingRoute is the same with tokens signed 4 days ago. In this step
// both renew on every answer: they are there to compare with step 05,
// whose benchmarks have the same names. PublicRoute is GET /aaa: no token
// work at all.

// manyUsers is how many distinct tokens the "20000_tokens" cases send.
const manyUsers = 20_000

func BenchmarkGuardedRoute(b *testing.B) {
	benchmarkTokens(b, "/bbb", fakeNow)
}

func BenchmarkRenewingRoute(b *testing.B) {
	benchmarkTokens(b, "/bbb", fakeNow.Add(-4*day))
}

func BenchmarkPublicRoute(b *testing.B) {
	benchmarkRoute(b, "/aaa", signTokens(b, fakeNow, 1))
}

// benchmarkTokens runs path with 1 token and with manyUsers tokens signed
// at signedAt.
func benchmarkTokens(b *testing.B, path string, signedAt time.Time) {
	for _, users := range []int{1, manyUsers} {
		name := fmt.Sprintf("%d_tokens", users)
		if users == 1 {
			name = "1_token"
		}
		b.Run(name, func(b *testing.B) { benchmarkRoute(b, path, signTokens(b, signedAt, users)) })
	}
}

// benchmarkRoute serves GET path with each of tokens in turn, over and
// over, at fakeNow, and checks that every answer to /bbb renews the token.
// Every token is sent once before the clock starts, as in step 05.
func benchmarkRoute(b *testing.B, path string, tokens []string) {
	srv := NewServer(testUsers(b), NewTokens(testSecret, fixedClock(fakeNow)), "http://localhost:5173")
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Origin", "http://localhost:5173")
	auth := make([][]string, len(tokens)) // built now: no allocation in the loop
	for i, token := range tokens {
		auth[i] = []string{"Bearer " + token}
	}
	serve := func(i int) {
		req.Header["Authorization"] = auth[i%len(auth)]
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
		if path == "/bbb" && rec.Header().Get("token") == "" {
			b.Fatalf("GET %s: no renewed token", path)
		}
	}
	for i := range auth {
		serve(i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		serve(i)
		i++
	}
}

// signTokens returns n tokens of user guang, signed at signedAt (n logins).
func signTokens(tb testing.TB, signedAt time.Time, n int) []string {
	tb.Helper()
	tokens := NewTokens(testSecret, fixedClock(signedAt))
	out := make([]string, n)
	for i := range out {
		token, err := tokens.Sign("guang")
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = token
	}
	return out
}
