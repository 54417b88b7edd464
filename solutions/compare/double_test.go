package compare

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDoubleAccessToken(t *testing.T) {
	clock := &simClock{now: start}
	srv := NewDoubleServer(testSecret, clock.Now)
	p := loginPair(t, srv)

	assert.Equal(t, http.StatusOK, do(srv, http.MethodGet, "/bbb", "Bearer "+p.AccessToken, "").StatusCode)
	assert.Equal(t, http.StatusUnauthorized, do(srv, http.MethodGet, "/bbb", "Bearer "+p.RefreshToken, "").StatusCode,
		"a refresh token is not an access token (typ)")

	clock.set(at(AccessTTL))
	assert.Equal(t, http.StatusUnauthorized, do(srv, http.MethodGet, "/bbb", "Bearer "+p.AccessToken, "").StatusCode,
		"the access token lives 30 minutes")
}

func TestDoubleRefreshRotatesAndDetectsReuse(t *testing.T) {
	clock := &simClock{now: start}
	srv := NewDoubleServer(testSecret, clock.Now)
	first := loginPair(t, srv)

	clock.set(at(time.Hour))
	res, second := refreshPair(srv, first.RefreshToken)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.NotEqual(t, first.RefreshToken, second.RefreshToken, "a new refresh token on every use (rotation)")
	assert.Equal(t, http.StatusUnauthorized, do(srv, http.MethodGet, "/bbb", "Bearer "+second.RefreshToken, "").StatusCode)
	assert.Equal(t, http.StatusOK, do(srv, http.MethodGet, "/bbb", "Bearer "+second.AccessToken, "").StatusCode)

	res, _ = refreshPair(srv, first.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "a spent refresh token is refused")
	assert.Contains(t, readBody(t, res), "reused")
	assert.EqualValues(t, 1, srv.ReusesDetected())

	res, _ = refreshPair(srv, second.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "after a reuse, the whole family is revoked: the newest refresh token too")

	fresh := loginPair(t, srv)
	res, _ = refreshPair(srv, fresh.RefreshToken)
	assert.Equal(t, http.StatusOK, res.StatusCode, "a new login is a new family")
}

func TestDoubleRefreshTokenExpires(t *testing.T) {
	clock := &simClock{now: start}
	srv := NewDoubleServer(testSecret, clock.Now)
	p := loginPair(t, srv)
	clock.set(at(RefreshTTL))
	res, _ := refreshPair(srv, p.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the refresh token lives 7 days")
}

func TestDoubleRefreshTokenNeverInTheQuery(t *testing.T) {
	srv := NewDoubleServer(testSecret, (&simClock{now: start}).Now)
	p := loginPair(t, srv)
	res := do(srv, http.MethodPost, "/user/refresh?refresh_token="+p.RefreshToken, "", "{}")
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "a token in the URL is not read: URLs end up in logs and histories")
	res = do(srv, http.MethodGet, "/user/refresh?refresh_token="+p.RefreshToken, "", "")
	assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
}

// TestDoubleClientSingleFlight sends 8 requests at once with an expired
// access token: all 8 get a 401 together, and exactly one refresh is made.
func TestDoubleClientSingleFlight(t *testing.T) {
	clock := &simClock{now: start}
	srv := NewDoubleServer(testSecret, clock.Now)
	var refreshes atomic.Int64
	rt := &transport{h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/user/refresh" {
			refreshes.Add(1)
		}
		srv.ServeHTTP(w, r)
	})}
	c := &DoubleClient{Base: rt, BaseURL: apiURL}
	require.NoError(t, c.Login(ctx))
	clock.set(at(time.Hour)) // the access token has expired

	const n = 8
	rt.hold(n)
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = c.Get(ctx, "/bbb")
		}()
	}
	wg.Wait()

	for i, status := range statuses {
		assert.Equal(t, http.StatusOK, status, "request %d is replayed after the refresh", i)
	}
	assert.EqualValues(t, 1, refreshes.Load(), "one refresh for all: the others wait for it")
	assert.Zero(t, srv.ReusesDetected(), "with a single flight, no refresh token is ever presented twice")
}

func TestDoubleClientSessionRevoked(t *testing.T) {
	clock := &simClock{now: start}
	srv := NewDoubleServer(testSecret, clock.Now)
	user := &DoubleClient{Base: &transport{h: srv}, BaseURL: apiURL}
	require.NoError(t, user.Login(ctx))
	thief := user.Copy(&transport{h: srv})

	clock.set(at(time.Hour))
	status, err := thief.Get(ctx, "/bbb")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, "the thief refreshes first")

	status, err = user.Get(ctx, "/bbb")
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, status, "the user's refresh is a reuse: the session is revoked, the user must log in")

	clock.set(at(2 * time.Hour))
	status, err = thief.Get(ctx, "/bbb")
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, status, "the thief's refresh token died with the family")
}
