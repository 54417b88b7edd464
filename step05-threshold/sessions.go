package main

import (
	"context"
	"sync"
	"time"
)

// SessionStore remembers which sessions have ended, for the guard to ask
// on every request and the logout routes to tell (logout.go). A session
// is one login: every token that carries its sid, the first one and every
// renewal of it.
//
// Every method may fail (a store across the network can be down): an
// error means "could not tell" or "could not record", never "no".
type SessionStore interface {
	// Ended reports whether the session sid of user, which started at
	// authTime, has ended: by a logout of that sid, or by a logout
	// everywhere of user after authTime.
	Ended(ctx context.Context, user, sid string, authTime time.Time) (bool, error)
	// End ends the session sid of user. The store may forget it after
	// until: pass the moment every token of the session has expired
	// anyway.
	End(ctx context.Context, user, sid string, until time.Time) error
	// EndAll ends every session of user that started before before (in
	// whole seconds: auth_time < before), the cut-off of "log out
	// everywhere"; a session that starts after it lives on. The store may
	// forget the cut-off after until: pass the moment every session it
	// ends has expired anyway.
	EndAll(ctx context.Context, user string, before, until time.Time) error
}

// memorySessions is the store in memory, the default: a denylist, one
// entry per ended session and one cut-off per user who logged out
// everywhere, each forgotten at its until. It is lost when the process
// stops (see the README: a restart brings ended sessions back), and one
// process cannot see another's (the Redis store shares them).
type memorySessions struct {
	now     func() time.Time
	mu      sync.RWMutex
	ended   map[sessionKey]time.Time // a session logged out → its until
	cutoffs map[string]cutoff        // a user who logged out everywhere → the cut-off
	sweepAt time.Time                // the earliest until held: nothing to forget before
}

type sessionKey struct{ user, sid string }

type cutoff struct{ before, until time.Time }

func newMemorySessions(now func() time.Time) *memorySessions {
	return &memorySessions{now: now, ended: map[sessionKey]time.Time{}, cutoffs: map[string]cutoff{}}
}

// Ended is on every guarded request's path: two map lookups under a read
// lock, and the clock is read only for an entry found.
func (s *memorySessions) Ended(_ context.Context, user, sid string, authTime time.Time) (bool, error) {
	s.mu.RLock()
	until, loggedOut := s.ended[sessionKey{user, sid}]
	c, cutOff := s.cutoffs[user]
	s.mu.RUnlock()
	if !loggedOut && !cutOff {
		return false, nil // the common case
	}
	now := s.now()
	return (loggedOut && now.Before(until)) ||
		(cutOff && now.Before(c.until) && authTime.Before(c.before)), nil
}

func (s *memorySessions) End(_ context.Context, user, sid string, until time.Time) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	if old, ok := s.ended[sessionKey{user, sid}]; !ok || until.After(old) {
		s.ended[sessionKey{user, sid}] = until
	}
	s.remember(until)
	return nil
}

func (s *memorySessions) EndAll(_ context.Context, user string, before, until time.Time) error {
	now := s.now()
	before = before.Truncate(time.Second) // auth_time is whole seconds
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	c := s.cutoffs[user]
	if before.After(c.before) { // a cut-off only moves forward
		c.before = before
	}
	if until.After(c.until) {
		c.until = until
	}
	s.cutoffs[user] = c
	s.remember(until)
	return nil
}

// remember notes that an entry must be forgotten at until; s.mu is held.
func (s *memorySessions) remember(until time.Time) {
	if s.sweepAt.IsZero() || until.Before(s.sweepAt) {
		s.sweepAt = until
	}
}

// sweep forgets every entry whose until has passed, once the earliest has;
// s.mu is held. It runs on writes only, so the guard's reads never wait
// for it; an entry past its until is ignored by Ended meanwhile.
func (s *memorySessions) sweep(now time.Time) {
	if s.sweepAt.IsZero() || now.Before(s.sweepAt) {
		return
	}
	s.sweepAt = time.Time{}
	for k, until := range s.ended {
		if !now.Before(until) {
			delete(s.ended, k)
		} else {
			s.remember(until)
		}
	}
	for user, c := range s.cutoffs {
		if !now.Before(c.until) {
			delete(s.cutoffs, user)
		} else {
			s.remember(c.until)
		}
	}
}

// len is how many entries the store holds, expired or not.
func (s *memorySessions) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.ended) + len(s.cutoffs)
}
