package main

import (
	"sync"
	"time"
)

// maxVerified bounds the cache of verified tokens: about 1 MiB of tokens.
const maxVerified = 4096

// verifiedCache remembers the tokens that passed verification, by their
// exact bytes, until they expire. With near-expiry renewal a client sends
// the same token for hours, so most requests skip the JSON decoding and
// the HMAC. (In step 04 every answer carried a new token: a cache would
// never have hit.)
//
// It is safe because a byte-identical token verifies the same way every
// time, as long as the secret does not change; and it only ever holds
// tokens that verified, so a flood of forged ones cannot fill it. The
// claims it returns are shared between requests: read them, never change
// them.
type verifiedCache struct {
	mu     sync.RWMutex
	claims map[string]*Claims
}

func newVerifiedCache() *verifiedCache {
	return &verifiedCache{claims: make(map[string]*Claims)}
}

// get returns the claims of token if it was verified before and has not
// expired at now.
func (c *verifiedCache) get(token string, now time.Time) (*Claims, bool) {
	c.mu.RLock()
	claims, ok := c.claims[token]
	c.mu.RUnlock()
	if !ok || !now.Before(claims.ExpiresAt.Time) {
		return nil, false // unknown, or expired: the parser will say which
	}
	return claims, true
}

// put remembers a verified token. When the cache is full it starts again
// empty: simple, and bounded.
func (c *verifiedCache) put(token string, claims *Claims) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.claims) >= maxVerified {
		clear(c.claims)
	}
	c.claims[token] = claims
}
