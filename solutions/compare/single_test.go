package compare

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSingleServerPolicies(t *testing.T) {
	tests := []struct {
		name      string
		policy    SinglePolicy
		at        time.Duration // after login
		wantToken bool
		wantExp   time.Duration // after login
	}{
		{"every response: at once", EveryResponse, time.Minute, true, time.Minute + 7*day},
		{"near expiry: fresh", NearExpiry, time.Minute, false, 0},
		{"near expiry: 1 s before the window", NearExpiry, 7*day/2 - time.Second, false, 0},
		{"near expiry: as the window opens", NearExpiry, 7 * day / 2, true, 7*day/2 + 7*day},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &simClock{now: start}
			srv := NewSingleServer(testSecret, clock.Now, tt.policy)
			res := do(srv, http.MethodPost, "/user/login", "", `{"username":"guang","password":"123456"}`)
			require.Equal(t, http.StatusCreated, res.StatusCode)
			token, err := io.ReadAll(res.Body)
			require.NoError(t, err)

			clock.set(at(tt.at))
			res = do(srv, http.MethodGet, "/bbb", "Bearer "+string(token), "")
			require.Equal(t, http.StatusOK, res.StatusCode)
			renewed := res.Header.Get("token")
			if !tt.wantToken {
				assert.Empty(t, renewed)
				return
			}
			exp, ok := expiry(renewed)
			require.True(t, ok)
			assert.Equal(t, at(tt.wantExp), exp.UTC())
		})
	}
}

func TestSingleServerCap(t *testing.T) {
	clock := &simClock{now: start}
	srv := NewSingleServer(testSecret, clock.Now, NearExpiry)
	c := &SingleClient{Base: &transport{h: srv}, BaseURL: apiURL}
	require.NoError(t, c.Login(ctx))
	for d := time.Duration(0); d < 30*day; d += 12 * time.Hour {
		clock.set(at(d))
		status, err := c.Get(ctx, "/bbb")
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status, "day %.1f", d.Hours()/24)
	}
	clock.set(at(30 * day))
	status, err := c.Get(ctx, "/bbb")
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, status, "30 days after login, the session is over")
}
