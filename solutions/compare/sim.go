package compare

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Seeds and TheftSeeds are how many seeds the README's table runs: a trace
// with random visit times is run once per seed (1, 2, …), and each figure
// shows the smallest and the largest value seen (one figure when they
// agree). A trace with a thief costs several times more requests: it runs
// fewer seeds.
const (
	Seeds      = 100
	TheftSeeds = 25
)

// Row is what one scheme cost on one trace, over every seed run.
type Row struct {
	Trace, Scheme string
	Requests      Span[int]           // the user's own requests
	Signed        Span[int64]         // tokens the server signed, logins included
	ExtraTrips    Span[int64]         // requests the client made beyond the user's own and the logins: refreshes, replays
	Relogins      Span[int]           // logins forced on the user after the first, and why:
	Idle          Span[int]           //   the credential expired while the user was away
	Cap           Span[int]           //   the session reached its absolute lifetime (30 days)
	Revoked       Span[int]           //   reuse detection revoked the session
	Seen401       Span[int]           // requests that ended in a 401 for the user
	Theft         bool                // the trace has a thief
	Stolen        Span[time.Duration] // how long the stolen credential served the thief (runs where it did)
	StolenToEnd   int                 // runs in which the thief was still served at the end of the trace
	StolenNever   int                 // runs in which the thief was never served
	Runs          int                 // seeds run (1 for a trace without randomness)
}

// Span is the smallest and the largest of the values added.
type Span[T cmp.Ordered] struct {
	Min, Max T
	set      bool
}

func (s *Span[T]) add(v T) {
	if !s.set {
		s.Min, s.Max, s.set = v, v, true
		return
	}
	s.Min, s.Max = min(s.Min, v), max(s.Max, v)
}

// String writes "min–max", or one figure when they agree.
func (s Span[T]) String() string {
	if s.Min == s.Max {
		return fmt.Sprint(s.Min)
	}
	return fmt.Sprintf("%v–%v", s.Min, s.Max)
}

// Schemes are the four ways to keep a user logged in. Both double-token
// clients talk to the same server: a 30-minute access token, a 7-day
// refresh token rotated on every use, for at most 30 days per login. The
// fifth is step 05 with its store of ended sessions: it differs from the
// second only when the user logs out, so it runs only on the traces where
// the user does (trace.logoutAllOn).
var Schemes = []string{
	"renew on every response (step 03)",
	"near expiry + 30-day cap (step 05)",
	"double token, refresh on a 401",
	"double token, refresh ahead of exp",
	"near expiry + 30-day cap + log out everywhere (step 05)",
}

// revocable is the index in Schemes of step 05 with ended sessions.
const revocable = 4

// Ahead is how close to its exp the proactive double-token client refreshes
// an access token before sending it.
const Ahead = 10 * time.Second

// Simulate runs every trace against every scheme: a trace with random visit
// times once per seed, 1 to seeds (theftSeeds for a trace with a thief),
// the others once. It is deterministic, whatever the number of goroutines
// it runs on.
func Simulate(seeds, theftSeeds int) []Row {
	type job struct {
		trace, scheme int
		seed          uint64
	}
	trs := traces()
	var jobs []job
	for ti, tr := range trs {
		n := seeds
		switch {
		case !tr.random:
			n = 1
		case tr.theftAt > 0:
			n = theftSeeds
		}
		for si := range Schemes {
			if si == revocable && tr.logoutAllOn == 0 {
				continue // the same as step 05 without it: nobody logs out
			}
			for seed := 1; seed <= n; seed++ {
				jobs = append(jobs, job{ti, si, uint64(seed)})
			}
		}
	}
	runs := make([]run, len(jobs))
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(jobs)); i = next.Add(1) - 1 {
				j := jobs[i]
				runs[i] = simulate(trs[j.trace], j.scheme, j.seed)
			}
		})
	}
	wg.Wait()

	var rows []Row
	for i, j := range jobs {
		if i == 0 || jobs[i-1].trace != j.trace || jobs[i-1].scheme != j.scheme {
			rows = append(rows, Row{Trace: trs[j.trace].name, Scheme: Schemes[j.scheme], Theft: trs[j.trace].theftAt > 0})
		}
		rows[len(rows)-1].add(runs[i])
	}
	return rows
}

// run is what one scheme cost on one trace with one seed.
type run struct {
	requests, idle, capped, revoked, seen401 int
	signed, extraTrips                       int64
	stolen                                   time.Duration // how long the stolen credential served the thief
	stolenToEnd                              bool          // and it still did at the end of the trace
	stolenNever                              bool          // refused from the start
}

func (r *Row) add(x run) {
	r.Runs++
	r.Requests.add(x.requests)
	r.Signed.add(x.signed)
	r.ExtraTrips.add(x.extraTrips)
	r.Relogins.add(x.idle + x.capped + x.revoked)
	r.Idle.add(x.idle)
	r.Cap.add(x.capped)
	r.Revoked.add(x.revoked)
	r.Seen401.add(x.seen401)
	if r.Theft {
		if x.stolenNever {
			r.StolenNever++
			return
		}
		r.Stolen.add(x.stolen)
		if x.stolenToEnd {
			r.StolenToEnd++
		}
	}
}

// TableHeaders are the table's header rows, by language: the README
// (en) and its Chinese sibling (zh). The rows under them are the same in
// both.
var TableHeaders = map[string]string{
	"en": "| trace | scheme | user requests | tokens signed | extra round trips | forced re-logins (why) | 401s the user saw | stolen credential usable |",
	"zh": "| 场景 | 方案 | 用户请求数 | 签发的 token 数 | 额外往返次数 | 被迫重新登录次数（原因） | 用户看到的 401 次数 | 被盗凭证可用时长 |",
}

// Table renders rows as a Markdown table, under the header of a language
// of TableHeaders.
func Table(lang string, rows []Row) string {
	var b strings.Builder
	b.WriteString(TableHeaders[lang] + "\n")
	b.WriteString("|---|---|--:|--:|--:|---|--:|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.Trace, r.Scheme, r.Requests, r.Signed, r.ExtraTrips, r.relogins(), r.Seen401, r.stolen())
	}
	return b.String()
}

// relogins says how many logins were forced on the user, and why.
func (r Row) relogins() string {
	var why []string
	for _, c := range []struct {
		name string
		n    Span[int]
	}{{"idle", r.Idle}, {"cap", r.Cap}, {"theft", r.Revoked}} {
		if c.n.Max > 0 {
			why = append(why, c.n.String()+" "+c.name)
		}
	}
	if len(why) == 0 {
		return r.Relogins.String()
	}
	return r.Relogins.String() + " (" + strings.Join(why, ", ") + ")"
}

// stolen says how long the stolen credential served the thief.
func (r Row) stolen() string {
	switch {
	case !r.Theft:
		return "–"
	case r.StolenNever == r.Runs:
		return "never"
	case r.StolenNever > 0:
		return fmt.Sprintf("never in %d of %d runs, else %s", r.StolenNever, r.Runs, daySpan(r.Stolen))
	}
	s := daySpan(r.Stolen)
	switch r.StolenToEnd {
	case 0:
		return s
	case r.Runs:
		return "≥ " + s + " (to the end of the trace)"
	default:
		return fmt.Sprintf("%s (to the end of the trace in %d of %d runs)", s, r.StolenToEnd, r.Runs)
	}
}

// A trace is a user's activity: when they send requests, how many at once,
// and whether a thief copies their credential.
type trace struct {
	name        string
	horizon     time.Duration
	random      bool          // visits depend on the seed
	theftAt     time.Duration // 0: no theft
	accessOnly  bool          // the thief copies the access token only, during the victim's first request on the day of theftAt
	logoutAllOn time.Duration // > 0: the victim logs out everywhere (then in again) before their first visit on or after this day
	visits      func(rng *rand.Rand) []visit
}

// visit is n parallel requests at one time after login.
type visit struct {
	at time.Duration
	n  int
}

// start is the login time of every trace.
var start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// theftAt: the thief copies the credential on day 2, at 23:00 (or, for
// the access token, during the victim's first request of day 2), and uses
// it at once and then every thiefEvery, for as long as it works.
const (
	theftAt    = 2*day + 14*time.Hour
	thiefEvery = 4 * time.Hour
)

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
	// weeklyVisits: each week, at a random time in the first 12 hours of
	// the week's first day, three requests a minute apart.
	weeklyVisits := func(weeks int) func(*rand.Rand) []visit {
		return func(rng *rand.Rand) []visit {
			var vs []visit
			for w := range weeks {
				at := time.Duration(w)*7*day + time.Duration(rng.IntN(12*60))*time.Minute
				for i := range 3 {
					vs = append(vs, visit{at: at + time.Duration(i)*time.Minute, n: 1})
				}
			}
			return vs
		}
	}
	return []trace{
		{name: "daily user, 30 days", horizon: 30 * day, random: true, visits: dailyVisits(30, nil)},
		{name: "weekly user, 8 weeks", horizon: 56 * day, random: true, visits: weeklyVisits(8)},
		{name: "idle 10 days (days 5–14)", horizon: 30 * day, random: true, visits: dailyVisits(30, func(d int) bool { return d >= 5 && d < 15 })},
		{name: "5 parallel requests, 1 h before the 7-day expiry", horizon: 7 * day, visits: func(*rand.Rand) []visit {
			return []visit{{at: 0, n: 1}, {at: 7*day - time.Hour, n: 5}}
		}},
		{name: "stolen on day 2, victim daily", horizon: 35 * day, random: true, theftAt: theftAt, visits: dailyVisits(35, nil)},
		{name: "stolen on day 2, victim stops", horizon: 35 * day, random: true, theftAt: theftAt, visits: dailyVisits(3, nil)},
		{name: "stolen on day 2, victim idle 10 days (days 3–12)", horizon: 35 * day, random: true, theftAt: theftAt,
			visits: dailyVisits(35, func(d int) bool { return d >= 3 && d < 13 })},
		{name: "stolen on day 2, victim weekly", horizon: 35 * day, random: true, theftAt: theftAt, visits: weeklyVisits(5)},
		{name: "stolen on day 2, victim daily, notices on day 3 and logs out everywhere", horizon: 35 * day, random: true, theftAt: theftAt,
			logoutAllOn: 3 * day, visits: dailyVisits(35, nil)},
		{name: "access token only stolen on day 2, victim daily", horizon: 35 * day, random: true, theftAt: theftAt, accessOnly: true,
			visits: dailyVisits(35, nil)},
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
// that copies the user's credential into a thief's client (the access
// token only, when accessOnly: a single token is the only token).
func newScheme(i int, now func() time.Time, user *transport) (simServer, simClient, func(rt *transport, accessOnly bool) simClient) {
	switch i {
	case 0, 1, revocable:
		policy := EveryResponse
		switch i {
		case 1:
			policy = NearExpiry
		case revocable:
			policy = NearExpiryRevocable
		}
		srv := NewSingleServer(simSecret, now, policy)
		c := &SingleClient{Base: user, BaseURL: apiURL}
		return srv, c, func(rt *transport, _ bool) simClient { return c.Copy(rt) }
	default:
		srv := NewDoubleServer(simSecret, now)
		c := &DoubleClient{Base: user, BaseURL: apiURL, Now: now}
		if i == 3 {
			c.Ahead = Ahead
		}
		return srv, c, func(rt *transport, accessOnly bool) simClient {
			thief := c.Copy(rt)
			if accessOnly {
				thief.refresh = ""
			}
			return thief
		}
	}
}

// maxSession is the absolute lifetime of a login in the schemes that have
// one (all but step 03's): NearExpiry.MaxSession, FamilyLifetime.
const maxSession = 30 * day

// simulate drives one trace against one scheme.
func simulate(tr trace, scheme int, seed uint64) run {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, uint64(len(tr.name))))
	clock := &simClock{now: start}
	user := &transport{}
	srv, client, steal := newScheme(scheme, clock.Now, user)
	user.h = srv
	var r run

	logins := 0
	var loggedInAt time.Time
	var reusesAtLogin int64
	login := func() {
		if err := client.Login(ctx); err != nil {
			panic(fmt.Sprintf("simulation: login: %v", err)) // the demo user always logs in
		}
		logins++
		loggedInAt, reusesAtLogin = clock.Now(), reuses(srv)
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
		theft := tr.theftAt
		if tr.accessOnly { // right after the victim's first request that day
			dayStart := tr.theftAt.Truncate(day) - 2*time.Hour
			for _, s := range steps {
				if s.at >= dayStart {
					theft = s.at
					break
				}
			}
		}
		steps = append(steps, step{at: theft, theft: true})
		for at := theft + thiefEvery; at <= tr.horizon; at += thiefEvery {
			steps = append(steps, step{at: at})
		}
	}
	slices.SortStableFunc(steps, func(a, b step) int { return int(a.at - b.at) })

	var (
		thief        simClient
		thiefDone    bool // refused once: a stolen credential never comes back to life
		stolenAt     time.Time
		lastStolenOK time.Time
	)
	loggedOutAll := tr.logoutAllOn == 0
	for _, s := range steps {
		clock.set(start.Add(s.at))
		switch {
		case s.theft || s.n == 0:
			if s.theft {
				thief, stolenAt = steal(&transport{h: srv}, tr.accessOnly), clock.Now()
			}
			if thiefDone {
				continue
			}
			if status, _ := thief.Get(ctx, "/bbb"); status == http.StatusOK {
				lastStolenOK = clock.Now()
			} else {
				thiefDone = true
			}
		default:
			if !loggedOutAll && s.at >= tr.logoutAllOn-2*time.Hour { // the day starts at 07:00
				// The victim noticed: "log out everywhere" (nothing to end
				// on the server for steps 03 and 05 without revocation:
				// the victim only drops their copy), then a new login.
				loggedOutAll = true
				if l, ok := srv.(interface{ LogoutAll(user string) }); ok {
					l.LogoutAll(demoUser)
				}
				login()
			}
			r.requests += s.n
			failed := burst(ctx, client, user, s.n)
			if failed > 0 {
				r.seen401 += failed
				switch {
				case reuses(srv) > reusesAtLogin:
					r.revoked++
				case scheme != 0 && !clock.Now().Before(loggedInAt.Add(maxSession)):
					r.capped++
				default:
					r.idle++
				}
				login() // the user logs in again, and repeats what failed
				for range failed {
					r.requests++
					if status, _ := client.Get(ctx, "/bbb"); status != http.StatusOK {
						panic("simulation: a request right after login failed")
					}
				}
			}
		}
	}

	r.signed = srv.Signed()
	r.extraTrips = user.count.Load() - int64(r.requests) - int64(logins)
	if thief != nil {
		r.stolenNever = lastStolenOK.IsZero()
		r.stolen = lastStolenOK.Sub(stolenAt)
		r.stolenToEnd = !thiefDone
	}
	return r
}

// reuses is how many reused refresh tokens srv has detected.
func reuses(srv simServer) int64 {
	if d, ok := srv.(*DoubleServer); ok {
		return d.ReusesDetected()
	}
	return 0
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

// daySpan writes a span of durations: "8–20 h", "4.3 days–27.3 days".
func daySpan(s Span[time.Duration]) string {
	lo, hi := days(s.Min), days(s.Max)
	if lo == hi {
		return lo
	}
	loNum, loUnit, _ := strings.Cut(lo, " ")
	hiNum, hiUnit, _ := strings.Cut(hi, " ")
	if loUnit == hiUnit && loNum != "<" {
		return loNum + "–" + hiNum + " " + hiUnit
	}
	return lo + "–" + hi
}

// days writes a duration the thief was served, measured every thiefEvery.
func days(d time.Duration) string {
	if d < thiefEvery {
		return fmt.Sprintf("< %.0f h", thiefEvery.Hours())
	}
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
