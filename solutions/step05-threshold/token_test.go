package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokensSign(t *testing.T) {
	const todo = "step 01 (token.go): "
	tokens := NewTokens(testSecret, fixedClock(fakeNow))

	for _, username := range []string{"guang", "ada"} { // two users: the claim is the caller's, not a constant
		token, err := tokens.Sign(username)
		require.NoError(t, err, todo+"Sign(%q) must not fail", username)
		require.Equal(t, 3, len(strings.Split(token, ".")), todo+"Sign(%q) must return a JWT: header.payload.signature, got %.40q", username, token)

		parsed, claims, err := parseClaims(token, testSecret, fakeNow)
		require.NoError(t, err, todo+"Sign(%q): the token must verify with the secret, as HS256, and carry exp", username)
		assert.Equal(t, "HS256", parsed.Header["alg"], todo+"Sign(%q): the alg header", username)
		assert.Equal(t, username, claims.Username, todo+"Sign(%q): the username claim", username)
		require.NotNil(t, claims.IssuedAt, todo+"Sign(%q): set iat", username)
		require.NotNil(t, claims.ExpiresAt, todo+"Sign(%q): set exp", username)
		assert.Equal(t, fakeNow, claims.IssuedAt.UTC(), todo+"Sign(%q): iat must be the clock's now", username)
		assert.Equal(t, fakeNow.Add(7*24*time.Hour), claims.ExpiresAt.UTC(), todo+"Sign(%q): exp must be exactly 7 days after iat", username)
		assert.NotEmpty(t, claims.ID, todo+"Sign(%q): set a unique jti", username)

		_, _, err = parseClaims(token, []byte("another-secret-of-32-bytes-long!"), fakeNow)
		assert.Error(t, err, todo+"Sign(%q): the token verified with another secret: sign with the Tokens' own secret", username)
	}
}

func TestTokensSignUniqueInOneSecond(t *testing.T) {
	const todo = "step 01 (token.go): "
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	a, err := tokens.Sign("guang")
	require.NoError(t, err)
	b, err := tokens.Sign("guang")
	require.NoError(t, err)
	require.NotEmpty(t, a, todo+"Sign returned an empty token")
	assert.NotEqual(t, a, b, todo+"two tokens signed in the same second must differ (a random jti); the chapter's were byte-identical")
}

func TestTokensSignTruncatesToSeconds(t *testing.T) {
	const todo = "step 01 (token.go): "
	tokens := NewTokens(testSecret, fixedClock(fakeNow.Add(900*time.Millisecond)))
	token, err := tokens.Sign("ada")
	require.NoError(t, err)
	_, claims, err := parseClaims(token, testSecret, fakeNow)
	require.NoError(t, err, todo+"Sign(%q) with the clock at %v: the token must verify", "ada", fakeNow.Add(900*time.Millisecond))
	require.NotNil(t, claims.IssuedAt, todo+"set iat")
	assert.Equal(t, fakeNow, claims.IssuedAt.UTC(), todo+"JWT times are whole seconds")
}
