package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 21: a Redis that is down when the server starts must not stop the
// server. It starts; guarded requests and logouts answer 503 (the JSON
// error, with Retry-After) until Redis can be reached, never a token it
// could not check; then it recovers by itself.

// requireUnavailable fails the test now unless res is the 503 of a store
// that cannot be reached: the JSON error with message, and Retry-After.
func requireUnavailable(t *testing.T, res *http.Response, message, format string, args ...any) {
	t.Helper()
	what := labelRedis + format
	require.Equalf(t, http.StatusServiceUnavailable, res.StatusCode, what+": status %d, want 503", append(args, res.StatusCode)...)
	assert.NotEmptyf(t, res.Header.Get("Retry-After"), what+": the 503 has no Retry-After", args...)
	assert.Equalf(t, message, readErrorBody(t, res).Message, what+": the 503's JSON error", args...)
}

// TestRedisDownAtStartUp: the store is made while nothing listens on
// Redis's port, then redis-server starts there (empty).
func TestRedisDownAtStartUp(t *testing.T) {
	t.Parallel() // it runs its own redis-server
	afterTODOs4and5(t)
	r := startRedis(t)
	r.kill() // its port is free: nothing answers there
	clock := realNow()
	store, err := newRedisSessions(r.url(), clock.Now)
	require.NoError(t, err, labelRedis+"newRedisSessions(%q) with Redis down: the server must start anyway", r.url())
	t.Cleanup(store.Close)
	assert.Error(t, store.Ready(), labelRedis+"Ready with Redis down: want the reason it is not connected")
	tokens := NewTokens(testSecret, clock.Now)
	tokens.sessions = store
	srv := NewServer(testUsers(t), tokens)

	early := login(t, srv) // a login needs no store
	requireUnavailable(t, get(srv, "/bbb", "Bearer "+early), msgSessionsUnavailable, "GET /bbb, Redis down since start-up")
	requireUnavailable(t, postAuth(srv, "/user/logout", "Bearer "+early), msgSessionsUnavailable, "POST /user/logout, Redis down since start-up")
	requireUnavailable(t, postAuth(srv, "/user/logout-all", "Bearer "+early), msgSessionsUnavailable, "POST /user/logout-all, Redis down since start-up")
	// The guard refuses those first; the store itself must say it recorded
	// nothing, too.
	ctx := context.Background()
	assert.Error(t, store.End(ctx, "guang", "sid-1", clock.Now().Add(day)), labelRedis+"End with Redis down since start-up: want an error, nothing was recorded")
	assert.Error(t, store.EndAll(ctx, "guang", clock.Now(), clock.Now().Add(day)), labelRedis+"EndAll with Redis down since start-up: want an error, nothing was recorded")

	clock.Advance(time.Second)
	r.start() // empty
	took, ok := eventually(t, 10*time.Second, func() bool {
		return get(srv, "/bbb", "Bearer "+early).StatusCode != http.StatusServiceUnavailable
	})
	require.True(t, ok, labelRedis+"Redis is up, and GET /bbb still answers 503 %v later: the store must keep trying to connect", took)
	t.Logf("the store reached Redis %v after it started", took.Round(time.Millisecond))
	assert.NoError(t, store.Ready(), labelRedis+"Ready once Redis is up")
	// Redis came up empty: the store cannot tell the login made while it
	// was down from one made before a loss of its data. Fail closed.
	assert.Equal(t, http.StatusUnauthorized, get(srv, "/bbb", "Bearer "+early).StatusCode, labelRedis+"a login made while Redis was down, which came up empty: refused")
	fresh := login(t, srv)
	assert.Equal(t, http.StatusOK, get(srv, "/bbb", "Bearer "+fresh).StatusCode, labelRedis+"GET /bbb with a login made once Redis is up")
	assert.Equal(t, http.StatusNoContent, postAuth(srv, "/user/logout", "Bearer "+fresh).StatusCode, labelRedis+"POST /user/logout once Redis is up")
	assert.Equal(t, http.StatusUnauthorized, get(srv, "/bbb", "Bearer "+fresh).StatusCode, labelRedis+"GET /bbb after that logout")
}

// TestRunWithRedisDown: the program starts with REDIS_URL pointing where
// nothing listens, and answers a guarded request 503. No redis-server is
// needed.
func TestRunWithRedisDown(t *testing.T) {
	afterTODOs4and5(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "redis://" + ln.Addr().String() + "/0"
	ln.Close()
	apiURL, _ := startRun(t, map[string]string{"JWT_SECRET": string(testSecret), "REDIS_URL": dead})

	res, err := http.Post(apiURL+"/user/login", "application/json", strings.NewReader(`{"username":"guang","password":"123456"}`))
	require.NoError(t, err)
	token, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, res.StatusCode, labelRedis+"POST /user/login, Redis down: %s", token)
	req, err := http.NewRequest(http.MethodGet, apiURL+"/bbb", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+string(token))
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	requireUnavailable(t, res, msgSessionsUnavailable, "GET /bbb on the running server, REDIS_URL=%s where nothing listens", dead)
}
