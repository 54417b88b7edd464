package main

import (
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
)

// webFiles is the course page: plain HTML and JavaScript, no build step.
//
//go:embed web
var webFiles embed.FS

// NewWebServer serves the course page, and at /config.json the API's base
// URL, so the page never hard-codes a port.
func NewWebServer(apiBase string) http.Handler {
	files, _ := fs.Sub(webFiles, "web")                              // cannot fail: "web" is embedded at build time
	config, _ := json.Marshal(map[string]string{"apiBase": apiBase}) // cannot fail: a map of strings
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(pageFiles{files}))
	mux.HandleFunc("GET /config.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(config)
	})
	return withPageHeaders(mux, apiBase)
}

// pageFiles are the page's files as the file server opens them: a name
// io/fs calls invalid (a path that is not UTF-8, such as /%ff) names no
// file, 404, where http.FileServerFS answers 500 to every error but "does
// not exist" and "permission denied" (issue 19). Bad input is a 4xx.
type pageFiles struct{ fs.FS }

func (f pageFiles) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if errors.Is(err, fs.ErrInvalid) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return file, err
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
