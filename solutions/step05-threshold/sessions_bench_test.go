package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkSessionCheck is GET /bbb through the whole API handler, as
// BenchmarkGuardedRoute, with each store of ended sessions (issue 21):
//
//	go test -run '^$' -bench SessionCheck -benchmem -count=6 .
//
// none: a store that never looks anything up (the server without
// revocation); memory: the default store, holding 1,000 ended sessions
// and 100 cut-offs of other users; redis: a real redis-server holding the
// same, read through rueidis's client-side cache. 1 token, or 20,000
// users each with their token (each request the next user's).
func BenchmarkSessionCheck(b *testing.B) {
	for _, users := range []int{1, manyUsers} {
		for _, store := range []string{"none", "memory", "redis"} {
			b.Run(fmt.Sprintf("%s/%d_users", store, users), func(b *testing.B) {
				benchmarkSessions(b, store, users)
			})
		}
	}
}

// noSessions is the server without revocation: nothing ever ended.
type noSessions struct{}

func (noSessions) Ended(context.Context, string, string, time.Time) (bool, error) {
	return false, nil
}
func (noSessions) End(context.Context, string, string, time.Time) error       { return nil }
func (noSessions) EndAll(context.Context, string, time.Time, time.Time) error { return nil }

func benchmarkSessions(b *testing.B, kind string, users int) {
	now := time.Now().Truncate(time.Second) // Redis expires keys by its own clock
	clock := fixedClock(now)
	tokens := NewTokens(testSecret, fixedClock(now.Add(time.Second))) // logins after the store's epoch
	switch kind {
	case "none":
		tokens.sessions = noSessions{}
	case "redis":
		tokens.sessions = newStore(b, startRedis(b), clock)
	}
	ctx := context.Background()
	for i := range 1000 {
		tokens.sessions.End(ctx, fmt.Sprintf("other%d", i), newSessionID(), now.Add(30*day))
	}
	for i := range 100 {
		tokens.sessions.EndAll(ctx, fmt.Sprintf("other%d", i), now.Add(-time.Hour), now.Add(30*day))
	}
	auth := make([][]string, users)
	for i := range auth {
		token, err := tokens.Sign(fmt.Sprintf("user%d", i))
		if err != nil {
			b.Fatal(err)
		}
		auth[i] = []string{"Bearer " + token}
	}
	srv := NewServer(testUsers(b), tokens, "http://localhost:5173")
	req := httptest.NewRequest(http.MethodGet, "/bbb", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	serve := func(i int) {
		req.Header["Authorization"] = auth[i%len(auth)]
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET /bbb: %d %s", rec.Code, rec.Body)
		}
	}
	for i := range auth { // every token sent once: caches warm, as on a busy server
		serve(i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		serve(i)
		i++
	}
}

var propagationTrials = flag.Int("propagation", 0, "TestRedisPropagation runs this many trials (0: it skips)")

// TestRedisPropagation measures how long after a logout on instance B
// instance A refuses the token, whose answer A had cached: Redis pushes an
// invalidation to A's connection. It runs only when asked:
//
//	go test -run '^TestRedisPropagation$' -v . -args -propagation 1000
func TestRedisPropagation(t *testing.T) {
	if *propagationTrials == 0 {
		t.Skip("no -propagation: nothing to measure")
	}
	r := startRedis(t)
	clock := realNow()
	a, b := newInstance(t, r, clock.Now), newInstance(t, r, clock.Now)
	clock.Advance(time.Second)
	took := make([]time.Duration, 0, *propagationTrials)
	for range *propagationTrials {
		token, err := a.tokens.Sign("guang")
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if res := get(a.srv, "/bbb", "Bearer "+token); res.StatusCode != http.StatusOK {
				t.Fatalf("GET /bbb on A: %d", res.StatusCode)
			}
		}
		if res := postAuth(b.srv, "/user/logout", "Bearer "+token); res.StatusCode != http.StatusNoContent {
			t.Fatalf("POST /user/logout on B: %d", res.StatusCode)
		}
		d, ok := eventually(t, 2*time.Second, func() bool {
			return get(a.srv, "/bbb", "Bearer "+token).StatusCode == http.StatusUnauthorized
		})
		if !ok {
			t.Fatalf("A still accepts the token %v after the logout on B", d)
		}
		took = append(took, d)
	}
	slices.Sort(took)
	at := func(q float64) time.Duration { return took[int(q*float64(len(took)-1))] }
	t.Logf("%d trials: after the logout on B (its 204), A refused the token within p50 %v, p99 %v, max %v",
		len(took), at(0.5), at(0.99), took[len(took)-1])
	if p99 := at(0.99); p99 > 100*time.Millisecond {
		t.Errorf("p99 %v: want at most 100 ms", p99)
	}
}

// TestWriteUserTokens writes one token per user (user0, user1, …) for the
// load test of the stores of ended sessions, and does nothing unless asked:
//
//	go test -run '^TestWriteUserTokens$' . -args -tokens-file users.txt [-tokens 20000]
//
// Every user's keys are their own in Redis: 20,000 users, 20,000 sessions.
func TestWriteUserTokens(t *testing.T) {
	if *tokensFile == "" {
		t.Skip("no -tokens-file: nothing to write")
	}
	secret := os.Getenv("JWT_SECRET")
	if len(secret) < 32 {
		t.Fatalf("JWT_SECRET must be the running server's secret (at least 32 bytes); it has %d bytes", len(secret))
	}
	tokens := NewTokens([]byte(secret), time.Now)
	lines := make([]string, *tokensN)
	for i := range lines {
		token, err := tokens.Sign(fmt.Sprintf("user%d", i))
		if err != nil {
			t.Fatal(err)
		}
		lines[i] = token
	}
	if err := os.WriteFile(*tokensFile, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d tokens of %d users written to %s", len(lines), len(lines), *tokensFile)
}
