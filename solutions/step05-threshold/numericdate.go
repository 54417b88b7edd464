package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// dateClaims are the claims of our tokens that are times, each decoded
// strictly by UnmarshalJSON (auth_time from step 05 on).
var dateClaims = []string{"exp", "iat", "nbf", "auth_time"}

// maxNumericDate is the last second of the year 9999: no token of ours
// lives that long, and every later value is refused before it can
// overflow (jwt.NumericDate reads 1e20 seconds as a date in the past).
const maxNumericDate = 253402300799

// UnmarshalJSON decodes a token's claims, and their times strictly.
// RFC 7519 §2 makes a NumericDate a JSON number of seconds; jwt.NumericDate
// also takes a string ("1795755302"), a fraction, or 1e20, which overflows
// and reads as long ago. Sign writes whole seconds, so we take nothing
// else: a token with any of dateClaims not one is refused, with the reason
// (the parser wraps it in jwt.ErrTokenMalformed).
func (c *Claims) UnmarshalJSON(data []byte) error {
	type plain Claims // the same fields, without this method
	// The raw fields are shallower than RegisteredClaims', so they take the
	// times' values, by the decoder's own rules (a key in another case, the
	// last of two equal keys): what is checked is what would be decoded.
	var raw struct {
		*plain
		Exp      json.RawMessage `json:"exp"`
		Iat      json.RawMessage `json:"iat"`
		Nbf      json.RawMessage `json:"nbf"`
		AuthTime json.RawMessage `json:"auth_time"`
	}
	raw.plain = (*plain)(c)
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	for _, d := range []struct {
		name  string
		raw   json.RawMessage
		claim **jwt.NumericDate
	}{
		{"exp", raw.Exp, &c.ExpiresAt},
		{"iat", raw.Iat, &c.IssuedAt},
		{"nbf", raw.Nbf, &c.NotBefore},
		{"auth_time", raw.AuthTime, &c.AuthTime},
	} {
		date, err := numericDate(d.raw)
		if err != nil {
			return fmt.Errorf("claim %q: %w", d.name, err)
		}
		*d.claim = date
	}
	return nil
}

// numericDate decodes a whole number of seconds from 0 to maxNumericDate,
// written in digits; nil when the claim is absent.
func numericDate(raw json.RawMessage) (*jwt.NumericDate, error) {
	if raw == nil {
		return nil, nil
	}
	for _, b := range raw {
		if b < '0' || b > '9' {
			return nil, fmt.Errorf("%.20s is not a NumericDate: want a whole number of seconds, in digits", raw)
		}
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n > maxNumericDate {
		return nil, fmt.Errorf("%.20s is out of range: want at most %d (the year 9999)", raw, maxNumericDate)
	}
	return jwt.NewNumericDate(time.Unix(n, 0)), nil
}
