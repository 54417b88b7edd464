package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests of TokenTransport (client.go). They live in this file, after
// refresh_test.go: go test runs files in name order, and renew comes first.

const (
	todoRoundTrip = "TODO 2 (client.go): "
	todoStore     = "TODO 3 (client.go): "
	todoClient    = "TODO 2 (client.go) and TODO 3 (client.go): "
)

// handlerTransport sends requests straight to a handler: a whole client
// and server in one process, without a network.
type handlerTransport struct{ h http.Handler }

func (ht handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	ht.h.ServeHTTP(rec, req)
	return rec.Result(), nil
}

// roundTripFunc turns a function into a RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// answering returns a RoundTripper that answers 200 with the given "token"
// header (none if empty), and records the Authorization header it got.
func answering(token string, sent *string) roundTripFunc {
	return func(req *http.Request) (*http.Response, error) {
		if sent != nil {
			*sent = req.Header.Get("Authorization")
		}
		h := http.Header{}
		if token != "" {
			h.Set("token", token)
		}
		return &http.Response{StatusCode: http.StatusOK, Header: h, Body: http.NoBody}, nil
	}
}

// login logs the demo user in through h and returns the token.
func login(t *testing.T, h http.Handler) string {
	t.Helper()
	res := post(t, h, "application/json", `{"username":"guang","password":"123456"}`)
	require.Equal(t, http.StatusCreated, res.StatusCode, "login (step 01)")
	token, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return string(token)
}

func clientGet(t *testing.T, client *http.Client, path string) *http.Response {
	t.Helper()
	res, err := client.Get("http://api.test" + path)
	require.NoError(t, err)
	return res
}

// signedAt signs a token for user with the clock at the given instant.
func signedAt(t *testing.T, at time.Time) string {
	t.Helper()
	token, err := NewTokens(testSecret, fixedClock(at)).Sign("guang")
	require.NoError(t, err)
	return token
}

// show names a token in a failure message by its exp: two tokens differ
// only after their first 40 characters.
func show(token string) string {
	switch exp, ok := expiry(token); {
	case token == "":
		return "no token"
	case ok:
		return "the token expiring " + exp.UTC().Format(time.DateTime)
	default:
		return fmt.Sprintf("%.40q", token)
	}
}

func TestTransportAddsAuthorization(t *testing.T) {
	token := signedAt(t, fakeNow)
	var sent string
	client := &http.Client{Transport: NewTokenTransport(answering("", &sent), token)}
	req, err := http.NewRequest(http.MethodGet, "http://api.test/bbb", nil)
	require.NoError(t, err)

	res, err := client.Do(req)
	require.NoError(t, err)
	res.Body.Close()

	require.True(t, sent == "Bearer "+token, todoRoundTrip+"GET /bbb went out with Authorization %.40q; want \"Bearer \" and the stored token", sent)
	assert.Empty(t, req.Header.Get("Authorization"), todoRoundTrip+"the caller's request now has an Authorization header; a RoundTripper must not change the request it is given")
}

func TestTransportWithoutToken(t *testing.T) {
	var sent string
	client := &http.Client{Transport: NewTokenTransport(answering("", &sent), "")}

	res, err := client.Get("http://api.test/aaa")
	require.NoError(t, err)
	res.Body.Close()

	assert.Empty(t, sent, todoRoundTrip+"with no token stored, GET /aaa went out with Authorization %q; want no Authorization header", sent)
}

func TestTransportStoresRenewedToken(t *testing.T) {
	first, renewed := signedAt(t, fakeNow), signedAt(t, fakeNow.Add(time.Hour))
	transport := NewTokenTransport(answering(renewed, nil), first)

	res, err := (&http.Client{Transport: transport}).Get("http://api.test/bbb")
	require.NoError(t, err)
	res.Body.Close()

	assert.True(t, transport.Token() == renewed, todoRoundTrip+"an answer carried a renewed token; the transport kept %s; want %s", show(transport.Token()), show(renewed))
}

func TestTransportKeepsTokenWithoutHeader(t *testing.T) {
	token := signedAt(t, fakeNow)
	transport := NewTokenTransport(answering("", nil), token)

	res, err := (&http.Client{Transport: transport}).Get("http://api.test/aaa")
	require.NoError(t, err)
	res.Body.Close()

	assert.True(t, transport.Token() == token, todoRoundTrip+"an answer without a \"token\" header (GET /aaa) left the transport with %s; want the token it had", show(transport.Token()))
}

func TestTransportPassesErrors(t *testing.T) {
	down := errors.New("connection refused")
	transport := NewTokenTransport(roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, down }), signedAt(t, fakeNow))
	req, err := http.NewRequest(http.MethodGet, "http://api.test/bbb", nil)
	require.NoError(t, err)

	var res *http.Response
	panicked := func() (p any) {
		defer func() { p = recover() }()
		res, err = transport.RoundTrip(req)
		return nil
	}()

	require.Nil(t, panicked, todoRoundTrip+"the request failed (connection refused) and RoundTrip panicked: %v", panicked)
	assert.ErrorIs(t, err, down, todoRoundTrip+"the request failed; RoundTrip must return that error")
	assert.Nil(t, res)
}

func TestTransportStore(t *testing.T) {
	older, newer := signedAt(t, fakeNow), signedAt(t, fakeNow.Add(time.Minute))
	tests := []struct {
		name  string
		store []string // the first one is given to NewTokenTransport
		want  string
	}{
		{"in order", []string{older, newer}, newer},
		{"out of order: an older answer arrives last", []string{newer, older}, newer},
		{"not a JWT", []string{older, "not-a-token"}, older},
		{"a JWT without exp", []string{older, "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VybmFtZSI6Imd1YW5nIn0.c2ln"}, older},
		{"empty", []string{older, ""}, older},
		{"not a JWT, nothing kept yet", []string{"not-a-token"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			transport := NewTokenTransport(nil, tt.store[0])
			for _, token := range tt.store[1:] {
				transport.Store(token)
			}
			var stored []string
			for _, token := range tt.store {
				stored = append(stored, show(token))
			}
			assert.True(t, transport.Token() == tt.want, todoStore+"stored %q, in this order: kept %s; want %s (the latest exp; a token without one is ignored)",
				stored, show(transport.Token()), show(tt.want))
		})
	}
}

// TestTransportStoreConcurrently calls Store and Token from many goroutines
// at once. Only go test -race sees a data race; the README's "done when"
// runs it.
func TestTransportStoreConcurrently(t *testing.T) {
	t.Log(todoStore + "Store and Token are called by many goroutines at once: a data race reported in this test means Store is not safe for concurrent use")
	const n = 16
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = signedAt(t, fakeNow.Add(time.Duration(i)*time.Second))
	}
	transport := NewTokenTransport(nil, tokens[0])

	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, token := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			transport.Store(token)
			_ = transport.Token()
		}()
	}
	close(start)
	wg.Wait()

	assert.True(t, transport.Token() == tokens[n-1], todoStore+"after %d Stores at once, kept %s; want %s, the latest", n, show(transport.Token()), show(tokens[n-1]))
}

// TestTransportParallel sends 32 requests at once; each answer carries a
// token renewed at a different second, and they arrive in any order. The
// transport must end with the latest, and be -race clean.
func TestTransportParallel(t *testing.T) {
	t.Log(todoClient + "32 requests share one transport: a data race reported in this test is in RoundTrip or Store")
	var tick atomic.Int64
	clock := func() time.Time { return fakeNow.Add(time.Duration(tick.Add(1)) * time.Second) }
	tokens := NewTokens(testSecret, clock)
	srv := NewServer(testUsers(t), tokens)
	first, err := tokens.Sign("guang")
	require.NoError(t, err)
	transport := NewTokenTransport(handlerTransport{srv}, first)
	client := &http.Client{Transport: transport}

	const n = 32
	var (
		mu     sync.Mutex
		latest time.Time
		wg     sync.WaitGroup
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := client.Get("http://api.test/bbb")
			if !assert.NoError(t, err) {
				return
			}
			res.Body.Close()
			if exp, ok := expiry(res.Header.Get("token")); ok {
				mu.Lock()
				if exp.After(latest) {
					latest = exp
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()

	require.False(t, latest.IsZero(), strings.TrimSuffix(todoRenew, ": ")+" and "+todoRoundTrip+"32 requests at once, and no answer carried a renewed token")
	got, _ := expiry(transport.Token())
	assert.True(t, got.Equal(latest), todoStore+"after 32 parallel requests, kept %s; want the latest, expiring %s",
		show(transport.Token()), latest.UTC().Format(time.DateTime))
}
