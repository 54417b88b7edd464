package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// dateClaims are the claims of our tokens that are times (auth_time too
// from step 05 on).
var dateClaims = []string{"exp", "iat", "nbf"}

// maxNumericDate is the last second of the year 9999: no token of ours
// lives that long, and every later value is refused before it can
// overflow (jwt.NumericDate reads 1e20 seconds as a date in the past).
const maxNumericDate = 253402300799

// UnmarshalJSON decodes a token's claims after checking their times.
// RFC 7519 §2 makes a NumericDate a JSON number of seconds; jwt.NumericDate
// also takes a string ("1795755302"), a fraction, or 1e20, which overflows
// and reads as long ago. Sign writes whole seconds, so we take nothing
// else: a token with any of dateClaims not one is refused, with the reason
// (the parser wraps it in jwt.ErrTokenMalformed).
func (c *Claims) UnmarshalJSON(data []byte) error {
	if err := checkNumericDates(data); err != nil {
		return err
	}
	type plain Claims // the same fields, without this method
	return json.Unmarshal(data, (*plain)(c))
}

// checkNumericDates checks every key of the object in data that Go's
// decoder would read as one of dateClaims (it matches keys without regard
// to case, as strings.EqualFold does): spelled exactly, once, and a whole
// number of seconds from 0 to maxNumericDate. Anything else wrong with
// data it leaves to json.Unmarshal, and returns nil.
func checkNumericDates(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	seen := make(map[string]bool, len(dateClaims))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil
		}
		for _, name := range dateClaims {
			if !strings.EqualFold(key, name) {
				continue
			}
			switch {
			case key != name:
				return fmt.Errorf("claim %q: claim names are case-sensitive (RFC 7519 §4), want %q", key, name)
			case seen[name]:
				return fmt.Errorf("claim %q appears twice", name)
			}
			seen[name] = true
			if err := checkNumericDate(value); err != nil {
				return fmt.Errorf("claim %q: %w", name, err)
			}
		}
	}
	return nil
}

// checkNumericDate refuses a value that is not a whole number of seconds
// from 0 to maxNumericDate, written in digits.
func checkNumericDate(value json.RawMessage) error {
	for _, b := range value {
		if b < '0' || b > '9' {
			return fmt.Errorf("%.20s is not a NumericDate: want a whole number of seconds, in digits", value)
		}
	}
	n, err := strconv.ParseUint(string(value), 10, 64)
	if err != nil || n > maxNumericDate {
		return fmt.Errorf("%.20s is out of range: want at most %d (the year 9999)", value, maxNumericDate)
	}
	return nil
}
