package main

import (
	"container/list"
	"context"
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
//   - failed logins are limited per username from one client address: 5,
//     then one more a minute. A user who mistypes a few times hardly
//     notices; a guesser gets about 1,440 tries a day at one account;
//   - per username from all addresses together: 100, then one more every
//     30 seconds, which bounds a guesser with many addresses. This limit
//     does not apply to an address that this username logged in from
//     within the last 30 days: failing on purpose from elsewhere cannot
//     lock the user out of their usual address (OWASP counts such a
//     lockout as a denial of service). A user on a new address is refused
//     while someone keeps this limit spent: that is the trade;
//   - per client address: 20, then one more every 3 seconds. That is room
//     for an office behind one NAT address, while one machine cannot try a
//     few common passwords on every username;
//   - the bcrypt checks in flight are bounded: one per core, at least 2,
//     and one address holds at most half of them, so a flooding address
//     leaves slots to the others. A login that finds no slot free waits in
//     line for one, at most slotWait (1 s); then it is refused with 503 and
//     Retry-After rather than wait longer for the CPU that the rest of the
//     API needs.
//
// Only failures count: a right password never uses up a limit. A refused
// login (429 with Retry-After) is refused before its password is checked,
// so it costs no bcrypt work, and the right password is refused too until
// the limit lifts: the answer tells a guesser nothing.
const (
	pairFailureBurst = 5
	pairFailureEvery = time.Minute
	userFailureBurst = 100
	userFailureEvery = 30 * time.Second
	addrFailureBurst = 20
	addrFailureEvery = 3 * time.Second

	// trustFor is how long a successful login keeps its address exempt
	// from the username's limit across all addresses.
	trustFor = 30 * 24 * time.Hour

	// maxTracked caps the entries of each limit table. Every username and
	// every address that fails gets one (about 300 bytes): an attacker
	// sending random usernames, or from many addresses, must not grow the
	// tables without end. 10,000 entries are about 3 MB.
	maxTracked = 10_000

	// minCheckSlots: two logins at once (a page that logs in twice, as
	// React's StrictMode does) must not refuse each other on one core.
	minCheckSlots = 2

	// busyRetryAfter is what a 503 asks the client to wait: a bcrypt check
	// takes tens of milliseconds, so a slot is free again well before.
	busyRetryAfter = time.Second
)

// slotWait bounds how long a login waits for a free check slot. A
// variable so that tests can shorten it.
var slotWait = time.Second

// onSlotWait, when not nil, is called as a login starts to wait for a
// slot: tests know then that it waits.
var onSlotWait func()

// checkSlots bounds the password checks in flight: one per core that Go
// uses, at least minCheckSlots. It is the process's CPU they share, so the
// bound is the process's too, whatever the number of servers in it.
var checkSlots = make(chan struct{}, checkSlotsFor(runtime.GOMAXPROCS(0)))

// checkSlotsFor is the number of check slots for procs cores.
func checkSlotsFor(procs int) int { return max(minCheckSlots, procs) }

// addrCheckSlots is how many check slots one client address may hold at
// once: half of them, so a flooding address cannot take every one.
func addrCheckSlots() int { return max(1, cap(checkSlots)/2) }

// loginLimits are the limits of one login handler.
type loginLimits struct {
	now     func() time.Time // the server's clock; tests pass a fake one
	pairs   *failureTable    // username and address together
	users   *failureTable    // username, from every address
	addrs   *failureTable
	trusted *trustTable // username and address of recent successes
}

func newLoginLimits(now func() time.Time) *loginLimits {
	addrs := newFailureTable(rate.Every(addrFailureEvery), addrFailureBurst, maxTracked)
	addrs.slots = addrCheckSlots()
	return &loginLimits{
		now:     now,
		pairs:   newFailureTable(rate.Every(pairFailureEvery), pairFailureBurst, maxTracked),
		users:   newFailureTable(rate.Every(userFailureEvery), userFailureBurst, maxTracked),
		addrs:   addrs,
		trusted: newTrustTable(trustFor, maxTracked),
	}
}

// loginRefused says why a login was refused before its password was
// checked: 429 (too many failures) or 503 (no check slot free in time).
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

var errBusy = &loginRefused{http.StatusServiceUnavailable, int(busyRetryAfter / time.Second),
	"the server is busy checking other logins: try again in a second"}

// write answers the refusal in the course's error shape, with Retry-After.
func (e *loginRefused) write(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	writeError(w, e.status, e.message)
}

// loginAttempt is one admitted password check. Its end must be called
// once the check is done.
type loginAttempt struct {
	limits           *loginLimits
	pairKey          string
	pair, user, addr *failureEntry // user is nil for a trusted address
}

// begin admits one password check of username from the client address
// addr, or says why not. It waits for a check slot at most slotWait, and
// no longer than ctx lasts.
func (l *loginLimits) begin(ctx context.Context, addr, username string) (*loginAttempt, *loginRefused) {
	now := l.now()
	at := &loginAttempt{limits: l, pairKey: username + "\x00" + addr}
	var wait time.Duration
	if at.addr, wait = l.addrs.admit(addr, now); at.addr == nil {
		return nil, tooManyFailures("from this address", wait)
	}
	if at.pair, wait = l.pairs.admit(at.pairKey, now); at.pair == nil {
		at.release(false, now)
		return nil, tooManyFailures("for this username from your address", wait)
	}
	if !l.trusted.has(at.pairKey, now) {
		if at.user, wait = l.users.admit(username, now); at.user == nil {
			at.release(false, now)
			return nil, tooManyFailures("for this username", wait)
		}
	}

	// A slot of the address's own, then one of the process's: in line,
	// first come first served, for at most slotWait.
	ctx, cancel := context.WithTimeout(ctx, slotWait)
	defer cancel()
	if !takeSlot(ctx, at.addr.slots) {
		at.release(false, now)
		return nil, errBusy
	}
	if !takeSlot(ctx, checkSlots) {
		<-at.addr.slots
		at.release(false, now)
		return nil, errBusy
	}
	return at, nil
}

// takeSlot takes a slot of slots, waiting until ctx is done.
func takeSlot(ctx context.Context, slots chan struct{}) bool {
	select {
	case slots <- struct{}{}:
		return true
	default:
	}
	if onSlotWait != nil {
		onSlotWait()
	}
	select {
	case slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// end frees the attempt's slots and counts it against every limit if the
// password was wrong; a right one makes the address trusted for the
// username.
func (a *loginAttempt) end(ok bool) {
	<-checkSlots
	<-a.addr.slots
	now := a.limits.now()
	if ok {
		a.limits.trusted.add(a.pairKey, now)
	}
	a.release(!ok, now)
}

// release ends the attempt in each table that admitted it.
func (a *loginAttempt) release(failed bool, now time.Time) {
	for _, e := range []struct {
		t *failureTable
		e *failureEntry
	}{{a.limits.addrs, a.addr}, {a.limits.pairs, a.pair}, {a.limits.users, a.user}} {
		if e.e != nil {
			e.t.end(e.e, failed, now)
		}
	}
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
	slots      int // check slots per key, when not 0

	mu      sync.Mutex
	entries map[string]*list.Element // each holds a *failureEntry
	byUse   list.List                // most recently used first
}

type failureEntry struct {
	key      string
	limiter  *rate.Limiter
	inFlight int           // admitted checks not yet ended: each may still fail
	slots    chan struct{} // the check slots the key holds
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
	if t.slots > 0 {
		e.slots = make(chan struct{}, t.slots)
	}
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

// trustTable remembers when each key (a username and an address) last
// logged in, for keep; past maxEntries keys, the least recently used one
// is forgotten. Only a right password adds a key, so a guesser cannot
// push the real user's out.
type trustTable struct {
	keep       time.Duration
	maxEntries int

	mu      sync.Mutex
	entries map[string]*list.Element // each holds a *trustEntry
	byUse   list.List                // most recently used first
}

type trustEntry struct {
	key string
	at  time.Time
}

func newTrustTable(keep time.Duration, maxEntries int) *trustTable {
	return &trustTable{keep: keep, maxEntries: maxEntries, entries: map[string]*list.Element{}}
}

// add records a success of key at now.
func (t *trustTable) add(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if el, ok := t.entries[key]; ok {
		el.Value.(*trustEntry).at = now
		t.byUse.MoveToFront(el)
		return
	}
	if t.byUse.Len() >= t.maxEntries {
		back := t.byUse.Back()
		delete(t.entries, back.Value.(*trustEntry).key)
		t.byUse.Remove(back)
	}
	t.entries[key] = t.byUse.PushFront(&trustEntry{key: key, at: now})
}

// has reports whether key succeeded within keep before now.
func (t *trustTable) has(key string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	el, ok := t.entries[key]
	if !ok {
		return false
	}
	if now.Sub(el.Value.(*trustEntry).at) >= t.keep {
		delete(t.entries, key)
		t.byUse.Remove(el)
		return false
	}
	return true
}
