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
	switch {
	case c.Username == "":
		return errors.New("username claim is missing")
	case c.IssuedAt == nil:
		return errors.New("iat claim is missing")
	}
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
		// One parser for every request, with every rule pinned:
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), // no alg: none, no HS512, no RS256
			jwt.WithExpirationRequired(),                                 // no token without exp
			jwt.WithIssuedAt(),                                           // no token issued in the future
			jwt.WithStrictDecoding(),                                     // one spelling per token: no stray bits in base64url
			jwt.WithLeeway(0),                                            // we issue and verify: no clock skew
			jwt.WithTimeFunc(now),
		),
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
	claims := &Claims{}
	if _, err := t.parser.ParseWithClaims(token, claims, t.key); err != nil {
		return nil, err
	}
	return claims, nil
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
