package compare

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var testSecret = []byte("test-secret-of-exactly-32-bytes!")

// do sends one request through h and returns the response.
func do(h http.Handler, method, path, authorization, body string) *http.Response {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func loginPair(t *testing.T, h http.Handler) pair {
	t.Helper()
	res := do(h, http.MethodPost, "/user/login", "", `{"username":"guang","password":"123456"}`)
	require.Equal(t, http.StatusCreated, res.StatusCode)
	var p pair
	require.NoError(t, json.NewDecoder(res.Body).Decode(&p))
	return p
}

func refreshPair(h http.Handler, refresh string) (*http.Response, pair) {
	body, _ := json.Marshal(map[string]string{"refresh_token": refresh})
	res := do(h, http.MethodPost, "/user/refresh", "", string(body))
	var p pair
	if res.StatusCode == http.StatusOK {
		json.NewDecoder(res.Body).Decode(&p)
	}
	return res, p
}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return string(b)
}

var ctx = context.Background()

func at(d time.Duration) time.Time { return start.Add(d) }
