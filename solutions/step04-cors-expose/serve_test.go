package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The server's own limits (issue 9, item 4: idle keep-alive connections,
// held open for 60 s and never capped, exhausted file descriptors and made
// new clients wait; issue 19, item 1: at the cap, idle connections still
// kept every new client waiting).

const serveLabel = "step 01 (main.go): "

// serveConnsLabel labels what serve gets from the listener of conns.go
// (the cap, and which idle connection makes room): the code at fault is
// there, or in how serve uses it (issue 18).
const serveConnsLabel = "step 01 (conns.go), as serve in step 01 (main.go) uses it: "

func TestServeTimeouts(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())

	assert.GreaterOrEqual(t, srv.IdleTimeout, 15*time.Second, serveLabel+"IdleTimeout is %v; want 15s to 30s (0 means ReadTimeout)", srv.IdleTimeout)
	assert.LessOrEqual(t, srv.IdleTimeout, 30*time.Second, serveLabel+"IdleTimeout is %v; want 15s to 30s: an idle client must not hold a connection for long", srv.IdleTimeout)
	assert.Equal(t, idleTimeout, srv.IdleTimeout, serveLabel+"the server uses the documented idleTimeout")
	assert.Positive(t, srv.ReadHeaderTimeout, serveLabel+"ReadHeaderTimeout is 0: a client sending its headers slowly holds a connection for free")
	assert.Positive(t, srv.ReadTimeout, serveLabel+"ReadTimeout is 0: a client sending its body slowly holds a connection for free")
	assert.Positive(t, srv.WriteTimeout, serveLabel+"WriteTimeout is 0: a client reading slowly holds a connection for free")
	assert.Positive(t, srv.MaxHeaderBytes, serveLabel+"MaxHeaderBytes is 0 (1 MB): headers need a few KiB")
}

// TestServeCapsConnections fills every connection slot of a real loopback
// listener with idle keep-alive connections, then shows that one more
// client is answered at once, in the place of the connection idle the
// longest (issue 19: with 300 idle connections open, a new request waited
// 18.5 s for one of them to time out). The listener's record of accepts
// and closes proves which connection made room.
func TestServeCapsConnections(t *testing.T) {
	require.Positive(t, maxConns, serveConnsLabel+"maxConns must be positive")
	srv := startServe(t, maxConns+1, noContent) // one client may take every slot here

	// maxConns clients, each answered once and kept open (keep-alive).
	conns := make([]*testConn, maxConns)
	for i := range conns {
		conns[i] = srv.dial(t, "")
		require.NoError(t, roundTrip(conns[i]), "client %d of %d", i+1, maxConns)
	}

	// One more: it takes the place of the first, idle the longest.
	extra := srv.dial(t, "")
	require.NoError(t, extra.SetDeadline(time.Now().Add(5*time.Second)))
	require.NoError(t, roundTrip(extra), serveConnsLabel+"client %d: no answer while %d idle connections were open; want the one idle the longest closed to make room", maxConns+1, maxConns)

	// The server marks a connection idle just after it has written the
	// answer, so on a busy machine the first few can go idle in another
	// order than their clients read the answers: the one closed must be one
	// of the first few opened (idle the longest), never a recent one.
	accepts, closes := srv.rec.counts()
	assert.Equal(t, maxConns+1, accepts, serveConnsLabel+"connections accepted")
	require.Len(t, closes, 1, serveConnsLabel+"one connection closed to make room, the one idle the longest; closed: %v", closes)
	var n int
	_, err := fmt.Sscanf(closes[0], "close %d", &n)
	require.NoError(t, err)
	require.True(t, n >= 1 && n <= 8, serveConnsLabel+"the connection closed to make room is the %dth opened of %d; want the one idle the longest, the first (or one of the first few, which a busy server may mark idle in another order)", n, maxConns)
	require.NoError(t, conns[n-1].SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = conns[n-1].r.Peek(1)
	assert.ErrorIs(t, err, io.EOF, serveConnsLabel+"the connection the server closed to make room (the %dth) must read as closed; reading it gave %v", n, err)
}

// TestServeWaitsWhileEveryConnectionIsBusy: with a request in flight on
// every connection there is no idle one to close, and one more client
// waits until one is free: the cap holds. (The short read deadline only
// makes a missing cap fail fast.)
func TestServeWaitsWhileEveryConnectionIsBusy(t *testing.T) {
	var started atomic.Int64
	allBusy, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	t.Cleanup(func() { releaseOnce.Do(func() { close(release) }) })
	srv := startServe(t, maxConns+1, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := started.Add(1); n <= maxConns {
			if n == maxConns {
				close(allBusy)
			}
			<-release
		}
		w.WriteHeader(http.StatusNoContent)
	}))

	conns := make([]*testConn, maxConns)
	for i := range conns {
		conns[i] = srv.dial(t, "")
		require.NoError(t, writeRequest(conns[i]))
	}
	select {
	case <-allBusy:
	case <-time.After(10 * time.Second):
		require.FailNow(t, "the server did not start the first requests")
	}

	extra := srv.dial(t, "")
	require.NoError(t, writeRequest(extra))
	require.NoError(t, extra.SetReadDeadline(time.Now().Add(100*time.Millisecond)))
	_, err := extra.r.Peek(1)
	require.Error(t, err, serveConnsLabel+"client %d was answered while %d requests were in flight; want it to wait for a free slot", maxConns+1, maxConns)

	// The requests end: a connection goes idle, and makes room.
	releaseOnce.Do(func() { close(release) })
	require.NoError(t, extra.SetReadDeadline(time.Now().Add(10*time.Second)))
	require.NoError(t, readResponse(extra), serveConnsLabel+"client %d must be answered once a request ends", maxConns+1)
	for i, c := range conns {
		require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
		require.NoError(t, readResponse(c), "client %d", i+1)
	}
}

// noContent answers every request with 204.
var noContent = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNoContent)
})

// testServer is serve on a real loopback listener, with the record of the
// connections it accepts and closes.
type testServer struct {
	addr string
	rec  *recordingListener
}

// startServe runs serve with perClient on a loopback listener until the
// test ends, then closes every connection the test opened and asserts that
// serve shut down cleanly.
func startServe(t *testing.T, perClient int, handler http.Handler) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	rec := &recordingListener{Listener: ln, changed: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, rec, handler, perClient) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done, serveLabel+"serve must shut down cleanly, even with every slot taken")
	})
	return &testServer{addr: ln.Addr().String(), rec: rec}
}

// testConn is a client's connection and its reader.
type testConn struct {
	net.Conn
	r *bufio.Reader
}

// dial opens a connection to the server from the address from ("" for the
// system's choice), closed when the test ends.
func (s *testServer) dial(t *testing.T, from string) *testConn {
	t.Helper()
	var d net.Dialer
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	c, err := d.Dial("tcp", s.addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &testConn{Conn: c, r: bufio.NewReader(c)}
}

// recordingListener notes, in order, each connection the server accepts
// ("accept") and each one it closes ("close n", n counting accepts from 1).
type recordingListener struct {
	net.Listener
	changed chan struct{} // a value after each note
	mu      sync.Mutex
	events  []string
	accepts int
}

func (l *recordingListener) note(event string) {
	l.mu.Lock()
	l.events = append(l.events, event)
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

func (l *recordingListener) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// counts is the number of accepts so far, and the closes in order.
func (l *recordingListener) counts() (accepts int, closes []string) {
	for _, e := range l.snapshot() {
		if e == "accept" {
			accepts++
		} else {
			closes = append(closes, e)
		}
	}
	return accepts, closes
}

// waitFor waits, at most five seconds, until event is noted.
func (l *recordingListener) waitFor(t *testing.T, event string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for !slices.Contains(l.snapshot(), event) {
		select {
		case <-l.changed:
		case <-timeout:
			require.FailNow(t, "the server did not do this within 5 s: "+event, "events: %q", l.snapshot())
		}
	}
}

func (l *recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.accepts++
	n := l.accepts
	l.mu.Unlock()
	l.note("accept")
	return &recordingConn{Conn: c, l: l, n: n}, nil
}

type recordingConn struct {
	net.Conn
	l    *recordingListener
	n    int
	once sync.Once
}

// CloseWrite passes a half close on to the *net.TCPConn underneath.
func (c *recordingConn) CloseWrite() error { return c.Conn.(*net.TCPConn).CloseWrite() }

func (c *recordingConn) Close() error {
	c.once.Do(func() { c.l.note(fmt.Sprintf("close %d", c.n)) })
	return c.Conn.Close()
}

func writeRequest(c *testConn) error {
	_, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"))
	return err
}

// readResponse reads a response, and fails unless it is the 204 of the
// tests' handlers.
func readResponse(c *testConn) error {
	res, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		return fmt.Errorf("answered %s; want 204", res.Status)
	}
	return nil
}

func roundTrip(c *testConn) error {
	if err := writeRequest(c); err != nil {
		return err
	}
	return readResponse(c)
}
