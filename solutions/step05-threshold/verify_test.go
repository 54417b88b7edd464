package main

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const todoVerify = "step 02 (token.go): "

// forge signs claims with any method and key, as an attacker (or a
// careless server) would.
func forge(t *testing.T, method jwt.SigningMethod, claims jwt.Claims, key any) string {
	t.Helper()
	token, err := jwt.NewWithClaims(method, claims).SignedString(key)
	require.NoError(t, err)
	return token
}

// forgeCrit signs claims with our secret and HS256, under a header whose
// crit lists an extension (RFC 7797's unencoded payload) that the verifier
// must understand or refuse the token.
func forgeCrit(t *testing.T, claims jwt.Claims) string {
	t.Helper()
	token := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	token.Header["b64"] = true
	token.Header["crit"] = []string{"b64"}
	signed, err := token.SignedString(testSecret)
	require.NoError(t, err)
	return signed
}

// otherSpellings returns token with the last character of its signature
// changed in its unused low bits, three ways. An HS256 signature is 32
// bytes, 43 base64url characters: the last one carries 4 bits of the
// signature and 2 bits that a lenient decoder ignores.
func otherSpellings(token string) []string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, token[len(token)-1])
	var spellings []string
	for bits := range 4 {
		if c := alphabet[last&^3|bits]; c != token[len(token)-1] {
			spellings = append(spellings, token[:len(token)-1]+string(c))
		}
	}
	return spellings
}

// validClaims are the claims of a good token issued at fakeNow.
func validClaims() *Claims {
	return &Claims{Username: "guang", AuthTime: jwt.NewNumericDate(fakeNow), SessionID: "test-sid", RegisteredClaims: jwt.RegisteredClaims{
		IssuedAt:  jwt.NewNumericDate(fakeNow),
		ExpiresAt: jwt.NewNumericDate(fakeNow.Add(7 * 24 * time.Hour)),
		ID:        "test-jti",
	}}
}

// with returns validClaims changed by change.
func with(change func(c *Claims)) *Claims {
	c := validClaims()
	change(c)
	return c
}

// badTokens are forged and broken tokens, each of which Verify must refuse
// at fakeNow.
func badTokens(t *testing.T) []struct{ name, token string } {
	good := forge(t, jwt.SigningMethodHS256, validClaims(), testSecret)
	parts := strings.Split(good, ".")
	tampered := base64.RawURLEncoding.EncodeToString([]byte(`{"username":"admin","exp":1900000000,"iat":1795755302}`))
	return append([]struct{ name, token string }{
		{"expired a second ago", forge(t, jwt.SigningMethodHS256, with(func(c *Claims) {
			c.AuthTime = jwt.NewNumericDate(fakeNow.Add(-7 * 24 * time.Hour))
			c.IssuedAt = jwt.NewNumericDate(fakeNow.Add(-7 * 24 * time.Hour))
			c.ExpiresAt = jwt.NewNumericDate(fakeNow.Add(-time.Second))
		}), testSecret)},
		{"expiring exactly now", forge(t, jwt.SigningMethodHS256, with(func(c *Claims) {
			c.AuthTime = jwt.NewNumericDate(fakeNow.Add(-7 * 24 * time.Hour))
			c.IssuedAt = jwt.NewNumericDate(fakeNow.Add(-7 * 24 * time.Hour))
			c.ExpiresAt = jwt.NewNumericDate(fakeNow)
		}), testSecret)},
		{"nbf in the future", forge(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.NotBefore = jwt.NewNumericDate(fakeNow.Add(time.Hour)) }), testSecret)},
		{"iat in the future", forge(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.IssuedAt = jwt.NewNumericDate(fakeNow.Add(time.Hour)) }), testSecret)},
		{"no exp (the chapter accepts it, and renews it)", forge(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.ExpiresAt = nil }), testSecret)},
		{"no username", forge(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.Username = "" }), testSecret)},
		{"no iat", forge(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.IssuedAt = nil }), testSecret)},
		{"a crit header (RFC 7515 §4.1.11)", forgeCrit(t, validClaims())},
		{"the signature's last character with other unused bits", otherSpellings(good)[0]},
		{"no auth_time", forge(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.AuthTime = nil }), testSecret)},
		{"auth_time after iat", forge(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.AuthTime = jwt.NewNumericDate(fakeNow.Add(time.Second)) }), testSecret)},
		// issue 21: a token without a session id could not be ended by a logout.
		{"no sid", forge(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.SessionID = "" }), testSecret)},
		{"alg none", forge(t, jwt.SigningMethodNone, validClaims(), jwt.UnsafeAllowNoneSignatureType)},
		{"HS384 with the same secret", forge(t, jwt.SigningMethodHS384, validClaims(), testSecret)},
		{"HS512 with the same secret (the chapter accepts it)", forge(t, jwt.SigningMethodHS512, validClaims(), testSecret)},
		{"RS256 header on an HMAC signature", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2]},
		{"another secret", forge(t, jwt.SigningMethodHS256, validClaims(), []byte("another-secret-of-32-bytes-long!"))},
		{"payload tampered", parts[0] + "." + tampered + "." + parts[2]},
		{"signature of another token", parts[0] + "." + parts[1] + "." + strings.Split(forge(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.ID = "x" }), testSecret), ".")[2]},
		{"empty signature", parts[0] + "." + parts[1] + "."},
		{"two segments", parts[0] + "." + parts[1]},
		{"four segments", good + ".ccc"},
		{"bad base64 in the payload", parts[0] + "." + "eyJ1c2VybmFtZSI6+/" + "." + parts[2]},
		{"bad base64 in the signature", parts[0] + "." + parts[1] + "." + "+/+/"},
		{"not JSON", base64.RawURLEncoding.EncodeToString([]byte("hello")) + "." + parts[1] + "." + parts[2]},
		{"many dots (CVE-2025-30204)", parts[0] + strings.Repeat(".", 5000)},
		{"a huge token", parts[0] + "." + strings.Repeat("A", 20000) + "." + parts[2]},
		{"empty", ""},
	}, badDateTokens(t)...)
}

func TestTokensVerify(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))

	// A Verify that refuses everything refuses every forged token too: the
	// table below means something only once a good token verifies.
	good := forge(t, jwt.SigningMethodHS256, validClaims(), testSecret)
	claims, err := tokens.Verify(good)
	require.NoError(t, err, todoVerify+"Verify(a good HS256 token) must return its claims; the forged tokens are tried once it does")
	require.NotNil(t, claims, todoVerify+"Verify(a good HS256 token) returned nil claims and no error")
	assert.Equal(t, "guang", claims.Username, todoVerify+"the claims are the token's")
	assert.Equal(t, "test-jti", claims.ID, todoVerify+"the claims are the token's")

	t.Run("a token from Sign", func(t *testing.T) {
		signed, err := tokens.Sign("ada")
		require.NoError(t, err)
		claims, err := tokens.Verify(signed)
		require.NoError(t, err, todoVerify+"what Sign makes, Verify accepts")
		require.NotNil(t, claims, todoVerify+"Verify returns the claims")
		assert.Equal(t, "ada", claims.Username, todoVerify+"the claims are the token's")
	})
	t.Run("a second before exp", func(t *testing.T) {
		late := NewTokens(testSecret, fixedClock(fakeNow.Add(7*24*time.Hour-time.Second)))
		_, err := late.Verify(forge(t, jwt.SigningMethodHS256, validClaims(), testSecret))
		assert.NoError(t, err, todoVerify+"a token is valid until the second before its exp")
	})
	for _, bad := range badTokens(t) {
		t.Run(bad.name, func(t *testing.T) {
			claims, err := tokens.Verify(bad.token)
			require.Error(t, err, todoVerify+"Verify accepted a forged or broken token (%s); want an error", bad.name)
			assert.Nil(t, claims, todoVerify+"no claims for a refused token")
		})
	}
}

// TestTokensVerifyOneSpellingPerToken: a token has one spelling. Were the
// unused bits of the signature's last character ignored, four strings
// would verify as one token (and a cache of verified tokens would hold
// each of them).
func TestTokensVerifyOneSpellingPerToken(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	good := forge(t, jwt.SigningMethodHS256, validClaims(), testSecret)
	_, err := tokens.Verify(good)
	require.NoError(t, err, todoVerify+"Verify(a good HS256 token) must return its claims; its other spellings are tried once it does")
	spellings := otherSpellings(good)
	require.Len(t, spellings, 3, "three other spellings of the signature's last character")
	for _, other := range spellings {
		claims, err := tokens.Verify(other)
		assert.Error(t, err, todoVerify+"Verify accepted a good token whose signature ends in %q instead of %q (the same bits, other unused low bits); want strict base64url decoding: one spelling per token", other[len(other)-1:], good[len(good)-1:])
		assert.Nil(t, claims, todoVerify+"no claims for a refused token")
	}
}

func TestTokensVerifyExpiredIsErrTokenExpired(t *testing.T) {
	later := NewTokens(testSecret, fixedClock(fakeNow.Add(8*24*time.Hour)))
	_, err := later.Verify(forge(t, jwt.SigningMethodHS256, validClaims(), testSecret))
	assert.ErrorIs(t, err, jwt.ErrTokenExpired, todoVerify+"Verify(a token 8 days old) must fail with jwt.ErrTokenExpired: the parser reads the time from the clock NewTokens is given")
}

func BenchmarkVerify(b *testing.B) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	token, err := tokens.Sign("guang")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tokens.Verify(token); err != nil {
			b.Fatal(err)
		}
	}
}

// todoSession labels the checks this step adds to Verify (given code): the
// relations between auth_time, iat and exp that Renew relies on.
const todoSession = "step 05 (token.go): "

// TestTokensVerifyKeepsToThePolicy: every token Sign and Renew make has
// auth_time <= iat, exp - iat <= TTL and exp <= auth_time + MaxSession;
// Verify refuses any other, even signed with our secret, so that no token
// outlives the session cap or is renewed past it.
func TestTokensVerifyKeepsToThePolicy(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	at := func(authTime, iat, exp time.Duration) *Claims {
		return with(func(c *Claims) {
			c.AuthTime = jwt.NewNumericDate(fakeNow.Add(authTime))
			c.IssuedAt = jwt.NewNumericDate(fakeNow.Add(iat))
			c.ExpiresAt = jwt.NewNumericDate(fakeNow.Add(exp))
		})
	}
	for _, tt := range []struct {
		name   string
		claims *Claims
		ok     bool
	}{
		{"a login: exp exactly TTL after iat", at(0, 0, 7*day), true},
		{"a renewal at the cap: exp exactly auth_time + MaxSession", at(-25*day, -time.Hour, 5*day), true},
		{"auth_time = iat, an hour ago", at(-time.Hour, -time.Hour, 7*day-time.Hour), true},
		{"exp a second more than TTL after iat", at(0, 0, 7*day+time.Second), false},
		{"exp a year ahead", at(0, 0, 365*day), false},
		{"exp a second past auth_time + MaxSession", at(-25*day, 0, 5*day+time.Second), false},
		{"a month-old login renewed to 7 more days", at(-30*day, 0, 7*day), false},
		{"auth_time a second after iat", at(time.Second, 0, 7*day), false},
		{"no iat, auth_time an hour ahead", with(func(c *Claims) {
			c.IssuedAt = nil
			c.AuthTime = jwt.NewNumericDate(fakeNow.Add(time.Hour))
		}), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			token := forge(t, jwt.SigningMethodHS256, tt.claims, testSecret)
			claims, err := tokens.Verify(token)
			if tt.ok {
				require.NoError(t, err, todoSession+"Verify refused a token %s (signed with our secret); want its claims", tt.name)
				return
			}
			require.Error(t, err, todoSession+"Verify accepted a token signed with our secret, %s; want it refused (TTL %v, MaxSession %v)", tt.name, 7*day, 30*day)
			assert.Nil(t, claims, todoSession+"no claims for a refused token")
			_, cached := tokens.verified.get(token, fakeNow)
			assert.False(t, cached, todoSession+"a refused token is never cached (%s)", tt.name)
			_, err = tokens.Verify(token)
			assert.Error(t, err, todoSession+"a refused token is refused again (%s)", tt.name)
		})
	}
}

// TestTokensVerifyFollowsThePolicy: the rules are the server's policy, not
// the one a token was signed under. Restarted with shorter tokens, the
// server refuses the longer ones it signed before.
func TestTokensVerifyFollowsThePolicy(t *testing.T) {
	long, err := NewTokens(testSecret, fixedClock(fakeNow)).Sign("guang")
	require.NoError(t, err)
	short := Policy{TTL: 8 * time.Second, RenewBefore: 4 * time.Second, MaxSession: 14 * time.Second}
	require.NoError(t, short.Validate())
	tokens := NewTokensWith(testSecret, fixedClock(fakeNow), short)

	_, err = tokens.Verify(long)
	assert.Error(t, err, todoSession+"a 7-day token verified under a policy of 8-second tokens; want it refused")
	own, err := tokens.Sign("guang")
	require.NoError(t, err)
	_, err = tokens.Verify(own)
	assert.NoError(t, err, todoSession+"Verify refused a token Sign made under the same policy")
}
