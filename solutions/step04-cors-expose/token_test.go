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

	token, err := tokens.Sign("guang")
	require.NoError(t, err, todo+"Sign must not fail")
	require.Equal(t, 3, len(strings.Split(token, ".")), todo+"Sign must return a JWT: header.payload.signature, got %q", token)

	parsed, claims, err := parseClaims(token, testSecret, fakeNow)
	require.NoError(t, err, todo+"the token must verify with the secret, as HS256, and carry exp")
	assert.Equal(t, "HS256", parsed.Header["alg"], todo+"sign with jwt.SigningMethodHS256")
	assert.Equal(t, "guang", claims.Username, todo+"the username claim")
	require.NotNil(t, claims.IssuedAt, todo+"set iat")
	require.NotNil(t, claims.ExpiresAt, todo+"set exp")
	assert.Equal(t, fakeNow, claims.IssuedAt.UTC(), todo+"iat must be the clock's now")
	assert.Equal(t, fakeNow.Add(7*24*time.Hour), claims.ExpiresAt.UTC(), todo+"exp must be exactly 7 days after iat")
	assert.NotEmpty(t, claims.ID, todo+"set a unique jti")

	_, _, err = parseClaims(token, []byte("another-secret-of-32-bytes-long!"), fakeNow)
	assert.Error(t, err, todo+"a token must not verify with another secret: sign with t.secret")
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
	require.NoError(t, err, todo+"the token must verify")
	require.NotNil(t, claims.IssuedAt, todo+"set iat")
	assert.Equal(t, fakeNow, claims.IssuedAt.UTC(), todo+"JWT times are whole seconds")
}
