package compare

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The double-token lifetimes of the chapter before this one, and an
// absolute lifetime for each login's family, the same 30 days as step 05's
// cap (RFC 9700 §4.14.2 asks for refresh tokens that expire).
const (
	AccessTTL      = 30 * time.Minute
	RefreshTTL     = 7 * day
	FamilyLifetime = 30 * day
)

// DoubleServer is the double-token scheme, done as RFC 9700 §4.14.2 asks:
//   - POST /user/login answers {"access_token", "refresh_token"};
//   - POST /user/refresh with {"refresh_token": …} in the body (never the
//     query string: URLs end up in logs) answers a new pair, and the
//     refresh token presented is spent (rotation);
//   - presenting a spent refresh token again means two parties hold it: the
//     whole family (every refresh token of that login) is revoked;
//   - an access token is not a refresh token (typ): /user/refresh refuses
//     it and leaves its family alone, or anyone who saw an access token
//     could log the user out;
//   - GET /bbb takes an access token only;
//   - every token of a family carries the login's auth_time, copied on
//     every refresh, and none outlives auth_time + FamilyLifetime: then
//     the user logs in again, however often they refresh.
//
// The server keeps one small record per family, and only while the family
// can still refresh: a revoked family is dropped at once, an expired one
// by a sweep (at most once per sweepEvery, on a login or a refresh). Once
// a family is gone, every refresh token of it is refused: each one has
// expired, or it belongs to a revoked family; reuse detection is needed
// only while the family lives.
//
// Access tokens stay stateless: a revoked family's access token lives on
// until it expires, at most AccessTTL.
type DoubleServer struct {
	tokens *signer
	mux    *http.ServeMux

	// shared, when set, keeps the families instead of s.families: in
	// Redis, shared by several instances (families_redis.go).
	shared FamilyStore

	mu        hookedMutex
	families  map[string]family // the live families, by sid
	nextSweep time.Time
	reuses    atomic.Int64
}

// family is the refresh state of one login.
type family struct {
	current string    // the jti of the one refresh token that may be used
	expires time.Time // when that refresh token expires, and the family with it
	user    string    // whose login it is
}

// sweepEvery is how often, at most, expired families are dropped.
const sweepEvery = time.Minute

// NewDoubleServer returns a double-token server.
func NewDoubleServer(secret []byte, now func() time.Time) *DoubleServer {
	s := &DoubleServer{tokens: newSigner(secret, now), mux: http.NewServeMux(), families: map[string]family{}}
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

// Families is the number of families the server keeps.
func (s *DoubleServer) Families() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.families)
}

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
	if s.shared != nil {
		s.loginShared(w, r, user)
		return
	}
	s.mu.Lock()
	p, err := s.rotate(user, newID(), s.tokens.clock())
	s.mu.Unlock()
	answerPair(w, p, err, http.StatusCreated)
}

func (s *DoubleServer) refresh(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RefreshToken string `json:"refresh_token"`
	}
	if !decodeJSON(w, r, &body) {
		return
	}
	c, err := s.tokens.verify(body.RefreshToken, "refresh")
	if err == nil && c.AuthTime == nil {
		err = errors.New("auth_time claim is missing")
	}
	if err != nil {
		writeError(w, http.StatusUnauthorized, "refresh token invalid or expired, please log in again")
		return
	}
	if s.shared != nil {
		s.refreshShared(w, r, c)
		return
	}
	s.mu.Lock()
	f, live := s.families[c.Family]
	switch {
	case !live:
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, "session revoked, please log in again")
		return
	case f.current != c.ID:
		delete(s.families, c.Family) // a spent token came back: someone else has a copy
		s.mu.Unlock()
		s.reuses.Add(1)
		writeError(w, http.StatusUnauthorized, "refresh token reused: session revoked, please log in again")
		return
	}
	p, err := s.rotate(c.Username, c.Family, c.AuthTime.Time) // checked and spent in one step: no second use can slip in
	s.mu.Unlock()
	answerPair(w, p, err, http.StatusOK)
}

// rotate signs a new pair in family sid (a new one for a login, at
// authTime) and makes its refresh token the family's current one. Neither
// token outlives authTime + FamilyLifetime. s.mu is held.
func (s *DoubleServer) rotate(user, sid string, authTime time.Time) (pair, error) {
	now := s.tokens.clock()
	s.sweep(now)
	p, jti, expires, err := s.signPair(user, sid, authTime, now)
	if err != nil {
		return pair{}, err
	}
	s.families[sid] = family{current: jti, expires: expires, user: user}
	return p, nil
}

// signPair signs a pair of family sid at now, and returns it with the
// refresh token's jti and exp.
func (s *DoubleServer) signPair(user, sid string, authTime, now time.Time) (pair, string, time.Time, error) {
	end := authTime.Add(FamilyLifetime)
	auth := jwt.NewNumericDate(authTime)
	access, _, err := s.tokens.sign(claims{Username: user, Typ: "access", Family: sid, AuthTime: auth}, earliest(now.Add(AccessTTL), end))
	if err != nil {
		return pair{}, "", time.Time{}, err
	}
	expires := earliest(now.Add(RefreshTTL), end)
	refresh, jti, err := s.tokens.sign(claims{Username: user, Typ: "refresh", Family: sid, AuthTime: auth}, expires)
	if err != nil {
		return pair{}, "", time.Time{}, err
	}
	return pair{AccessToken: access, RefreshToken: refresh}, jti, expires, nil
}

// earliest returns the earlier of a and b.
func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// sweep drops the families whose refresh token has expired, at most once
// per sweepEvery. s.mu is held.
func (s *DoubleServer) sweep(now time.Time) {
	if now.Before(s.nextSweep) {
		return
	}
	s.nextSweep = now.Add(sweepEvery)
	for sid, f := range s.families {
		if !now.Before(f.expires) {
			delete(s.families, sid)
		}
	}
}

// answerPair answers a login or a refresh.
func answerPair(w http.ResponseWriter, p pair, err error, status int) {
	if err != nil {
		writeError(w, http.StatusInternalServerError, "could not sign a token")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

func (s *DoubleServer) bbb(w http.ResponseWriter, r *http.Request) {
	if _, err := s.tokens.verify(bearer(r), "access"); err != nil {
		writeError(w, http.StatusUnauthorized, "token invalid or expired")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, "bbb")
}

// LogoutAll ends every session of user: it drops every family of user, so
// that no refresh token of theirs works again. Their access tokens are not
// checked against anything: each lives on until its exp, at most
// AccessTTL.
func (s *DoubleServer) LogoutAll(user string) {
	if s.shared != nil {
		s.shared.DropUser(context.Background(), user)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for sid, f := range s.families {
		if f.user == user {
			delete(s.families, sid)
		}
	}
}

// hookedMutex is a sync.Mutex that a test can interrupt: beforeLock, when
// set, runs before each Lock, on the goroutine that locks. With it a test
// puts another refresh exactly between two steps of one, where a race
// would put it only now and then (TestDoubleRefreshIsAtomic). Nil outside
// tests: then it is a plain sync.Mutex.
type hookedMutex struct {
	sync.Mutex
	beforeLock func()
}

func (m *hookedMutex) Lock() {
	if m.beforeLock != nil {
		m.beforeLock()
	}
	m.Mutex.Lock()
}
