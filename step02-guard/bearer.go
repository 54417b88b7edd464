package main

import (
	"errors"
	"net/http"
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
	// TODO 1 (bearer.go): return the token of the one Authorization header.
	//   No header: errNoToken. More than one: errMalformed. One: what parseBearer says.
	return "", errors.New("TODO 1 (bearer.go): not written yet")
}

// parseBearer parses an Authorization header value by RFC 6750 §2.1:
//
//	credentials = "Bearer" 1*SP b64token
//	b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// The scheme is case-insensitive (RFC 9110 §11.1). It allocates nothing.
func parseBearer(value string) (string, error) {
	// TODO 1 (bearer.go): return the token of "Bearer <b64token>", allocating nothing.
	//   Another scheme, or none: errNoToken.
	//   Bearer without a token, or with anything but one b64token of at most
	//   maxTokenBytes: errMalformed.
	return "", errors.New("TODO 1 (bearer.go): not written yet")
}
