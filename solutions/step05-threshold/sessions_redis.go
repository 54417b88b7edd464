package main

import (
	"context"
	"fmt"
	"strconv"
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
	// cache; Redis invalidates it sooner when the key changes.
	redisCacheTTL = time.Minute
)

// redisSessions is the store in Redis, shared by every instance of the
// server. It is a denylist, like the store in memory, with the same keys
// per user, and one more, the epoch, so that a Redis that lost its data
// (restarted without persistence, flushed, failed over to a replica that
// missed writes) cannot bring an ended session back:
//
//	sess:{user}:end:<sid>  "1", until the session's cap     (End)
//	sess:{user}:cut        the cut-off, unix seconds         (EndAll)
//	sess:epoch             when this store's memory began   (never expires)
//
// A session that started before the epoch is refused: the store cannot
// vouch for it, since what it knew before then may be lost. The epoch is
// set when an instance starts, unless it is there. When Redis comes back
// empty, the first check finds no epoch and sets it to now: every session
// is ended, and the users log in again (fail closed; so is a login made
// between the loss and that first check, a second or two at most).
//
// The guard's reads use rueidis's client-side caching (RESP3 CLIENT
// TRACKING): Redis remembers which keys each connection has read and
// tells it when one changes, so an answer is served from this process's
// memory until then, without a round trip. Every key of a user carries
// the hash tag {user}: in Redis Cluster, a user's keys live on one shard,
// and no operation touches two users.
type redisSessions struct {
	client rueidis.Client
	now    func() time.Time
}

// epochKey is the one key that is not a user's.
const epochKey = "sess:epoch"

// newRedisSessions connects to the Redis at url (redis://host:port/db).
func newRedisSessions(url string, now func() time.Time) (*redisSessions, error) {
	opt, err := rueidis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	opt.ConnWriteTimeout = redisConnTimeout
	opt.Dialer.Timeout = redisConnTimeout
	client, err := rueidis.NewClient(opt)
	if err != nil {
		return nil, fmt.Errorf("redis at %s: %w", opt.InitAddress, err)
	}
	s := &redisSessions{client: client, now: now}
	// The epoch is set before the first login, or that login's session
	// would start before it (and be refused) when the first check comes a
	// second later.
	ctx, cancel := context.WithTimeout(context.Background(), redisCallTimeout)
	defer cancel()
	if _, err := s.startEpoch(ctx); err != nil {
		client.Close()
		return nil, fmt.Errorf("redis at %s: %w", opt.InitAddress, err)
	}
	return s, nil
}

// Close closes the connections.
func (s *redisSessions) Close() { s.client.Close() }

func userKey(user, name string) string { return "sess:{" + user + "}:" + name }

func (s *redisSessions) Ended(ctx context.Context, user, sid string, authTime time.Time) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, redisCallTimeout)
	defer cancel()
	c := s.client
	// Three reads, one after the other: each is a hit in the client-side
	// cache in the common case (well under a microsecond). DoMultiCache
	// would spread them over the connections, in goroutines: slower on a
	// hit, which is what matters here.
	get := func(key string) rueidis.RedisResult {
		return c.DoCache(ctx, c.B().Get().Key(key).Cache(), redisCacheTTL)
	}
	epoch, err := unixOrNil(get(epochKey))
	if err != nil {
		return false, err
	}
	if epoch == nil { // no epoch: a new store, or one that lost its data
		if epoch, err = s.startEpoch(ctx); err != nil {
			return false, err
		}
	}
	if authTime.Before(*epoch) {
		return true, nil // older than what the store remembers
	}
	if err := get(userKey(user, "end:"+sid)).Error(); err == nil {
		return true, nil // logged out
	} else if !rueidis.IsRedisNil(err) {
		return false, err // only "no such key" means "not logged out"
	}
	cut, err := unixOrNil(get(userKey(user, "cut")))
	if err != nil {
		return false, err
	}
	return cut != nil && authTime.Before(*cut), nil
}

// startEpoch sets the epoch to now unless another instance just did, and
// returns it.
func (s *redisSessions) startEpoch(ctx context.Context) (*time.Time, error) {
	c := s.client
	now := strconv.FormatInt(s.now().Unix(), 10)
	res := c.Do(ctx, c.B().Set().Key(epochKey).Value(now).Nx().Get().Build())
	if err := res.Error(); err != nil && !rueidis.IsRedisNil(err) {
		return nil, err
	}
	t, err := unixOrNil(res) // SET NX GET: the value already there, or nil if ours was set
	if err != nil || t != nil {
		return t, err
	}
	return unixOrNil(c.Do(ctx, c.B().Get().Key(epochKey).Build()))
}

// unixOrNil reads a reply holding unix seconds: nil for a nil reply (no
// such key), an error for any other error or a value that is not a number.
func unixOrNil(res rueidis.RedisResult) (*time.Time, error) {
	v, err := res.ToString()
	if rueidis.IsRedisNil(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("redis: %q is not unix seconds", v)
	}
	t := time.Unix(n, 0)
	return &t, nil
}

func (s *redisSessions) End(ctx context.Context, user, sid string, until time.Time) error {
	if !until.After(s.now()) {
		return nil // every token of the session has expired already
	}
	ctx, cancel := context.WithTimeout(ctx, redisCallTimeout)
	defer cancel()
	c := s.client
	return c.Do(ctx, c.B().Set().Key(userKey(user, "end:"+sid)).Value("1").Pxat(until).Build()).Error()
}

// endAllScript moves a user's cut-off forward, never back (two instances
// may log the same user out everywhere at once), and keeps it until the
// later of the two untils. One key: atomic, and fine in Redis Cluster.
var endAllScript = rueidis.NewLuaScript(`
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > old then redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL') end
local left = redis.call('PTTL', KEYS[1])
local want = tonumber(ARGV[2]) - tonumber(ARGV[3])
if left < want then redis.call('PEXPIRE', KEYS[1], want) end
return 1`)

func (s *redisSessions) EndAll(ctx context.Context, user string, before, until time.Time) error {
	now := s.now()
	if !until.After(now) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, redisCallTimeout)
	defer cancel()
	args := []string{
		strconv.FormatInt(before.Truncate(time.Second).Unix(), 10),
		strconv.FormatInt(until.UnixMilli(), 10),
		strconv.FormatInt(now.UnixMilli(), 10),
	}
	return endAllScript.Exec(ctx, s.client, []string{userKey(user, "cut")}, args).Error()
}
