package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// connLimiter is the listener every server of this program serves on. It
// bounds the open connections twice: maxConns in all, so that the process
// keeps file descriptors for everything else, and perClient from one client
// address, so that one client cannot take them all.
//
//   - A client past its share is answered at once with a 429 and the
//     connection is closed: it never waits ahead of other clients.
//   - When every connection is taken, a new client takes the place of the
//     connection idle the longest (a keep-alive connection between two
//     requests), and waits only while none is idle.
//
// The server reports each connection's state to connState, which keeps the
// list of idle ones.
type connLimiter struct {
	net.Listener
	perClient int
	refusal   []byte        // the 429, written whole
	slots     chan struct{} // one element per open connection
	done      chan struct{} // closed with the listener
	closeOnce sync.Once

	mu       sync.Mutex
	clients  map[string]int          // open connections per client
	idle     map[*limitedConn]uint64 // idle connections, and when each went idle (a count: lower is longer ago)
	idleSeq  uint64
	waiting  bool // Accept waits for a slot: the next idle connection makes room
	refusing int  // refusals being written
}

const (
	// maxRefusing bounds the refusals written at once: past it, a
	// connection past its client's share is closed without a word.
	maxRefusing = 64
	// refusalTimeout bounds how long a refusal holds its connection.
	refusalTimeout = 2 * time.Second
)

// newConnLimiter limits ln to maxConns connections, perClient of them from
// one client address.
func newConnLimiter(ln net.Listener, maxConns, perClient int) *connLimiter {
	return &connLimiter{
		Listener:  ln,
		perClient: perClient,
		refusal:   connRefusal(perClient),
		slots:     make(chan struct{}, maxConns),
		done:      make(chan struct{}),
		clients:   map[string]int{},
		idle:      map[*limitedConn]uint64{},
	}
}

// connRefusal is the whole answer to a connection past its client's share: a
// 429 in the API's error shape that names the limit, and Connection: close.
// It is not a 503: the server is not down, this client holds its share.
func connRefusal(perClient int) []byte {
	body, _ := json.Marshal(errorBody{ // cannot fail: strings and an integer
		Message:    fmt.Sprintf("too many connections from your address: at most %d at a time; reuse one, or close one first", perClient),
		Error:      http.StatusText(http.StatusTooManyRequests),
		StatusCode: http.StatusTooManyRequests,
	})
	return fmt.Appendf(nil, "HTTP/1.1 429 Too Many Requests\r\n"+
		"Content-Type: application/json; charset=utf-8\r\n"+
		"Content-Length: %d\r\n"+
		"Connection: close\r\n\r\n%s\n", len(body)+1, body)
}

// clientOf is the client a connection counts against: its IP address, or
// for IPv6 its /64 network, since one host commonly has a whole /64.
func clientOf(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	if ip4 := tcp.IP.To4(); ip4 != nil {
		return ip4.String()
	}
	return tcp.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// Accept returns the next connection within the limits.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		client := clientOf(c.RemoteAddr())
		l.mu.Lock()
		over := l.clients[client] >= l.perClient
		if !over {
			l.clients[client]++
		}
		l.mu.Unlock()
		if over {
			l.refuse(c)
			continue
		}
		if err := l.takeSlot(); err != nil {
			l.forget(client)
			c.Close()
			return nil, err
		}
		return &limitedConn{Conn: c, l: l, client: client}, nil
	}
}

// takeSlot counts one more open connection. When every slot is taken, it
// closes the connection idle the longest, or the next one to go idle, and
// waits for the slot that frees.
func (l *connLimiter) takeSlot() error {
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	l.mu.Lock()
	l.waiting = true
	victim := l.pickIdleLocked()
	l.mu.Unlock()
	if victim != nil {
		victim.Close()
	}
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return net.ErrClosed
	}
	l.mu.Lock()
	l.waiting = false
	l.mu.Unlock()
	return nil
}

// pickIdleLocked returns, while Accept waits for a slot, the connection
// idle the longest, and ends the wait for a victim: one closed connection
// frees the slot.
func (l *connLimiter) pickIdleLocked() *limitedConn {
	if !l.waiting || len(l.idle) == 0 {
		return nil
	}
	var victim *limitedConn
	for c, since := range l.idle {
		if victim == nil || since < l.idle[victim] {
			victim = c
		}
	}
	delete(l.idle, victim)
	l.waiting = false
	return victim
}

// connState is the server's ConnState hook: it keeps the list of idle
// connections, and closes one that goes idle while Accept waits for a slot.
func (l *connLimiter) connState(c net.Conn, state http.ConnState) {
	lc, ok := c.(*limitedConn)
	if !ok {
		return
	}
	l.mu.Lock()
	var victim *limitedConn
	if state == http.StateIdle {
		l.idleSeq++
		l.idle[lc] = l.idleSeq
		victim = l.pickIdleLocked()
	} else {
		delete(l.idle, lc)
	}
	l.mu.Unlock()
	if victim != nil {
		victim.Close()
	}
}

// forget counts one connection less for client.
func (l *connLimiter) forget(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.clients[client]--; l.clients[client] <= 0 {
		delete(l.clients, client)
	}
}

// Close stops Accept, also while it waits for a slot.
func (l *connLimiter) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// refuse answers c with the 429 and closes it, in the background, so that
// Accept goes on at once. It reads the request's head first (a client reads
// an answer only to a request it has sent), and after the answer reads what
// the client still sends until it closes: closing with unread data would
// reset the connection, and the client could lose the answer.
func (l *connLimiter) refuse(c net.Conn) {
	l.mu.Lock()
	busy := l.refusing >= maxRefusing
	if !busy {
		l.refusing++
	}
	l.mu.Unlock()
	if busy {
		c.Close()
		return
	}
	go func() {
		defer func() {
			c.Close()
			l.mu.Lock()
			l.refusing--
			l.mu.Unlock()
		}()
		c.SetDeadline(time.Now().Add(refusalTimeout))
		head := bufio.NewReader(io.LimitReader(c, 64<<10))
		for {
			line, err := head.ReadSlice('\n')
			if err != nil && err != bufio.ErrBufferFull {
				return // no request: nothing to answer
			}
			if err == nil && (string(line) == "\r\n" || string(line) == "\n") {
				break // the empty line that ends the head
			}
		}
		if _, err := c.Write(l.refusal); err != nil {
			return
		}
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
		io.Copy(io.Discard, io.LimitReader(c, 64<<10))
	}()
}

// limitedConn is a connection the limiter counts until it is closed.
type limitedConn struct {
	net.Conn
	l      *connLimiter
	client string
	once   sync.Once
}

// Close closes the connection and frees its place: the client's count
// first, so that a client that sees the connection closed and opens another
// is never refused for the one it closed; then the slot, once the file
// descriptor is closed.
func (c *limitedConn) Close() error {
	first := false
	c.once.Do(func() {
		first = true
		c.l.mu.Lock()
		delete(c.l.idle, c)
		c.l.mu.Unlock()
		c.l.forget(c.client)
	})
	err := c.Conn.Close()
	if first {
		<-c.l.slots
	}
	return err
}
