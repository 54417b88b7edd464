package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// hashPassword hashes password at the given bcrypt cost.
func hashPassword(t *testing.T, password string, cost int) []byte {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	require.NoError(t, err)
	return hash
}

func TestUsersCheck(t *testing.T) {
	users := testUsers(t)
	// A dummy hash whose password the test knows: an unknown user must be
	// refused even with it (a Check that only asks whether bcrypt agreed
	// would let them in).
	const dummyPassword = "the-dummy-hash's-own-password"
	users.dummy = hashPassword(t, dummyPassword, bcrypt.MinCost)

	tests := []struct {
		name     string
		username string
		password string
		want     bool
	}{
		{"demo user, right password", "guang", "123456", true},
		{"second user, right password", "ada", "lovelace-1815", true},
		{"wrong password", "guang", "1234567", false},
		{"another user's password", "guang", "lovelace-1815", false},
		{"unknown user", "nobody", "123456", false},
		{"unknown user, the dummy hash's password", "nobody", dummyPassword, false},
		{"empty password", "guang", "", false},
		{"password too long for bcrypt", "guang", "123456" + strings.Repeat("x", 80), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := users.Check(tt.username, tt.password)
			assert.Equal(t, tt.want, got, "step 01 (users.go): Check(%q, %.40q) = %v, want %v (%s)", tt.username, tt.password, got, tt.want, tt.name)
		})
	}
}

// An unknown username answered before bcrypt runs, or checked against a
// cheaper (or dearer) hash than a real user's, is a timing oracle: response
// times tell an attacker which usernames exist.
func TestUsersCheckUnknownUserTakesAsLong(t *testing.T) {
	const (
		cost      = 7  // about 10 ms a comparison: measurable, and still fast
		minRounds = 3  // the fastest run of each path is the least disturbed…
		maxRounds = 15 // …and on a busy machine more rounds find a quiet one
		factor    = 3  // generous: the two paths do the same work
	)
	users := NewUsers(map[string][]byte{"guang": hashPassword(t, "123456", cost)})
	gotCost, err := bcrypt.Cost(users.dummy)
	require.NoError(t, err, "step 01 (users.go): NewUsers must set a bcrypt dummy hash")
	require.Equal(t, cost, gotCost, "step 01 (users.go): the dummy hash must have the cost of the stored hashes")

	timeCheck := func(username string) time.Duration {
		start := time.Now()
		users.Check(username, "wrong-password")
		return time.Since(start)
	}
	similar := func(a, b time.Duration) bool { return a*factor >= b && b*factor >= a }
	known, unknown := time.Duration(1<<63-1), time.Duration(1<<63-1)
	for round := 1; round <= maxRounds; round++ { // interleaved, so that both paths see the same load
		known = min(known, timeCheck("guang"))
		unknown = min(unknown, timeCheck("nobody"))
		if round >= minRounds && known > 500*time.Microsecond && similar(known, unknown) {
			break
		}
	}

	require.Greater(t, known, 500*time.Microsecond,
		"step 01 (users.go): Check(%q, a wrong password) took %v: a bcrypt comparison at cost %d takes milliseconds", "guang", known, cost)
	assert.GreaterOrEqual(t, unknown*factor, known,
		"step 01 (users.go): Check(%q, …) took %v, a wrong password %v: an unknown user must cost the same bcrypt work, or the time tells which usernames exist", "nobody", unknown, known)
	assert.GreaterOrEqual(t, known*factor, unknown,
		"step 01 (users.go): Check(%q, …) took %v, a wrong password only %v: a dearer dummy hash tells which usernames exist too", "nobody", unknown, known)
}

func TestDemoUsers(t *testing.T) {
	users := DemoUsers()
	assert.True(t, users.Check("guang", "123456"), "step 01 (users.go): Check(%q, %q): the chapter's demo user must log in", "guang", "123456")
	assert.False(t, users.Check("guang", "654321"), "step 01 (users.go): Check(%q, %q): a wrong password must be refused", "guang", "654321")
	assert.NotContains(t, demoHash, "123456", "only the hash is stored, never the password")
	demoCost, err := bcrypt.Cost([]byte(demoHash))
	require.NoError(t, err)
	dummyCost, err := bcrypt.Cost(users.dummy)
	require.NoError(t, err, "step 01 (users.go): DemoUsers must set a bcrypt dummy hash")
	assert.Equal(t, demoCost, dummyCost, "step 01 (users.go): the demo store's dummy hash must have the demo hash's cost")
}
