package main

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The server's own limits (issue 9, item 4: idle keep-alive connections,
// held open for 60 s and never capped, exhausted file descriptors and made
// new clients wait).

const serveLabel = "step 01 (main.go): "

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
// listener, then shows that one more client is taken only once a slot is
// free: the listener's record of accepts and closes proves the order. (The
// short read deadline only makes a missing cap fail fast.)
func TestServeCapsConnections(t *testing.T) {
	require.Positive(t, maxConns, serveLabel+"maxConns must be positive")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	rec := &recordingListener{Listener: ln}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, rec, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		}))
	}()
	var conns []net.Conn
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
		cancel()
		assert.NoError(t, <-done, serveLabel+"serve must shut down cleanly, even with every slot taken")
	})

	// maxConns clients, each answered once and kept open (keep-alive).
	for i := range maxConns {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		conns = append(conns, c)
		require.NoError(t, roundTrip(c, bufio.NewReader(c)), "client %d of %d", i+1, maxConns)
	}

	// One more: the kernel completes its handshake, but serve must not take
	// it while maxConns connections are open.
	extra, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	conns = append(conns, extra)
	extraReader := bufio.NewReader(extra)
	require.NoError(t, writeRequest(extra))
	require.NoError(t, extra.SetReadDeadline(time.Now().Add(100*time.Millisecond)))
	_, err = extraReader.Peek(1)
	require.Error(t, err, serveLabel+"client %d was answered while %d connections were open; want it to wait for a free slot", maxConns+1, maxConns)

	// A slot frees: the extra client is taken and answered.
	conns[0].Close()
	require.NoError(t, extra.SetReadDeadline(time.Now().Add(30*time.Second)))
	require.NoError(t, readResponse(extraReader), serveLabel+"client %d must be answered once a connection closes", maxConns+1)

	events := rec.snapshot()
	firstClose := slices.Index(events, "close")
	require.Positive(t, firstClose, serveLabel+"the server never closed the connection the first client closed")
	assert.Equal(t, maxConns, firstClose, serveLabel+"connections accepted before the first one closed: %d; want maxConns = %d", firstClose, maxConns)
	assert.Equal(t, []string{"close", "accept"}, events[firstClose:], serveLabel+"after the first close, one more accept")
}

// recordingListener notes, in order, each connection the server accepts
// and each one it closes.
type recordingListener struct {
	net.Listener
	mu     sync.Mutex
	events []string
}

func (l *recordingListener) note(event string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, event)
}

func (l *recordingListener) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

func (l *recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.note("accept")
	return &recordingConn{Conn: c, l: l}, nil
}

type recordingConn struct {
	net.Conn
	l    *recordingListener
	once sync.Once
}

func (c *recordingConn) Close() error {
	c.once.Do(func() { c.l.note("close") })
	return c.Conn.Close()
}

func writeRequest(c net.Conn) error {
	_, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"))
	return err
}

func readResponse(r *bufio.Reader) error {
	res, err := http.ReadResponse(r, nil)
	if err != nil {
		return err
	}
	return res.Body.Close()
}

func roundTrip(c net.Conn, r *bufio.Reader) error {
	if err := writeRequest(c); err != nil {
		return err
	}
	return readResponse(r)
}
