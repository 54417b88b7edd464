package main

import (
	"crypto/rand"
	"fmt"
	"runtime"
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

// cacheTokens returns n distinct token strings and their claims, as a
// cache holds them (no signature needed: the cache only stores).
func cacheTokens(n int) ([]string, []*Claims) {
	tokens, claims := make([]string, n), make([]*Claims, n)
	for i := range n {
		c := validClaims()
		c.ID = fmt.Sprintf("jti-%d", i)
		tokens[i], claims[i] = "token-"+c.ID, c
	}
	return tokens, claims
}

func TestVerifiedCacheIsBounded(t *testing.T) {
	cache := newVerifiedCache()
	tokens, claims := cacheTokens(maxVerified + 10)
	for i, token := range tokens {
		cache.put(token, claims[i])
	}
	assert.Equal(t, maxVerified, cache.len(), todoCache+"the cache holds at most maxVerified tokens")
	_, ok := cache.get(tokens[0], fakeNow)
	assert.False(t, ok, todoCache+"a token not used since it was put is forgotten first")
	got, ok := cache.get(tokens[len(tokens)-1], fakeNow)
	assert.True(t, ok, todoCache+"a full cache keeps the newest token (it must not start again empty)")
	assert.Same(t, claims[len(claims)-1], got, todoCache+"the newest token's claims")
}

func TestVerifiedCacheKeepsTheRecentlyUsed(t *testing.T) {
	cache := newVerifiedCacheOf(3)
	tokens, claims := cacheTokens(4)
	for i := range 3 {
		cache.put(tokens[i], claims[i])
	}
	_, ok := cache.get(tokens[0], fakeNow) // token 0 is now the most recently used
	require.True(t, ok, todoCache+"a token just put is cached")
	cache.put(tokens[3], claims[3]) // full: the hand spares token 0 (used) and takes token 1
	for i, want := range []bool{true, false, true, true} {
		_, ok := cache.get(tokens[i], fakeNow)
		assert.Equal(t, want, ok, todoCache+"room for 3, tokens 0-2 put, 0 used, 3 put: is token %d cached?", i)
	}
}

func TestVerifiedCacheFullOfUsedTokens(t *testing.T) {
	// Every token used: the hand clears every mark in one turn, then takes
	// a slot. The cache stays bounded and takes the new token.
	cache := newVerifiedCacheOf(3)
	tokens, claims := cacheTokens(4)
	for i := range 3 {
		cache.put(tokens[i], claims[i])
		_, ok := cache.get(tokens[i], fakeNow)
		require.True(t, ok, todoCache+"a token just put is cached")
	}
	cache.put(tokens[3], claims[3])
	assert.Equal(t, 3, cache.len(), todoCache+"room for 3, all used, a 4th put: the cache holds 3")
	got, ok := cache.get(tokens[3], fakeNow)
	assert.True(t, ok, todoCache+"the 4th token is cached")
	assert.Same(t, claims[3], got, todoCache+"the 4th token's claims")
	assertConsistent(t, cache)
}

func TestVerifiedCacheHotSetKeepsHitting(t *testing.T) {
	// More active users than the old bound of 4,096, fewer than maxVerified:
	// after the first request of each, every request is a hit.
	const users = 10_000
	require.Less(t, users, maxVerified)
	cache := newVerifiedCache()
	tokens, claims := cacheTokens(users)
	for i, token := range tokens {
		cache.put(token, claims[i])
	}
	for round := range 3 {
		misses := 0
		for i, token := range tokens {
			if got, ok := cache.get(token, fakeNow); !ok || got != claims[i] {
				misses++
			}
		}
		assert.Zero(t, misses, todoCache+"round %d over %d users: %d misses; want every token cached", round, users, misses)
	}
}

func TestVerifiedCacheStrictRotationPastTheBound(t *testing.T) {
	// The worst case, which the lesson states: one token more than room,
	// sent in strict rotation. Each token is pushed out just before it
	// comes round again: no request hits, and the cache stays bounded.
	cache := newVerifiedCacheOf(3)
	tokens, claims := cacheTokens(4)
	hits := 0
	for range 5 {
		for i, token := range tokens {
			if _, ok := cache.get(token, fakeNow); ok {
				hits++
				continue
			}
			cache.put(token, claims[i])
		}
	}
	assert.Zero(t, hits, todoCache+"4 tokens in strict rotation through room for 3: hits")
	assert.Equal(t, 3, cache.len(), todoCache+"bounded")
	assertConsistent(t, cache)
}

func TestVerifiedCacheForgetsExpired(t *testing.T) {
	cache := newVerifiedCache()
	claims := validClaims()
	cache.put("token", claims)
	_, ok := cache.get("token", claims.ExpiresAt.Add(-time.Second))
	require.True(t, ok, todoCache+"cached a second before exp")
	_, ok = cache.get("token", claims.ExpiresAt.Time)
	assert.False(t, ok, todoCache+"a token is never returned at or after its exp")
	assert.Zero(t, cache.len(), todoCache+"an expired token is dropped when found")
	assertConsistent(t, cache)
	_, ok = cache.get("token", claims.ExpiresAt.Add(-time.Second))
	assert.False(t, ok, todoCache+"an expired token, once dropped, stays dropped")
}

func TestVerifiedCacheMemory(t *testing.T) {
	// A full cache, with tokens and claims as the server holds them: each
	// token a real one, kept as part of its "Bearer …" header value, and
	// claims allocated field by field as the JSON decoder does.
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cache := newVerifiedCache()
	for range maxVerified {
		token, err := tokens.Sign("guang")
		require.NoError(t, err)
		header := "Bearer " + token
		claims := &Claims{Username: strings.Clone("guang"), AuthTime: jwt.NewNumericDate(fakeNow), RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt:  jwt.NewNumericDate(fakeNow),
			ExpiresAt: jwt.NewNumericDate(fakeNow.Add(7 * day)),
			ID:        rand.Text(),
		}}
		cache.put(header[len("Bearer "):], claims)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	require.Equal(t, maxVerified, cache.len())
	used := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d tokens: %.1f MiB, %d bytes each", maxVerified, float64(used)/(1<<20), used/maxVerified)
	assert.LessOrEqual(t, used, int64(16<<20), todoCache+"a full cache must stay within 16 MiB")
	runtime.KeepAlive(cache)
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

func TestVerifiedCacheConcurrentEviction(t *testing.T) {
	// Goroutines put and get more tokens than the cache holds: it stays
	// bounded, and a hit always returns the claims of that very token.
	const size = 64
	cache := newVerifiedCacheOf(size)
	tokens, claims := cacheTokens(8 * 100)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				for i := g * 100; i < (g+1)*100; i++ {
					if got, ok := cache.get(tokens[i], fakeNow); ok && got != claims[i] {
						t.Errorf(todoCache+"get(%q) returned the claims of %q", tokens[i], got.ID)
						return
					}
					cache.put(tokens[i], claims[i])
				}
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, cache.len(), size, todoCache+"bounded under concurrent use")
	assertConsistent(t, cache)
}

// assertConsistent checks that the map and the ring agree: every token in
// the map sits in its slot, and every slot that holds a token is in the map.
func assertConsistent(t *testing.T, cache *verifiedCache) {
	t.Helper()
	held := 0
	for _, e := range cache.slots {
		if e.claims != nil {
			held++
		}
	}
	assert.Equal(t, held, len(cache.byToken), todoCache+"slots holding a token, and tokens in the map")
	for token, i := range cache.byToken {
		assert.Equal(t, token, cache.slots[i].token, todoCache+"the map points each token at its own slot")
	}
}
