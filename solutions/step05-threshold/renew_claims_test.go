package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 18: a renewed token is a new token, with its own jti (what a
// revocation list or a reuse check keys on), and Renew leaves the claims
// it is given as they were: they are the verified-token cache's, and a
// change to them would change what the presented token verifies to.
func TestRenewIsANewToken(t *testing.T) {
	policy := DefaultPolicy()
	login, err := NewTokensWith(testSecret, fixedClock(fakeNow), policy).Sign("guang")
	require.NoError(t, err)
	at := fakeNow.Add(policy.TTL - policy.RenewBefore) // the window opens
	later := NewTokensWith(testSecret, fixedClock(at), policy)
	claims, err := later.Verify(login)
	require.NoError(t, err)
	id, iat, exp := claims.ID, claims.IssuedAt.Time, claims.ExpiresAt.Time

	token, renewed, err := later.Renew(claims)
	require.NoError(t, err, todoRenew+"Renew failed")
	require.True(t, renewed, todoDueNew+"a token with %v of its %v left is due (RenewBefore %v): want it renewed", policy.RenewBefore, policy.TTL, policy.RenewBefore)
	_, got, err := parseClaims(token, testSecret, at)
	require.NoError(t, err, todoRenew+"the renewed token is signed with the secret and valid now")

	assert.NotEqual(t, id, got.ID, todoRenew+"the renewed token carries the presented token's jti %q; want a new random one: every token has its own id", id)
	assert.True(t, claims.ID == id && claims.IssuedAt.Time.Equal(iat) && claims.ExpiresAt.Time.Equal(exp),
		todoRenew+"Renew changed the claims it was given (jti %q iat %v exp %v, now jti %q iat %v exp %v): they belong to the verified-token cache; build the new token's claims apart",
		id, iat, exp, claims.ID, claims.IssuedAt.Time, claims.ExpiresAt.Time)
	again, err := later.Verify(login)
	require.NoError(t, err)
	assert.True(t, again.ExpiresAt.Time.Equal(exp), todoRenew+"after Renew, the presented token verifies with exp %v; want its own, %v", again.ExpiresAt.Time, exp)
}
