package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 19, item 1: one client that opened 256 keep-alive connections and
// sent a request on each every 15 s kept every other client out (a fresh
// request timed out after 8 s). Each client address now holds at most its
// share of the connections, and is refused clearly past it.

const connsLabel = "step 01 (conns.go): "

func TestServeRefusesAClientPastItsShare(t *testing.T) {
	const perClient = 4
	srv := startServe(t, perClient, noContent)
	held := make([]*testConn, perClient)
	for i := range held {
		held[i] = srv.dial(t, "")
		require.NoError(t, roundTrip(held[i]), connsLabel+"connection %d of %d from one address must be served", i+1, perClient)
	}

	over := srv.dial(t, "")
	require.NoError(t, over.SetDeadline(time.Now().Add(5*time.Second)))
	require.NoError(t, writeRequest(over))
	res, err := http.ReadResponse(over.r, nil)
	require.NoError(t, err, connsLabel+"connection %d from one address that holds %d: no answer (%v); want a 429 at once", perClient+1, perClient, err)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, connsLabel+"connection %d from one address: status %d; want 429", perClient+1, res.StatusCode)
	assert.True(t, res.Close, connsLabel+"the refusal says Connection: close")
	assert.Contains(t, string(body), fmt.Sprintf("at most %d", perClient), connsLabel+"the refusal names the limit: %q", body)
	_, err = over.r.Peek(1)
	assert.ErrorIs(t, err, io.EOF, connsLabel+"after the refusal the server closes the connection")

	// The share counts open connections: once the server has closed one,
	// the client is served again.
	held[0].Close()
	srv.rec.waitFor(t, "close 1")
	again := srv.dial(t, "")
	require.NoError(t, again.SetDeadline(time.Now().Add(5*time.Second)))
	require.NoError(t, writeRequest(again))
	res, err = http.ReadResponse(again.r, nil)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusNoContent, res.StatusCode, connsLabel+"after one of its %d connections closed, a client's new one: status %d; want it served", perClient, res.StatusCode)
}

// The measurement, replayed: one client opens 260 connections and
// keeps them; another client's request is answered within a second. It
// needs a second loopback address: Linux routes all of 127.0.0.0/8 to the
// loopback interface, macOS only 127.0.0.1.
func TestServeAnswersAnotherClientWhileOneHoldsItsShare(t *testing.T) {
	const other = "127.0.0.2"
	if probe, err := net.Listen("tcp", other+":0"); err != nil {
		t.Skipf("no second loopback address %s here (%v); on macOS: sudo ifconfig lo0 alias %s", other, err, other)
	} else {
		probe.Close()
	}
	srv := startServe(t, maxConnsPerClient, noContent)

	const opened = 260
	refused := 0
	for i := range opened {
		c := srv.dial(t, "127.0.0.1")
		require.NoError(t, c.SetDeadline(time.Now().Add(5*time.Second)))
		err := writeRequest(c)
		var res *http.Response
		if err == nil {
			res, err = http.ReadResponse(c.r, nil)
		}
		if i < maxConnsPerClient {
			require.NoError(t, err, connsLabel+"connection %d of one client: %v; want it served", i+1, err)
			assert.Equal(t, http.StatusNoContent, res.StatusCode, connsLabel+"connection %d of one client, within its share of %d", i+1, maxConnsPerClient)
			continue
		}
		// Past its share: a 429, or, while many refusals are being
		// written, closed at once.
		if err == nil {
			require.Equal(t, http.StatusTooManyRequests, res.StatusCode, connsLabel+"connection %d of one client, past its share of %d: status %d; want 429", i+1, maxConnsPerClient, res.StatusCode)
			refused++
		}
	}
	assert.Positive(t, refused, connsLabel+"no connection past the share was answered 429; want a clear refusal")

	c := srv.dial(t, other)
	start := time.Now()
	require.NoError(t, c.SetDeadline(start.Add(time.Second)))
	require.NoError(t, roundTrip(c), connsLabel+"a request from %s while 127.0.0.1 held %d connections: no answer within 1 s; want it served", other, opened)
}

func TestClientOf(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"127.0.0.1:5000", "127.0.0.1"},
		{"127.0.0.1:5001", "127.0.0.1"},                    // another port, the same client
		{"[::ffff:192.0.2.7]:80", "192.0.2.7"},             // IPv4 written as IPv6
		{"[2001:db8:1:2:3:4:5:6]:80", "2001:db8:1:2::/64"}, // one IPv6 host has a whole /64
		{"[2001:db8:1:2:ffff::9]:81", "2001:db8:1:2::/64"}, // so any address in it is the same client
		{"[2001:db8:1:3::1]:80", "2001:db8:1:3::/64"},      // the next /64 is another
		{"[::1]:80", "::/64"},                              // loopback
	}
	for _, tt := range tests {
		addr, err := net.ResolveTCPAddr("tcp", tt.addr)
		require.NoError(t, err)
		assert.Equal(t, tt.want, clientOf(addr), connsLabel+"clientOf(%s)", tt.addr)
	}
}

func TestRunMaxConnsPerClient(t *testing.T) {
	const label = "step 01 (main.go): "
	env := map[string]string{"JWT_SECRET": string(testSecret)}
	for _, n := range []int{0, -1, maxConns + 1} {
		err := runRefusing(t, label, env, "-max-conns-per-client", strconv.Itoa(n))
		require.Error(t, err, label+"run -max-conns-per-client %d returned nil; want it refused", n)
		assert.Contains(t, err.Error(), "-max-conns-per-client", label+"the refusal names the flag")
	}
	for _, n := range []int{1, maxConns} {
		_, err := runCanceled(t, label, env, "-max-conns-per-client", strconv.Itoa(n))
		assert.NoError(t, err, label+"run -max-conns-per-client %d: refused; want it accepted", n)
	}
}
