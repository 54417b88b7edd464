package compare

import (
	"crypto/rand"
	"errors"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// claims are the claims of every token in this package. Typ tells an
// access token from a refresh token, so that neither can stand for the
// other; Family (sid) groups the refresh tokens of one login.
type claims struct {
	Username string           `json:"username"`
	Typ      string           `json:"typ,omitempty"`
	Family   string           `json:"sid,omitempty"`
	AuthTime *jwt.NumericDate `json:"auth_time,omitempty"`
	jwt.RegisteredClaims
}

func (c *claims) Validate() error {
	if c.Username == "" {
		return errors.New("username claim is missing")
	}
	return nil
}

// signer signs and verifies HS256 tokens with one secret and one clock,
// and counts what it signs.
type signer struct {
	secret []byte
	now    func() time.Time
	parser *jwt.Parser
	signed atomic.Int64
}

func newSigner(secret []byte, now func() time.Time) *signer {
	return &signer{secret: secret, now: now, parser: jwt.NewParser(
		jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(0),
		jwt.WithTimeFunc(now),
	)}
}

// clock returns now in whole seconds, as JWT times are.
func (s *signer) clock() time.Time { return s.now().Truncate(time.Second) }

// sign signs c with a new jti, issued now, expiring at exp, and returns
// the token and its jti.
func (s *signer) sign(c claims, exp time.Time) (token, jti string, err error) {
	now := s.clock()
	c.IssuedAt = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(exp)
	c.ID = newID()
	s.signed.Add(1)
	token, err = jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.secret)
	return token, c.ID, err
}

// newID returns a random identifier (a jti, a sid).
func newID() string { return rand.Text() }

// verify returns the claims of a valid token of the given type.
func (s *signer) verify(token, typ string) (*claims, error) {
	c := &claims{}
	if _, err := s.parser.ParseWithClaims(token, c, func(*jwt.Token) (any, error) { return s.secret, nil }); err != nil {
		return nil, err
	}
	if c.Typ != typ {
		return nil, errors.New("wrong token type") // a refresh token is not an access token
	}
	return c, nil
}

// expiry reads a token's exp without verifying it, as a client does.
func expiry(token string) (time.Time, bool) {
	var c jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &c); err != nil || c.ExpiresAt == nil {
		return time.Time{}, false
	}
	return c.ExpiresAt.Time, true
}
