package main

import (
	"net/http"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TokenTransport is the client side of seamless refresh, the Go
// counterpart of the chapter's two axios interceptors: on the way out it
// adds "Authorization: Bearer <token>"; on the way back it keeps the
// renewed token of the "token" response header. It is safe for concurrent
// use by several requests at once.
type TokenTransport struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper

	mu    watchedMutex
	token string
	exp   time.Time
}

// NewTokenTransport returns a transport that starts with token (the one
// login answered).
func NewTokenTransport(base http.RoundTripper, token string) *TokenTransport {
	t := &TokenTransport{Base: base}
	t.Store(token)
	return t
}

// Token returns the token the next request will send.
func (t *TokenTransport) Token() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.token
}

// RoundTrip sends req with the stored token and keeps the renewed one.
func (t *TokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// A RoundTripper must not change the caller's request: work on a copy.
	req = req.Clone(req.Context())
	if token := t.Token(); token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := t.base().RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if token := res.Header.Get(tokenHeader); token != "" {
		t.Store(token)
	}
	return res, nil
}

// Store keeps token unless the one already kept expires later. Answers to
// parallel requests can arrive in any order: an older token must never
// replace a newer one. (Two tokens of the same second are as fresh: the
// last one wins.)
func (t *TokenTransport) Store(token string) {
	// TODO 3 (client.go): keep token only if it has an exp and the kept one
	// does not expire later; many goroutines call Store and Token at once.
	t.mu.Lock()
	defer t.mu.Unlock()
	t.token = token
}

// expiry reads a token's exp without verifying it: the client has no
// secret and does not need one; the server verifies.
func expiry(token string) (time.Time, bool) {
	var claims jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &claims); err != nil || claims.ExpiresAt == nil {
		return time.Time{}, false
	}
	return claims.ExpiresAt.Time, true
}

func (t *TokenTransport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

// watchedMutex is TokenTransport's lock: a sync.Mutex (t.mu.Lock(),
// t.mu.Unlock(), its zero value unlocked) that tests can watch. hook, nil
// outside tests, runs just before Lock waits and just after Unlock has
// released: the moments another goroutine may take its turn.
type watchedMutex struct {
	mu   sync.Mutex
	hook func()
}

// Lock locks m.
func (m *watchedMutex) Lock() {
	if m.hook != nil {
		m.hook()
	}
	m.mu.Lock()
}

// Unlock unlocks m.
func (m *watchedMutex) Unlock() {
	m.mu.Unlock()
	if m.hook != nil {
		m.hook()
	}
}
