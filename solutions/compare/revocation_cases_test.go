package compare

import (
	"io"
	"net/http"
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
	policy := NearExpiryRevocable
	rows := readCases(t, revocationCases, revocationCasesStarter)
	for _, row := range rows {
		line, cols := row.line, row.cols
		name, want := cols[0], cols[4]
		require.Contains(t, []string{"live", "ended"}, want, "%s:%d", revocationCases, line)
		var d [3]time.Duration
		logoutAll := true
		for i := range d {
			field := cols[i+1]
			if i == 1 && field == "-" {
				logoutAll = false
				continue
			}
			var err error
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
	assert.NotEmpty(t, rows, "%s holds no case", revocationCases)
}
