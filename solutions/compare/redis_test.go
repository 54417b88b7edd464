package compare

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startRedis starts a redis-server of its own (a free port, a temporary
// directory, no persistence) for the test, or skips it when none is
// installed (and fails it where CI is set: CI must run it).
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "this test runs a real redis-server, and none was found: sudo apt-get install redis-server"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set: the test must run)")
		}
		t.Skip(msg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--dir", t.TempDir(), "--save", "", "--appendonly", "no")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// It says when it is ready; then its output is drained, so that it
	// never blocks on a full pipe.
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if strings.Contains(lines.Text(), "Ready to accept connections") {
			go io.Copy(io.Discard, out)
			return "redis://" + addr + "/0"
		}
	}
	t.Fatalf("redis-server on %s stopped before it was ready", addr)
	return ""
}

// sharedServer is one instance of the double-token server, with its own
// connection to the shared Redis.
func sharedServer(t *testing.T, url string) *DoubleServer {
	t.Helper()
	store, err := NewRedisFamilies(url, time.Now)
	require.NoError(t, err)
	t.Cleanup(store.Close)
	return NewDoubleServerShared(testSecret, func() time.Time { return time.Now().Truncate(time.Second) }, store)
}

// TestRedisRotationIsAtomic: two instances get the same refresh token at
// the same moment, 100 times. Each time exactly one rotates it; the other
// sees a spent token, a reuse, and the family is revoked (RFC 9700
// §4.14.2): never two valid successors. Run it with -race.
func TestRedisRotationIsAtomic(t *testing.T) {
	url := startRedis(t)
	a, b := sharedServer(t, url), sharedServer(t, url)
	for round := range 100 {
		p := loginPair(t, a)
		var (
			wg       sync.WaitGroup
			statuses [2]int
			pairs    [2]pair
		)
		for i, srv := range []*DoubleServer{a, b} {
			wg.Go(func() {
				res, next := refreshPair(srv, p.RefreshToken)
				statuses[i], pairs[i] = res.StatusCode, next
			})
		}
		wg.Wait()
		ok := 0
		for i := range statuses {
			if statuses[i] == http.StatusOK {
				ok++
			} else {
				require.Equal(t, http.StatusUnauthorized, statuses[i], "round %d: the loser is refused", round)
			}
		}
		require.Equal(t, 1, ok, "round %d: statuses %v: exactly one rotation wins", round, statuses)
		for i := range pairs {
			if statuses[i] == http.StatusOK { // the family was revoked by the reuse: its successor is dead too
				res, _ := refreshPair(a, pairs[i].RefreshToken)
				require.Equal(t, http.StatusUnauthorized, res.StatusCode, "round %d: the winner's successor after the reuse", round)
			}
		}
	}
	assert.EqualValues(t, 100, a.ReusesDetected()+b.ReusesDetected(), "one reuse detected per round")
}

// TestRedisFamilies: a login on A refreshes on B; a logout everywhere on B
// drops the families, and A refuses their refresh tokens.
func TestRedisFamilies(t *testing.T) {
	url := startRedis(t)
	a, b := sharedServer(t, url), sharedServer(t, url)
	p := loginPair(t, a)
	res, next := refreshPair(b, p.RefreshToken)
	require.Equal(t, http.StatusOK, res.StatusCode, "a login on A refreshes on B")
	res, _ = refreshPair(a, p.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the spent token on A: a reuse")
	q := loginPair(t, a)
	b.LogoutAll(demoUser)
	res, _ = refreshPair(a, q.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "after a logout everywhere on B, A refuses the family's refresh token")
	res, _ = refreshPair(a, next.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "and every family of the user")
	fresh := loginPair(t, b)
	res, _ = refreshPair(a, fresh.RefreshToken)
	assert.Equal(t, http.StatusOK, res.StatusCode, "a login after the logout everywhere lives on")
}
