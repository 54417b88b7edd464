package main

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseOrigins(t *testing.T) {
	tests := []struct {
		flag    string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"http://localhost:5173", []string{"http://localhost:5173"}, false},
		{"http://localhost:5173, https://app.example.com", []string{"http://localhost:5173", "https://app.example.com"}, false},
		{"*", nil, true},
		{"localhost:5173", nil, true},
		{"http://localhost:5173/", nil, true},
		{"http://localhost:5173/app", nil, true},
		{"ftp://localhost", nil, true},
		{"http://localhost:5173,", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			got, err := parseOrigins(tt.flag)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
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
