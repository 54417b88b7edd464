package main

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 19, item 3: the page's server answered 500 to paths that are not
// UTF-8: /%ff, and /%c0%ae%c0%ae/etc/passwd (an overlong "../", an old
// path-traversal trick). io/fs calls such a name invalid, and
// http.FileServerFS answers 500 to that. Bad input is a 4xx, never a 5xx:
// each path goes to both servers over the wire, as sent, and the 5xx are
// counted.
func TestBadPathsAreNever5xx(t *testing.T) {
	apiURL, pageURL := startRun(t, map[string]string{"JWT_SECRET": string(testSecret)})
	paths := []struct {
		path    string
		notFile bool // names no file or route: 400 or 404
	}{
		{"/%ff", true},
		{"/%c0%ae%c0%ae/etc/passwd", true},
		{"/%ff/", true},
		{"/.%ff", true},
		{"/app.js%ff", true},
		{"/%ed%a0%80", true}, // a UTF-16 surrogate: not UTF-8
		{"/\xff", true},      // the byte itself, not escaped
		{"/a%00b", true},
		{"/%", true},
		{"/%zz", true},
		{"/..%2f..%2fetc%2fpasswd", false}, // may redirect to the clean path
		{"/%2e%2e/%2e%2e/etc/passwd", false},
		{"/../../etc/passwd", false},
	}
	servers := []struct{ name, base, label string }{
		{"API", apiURL, "step 01 (server.go): "},
		{"page", pageURL, "step 04 (web.go): "},
	}
	fivexx := 0
	for _, srv := range servers {
		for _, tt := range paths {
			status := rawGet(t, srv.base, tt.path)
			if status >= 500 {
				fivexx++
			}
			if tt.notFile {
				assert.Contains(t, []int{http.StatusBadRequest, http.StatusNotFound}, status, srv.label+"GET %q on the %s: status %d; want 400 or 404: bad input is a 4xx, never a 5xx", tt.path, srv.name, status)
			} else {
				assert.Less(t, status, 500, srv.label+"GET %q on the %s: status %d; bad input is a 4xx, never a 5xx", tt.path, srv.name, status)
			}
		}
	}
	assert.Zero(t, fivexx, "%d of %d answers to bad paths were 5xx; want none", fivexx, len(servers)*len(paths))
}

// rawGet sends GET path to the server at base exactly as written, on a
// connection of its own, and returns the status.
func rawGet(t *testing.T, base, path string) int {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	c, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(5*time.Second)))
	_, err = c.Write([]byte("GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nConnection: close\r\n\r\n"))
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err, "GET %q on %s: no answer", path, base)
	res.Body.Close()
	return res.StatusCode
}
