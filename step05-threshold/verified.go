package main

import (
	"container/list"
	"sync"
	"time"
)

// maxVerified bounds the cache of verified tokens: 25,000 tokens, about
// 600 bytes each with their claims, so at most about 15 MiB
// (TestVerifiedCacheMemory measures it).
const maxVerified = 25_000

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
//
// When it is full it forgets the token used longest ago (least recently
// used): as long as the active users' tokens fit, every one of them keeps
// hitting. Past the bound, the tokens used least recently are verified in
// full again, no worse than without a cache.
type verifiedCache struct {
	mu      sync.Mutex // every get moves its token to the front: a write
	size    int        // room for this many tokens
	byToken map[string]*list.Element
	recent  *list.List // of *verifiedEntry, most recently used first
}

type verifiedEntry struct {
	token  string
	claims *Claims
}

func newVerifiedCache() *verifiedCache { return newVerifiedCacheOf(maxVerified) }

// newVerifiedCacheOf returns a cache with room for size tokens (0: it
// remembers nothing, and every token is verified in full).
func newVerifiedCacheOf(size int) *verifiedCache {
	return &verifiedCache{size: size, byToken: make(map[string]*list.Element), recent: list.New()}
}

// get returns the claims of token if it was verified before and has not
// expired at now.
func (c *verifiedCache) get(token string, now time.Time) (*Claims, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byToken[token]
	if !ok {
		return nil, false // unknown: the parser decides
	}
	entry := e.Value.(*verifiedEntry)
	if !now.Before(entry.claims.ExpiresAt.Time) {
		c.remove(e) // expired: never returned again; the parser says why
		return nil, false
	}
	c.recent.MoveToFront(e)
	return entry.claims, true
}

// put remembers a verified token. When the cache is full it first forgets
// the token used longest ago.
func (c *verifiedCache) put(token string, claims *Claims) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.size <= 0 {
		return
	}
	if e, ok := c.byToken[token]; ok { // verified twice at once by two requests
		e.Value.(*verifiedEntry).claims = claims
		c.recent.MoveToFront(e)
		return
	}
	if c.recent.Len() >= c.size {
		c.remove(c.recent.Back())
	}
	c.byToken[token] = c.recent.PushFront(&verifiedEntry{token, claims})
}

// remove forgets one entry; c.mu is held.
func (c *verifiedCache) remove(e *list.Element) {
	delete(c.byToken, e.Value.(*verifiedEntry).token)
	c.recent.Remove(e)
}

// len is the number of tokens held.
func (c *verifiedCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recent.Len()
}
