package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Claims is the JWT payload: the chapter's username, the registered claims
// iat, exp and jti, auth_time (OpenID Connect): when the user logged in,
// and sid (OpenID Connect's session id): which login this token belongs
// to. Renewals copy auth_time and sid unchanged: auth_time caps the
// session, and sid lets a logout end it (sessions.go).
type Claims struct {
	Username  string           `json:"username"`
	AuthTime  *jwt.NumericDate `json:"auth_time,omitempty"`
	SessionID string           `json:"sid,omitempty"`
	jwt.RegisteredClaims
}

// Validate is called by the parser after the registered claims are
// checked: we rely on username, iat, auth_time and sid, so a token without
// them is refused (the parser checks iat only when a token has one), and
// on a login that came before the token: auth_time <= iat.
func (c *Claims) Validate() error {
	switch {
	case c.Username == "":
		return errors.New("username claim is missing")
	case c.IssuedAt == nil:
		return errors.New("iat claim is missing")
	case c.AuthTime == nil:
		return errors.New("auth_time claim is missing")
	case c.IssuedAt.Before(c.AuthTime.Time):
		return errors.New("auth_time is after iat")
	case c.SessionID == "":
		return errors.New("sid claim is missing: no logout could end this token")
	}
	return nil
}

// Tokens signs, verifies and renews tokens with one secret, one clock and
// one renewal policy, and know which sessions have ended.
type Tokens struct {
	secret   []byte
	now      func() time.Time
	policy   Policy
	parser   *jwt.Parser
	verified *verifiedCache
	sessions SessionStore // the sessions ended by a logout: in memory unless main says otherwise
}

// NewTokens returns a Tokens with the default policy, that signs with
// secret and reads the time from now (time.Now in the server, a fake clock
// in tests).
func NewTokens(secret []byte, now func() time.Time) *Tokens {
	return NewTokensWith(secret, now, DefaultPolicy())
}

// NewTokensWith returns a Tokens with the given policy (check it with
// Policy.Validate first).
func NewTokensWith(secret []byte, now func() time.Time, policy Policy) *Tokens {
	return &Tokens{
		secret:   secret,
		now:      now,
		policy:   policy,
		verified: newVerifiedCache(),
		sessions: newMemorySessions(now),
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

// Sign returns the token of a new login for username: a new session (sid),
// auth_time and iat now, and it is valid for the policy's TTL.
func (t *Tokens) Sign(username string) (string, error) {
	now := t.now().Truncate(time.Second) // JWT times are whole seconds
	return t.sign(username, now, now, now.Add(t.policy.TTL))
}

// newSessionID returns a new session id: 26 characters of base32, 130
// bits from crypto/rand. Two logins never share one, not even two of the
// same user in the same second, and it tells nothing about the user or
// the time: a store may use it as a key without trusting anything else.
func newSessionID() string {
	return rand.Text()
}

// Renew returns a renewed token for the claims of a verified token when
// one is due, or "" and false. A renewed token keeps auth_time, and never
// outlives auth_time + MaxSession: once that cap is reached the token
// simply expires, and the user logs in again. It belongs to the same
// session: sid is copied too, so a logout ends it with the others.
func (t *Tokens) Renew(c *Claims) (token string, renewed bool, err error) {
	// TODO 2 (token.go): renew a token that the policy says is due: a new
	// token from now, for the same user and login (auth_time and sid), that never
	// outlives auth_time + MaxSession, and only if it lives longer than the
	// token presented.
	return "", false, nil
}

// sign signs the first token of a new session.
func (t *Tokens) sign(username string, authTime, now, exp time.Time) (string, error) {
	return t.signSession(username, newSessionID(), authTime, now, exp)
}

// signSession signs the claims of one token of session sid.
func (t *Tokens) signSession(username, sid string, authTime, now, exp time.Time) (string, error) {
	claims := Claims{
		Username:  username,
		AuthTime:  jwt.NewNumericDate(authTime),
		SessionID: sid,
		RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        rand.Text(), // unique: two tokens of one second still differ
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
}

// Verify checks token — its encoding, algorithm, crit header, signature,
// exp, nbf and iat, its username and auth_time, and that it keeps to the
// policy — and returns its claims, which the caller must not change. A
// token verified before is taken from the cache until it expires: only a
// token that passed every check is cached.
func (t *Tokens) Verify(token string) (*Claims, error) {
	if claims, ok := t.verified.get(token, t.now()); ok {
		return claims, nil
	}
	claims := &Claims{}
	if _, err := t.parser.ParseWithClaims(token, claims, t.key); err != nil {
		return nil, err
	}
	if err := t.withinPolicy(claims); err != nil {
		return nil, err
	}
	t.verified.put(token, claims)
	return claims, nil
}

// withinPolicy checks what only the policy knows and Renew relies on: a
// token lives at most TTL from its iat, and never past auth_time +
// MaxSession. Sign and Renew make no other token; one that breaks these
// was signed by someone else who holds the secret, or under an older,
// longer policy, and would otherwise outlive the session cap.
func (t *Tokens) withinPolicy(c *Claims) error {
	switch {
	case c.ExpiresAt.Sub(c.IssuedAt.Time) > t.policy.TTL:
		return fmt.Errorf("%w: exp is more than the TTL (%v) after iat", jwt.ErrTokenInvalidClaims, t.policy.TTL)
	case c.ExpiresAt.After(c.AuthTime.Add(t.policy.MaxSession)):
		return fmt.Errorf("%w: exp is more than the maximum session (%v) after auth_time", jwt.ErrTokenInvalidClaims, t.policy.MaxSession)
	}
	return nil
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
