package main

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"time"
)

// webFiles is the course page: plain HTML and JavaScript, no build step.
//
//go:embed web
var webFiles embed.FS

// pageConfig is /config.json: where the API is, and the renewal policy in
// seconds. With the policy the page tells an answer without a token
// because none was due from one whose token header the browser hid.
type pageConfig struct {
	APIBase     string `json:"apiBase"`
	TTL         int64  `json:"ttl"`
	RenewBefore int64  `json:"renewBefore"`
	MaxSession  int64  `json:"maxSession"`
}

// NewWebServer serves the course page, and at /config.json the API's base
// URL, so the page never hard-codes a port, and the policy in force.
func NewWebServer(apiBase string, policy Policy) http.Handler {
	files, _ := fs.Sub(webFiles, "web")   // cannot fail: "web" is embedded at build time
	config, _ := json.Marshal(pageConfig{ // cannot fail: strings and integers
		APIBase:     apiBase,
		TTL:         int64(policy.TTL / time.Second),
		RenewBefore: int64(policy.RenewBefore / time.Second),
		MaxSession:  int64(policy.MaxSession / time.Second),
	})
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(files))
	mux.HandleFunc("GET /config.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(config)
	})
	return withPageHeaders(mux, apiBase)
}

// withPageHeaders adds a Content-Security-Policy: the page may run only its
// own script and talk only to itself and the API. It is the habit that
// limits what an injected script could do with a token in localStorage.
func withPageHeaders(next http.Handler, apiBase string) http.Handler {
	csp := "default-src 'self'; connect-src 'self' " + apiBase + "; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
