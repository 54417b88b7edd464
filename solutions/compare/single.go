package compare

import (
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// SinglePolicy is when a single token is renewed.
type SinglePolicy struct {
	TTL         time.Duration
	RenewBefore time.Duration // renew with at most this left; 0: on every response (step 03)
	MaxSession  time.Duration // no token outlives its login by more; 0: no cap (step 03)
	Revocable   bool          // LogoutAll ends the sessions (step 05's POST /user/logout-all)
}

// EveryResponse is step 03: a new 7-day token on every response, forever.
var EveryResponse = SinglePolicy{TTL: 7 * day}

// NearExpiry is step 05's default: 7 days, renewed in their second half,
// for at most 30 days per login.
var NearExpiry = SinglePolicy{TTL: 7 * day, RenewBefore: 7 * day / 2, MaxSession: 30 * day}

// NearExpiryRevocable is step 05 with its store of ended sessions: the
// same, and a logout everywhere ends every older session.
var NearExpiryRevocable = SinglePolicy{TTL: 7 * day, RenewBefore: 7 * day / 2, MaxSession: 30 * day, Revocable: true}

const day = 24 * time.Hour

// SingleServer is the single-token scheme: POST /user/login answers a
// token; GET /bbb, behind a guard, answers with a renewed token in the
// "token" header when the policy says so.
type SingleServer struct {
	policy SinglePolicy
	tokens *signer
	mux    *http.ServeMux

	mu      sync.Mutex
	cutoffs map[string]time.Time // a user who logged out everywhere → the cut-off (only with Revocable)
}

// NewSingleServer returns a single-token server with the given policy.
func NewSingleServer(secret []byte, now func() time.Time, policy SinglePolicy) *SingleServer {
	s := &SingleServer{policy: policy, tokens: newSigner(secret, now), mux: http.NewServeMux(), cutoffs: map[string]time.Time{}}
	s.mux.HandleFunc("POST /user/login", s.login)
	s.mux.HandleFunc("GET /bbb", s.bbb)
	return s
}

func (s *SingleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Signed is the number of tokens signed so far.
func (s *SingleServer) Signed() int64 { return s.tokens.signed.Load() }

func (s *SingleServer) login(w http.ResponseWriter, r *http.Request) {
	user, ok := checkLogin(w, r)
	if !ok {
		return
	}
	now := s.tokens.clock()
	token, _, err := s.tokens.sign(claims{Username: user, AuthTime: jwt.NewNumericDate(now)}, now.Add(s.policy.TTL))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "could not sign a token")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, token)
}

func (s *SingleServer) bbb(w http.ResponseWriter, r *http.Request) {
	c, err := s.tokens.verify(bearer(r), "")
	if err != nil {
		writeError(w, http.StatusUnauthorized, "token invalid or expired, please log in again")
		return
	}
	if s.ended(c) {
		writeError(w, http.StatusUnauthorized, "session ended (logged out), please log in again")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if exp, due := s.renewal(c); due {
		token, _, err := s.tokens.sign(claims{Username: c.Username, AuthTime: c.AuthTime}, exp)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "could not sign a token")
			return
		}
		w.Header().Set("token", token)
	}
	io.WriteString(w, "bbb")
}

// renewal reports whether c is renewed now, and until when.
func (s *SingleServer) renewal(c *claims) (time.Time, bool) {
	now := s.tokens.clock()
	if s.policy.RenewBefore > 0 && c.ExpiresAt.Sub(now) > s.policy.RenewBefore {
		return time.Time{}, false
	}
	exp := now.Add(s.policy.TTL)
	if s.policy.MaxSession > 0 && c.AuthTime != nil {
		if limit := c.AuthTime.Add(s.policy.MaxSession); exp.After(limit) {
			exp = limit
		}
	}
	return exp, exp.After(c.ExpiresAt.Time)
}

// LogoutAll ends every session of user that started before now, as step
// 05's POST /user/logout-all does with a policy that has Revocable set;
// without it there is nothing on the server to end (a "logout" only drops
// the client's copy), and LogoutAll does nothing. The rule is step 05's
// store's: a session ends when its auth_time is before the cut-off, in
// whole seconds.
func (s *SingleServer) LogoutAll(user string) {
	if !s.policy.Revocable {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cutoffs[user] = s.tokens.clock().Truncate(time.Second)
}

// ended reports whether the session of c was ended by a LogoutAll.
func (s *SingleServer) ended(c *claims) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cut, ok := s.cutoffs[c.Username]
	return ok && c.AuthTime != nil && c.AuthTime.Before(cut)
}
