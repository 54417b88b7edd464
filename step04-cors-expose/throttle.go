package main

import (
	"container/list"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Login throttling. bcrypt makes one guess slow (about 50 ms of CPU at
// cost 10), not a million of them: alone, it lets anyone guess as fast as
// the server's cores allow, and a flood of wrong passwords takes those
// cores from every other request. So, before a password is checked:
//
//   - at most one bcrypt check per core runs at once; when every slot is
//     busy, the login is refused at once (503 with Retry-After) instead of
//     queueing for the CPU that the rest of the API needs;
//   - failed logins are limited per username: 5, then one more a minute.
//     A user who mistypes a few times hardly notices; a guesser gets about
//     1,440 tries a day at one account, not 20 a second;
//   - and per client address: 20, then one more every 3 seconds. That is
//     room for an office behind one NAT address, while one machine cannot
//     try a few common passwords on every username.
//
// Only failures count: a right password never uses up a limit. A refused
// login (429 with Retry-After) is refused before its password is checked,
// so it costs no bcrypt work, and the right password is refused too until
// the limit lifts: the answer tells a guesser nothing.
const (
	userFailureBurst = 5
	userFailureEvery = time.Minute
	addrFailureBurst = 20
	addrFailureEvery = 3 * time.Second

	// maxTracked caps the entries of each limit table. Every username and
	// every address that fails gets one (about 300 bytes): an attacker
	// sending random usernames, or from many addresses, must not grow the
	// tables without end. 10,000 entries are about 3 MB.
	maxTracked = 10_000

	// busyRetryAfter is what a 503 asks the client to wait: a bcrypt check
	// takes tens of milliseconds, so a slot is free again well before.
	busyRetryAfter = time.Second
)

// checkSlots bounds the password checks in flight: one per core that Go
// uses. It is the process's CPU they share, so the bound is the process's
// too, whatever the number of servers in it.
var checkSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// loginLimits are the failure limits of one login handler.
type loginLimits struct {
	now   func() time.Time // the server's clock; tests pass a fake one
	users *failureTable
	addrs *failureTable
}

func newLoginLimits(now func() time.Time) *loginLimits {
	return &loginLimits{
		now:   now,
		users: newFailureTable(rate.Every(userFailureEvery), userFailureBurst, maxTracked),
		addrs: newFailureTable(rate.Every(addrFailureEvery), addrFailureBurst, maxTracked),
	}
}

// loginRefused says why a login was refused before its password was
// checked: 429 (too many failures) or 503 (every check slot busy).
type loginRefused struct {
	status     int
	retryAfter int // seconds
	message    string
}

func tooManyFailures(whose string, wait time.Duration) *loginRefused {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return &loginRefused{http.StatusTooManyRequests, secs,
		fmt.Sprintf("too many failed logins %s: try again in %d s", whose, secs)}
}

// write answers the refusal in the course's error shape, with Retry-After.
func (e *loginRefused) write(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	writeError(w, e.status, e.message)
}

// loginAttempt is one admitted password check. Its end must be called
// once the check is done.
type loginAttempt struct {
	limits     *loginLimits
	user, addr *failureEntry
}

// begin admits one password check of username from the client address
// addr, or says why not.
func (l *loginLimits) begin(addr, username string) (*loginAttempt, *loginRefused) {
	now := l.now()
	a, wait := l.addrs.admit(addr, now)
	if a == nil {
		return nil, tooManyFailures("from this address", wait)
	}
	u, wait := l.users.admit(username, now)
	if u == nil {
		l.addrs.end(a, false, now)
		return nil, tooManyFailures("for this username", wait)
	}
	select {
	case checkSlots <- struct{}{}:
		return &loginAttempt{limits: l, user: u, addr: a}, nil
	default: // every slot busy: answer now rather than wait for the CPU
		l.addrs.end(a, false, now)
		l.users.end(u, false, now)
		return nil, &loginRefused{http.StatusServiceUnavailable, int(busyRetryAfter / time.Second),
			"the server is busy checking other logins: try again in a second"}
	}
}

// end frees the attempt's slot and counts it against both limits if the
// password was wrong.
func (a *loginAttempt) end(ok bool) {
	<-checkSlots
	now := a.limits.now()
	a.limits.addrs.end(a.addr, !ok, now)
	a.limits.users.end(a.user, !ok, now)
}

// clientAddr is the key of a client's failure limit: the host of
// r.RemoteAddr, the address the TCP connection comes from. Never
// X-Forwarded-For or Forwarded: the client writes those headers itself,
// and a guesser would send a new address with every guess. Behind a
// reverse proxy every client has the proxy's address and shares one limit:
// such a deployment must take the address from the header that its own
// proxy sets, and only on connections from that proxy. An IPv6 client
// usually holds a whole /64 (2^64 addresses): it counts as one address.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		prefix, _ := ip.Prefix(64)
		return prefix.String()
	}
	return ip.String()
}

// failureTable limits failures per key (a username, an address) with one
// token bucket each: a failure takes a token, and a key without a token
// left is refused until one has refilled. Its size is bounded: an entry
// whose bucket is full again is forgotten (a new one would be the same),
// and past maxEntries entries the least recently used one goes.
type failureTable struct {
	every      rate.Limit
	burst      int
	maxEntries int

	mu      sync.Mutex
	entries map[string]*list.Element // each holds a *failureEntry
	byUse   list.List                // most recently used first
}

type failureEntry struct {
	key      string
	limiter  *rate.Limiter
	inFlight int // admitted checks not yet ended: each may still fail
}

func newFailureTable(every rate.Limit, burst, maxEntries int) *failureTable {
	return &failureTable{every: every, burst: burst, maxEntries: maxEntries, entries: map[string]*list.Element{}}
}

// admit returns key's entry, counting one more check in flight, or nil
// and how long until key may try again.
func (t *failureTable) admit(key string, now time.Time) (*failureEntry, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.entry(key, now)
	// Every check in flight may still fail and take a token: admit one
	// more only if a token is left for it too. (Checking the tokens alone
	// would let a burst of concurrent guesses through.)
	need := float64(e.inFlight + 1)
	if tokens := e.limiter.TokensAt(now); tokens < need {
		return nil, time.Duration((need - tokens) / float64(t.every) * float64(time.Second))
	}
	e.inFlight++
	return e, 0
}

// end ends a check that admit admitted; a failed one takes a token.
func (t *failureTable) end(e *failureEntry, failed bool, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e.inFlight--
	if failed {
		e.limiter.AllowN(now, 1)
	}
	if el, ok := t.entries[e.key]; ok && el.Value == e && t.idle(e, now) {
		t.remove(el)
	}
}

// entry returns key's entry, made if there is none, as the most recently
// used. t.mu must be held.
func (t *failureTable) entry(key string, now time.Time) *failureEntry {
	if el, ok := t.entries[key]; ok {
		t.byUse.MoveToFront(el)
		return el.Value.(*failureEntry)
	}
	// Make room: forget the least recently used entries that are idle.
	for el := t.byUse.Back(); el != nil && t.idle(el.Value.(*failureEntry), now); el = t.byUse.Back() {
		t.remove(el)
	}
	// Still full: forget the least recently used one. Its key starts
	// afresh if it comes back; to push it out, an attacker must first fail
	// maxEntries times with other keys, each failure limited too.
	if t.byUse.Len() >= t.maxEntries {
		t.remove(t.byUse.Back())
	}
	e := &failureEntry{key: key, limiter: rate.NewLimiter(t.every, t.burst)}
	t.entries[key] = t.byUse.PushFront(e)
	return e
}

// idle reports whether e is as good as a new entry: nothing in flight,
// its bucket full.
func (t *failureTable) idle(e *failureEntry, now time.Time) bool {
	return e.inFlight == 0 && e.limiter.TokensAt(now) >= float64(t.burst)
}

func (t *failureTable) remove(el *list.Element) {
	delete(t.entries, el.Value.(*failureEntry).key)
	t.byUse.Remove(el)
}

// size is the number of entries held.
func (t *failureTable) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}
