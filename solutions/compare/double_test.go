package compare

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
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

// refreshedOnce logs in, and refreshes an hour later: it returns the
// server, the login's pair, and the refreshed pair.
func refreshedOnce(t *testing.T) (srv *DoubleServer, first, second pair) {
	t.Helper()
	clock := &simClock{now: start}
	srv = NewDoubleServer(testSecret, clock.Now)
	first = loginPair(t, srv)
	clock.set(at(time.Hour))
	res, second := refreshPair(srv, first.RefreshToken)
	require.Equal(t, http.StatusOK, res.StatusCode, "POST /user/refresh with the login's refresh token, an hour after login")
	return srv, first, second
}

func TestDoubleRefreshRotatesAndDetectsReuse(t *testing.T) {
	srv, first, second := refreshedOnce(t)
	assert.NotEqual(t, first.RefreshToken, second.RefreshToken, "a new refresh token on every use (rotation)")
	assert.Equal(t, http.StatusUnauthorized, do(srv, http.MethodGet, "/bbb", "Bearer "+second.RefreshToken, "").StatusCode)
	assert.Equal(t, http.StatusOK, do(srv, http.MethodGet, "/bbb", "Bearer "+second.AccessToken, "").StatusCode)

	res, _ := refreshPair(srv, first.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "a spent refresh token is refused")
	assert.Contains(t, readBody(t, res), "reused")
	assert.EqualValues(t, 1, srv.ReusesDetected())

	res, _ = refreshPair(srv, second.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "after a reuse, the whole family is revoked: the newest refresh token too")

	fresh := loginPair(t, srv)
	res, _ = refreshPair(srv, fresh.RefreshToken)
	assert.Equal(t, http.StatusOK, res.StatusCode, "a new login is a new family")
}

// TestDoubleRefreshIsAtomic: a refresh checks that the presented token is
// the family's current one and makes its successor current in one step, so
// a second refresh of the same token can never slip in between and rotate
// it too (two valid successors: a copy that is never detected). The second
// refresh is run exactly before each Lock of the first (the server's
// hookedMutex), the moments a race would hit only now and then: each time,
// exactly one of the two wins, and the other is a reuse.
func TestDoubleRefreshIsAtomic(t *testing.T) {
	for k := 1; k <= 3; k++ {
		srv := NewDoubleServer(testSecret, time.Now)
		p := loginPair(t, srv)
		var second *http.Response
		locks := 0
		srv.mu.beforeLock = func() {
			if locks++; locks == k {
				srv.mu.beforeLock = nil // the second refresh runs uninterrupted
				second, _ = refreshPair(srv, p.RefreshToken)
			}
		}
		first, _ := refreshPair(srv, p.RefreshToken)
		srv.mu.beforeLock = nil
		if second == nil { // the first refresh locked fewer than k times
			continue
		}
		statuses := []int{first.StatusCode, second.StatusCode}
		assert.ElementsMatch(t, []int{http.StatusOK, http.StatusUnauthorized}, statuses,
			"(double.go): the same refresh token twice, the second run just before Lock number %d of the first: statuses %v (first, second); want one 200 and one 401: exactly one rotation wins, the other is a reuse", k, statuses)
	}
}

// TestDoubleRefreshRefusesAccessToken: an access token travels in every
// request header, so more parties see it than the refresh token. Presented
// to /user/refresh it is refused, and the family lives on: otherwise anyone
// who saw an access token could log the user out.
func TestDoubleRefreshRefusesAccessToken(t *testing.T) {
	srv, first, second := refreshedOnce(t)
	for name, access := range map[string]string{"the login's access token": first.AccessToken, "the refreshed access token": second.AccessToken} {
		res, _ := refreshPair(srv, access)
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "POST /user/refresh with %s: %d, want 401", name, res.StatusCode)
	}
	assert.Zero(t, srv.ReusesDetected(), "an access token at /user/refresh is not a reused refresh token")
	assert.Equal(t, 1, srv.Families(), "an access token at /user/refresh must not revoke its family")
	res, _ := refreshPair(srv, second.RefreshToken)
	assert.Equal(t, http.StatusOK, res.StatusCode, "after access tokens were sent to /user/refresh, the current refresh token still works (the family is not revoked)")
}

// TestDoubleFamiliesPruned: the server keeps a family only while it can
// still refresh. A revoked family is dropped at once; an expired one at
// the next sweep (a login or a refresh); a family refreshed lately is kept,
// with its reuse detection, until its newest refresh token expires.
func TestDoubleFamiliesPruned(t *testing.T) {
	clock := &simClock{now: start}
	srv := NewDoubleServer(testSecret, clock.Now)
	const logins = 100
	for range logins {
		loginPair(t, srv)
	}
	a, b, c := loginPair(t, srv), loginPair(t, srv), loginPair(t, srv)
	require.Equal(t, logins+3, srv.Families(), "one family per login")

	clock.set(at(time.Hour))
	res, a2 := refreshPair(srv, a.RefreshToken)
	require.Equal(t, http.StatusOK, res.StatusCode)
	res, _ = refreshPair(srv, b.RefreshToken)
	require.Equal(t, http.StatusOK, res.StatusCode)
	res, _ = refreshPair(srv, c.RefreshToken)
	require.Equal(t, http.StatusOK, res.StatusCode)
	res, _ = refreshPair(srv, c.RefreshToken)
	require.Equal(t, http.StatusUnauthorized, res.StatusCode, "c's spent refresh token presented again")
	assert.Equal(t, logins+2, srv.Families(), "a revoked family is dropped at once")

	clock.set(at(RefreshTTL)) // the first refresh tokens expire; a and b were refreshed at 1 h
	loginPair(t, srv)         // a login sweeps
	assert.Equal(t, 3, srv.Families(), "at 7 days, the %d families never refreshed are dropped; a and b (refreshed at 1 h) and the new login are kept", logins)

	clock.set(at(RefreshTTL + 30*time.Minute))
	res, _ = refreshPair(srv, a2.RefreshToken)
	require.Equal(t, http.StatusOK, res.StatusCode, "a's refresh token of 1 h still works 7 days and 30 minutes after login")
	res, _ = refreshPair(srv, a2.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "a's spent refresh token presented again")
	assert.EqualValues(t, 2, srv.ReusesDetected(), "reuse detection works while the family lives (c, then a)")
	assert.Equal(t, 2, srv.Families(), "a is revoked and dropped; b and the login of day 7 are kept")

	clock.set(at(RefreshTTL + time.Hour)) // b's refresh token of 1 h expires
	loginPair(t, srv)
	assert.Equal(t, 2, srv.Families(), "b is dropped; the logins of day 7 and of now are kept")

	clock.set(at(3 * RefreshTTL))
	loginPair(t, srv)
	assert.Equal(t, 1, srv.Families(), "once every refresh token has expired, only the newest login's family is kept")
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

// refreshGate is a transport that counts the requests for /user/refresh
// and keeps them until open is closed: a slow refresh.
type refreshGate struct {
	next      http.RoundTripper
	open      chan struct{}
	refreshes atomic.Int64
}

func (g *refreshGate) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == "/user/refresh" {
		g.refreshes.Add(1)
		<-g.open
	}
	return g.next.RoundTrip(req)
}

// TestDoubleClientSingleFlight sends 8 requests at once with an expired
// access token, and keeps the refresh on the wire until every request is
// blocked (synctest.Wait): every request has had its 401 (or, refreshing
// ahead, has seen the exp), and all but one are waiting for a refresh.
// Exactly one refresh is made; without single-flight, all 8 are on the
// wire with the same refresh token.
func TestDoubleClientSingleFlight(t *testing.T) {
	for _, ahead := range []time.Duration{0, Ahead} {
		t.Run(fmt.Sprintf("Ahead %v", ahead), func(t *testing.T) { testSingleFlight(t, ahead) })
	}
}

func testSingleFlight(t *testing.T, ahead time.Duration) {
	synctest.Test(t, func(t *testing.T) {
		clock := &simClock{now: start}
		srv := NewDoubleServer(testSecret, clock.Now)
		gate := &refreshGate{next: &transport{h: srv}, open: make(chan struct{})}
		c := &DoubleClient{Base: gate, BaseURL: apiURL, Ahead: ahead, Now: clock.Now}
		require.NoError(t, c.Login(ctx))
		clock.set(at(time.Hour)) // the access token has expired

		const n = 8
		var wg sync.WaitGroup
		statuses := make([]int, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { statuses[i], errs[i] = c.Get(ctx, "/bbb") })
		}
		synctest.Wait() // every request is blocked: on the refresh on the wire, or waiting for it
		refreshing := gate.refreshes.Load()
		close(gate.open)
		wg.Wait()

		require.EqualValues(t, 1, refreshing, "%d requests got a 401 together: refreshes on the wire at once: %d, want 1 (the others wait for it)", n, refreshing)
		assert.EqualValues(t, 1, gate.refreshes.Load(), "%d requests got a 401 together: refreshes in all: %d, want 1", n, gate.refreshes.Load())
		assert.Zero(t, srv.ReusesDetected(), "with a single flight, no refresh token is ever presented twice")
		assert.Equal(t, slices.Repeat([]int{http.StatusOK}, n), statuses, "every request is replayed after the refresh")
		assert.Equal(t, make([]error, n), errs, "no request reports that the user must log in")
	})
}

// TestDoubleClientStopsAfterFailedRefresh: once a refresh has failed, the
// refresh token is dead (revoked, expired, or spent on the way): the client
// tells the caller to log in again and never calls /user/refresh with it
// again, until the next login.
func TestDoubleClientStopsAfterFailedRefresh(t *testing.T) {
	clock := &simClock{now: start}
	srv := NewDoubleServer(testSecret, clock.Now)
	gate := &refreshGate{next: &transport{h: srv}, open: make(chan struct{})}
	close(gate.open)
	c := &DoubleClient{Base: gate, BaseURL: apiURL}
	require.NoError(t, c.Login(ctx))

	clock.set(at(RefreshTTL)) // both tokens have expired
	for i := range 3 {
		status, err := c.Get(ctx, "/bbb")
		assert.Equal(t, http.StatusUnauthorized, status, "GET /bbb %d after the refresh token expired: %d, want 401", i+1, status)
		assert.ErrorIs(t, err, errLoggedOut, "GET /bbb %d after the refresh token expired: the user must log in again", i+1)
	}
	assert.EqualValues(t, 1, gate.refreshes.Load(), "3 requests after the refresh token expired: refreshes: %d, want 1 (none after the first failed)", gate.refreshes.Load())

	require.NoError(t, c.Login(ctx))
	status, err := c.Get(ctx, "/bbb")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, "after a new login, the client works again")
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
	assert.ErrorIs(t, err, errLoggedOut, "the user's refresh is a reuse: the session is revoked, the user must log in")
	assert.Equal(t, http.StatusUnauthorized, status)

	clock.set(at(2 * time.Hour))
	status, err = thief.Get(ctx, "/bbb")
	assert.ErrorIs(t, err, errLoggedOut, "the thief's refresh token died with the family")
	assert.Equal(t, http.StatusUnauthorized, status)
}

// TestDoubleFamilyLifetime: refreshing every day keeps a family alive, but
// not past its login's auth_time + FamilyLifetime (30 days): every token of
// the family carries the login's auth_time, no token outlives the end, and
// then the user logs in again.
func TestDoubleFamilyLifetime(t *testing.T) {
	clock := &simClock{now: start}
	srv := NewDoubleServer(testSecret, clock.Now)
	p := loginPair(t, srv)
	end := at(FamilyLifetime)
	for _, d := range append(stepsOf(day, FamilyLifetime), FamilyLifetime-10*time.Minute) {
		clock.set(at(d))
		res, next := refreshPair(srv, p.RefreshToken)
		require.Equal(t, http.StatusOK, res.StatusCode, "a refresh on day %.0f of the family", d.Hours()/24)
		for name, token := range map[string]string{"access": next.AccessToken, "refresh": next.RefreshToken} {
			c, err := srv.tokens.verify(token, name)
			require.NoError(t, err)
			require.NotNil(t, c.AuthTime, "the %s token of day %.0f carries auth_time", name, d.Hours()/24)
			assert.Equal(t, start, c.AuthTime.UTC(), "the %s token of day %.0f: auth_time is the login's, unchanged", name, d.Hours()/24)
			assert.False(t, c.ExpiresAt.After(end), "the %s token of day %.0f expires at %v, after the family's end %v", name, d.Hours()/24, c.ExpiresAt.UTC(), end)
		}
		p = next
	}
	clock.set(end.Add(-time.Second))
	assert.Equal(t, http.StatusOK, do(srv, http.MethodGet, "/bbb", "Bearer "+p.AccessToken, "").StatusCode, "the access token of 10 minutes before the family's end works until the end")
	clock.set(end)
	assert.Equal(t, http.StatusUnauthorized, do(srv, http.MethodGet, "/bbb", "Bearer "+p.AccessToken, "").StatusCode, "at the family's end, its access token has expired too")
	res, _ := refreshPair(srv, p.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "30 days after login, the family is over: log in again")
}

// stepsOf returns every, 2·every, … up to (not including) end.
func stepsOf(every, end time.Duration) []time.Duration {
	var ds []time.Duration
	for d := every; d < end; d += every {
		ds = append(ds, d)
	}
	return ds
}

// trips is a transport that counts the requests by path, and the 401s.
type trips struct {
	next  http.RoundTripper
	mu    sync.Mutex
	paths []string
	n401  int
}

func (tr *trips) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := tr.next.RoundTrip(req)
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.paths = append(tr.paths, req.URL.Path)
	if err == nil && res.StatusCode == http.StatusUnauthorized {
		tr.n401++
	}
	return res, err
}

// TestDoubleClientRefreshesAhead: with Ahead, the client refreshes before
// sending an access token whose exp is at most Ahead away (or past): no
// 401, no replay. An access token with more left is sent as it is.
func TestDoubleClientRefreshesAhead(t *testing.T) {
	tests := []struct {
		name  string
		at    time.Duration // after login
		paths []string
	}{
		{"20 s left", AccessTTL - 20*time.Second, []string{"/bbb"}},
		{"5 s left", AccessTTL - 5*time.Second, []string{"/user/refresh", "/bbb"}},
		{"at exp", AccessTTL, []string{"/user/refresh", "/bbb"}},
		{"a day later", day, []string{"/user/refresh", "/bbb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &simClock{now: start}
			srv := NewDoubleServer(testSecret, clock.Now)
			tr := &trips{next: &transport{h: srv}}
			c := &DoubleClient{Base: tr, BaseURL: apiURL, Ahead: 10 * time.Second, Now: clock.Now}
			require.NoError(t, c.Login(ctx))
			clock.set(at(tt.at))
			status, err := c.Get(ctx, "/bbb")
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, append([]string{"/user/login"}, tt.paths...), tr.paths, "GET /bbb with the access token's exp %v away (Ahead 10 s): the requests made", AccessTTL-tt.at)
			assert.Zero(t, tr.n401, "refreshing ahead, the server never answers 401")
		})
	}
}
