package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startRun runs the program as main would, on a free port, and returns the
// base URL it prints. The program stops when the test ends.
func startRun(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"server", "-addr", "127.0.0.1:0"}, args...),
			func(key string) string { return env[key] }, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done, "run must shut down cleanly when its context ends")
	})

	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	require.NoError(t, err, "run must print the address it listens on")
	go io.Copy(io.Discard, stdoutR) // never block the program's later output
	_, url, ok := strings.Cut(strings.TrimSpace(line), "listening on ")
	require.True(t, ok, "unexpected first line %q", line)
	return url
}

func TestRunServesLogin(t *testing.T) {
	url := startRun(t, map[string]string{"JWT_SECRET": string(testSecret)})

	res, err := http.Post(url+"/user/login", "application/json", strings.NewReader(`{"username":"guang","password":"123456"}`))
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, http.StatusCreated, res.StatusCode, "step 01 (login.go) and step 01 (users.go): the running server logs the demo user in")
}

func TestRunRefusesShortSecret(t *testing.T) {
	err := run(context.Background(), []string{"server", "-addr", "127.0.0.1:0"},
		func(string) string { return "too-short" }, io.Discard, io.Discard)
	require.Error(t, err, "the server must not start with a short secret")
	assert.Contains(t, err.Error(), "at least 32 bytes")
}

func TestRunRefusesBadFlag(t *testing.T) {
	err := run(context.Background(), []string{"server", "-no-such-flag"},
		func(string) string { return "" }, io.Discard, io.Discard)
	assert.Error(t, err)
}
