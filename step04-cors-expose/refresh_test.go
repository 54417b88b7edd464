package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const todoRenew = "step 03 (refresh.go): "

const day = 24 * time.Hour

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
	assert.Equal(t, "bbb", body(t, res))
	renewed := res.Header.Get("token")
	require.NotEmpty(t, renewed, todoRenew+"every response behind the guard carries a new token in the \"token\" header")
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"), todoRenew+"a response with a token must not be cached (Cache-Control: no-store)")
	_, claims, err := parseClaims(renewed, testSecret, clock.Now())
	require.NoError(t, err, todoRenew+"the renewed token is signed with the secret (tokens.Sign)")
	assert.Equal(t, "guang", claims.Username, todoRenew+"the same user")
	assert.Equal(t, clock.Now(), claims.IssuedAt.UTC(), todoRenew+"a new iat: now")
	assert.Equal(t, clock.Now().Add(7*day), claims.ExpiresAt.UTC(), todoRenew+"a new exp: now + 7 days")
	assert.NotEqual(t, oldClaims.ID, claims.ID, todoRenew+"a new jti")
}

func TestRenewCarriesTheCallersName(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	srv := NewServer(testUsers(t), tokens)
	ada, err := tokens.Sign("ada")
	require.NoError(t, err)

	res := get(srv, "/bbb", "Bearer "+ada)

	_, claims, err := parseClaims(res.Header.Get("token"), testSecret, fakeNow)
	require.NoError(t, err, todoRenew+"a renewed token in the \"token\" header")
	assert.Equal(t, "ada", claims.Username, todoRenew+"renew for the user of the request's claims (claimsFrom), not a fixed one")
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
// when the handler writes its status at once.
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

	assert.Equal(t, http.StatusAccepted, res.StatusCode)
	assert.NotEmpty(t, res.Header.Get("token"), todoRenew+"set the header before calling next: headers set after WriteHeader never reach the wire")
}

// TestSlidingWindow is the chapter's promise: one login keeps an active
// user logged in; an idle one must log in again.
func TestSlidingWindow(t *testing.T) {
	clock := newTestClock(fakeNow)
	srv := NewServer(testUsers(t), NewTokens(testSecret, clock.Now))
	client := &http.Client{Transport: NewTokenTransport(handlerTransport{srv}, login(t, srv))}

	t.Run("back every 3 days for a month, on one login", func(t *testing.T) {
		for d := 3; d <= 30; d += 3 {
			clock.Advance(3 * day)
			res := clientGet(t, client, "/bbb")
			assert.Equal(t, http.StatusOK, res.StatusCode,
				"step 03 (refresh.go) renews, step 03 (client.go) sends and keeps: day %d, the token renewed on day %d is still valid", d, d-3)
		}
	})
	t.Run("idle for 8 days: log in again", func(t *testing.T) {
		clock.Advance(8 * day)
		res := clientGet(t, client, "/bbb")
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "a token is valid for 7 days after the last request, no more")
		assert.Empty(t, res.Header.Get("token"))

		fresh := &http.Client{Transport: NewTokenTransport(handlerTransport{srv}, login(t, srv))}
		res = clientGet(t, fresh, "/bbb")
		assert.Equal(t, http.StatusOK, res.StatusCode, "step 03 (client.go): after a new login, the client sends the new token and the user is back")
	})
}
