package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUsersCheck(t *testing.T) {
	users := testUsers(t)
	tests := []struct {
		name     string
		username string
		password string
		want     bool
	}{
		{"demo user, right password", "guang", "123456", true},
		{"second user, right password", "ada", "lovelace-1815", true},
		{"wrong password", "guang", "1234567", false},
		{"another user's password", "guang", "lovelace-1815", false},
		{"unknown user", "nobody", "123456", false},
		{"empty password", "guang", "", false},
		{"password too long for bcrypt", "guang", "123456" + strings.Repeat("x", 80), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := users.Check(tt.username, tt.password)
			assert.Equal(t, tt.want, got, "step 01 (users.go): Check(%q, %q) compares the password with the user's bcrypt hash", tt.username, tt.password)
		})
	}
}

func TestDemoUsers(t *testing.T) {
	users := DemoUsers()
	assert.True(t, users.Check("guang", "123456"), "step 01 (users.go): the chapter's demo user guang / 123456 must log in")
	assert.False(t, users.Check("guang", "654321"), "a wrong password must be refused")
	assert.NotContains(t, demoHash, "123456", "only the hash is stored, never the password")
}
