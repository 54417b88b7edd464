package compare

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// errLoggedOut: the client holds no usable credential; the user must log in
// again.
var errLoggedOut = errors.New("logged out")

// SingleClient is the single-token client: it sends its token, and keeps a
// renewed token from the "token" header unless it holds one that expires
// later (answers can arrive out of order). Safe for concurrent use.
type SingleClient struct {
	Base    http.RoundTripper
	BaseURL string

	mu    sync.Mutex
	token string
	exp   time.Time
}

// Login logs the demo user in.
func (c *SingleClient) Login(ctx context.Context) error {
	res, err := post(ctx, c.Base, c.BaseURL+"/user/login", fmt.Sprintf(`{"username":%q,"password":%q}`, demoUser, demoPassword))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusCreated {
		return fmt.Errorf("login: %d %s %v", res.StatusCode, body, err)
	}
	c.mu.Lock()
	c.token, c.exp = string(body), time.Time{}
	c.mu.Unlock()
	return nil
}

// Get sends GET path with the token; it answers the status.
func (c *SingleClient) Get(ctx context.Context, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+path, nil)
	if err != nil {
		return 0, err
	}
	if token := c.current(); token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Base.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if token := res.Header.Get("token"); token != "" {
		c.store(token)
	}
	return res.StatusCode, nil
}

func (c *SingleClient) current() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

func (c *SingleClient) store(token string) {
	exp, ok := expiry(token)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !exp.Before(c.exp) {
		c.token, c.exp = token, exp
	}
}

// Copy returns a client holding the same token: what a thief gets.
func (c *SingleClient) Copy(base http.RoundTripper) *SingleClient {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &SingleClient{Base: base, BaseURL: c.BaseURL, token: c.token, exp: c.exp}
}

// DoubleClient is the double-token client. It sends the access token; on a
// 401 it refreshes and replays the request once. With Ahead > 0 it also
// refreshes before sending, when the access token's exp (read from the
// token, unverified: the client holds no key) has passed or is at most
// Ahead away, so a visit after a long pause costs a refresh but no 401
// and no replay. Refreshes are
// single-flight: while one is in flight, the other requests that got a
// 401 (or found the access token expiring) wait for it instead of
// starting their own (with rotation, a second
// refresh with the same refresh token would look like theft and revoke the
// session). The refresh call goes straight to Base, past the queue. Once a
// refresh has failed, the client drops both tokens and never calls
// /user/refresh again: Get answers errLoggedOut until the next Login.
type DoubleClient struct {
	Base    http.RoundTripper
	BaseURL string
	Ahead   time.Duration    // refresh before sending when exp is at most this away; 0: only on a 401
	Now     func() time.Time // the client's clock; nil: time.Now

	mu         sync.Mutex
	access     string
	refresh    string
	inFlight   chan struct{} // closed when the refresh in flight ends; nil when none
	refreshErr error         // how the last refresh ended
}

// Login logs the demo user in.
func (c *DoubleClient) Login(ctx context.Context) error {
	res, err := post(ctx, c.Base, c.BaseURL+"/user/login", fmt.Sprintf(`{"username":%q,"password":%q}`, demoUser, demoPassword))
	if err != nil {
		return err
	}
	p, err := readPair(res, http.StatusCreated)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.access, c.refresh = p.AccessToken, p.RefreshToken
	c.mu.Unlock()
	return nil
}

// Get sends GET path with the access token, refreshing once on a 401; it
// answers the final status. When the session is over it answers 401 and an
// error wrapping errLoggedOut: the user must log in again.
func (c *DoubleClient) Get(ctx context.Context, path string) (int, error) {
	if stale, due := c.expiring(); due {
		if err := c.refreshAfter(ctx, stale); err != nil {
			return http.StatusUnauthorized, err
		}
	}
	status, sent, err := c.get(ctx, path)
	if err != nil || status != http.StatusUnauthorized {
		return status, err
	}
	if err := c.refreshAfter(ctx, sent); err != nil {
		return http.StatusUnauthorized, err
	}
	status, _, err = c.get(ctx, path) // the replay
	return status, err
}

// expiring reports whether the access token is due for a refresh before
// it is sent (Ahead > 0), and returns it.
func (c *DoubleClient) expiring() (string, bool) {
	c.mu.Lock()
	access := c.access
	c.mu.Unlock()
	if c.Ahead <= 0 || access == "" {
		return "", false
	}
	exp, ok := expiry(access)
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	return access, !ok || !exp.After(now().Add(c.Ahead))
}

func (c *DoubleClient) get(ctx context.Context, path string) (status int, sent string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+path, nil)
	if err != nil {
		return 0, "", err
	}
	c.mu.Lock()
	sent = c.access
	c.mu.Unlock()
	if sent != "" {
		req.Header.Set("Authorization", "Bearer "+sent)
	}
	res, err := c.Base.RoundTrip(req)
	if err != nil {
		return 0, sent, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, sent, nil
}

// refreshAfter makes sure the access token is newer than stale: it runs
// the refresh, or waits for the one in flight, or sees that one already
// replaced stale.
func (c *DoubleClient) refreshAfter(ctx context.Context, stale string) error {
	c.mu.Lock()
	if c.access != stale { // another request's refresh ended while ours was out
		defer c.mu.Unlock()
		if c.access == "" {
			return c.refreshErr // it failed
		}
		return nil
	}
	if wait := c.inFlight; wait != nil {
		c.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.refreshErr
	}
	done := make(chan struct{})
	c.inFlight = done
	refresh := c.refresh
	c.mu.Unlock()

	p, err := c.callRefresh(ctx, refresh)

	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.access, c.refresh = p.AccessToken, p.RefreshToken
	} else {
		// Whatever went wrong, the refresh token may be spent: never
		// present it again.
		c.access, c.refresh = "", ""
		if !errors.Is(err, errLoggedOut) {
			err = fmt.Errorf("%w: refresh: %w", errLoggedOut, err)
		}
	}
	c.refreshErr = err
	c.inFlight = nil
	close(done)
	return err
}

// callRefresh posts the refresh token in the body, straight to Base.
func (c *DoubleClient) callRefresh(ctx context.Context, refresh string) (pair, error) {
	if refresh == "" {
		return pair{}, errLoggedOut
	}
	body, err := json.Marshal(map[string]string{"refresh_token": refresh})
	if err != nil {
		return pair{}, err
	}
	res, err := post(ctx, c.Base, c.BaseURL+"/user/refresh", string(body))
	if err != nil {
		return pair{}, err
	}
	return readPair(res, http.StatusOK)
}

// Copy returns a client holding the same tokens: what a thief gets.
func (c *DoubleClient) Copy(base http.RoundTripper) *DoubleClient {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &DoubleClient{Base: base, BaseURL: c.BaseURL, Ahead: c.Ahead, Now: c.Now, access: c.access, refresh: c.refresh}
}

func post(ctx context.Context, rt http.RoundTripper, url, body string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return rt.RoundTrip(req)
}

func readPair(res *http.Response, want int) (pair, error) {
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBodyBytes))
	if err != nil {
		return pair{}, err
	}
	if res.StatusCode != want {
		return pair{}, fmt.Errorf("%w: %d %s", errLoggedOut, res.StatusCode, bytes.TrimSpace(body))
	}
	var p pair
	if err := json.Unmarshal(body, &p); err != nil || p.AccessToken == "" || p.RefreshToken == "" {
		return pair{}, fmt.Errorf("a token pair: %q: %v", body, err)
	}
	return p, nil
}
