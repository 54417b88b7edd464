package main

import "net/http"

// addRoutes is the API at a glance.
func addRoutes(mux *http.ServeMux, users *Users, tokens *Tokens) {
	mux.Handle("POST /user/login", limitBody(maxBodyBytes)(handleLogin(users, tokens)))
	mux.Handle("GET /aaa", handleAAA())
	mux.Handle("GET /bbb", guard(tokens)(renew(tokens)(handleBBB())))
	addSessionRoutes(mux, tokens) // POST /user/logout, POST /user/logout-all
}
