package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// todoCache labels the tests of the cache of verified tokens, code this
// step gives (verified.go).
const todoCache = "step 05 (verified.go): "

func TestVerifiedCache(t *testing.T) {
	clock := newTestClock(fakeNow)
	tokens := NewTokens(testSecret, clock.Now)
	token, err := tokens.Sign("guang")
	require.NoError(t, err)

	first, err := tokens.Verify(token)
	require.NoError(t, err)
	second, err := tokens.Verify(token)
	require.NoError(t, err)
	assert.Same(t, first, second, todoCache+"a token verified before comes from the cache")

	clock.Advance(7*day - time.Second)
	_, err = tokens.Verify(token)
	assert.NoError(t, err, todoCache+"still valid a second before exp")
	clock.Advance(time.Second)
	_, err = tokens.Verify(token)
	assert.ErrorIs(t, err, jwt.ErrTokenExpired, todoCache+"a cached token expires like any other")
}

func TestVerifiedCacheHoldsOnlyVerifiedTokens(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	for _, bad := range badTokens(t) {
		_, err := tokens.Verify(bad.token)
		require.Error(t, err, bad.name)
		_, cached := tokens.verified.get(bad.token, fakeNow)
		assert.False(t, cached, todoCache+"a refused token is never cached: %s", bad.name)
	}
	good, err := tokens.Sign("guang")
	require.NoError(t, err)
	_, err = tokens.Verify(good)
	require.NoError(t, err, todoCache+"a good token verifies")
	_, cached := tokens.verified.get(good, fakeNow)
	require.True(t, cached, todoCache+"a verified token is cached")

	// The same header and claims, one signature character changed (the
	// first: it holds six bits of the signature, where the last holds
	// padding bits a lenient decoder ignores).
	dot := strings.LastIndexByte(good, '.')
	flipped := byte('A')
	if good[dot+1] == 'A' {
		flipped = 'B'
	}
	tampered := good[:dot+1] + string(flipped) + good[dot+2:]
	claims, err := tokens.Verify(tampered)
	assert.Error(t, err, todoCache+"a token one signature character away from a cached one was accepted; want it verified in full (the cache holds exact bytes)")
	assert.Nil(t, claims, todoCache+"no claims for a tampered token")
	_, cached = tokens.verified.get(tampered, fakeNow)
	assert.False(t, cached, todoCache+"a tampered token is never cached")
}

func TestVerifiedCacheIsBounded(t *testing.T) {
	cache := newVerifiedCache()
	claims := validClaims()
	for i := range maxVerified + 10 {
		cache.put(strings.Repeat("x", i+1), claims)
	}
	assert.LessOrEqual(t, len(cache.claims), maxVerified, todoCache+"the cache is bounded")
}

func TestVerifiedCacheConcurrent(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	token, err := tokens.Sign("guang")
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := tokens.Verify(token); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
