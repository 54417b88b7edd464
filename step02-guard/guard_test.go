package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const todoGuard = "TODO 3 (guard.go): "

// get sends GET path through h with the given Authorization headers.
func get(h http.Handler, path string, authorization ...string) *http.Response {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, a := range authorization {
		req.Header.Add("Authorization", a)
	}
	return send(h, req)
}

// send serves req with h and returns the response.
func send(h http.Handler, req *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return string(b)
}

// whyNotThrough names the code at fault when a valid token did not pass
// the guard: bearerToken or Verify if one of them refuses it, else the
// guard itself; and why.
func whyNotThrough(tokens *Tokens, authorization string) (label, because string) {
	raw, err := bearerToken(http.Header{"Authorization": {authorization}})
	if err != nil {
		return todoBearer, " (bearerToken refused the header: " + err.Error() + ")"
	}
	if _, err := tokens.Verify(raw); err != nil {
		return todoVerify, " (Verify refused the token: " + err.Error() + ")"
	}
	return todoGuard, ""
}

// requirePasses fails the test now unless a valid token passes the guard:
// a guard that refuses everything passes every refusal test.
func requirePasses(t *testing.T, h http.Handler, tokens *Tokens, authorization, then string) {
	t.Helper()
	res := get(h, "/bbb", authorization)
	label, because := whyNotThrough(tokens, authorization)
	require.Equalf(t, http.StatusOK, res.StatusCode, "%sGET /bbb with a valid token (%.20q…): status %d, want 200%s%s",
		label, authorization, res.StatusCode, because, then)
}

func TestPublicRoute(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))
	res := get(srv, "/aaa")
	assert.Equal(t, http.StatusOK, res.StatusCode, "step 02 (handlers.go): GET /aaa is public")
	assert.Equal(t, "aaa", body(t, res), "step 02 (handlers.go): GET /aaa answers aaa")
}

func TestGuardLetsAGoodTokenThrough(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	srv := NewServer(testUsers(t), tokens)
	token, err := tokens.Sign("guang")
	require.NoError(t, err)

	for _, header := range []string{"Bearer " + token, "bearer " + token} {
		requirePasses(t, srv, tokens, header, "")
		assert.Equal(t, "bbb", body(t, get(srv, "/bbb", header)), todoGuard+"a valid token reaches the next handler (handleBBB)")
	}
}

func TestGuardPutsClaimsInContext(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	token, err := tokens.Sign("ada")
	require.NoError(t, err)
	var called, ok bool
	var got *Claims
	h := guard(tokens)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
		got, ok = claimsFrom(r.Context())
	}))

	get(h, "/", "Bearer "+token)

	label, because := whyNotThrough(tokens, "Bearer "+token)
	require.Truef(t, called, "%sa valid token: the next handler was never called%s", label, because)
	require.True(t, ok && got != nil, todoGuard+"the next handler found no claims in the request's context (claimsFrom); want the verified token's claims")
	assert.Equal(t, "ada", got.Username, todoGuard+"the claims in the context are those of this request's token")
}

// refusal is a request the guard must refuse, and how.
type refusal struct {
	name          string
	path          string // "/bbb", or with a query string
	authorization []string
	cookie        *http.Cookie
	wantMessage   string
	wantChallenge string
	rule          string // whose rule refuses it: todoBearer (the header), todoVerify (the token) or todoGuard
}

func (r refusal) request() *http.Request {
	req := httptest.NewRequest(http.MethodGet, r.path, nil)
	for _, a := range r.authorization {
		req.Header.Add("Authorization", a)
	}
	if r.cookie != nil {
		req.AddCookie(r.cookie)
	}
	return req
}

// String describes the request, inputs capped.
func (r refusal) String() string {
	s := fmt.Sprintf("GET %.40s", r.path)
	if len(r.authorization) == 0 {
		s += " without an Authorization header"
	} else {
		s += fmt.Sprintf(" with the Authorization headers %.40q", r.authorization)
	}
	if r.cookie != nil {
		s += fmt.Sprintf(" and the cookie %s=%.20s…", r.cookie.Name, r.cookie.Value)
	}
	return s
}

// whyNotRefused names the code at fault when the guard did not refuse r as
// wanted: the one whose rule refuses r if its code let r pass (or read the
// header the wrong way), else the guard itself; and why.
func whyNotRefused(tokens *Tokens, r refusal, status int) (label, because string) {
	raw, err := bearerToken(r.request().Header)
	switch {
	case status != http.StatusUnauthorized && err == nil && r.rule == todoBearer:
		return todoBearer, " (bearerToken accepted the header)"
	case status != http.StatusUnauthorized && err == nil && r.rule == todoVerify:
		if _, err := tokens.Verify(raw); err == nil {
			return todoVerify, " (Verify accepted the token)"
		}
	case status == http.StatusUnauthorized && r.rule == todoBearer && (r.wantMessage == msgNotLoggedIn) != errors.Is(err, errNoToken):
		return todoBearer, " (bearerToken returned " + errText(err) + ")"
	}
	return todoGuard, ""
}

func errText(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

func TestGuardRefuses(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	good, err := tokens.Sign("guang")
	require.NoError(t, err)

	notLoggedIn := func(name string, authorization ...string) refusal {
		return refusal{name, "/bbb", authorization, nil, msgNotLoggedIn, `Bearer`, todoBearer}
	}
	invalid := func(name string, authorization ...string) refusal {
		return refusal{name, "/bbb", authorization, nil, msgInvalidToken, `Bearer error="invalid_token"`, todoBearer}
	}
	// RFC 6750 §2.3 allows a token in the query string, and browsers send
	// cookies by themselves; we take a token from the Authorization header
	// only: URLs land in logs, history and Referer headers.
	elsewhere := func(name, path string, cookie *http.Cookie) refusal {
		return refusal{name, path, nil, cookie, msgNotLoggedIn, `Bearer`, todoGuard}
	}
	forged := func(name, token string) refusal {
		r := invalid(name, "Bearer "+token)
		r.rule = todoVerify
		return r
	}
	tests := []refusal{
		notLoggedIn("no Authorization header"),
		notLoggedIn("Basic scheme", "Basic "+good),
		notLoggedIn("a token without a scheme", good),
		invalid("a bare Bearer", "Bearer"),
		invalid("Bearer, two spaces, nothing", "Bearer  "),
		invalid("a second word", "Bearer "+good+" extra"),
		invalid("two Authorization headers", "Bearer "+good, "Bearer "+good),
		invalid("over 8 KiB", "Bearer "+strings.Repeat("a", maxTokenBytes+1)),
		elsewhere("token in the query string (access_token)", "/bbb?access_token="+good, nil),
		elsewhere("token in the query string (token)", "/bbb?token="+good, nil),
		elsewhere("token in a cookie (token)", "/bbb", &http.Cookie{Name: "token", Value: good}),
		elsewhere("token in a cookie (access_token)", "/bbb", &http.Cookie{Name: "access_token", Value: good}),
	}
	for _, bad := range badTokens(t) {
		tests = append(tests, forged(bad.name, bad.token))
	}
	srv := NewServer(testUsers(t), tokens)

	// Two preconditions, so that a stub fails once, not 40 times: the
	// simplest refusal, and a good token passing (a guard that refuses
	// everything would pass the whole table).
	res := send(srv, tests[0].request())
	label, because := whyNotRefused(tokens, tests[0], res.StatusCode)
	require.Equalf(t, http.StatusUnauthorized, res.StatusCode, "%s%s: status %d, want 401%s", label, tests[0], res.StatusCode, because)
	requirePasses(t, srv, tokens, "Bearer "+good, "; the refusals are tried once it passes")

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := send(srv, tt.request())
			label, because := whyNotRefused(tokens, tt, res.StatusCode)
			require.Equalf(t, http.StatusUnauthorized, res.StatusCode, "%s%s: status %d, want 401%s", label, tt, res.StatusCode, because)
			assert.Equalf(t, tt.wantChallenge, res.Header.Get("WWW-Authenticate"), "%s%s: the WWW-Authenticate challenge (RFC 6750 §3)%s", label, tt, because)
			raw := body(t, res)
			var got errorBody
			require.NoError(t, json.Unmarshal([]byte(raw), &got), todoGuard+"%s: want one JSON error body (writeError), got %q", tt, raw)
			assert.Equalf(t, errorBody{Message: tt.wantMessage, Error: "Unauthorized", StatusCode: 401}, got, "%s%s: the JSON error body%s", label, tt, because)
			assert.NotContains(t, raw, "bbb", todoGuard+"%s: a refusal never calls the next handler", tt)
		})
	}
}

// FuzzGuard sends any Authorization value through the server: the answer
// is 200 or 401, never a 5xx or a panic.
func FuzzGuard(f *testing.F) {
	for _, tt := range parseBearerTests {
		f.Add(tt.value)
	}
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	good, err := jwt.NewWithClaims(jwt.SigningMethodHS256, validClaims()).SignedString(testSecret)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("Bearer " + good)
	srv := NewServer(testUsers(f), tokens)
	if res := get(srv, "/bbb", "Bearer "+good); res.StatusCode != http.StatusOK {
		label, because := whyNotThrough(tokens, "Bearer "+good)
		f.Fatalf("%sGET /bbb with a valid token: status %d, want 200%s; the fuzzing starts once it passes", label, res.StatusCode, because)
	}
	f.Fuzz(func(t *testing.T, authorization string) {
		res := get(srv, "/bbb", authorization)
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusUnauthorized {
			t.Errorf(todoGuard+"Authorization %q: status %d, want 200 or 401", authorization, res.StatusCode)
		}
	})
}
