package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renewalCase is one line of testdata/renewal-cases.txt. Every time is a
// duration after the login (auth_time).
type renewalCase struct {
	line     int
	name     string
	policy   Policy
	iat, exp time.Duration // the token presented
	now      time.Duration
	renewed  bool          // want a renewed token
	until    time.Duration // its exp
}

// readRenewalCases reads the renewal cases that solutions/compare runs too.
func readRenewalCases(t *testing.T, path string) []renewalCase {
	t.Helper()
	var cases []renewalCase
	for _, l := range readCaseLines(t, path, "name | ttl renew-before max-session | iat exp | now | want") {
		n, cols := l.n, l.cols
		var ds []time.Duration
		for _, col := range cols[1:] {
			for _, field := range strings.Fields(col) {
				if field == "none" {
					continue
				}
				d, err := time.ParseDuration(field)
				require.NoError(t, err, "%s:%d", path, n)
				ds = append(ds, d)
			}
		}
		want := cols[4]
		durations := 7
		if want == "none" {
			durations = 6
		}
		require.Len(t, ds, durations, "%s:%d: six durations, and want (a duration, or none)", path, n)
		c := renewalCase{line: n, name: cols[0],
			policy: Policy{TTL: ds[0], RenewBefore: ds[1], MaxSession: ds[2]}, iat: ds[3], exp: ds[4], now: ds[5]}
		if want != "none" {
			c.renewed, c.until = true, ds[6]
		}
		cases = append(cases, c)
	}
	return cases
}

// TestRenewalCases runs every renewal case through Tokens.Renew. The same
// file is run by solutions/compare through the server its simulation
// drives: the rule measured there is this one, case by case.
func TestRenewalCases(t *testing.T) {
	if label, wrong := renewalCaseProblems(t); len(wrong) > 0 {
		assert.Fail(t, fmt.Sprintf("%s%d renewal cases of testdata/renewal-cases.txt differ; first: %s", label, len(wrong), wrong[0]))
	}
}

// renewalCaseProblems runs every renewal case through Tokens.Renew and
// returns what differs in each case that fails, with the label of the
// TODO the first one points at.
func renewalCaseProblems(t *testing.T) (label string, wrong []string) {
	t.Helper()
	for _, c := range readRenewalCases(t, "testdata/renewal-cases.txt") {
		login := fakeNow
		claims := &Claims{Username: "guang", AuthTime: jwt.NewNumericDate(login), SessionID: "test-sid", RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt: jwt.NewNumericDate(login.Add(c.iat)), ExpiresAt: jwt.NewNumericDate(login.Add(c.exp))}}
		now := login.Add(c.now)
		token, renewed, err := NewTokensWith(testSecret, fixedClock(now), c.policy).Renew(claims)
		require.NoError(t, err, todoRenew+"%s: Renew failed", c.name)
		var until time.Duration
		if renewed {
			_, got, err := parseClaims(token, testSecret, now)
			require.NoError(t, err, todoRenew+"%s: the renewed token is signed with the secret and valid now", c.name)
			until = got.ExpiresAt.Sub(login)
		}
		var problem, l string
		switch {
		case renewed != c.renewed:
			problem, l = fmt.Sprintf("renewed: %v, want %v", renewed, c.renewed), todoDueNew
		case renewed && until != c.until:
			problem, l = fmt.Sprintf("renewed until login + %v, want login + %v", until, c.until), todoRenew
		default:
			continue
		}
		if label == "" {
			label = l
		}
		wrong = append(wrong, fmt.Sprintf("line %d %q (%v/%v/%v, token iat +%v exp +%v, now +%v): %s",
			c.line, c.name, c.policy.TTL, c.policy.RenewBefore, c.policy.MaxSession, c.iat, c.exp, c.now, problem))
	}
	return label, wrong
}
