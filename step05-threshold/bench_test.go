package main

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
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
// RenewingRoute is the same with tokens signed 4 days ago: every answer
// renews (step 05 renews in the second half of 7 days). PublicRoute is
// GET /aaa: no token work at all. The "no_cache" cases verify every token
// in full: the cost of /bbb without verified.go.

// manyUsers is how many distinct tokens the "20000_tokens" cases send.
const manyUsers = 20_000

func BenchmarkGuardedRoute(b *testing.B) {
	benchmarkTokens(b, "/bbb", fakeNow, false)
}

func BenchmarkRenewingRoute(b *testing.B) {
	benchmarkTokens(b, "/bbb", fakeNow.Add(-4*day), true)
}

func BenchmarkPublicRoute(b *testing.B) {
	benchmarkRoute(b, "/aaa", signTokens(b, fakeNow, 1), true, false)
}

// benchmarkTokens runs path with 1 token and with manyUsers tokens signed
// at signedAt, with the cache of verified tokens and without it.
func benchmarkTokens(b *testing.B, path string, signedAt time.Time, renews bool) {
	for _, users := range []int{1, manyUsers} {
		name := fmt.Sprintf("%d_tokens", users)
		if users == 1 {
			name = "1_token"
		}
		b.Run(name, func(b *testing.B) { benchmarkRoute(b, path, signTokens(b, signedAt, users), true, renews) })
		b.Run(name+"_no_cache", func(b *testing.B) { benchmarkRoute(b, path, signTokens(b, signedAt, users), false, renews) })
	}
}

// benchmarkRoute serves GET path with each of tokens in turn, over and
// over, at fakeNow, and checks that every answer renews the token or none
// does. Every token is sent once before the clock starts: a server whose
// users are active, not one that just started.
func benchmarkRoute(b *testing.B, path string, tokens []string, cache, renews bool) {
	server := NewTokens(testSecret, fixedClock(fakeNow))
	if !cache {
		server.verified = newVerifiedCacheOf(0)
	}
	srv := NewServer(testUsers(b), server, "http://localhost:5173")
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
		if renewed := rec.Header().Get("token") != ""; path == "/bbb" && renewed != renews {
			b.Fatalf("GET %s: renewed %v, want %v", path, renewed, renews)
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
	return signTokensWith(tb, NewTokens(testSecret, fixedClock(signedAt)), n)
}

func signTokensWith(tb testing.TB, tokens *Tokens, n int) []string {
	tb.Helper()
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

var (
	tokensFile = flag.String("tokens-file", "", "TestWriteTokens writes tokens to this `file`, one a line")
	tokensN    = flag.Int("tokens", manyUsers, "how many tokens TestWriteTokens writes")
	tokensAge  = flag.Duration("tokens-age", 0, "TestWriteTokens signs the tokens this long ago (96h: all due for renewal at the default policy)")
)

// TestWriteTokens writes tokens for a load test of a running server that
// has the same JWT_SECRET, and does nothing unless asked:
//
//	go test -run '^TestWriteTokens$' . -args -tokens-file tokens.txt [-tokens 20000] [-tokens-age 96h]
//
// Step 04 accepts these tokens too (it ignores auth_time).
func TestWriteTokens(t *testing.T) {
	if *tokensFile == "" {
		t.Skip("no -tokens-file: nothing to write")
	}
	secret := os.Getenv("JWT_SECRET")
	if len(secret) < 32 {
		t.Fatalf("JWT_SECRET must be the running server's secret (at least 32 bytes); it has %d bytes", len(secret))
	}
	signedAt := time.Now().Add(-*tokensAge)
	tokens := signTokensWith(t, NewTokens([]byte(secret), fixedClock(signedAt)), *tokensN)
	if err := os.WriteFile(*tokensFile, []byte(strings.Join(tokens, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d tokens signed at %s written to %s", len(tokens), signedAt.Format(time.RFC3339), *tokensFile)
}
