package main

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// testSecret is 32 bytes, the shortest secret the server accepts.
var testSecret = []byte("test-secret-of-exactly-32-bytes!")

// fakeNow is the tests' clock: a fixed instant in whole seconds.
var fakeNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// testUsers returns a store with two users, hashed at bcrypt's lowest cost
// so the tests stay fast.
func testUsers(t testing.TB) *Users {
	t.Helper()
	hashes := map[string][]byte{}
	for name, password := range map[string]string{"guang": "123456", "ada": "lovelace-1815"} {
		hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
		require.NoError(t, err)
		hashes[name] = hash
	}
	return NewUsers(hashes)
}

// parseClaims verifies token as the server should: HS256 only, exp
// required, checked at the given time.
func parseClaims(token string, secret []byte, at time.Time) (*jwt.Token, *Claims, error) {
	claims := &Claims{}
	parsed, err := jwt.ParseWithClaims(token, claims,
		func(*jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(fixedClock(at)),
	)
	return parsed, claims, err
}
