package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 18: the rule is "at most 64 bytes of username, at most 72 bytes of
// password" (bcrypt reads 72 bytes). A field exactly at its limit is read
// and goes on to the password check; one byte more is refused. Bytes are
// counted, not characters: a Chinese character is 3 bytes in UTF-8.
func TestLoginFieldLimits(t *testing.T) {
	const (
		todoDecode = "step 01 (login.go)"
		todoCheck  = "step 01 (login.go) then step 01 (users.go)"
	)
	tests := []struct {
		name        string
		username    string
		password    string
		wantMessage string // the limit's message, or "" for a field the limit lets through
	}{
		{name: "username of exactly 64 bytes", username: strings.Repeat("g", 64), password: "123456"},
		{name: "username of 64 bytes in 22 characters", username: strings.Repeat("中", 21) + "g", password: "123456"},
		{name: "username of 65 bytes", username: strings.Repeat("g", 65), password: "123456", wantMessage: "username must be at most 64 bytes"},
		{name: "username of 22 Chinese characters (66 bytes)", username: strings.Repeat("中", 22), password: "123456", wantMessage: "username must be at most 64 bytes"},
		{name: "password of exactly 72 bytes", username: "guang", password: strings.Repeat("1", 72)},
		{name: "password of 24 Chinese characters (72 bytes)", username: "guang", password: strings.Repeat("中", 24)},
		{name: "password of 73 bytes", username: "guang", password: strings.Repeat("1", 73), wantMessage: "password must be at most 72 bytes"},
		{name: "password of 30 Chinese characters (90 bytes)", username: "guang", password: strings.Repeat("中", 30), wantMessage: "password must be at most 72 bytes"},
	}
	requireBodyDecoded(t, NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow))))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow))) // a new server: no failed login counted yet
			body := `{"username":"` + tt.username + `","password":"` + tt.password + `"}`

			res := post(t, srv, "application/json", body)

			wantMessage, todo := tt.wantMessage, todoDecode
			if wantMessage == "" { // read, then refused as a wrong password
				wantMessage, todo = msgBadCredentials, todoCheck
			}
			require.Equal(t, 400, res.StatusCode, "%s: POST %.40q (a %d-byte username, a %d-byte password) answered %d, want 400", todo, body, len(tt.username), len(tt.password), res.StatusCode)
			assert.Contains(t, readErrorBody(t, res).Message, wantMessage,
				"%s: a %d-byte username (%d characters) and a %d-byte password (%d characters): at most 64 bytes of username and 72 bytes of password are read, bytes not characters",
				todo, len(tt.username), len([]rune(tt.username)), len(tt.password), len([]rune(tt.password)))
		})
	}
}
