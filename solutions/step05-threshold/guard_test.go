package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const todoGuard = "step 02 (guard.go): "

// get sends GET path through h with the given Authorization headers.
func get(h http.Handler, path string, authorization ...string) *http.Response {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, a := range authorization {
		req.Header.Add("Authorization", a)
	}
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

func TestPublicRoute(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))
	res := get(srv, "/aaa")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "aaa", body(t, res))
}

func TestGuardLetsAGoodTokenThrough(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	srv := NewServer(testUsers(t), tokens)
	token, err := tokens.Sign("guang")
	require.NoError(t, err)

	for _, header := range []string{"Bearer " + token, "bearer " + token} {
		res := get(srv, "/bbb", header)
		assert.Equal(t, http.StatusOK, res.StatusCode, "step 02 (bearer.go), TODO 2 (token.go), "+todoGuard+"a valid token passes the guard")
		assert.Equal(t, "bbb", body(t, res), todoGuard+"call next")
	}
}

func TestGuardPutsClaimsInContext(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	token, err := tokens.Sign("ada")
	require.NoError(t, err)
	var got *Claims
	var ok bool
	h := guard(tokens)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok = claimsFrom(r.Context())
	}))

	get(h, "/", "Bearer "+token)

	require.True(t, ok, todoGuard+"put the verified claims in the request's context: next.ServeHTTP(w, r.WithContext(withClaims(r.Context(), claims)))")
	require.NotNil(t, got)
	assert.Equal(t, "ada", got.Username, todoGuard+"the claims of this request's token")
}

func TestGuardRefuses(t *testing.T) {
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	good, err := tokens.Sign("guang")
	require.NoError(t, err)

	type refusal struct {
		name          string
		authorization []string
		wantMessage   string
		wantChallenge string
	}
	notLoggedIn := func(name string, authorization ...string) refusal {
		return refusal{name, authorization, msgNotLoggedIn, `Bearer`}
	}
	invalid := func(name string, authorization ...string) refusal {
		return refusal{name, authorization, msgInvalidToken, `Bearer error="invalid_token"`}
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
	}
	for _, bad := range badTokens(t) {
		tests = append(tests, invalid(bad.name, "Bearer "+bad.token))
	}
	srv := NewServer(testUsers(t), tokens)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := get(srv, "/bbb", tt.authorization...)

			assert.Equal(t, http.StatusUnauthorized, res.StatusCode, todoGuard+"refuse with 401")
			assert.Equal(t, tt.wantChallenge, res.Header.Get("WWW-Authenticate"), todoGuard+"the WWW-Authenticate challenge (RFC 6750 §3)")
			raw := body(t, res)
			var got errorBody
			require.NoError(t, json.Unmarshal([]byte(raw), &got), todoGuard+"a JSON error body (writeError), got %q", raw)
			assert.Equal(t, errorBody{Message: tt.wantMessage, Error: "Unauthorized", StatusCode: 401}, got, todoGuard+"the JSON error body")
			assert.NotContains(t, raw, "bbb", todoGuard+"never call next on a refusal")
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
	f.Fuzz(func(t *testing.T, authorization string) {
		res := get(srv, "/bbb", authorization)
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusUnauthorized {
			t.Errorf(todoGuard+"Authorization %q: status %d, want 200 or 401", authorization, res.StatusCode)
		}
	})
}
