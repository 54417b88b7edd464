package compare

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Row is what one scheme cost on one trace.
type Row struct {
	Trace, Scheme string
	Requests      int    // the user's own requests
	Signed        int64  // tokens the server signed, logins included
	ExtraTrips    int64  // requests the client made beyond the user's own and the logins: refreshes, replays
	Relogins      int    // logins forced on the user after the first
	Seen401       int    // requests that ended in a 401 for the user
	Stolen        string // how long the stolen credential stayed usable ("–": no theft)
}

// Schemes are the three ways to keep a user logged in.
var Schemes = []string{"renew on every response (step 03)", "near expiry + 30-day cap (step 05)", "access 30 min + refresh 7 d, rotated"}

// Simulate runs every trace against every scheme, deterministically for a
// given seed.
func Simulate(seed uint64) []Row {
	var rows []Row
	for _, tr := range traces() {
		for i := range Schemes {
			rows = append(rows, simulate(tr, i, seed))
		}
	}
	return rows
}

// Table renders rows as a Markdown table.
func Table(rows []Row) string {
	var b strings.Builder
	b.WriteString("| trace | scheme | user requests | tokens signed | extra round trips | forced re-logins | 401s the user saw | stolen credential usable |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %d | %s |\n",
			r.Trace, r.Scheme, r.Requests, r.Signed, r.ExtraTrips, r.Relogins, r.Seen401, r.Stolen)
	}
	return b.String()
}

// A trace is a user's activity: when they send requests, how many at once,
// and whether a thief copies their credential.
type trace struct {
	name    string
	horizon time.Duration
	theftAt time.Duration // 0: no theft
	visits  func(rng *rand.Rand) []visit
}

// visit is n parallel requests at one time after login.
type visit struct {
	at time.Duration
	n  int
}

// start is the login time of every trace.
var start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func traces() []trace {
	// dailyVisits: each day, at a random time between 07:00 and 23:00, three
	// requests a minute apart (except on idle days).
	dailyVisits := func(days int, idle func(d int) bool) func(*rand.Rand) []visit {
		return func(rng *rand.Rand) []visit {
			var vs []visit
			for d := range days {
				if idle != nil && idle(d) {
					continue
				}
				at := time.Duration(d)*day - 2*time.Hour + time.Duration(rng.IntN(16*60))*time.Minute
				if at < 0 {
					at += 2 * time.Hour
				}
				for i := range 3 {
					vs = append(vs, visit{at: at + time.Duration(i)*time.Minute, n: 1})
				}
			}
			return vs
		}
	}
	return []trace{
		{name: "daily user, 30 days", horizon: 30 * day, visits: dailyVisits(30, nil)},
		{name: "weekly user, 8 weeks", horizon: 56 * day, visits: func(rng *rand.Rand) []visit {
			var vs []visit
			for w := range 8 {
				at := time.Duration(w)*7*day + time.Duration(rng.IntN(12*60))*time.Minute
				for i := range 3 {
					vs = append(vs, visit{at: at + time.Duration(i)*time.Minute, n: 1})
				}
			}
			return vs
		}},
		{name: "idle 10 days (days 5–14)", horizon: 30 * day, visits: dailyVisits(30, func(d int) bool { return d >= 5 && d < 15 })},
		{name: "5 parallel requests, 1 h before the 7-day expiry", horizon: 7 * day, visits: func(*rand.Rand) []visit {
			return []visit{{at: 0, n: 1}, {at: 7*day - time.Hour, n: 5}}
		}},
		{name: "credential stolen on day 2, used hourly", horizon: 60 * day, theftAt: 2*day + 14*time.Hour, visits: dailyVisits(60, nil)},
	}
}

// simClock is the simulation's clock, moved by the driver.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// simServer and simClient are what the driver needs of each scheme.
type simServer interface {
	http.Handler
	Signed() int64
}

type simClient interface {
	Login(ctx context.Context) error
	Get(ctx context.Context, path string) (int, error)
}

const apiURL = "http://api.test"

var simSecret = []byte("simulation-secret-of-32-bytes!!!")

// newScheme returns scheme i's server, its user's client, and a function
// that copies the user's credential into a thief's client.
func newScheme(i int, now func() time.Time, user *transport) (simServer, simClient, func(*transport) simClient) {
	switch i {
	case 0, 1:
		policy := EveryResponse
		if i == 1 {
			policy = NearExpiry
		}
		srv := NewSingleServer(simSecret, now, policy)
		c := &SingleClient{Base: user, BaseURL: apiURL}
		return srv, c, func(rt *transport) simClient { return c.Copy(rt) }
	default:
		srv := NewDoubleServer(simSecret, now)
		c := &DoubleClient{Base: user, BaseURL: apiURL}
		return srv, c, func(rt *transport) simClient { return c.Copy(rt) }
	}
}

// simulate drives one trace against one scheme.
func simulate(tr trace, scheme int, seed uint64) Row {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, uint64(len(tr.name))))
	clock := &simClock{now: start}
	user := &transport{}
	srv, client, steal := newScheme(scheme, clock.Now, user)
	user.h = srv
	row := Row{Trace: tr.name, Scheme: Schemes[scheme], Stolen: "–"}

	logins := 0
	login := func() {
		if err := client.Login(ctx); err != nil {
			panic(fmt.Sprintf("simulation: login: %v", err)) // the demo user always logs in
		}
		logins++
	}
	login()

	// The user's visits, and the thief's hourly requests, in time order.
	type step struct {
		at    time.Duration
		n     int // > 0: the user's visit of n requests; 0: the thief
		theft bool
	}
	var steps []step
	for _, v := range tr.visits(rng) {
		steps = append(steps, step{at: v.at, n: v.n})
	}
	if tr.theftAt > 0 {
		steps = append(steps, step{at: tr.theftAt, theft: true})
		for at := tr.theftAt + time.Hour; at <= tr.horizon; at += time.Hour {
			steps = append(steps, step{at: at})
		}
	}
	slices.SortStableFunc(steps, func(a, b step) int { return int(a.at - b.at) })

	var (
		thief        simClient
		stolenAt     time.Time
		lastStolenOK time.Time
		lastThiefTry time.Time
	)
	for _, s := range steps {
		clock.set(start.Add(s.at))
		switch {
		case s.theft:
			thief, stolenAt = steal(&transport{h: srv}), clock.Now()
		case s.n == 0:
			lastThiefTry = clock.Now()
			if status, _ := thief.Get(ctx, "/bbb"); status == http.StatusOK {
				lastStolenOK = clock.Now()
			}
		default:
			row.Requests += s.n
			failed := burst(ctx, client, user, s.n)
			if failed > 0 {
				row.Seen401 += failed
				login() // the user logs in again, and repeats what failed
				for range failed {
					row.Requests++
					if status, _ := client.Get(ctx, "/bbb"); status != http.StatusOK {
						panic("simulation: a request right after login failed")
					}
				}
			}
		}
	}

	row.Signed = srv.Signed()
	row.Relogins = logins - 1
	row.ExtraTrips = user.count.Load() - int64(row.Requests) - int64(logins)
	if thief != nil {
		row.Stolen = stolenFor(stolenAt, lastStolenOK, lastThiefTry)
	}
	return row
}

// burst sends n requests at once: all of them leave, with the same
// credential, before any answer comes back. It returns how many ended in
// a 401.
func burst(ctx context.Context, c simClient, rt *transport, n int) (failed int) {
	if n == 1 {
		if status, _ := c.Get(ctx, "/bbb"); status == http.StatusUnauthorized {
			return 1
		}
		return 0
	}
	rt.hold(n)
	var (
		wg    sync.WaitGroup
		count atomic.Int64
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, _ := c.Get(ctx, "/bbb"); status == http.StatusUnauthorized {
				count.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(count.Load())
}

// stolenFor says how long a stolen credential served the thief.
func stolenFor(stolen, lastOK, lastTry time.Time) string {
	switch {
	case lastOK.IsZero():
		return "never"
	case lastOK.Equal(lastTry):
		return fmt.Sprintf("≥ %s (to the end of the trace)", days(lastOK.Sub(stolen)))
	default:
		return days(lastOK.Sub(stolen))
	}
}

func days(d time.Duration) string {
	if d < day {
		return fmt.Sprintf("%.0f h", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// transport sends requests straight to a handler and counts them. hold(n)
// keeps the next n requests for /bbb until all n have been sent.
type transport struct {
	h     http.Handler
	count atomic.Int64

	mu      sync.Mutex
	waiting int
	release chan struct{}
}

func (t *transport) hold(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.waiting, t.release = n, make(chan struct{})
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.count.Add(1)
	t.mu.Lock()
	var wait chan struct{}
	if t.waiting > 0 && req.URL.Path == "/bbb" {
		t.waiting--
		wait = t.release
		if t.waiting == 0 {
			close(t.release)
		}
	}
	t.mu.Unlock()
	if wait != nil {
		<-wait
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	return rec.Result(), nil
}
