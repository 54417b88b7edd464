package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 21: the rules of the logout routes (TODO 5) that TestLogout and
// TestLogoutAll do not reach: careless answers that passed them. Each test
// first requires a plain logout to work, so that a route not written yet
// fails as in TestLogout.

// endFailsStore records a logout everywhere's cut-off but not the end of
// one session; endAllFailsStore the other way round.
type endFailsStore struct{ SessionStore }

func (endFailsStore) End(context.Context, string, string, time.Time) error { return errStoreDown }

type endAllFailsStore struct{ SessionStore }

func (endAllFailsStore) EndAll(context.Context, string, time.Time, time.Time) error {
	return errStoreDown
}

// requireLogoutWorks fails the test now unless POST path ends a session
// with a store that works (204), as TestLogout would.
func requireLogoutWorks(t *testing.T, path string) {
	t.Helper()
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	srv := NewServer(testUsers(t), tokens)
	token, _ := signAt(t, "guang", fakeNow.Add(-time.Hour))
	requireLogout(t, srv, path, token, "a token of a login an hour ago, the store working")
}

// TestLogoutAllWhenOneWriteFails: POST /user/logout-all writes twice (the
// cut-off, and the presented session by its sid); a 204 says both were
// recorded. TestLogoutWhenTheStoreFails fails both, so an answer that
// checked only one of the two errors passed it.
func TestLogoutAllWhenOneWriteFails(t *testing.T) {
	afterTODOs1to3(t)
	requireLogoutWorks(t, "/user/logout-all")
	for _, tt := range []struct {
		name string
		wrap func(SessionStore) SessionStore
	}{
		{"the cut-off (EndAll) fails, the end of the session (End) is recorded", func(s SessionStore) SessionStore { return endAllFailsStore{s} }},
		{"the end of the session (End) fails, the cut-off (EndAll) is recorded", func(s SessionStore) SessionStore { return endFailsStore{s} }},
	} {
		tokens := NewTokens(testSecret, fixedClock(fakeNow))
		tokens.sessions = tt.wrap(tokens.sessions)
		srv := NewServer(testUsers(t), tokens)
		token, _ := signAt(t, "guang", fakeNow.Add(-time.Hour))

		res := postAuth(srv, "/user/logout-all", "Bearer "+token)

		require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, todoLogout+"POST /user/logout-all while %s: status %d, want 503: check the error of each write, never answer 204 for a logout half recorded", tt.name, res.StatusCode)
	}
}

// TestLogoutNeverRenews: the logout routes are behind the guard, not
// behind renew: a token for a session that has just ended is no use, and
// the README says neither renews.
func TestLogoutNeverRenews(t *testing.T) {
	afterTODOs1to3(t)
	for _, path := range []string{"/user/logout", "/user/logout-all"} {
		requireLogoutWorks(t, path)
		tokens := NewTokens(testSecret, fixedClock(fakeNow))
		srv := NewServer(testUsers(t), tokens)
		token, _ := signAt(t, "guang", fakeNow.Add(-4*day)) // due for renewal

		res := postAuth(srv, path, "Bearer "+token)

		require.Equal(t, http.StatusNoContent, res.StatusCode, todoLogout+"POST %s with a token due for renewal: status %d, want 204 (%s)", path, res.StatusCode, strings.TrimSpace(body(t, res)))
		assert.Empty(t, res.Header.Get(tokenHeader), todoLogout+"POST %s with a token due for renewal: the answer carries a renewed token (%.20q…); a logout never renews: wire the route behind the guard only", path, res.Header.Get(tokenHeader))
	}
}

// TestLogoutOnlyByPOST: a GET changes nothing (RFC 9110 §9.2.1, safe
// methods): a route without its method would end the session on any
// method.
func TestLogoutOnlyByPOST(t *testing.T) {
	afterTODOs1to3(t)
	for _, path := range []string{"/user/logout", "/user/logout-all"} {
		requireLogoutWorks(t, path)
		tokens := NewTokens(testSecret, fixedClock(fakeNow))
		srv := NewServer(testUsers(t), tokens)
		token, _ := signAt(t, "guang", fakeNow.Add(-time.Hour))

		res := get(srv, path, "Bearer "+token)

		assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode, todoLogout+"GET %s: status %d, want 405: the route takes POST only (its pattern names the method)", path, res.StatusCode)
		requireBBB(t, srv, token, http.StatusOK, "after GET %s, the session of its token (a GET ends nothing)", path)
	}
}

// TestLogoutAllOutlivesThePresentedSession: the cut-off of a logout
// everywhere must last until every session it ends is over, now +
// MaxSession, even when the session presented is near its own cap. With
// the presented session's cap instead, a thief's session that started
// later comes back when the cut-off is forgotten.
func TestLogoutAllOutlivesThePresentedSession(t *testing.T) {
	afterTODOs1to3(t)
	clock := newTestClock(fakeNow)
	tokens := NewTokens(testSecret, clock.Now)
	srv := NewServer(testUsers(t), tokens)
	// The user's session of 29 days ago, renewed an hour ago: capped a day from now.
	old := fakeNow.Add(-29 * day)
	presented, err := tokens.signSession("guang", newSessionID(), old, fakeNow.Add(-time.Hour), old.Add(tokens.policy.MaxSession))
	require.NoError(t, err)
	stolen, _ := signAt(t, "guang", fakeNow.Add(-time.Hour)) // the thief's login, an hour ago: its token lives 7 days

	requireLogout(t, srv, "/user/logout-all", presented, "a token of a session capped a day from now")

	clock.Advance(2 * day)
	requireBBB(t, srv, stolen, http.StatusUnauthorized, "2 days after POST /user/logout-all with a token of a session capped a day after it, a session started an hour before it (the cut-off lasts until now + MaxSession, not until the presented session's cap)")
}
