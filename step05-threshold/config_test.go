package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadSecret(t *testing.T) {
	tests := []struct {
		name        string
		env         string
		wantSecret  string
		wantErr     string
		wantWarning bool
	}{
		{"unset: development secret, with a warning", "", devSecret, "", true},
		{"31 bytes: refused", strings.Repeat("s", 31), "", "at least 32 bytes", false},
		{"32 bytes: accepted", strings.Repeat("s", 32), strings.Repeat("s", 32), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			getenv := func(key string) string {
				if key == "JWT_SECRET" {
					return tt.env
				}
				return ""
			}

			secret, err := loadSecret(getenv, &stderr)

			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantSecret, string(secret))
			assert.Equal(t, tt.wantWarning, strings.Contains(stderr.String(), "WARNING"), "stderr: %q", stderr.String())
		})
	}
	assert.GreaterOrEqual(t, len(devSecret), minSecretBytes, "even the development secret is 32+ bytes")
}
