package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// post sends a login request through the whole server and returns the
// response as a client would receive it.
func post(t testing.TB, h http.Handler, contentType, body string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/user/login", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// readErrorBody decodes a JSON error response.
func readErrorBody(t *testing.T, res *http.Response) errorBody {
	t.Helper()
	var body errorBody
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Equal(t, "application/json; charset=utf-8", res.Header.Get("Content-Type"), "an error body is JSON: %s", raw)
	assert.NoError(t, json.Unmarshal(raw, &body), "the error body must be JSON, got %q", raw)
	return body
}

// requireBodyDecoded fails once, rather than once per case, while the
// body's decoding is still the stub that answers 501 to every request.
func requireBodyDecoded(t testing.TB, srv http.Handler) {
	t.Helper()
	res := post(t, srv, "application/json", `{}`)
	require.NotEqual(t, http.StatusNotImplemented, res.StatusCode,
		"step 01 (login.go): POST /user/login {} answered 501 Not Implemented: the body's decoding is still the stub")
}

// atLimit is a good login body; padded with spaces, the tests make it
// exactly as long as the limit, or one byte longer.
const atLimit = `{"username":"guang","password":"123456"}`

// msgTooLarge is the part of a 413's message that the README's table gives.
var msgTooLarge = fmt.Sprintf("at most %d bytes", maxBodyBytes)

func TestLoginSuccess(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))

	res := post(t, srv, "application/json", `{"username": "guang", "password": "123456"}`)

	require.Equal(t, http.StatusCreated, res.StatusCode,
		"step 01 (login.go) decodes the body, step 01 (users.go) accepts the password: a good login answers 201 Created")
	assert.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	_, claims, err := parseClaims(string(raw), testSecret, fakeNow)
	require.NoError(t, err, "step 01 (token.go): the body must be the bare JWT, signed with the secret; got %.40q", raw)
	assert.Equal(t, "guang", claims.Username, "step 01 (token.go): the username claim")
	assert.Equal(t, fakeNow.Add(7*24*time.Hour), claims.ExpiresAt.UTC(), "step 01 (token.go): exp is 7 days after the login")
}

func TestLoginDemoUser(t *testing.T) {
	srv := NewServer(DemoUsers(), NewTokens(testSecret, fixedClock(fakeNow)))
	res := post(t, srv, "application/json", `{"username":"guang","password":"123456"}`)
	assert.Equal(t, http.StatusCreated, res.StatusCode, "step 01 (login.go) and step 01 (users.go): the chapter's demo user logs in")
}

func TestLoginErrors(t *testing.T) {
	const (
		todoDecode = "step 01 (login.go)"
		todoCheck  = "step 01 (login.go) then step 01 (users.go)"
	)
	padding := strings.Repeat(" ", maxBodyBytes-len(atLimit))

	tests := []struct {
		name        string
		contentType string
		body        string
		wantStatus  int
		wantMessage string // a part of the message, where the README's table gives it
		todo        string
	}{
		{"wrong password", "application/json", `{"username":"guang","password":"654321"}`, 400, "username or password is incorrect", todoCheck},
		{"unknown user", "application/json", `{"username":"nobody","password":"123456"}`, 400, "username or password is incorrect", todoCheck},
		{"empty body", "application/json", ``, 400, "the body is empty", todoDecode},
		{"empty object", "application/json", `{}`, 400, "username is required", todoDecode},
		{"missing password", "application/json", `{"username":"guang"}`, 400, "password is required", todoDecode},
		{"null", "application/json", `null`, 400, "", todoDecode}, // "username is required" and "must be a JSON object" are both right
		{"malformed JSON", "application/json", `{"username": "guang",`, 400, "not valid JSON", todoDecode},
		{"syntax error", "application/json", `{"username" "guang"}`, 400, "not valid JSON", todoDecode},
		{"number for a string", "application/json", `{"username":"guang","password":123456}`, 400, "password must be a JSON string, not number", todoDecode},
		{"array, not object", "application/json", `["guang","123456"]`, 400, "must be a JSON object", todoDecode},
		{"unknown field", "application/json", `{"username":"guang","password":"123456","role":"admin"}`, 400, `unknown field "role"`, todoDecode},
		{"two objects", "application/json", atLimit + atLimit, 400, "one JSON object", todoDecode},
		{"username too long", "application/json", `{"username":"` + strings.Repeat("g", 65) + `","password":"123456"}`, 400, "username must be at most 64 bytes", todoDecode},
		{"password too long", "application/json", `{"username":"guang","password":"` + strings.Repeat("1", 73) + `"}`, 400, "password must be at most 72 bytes", todoDecode},
		{"text/plain body", "text/plain", atLimit, 415, "send the body as JSON", todoDecode},
		{"no content type", "", atLimit, 415, "send the body as JSON", todoDecode},
		{"JSON-like content type", "application/jsonp", atLimit, 415, "send the body as JSON", todoDecode},
		{"limit + 1 byte", "application/json", atLimit + padding + " ", 413, msgTooLarge, todoDecode},
		{"limit + 1 byte, one long string", "application/json", `{"username":"` + strings.Repeat("g", maxBodyBytes), 413, msgTooLarge, todoDecode},
	}
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))
	requireBodyDecoded(t, srv)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := post(t, srv, tt.contentType, tt.body)

			require.Equal(t, tt.wantStatus, res.StatusCode, "%s: POST %.40q (Content-Type %q) answered %d, want %d", tt.todo, tt.body, tt.contentType, res.StatusCode, tt.wantStatus)
			body := readErrorBody(t, res)
			assert.Equal(t, tt.wantStatus, body.StatusCode, "%s: statusCode in the JSON body", tt.todo)
			assert.Equal(t, wantErrorName(tt.wantStatus), body.Error, "%s: error in the JSON body", tt.todo)
			assert.Contains(t, body.Message, tt.wantMessage, "%s: POST %.40q: the message says what is wrong", tt.todo, tt.body)
			assert.Empty(t, res.Header.Get("token"), "an error never carries a token")
		})
	}
}

func wantErrorName(status int) string {
	switch status {
	case 400:
		return "Bad Request"
	case 413:
		return "Payload Too Large"
	case 415:
		return "Unsupported Media Type"
	}
	return http.StatusText(status)
}

// A body's Content-Length is what the client claims; a chunked body
// (Transfer-Encoding: chunked) has none at all. Only the bytes read count.
func TestLoginBodyChunkedOverLimit(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))
	body := atLimit + strings.Repeat(" ", maxBodyBytes-len(atLimit)+1)
	req := httptest.NewRequest(http.MethodPost, "/user/login", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = -1 // unknown, as for a chunked body
	req.TransferEncoding = []string{"chunked"}
	rec := httptest.NewRecorder()

	srv.ServeHTTP(rec, req)

	require.Equal(t, http.StatusRequestEntityTooLarge, rec.Code,
		"step 01 (login.go): a chunked body (no Content-Length) of %d bytes answered %d, want 413: the limit must hold for the bytes read", maxBodyBytes+1, rec.Code)
	assert.Contains(t, readErrorBody(t, rec.Result()).Message, msgTooLarge, "step 01 (login.go): the message says what is wrong")
}

// Data after the JSON object: a decoder that stops after one value, or
// asks only whether another value follows inside an array, lets it pass.
func TestLoginBodyTrailingData(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))
	requireBodyDecoded(t, srv)
	tests := []struct{ name, after string }{
		{"a stray ]", `]`},
		{"a stray }", `}`},
		{"a second object", `{}`},
		{"a string", ` "x"`},
		{"a number", ` 1`},
		{"a comma", `,`},
		{"an unfinished object", "\n{"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := atLimit + tt.after
			res := post(t, srv, "application/json", body)

			require.Equal(t, http.StatusBadRequest, res.StatusCode, "step 01 (login.go): POST %q answered %d, want 400: the body must be one JSON object and nothing after it", body, res.StatusCode)
			msg := readErrorBody(t, res).Message
			assert.NotContains(t, msg, msgBadCredentials, "step 01 (login.go): POST %q: the data after the object must be refused before the password is checked", body)
		})
	}
}

func TestLoginBodyAtLimit(t *testing.T) {
	// A wrong password, so that the answer shows how far the request got:
	// past the body's decoding, to the password check.
	wrong := strings.Replace(atLimit, "123456", "654321", 1)
	body := wrong + strings.Repeat(" ", maxBodyBytes-len(wrong))
	require.Len(t, body, maxBodyBytes)
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))

	res := post(t, srv, "application/json; charset=utf-8", body)

	require.Equal(t, http.StatusBadRequest, res.StatusCode, "step 01 (login.go): a body of exactly maxBodyBytes (%d bytes; Content-Type with charset) answered %d, want it read and the password refused (400)", maxBodyBytes, res.StatusCode)
	assert.Contains(t, readErrorBody(t, res).Message, msgBadCredentials, "step 01 (login.go): a body of exactly maxBodyBytes must be read to the end, and the password checked")
}

func TestLoginWrongMethod(t *testing.T) {
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		t.Run(method, func(t *testing.T) {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(method, "/user/login", nil))
			res := rec.Result()
			assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
			assert.Equal(t, "POST", res.Header.Get("Allow"))
		})
	}
}

// FuzzLogin checks that no body makes the login handler fail with a 500
// or panic. Its seeds run as an ordinary test; fuzz with
// go test -fuzz FuzzLogin.
func FuzzLogin(f *testing.F) {
	for _, seed := range []string{``, `{}`, `{"username":"guang","password":"123456"}`, `{"username":1}`, `[`, `"x"`, `{"a":{"b":[1,2,{}]}}`} {
		f.Add(seed)
	}
	srv := NewServer(testUsers(f), NewTokens(testSecret, fixedClock(fakeNow)))
	requireBodyDecoded(f, srv)
	f.Fuzz(func(t *testing.T, body string) {
		res := post(t, srv, "application/json", body)
		if res.StatusCode >= 500 {
			t.Errorf("step 01 (login.go): body %.40q: status %d, want a 2xx or 4xx: bad input is the client's error", body, res.StatusCode)
		}
	})
}
