package main

import (
	"crypto/rand"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenTTL is how long a token is valid: 7 days, as in the chapter.
const tokenTTL = 7 * 24 * time.Hour

// Claims is the JWT payload: the chapter's username plus the registered
// claims iat, exp and jti.
type Claims struct {
	Username string `json:"username"`
	jwt.RegisteredClaims
}

// Validate is called by the parser after the registered claims are
// checked: we rely on username and iat, so a token without them is refused
// (the parser checks iat only when a token has one).
func (c *Claims) Validate() error {
	// TODO 2 (token.go): refuse a token without a username, or without an iat.
	return nil
}

// Tokens signs and verifies tokens with one secret and one clock.
type Tokens struct {
	secret []byte
	now    func() time.Time
	ttl    time.Duration
	parser *jwt.Parser
}

// NewTokens returns a Tokens that signs with secret and reads the time from
// now (time.Now in the server, a fake clock in tests).
func NewTokens(secret []byte, now func() time.Time) *Tokens {
	return &Tokens{
		secret: secret,
		now:    now,
		ttl:    tokenTTL,
		// TODO 2 (token.go): build the parser, once for every request: HS256
		//   only, exp required, iat not in the future, strict base64url (one
		//   spelling per token), no leeway, time from now.
	}
}

// Sign returns a signed HS256 token for username, valid for t.ttl.
func (t *Tokens) Sign(username string) (string, error) {
	now := t.now().Truncate(time.Second) // JWT times are whole seconds
	claims := Claims{
		Username: username,
		RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
			ID:        rand.Text(), // unique: two logins in one second still differ
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
}

// Verify checks token — its encoding, algorithm, crit header, signature,
// exp, nbf and iat, and its username — and returns its claims.
func (t *Tokens) Verify(token string) (*Claims, error) {
	// TODO 2 (token.go): verify token with t.parser; return its claims, or the error.
	return nil, errors.New("TODO 2 (token.go): not written yet")
}

// key hands the parser our secret. It is only called once the parser has
// checked that the token says HS256. A header with crit names extensions
// the token requires us to understand (RFC 7515 §4.1.11); we understand
// none, so such a token is refused.
func (t *Tokens) key(token *jwt.Token) (any, error) {
	if _, ok := token.Header["crit"]; ok {
		return nil, errors.New("crit header: no extension is understood here")
	}
	return t.secret, nil
}
