package compare

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The renewal cases of step 05, in the solved copy (read from here) and in
// the starter (which must hold the same file).
const (
	renewalCases        = "../step05-threshold/testdata/renewal-cases.txt"
	renewalCasesStarter = "../../step05-threshold/testdata/renewal-cases.txt"
)

// TestRenewalCasesMatchStep05 runs step 05's renewal cases through the
// SingleServer the simulation drives (a token signed for the case, sent to
// GET /bbb at the case's now). Step 05's TestRenewalCases runs the same
// file through its Tokens.Renew: this package cannot import step 05 (a
// command, package main), so the file is what makes the two rules one.
func TestRenewalCasesMatchStep05(t *testing.T) {
	rows := readCases(t, renewalCases, renewalCasesStarter)
	for _, row := range rows {
		line, cols := row.line, row.cols
		name, want := cols[0], cols[4]
		var d []time.Duration
		for _, f := range strings.Fields(cols[1] + " " + cols[2] + " " + cols[3]) {
			v, err := time.ParseDuration(f)
			require.NoError(t, err, "%s:%d", renewalCases, line)
			d = append(d, v)
		}
		require.Len(t, d, 6, "%s:%d: ttl renew-before max-session | iat exp | now", renewalCases, line)
		policy := SinglePolicy{TTL: d[0], RenewBefore: d[1], MaxSession: d[2]}

		t.Run(name, func(t *testing.T) {
			token, _, err := newSigner(testSecret, func() time.Time { return at(d[3]) }).sign(claims{Username: demoUser, AuthTime: jwt.NewNumericDate(start)}, at(d[4]))
			require.NoError(t, err)
			srv := NewSingleServer(testSecret, func() time.Time { return at(d[5]) }, policy)
			res := do(srv, http.MethodGet, "/bbb", "Bearer "+token, "")
			io.Copy(io.Discard, res.Body)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s:%d: the token is valid at now", renewalCases, line)
			got := "none"
			if renewed := res.Header.Get("token"); renewed != "" {
				exp, ok := expiry(renewed)
				require.True(t, ok, "a renewed token with an exp")
				got = exp.Sub(start).String()
			}
			if want != "none" {
				v, err := time.ParseDuration(want)
				require.NoError(t, err, "%s:%d", renewalCases, line)
				want = v.String()
			}
			assert.Equal(t, want, got, "%s:%d: the exp of the renewed token, after the login (none: not renewed)", renewalCases, line)
		})
	}
	assert.NotEmpty(t, rows, "%s holds no case", renewalCases)
}
