package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 21: the store in Redis, shared by several instances, against a
// real redis-server that each test starts (a free port, a temporary
// directory, no persistence) and kills, stops and restarts. (Given code:
// sessions_redis.go; the learner's TODOs 4 and 5 serve the routes.)
const labelRedis = "step 05 (sessions_redis.go): "

// redisServer is a redis-server started by a test.
type redisServer struct {
	t    testing.TB
	bin  string
	port int
	dir  string
	cmd  *exec.Cmd
}

// startRedis starts redis-server, or skips the test when it is not
// installed (and fails it where CI is set: CI must run it).
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "this test runs a real redis-server, and none was found: sudo apt-get install redis-server"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set: the test of the shared store must run)")
		}
		t.Skip(msg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	r := &redisServer{t: t, bin: bin, port: port, dir: t.TempDir()}
	r.start()
	t.Cleanup(func() {
		if r.cmd != nil {
			r.cmd.Process.Signal(syscall.SIGCONT)
			r.cmd.Process.Kill()
			r.cmd.Wait()
		}
	})
	return r
}

// start runs redis-server on r.port, empty, and waits until it says it is
// ready; then its output is drained, so that it never blocks on a full
// pipe.
func (r *redisServer) start() {
	r.t.Helper()
	r.cmd = exec.Command(r.bin, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--dir", r.dir, "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction")
	out, err := r.cmd.StdoutPipe()
	require.NoError(r.t, err)
	require.NoError(r.t, r.cmd.Start())
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if strings.Contains(lines.Text(), "Ready to accept connections") {
			go io.Copy(io.Discard, out)
			return
		}
	}
	r.t.Fatalf("redis-server on %s stopped before it was ready", r.addr())
}

func (r *redisServer) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port)) }
func (r *redisServer) url() string  { return "redis://" + r.addr() + "/0" }

// kill ends redis-server at once (SIGKILL): everything it held is lost.
func (r *redisServer) kill() {
	r.t.Helper()
	require.NoError(r.t, r.cmd.Process.Kill())
	r.cmd.Wait()
	r.cmd = nil
}

// stop and cont hang and resume redis-server (SIGSTOP, SIGCONT): its
// connections stay open, and nothing answers.
func (r *redisServer) stop() { require.NoError(r.t, r.cmd.Process.Signal(syscall.SIGSTOP)) }
func (r *redisServer) cont() { require.NoError(r.t, r.cmd.Process.Signal(syscall.SIGCONT)) }

// pause paces a loop that waits for an answer pushed by another process
// (an invalidation, a reconnection): a dial that fails at once yields the
// processor without sleeping a fixed time.
func pause() {
	conn, err := net.DialTimeout("tcp", "127.0.0.1:1", 10*time.Millisecond)
	if err == nil {
		conn.Close()
	}
}

// newStore connects a store to r's Redis; it is closed when the test
// ends.
func newStore(t testing.TB, r *redisServer, clock func() time.Time) *redisSessions {
	t.Helper()
	store, err := newRedisSessions(r.url(), clock)
	require.NoError(t, err, labelRedis+"connect to %s", r.url())
	t.Cleanup(store.Close)
	return store
}

// instance is one API server with its own connection to the shared Redis.
type instance struct {
	tokens *Tokens
	srv    http.Handler
}

func newInstance(t testing.TB, r *redisServer, clock func() time.Time) *instance {
	t.Helper()
	tokens := NewTokens(testSecret, clock)
	tokens.sessions = newStore(t, r, clock)
	return &instance{tokens: tokens, srv: NewServer(testUsers(t), tokens)}
}

// afterTODOs4and5 skips a test of the shared store until the learner's
// logout works in memory: those tests are about Redis, not TODOs 4 and 5.
func afterTODOs4and5(t *testing.T) {
	t.Helper()
	afterTODOs1to3(t)
	tokens := NewTokens(testSecret, fixedClock(fakeNow))
	srv := NewServer(testUsers(t), tokens)
	token, _ := signAt(t, "guang", fakeNow)
	if postAuth(srv, "/user/logout", "Bearer "+token).StatusCode != http.StatusNoContent ||
		!isEndedRefusal(get(srv, "/bbb", "Bearer "+token)) {
		t.Skip("the shared store is checked once TODOs 4 and 5 pass: go test -run 'TestGuard|TestLogout' ./...")
	}
}

// isEndedRefusal reports whether res is the guard's refusal of an ended
// session and nothing more: a handler that ran behind the refusal (its
// body after the JSON error) is TODO 4's to report, not the page's or the
// store's.
func isEndedRefusal(res *http.Response) bool {
	raw, err := io.ReadAll(res.Body)
	var e errorBody
	return err == nil && res.StatusCode == http.StatusUnauthorized &&
		json.Unmarshal(raw, &e) == nil && e.Message == msgSessionEnded
}

// eventually retries check until it returns true, for at most within: an
// answer that Redis pushes to the other instance (an invalidation) takes
// some microseconds to arrive.
func eventually(t *testing.T, within time.Duration, check func() bool) (time.Duration, bool) {
	t.Helper()
	start := time.Now()
	for {
		if check() {
			return time.Since(start), true
		}
		if time.Since(start) > within {
			return time.Since(start), false
		}
		pause()
	}
}

// realNow is the tests' clock for Redis: whole seconds, near the real time
// (Redis expires keys by its own clock).
func realNow() *testClock { return newTestClock(time.Now().Truncate(time.Second)) }

// TestRedisTwoInstances: log in on A, use the token on B, log out on B,
// and A refuses it; the same for a logout everywhere, after which a login
// works on both. "The blacklist in one service is not seen by the others"
// (jwt-auth #901).
func TestRedisTwoInstances(t *testing.T) {
	t.Parallel() // each runs its own redis-server
	afterTODOs4and5(t)
	r := startRedis(t)
	clock := realNow()
	a, b := newInstance(t, r, clock.Now), newInstance(t, r, clock.Now)
	clock.Advance(time.Second) // logins after the store's epoch

	token := login(t, a.srv)
	other := login(t, a.srv)
	require.Equal(t, http.StatusOK, get(b.srv, "/bbb", "Bearer "+token).StatusCode, labelRedis+"a token of A's login, on B")
	require.Equal(t, http.StatusOK, get(a.srv, "/bbb", "Bearer "+token).StatusCode, labelRedis+"the token on A (now in A's caches)")

	res := postAuth(b.srv, "/user/logout", "Bearer "+token)
	require.Equal(t, http.StatusNoContent, res.StatusCode, labelRedis+"POST /user/logout on B")
	// Typically well under a millisecond (BENCHMARKS.md: p99 of 1,000
	// trials); a loaded test machine gets two seconds.
	took, ok := eventually(t, 2*time.Second, func() bool {
		return get(a.srv, "/bbb", "Bearer "+token).StatusCode == http.StatusUnauthorized
	})
	assert.True(t, ok, labelRedis+"after a logout on B, A still accepts the token two seconds later")
	t.Logf("A refused the token %v after the logout on B", took.Round(time.Microsecond))
	assert.Equal(t, http.StatusOK, get(a.srv, "/bbb", "Bearer "+other).StatusCode, labelRedis+"another session of the user, on A")

	clock.Advance(time.Second)
	res = postAuth(a.srv, "/user/logout-all", "Bearer "+other)
	require.Equal(t, http.StatusNoContent, res.StatusCode, labelRedis+"POST /user/logout-all on A")
	_, ok = eventually(t, 2*time.Second, func() bool {
		return get(b.srv, "/bbb", "Bearer "+other).StatusCode == http.StatusUnauthorized
	})
	assert.True(t, ok, labelRedis+"after a logout everywhere on A, B still accepts the token two seconds later")
	fresh := login(t, b.srv)
	assert.Equal(t, http.StatusOK, get(a.srv, "/bbb", "Bearer "+fresh).StatusCode, labelRedis+"a login right after the logout everywhere, on the other instance")
}

// TestRedisKilled: Redis killed (SIGKILL) mid-run. Nothing is accepted
// that could not be checked (503), no logout is lost silently (503), and
// when Redis comes back empty, a session ended before is not alive again:
// the store finds its epoch gone and ends every older session.
func TestRedisKilled(t *testing.T) {
	t.Parallel() // each runs its own redis-server
	afterTODOs4and5(t)
	if testing.Short() {
		t.Skip("-short: this test kills and restarts redis-server; it runs without -short (as CI does)")
	}
	r := startRedis(t)
	clock := realNow()
	a := newInstance(t, r, clock.Now)
	clock.Advance(time.Second)
	ended, live := login(t, a.srv), login(t, a.srv)
	require.Equal(t, http.StatusNoContent, postAuth(a.srv, "/user/logout", "Bearer "+ended).StatusCode, labelRedis+"POST /user/logout")
	require.Equal(t, http.StatusOK, get(a.srv, "/bbb", "Bearer "+live).StatusCode, labelRedis+"a live session")

	r.kill()
	// The client drops its cache as its connections close; a check then
	// waits for a connection until its deadline (redisCallTimeout).
	var res *http.Response
	took, ok := eventually(t, 2*time.Second, func() bool {
		res = get(a.srv, "/bbb", "Bearer "+live)
		return res.StatusCode == http.StatusServiceUnavailable
	})
	require.True(t, ok, labelRedis+"GET /bbb two seconds after Redis was killed: status %d, want 503", res.StatusCode)
	t.Logf("GET /bbb answered 503 %v after Redis was killed", took.Round(time.Millisecond))
	assert.Equal(t, msgSessionsUnavailable, readErrorBody(t, res).Message, labelRedis+"the 503 is the JSON error")
	assert.Equal(t, http.StatusServiceUnavailable, postAuth(a.srv, "/user/logout", "Bearer "+live).StatusCode, labelRedis+"POST /user/logout with Redis down: want 503")

	r.start() // empty: no persistence
	clock.Advance(time.Second)
	_, ok = eventually(t, 5*time.Second, func() bool {
		return get(a.srv, "/bbb", "Bearer "+ended).StatusCode != http.StatusServiceUnavailable
	})
	require.True(t, ok, labelRedis+"Redis is back, and A still answers 503 five seconds later")
	assert.Equal(t, http.StatusUnauthorized, get(a.srv, "/bbb", "Bearer "+ended).StatusCode, labelRedis+"a session logged out before Redis lost its data: still refused")
	assert.Equal(t, http.StatusUnauthorized, get(a.srv, "/bbb", "Bearer "+live).StatusCode, labelRedis+"any session from before Redis lost its data: refused, the store cannot vouch for it")
	fresh := login(t, a.srv)
	assert.Equal(t, http.StatusOK, get(a.srv, "/bbb", "Bearer "+fresh).StatusCode, labelRedis+"a login after Redis came back")
	assert.Equal(t, http.StatusNoContent, postAuth(a.srv, "/user/logout", "Bearer "+fresh).StatusCode, labelRedis+"a logout after Redis came back")
}

// TestRedisHungServer: Redis stopped (SIGSTOP) mid-run: connections stay
// open, nothing answers. A token never checked gets 503 within the call
// timeout; a token whose answer is cached is served from the cache only
// until the connection times out (redisConnTimeout): the bound stated in
// the README. Then Redis resumes and everything recovers.
func TestRedisHungServer(t *testing.T) {
	t.Parallel() // each runs its own redis-server
	afterTODOs4and5(t)
	if testing.Short() {
		t.Skip("-short: this test waits seconds for a hung Redis to time out; it runs without -short (as CI does)")
	}
	r := startRedis(t)
	clock := realNow()
	a := newInstance(t, r, clock.Now)
	clock.Advance(time.Second)
	cached, fresh := login(t, a.srv), login(t, a.srv)
	for range 2 { // the first check also sets the epoch, whose cached answer that invalidates
		require.Equal(t, http.StatusOK, get(a.srv, "/bbb", "Bearer "+cached).StatusCode, labelRedis+"a live session")
	}

	r.stop()
	served, ok := eventually(t, 8*redisConnTimeout, func() bool {
		return get(a.srv, "/bbb", "Bearer "+cached).StatusCode == http.StatusServiceUnavailable
	})
	assert.True(t, ok, labelRedis+"a cached answer is still served %v after Redis hung; want 503 within the bound the README states (about 4 × redisConnTimeout, measured; 8 × here)", served)
	t.Logf("cached answers served for %v after Redis hung (redisConnTimeout %v)", served.Round(time.Millisecond), redisConnTimeout)
	start := time.Now()
	res := get(a.srv, "/bbb", "Bearer "+fresh)
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode, labelRedis+"GET /bbb, an answer not cached, Redis hung: want 503")
	assert.Less(t, time.Since(start), 4*redisCallTimeout, labelRedis+"the 503 comes within the call's deadline")

	r.cont()
	_, ok = eventually(t, 5*time.Second, func() bool {
		return get(a.srv, "/bbb", "Bearer "+cached).StatusCode == http.StatusOK
	})
	assert.True(t, ok, labelRedis+"Redis resumed, and A still refuses a live session five seconds later")
}

// TestRedisStoreKeys: one key per user, with the hash tag {user}, so
// that in Redis Cluster a user's entries share a shard; it expires with
// its latest entry, and keeps only the ends whose until is still to come.
func TestRedisStoreKeys(t *testing.T) {
	t.Parallel() // each runs its own redis-server
	r := startRedis(t)
	clock := realNow()
	store := newStore(t, r, clock.Now)
	ctx := context.Background()
	require.NoError(t, store.End(ctx, "guang", "sid-0", clock.Now().Add(time.Second)))
	clock.Advance(2 * time.Second) // sid-0's until has passed
	require.NoError(t, store.End(ctx, "guang", "sid-1", clock.Now().Add(day)))
	require.NoError(t, store.EndAll(ctx, "guang", clock.Now(), clock.Now().Add(day)))
	c, err := store.use()
	require.NoError(t, err)
	keys, err := c.Do(ctx, c.B().Keys().Pattern("*").Build()).AsStrSlice()
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"sess:epoch", "sess:{guang}"}, keys, labelRedis+"the keys")
	fields, err := c.Do(ctx, c.B().Hkeys().Key("sess:{guang}").Build()).AsStrSlice()
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"end:sid-1", "cut"}, fields,
		labelRedis+"the user's fields: sid-0's end, whose until has passed, is dropped by the next write")
	ttl, err := c.Do(ctx, c.B().Ttl().Key("sess:{guang}").Build()).AsInt64()
	require.NoError(t, err)
	assert.InDelta(t, day.Seconds(), float64(ttl), 5, labelRedis+"the user's key expires at its latest until (TTL in seconds)")
}

// TestRedisCutOffMovesForward: two logouts everywhere of one user, on
// two instances at nearly the same time, may reach Redis in either order;
// the cut-off keeps the later one.
func TestRedisCutOffMovesForward(t *testing.T) {
	t.Parallel() // it runs its own redis-server
	r := startRedis(t)
	clock := realNow()
	stores := make([]*redisSessions, 3) // A and B log out everywhere, C checks
	for i := range stores {
		stores[i] = newStore(t, r, clock.Now)
	}
	ctx := context.Background()
	t0 := clock.Now()
	require.NoError(t, stores[0].EndAll(ctx, "guang", t0.Add(10*time.Second), t0.Add(day)))
	require.NoError(t, stores[1].EndAll(ctx, "guang", t0, t0.Add(day)))
	for i, store := range stores {
		ended, err := store.Ended(ctx, "guang", "sid-1", t0.Add(5*time.Second))
		require.NoError(t, err)
		assert.True(t, ended, labelRedis+"instance %c: a session that started 5 s before the later of two cut-offs (written first, by A; the earlier one by B): not ended; want ended (the cut-off only moves forward)", 'A'+i)
	}
}

// TestRedisErrorIsNotANo: only a nil reply ("no such key") means "not
// ended". Any other answer, here a key of the wrong type (WRONGTYPE),
// refuses the request, for each of the keys the check reads.
func TestRedisErrorIsNotANo(t *testing.T) {
	t.Parallel() // it runs its own redis-server
	r := startRedis(t)
	clock := realNow()
	store := newStore(t, r, clock.Now)
	clock.Advance(time.Second)
	ctx := context.Background()
	c, err := store.use()
	require.NoError(t, err)
	for _, key := range []string{"sess:{guang}", epochKey} {
		require.NoError(t, c.Do(ctx, c.B().Del().Key(key).Build()).Error())
		require.NoError(t, c.Do(ctx, c.B().Lpush().Key(key).Element("x").Build()).Error())
		ended, err := store.Ended(ctx, "guang", "sid-1", clock.Now())
		assert.Error(t, err, labelRedis+"%s holds a list: Ended answered %v and no error; want an error (the guard's 503)", key, ended)
		require.NoError(t, c.Do(ctx, c.B().Del().Key(key).Build()).Error())
	}
	require.NoError(t, c.Do(ctx, c.B().Hset().Key("sess:{guang}").FieldValue().FieldValue("cut", "soon").Build()).Error())
	ended, err := store.Ended(ctx, "guang", "sid-1", clock.Now())
	assert.Error(t, err, labelRedis+"the cut-off is not a number: Ended answered %v and no error; want an error (the guard's 503)", ended)
}
