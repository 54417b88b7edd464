package main

import (
	"fmt"
	"io"
)

// minSecretBytes is the shortest HS256 key we accept: RFC 7518 §3.2 asks
// for a key at least as long as the hash output, 256 bits.
const minSecretBytes = 32

// devSecret is used when JWT_SECRET is unset. It is public (it is in this
// file), so anyone can forge tokens for a server that uses it.
const devSecret = "development-only-secret-do-not-deploy-0123456789"

// loadSecret reads the signing secret from JWT_SECRET.
func loadSecret(getenv func(string) string, stderr io.Writer) ([]byte, error) {
	secret := getenv("JWT_SECRET")
	if secret == "" {
		fmt.Fprintln(stderr, "WARNING: JWT_SECRET is not set: using the public development secret. "+
			"Anyone can forge tokens for this server. Set JWT_SECRET (32+ bytes, e.g. `openssl rand -base64 32`) outside development.")
		return []byte(devSecret), nil
	}
	if len(secret) < minSecretBytes {
		return nil, fmt.Errorf("JWT_SECRET is %d bytes long: it must be at least %d bytes (RFC 7518 §3.2); generate one with `openssl rand -base64 32`",
			len(secret), minSecretBytes)
	}
	return []byte(secret), nil
}
