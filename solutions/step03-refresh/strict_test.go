package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 19: a parser differential. Go's encoding/json matches keys without
// regard to case (and Unicode folding: "ſ" is an "s") and keeps the last of
// two equal keys. A proxy or firewall in front of the server that reads the
// body another way (exact keys, the first duplicate) would check one login
// while the server performs another. decodeCredentials must call checkKeys
// (given, strict.go) and refuse such bodies before the password is checked.
func TestLoginStrictKeys(t *testing.T) {
	const todo = "step 01 (login.go)"
	tests := []struct {
		name, body, wantMessage string
	}{
		{"keys in capitals", `{"USERNAME":"guang","PassWord":"123456"}`, `"USERNAME": field names are case-sensitive`},
		{"one key in another case", `{"username":"guang","Password":"123456"}`, `"Password": field names are case-sensitive`},
		{"a long s (ſ) that Go folds to s", `{"uſername":"guang","password":"123456"}`, `"uſername": field names are case-sensitive`},
		{"username twice, the last one guang", `{"username":"nobody","username":"guang","password":"123456"}`, `"username" appears twice`},
		{"password twice, the last one right", `{"username":"guang","password":"654321","password":"123456"}`, `"password" appears twice`},
		{"an unknown key twice", `{"username":"guang","password":"123456","role":"user","role":"admin"}`, `"role" appears twice`},
		{"username twice, the same value", `{"username":"guang","password":"123456","username":"guang"}`, `"username" appears twice`},
	}
	srv := NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow)))
	requireBodyDecoded(t, srv)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := post(t, srv, "application/json", tt.body)

			require.Equal(t, http.StatusBadRequest, res.StatusCode, "%s: POST %q answered %d, want 400: keys must be spelled exactly and appear once (checkKeys, strict.go)", todo, tt.body, res.StatusCode)
			body := readErrorBody(t, res)
			assert.Contains(t, body.Message, tt.wantMessage, "%s: POST %q: the message says what is wrong", todo, tt.body)
			assert.Empty(t, res.Header.Get("token"), "an error never carries a token")
		})
	}
}
