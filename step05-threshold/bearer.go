package main

import (
	"errors"
	"net/http"
	"strings"
)

// maxTokenBytes bounds a bearer token: ours are about 200 bytes.
const maxTokenBytes = 8 << 10

var (
	// errNoToken: no Authorization header, or one of another scheme.
	errNoToken = errors.New("no bearer token")
	// errMalformed: an Authorization: Bearer header that breaks RFC 6750.
	errMalformed = errors.New("malformed bearer token")
)

// bearerToken returns the token of the request's one Authorization header.
func bearerToken(h http.Header) (string, error) {
	values := h["Authorization"] // the canonical key: no allocation
	switch len(values) {
	case 0:
		return "", errNoToken
	case 1:
		return parseBearer(values[0])
	default:
		return "", errMalformed // which one would we trust?
	}
}

// parseBearer parses an Authorization header value by RFC 6750 §2.1:
//
//	credentials = "Bearer" 1*SP b64token
//	b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// The scheme is case-insensitive (RFC 9110 §11.1). It allocates nothing.
func parseBearer(value string) (string, error) {
	scheme, rest, found := strings.Cut(value, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", errNoToken // Basic …, a bare token, an empty header
	}
	if !found {
		return "", errMalformed // "Bearer" alone
	}
	token := strings.TrimLeft(rest, " ")
	if len(token) > maxTokenBytes || !isB64Token(token) {
		return "", errMalformed
	}
	return token, nil
}

// isB64Token reports whether s is a b64token: an empty string, a space
// ("Bearer <jwt> extra") or any other character outside the set is not.
func isB64Token(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
			break
		}
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}
