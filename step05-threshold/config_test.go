package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadSecret(t *testing.T) {
	const label = "step 01 (config.go): "
	const unset = "(unset)"
	good := string(testSecret)
	tests := []struct {
		name        string
		env         string // unset: JWT_SECRET is not in the environment
		addr        string
		dev         bool
		wantSecret  string
		wantErr     string // part of the refusal; "" when accepted
		wantWarning bool
	}{
		{"unset on localhost: development secret, with a warning", unset, "localhost:3000", false, devSecret, "", true},
		{"unset on 127.0.0.1", unset, "127.0.0.1:0", false, devSecret, "", true},
		{"unset on ::1", unset, "[::1]:3000", false, devSecret, "", true},
		{"unset on 0.0.0.0: refused", unset, "0.0.0.0:3000", false, "", "not a loopback address", false},
		{"unset on every interface: refused", unset, ":3000", false, "", "not a loopback address", false},
		{"unset on a LAN address: refused", unset, "192.168.1.10:3000", false, "", "not a loopback address", false},
		{"unset on a host name: refused", unset, "api.example.com:3000", false, "", "not a loopback address", false},
		{"unset on 0.0.0.0 with -dev: development secret, with a warning", unset, "0.0.0.0:3000", true, devSecret, "", true},
		{"set but empty: refused", "", "localhost:3000", false, "", "set but empty", false},
		{"set but empty with -dev: refused", "", "localhost:3000", true, "", "set but empty", false},
		{"31 bytes: refused", good[:31], "localhost:3000", false, "", "at least 32 bytes", false},
		{"31 bytes with -dev: refused", good[:31], "localhost:3000", true, "", "at least 32 bytes", false},
		{"the development secret: refused", devSecret, "localhost:3000", false, "", "public development secret", false},
		{"the development secret with -dev: accepted, with a warning", devSecret, "localhost:3000", true, devSecret, "", true},
		{"one repeated byte: refused", strings.Repeat("s", 32), "localhost:3000", false, "", "only 1 distinct byte values", false},
		{"one repeated byte with -dev: accepted, with a warning", strings.Repeat("s", 32), "localhost:3000", true, strings.Repeat("s", 32), "", true},
		{"seven different bytes: refused", strings.Repeat("abcdefg", 5), "localhost:3000", false, "", "only 7 distinct byte values", false},
		{"32 spaces: refused", strings.Repeat(" ", 32), "localhost:3000", false, "", "whitespace", false},
		{"32 spaces with -dev: accepted, with a warning", strings.Repeat(" ", 32), "localhost:3000", true, strings.Repeat(" ", 32), "", true},
		{"a good secret and a pasted newline: refused", good + "\n", "localhost:3000", false, "", "whitespace", false},
		{"a good secret and a leading space: refused", " " + good, "localhost:3000", false, "", "whitespace", false},
		{"a good 32-byte secret: accepted silently", good, "localhost:3000", false, good, "", false},
		{"a good secret on 0.0.0.0: accepted silently", good, "0.0.0.0:3000", false, good, "", false},
		{"a good secret with -dev: accepted silently", good, ":3000", true, good, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			lookupEnv := func(key string) (string, bool) {
				if key == "JWT_SECRET" && tt.env != unset {
					return tt.env, true
				}
				return "", false
			}
			given := fmt.Sprintf("JWT_SECRET=%.40q, -addr %s, -dev=%v", tt.env, tt.addr, tt.dev)
			if tt.env == unset {
				given = fmt.Sprintf("JWT_SECRET unset, -addr %s, -dev=%v", tt.addr, tt.dev)
			}

			secret, err := loadSecret(lookupEnv, tt.addr, tt.dev, &stderr)

			if tt.wantErr != "" {
				require.Error(t, err, label+"%s: accepted (stderr %q); want it refused (%s)", given, stderr.String(), tt.wantErr)
				assert.Contains(t, err.Error(), tt.wantErr, label+"%s: the refusal says what is wrong", given)
				assert.Contains(t, err.Error(), "openssl rand -base64 32", label+"%s: the refusal says how to fix it", given)
				if strings.TrimSpace(tt.env) != "" {
					assert.NotContains(t, err.Error(), strings.TrimSpace(tt.env), label+"%s: the refusal must not print the secret (it ends up in logs)", given)
				}
				return
			}
			require.NoError(t, err, label+"%s: refused; want it accepted", given)
			assert.Equal(t, tt.wantSecret, string(secret), label+"%s: the secret used", given)
			if tt.wantWarning {
				assert.Contains(t, stderr.String(), "WARNING", label+"%s: stderr %q; want a warning that tokens can be forged", given, stderr.String())
			} else {
				assert.Empty(t, stderr.String(), label+"%s: a good secret is accepted without a word", given)
			}
		})
	}
	assert.GreaterOrEqual(t, len(devSecret), minSecretBytes, label+"even the development secret is 32+ bytes")
}
