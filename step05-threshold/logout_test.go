package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 21: POST /user/logout and POST /user/logout-all. TODO 5 is the
// routes' half; the guard's (TODO 4) refuses what they end.
const todoLogout = "TODO 5 (logout.go): "

// postAuth sends POST path through h with the given Authorization header
// ("" for none).
func postAuth(h http.Handler, path, authorization string) *http.Response {
	req := httptest.NewRequest(http.MethodPost, path, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return send(h, req)
}

// requireBBB fails the test now unless GET /bbb with token answers
// want: what TODO 5 ended must be refused, what it did not end must pass.
func requireBBB(t *testing.T, srv http.Handler, token string, want int, format string, args ...any) {
	t.Helper()
	res := get(srv, "/bbb", "Bearer "+token)
	require.Equalf(t, want, res.StatusCode, todoLogout+format+": GET /bbb answers %d, want %d", append(args, res.StatusCode, want)...)
}

// requireLogout posts path with token and fails the test now unless it
// answers 204.
func requireLogout(t *testing.T, srv http.Handler, path, token, which string) {
	t.Helper()
	res := postAuth(srv, path, "Bearer "+token)
	why := ""
	if res.StatusCode == http.StatusInternalServerError {
		why = ": the handler found no claims; only the guard hands them over"
	}
	require.Equalf(t, http.StatusNoContent, res.StatusCode, todoLogout+"POST %s with %s: status %d, want 204 (%s)%s", path, which, res.StatusCode, strings.TrimSpace(body(t, res)), why)
}

// TestLogout: POST /user/logout ends the session of the token presented:
// the token, the tokens renewed from it (even one renewed after the token
// presented, still in flight), until the session's cap; and nothing else.
// The complaints it comes from: "the access token still works after
// logout" (simplejwt #13, #697), a revocation by jti only.
func TestLogout(t *testing.T) {
	afterTODOs1to3(t)
	clock := newTestClock(fakeNow)
	tokens := NewTokens(testSecret, clock.Now)
	srv := NewServer(testUsers(t), tokens)
	first, claims := signAt(t, "guang", fakeNow.Add(-4*day)) // due for renewal
	renewed := renewAt(t, claims, fakeNow)                   // in flight: the client has not stored it yet
	other, _ := signAt(t, "guang", fakeNow.Add(-time.Hour))  // the same user on another device
	requireBBB(t, srv, first, http.StatusOK, "before the logout, the session's first token")
	requireBBB(t, srv, renewed, http.StatusOK, "before the logout, the renewed token")

	requireLogout(t, srv, "/user/logout", first, "the session's first token")

	requireBBB(t, srv, first, http.StatusUnauthorized, "after POST /user/logout with it, the token presented (the logout ends its session, the token's user and sid, until no token of it can be valid)")
	requireBBB(t, srv, renewed, http.StatusUnauthorized, "after POST /user/logout with the first token, a token renewed from it (the same sid, another jti)")
	requireBBB(t, srv, other, http.StatusOK, "after POST /user/logout, the same user's other session")
	res := postAuth(srv, "/user/logout", "Bearer "+renewed)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, todoLogout+"POST /user/logout with a token of an ended session: status %d, want 401 (behind the guard)", res.StatusCode)

	// The renewed token lives 7 days from fakeNow, past the first's exp
	// (3 days from fakeNow) and up to its session's cap.
	clock.Advance(3*day + time.Second)
	requireBBB(t, srv, renewed, http.StatusUnauthorized, "after the first token's exp, the renewed token (the entry must last until the session's cap, auth_time + MaxSession, not the presented token's exp)")
}

// TestLogoutNeedsAValidToken: the logout routes are behind the guard. A
// route that trusted any token could end anyone's session with a forged
// one (it need not even be signed).
func TestLogoutNeedsAValidToken(t *testing.T) {
	afterTODOs1to3(t)
	forged := func(claims *Claims) string {
		return forge(t, jwt.SigningMethodHS256, claims, []byte("another-secret-of-32-bytes-long!"))
	}
	for _, path := range []string{"/user/logout", "/user/logout-all"} {
		ok := t.Run(path, func(t *testing.T) {
			tokens := NewTokens(testSecret, fixedClock(fakeNow))
			srv := NewServer(testUsers(t), tokens)
			victim, claims := signAt(t, "guang", fakeNow.Add(-time.Hour))
			for _, tt := range []struct{ name, authorization string }{
				{"no token", ""},
				{"a token of the same session signed with another secret", "Bearer " + forged(claims)},
			} {
				res := postAuth(srv, path, tt.authorization)
				require.Equal(t, http.StatusUnauthorized, res.StatusCode, todoLogout+"POST %s with %s: status %d, want 401 (the route is behind the guard)", path, tt.name, res.StatusCode)
				assert.Contains(t, res.Header.Get("WWW-Authenticate"), "Bearer", todoLogout+"POST %s with %s: the guard's 401", path, tt.name)
			}
			requireBBB(t, srv, victim, http.StatusOK, "after POST %s with a forged token, the session it names", path)
		})
		if !ok {
			break // one failure at a time
		}
	}
}

// TestLogoutAll: POST /user/logout-all ends every session of the user
// that started before it, the one presented included, and no other: a
// login right after it works. ("I think my token was stolen.")
func TestLogoutAll(t *testing.T) {
	afterTODOs1to3(t)
	if !t.Run("sessions started before", func(t *testing.T) {
		clock := newTestClock(fakeNow)
		tokens := NewTokens(testSecret, clock.Now)
		srv := NewServer(testUsers(t), tokens)
		old, claims := signAt(t, "guang", fakeNow.Add(-4*day))
		oldRenewed := renewAt(t, claims, fakeNow.Add(-time.Hour))
		presented, _ := signAt(t, "guang", fakeNow.Add(-day))
		later, _ := signAt(t, "guang", fakeNow.Add(-time.Hour)) // after the presented one's login
		otherUser, _ := signAt(t, "ada", fakeNow.Add(-day))

		requireLogout(t, srv, "/user/logout-all", presented, "a token of a session started a day ago")

		requireBBB(t, srv, presented, http.StatusUnauthorized, "after POST /user/logout-all with it, the token presented")
		requireBBB(t, srv, old, http.StatusUnauthorized, "after POST /user/logout-all, a session started 4 days ago")
		requireBBB(t, srv, oldRenewed, http.StatusUnauthorized, "after POST /user/logout-all, a token renewed an hour ago of a session started 4 days ago")
		requireBBB(t, srv, later, http.StatusUnauthorized, "after POST /user/logout-all, a session started an hour ago, after the presented one (the cut-off is now, not the presented session's auth_time)")
		requireBBB(t, srv, otherUser, http.StatusOK, "after guang's POST /user/logout-all, ada's session")

		for _, after := range []time.Duration{0, time.Second} {
			clock.Advance(after)
			fresh := login(t, srv)
			requireBBB(t, srv, fresh, http.StatusOK, "a login %v after POST /user/logout-all (a session that starts after the cut-off lives on)", after)
		}
		// Every session it ended started before fakeNow: capped by fakeNow + 30 days.
		clock.Advance(30*day - 7*day/2)
		requireBBB(t, srv, oldRenewed, http.StatusUnauthorized, "26.5 days after POST /user/logout-all, a token renewed an hour before it (still within its own cap)")
	}) {
		return // one failure at a time
	}
	t.Run("a session started in the same second", func(t *testing.T) {
		tokens := NewTokens(testSecret, fixedClock(fakeNow))
		srv := NewServer(testUsers(t), tokens)
		presented := login(t, srv) // auth_time fakeNow: not before the cut-off, in whole seconds
		requireLogout(t, srv, "/user/logout-all", presented, "a token of a login in the same second")
		requireBBB(t, srv, presented, http.StatusUnauthorized, "after POST /user/logout-all with it, the token presented, of a login in the same second (the cut-off ends sessions started before this second: end this one by its sid)")
	})
}

// TestLogoutStateIsBounded: the store keeps an entry only until the
// session could have ended anyway (auth_time + MaxSession), so that it
// never grows with the logins: "the blacklist table grows forever"
// (devise-jwt #25).
func TestLogoutStateIsBounded(t *testing.T) {
	afterTODOs1to3(t)
	clock := newTestClock(fakeNow)
	tokens := NewTokens(testSecret, clock.Now)
	srv := NewServer(testUsers(t), tokens)
	store, ok := tokens.sessions.(*memorySessions)
	require.True(t, ok, "NewTokens uses the store in memory")
	login := fakeNow.Add(-day)
	const sessions = 20
	var last *Claims
	for range sessions {
		token, claims := signAt(t, "guang", login)
		requireLogout(t, srv, "/user/logout", token, "a token of a login a day ago")
		last = claims
	}
	everywhere, _ := signAt(t, "ada", login)
	requireLogout(t, srv, "/user/logout-all", everywhere, "a token of a login a day ago")
	held := store.len()
	require.GreaterOrEqual(t, held, sessions+1, todoLogout+"%d sessions logged out, one user everywhere: the store holds %d entries", sessions, held)

	capAt := login.Add(tokens.policy.MaxSession)
	clock.Advance(capAt.Sub(fakeNow) - time.Second)
	capped := renewAt(t, last, clock.Now())
	requireBBB(t, srv, capped, http.StatusUnauthorized, "a second before the session's cap, a token of a logged-out session (renewed, it lives until the cap)")

	// One second after the cut-off's until too (now + MaxSession at the
	// logout, a day after the sessions' cap), a new logout: the store
	// forgets what has expired as it writes.
	clock.Advance(day + 2*time.Second)
	token, _ := signAt(t, "guang", clock.Now())
	requireLogout(t, srv, "/user/logout", token, "a fresh token")
	assert.Equal(t, 1, store.len(), todoLogout+"past every session's cap, the store holds %d entries, want 1 (the last logout's): give each entry the until at which its sessions end anyway (auth_time + MaxSession; now + MaxSession for a cut-off)", store.len())
}

// readOnlyStore answers the guard but cannot record anything: a store
// across the network that fails on writes.
type readOnlyStore struct{ SessionStore }

func (readOnlyStore) End(context.Context, string, string, time.Time) error { return errStoreDown }
func (readOnlyStore) EndAll(context.Context, string, time.Time, time.Time) error {
	return errStoreDown
}

// TestLogoutWhenTheStoreFails: a logout that could not be recorded must
// say so (503), never answer 204: the user believes they are out while
// the thief is still in.
func TestLogoutWhenTheStoreFails(t *testing.T) {
	afterTODOs1to3(t)
	for _, path := range []string{"/user/logout", "/user/logout-all"} {
		tokens := NewTokens(testSecret, fixedClock(fakeNow))
		tokens.sessions = readOnlyStore{tokens.sessions}
		srv := NewServer(testUsers(t), tokens)
		token, _ := signAt(t, "guang", fakeNow.Add(-time.Hour))

		res := postAuth(srv, path, "Bearer "+token)

		require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, todoLogout+"POST %s while the store cannot record it: status %d, want 503", path, res.StatusCode)
		assert.Equal(t, msgLogoutNotRecorded, readErrorBody(t, res).Message, todoLogout+"POST %s: the 503's message (msgLogoutNotRecorded)", path)
	}
}
