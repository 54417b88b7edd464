package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 9, item 1: eight connections sending wrong passwords made every
// other request about 60 times slower. While logins are flooded, the rest
// of the API must keep answering.

func TestThrottleFloodLeavesOtherRoutesAnswering(t *testing.T) {
	clock := newTestClock(fakeNow)
	tokens := NewTokens(testSecret, clock.Now)
	srv := NewServer(testUsers(t), tokens)
	requireBodyDecoded(t, srv)
	token, err := tokens.Sign("guang")
	require.NoError(t, err)
	bearer := "Bearer " + token
	requirePasses(t, srv, tokens, bearer, "")

	otherRoutesAnswer := func(while string) {
		t.Helper()
		res := serveWithin(t, srv, httptest.NewRequest(http.MethodGet, "/aaa", nil))
		assert.Equal(t, http.StatusOK, res.StatusCode, throttleLabel+"GET /aaa %s: status %d; want 200", while, res.StatusCode)
		req := httptest.NewRequest(http.MethodGet, "/bbb", nil)
		req.Header.Set("Authorization", bearer)
		res = serveWithin(t, srv, req)
		assert.Equal(t, http.StatusOK, res.StatusCode, throttleLabel+"GET /bbb with a valid token %s: status %d; want 200", while, res.StatusCode)
	}

	// Every password check busy: logins are refused after a short wait
	// (shortened here), the rest answers.
	setSlotWait(t, 10*time.Millisecond)
	release := holdCheckSlots(t, cap(checkSlots))
	for i := range 20 {
		res := loginFrom(t, srv, fmt.Sprintf("203.0.113.%d:1234", i), "guang", "654321")
		require.Equal(t, http.StatusServiceUnavailable, res.StatusCode,
			throttleLabel+"a wrong login with every check slot taken: status %d; want 503 (after slotWait)", res.StatusCode)
		otherRoutesAnswer("while every password check is busy")
	}
	release()

	// A burst of wrong passwords from one address: refused before any
	// bcrypt work once the limit is reached.
	count := map[int]int{}
	for range 3 * addrFailureBurst {
		res := loginFrom(t, srv, flooder, "guang", "654321")
		count[res.StatusCode]++
	}
	assert.Equal(t, map[int]int{http.StatusBadRequest: pairFailureBurst, http.StatusTooManyRequests: 3*addrFailureBurst - pairFailureBurst}, count,
		throttleLabel+"%d wrong passwords for %q: the statuses; want %d checked (400), the rest refused (429)", 3*addrFailureBurst, "guang", pairFailureBurst)
	otherRoutesAnswer("after a burst of wrong passwords")

	// The limit lifts: the right password logs in.
	clock.Advance(pairFailureEvery)
	res := loginFrom(t, srv, flooder, "guang", "123456")
	assert.Equal(t, http.StatusCreated, res.StatusCode, throttleLabel+"the right password a minute after the burst: status %d; want 201", res.StatusCode)
}
