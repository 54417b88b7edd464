package compare

import (
	"io"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// SinglePolicy is when a single token is renewed.
type SinglePolicy struct {
	TTL         time.Duration
	RenewBefore time.Duration // renew with at most this left; 0: on every response (step 03)
	MaxSession  time.Duration // no token outlives its login by more; 0: no cap (step 03)
}

// EveryResponse is step 03: a new 7-day token on every response, forever.
var EveryResponse = SinglePolicy{TTL: 7 * day}

// NearExpiry is step 05's default: 7 days, renewed in their second half,
// for at most 30 days per login.
var NearExpiry = SinglePolicy{TTL: 7 * day, RenewBefore: 7 * day / 2, MaxSession: 30 * day}

const day = 24 * time.Hour

// SingleServer is the single-token scheme: POST /user/login answers a
// token; GET /bbb, behind a guard, answers with a renewed token in the
// "token" header when the policy says so.
type SingleServer struct {
	policy SinglePolicy
	tokens *signer
	mux    *http.ServeMux
}

// NewSingleServer returns a single-token server with the given policy.
func NewSingleServer(secret []byte, now func() time.Time, policy SinglePolicy) *SingleServer {
	s := &SingleServer{policy: policy, tokens: newSigner(secret, now), mux: http.NewServeMux()}
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
