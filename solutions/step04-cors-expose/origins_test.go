package main

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseOrigins(t *testing.T) {
	const label = "step 04 (origins.go): "
	accepted := []struct {
		flag string
		want []string
	}{
		{"", nil}, // no flag: the course page's own origin, chosen by run
		{"http://localhost:5173", []string{"http://localhost:5173"}},
		{"http://localhost:5173, https://app.example.com", []string{"http://localhost:5173", "https://app.example.com"}},
		{"https://app.example.com:8443", []string{"https://app.example.com:8443"}},
		{"http://127.0.0.1:5173", []string{"http://127.0.0.1:5173"}},
		{"http://[::1]:5173", []string{"http://[::1]:5173"}},
		// A browser sends the scheme and host in lower case:
		{"HTTP://LocalHost:5173", []string{"http://localhost:5173"}},
	}
	for _, tt := range accepted {
		got, err := parseOrigins(tt.flag)
		require.NoError(t, err, label+"-allow-origin %q: refused; want it accepted", tt.flag)
		assert.Equal(t, tt.want, got, label+"-allow-origin %q", tt.flag)
	}

	refused := []struct{ why, flag string }{
		// rs/cors reads a * in an origin as "any characters": each of these
		// would let other sites' pages call the API and read the token.
		{"every origin", "*"},
		{"every http page (issue 9, item 3)", "http://*"},
		{"every https page", "https://*"},
		{"every subdomain, whoever runs it", "http://*.example.com"},
		{"any port", "http://localhost:*"},
		{"any scheme", "*://localhost:5173"},
		{"a * escaped", "http://%2A.example.com"},
		{"one bad origin refuses the whole flag", "http://localhost:5173,http://*"},
		// Sandboxed frames and file: pages send Origin: null.
		{"the null origin", "null"},
		// Not an origin as a browser writes it, so it would never match:
		{"no scheme", "localhost:5173"},
		{"not http or https", "ftp://localhost"},
		{"a file URL", "file:///tmp/page.html"},
		{"no host", "http://"},
		{"a port without a host", "http://:5173"},
		{"a trailing slash", "http://localhost:5173/"},
		{"a path", "http://localhost:5173/app"},
		{"a query", "http://localhost:5173?x=1"},
		{"an empty query", "http://localhost:5173?"},
		{"a fragment", "http://localhost:5173#top"},
		{"a user", "http://user@localhost:5173"},
		{"an empty port", "http://localhost:"},
		{"port 0", "http://localhost:0"},
		{"a port out of range", "http://localhost:65536"},
		{"a leading zero", "http://localhost:05173"},
		{"http's default port (the browser leaves it out)", "http://localhost:80"},
		{"https's default port", "https://app.example.com:443"},
		{"an underscore", "http://local_host:5173"},
		{"an empty label", "http://app..example.com"},
		{"a label starting with a hyphen", "http://-app.example.com"},
		{"an empty entry", "http://localhost:5173,"},
	}
	for _, tt := range refused {
		t.Run(tt.why, func(t *testing.T) {
			got, err := parseOrigins(tt.flag)
			require.Error(t, err, label+"-allow-origin %q: accepted as %q; want it refused (%s)", tt.flag, got, tt.why)
			assert.Contains(t, err.Error(), "is not an origin", label+"-allow-origin %q: the error must say why", tt.flag)
		})
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		flag   string
		actual string
		want   string
	}{
		{"localhost:3000", "127.0.0.1:3000", "http://localhost:3000"},
		{"127.0.0.1:0", "127.0.0.1:41234", "http://127.0.0.1:41234"},
		{":3000", "[::]:3000", "http://localhost:3000"},
		{"0.0.0.0:3000", "0.0.0.0:3000", "http://localhost:3000"},
	}
	for _, tt := range tests {
		actual, err := net.ResolveTCPAddr("tcp", tt.actual)
		require.NoError(t, err)
		assert.Equal(t, tt.want, baseURL(tt.flag, actual), "baseURL(%q, %s)", tt.flag, tt.actual)
	}
}

func TestLoopbackAliases(t *testing.T) {
	assert.Equal(t, []string{"http://localhost:5173", "http://127.0.0.1:5173", "http://[::1]:5173"}, loopbackAliases("http://127.0.0.1:5173"))
	assert.Equal(t, []string{"http://app.example.com:8080"}, loopbackAliases("http://app.example.com:8080"))
}
