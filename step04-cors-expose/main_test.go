package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startRun runs the program as main would, API and page on free ports, and
// returns the base URLs it prints. The program stops when the test ends.
func startRun(t *testing.T, env map[string]string, args ...string) (apiURL, pageURL string) {
	t.Helper()
	cheapDemoUsers(t)
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"server", "-addr", "127.0.0.1:0", "-web-addr", "127.0.0.1:0"}, args...),
			lookupEnvOf(env), stdoutW, io.Discard)
		stdoutW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done, startLabel+"run must shut down cleanly when its context ends")
	})

	lines := bufio.NewReader(stdoutR)
	urlAfter := func(prefix string) string {
		line, err := lines.ReadString('\n')
		if err != nil {
			runErr := <-done
			done <- runErr // for the cleanup
			require.FailNow(t, fmt.Sprintf(startLabel+"run %q stopped before it printed where it listens: %v", args, runErr))
		}
		_, rest, ok := strings.Cut(line, prefix)
		require.True(t, ok, startLabel+"unexpected line %q", line)
		return strings.Fields(rest)[0]
	}
	apiURL = urlAfter("API listening on ")
	pageURL = urlAfter("course page on ")
	go io.Copy(io.Discard, stdoutR) // never block the program's later output
	return apiURL, pageURL
}

// startLabel labels a failure to start a valid configuration.
const startLabel = "step 01 (main.go): "

// runRefusing runs the program with a configuration it must refuse, and
// returns run's error. See runCanceled.
func runRefusing(t *testing.T, label string, env map[string]string, args ...string) error {
	t.Helper()
	_, err := runCanceled(t, label, env, args...)
	return err
}

// runCanceled runs the program with a context canceled from the start, on
// free ports, and returns run's error and what it wrote to stderr. A
// configuration run accepts starts, stops at once and returns nil; one it
// must refuse fails at once, should the check be missing, instead of
// serving until the test binary times out.
func runCanceled(t *testing.T, label string, env map[string]string, args ...string) (stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errOut bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"server", "-addr", "127.0.0.1:0", "-web-addr", "127.0.0.1:0"}, args...),
			lookupEnvOf(env), io.Discard, &errOut)
	}()
	select {
	case err := <-done:
		return errOut.String(), err
	case <-time.After(10 * time.Second):
		t.Fatalf(label+"run %q still runs 10 s after its context was canceled: it must refuse this configuration before it serves", args)
		return "", nil
	}
}

// lookupEnvOf is os.LookupEnv for an environment that holds only env.
func lookupEnvOf(env map[string]string) func(string) (string, bool) {
	return func(key string) (string, bool) {
		value, ok := env[key]
		return value, ok
	}
}

// cheapDemoUsers makes run serve, until the test ends, the demo user
// guang / 123456 hashed at bcrypt's lowest cost: a cost-10 login can take
// 8–10 s under -race on a busy machine, past the server's 10 s
// WriteTimeout. TestDemoUsers checks the real demo store.
func cheapDemoUsers(t *testing.T) {
	t.Helper()
	users, saved := testUsers(t), demoUsers
	demoUsers = func() *Users { return users }
	t.Cleanup(func() { demoUsers = saved })
}

func TestRunServesLogin(t *testing.T) {
	apiURL, _ := startRun(t, map[string]string{"JWT_SECRET": string(testSecret)})

	res, err := http.Post(apiURL+"/user/login", "application/json", strings.NewReader(`{"username":"guang","password":"123456"}`))
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode, "step 01 (login.go) and step 01 (users.go): the running server logs guang / 123456 in")
	token, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	_, _, err = parseClaims(string(token), testSecret, time.Now())
	assert.NoError(t, err, "step 01 (token.go): the running server's login answered %.40q, which does not verify with JWT_SECRET: %v", token, err)
}

func TestRunServesThePage(t *testing.T) {
	apiURL, pageURL := startRun(t, map[string]string{"JWT_SECRET": string(testSecret)})
	require.NotEqual(t, apiURL, pageURL, "step 04 (main.go): the page is on a second origin")

	res, err := http.Get(pageURL + "/config.json")
	require.NoError(t, err)
	defer res.Body.Close()
	var config struct{ APIBase string }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&config))
	assert.Equal(t, apiURL, config.APIBase, "step 04 (web.go): the page is told where the API is")

	req, err := http.NewRequest(http.MethodOptions, apiURL+"/bbb", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", pageURL)
	req.Header.Set("Access-Control-Request-Method", "GET")
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, pageURL, res.Header.Get("Access-Control-Allow-Origin"), "step 04 (main.go): by default the page's own origin may call the API")

	// The chapter's React client, on Vite's dev server at its default port,
	// works against the API unchanged.
	for _, vite := range []string{"http://localhost:5173", "http://127.0.0.1:5173"} {
		req.Header.Set("Origin", vite)
		res, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, vite, res.Header.Get("Access-Control-Allow-Origin"), "step 04 (main.go): by default Vite's dev server at %s may call the API", vite)
	}
}

func TestRunPagePort(t *testing.T) {
	const label = "step 04 (main.go): "
	stderr, err := runCanceled(t, label, nil, "-h")
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, stderr, `(default "localhost:4800")`, label+"-web-addr: want the page on port 4800 by default, not Vite's 5173 (the chapter's client runs there): %q", stderr)
}

func TestRunRefusesShortSecret(t *testing.T) {
	const label = "step 01 (config.go): "
	err := runRefusing(t, label, map[string]string{"JWT_SECRET": "too-short"})
	require.Error(t, err, label+"run with a 9-byte JWT_SECRET returned nil; want a refusal: an HS256 key is at least 32 bytes (RFC 7518 §3.2)")
	assert.Contains(t, err.Error(), "at least 32 bytes", label+"the refusal says how long the secret must be")
}

func TestRunRefusesAnEmptySecret(t *testing.T) {
	const label = "step 01 (config.go): "
	err := runRefusing(t, label, map[string]string{"JWT_SECRET": ""})
	require.Error(t, err, label+"run with JWT_SECRET set but empty returned nil; want a refusal: an empty value is a deployment slip, not a request for the development secret")
	assert.Contains(t, err.Error(), "set but empty", label+"the refusal says what is wrong")
	assert.Contains(t, err.Error(), "openssl rand -base64 32", label+"the refusal says how to make a secret")
}

func TestRunDevelopmentSecretOnlyOnLoopback(t *testing.T) {
	const label = "step 01 (config.go): "
	stderr, err := runCanceled(t, label, nil, "-addr", "127.0.0.1:0")
	require.NoError(t, err, label+"run with JWT_SECRET unset on 127.0.0.1: refused; want the development secret")
	assert.Contains(t, stderr, "WARNING: JWT_SECRET is not set", label+"run with JWT_SECRET unset on 127.0.0.1: stderr %q; want a warning", stderr)

	for _, addr := range []string{"0.0.0.0:0", ":0"} {
		err := runRefusing(t, label, nil, "-addr", addr)
		require.Error(t, err, label+"run with JWT_SECRET unset on -addr %s returned nil; want a refusal: anyone who can reach it could forge tokens", addr)
		assert.Contains(t, err.Error(), "not a loopback address", label+"-addr %s: the refusal says why", addr)
	}
}

func TestRunRefusesAGuessableSecret(t *testing.T) {
	const label = "step 01 (config.go): "
	for _, secret := range []string{devSecret, strings.Repeat("a", 32), strings.Repeat(" ", 32)} {
		env := map[string]string{"JWT_SECRET": secret}
		err := runRefusing(t, label, env)
		require.Error(t, err, label+"run with JWT_SECRET=%.40q returned nil; want a refusal: anyone could guess it", secret)
		assert.Contains(t, err.Error(), "-dev", label+"JWT_SECRET=%.40q: the refusal names the way out for development", secret)

		stderr, err := runCanceled(t, label, env, "-dev")
		require.NoError(t, err, label+"run -dev with JWT_SECRET=%.40q: refused; want it accepted in development mode", secret)
		assert.Contains(t, stderr, "WARNING", label+"run -dev with JWT_SECRET=%.40q: stderr %q; want a warning", secret, stderr)
	}
}

func TestRunAcceptsAGoodSecretSilently(t *testing.T) {
	const label = "step 01 (config.go): "
	stderr, err := runCanceled(t, label, map[string]string{"JWT_SECRET": string(testSecret)})
	require.NoError(t, err, label+"run with a good 32-byte JWT_SECRET: refused; want it accepted")
	assert.Empty(t, stderr, label+"run with a good JWT_SECRET: want nothing on stderr")
}

func TestRunRefusesBadFlag(t *testing.T) {
	const label = "step 01 (main.go): "
	err := runRefusing(t, label, nil, "-no-such-flag")
	assert.Error(t, err, label+"run with -no-such-flag returned nil; want the unknown flag refused")
}

func TestRunHelp(t *testing.T) {
	const label = "step 01 (main.go): "
	stderr, err := runCanceled(t, label, nil, "-h")
	assert.Contains(t, stderr, "-addr", label+"run -h: stderr %q; want the usage, which lists the flags", stderr)
	var out bytes.Buffer
	assert.Equal(t, 0, exitCode(err, &out), label+"run -h returned %v; want exit status 0: help was asked for, nothing failed", err)
	assert.Empty(t, out.String(), label+"run -h: want no error line after the usage")

	out.Reset()
	assert.Equal(t, 1, exitCode(fmt.Errorf("-ttl is 0s"), &out), label+"a real error exits with status 1")
	assert.Equal(t, "error: -ttl is 0s\n", out.String(), label+"a real error is printed")
}

func TestRunRefusesAStarOrigin(t *testing.T) {
	const label = "step 04 (origins.go): "
	err := runRefusing(t, label, nil, "-allow-origin", "*")
	require.Error(t, err, label+`run with -allow-origin "*" returned nil; want a refusal: "*" is not an origin, name the page's origin`)
	assert.Contains(t, err.Error(), "-allow-origin", label+"the refusal names the flag")
}
