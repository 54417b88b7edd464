package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"
)

// The bounds of the Redis store (REDIS.md).
const (
	// redisCallTimeout bounds every call: a guarded request waits at most
	// this long for Redis before it is refused with a 503. Short, and not
	// so short that a busy machine's scheduling delays turn into 503s.
	redisCallTimeout = time.Second
	// redisConnTimeout is rueidis's ConnWriteTimeout: a connection that
	// gets no answer (to a command, or to the PING rueidis sends when it is
	// idle) for this long is closed, and with it the cache of its answers.
	// It bounds how long a hung Redis (alive but not answering) keeps
	// serving cached "not ended" answers: 2.8–4.1 s at 1 s (measured by
	// TestRedisHungServer, which logs it). At rueidis's default, about 12 s.
	redisConnTimeout = time.Second
	// redisCacheTTL is how long an answer may stay in the client-side
	// cache; Redis invalidates it sooner when the key changes, and the
	// cache is dropped with its connection, so correctness does not rest
	// on it. Long: an answer that expired costs a round trip to Redis, and
	// at a minute, users who come back less often than that (each of
	// 20,000, in the load test) found theirs expired (BENCHMARKS.md). The
	// cache stays bounded by its size (rueidis's CacheSizeEachConn).
	redisCacheTTL = time.Hour
	// redisRetryMax is the longest wait between two attempts to reach a
	// Redis that was down when the server started: about the Retry-After
	// its 503s give.
	redisRetryMax = 2 * time.Second
)

// redisSessions is the store in Redis, shared by every instance of the
// server. It is a denylist, like the store in memory, with one key per
// user that has ended a session (a hash), and one more, the epoch, so that
// a Redis that lost its data (restarted without persistence, flushed,
// failed over to a replica that missed writes) cannot bring an ended
// session back:
//
//	sess:{user}            a hash, until the latest until of its fields:
//	  end:<sid>            the session's until, unix ms        (End)
//	  cut                  the cut-off, unix seconds           (EndAll)
//	sess:epoch             when this store's memory began      (never expires)
//
// One key per user, not one per entry: the guard reads one cached answer
// per request and user instead of two, which is what it costs with many
// users (BENCHMARKS.md). Redis 7.0 cannot expire a hash's fields one by
// one, so each field holds its until, each write drops the fields whose
// until has passed, and the key expires with the last of them: the store
// stays bounded as with a key per entry. A field kept past its until
// changes no answer: every token of that session has expired by then.
//
// A session that started before the epoch is refused: the store cannot
// vouch for it, since what it knew before then may be lost. The epoch is
// set when an instance starts, unless it is there. When Redis comes back
// empty, the first check finds no epoch and sets it to now: every session
// is ended, and the users log in again (fail closed; so is a login made
// between the loss and that first check, a second or two at most).
//
// A Redis that cannot be reached when the server starts does not stop it:
// the store keeps trying, every check and every logout fails meanwhile
// (503), and the epoch is set when it first gets through. A login made
// meanwhile is refused then if that Redis was empty (fail closed, as
// above): the store cannot tell it from one made before a loss.
//
// The guard's reads use rueidis's client-side caching (RESP3 CLIENT
// TRACKING): Redis remembers which keys each connection has read and
// tells it when one changes, so an answer is served from this process's
// memory until then, without a round trip. Each operation touches one
// key, and none touches two users: nothing needs a cross-slot command in
// Redis Cluster. The hash tag {user} would keep any other key of the user
// on the same shard.
type redisSessions struct {
	addr   string // for errors and the log
	opt    rueidis.ClientOption
	now    func() time.Time
	client atomic.Pointer[rueidis.Client] // nil until connected and the epoch is set

	// mine holds the sessions this instance ended, until their until:
	// Redis invalidates the client-side cache after a write's reply, so
	// without it this instance could serve, for a moment, the "not
	// ended" it cached before its own logout (read your own writes).
	mine *memorySessions

	mu      sync.Mutex
	lastErr error         // why the client is not there yet
	stop    chan struct{} // closed by Close
	done    chan struct{} // closed when connecting has ended, connected or stopped
}

// epochKey is the one key that is not a user's.
const epochKey = "sess:epoch"

// newRedisSessions makes the store for the Redis at url
// (redis://host:port/db); only a url it cannot read is an error. A Redis
// that cannot be reached yet does not stop the server: the store keeps
// trying in the background, and until it gets through, every call fails
// (the guard and the logouts answer 503) and Ready says why.
func newRedisSessions(url string, now func() time.Time) (*redisSessions, error) {
	opt, err := rueidis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	opt.ConnWriteTimeout = redisConnTimeout
	opt.Dialer.Timeout = redisConnTimeout
	s := &redisSessions{addr: opt.InitAddress[0], opt: opt, now: now, mine: newMemorySessions(now),
		stop: make(chan struct{}), done: make(chan struct{})}
	if err := s.connect(); err != nil { // the common case: connected before the first login
		s.setErr(err)
		go s.keepConnecting()
	} else {
		close(s.done)
	}
	return s, nil
}

// connect makes the client and sets the epoch; only then is the store
// usable. The epoch is set before the first login, or that login's
// session would start before it (and be refused) when the first check
// comes a second later.
func (s *redisSessions) connect() error {
	client, err := rueidis.NewClient(s.opt)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisCallTimeout)
	defer cancel()
	if _, err := startEpoch(ctx, client, s.now); err != nil {
		client.Close()
		return err
	}
	s.client.Store(&client)
	return nil
}

// keepConnecting tries again, waiting a little longer each time, up to
// redisRetryMax, until connect succeeds or Close is called.
func (s *redisSessions) keepConnecting() {
	defer close(s.done)
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, redisRetryMax) {
		select {
		case <-s.stop:
			return
		case <-time.After(wait):
		}
		err := s.connect()
		if err == nil {
			return
		}
		s.setErr(err)
	}
}

func (s *redisSessions) setErr(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastErr = err
}

// errNotConnected is the error of every call before the store has reached
// Redis once.
var errNotConnected = errors.New("not connected yet")

// Ready is nil once the store has reached Redis; before, why it has not.
func (s *redisSessions) Ready() error {
	_, err := s.use()
	return err
}

// use is the client, or an error while there is none yet.
func (s *redisSessions) use() (rueidis.Client, error) {
	if c := s.client.Load(); c != nil {
		return *c, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return nil, fmt.Errorf("redis at %s: %w (%w)", s.addr, errNotConnected, s.lastErr)
}

// Close stops connecting and closes the connections.
func (s *redisSessions) Close() {
	s.mu.Lock()
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.mu.Unlock()
	<-s.done
	if c := s.client.Load(); c != nil {
		(*c).Close()
	}
}

func userKey(user string) string { return "sess:{" + user + "}" }

func (s *redisSessions) Ended(ctx context.Context, user, sid string, authTime time.Time) (bool, error) {
	c, err := s.use()
	if err != nil {
		return false, err
	}
	if ended, _ := s.mine.Ended(ctx, user, sid, authTime); ended {
		return true, nil // ended here: Redis's invalidation may not be in yet
	}
	// The deadline of every read below; its timer starts only if a read
	// waits for Redis (a cached answer never does).
	call := withLazyDeadline(ctx, redisCallTimeout)
	defer call.stop()
	// Two reads, one after the other: each is a hit in the client-side
	// cache in the common case (well under a microsecond). DoMultiCache
	// would spread them over the connections, in goroutines: slower on a
	// hit, which is what matters here.
	epoch, err := unixOrZero(c.DoCache(call, c.B().Get().Key(epochKey).Cache(), redisCacheTTL).ToString())
	if err != nil {
		return false, err
	}
	if epoch.IsZero() { // no epoch: a new store, or one that lost its data
		if epoch, err = startEpoch(call, c, s.now); err != nil {
			return false, err
		}
	}
	if authTime.Before(epoch) {
		return true, nil // older than what the store remembers
	}
	// The user's cut-off and this session's end, in one answer: a nil for
	// each field (or key) that is not there. Any error refuses.
	fields, err := c.DoCache(call, c.B().Hmget().Key(userKey(user)).Field("cut", "end:"+sid).Cache(), redisCacheTTL).ToArray()
	if err != nil {
		return false, err
	}
	if len(fields) != 2 {
		return false, fmt.Errorf("redis: HMGET answered %d values, want 2", len(fields))
	}
	if !fields[1].IsNil() {
		return true, nil // logged out
	}
	cut, err := unixOrZero(fields[0].ToString())
	if err != nil {
		return false, err
	}
	return authTime.Before(cut), nil // no cut-off: the zero time, nothing is before it
}

// lazyDeadline is a context with a deadline whose timer starts only when
// something waits on it (Done or Err): the guard's reads are nearly always
// answered from the client-side cache, which never waits, and a timer
// per request (context.WithTimeout) cost more than the three reads
// (BENCHMARKS.md). A read that goes to Redis waits on Done, and so gets
// the deadline as with context.WithTimeout.
type lazyDeadline struct {
	context.Context           // the parent: its values, and its deadline if earlier
	deadline        time.Time // when the call gives up
	once            sync.Once
	timed           context.Context // the parent with the deadline, once started
	cancel          context.CancelFunc
}

func withLazyDeadline(parent context.Context, timeout time.Duration) *lazyDeadline {
	return &lazyDeadline{Context: parent, deadline: time.Now().Add(timeout)}
}

// start makes the timed context the first time it is needed.
func (c *lazyDeadline) start() context.Context {
	c.once.Do(func() { c.timed, c.cancel = context.WithDeadline(c.Context, c.deadline) })
	return c.timed
}

func (c *lazyDeadline) Deadline() (time.Time, bool) {
	if d, ok := c.Context.Deadline(); ok && d.Before(c.deadline) {
		return d, true
	}
	return c.deadline, true
}
func (c *lazyDeadline) Done() <-chan struct{} { return c.start().Done() }
func (c *lazyDeadline) Err() error            { return c.start().Err() }

// stop releases the timer, if one was started; after it, the context is
// done (canceled), and no timer starts.
func (c *lazyDeadline) stop() {
	c.once.Do(func() { c.timed = stoppedContext })
	if c.cancel != nil {
		c.cancel()
	}
}

// stoppedContext is the context of a lazyDeadline stopped before it
// started: done, canceled.
var stoppedContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// startEpoch sets the epoch to now unless another instance just did, and
// returns it.
func startEpoch(ctx context.Context, c rueidis.Client, now func() time.Time) (time.Time, error) {
	start := now().Unix()
	res := c.Do(ctx, c.B().Set().Key(epochKey).Value(strconv.FormatInt(start, 10)).Nx().Get().Build())
	t, err := unixOrZero(res.ToString()) // SET NX GET: the value already there, or nil if ours was set
	if err != nil || !t.IsZero() {
		return t, err
	}
	return time.Unix(start, 0), nil
}

// unixOrZero reads a reply holding unix seconds, as ToString gives it: the
// zero time for a nil reply (no such key or field), an error for any other
// error or a value that is not a number.
func unixOrZero(v string, err error) (time.Time, error) {
	if rueidis.IsRedisNil(err) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("redis: %q is not unix seconds", v)
	}
	return time.Unix(n, 0), nil
}

func (s *redisSessions) End(ctx context.Context, user, sid string, until time.Time) error {
	if err := s.write(ctx, user, "end:"+sid, strconv.FormatInt(until.UnixMilli(), 10), until); err != nil {
		return err
	}
	return s.mine.End(ctx, user, sid, until)
}

func (s *redisSessions) EndAll(ctx context.Context, user string, before, until time.Time) error {
	cut := strconv.FormatInt(before.Truncate(time.Second).Unix(), 10)
	if err := s.write(ctx, user, "cut", cut, until); err != nil {
		return err
	}
	return s.mine.EndAll(ctx, user, before, until)
}

// writeScript sets one field of a user's hash, drops the ends whose until
// has passed, and keeps the key until the latest until: one key, so it is
// atomic, and fine in Redis Cluster. The cut-off only moves forward (two
// instances may log the same user out everywhere at once); an end's value
// is its until, in unix ms.
var writeScript = rueidis.NewLuaScript(`
local key, field, value = KEYS[1], ARGV[1], ARGV[2]
local untilms, now = tonumber(ARGV[3]), tonumber(ARGV[4])
if field ~= 'cut' or tonumber(value) > tonumber(redis.call('HGET', key, 'cut') or '0') then
  redis.call('HSET', key, field, value)
end
local all = redis.call('HGETALL', key)
for i = 1, #all, 2 do
  if all[i] ~= 'cut' and tonumber(all[i + 1]) <= now then redis.call('HDEL', key, all[i]) end
end
if redis.call('PTTL', key) < untilms - now then redis.call('PEXPIRE', key, untilms - now) end
return 1`)

// write runs writeScript for one field of the user's key, unless until
// has passed already (every token it would end has expired).
func (s *redisSessions) write(ctx context.Context, user, field, value string, until time.Time) error {
	now := s.now()
	if !until.After(now) {
		return nil // every token of the session has expired already
	}
	c, err := s.use()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, redisCallTimeout)
	defer cancel()
	args := []string{field, value, strconv.FormatInt(until.UnixMilli(), 10), strconv.FormatInt(now.UnixMilli(), 10)}
	return writeScript.Exec(ctx, c, []string{userKey(user)}, args).Error()
}
