package main

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 18: a jti must be unguessable, not only unique: a revocation list
// or a reuse check keyed by it trusts that nobody can name another token's
// id. The rule: at least 16 random bytes (128 bits) from crypto/rand.
// 1,000 tokens signed at one injected instant must carry 1,000 distinct
// jtis (so not the clock, not 4 random characters), and the jtis must vary
// in more than 120 bits' worth of characters (so not a counter, not 8
// random bytes). No encoding is pinned: see variedBits.
func TestTokensSignJTIUnguessable(t *testing.T) {
	const (
		todo = "step 01 (token.go): "
		n    = 1000
	)
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	ids := make([]string, 0, n)
	seen := make(map[string]int, n)
	for i := range n {
		token, err := tokens.Sign("guang")
		require.NoError(t, err, todo+"Sign(%q) must not fail", "guang")
		_, claims, err := parseClaims(token, testSecret, fakeNow)
		require.NoError(t, err, todo+"Sign(%q): the token must verify with the secret, as HS256, and carry exp", "guang")
		require.NotEmpty(t, claims.ID, todo+"Sign(%q): set a jti", "guang")
		first, repeated := seen[claims.ID]
		require.False(t, repeated, todo+"tokens %d and %d of %d signed at the same instant have the same jti %q: want a random id of at least 16 bytes from crypto/rand", first+1, i+1, n, claims.ID)
		seen[claims.ID] = i
		ids = append(ids, claims.ID)
	}
	bits := variedBits(ids)
	assert.Greater(t, bits, 120.0, todo+"%d jtis signed at one instant (e.g. %q, %q) vary in about %.0f bits; want at least 16 random bytes (128 bits) from crypto/rand: a token id must be unguessable", n, ids[0], ids[1], bits)
}

// variedBits estimates how many random bits a set of ids carries, whatever
// their encoding: at each character position it counts the distinct
// characters the ids show there, and adds up log2 of these counts. A
// position that never changes (a prefix, a separator) adds nothing; 1,000
// ids of 16 random bytes show every symbol of their alphabet at every
// position, so hex (32 characters of 16 symbols), base32 (26 of 32) and
// base64 (22 of 64) all come to at least 128 bits (a UUIDv4, to 122). A
// counter or a clock varies only in its last few positions.
func variedBits(ids []string) float64 {
	var perPosition []map[byte]bool
	for _, id := range ids {
		for i := range len(id) {
			if i == len(perPosition) {
				perPosition = append(perPosition, map[byte]bool{})
			}
			perPosition[i][id[i]] = true
		}
	}
	bits := 0.0
	for _, symbols := range perPosition {
		bits += math.Log2(float64(len(symbols)))
	}
	return bits
}
