package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebServer(t *testing.T) {
	const apiBase = "http://127.0.0.1:3000"
	policy := Policy{TTL: 8 * time.Second, RenewBefore: 4 * time.Second, MaxSession: 14 * time.Second}
	web := NewWebServer(apiBase, policy)

	tests := []struct {
		path, wantType, wantBody string
	}{
		{"/", "text/html", `<script src="app.js">`},
		{"/app.js", "text/javascript", "keepRenewedToken"},
		{"/style.css", "text/css", "body"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := get(web, tt.path)
			assert.Equal(t, http.StatusOK, res.StatusCode)
			assert.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), tt.wantType), "Content-Type %q", res.Header.Get("Content-Type"))
			assert.Contains(t, body(t, res), tt.wantBody)
			csp := res.Header.Get("Content-Security-Policy")
			assert.Contains(t, csp, "default-src 'self'", "only the page's own scripts run")
			assert.Contains(t, csp, "connect-src 'self' "+apiBase, "the page may talk to the API")
		})
	}

	t.Run("/config.json", func(t *testing.T) {
		res := get(web, "/config.json")
		require.Equal(t, http.StatusOK, res.StatusCode)
		var config struct {
			APIBase                      string
			TTL, RenewBefore, MaxSession int64
		}
		require.NoError(t, json.Unmarshal([]byte(body(t, res)), &config))
		assert.Equal(t, apiBase, config.APIBase, "step 04 (web.go): the page learns the API's address from its own server")
		assert.Equal(t, [3]int64{8, 4, 14}, [3]int64{config.TTL, config.RenewBefore, config.MaxSession},
			"step 05 (web.go): /config.json gives the page the policy in seconds (ttl, renewBefore, maxSession), so that it can tell a token that was not due from a hidden header")
	})
}
