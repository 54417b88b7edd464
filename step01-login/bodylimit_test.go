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

const bodyLimitLabel = "step 01 (server.go), on the login route in step 01 (routes.go): "

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

// TestLimitBodyAtTheLimit: limitBody refuses a declared length past the
// limit, and only past it; a body of exactly the limit is the handler's
// (issue 18: ">=" refused it).
func TestLimitBodyAtTheLimit(t *testing.T) {
	const label = "step 01 (server.go): "
	for _, tt := range []struct {
		length int64
		want   int
	}{
		{-1, http.StatusNoContent}, // unknown (chunked): limited where it is read
		{0, http.StatusNoContent},
		{maxBodyBytes, http.StatusNoContent},
		{maxBodyBytes + 1, http.StatusRequestEntityTooLarge},
	} {
		req := httptest.NewRequest(http.MethodPost, "/user/login", nil)
		req.ContentLength = tt.length
		rec := httptest.NewRecorder()
		limitBody(maxBodyBytes)(noContent).ServeHTTP(rec, req)
		assert.Equal(t, tt.want, rec.Result().StatusCode, label+"limitBody(%d) with Content-Length %d: status %d; want %d", maxBodyBytes, tt.length, rec.Result().StatusCode, tt.want)
	}
}
