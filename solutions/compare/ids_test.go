package compare

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 18: a family id and a jti must be unguessable, not only unique:
// reuse detection trusts that nobody can name another login's family or
// token. 1,000 ids must be distinct and vary in more than 120 bits' worth
// of characters (at least 16 random bytes from crypto/rand).
func TestIDsAreUnguessable(t *testing.T) {
	const n = 1000
	seen := make(map[string]bool, n)
	perPosition := []map[byte]bool{}
	for range n {
		id := newID()
		require.False(t, seen[id], "newID returned %q twice in %d calls: want 16 or more random bytes from crypto/rand", id, n)
		seen[id] = true
		for i := range len(id) {
			if i == len(perPosition) {
				perPosition = append(perPosition, map[byte]bool{})
			}
			perPosition[i][id[i]] = true
		}
	}
	bits := 0.0 // log2 of the distinct characters seen at each position, added up
	for _, symbols := range perPosition {
		bits += math.Log2(float64(len(symbols)))
	}
	assert.Greater(t, bits, 120.0, "%d ids of newID vary in about %.0f bits; want 16 or more random bytes (128 bits) from crypto/rand", n, bits)
}
