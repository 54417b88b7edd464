package compare

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// The double-token lifetimes of the chapter before this one.
const (
	AccessTTL  = 30 * time.Minute
	RefreshTTL = 7 * day
)

// DoubleServer is the double-token scheme, done as RFC 9700 §4.14.2 asks:
//   - POST /user/login answers {"access_token", "refresh_token"};
//   - POST /user/refresh with {"refresh_token": …} in the body (never the
//     query string: URLs end up in logs) answers a new pair, and the
//     refresh token presented is spent (rotation);
//   - presenting a spent refresh token again means two parties hold it: the
//     whole family (every refresh token of that login) is revoked;
//   - GET /bbb takes an access token only.
//
// Access tokens stay stateless: a revoked family's access token lives on
// until it expires, at most AccessTTL.
type DoubleServer struct {
	tokens *signer
	mux    *http.ServeMux

	mu       sync.Mutex
	families map[string]*family // by sid
	reuses   atomic.Int64
}

// family is the refresh state of one login.
type family struct {
	current string // the jti of the one refresh token that may be used
	revoked bool
}

// NewDoubleServer returns a double-token server.
func NewDoubleServer(secret []byte, now func() time.Time) *DoubleServer {
	s := &DoubleServer{tokens: newSigner(secret, now), mux: http.NewServeMux(), families: map[string]*family{}}
	s.mux.HandleFunc("POST /user/login", s.login)
	s.mux.HandleFunc("POST /user/refresh", s.refresh)
	s.mux.HandleFunc("GET /bbb", s.bbb)
	return s
}

func (s *DoubleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Signed is the number of tokens signed so far (two per login or refresh).
func (s *DoubleServer) Signed() int64 { return s.tokens.signed.Load() }

// ReusesDetected is the number of spent refresh tokens presented again.
func (s *DoubleServer) ReusesDetected() int64 { return s.reuses.Load() }

// pair is the body of a login or refresh answer.
type pair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

func (s *DoubleServer) login(w http.ResponseWriter, r *http.Request) {
	user, ok := checkLogin(w, r)
	if !ok {
		return
	}
	s.issue(w, user, "", http.StatusCreated)
}

func (s *DoubleServer) refresh(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RefreshToken string `json:"refresh_token"`
	}
	if !decodeJSON(w, r, &body) {
		return
	}
	c, err := s.tokens.verify(body.RefreshToken, "refresh")
	if err != nil {
		writeError(w, http.StatusUnauthorized, "refresh token invalid or expired, please log in again")
		return
	}
	s.mu.Lock()
	f := s.families[c.Family]
	switch {
	case f == nil || f.revoked:
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, "session revoked, please log in again")
		return
	case f.current != c.ID:
		f.revoked = true // a spent token came back: someone else has a copy
		s.mu.Unlock()
		s.reuses.Add(1)
		writeError(w, http.StatusUnauthorized, "refresh token reused: session revoked, please log in again")
		return
	}
	f.current = "" // spent, whatever happens next
	s.mu.Unlock()
	s.issue(w, c.Username, c.Family, http.StatusOK)
}

// issue signs a new pair in family sid (a new family when sid is "").
func (s *DoubleServer) issue(w http.ResponseWriter, user, sid string, status int) {
	now := s.tokens.clock()
	if sid == "" {
		sid = newID()
	}
	access, _, err := s.tokens.sign(claims{Username: user, Typ: "access", Family: sid}, now.Add(AccessTTL))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "could not sign a token")
		return
	}
	refresh, jti, err := s.tokens.sign(claims{Username: user, Typ: "refresh", Family: sid}, now.Add(RefreshTTL))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "could not sign a token")
		return
	}
	s.mu.Lock()
	f := s.families[sid]
	if f == nil {
		f = &family{}
		s.families[sid] = f
	}
	f.current = jti
	s.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(pair{AccessToken: access, RefreshToken: refresh})
}

func (s *DoubleServer) bbb(w http.ResponseWriter, r *http.Request) {
	if _, err := s.tokens.verify(bearer(r), "access"); err != nil {
		writeError(w, http.StatusUnauthorized, "token invalid or expired")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, "bbb")
}
