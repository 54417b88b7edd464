package compare

import (
	"io"
	"net/http"
	"strings"
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

// TestSingleClientKeepsTheLatestToken: answers can arrive out of order, and
// a "token" header can hold anything. The client keeps the token that
// expires last, and only a token it can read.
func TestSingleClientKeepsTheLatestToken(t *testing.T) {
	tokens := newSigner(testSecret, (&simClock{now: start}).Now)
	mint := func(exp time.Duration) string {
		token, _, err := tokens.sign(claims{Username: demoUser}, at(exp))
		require.NoError(t, err)
		return token
	}
	login, later, latest := mint(day), mint(2*day), mint(3*day)
	renewed := []string{"not-a-jwt", latest, later, ""} // the "token" header of each /bbb answer, in turn
	var sent []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/user/login" {
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, login)
			return
		}
		sent = append(sent, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		if i := len(sent) - 1; i < len(renewed) && renewed[i] != "" {
			w.Header().Set("token", renewed[i])
		}
	})
	c := &SingleClient{Base: &transport{h: h}, BaseURL: apiURL}
	require.NoError(t, c.Login(ctx))
	for range len(renewed) + 1 {
		_, err := c.Get(ctx, "/bbb")
		require.NoError(t, err)
	}
	names := map[string]string{login: "login (exp day 1)", later: "later (exp day 2)", latest: "latest (exp day 3)", "not-a-jwt": "not-a-jwt"}
	var got []string
	for _, token := range sent {
		got = append(got, names[token])
	}
	assert.Equal(t, []string{names[login], names[login], names[latest], names[latest], names[latest]}, got,
		"the token sent with each request, after answers renewing with %q, latest, later, nothing", "not-a-jwt")
}
