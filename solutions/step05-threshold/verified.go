package main

import (
	"sync"
	"time"
)

// maxVerified bounds the cache of verified tokens: 25,000 tokens, about
// 560 bytes each with their claims, so at most about 13 MiB
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
// When it is full it forgets a token that was not used lately, by the
// "second chance" (CLOCK) rule: the tokens sit in a ring of slots, a hit
// only marks its slot used, and to make room a hand goes round the ring,
// clearing the mark of each used slot it passes (a second chance) and
// taking the first slot that was not used since the hand last came by.
// As long as the active users' tokens fit, every one of them keeps
// hitting. Past the bound, the tokens not sent lately are verified in full
// again, no worse than without a cache.
//
// Why not a list kept in order of use (least recently used)? Every hit
// would then move a list element: pointer writes on the busiest path, and
// two more heap objects per token for the garbage collector to walk. Here
// a hit writes one bool, and a token costs the collector its string and
// its claims.
type verifiedCache struct {
	mu      sync.Mutex
	size    int              // room for this many tokens
	byToken map[string]int32 // token → its slot
	slots   []verifiedEntry  // the ring, grown up to size
	hand    int              // the next slot to look at when full
}

type verifiedEntry struct {
	token  string  // "" in a slot whose token expired
	claims *Claims // nil in such a slot
	used   bool    // sent since the hand last passed
}

func newVerifiedCache() *verifiedCache { return newVerifiedCacheOf(maxVerified) }

// newVerifiedCacheOf returns a cache with room for size tokens (0: it
// remembers nothing, and every token is verified in full).
func newVerifiedCacheOf(size int) *verifiedCache {
	return &verifiedCache{size: size, byToken: make(map[string]int32)}
}

// get returns the claims of token if it was verified before and has not
// expired at now.
func (c *verifiedCache) get(token string, now time.Time) (*Claims, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i, ok := c.byToken[token]
	if !ok {
		return nil, false // unknown: the parser decides
	}
	e := &c.slots[i]
	if !now.Before(e.claims.ExpiresAt.Time) {
		c.forget(i) // expired: never returned again; the parser says why
		return nil, false
	}
	e.used = true
	return e.claims, true
}

// put remembers a verified token. When the cache is full it first forgets
// a token that was not used since the hand last passed it.
func (c *verifiedCache) put(token string, claims *Claims) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.size <= 0 {
		return
	}
	if i, ok := c.byToken[token]; ok { // verified twice at once by two requests
		c.slots[i].claims = claims
		return
	}
	if len(c.slots) < c.size { // room left: a new slot
		c.byToken[token] = int32(len(c.slots))
		c.slots = append(c.slots, verifiedEntry{token: token, claims: claims})
		return
	}
	for c.slots[c.hand].used { // at most one turn: it clears every mark it passes
		c.slots[c.hand].used = false
		c.hand = (c.hand + 1) % len(c.slots)
	}
	c.forget(int32(c.hand))
	c.slots[c.hand] = verifiedEntry{token: token, claims: claims}
	c.byToken[token] = int32(c.hand)
	c.hand = (c.hand + 1) % len(c.slots)
}

// forget empties slot i; c.mu is held. The hand fills it again later.
func (c *verifiedCache) forget(i int32) {
	if c.slots[i].claims != nil {
		delete(c.byToken, c.slots[i].token)
	}
	c.slots[i] = verifiedEntry{}
}

// len is the number of tokens held.
func (c *verifiedCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byToken)
}
