package compare

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/redis/rueidis"
)

// FamilyStore keeps the double token's families where several instances
// of the server share them. Rotation and reuse detection are one atomic
// step of the store, never a read then a write: two instances that get the
// same refresh token at once cannot both rotate it.
type FamilyStore interface {
	// Start records family sid of user, whose current refresh token is
	// jti, until expires.
	Start(ctx context.Context, user, sid, jti string, expires time.Time) error
	// Rotate makes next the current refresh token of family sid if
	// presented is the current one (Rotated); drops the family if
	// presented was spent (Reused); or finds no family (Gone: revoked or
	// expired).
	Rotate(ctx context.Context, user, sid, presented, next string, expires time.Time) (Rotation, error)
	// DropUser drops every family of user (a logout everywhere).
	DropUser(ctx context.Context, user string) error
}

// Rotation is what a refresh did to its family.
type Rotation int

const (
	Gone Rotation = iota
	Rotated
	Reused
)

// NewDoubleServerShared returns a double-token server whose families live
// in store.
func NewDoubleServerShared(secret []byte, now func() time.Time, store FamilyStore) *DoubleServer {
	s := NewDoubleServer(secret, now)
	s.shared = store
	return s
}

func (s *DoubleServer) loginShared(w http.ResponseWriter, r *http.Request, user string) {
	now := s.tokens.clock()
	sid := newID()
	p, jti, expires, err := s.signPair(user, sid, now, now)
	if err == nil {
		if err := s.shared.Start(r.Context(), user, sid, jti, expires); err != nil {
			writeError(w, http.StatusServiceUnavailable, "sessions cannot be recorded right now, try again shortly")
			return
		}
	}
	answerPair(w, p, err, http.StatusCreated)
}

func (s *DoubleServer) refreshShared(w http.ResponseWriter, r *http.Request, c *claims) {
	// The successor is signed first; it is handed out only if the store
	// makes it the family's current token.
	p, jti, expires, err := s.signPair(c.Username, c.Family, c.AuthTime.Time, s.tokens.clock())
	if err != nil {
		answerPair(w, p, err, http.StatusOK)
		return
	}
	rot, err := s.shared.Rotate(r.Context(), c.Username, c.Family, c.ID, jti, expires)
	switch {
	case err != nil:
		writeError(w, http.StatusServiceUnavailable, "sessions cannot be checked right now, try again shortly")
	case rot == Gone:
		writeError(w, http.StatusUnauthorized, "session revoked, please log in again")
	case rot == Reused:
		s.reuses.Add(1)
		writeError(w, http.StatusUnauthorized, "refresh token reused: session revoked, please log in again")
	default:
		answerPair(w, p, nil, http.StatusOK)
	}
}

// RedisFamilies is a FamilyStore in Redis. A family is one key, its value
// the current refresh token's jti, expiring with it; a user's families are
// listed in a set. Every key of a user carries the hash tag {user}: one
// shard holds them, and each script touches one user's keys only.
//
//	fam:{user}:<sid>  the current jti, until the refresh token expires
//	fam:{user}        the user's sids
type RedisFamilies struct {
	client rueidis.Client
	now    func() time.Time
}

// NewRedisFamilies connects to the Redis at url (redis://host:port/db).
func NewRedisFamilies(url string, now func() time.Time) (*RedisFamilies, error) {
	opt, err := rueidis.ParseURL(url)
	if err != nil {
		return nil, err
	}
	opt.ConnWriteTimeout = time.Second
	opt.DisableCache = true // every refresh is a write: nothing to cache
	client, err := rueidis.NewClient(opt)
	if err != nil {
		return nil, err
	}
	return &RedisFamilies{client: client, now: now}, nil
}

// Close closes the connections.
func (f *RedisFamilies) Close() { f.client.Close() }

func familyKey(user, sid string) string { return "fam:{" + user + "}:" + sid }
func familiesKey(user string) string    { return "fam:{" + user + "}" }

// redisTimeout bounds every call.
const redisTimeout = time.Second

var startScript = rueidis.NewLuaScript(`
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('PEXPIRETIME', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIREAT', KEYS[2], ARGV[2]) end
return 1`)

func (f *RedisFamilies) Start(ctx context.Context, user, sid, jti string, expires time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	return startScript.Exec(ctx, f.client, []string{familyKey(user, sid), familiesKey(user)},
		[]string{jti, strconv.FormatInt(expires.UnixMilli(), 10), sid}).Error()
}

// rotateScript: the check and the spend in one step. 1: rotated; 2: the
// presented token was spent, the family is dropped; 0: no family.
var rotateScript = rueidis.NewLuaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if current ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 2
end
redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
return 1`)

func (f *RedisFamilies) Rotate(ctx context.Context, user, sid, presented, next string, expires time.Time) (Rotation, error) {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	n, err := rotateScript.Exec(ctx, f.client, []string{familyKey(user, sid)},
		[]string{presented, next, strconv.FormatInt(expires.UnixMilli(), 10)}).AsInt64()
	switch {
	case err != nil:
		return Gone, err
	case n == 1:
		return Rotated, nil
	case n == 2:
		return Reused, nil
	}
	return Gone, nil
}

// dropScript drops the families named in ARGV, whose keys follow the
// set's in KEYS: a script names every key it touches, as Redis Cluster
// asks of scripts.
var dropScript = rueidis.NewLuaScript(`
for i, sid in ipairs(ARGV) do
  redis.call('DEL', KEYS[i + 1])
  redis.call('SREM', KEYS[1], sid)
end
return 1`)

// DropUser reads the user's families, then drops them in one script. A
// family started between the two is a login after the logout everywhere:
// it lives on.
func (f *RedisFamilies) DropUser(ctx context.Context, user string) error {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	sids, err := f.client.Do(ctx, f.client.B().Smembers().Key(familiesKey(user)).Build()).AsStrSlice()
	if err != nil || len(sids) == 0 {
		return err
	}
	keys := []string{familiesKey(user)}
	for _, sid := range sids {
		keys = append(keys, familyKey(user, sid))
	}
	return dropScript.Exec(ctx, f.client, keys, sids).Error()
}
