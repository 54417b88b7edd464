package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// todoDates labels the given check of the claims' times (numericdate.go).
const todoDates = "step 02 (numericdate.go): "

// dateClaim is one time claim of a payload, as written: key and raw JSON.
type dateClaim struct{ key, raw string }

// goodDates are the times of a good token issued at fakeNow, one per
// dateClaims: exp 7 days later, the others fakeNow.
func goodDates() []dateClaim {
	var dates []dateClaim
	for _, name := range dateClaims {
		at := fakeNow
		if name == "exp" {
			at = fakeNow.Add(7 * 24 * time.Hour)
		}
		dates = append(dates, dateClaim{name, strconv.FormatInt(at.Unix(), 10)})
	}
	return dates
}

// datePayload is the JSON payload of a good token with the given times.
func datePayload(dates []dateClaim) string {
	var b strings.Builder
	b.WriteString(`{"username":"guang","jti":"test-jti","sid":"test-sid"`)
	for _, d := range dates {
		fmt.Fprintf(&b, ",%q:%s", d.key, d.raw)
	}
	b.WriteString("}")
	return b.String()
}

// signPayload signs payload, exactly as written, with our secret and HS256:
// a token only someone who holds the secret could make.
func signPayload(t *testing.T, payload string) string {
	t.Helper()
	signing := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(payload))
	sig, err := jwt.SigningMethodHS256.Sign(signing, testSecret)
	require.NoError(t, err)
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// badDates are payloads whose times are not what RFC 7519 §2 calls a
// NumericDate, also where Go's decoder takes the value from a key in
// another case or from the last of two. jwt.NumericDate takes most of
// them: a string, a fraction, and 1e20, which overflows and reads as long
// ago. Each names the claim the reason must name. (Issue 19.)
func badDates() []struct{ name, claim, payload string } {
	var bad []struct{ name, claim, payload string }
	for i, name := range dateClaims {
		good := goodDates()
		value := good[i].raw
		with := func(dates ...dateClaim) string {
			changed := append(append([]dateClaim{}, good[:i]...), dates...)
			return datePayload(append(changed, good[i+1:]...))
		}
		for _, tt := range []struct{ what, payload string }{
			{"as a JSON string", with(dateClaim{name, strconv.Quote(value)})},
			{"with a fraction", with(dateClaim{name, value + ".5"})},
			{"in exponent notation", with(dateClaim{name, value + "e0"})},
			{"1e20, which overflows", with(dateClaim{name, "1e20"})},
			{"negative", with(dateClaim{name, "-1"})},
			{"after the year 9999", with(dateClaim{name, "253402300800"})},
			{"null", with(dateClaim{name, "null"})},
			{"an object", with(dateClaim{name, `{"n":` + value + `}`})},
			{"in capitals, as a string", with(dateClaim{strings.ToUpper(name), strconv.Quote(value)})},
			{"twice, the last one a string", with(dateClaim{name, value}, dateClaim{name, strconv.Quote(value)})},
		} {
			bad = append(bad, struct{ name, claim, payload string }{name + " " + tt.what, name, tt.payload})
		}
	}
	return bad
}

// badDateTokens are badDates signed with our secret, for the tables of
// forged tokens (badTokens).
func badDateTokens(t *testing.T) []struct{ name, token string } {
	var tokens []struct{ name, token string }
	for _, bad := range badDates() {
		tokens = append(tokens, struct{ name, token string }{bad.name + " (RFC 7519 §2)", signPayload(t, bad.payload)})
	}
	return tokens
}

// TestClaimsNumericDates: the claims' times are decoded as RFC 7519 §2
// says, whole seconds in digits, and every refusal says which claim and why.
func TestClaimsNumericDates(t *testing.T) {
	t.Run("what Sign writes", func(t *testing.T) {
		var got Claims
		require.NoError(t, json.Unmarshal([]byte(datePayload(goodDates())), &got), todoDates+"a payload with whole seconds must decode")
		assert.Equal(t, fakeNow.Add(7*24*time.Hour), got.ExpiresAt.UTC(), todoDates+"exp decoded")
		assert.Equal(t, "guang", got.Username, todoDates+"the other claims decoded too")
	})
	t.Run("spaces around the values", func(t *testing.T) {
		var got Claims
		payload := strings.ReplaceAll(datePayload(goodDates()), ":", " : ")
		require.NoError(t, json.Unmarshal([]byte(payload), &got), todoDates+"%s must decode", payload)
	})
	for _, bad := range badDates() {
		t.Run(bad.name, func(t *testing.T) {
			err := json.Unmarshal([]byte(bad.payload), &Claims{})
			require.Error(t, err, todoDates+"the payload %s decoded; want it refused", bad.payload)
			assert.Contains(t, err.Error(), strconv.Quote(bad.claim), todoDates+"the payload %s: the reason names the claim", bad.payload)
		})
	}
}

// TestTokensVerifyNumericDates: a token signed with our secret whose times
// are all whole seconds verifies, nbf included; the forged ones (badTokens)
// are refused with the reason.
func TestTokensVerifyNumericDates(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	good := datePayload(goodDates())
	_, err := tokens.Verify(signPayload(t, good))
	require.NoError(t, err, todoVerify+"Verify refused a good token %s; the bad times are tried once it accepts it", good)
	for _, bad := range badDates() {
		t.Run(bad.name, func(t *testing.T) {
			claims, err := tokens.Verify(signPayload(t, bad.payload))
			require.Error(t, err, todoVerify+"Verify accepted a token signed with our secret whose %s; want it refused (RFC 7519 §2): %s", bad.name, bad.payload)
			assert.Nil(t, claims, todoVerify+"no claims for a refused token")
			assert.ErrorIs(t, err, jwt.ErrTokenMalformed, todoVerify+"%s: want the parser's error, which carries the reason", bad.name)
		})
	}
}
