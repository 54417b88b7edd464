package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 18: the scheme is the whole word "Bearer" (any case), not a word
// that starts with it; and the length limit counts the whole token, its
// "=" padding included.
func TestParseBearerWholeSchemeWholeLength(t *testing.T) {
	got, err := parseBearer("Bearer aaa.bbb.ccc")
	require.True(t, err == nil && got == "aaa.bbb.ccc",
		todoBearer+"parseBearer(%q) = %q, %v; want \"aaa.bbb.ccc\", no error", "Bearer aaa.bbb.ccc", got, err)
	for _, tt := range []struct {
		name    string
		value   string
		wantErr error
	}{
		{"a longer scheme that starts with Bearer", "Bearerx aaa.bbb.ccc", errNoTokenOrMalformed},
		{"a longer scheme, in lower case", "bearers aaa.bbb.ccc", errNoTokenOrMalformed},
		{"over the length limit by its padding", "Bearer " + strings.Repeat("a", maxTokenBytes) + "=", errMalformed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBearer(tt.value)
			assert.True(t, isWantedErr(err, tt.wantErr),
				todoBearer+"parseBearer(%.40q) (%d bytes) = %.40q, %v; want %s", tt.value, len(tt.value), got, err, wantErrText(tt.wantErr))
		})
	}
}
