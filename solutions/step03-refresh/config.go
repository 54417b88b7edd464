package main

import (
	"fmt"
	"io"
	"net"
	"strings"
)

// minSecretBytes is the shortest HS256 key we accept: RFC 7518 §3.2 asks
// for a key at least as long as the hash output, 256 bits.
const minSecretBytes = 32

// minDistinctBytes is the fewest different byte values a secret may use.
// It only catches the trivially weak (32 spaces, "abab…"): a secret from
// `openssl rand -base64 32` uses about 30, from `openssl rand -hex 32` 16.
const minDistinctBytes = 8

// devSecret is used when JWT_SECRET is unset on a loopback address. It is
// public (it is in this file), so anyone can forge tokens for a server that
// uses it.
const devSecret = "development-only-secret-do-not-deploy-0123456789"

// howToFix ends every refusal: how to make a real secret.
const howToFix = "generate one with `openssl rand -base64 32` (e.g. JWT_SECRET=\"$(openssl rand -base64 32)\")"

// loadSecret reads the signing secret from JWT_SECRET, with lookupEnv
// (os.LookupEnv) so that set-but-empty is told from unset. addr is the
// address the API listens on (the -addr flag); dev is the -dev flag.
//
//   - Unset: the public development secret, with a warning on stderr, and
//     only when addr is a loopback address (localhost, 127.0.0.1, ::1) or
//     in dev mode; anywhere else anyone could forge tokens, so refused.
//   - Set but empty, or shorter than 32 bytes: always refused (an empty
//     value is a deployment slip, such as JWT_SECRET=$UNSET_VARIABLE).
//   - Guessable (the development secret, whitespace at either end, fewer
//     than 8 different bytes): refused unless dev mode, which warns.
//
// Errors never quote the secret: they end up in logs.
func loadSecret(lookupEnv func(string) (string, bool), addr string, dev bool, stderr io.Writer) ([]byte, error) {
	secret, set := lookupEnv("JWT_SECRET")
	switch {
	case !set && (dev || isLoopback(addr)):
		fmt.Fprintln(stderr, "WARNING: JWT_SECRET is not set: using the public development secret. "+
			"Anyone can forge tokens for this server. Set JWT_SECRET (32+ bytes, e.g. `openssl rand -base64 32`) outside development.")
		return []byte(devSecret), nil
	case !set:
		return nil, fmt.Errorf("JWT_SECRET is not set and -addr %q is not a loopback address: "+
			"the public development secret is only for a server on localhost (or with -dev); %s", addr, howToFix)
	case secret == "":
		return nil, fmt.Errorf("JWT_SECRET is set but empty: unset it to use the public development secret on localhost, or %s", howToFix)
	case len(secret) < minSecretBytes:
		return nil, fmt.Errorf("JWT_SECRET is %d bytes long: it must be at least %d bytes (RFC 7518 §3.2); %s",
			len(secret), minSecretBytes, howToFix)
	}
	weak := weakness(secret)
	if weak == "" {
		return []byte(secret), nil
	}
	if !dev {
		return nil, fmt.Errorf("JWT_SECRET %s: anyone could guess it; %s (or, in development only, run with -dev)", weak, howToFix)
	}
	fmt.Fprintf(stderr, "WARNING: -dev: JWT_SECRET %s: anyone could guess it and forge tokens for this server.\n", weak)
	return []byte(secret), nil
}

// weakness says why secret is easy to guess, or "" when nothing obvious is
// wrong with it. It cannot measure randomness: it catches slips.
func weakness(secret string) string {
	if secret == devSecret {
		return "is the public development secret"
	}
	if strings.TrimSpace(secret) == "" {
		return "is only whitespace"
	}
	if strings.TrimSpace(secret) != secret {
		return "starts or ends with whitespace (a pasted space or newline?)"
	}
	var seen [256]bool
	distinct := 0
	for i := 0; i < len(secret); i++ {
		if !seen[secret[i]] {
			seen[secret[i]] = true
			distinct++
		}
	}
	if distinct < minDistinctBytes {
		return fmt.Sprintf("uses only %d distinct byte values (at least %d wanted)", distinct, minDistinctBytes)
	}
	return ""
}

// isLoopback reports whether the host of addr ("host:port") is localhost
// or a loopback IP. An empty host (":3000") listens on every interface.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
