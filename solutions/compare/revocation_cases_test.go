package compare

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The revocation cases of step 05, in the solved copy (read from here) and
// in the starter (which must hold the same file).
const (
	revocationCases        = "../step05-threshold/testdata/revocation-cases.txt"
	revocationCasesStarter = "../../step05-threshold/testdata/revocation-cases.txt"
)

// TestRevocationCasesMatchStep05 runs step 05's revocation cases through
// the SingleServer the simulation drives, with the policy of its "logout
// everywhere" row (NearExpiryRevocable): LogoutAll at the case's time,
// then GET /bbb with a token of the session signed at now. Step 05's
// TestRevocationCases runs the same file through its server (issue 21):
// the file is what makes the two rules one, as renewal-cases.txt does for
// renewal.
func TestRevocationCasesMatchStep05(t *testing.T) {
	raw, err := os.ReadFile(revocationCases)
	require.NoError(t, err)
	starter, err := os.ReadFile(revocationCasesStarter)
	require.NoError(t, err)
	require.True(t, bytes.Equal(raw, starter), "%s and %s differ: the starter and the solved copy run the same cases", revocationCases, revocationCasesStarter)

	policy := NearExpiryRevocable
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		n++
		cols := strings.Split(text, "|")
		require.Len(t, cols, 5, "%s:%d", revocationCases, line)
		name, want := strings.TrimSpace(cols[0]), strings.TrimSpace(cols[4])
		require.Contains(t, []string{"live", "ended"}, want, "%s:%d", revocationCases, line)
		var d [3]time.Duration
		logoutAll := true
		for i := range d {
			field := strings.TrimSpace(cols[i+1])
			if i == 1 && field == "-" {
				logoutAll = false
				continue
			}
			d[i], err = time.ParseDuration(field)
			require.NoError(t, err, "%s:%d", revocationCases, line)
		}
		authTime, logoutAt, now := d[0], d[1], d[2]

		t.Run(name, func(t *testing.T) {
			clock := at(logoutAt)
			srv := NewSingleServer(testSecret, func() time.Time { return clock }, policy)
			if logoutAll {
				srv.LogoutAll(demoUser)
			}
			clock = at(now)
			exp := at(min(now+policy.TTL, authTime+policy.MaxSession))
			token, _, err := newSigner(testSecret, func() time.Time { return at(now) }).sign(claims{Username: demoUser, AuthTime: jwt.NewNumericDate(at(authTime))}, exp)
			require.NoError(t, err)
			res := do(srv, http.MethodGet, "/bbb", "Bearer "+token, "")
			io.Copy(io.Discard, res.Body)
			got := map[int]string{http.StatusOK: "live", http.StatusUnauthorized: "ended"}[res.StatusCode]
			assert.Equal(t, want, got, "%s:%d: a session started at %v, LogoutAll at %v, GET /bbb at %v: status %d", revocationCases, line, authTime, logoutAt, now, res.StatusCode)
		})
	}
	require.NoError(t, sc.Err())
	assert.Positive(t, n, "%s holds no case", revocationCases)
}
