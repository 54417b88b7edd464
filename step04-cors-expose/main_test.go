package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startRun runs the program as main would, API and page on free ports, and
// returns the base URLs it prints. The program stops when the test ends.
func startRun(t *testing.T, env map[string]string, args ...string) (apiURL, pageURL string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"server", "-addr", "127.0.0.1:0", "-web-addr", "127.0.0.1:0"}, args...),
			func(key string) string { return env[key] }, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done, "run must shut down cleanly when its context ends")
	})

	lines := bufio.NewReader(stdoutR)
	urlAfter := func(prefix string) string {
		line, err := lines.ReadString('\n')
		require.NoError(t, err, "run must print where it listens")
		_, rest, ok := strings.Cut(line, prefix)
		require.True(t, ok, "unexpected line %q", line)
		return strings.Fields(rest)[0]
	}
	apiURL = urlAfter("API listening on ")
	pageURL = urlAfter("course page on ")
	go io.Copy(io.Discard, stdoutR) // never block the program's later output
	return apiURL, pageURL
}

func TestRunServesLogin(t *testing.T) {
	apiURL, _ := startRun(t, map[string]string{"JWT_SECRET": string(testSecret)})

	res, err := http.Post(apiURL+"/user/login", "application/json", strings.NewReader(`{"username":"guang","password":"123456"}`))
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, http.StatusCreated, res.StatusCode, "the running server logs the demo user in")
}

func TestRunServesThePage(t *testing.T) {
	apiURL, pageURL := startRun(t, map[string]string{"JWT_SECRET": string(testSecret)})
	require.NotEqual(t, apiURL, pageURL, "the page is on a second origin")

	res, err := http.Get(pageURL + "/config.json")
	require.NoError(t, err)
	defer res.Body.Close()
	var config struct{ APIBase string }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&config))
	assert.Equal(t, apiURL, config.APIBase, "the page is told where the API is")

	req, err := http.NewRequest(http.MethodOptions, apiURL+"/bbb", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", pageURL)
	req.Header.Set("Access-Control-Request-Method", "GET")
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, pageURL, res.Header.Get("Access-Control-Allow-Origin"), "by default the page's own origin may call the API")
}

func TestRunRefusesShortSecret(t *testing.T) {
	err := run(context.Background(), []string{"server", "-addr", "127.0.0.1:0", "-web-addr", "127.0.0.1:0"},
		func(string) string { return "too-short" }, io.Discard, io.Discard)
	require.Error(t, err, "the server must not start with a short secret")
	assert.Contains(t, err.Error(), "at least 32 bytes")
}

func TestRunRefusesBadFlag(t *testing.T) {
	err := run(context.Background(), []string{"server", "-no-such-flag"},
		func(string) string { return "" }, io.Discard, io.Discard)
	assert.Error(t, err)
}

func TestRunRefusesAStarOrigin(t *testing.T) {
	err := run(context.Background(), []string{"server", "-allow-origin", "*"},
		func(string) string { return "" }, io.Discard, io.Discard)
	require.Error(t, err, `"*" is not an origin: name the page's origin`)
	assert.Contains(t, err.Error(), "not an origin")
}
