package main

import (
	"io"
	"net/http"
)

// handleAAA answers the public route GET /aaa, as in the chapter.
func handleAAA() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeText(w, "aaa")
	})
}

// handleBBB answers GET /bbb, which is behind the guard.
func handleBBB() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeText(w, "bbb")
	})
}

func writeText(w http.ResponseWriter, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, s)
}
