package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const todoRenew = "step 03 (refresh.go): "

const day = 24 * time.Hour

// renewedClaims requires a renewed token in res's "token" header, signed
// with the test secret and valid at the given time, and returns its claims.
func renewedClaims(t *testing.T, res *http.Response, at time.Time) *Claims {
	t.Helper()
	token := res.Header.Get("token")
	require.NotEmpty(t, token, todoRenew+"GET /bbb with a valid token → %d with no \"token\" header; want a renewed token in it", res.StatusCode)
	_, claims, err := parseClaims(token, testSecret, at)
	require.NoError(t, err, todoRenew+"the \"token\" header holds %.40q, not a token signed by the server", token)
	return claims
}

func TestRenewOnEveryResponse(t *testing.T) {
	clock := newTestClock(fakeNow)
	tokens := NewTokens(testSecret, clock.Now)
	srv := NewServer(testUsers(t), tokens)
	old, err := tokens.Sign("guang")
	require.NoError(t, err)
	_, oldClaims, err := parseClaims(old, testSecret, clock.Now())
	require.NoError(t, err)

	clock.Advance(time.Hour)
	res := get(srv, "/bbb", "Bearer "+old)

	require.Equal(t, http.StatusOK, res.StatusCode, "a valid token passes the guard (step 02)")
	assert.Equal(t, "bbb", body(t, res), todoRenew+"the handler behind renew must still answer")
	claims := renewedClaims(t, res, clock.Now())
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"), todoRenew+"an answer that carries a token must never be cached (RFC 9111 §5.2.2.5)")
	assert.Equal(t, "guang", claims.Username, todoRenew+"renewed for the same user")
	assert.True(t, claims.IssuedAt.Equal(clock.Now()) && claims.ExpiresAt.Equal(clock.Now().Add(7*day)),
		todoRenew+"renewed an hour after login: iat %s, exp %s; want a new token: iat now (%s), exp 7 days later",
		claims.IssuedAt.UTC().Format(time.DateTime), claims.ExpiresAt.UTC().Format(time.DateTime), clock.Now().Format(time.DateTime))
	assert.NotEqual(t, oldClaims.ID, claims.ID, todoRenew+"the renewed token has the jti of the request's token; want a new token")
}

func TestRenewCarriesTheCallersName(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	srv := NewServer(testUsers(t), tokens)
	for _, user := range []string{"ada", "guang"} {
		token, err := tokens.Sign(user)
		require.NoError(t, err)

		res := get(srv, "/bbb", "Bearer "+token)

		require.Equal(t, http.StatusOK, res.StatusCode, "a valid token passes the guard (step 02)")
		claims := renewedClaims(t, res, fakeNow)
		assert.Equal(t, user, claims.Username, todoRenew+"%s's request renewed for %q; want the user of the verified claims", user, claims.Username)
	}
}

// TestRenewOnlyWithClaims: renew trusts only the claims the guard verified.
// Mounted without the guard (a wiring mistake), it must not hand out a
// token, nor panic.
func TestRenewOnlyWithClaims(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	h := renew(tokens)(handleBBB())
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/bbb", nil)

	panicked := func() (p any) {
		defer func() { p = recover() }()
		h.ServeHTTP(rec, req)
		return nil
	}()

	require.Nil(t, panicked, todoRenew+"a request without verified claims made renew panic: %v", panicked)
	assert.Empty(t, rec.Result().Header.Get("token"), todoRenew+"a request without verified claims got a token; want none (renew runs behind the guard)")
}

func TestNoTokenOnRefusalsOrPublicRoutes(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	srv := NewServer(testUsers(t), tokens)
	good, err := tokens.Sign("guang")
	require.NoError(t, err)

	for _, bad := range badTokens(t) {
		t.Run(bad.name, func(t *testing.T) {
			res := get(srv, "/bbb", "Bearer "+bad.token)
			assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
			assert.Empty(t, res.Header.Get("token"), todoRenew+"a refused request never gets a token: renew runs behind the guard")
		})
	}
	t.Run("no Authorization", func(t *testing.T) {
		res := get(srv, "/bbb")
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
		assert.Empty(t, res.Header.Get("token"))
	})
	t.Run("public route", func(t *testing.T) {
		res := get(srv, "/aaa", "Bearer "+good)
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Empty(t, res.Header.Get("token"), "only guarded routes renew")
	})
}

// TestRenewBeforeTheHandlerWrites checks the header reaches the wire even
// when the handler writes its status at once. It reads rec.Result(), what
// a client receives: a header set after WriteHeader is still in the
// recorder's live map, but was never sent.
func TestRenewBeforeTheHandlerWrites(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	token, err := tokens.Sign("guang")
	require.NoError(t, err)
	h := guard(tokens)(renew(tokens)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	})))

	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	h.ServeHTTP(rec, req)
	res := rec.Result()

	require.Equal(t, http.StatusAccepted, res.StatusCode, todoRenew+"the handler's own status must reach the client")
	require.NotEmpty(t, res.Header.Get("token"), todoRenew+"a handler that writes at once → no \"token\" header on the wire; want it (headers set after the first write are dropped)")
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"), todoRenew+"a handler that writes at once → no \"Cache-Control: no-store\" on the wire; want it")
}

// spyTransport records what the client sent and what came back, so that
// TestSlidingWindow can say which side broke.
type spyTransport struct {
	base            http.RoundTripper
	sent, renewedTo string
}

func (s *spyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s.sent = req.Header.Get("Authorization")
	res, err := s.base.RoundTrip(req)
	if err == nil {
		s.renewedTo = res.Header.Get("token")
	}
	return res, err
}

// TestSlidingWindow is the chapter's promise: one login keeps an active
// user logged in; an idle one must log in again.
func TestSlidingWindow(t *testing.T) {
	clock := newTestClock(fakeNow)
	srv := NewServer(testUsers(t), NewTokens(testSecret, clock.Now))
	spy := &spyTransport{base: handlerTransport{srv}}
	want := login(t, srv) // the token the client should send next
	client := &http.Client{Transport: NewTokenTransport(spy, want)}

	t.Run("back every 3 days for a month, on one login", func(t *testing.T) {
		for d := 3; d <= 30; d += 3 {
			clock.Advance(3 * day)
			res := clientGet(t, client, "/bbb")
			if res.StatusCode != http.StatusOK {
				var why string
				switch {
				case spy.sent == "":
					why = todoRoundTrip + "the request went out without Authorization; want the stored token"
				case !strings.HasPrefix(spy.sent, "Bearer "):
					why = fmt.Sprintf(todoRoundTrip+"the client sent Authorization %.20q…; want \"Bearer \" and the token", spy.sent)
				case spy.sent != "Bearer "+want:
					why = fmt.Sprintf(todoClient+"the client sent %s; want %s, the latest token it was given (kept from the answer, stored by exp)",
						show(strings.TrimPrefix(spy.sent, "Bearer ")), show(want))
				case d > 3:
					why = fmt.Sprintf(todoRenew+"the answer of day %d carried no renewed token, so the login token expired", d-3)
				default:
					why = strings.TrimSuffix(todoRenew, ": ") + " renews, " + strings.TrimSuffix(todoClient, ": ") + " send and keep"
				}
				require.Equal(t, http.StatusOK, res.StatusCode, "day %d, GET /bbb through the client → %d; want 200: %s", d, res.StatusCode, why)
			}
			if spy.renewedTo != "" {
				want = spy.renewedTo
			}
		}
	})
	t.Run("idle for 8 days: log in again", func(t *testing.T) {
		clock.Advance(8 * day)
		res := clientGet(t, client, "/bbb")
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "a token is valid for 7 days after the last request, no more")
		assert.Empty(t, res.Header.Get("token"))

		fresh := &http.Client{Transport: NewTokenTransport(handlerTransport{srv}, login(t, srv))}
		res = clientGet(t, fresh, "/bbb")
		assert.Equal(t, http.StatusOK, res.StatusCode, todoRoundTrip+"after a new login, GET /bbb through the client → %d; want 200 (the client sends the new token)", res.StatusCode)
	})
}
