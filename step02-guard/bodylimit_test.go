package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 19, item 3: a login whose Content-Length was past the limit, sent
// with Expect: 100-continue, was told "100 Continue" and then held the
// connection until the read timeout. A server that can refuse a request
// from its headers answers at once instead (RFC 9110 §10.1.1): here 413,
// before a byte of the body is asked for or read.

const bodyLimitLabel = "step 01 (server.go): "

func TestLoginRefusesADeclaredOversizedBodyAtOnce(t *testing.T) {
	srv := httptest.NewServer(NewServer(testUsers(t), NewTokens(testSecret, fixedClock(fakeNow))))
	t.Cleanup(srv.Close)

	tests := []struct{ name, expect string }{
		{"Expect: 100-continue", "Expect: 100-continue\r\n"},
		{"the body not sent yet", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", srv.Listener.Addr().String())
			require.NoError(t, err)
			defer c.Close()
			require.NoError(t, c.SetDeadline(time.Now().Add(5*time.Second)))
			_, err = fmt.Fprintf(c, "POST /user/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n", 1<<20, tt.expect)
			require.NoError(t, err)

			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			require.NoError(t, err, bodyLimitLabel+"a login with Content-Length: %d and %q, no body: no answer within 5 s (%v); want 413 at once", 1<<20, tt.expect, err)
			require.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode, bodyLimitLabel+"a login with Content-Length: %d and %q, no body: answered %s; want 413 before the body is asked for or read", 1<<20, tt.expect, res.Status)
			assert.Contains(t, readErrorBody(t, res).Message, msgTooLarge, bodyLimitLabel+"the message says what is wrong")
		})
	}
}
