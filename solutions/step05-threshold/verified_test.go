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

func TestVerifiedCache(t *testing.T) {
	clock := newTestClock(fakeNow)
	tokens := NewTokens(testSecret, clock.Now)
	token, err := tokens.Sign("guang")
	require.NoError(t, err)

	first, err := tokens.Verify(token)
	require.NoError(t, err)
	second, err := tokens.Verify(token)
	require.NoError(t, err)
	assert.Same(t, first, second, "a token verified before comes from the cache")

	clock.Advance(7*day - time.Second)
	_, err = tokens.Verify(token)
	assert.NoError(t, err, "still valid a second before exp")
	clock.Advance(time.Second)
	_, err = tokens.Verify(token)
	assert.ErrorIs(t, err, jwt.ErrTokenExpired, "a cached token expires like any other")
}

func TestVerifiedCacheHoldsOnlyVerifiedTokens(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	for _, bad := range badTokens(t) {
		_, err := tokens.Verify(bad.token)
		require.Error(t, err, bad.name)
		_, cached := tokens.verified.get(bad.token, fakeNow)
		assert.False(t, cached, "a refused token is never cached: %s", bad.name)
	}
	good, err := tokens.Sign("guang")
	require.NoError(t, err)
	tampered := good[:len(good)-2] + strings.Repeat("A", 2)
	if tampered != good {
		_, err = tokens.Verify(tampered)
		assert.Error(t, err, "a token one signature byte away from a cached one is verified in full")
	}
}

func TestVerifiedCacheIsBounded(t *testing.T) {
	cache := newVerifiedCache()
	claims := validClaims()
	for i := range maxVerified + 10 {
		cache.put(strings.Repeat("x", i+1), claims)
	}
	assert.LessOrEqual(t, len(cache.claims), maxVerified)
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
