package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 21: the comparison's simulation (solutions/compare) carries its
// own copy of the rule of a logout everywhere, as it does of the renewal
// rule; testdata/revocation-cases.txt holds the two to one table of cases.
// This test runs it through this step's server; compare's
// TestRevocationCasesMatchStep05 through the simulation's.

// revocationCase is one line of testdata/revocation-cases.txt.
type revocationCase struct {
	line                int
	name                string
	authTime, logoutAll time.Duration // logoutAll < 0: none
	now                 time.Duration
	ended               bool
}

// readRevocationCases reads the revocation cases that solutions/compare
// runs too.
func readRevocationCases(t *testing.T, path string) []revocationCase {
	t.Helper()
	var cases []revocationCase
	for _, l := range readCaseLines(t, path, "name | auth_time | logout-all at | now | want") {
		n, cols := l.n, l.cols
		c := revocationCase{line: n, name: cols[0], logoutAll: -1}
		for i, d := range []*time.Duration{&c.authTime, &c.logoutAll, &c.now} {
			field := cols[i+1]
			if d == &c.logoutAll && field == "-" {
				continue
			}
			v, err := time.ParseDuration(field)
			require.NoError(t, err, "%s:%d", path, n)
			*d = v
		}
		switch want := cols[4]; want {
		case "ended", "live":
			c.ended = want == "ended"
		default:
			require.Failf(t, "bad case", "%s:%d: want is %q: live or ended", path, n, want)
		}
		cases = append(cases, c)
	}
	return cases
}

// TestRevocationCases runs every case through the server: the logout
// everywhere of TODO 5, the store's cut-off (sessions.go), and the guard
// of TODO 4.
func TestRevocationCases(t *testing.T) {
	afterTODOs4and5(t)
	const label = "TODO 5 (logout.go), or step 05 (sessions.go): "
	for _, c := range readRevocationCases(t, "testdata/revocation-cases.txt") {
		t.Run(c.name, func(t *testing.T) {
			clock := newTestClock(fakeNow)
			tokens := NewTokens(testSecret, clock.Now)
			srv := NewServer(testUsers(t), tokens)
			at := func(d time.Duration) time.Time { return fakeNow.Add(d) }
			sid := newSessionID()
			if c.logoutAll >= 0 {
				clock.Advance(c.logoutAll)
				// The victim, on another device, just logged in.
				victim, err := tokens.signSession("guang", newSessionID(), at(c.logoutAll), at(c.logoutAll), at(c.logoutAll).Add(tokens.policy.TTL))
				require.NoError(t, err)
				requireLogout(t, srv, "/user/logout-all", victim, "another login of the user")
				clock.Advance(-c.logoutAll)
			}
			clock.Advance(c.now)
			exp := at(min(c.now+tokens.policy.TTL, c.authTime+tokens.policy.MaxSession))
			token, err := tokens.signSession("guang", sid, at(c.authTime), at(c.now), exp)
			require.NoError(t, err)
			want := map[bool]int{false: http.StatusOK, true: http.StatusUnauthorized}[c.ended]
			got := get(srv, "/bbb", "Bearer "+token).StatusCode
			assert.Equal(t, want, got, label+"testdata/revocation-cases.txt:%d %q: a session started at %v, logout everywhere at %v, GET /bbb at %v: status %d, want %d",
				c.line, c.name, c.authTime, c.logoutAll, c.now, got, want)
		})
	}
}
