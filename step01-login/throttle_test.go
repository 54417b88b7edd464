package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// Issue 9, item 1: a flood of wrong passwords took every core (bcrypt
// at cost 10 allows about 20 checks a second on 2 cores) and guessing was
// unlimited. These tests hold the limits of throttle.go.

const (
	throttleLabel = "step 01 (throttle.go): "
	throttleUsers = "TODO 2 (users.go): "
)

// loginRequest is a login from the client address remoteAddr ("ip:port").
func loginRequest(remoteAddr, username, password string) *http.Request {
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, username, password)
	req := httptest.NewRequest(http.MethodPost, "/user/login", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = remoteAddr
	return req
}

// loginFrom sends a login from remoteAddr through h. It fails the test if
// no answer comes within a generous deadline: a refusal must not wait.
func loginFrom(t *testing.T, h http.Handler, remoteAddr, username, password string) *http.Response {
	t.Helper()
	return serveWithin(t, h, loginRequest(remoteAddr, username, password))
}

func serveWithin(t *testing.T, h http.Handler, req *http.Request) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(rec, req)
	}()
	select {
	case <-done:
		return rec.Result()
	case <-time.After(10 * time.Second):
		t.Fatalf(throttleLabel+"%s %s from %s got no answer in 10 s: a login that finds no check slot free must wait a bounded time (slotWait), then be refused",
			req.Method, req.URL.Path, req.RemoteAddr)
		return nil
	}
}

// holdCheckSlots takes n password-check slots, as a flood in progress
// would, until release (or the end of the test).
func holdCheckSlots(t *testing.T, n int) (release func()) {
	t.Helper()
	for range n {
		checkSlots <- struct{}{}
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			for range n {
				<-checkSlots
			}
		})
	}
	t.Cleanup(release)
	return release
}

// setSlotWait sets how long a login waits for a check slot, until the end
// of the test.
func setSlotWait(t *testing.T, d time.Duration) {
	old := slotWait
	slotWait = d
	t.Cleanup(func() { slotWait = old })
}

// assertRefused checks a refusal: the status, Retry-After, and the
// course's JSON error whose message contains msgPart.
func assertRefused(t *testing.T, res *http.Response, status int, retryAfter, msgPart, what string) {
	t.Helper()
	assert.Equal(t, retryAfter, res.Header.Get("Retry-After"), throttleLabel+"%s: the Retry-After header (seconds)", what)
	body := readErrorBody(t, res)
	assert.Equal(t, status, body.StatusCode, throttleLabel+"%s: statusCode in the JSON body", what)
	assert.Equal(t, http.StatusText(status), body.Error, throttleLabel+"%s: error in the JSON body", what)
	assert.Contains(t, body.Message, msgPart, throttleLabel+"%s: the message says why", what)
}

const (
	flooder = "192.0.2.1:1234"
	someone = "198.51.100.7:4321"
)

// Issue 19: the limit of 5 failures was the username's, from every
// address: a stranger failing once a minute kept the user refused for as
// long as they liked. Now it is the username's from one address; the right
// password from another address is let through.
func TestThrottleFailedLoginsPerUsername(t *testing.T) {
	clock := newTestClock(fakeNow)
	users := testUsers(t)
	srv := NewServer(users, NewTokens(testSecret, clock.Now))
	requireBodyDecoded(t, srv)
	requireCheckWorks(t, users)

	for i := 1; i <= pairFailureBurst; i++ {
		res := loginFrom(t, srv, flooder, "guang", "654321")
		require.Equal(t, http.StatusBadRequest, res.StatusCode,
			throttleLabel+"wrong password %d for %q from %s: status %d; want 400 (the limit is %d failures)", i, "guang", flooder, res.StatusCode, pairFailureBurst)
	}
	res := loginFrom(t, srv, flooder, "guang", "654321")
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode,
		throttleLabel+"wrong password %d for %q from %s: status %d; want 429 Too Many Requests", pairFailureBurst+1, "guang", flooder, res.StatusCode)
	assertRefused(t, res, http.StatusTooManyRequests, "60", "for this username", "the sixth wrong password")
	res = loginFrom(t, srv, flooder, "guang", "123456")
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode,
		throttleLabel+"the right password for %q from the address that failed: status %d; want 429: a guesser must not learn that a guess was right", "guang", res.StatusCode)

	res = loginFrom(t, srv, someone, "guang", "123456")
	assert.Equal(t, http.StatusCreated, res.StatusCode,
		throttleLabel+"the right password for %q from another address, after failures from %s: status %d; want 201: failing on purpose must not lock the user out (issue 19)", "guang", flooder, res.StatusCode)
	res = loginFrom(t, srv, flooder, "ada", "654321")
	assert.Equal(t, http.StatusBadRequest, res.StatusCode,
		throttleLabel+"a wrong password for another username: status %d; want 400: each username has its own limit", res.StatusCode)

	clock.Advance(pairFailureEvery)
	res = loginFrom(t, srv, flooder, "guang", "123456")
	require.Equal(t, http.StatusCreated, res.StatusCode,
		throttleLabel+"the right password once the limit lifted (after Retry-After): status %d; want 201", res.StatusCode)

	// The success took nothing: one failure has refilled, and only one.
	res = loginFrom(t, srv, flooder, "guang", "654321")
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, throttleLabel+"a wrong password a minute later: status %d; want 400 (one failure refills a minute)", res.StatusCode)
	res = loginFrom(t, srv, flooder, "guang", "654321")
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, throttleLabel+"the next wrong password: status %d; want 429", res.StatusCode)
}

func TestThrottleFailedLoginsPerAddress(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))
	requireBodyDecoded(t, srv)

	// A guesser trying one password on many usernames.
	for i := 1; i <= addrFailureBurst; i++ {
		res := loginFrom(t, srv, flooder, fmt.Sprintf("user%d", i), "123456")
		require.Equal(t, http.StatusBadRequest, res.StatusCode,
			throttleLabel+"failed login %d from %s: status %d; want 400 (the limit is %d failures)", i, flooder, res.StatusCode, addrFailureBurst)
	}
	res := loginFrom(t, srv, "192.0.2.1:5678", "user-next", "123456")
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode,
		throttleLabel+"failed login %d from 192.0.2.1 (another port): status %d; want 429", addrFailureBurst+1, res.StatusCode)
	assertRefused(t, res, http.StatusTooManyRequests, strconv.Itoa(int(addrFailureEvery/time.Second)), "from this address", "one failure too many from one address")

	// The client writes X-Forwarded-For itself: it must not buy a new limit.
	req := loginRequest(flooder, "user-next", "123456")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	req.Header.Set("Forwarded", "for=203.0.113.9")
	res = serveWithin(t, srv, req)
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode,
		throttleLabel+"a limited address sending X-Forwarded-For: 203.0.113.9: status %d; want 429: the header is the client's word", res.StatusCode)

	res = loginFrom(t, srv, someone, "user-next", "123456")
	assert.Equal(t, http.StatusBadRequest, res.StatusCode,
		throttleLabel+"a failed login from another address: status %d; want 400: each address has its own limit", res.StatusCode)
}

func TestThrottleBusyRefusedAfterWaiting(t *testing.T) {
	users := testUsers(t)
	srv := NewServer(users, NewTokens(testSecret, fixedClock(fakeNow)))
	requireBodyDecoded(t, srv)
	requireCheckWorks(t, users)
	setSlotWait(t, 10*time.Millisecond)

	// A failure on record keeps the address's entry (and its slots) alive.
	res := loginFrom(t, srv, flooder, "guang", "654321")
	require.Equal(t, http.StatusBadRequest, res.StatusCode, throttleLabel+"a wrong password: status %d; want 400", res.StatusCode)

	release := holdCheckSlots(t, cap(checkSlots)) // every slot busy, as in a flood
	for i := range 2 * pairFailureBurst {
		res := loginFrom(t, srv, flooder, "guang", "654321")
		require.Equal(t, http.StatusServiceUnavailable, res.StatusCode,
			throttleLabel+"login %d with all %d check slots taken for longer than slotWait: status %d; want 503", i+1, cap(checkSlots), res.StatusCode)
		assertRefused(t, res, http.StatusServiceUnavailable, "1", "busy", "a login with every check slot taken")
	}
	release()

	res = loginFrom(t, srv, flooder, "guang", "654321")
	assert.Equal(t, http.StatusBadRequest, res.StatusCode,
		throttleLabel+"a wrong password once the slots are free: status %d; want 400: a refused 503 is not a failed login, and gives back every slot it took", res.StatusCode)
	res = loginFrom(t, srv, flooder, "guang", "123456")
	assert.Equal(t, http.StatusCreated, res.StatusCode, throttleLabel+"the right password once the slots are free: status %d; want 201", res.StatusCode)
	assert.Zero(t, len(checkSlots), throttleLabel+"every check slot is given back after the check")
}

// Concurrent wrong passwords for one username: the limits hold for
// checks in flight too, not only for those that have ended.
func TestThrottleConcurrentGuesses(t *testing.T) {
	tests := []struct {
		name    string
		guesses int
		addr    func(i int) string
		limit   int
	}{
		{"from one address: the username's limit there", 50,
			func(int) string { return flooder }, pairFailureBurst},
		{"from many addresses: the username's limit from all of them", userFailureBurst + 50,
			func(i int) string { return fmt.Sprintf("10.1.%d.%d:1234", i/250, i%250) }, userFailureBurst},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))
			requireBodyDecoded(t, srv)

			statuses := make(chan int, tt.guesses)
			var wg sync.WaitGroup
			for i := range tt.guesses {
				wg.Go(func() {
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, loginRequest(tt.addr(i), "guang", "654321"))
					statuses <- rec.Code
				})
			}
			wg.Wait()
			close(statuses)
			count := map[int]int{}
			for s := range statuses {
				count[s]++
			}
			assert.LessOrEqual(t, count[http.StatusBadRequest], tt.limit,
				throttleLabel+"%d concurrent wrong passwords for %q %s: %d were checked (400); want at most %d (statuses: %v)",
				tt.guesses, "guang", tt.name, count[http.StatusBadRequest], tt.limit, count)
			assert.Equal(t, tt.guesses, count[http.StatusBadRequest]+count[http.StatusTooManyRequests]+count[http.StatusServiceUnavailable],
				throttleLabel+"every guess answered 400, 429 or 503: %v", count)
			assert.Zero(t, len(checkSlots), throttleLabel+"every check slot is given back")
		})
	}
}

// An attacker sending random usernames, or from many addresses, makes an
// entry per key: the table must stay bounded.
func TestThrottleTableStaysBounded(t *testing.T) {
	const maxEntries = 100
	now := fakeNow
	table := newFailureTable(rate.Every(time.Minute), 5, maxEntries)

	for i := range 10 * maxEntries {
		e, _ := table.admit(fmt.Sprintf("random-%d", i), now)
		require.NotNil(t, e, throttleLabel+"a first failure for a new key must be admitted")
		table.end(e, true, now)
		require.LessOrEqual(t, table.size(), maxEntries, throttleLabel+"after %d failed keys, the table holds %d entries; want at most %d", i+1, table.size(), maxEntries)
	}

	// Five minutes on, every bucket is full again: as good as new, so forgotten.
	now = now.Add(5 * time.Minute)
	e, _ := table.admit("late", now)
	require.NotNil(t, e)
	table.end(e, true, now)
	assert.Equal(t, 1, table.size(), throttleLabel+"entries whose limit has refilled must be forgotten")

	// A right password leaves nothing behind.
	e, _ = table.admit("fine", now)
	require.NotNil(t, e)
	table.end(e, false, now)
	assert.Equal(t, 1, table.size(), throttleLabel+"a success must not keep an entry")

	// The limit counts checks in flight: five admitted, none ended yet.
	for i := range 5 {
		e, _ := table.admit("busy", now)
		require.NotNil(t, e, throttleLabel+"check %d in flight for one key: want it admitted (the limit is 5)", i+1)
	}
	e, wait := table.admit("busy", now)
	assert.Nil(t, e, throttleLabel+"a sixth check while five are in flight: want it refused")
	assert.Equal(t, time.Minute, wait, throttleLabel+"how long until the sixth may try")
}

func TestThrottleClientAddr(t *testing.T) {
	tests := []struct{ remoteAddr, want string }{
		{"192.0.2.1:1234", "192.0.2.1"},
		{"192.0.2.1:5678", "192.0.2.1"},                      // the port is not the client
		{"[::ffff:192.0.2.1]:1234", "192.0.2.1"},             // IPv4 mapped into IPv6
		{"[2001:db8:1:2:3:4:5:6]:1234", "2001:db8:1:2::/64"}, // one /64, one client
		{"[2001:db8:1:2::ffff]:1234", "2001:db8:1:2::/64"},
		{"[fe80::1%eth0]:1234", "fe80::/64"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodPost, "/user/login", nil)
		req.RemoteAddr = tt.remoteAddr
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		assert.Equal(t, tt.want, clientAddr(req), throttleLabel+"clientAddr with RemoteAddr %q (and X-Forwarded-For: 203.0.113.9)", tt.remoteAddr)
	}
}
