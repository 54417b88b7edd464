package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRedisReadsItsOwnWrites: an instance that ends a session refuses it
// at once, though its client-side cache held "not ended" for it: Redis
// invalidates that cache after the write's reply, and a busy machine once
// served the stale answer in between (a logout answered 204, the next
// request 200). Each round caches "not ended", ends the session and asks
// again on the same store. The store in another instance sees the end
// once Redis's invalidation arrives (TestRedisTwoInstances).
func TestRedisReadsItsOwnWrites(t *testing.T) {
	t.Parallel() // it runs its own redis-server
	r := startRedis(t)
	clock := realNow()
	store := newStore(t, r, clock.Now)
	ctx := context.Background()
	authTime := clock.Now()
	for i := range 200 {
		sid := fmt.Sprintf("sid-%d", i)
		ended, err := store.Ended(ctx, "guang", sid, authTime)
		require.NoError(t, err, labelRedis+"Ended, round %d", i)
		require.False(t, ended, labelRedis+"Ended before any logout, round %d", i)
		require.NoError(t, store.End(ctx, "guang", sid, clock.Now().Add(time.Hour)), labelRedis+"End, round %d", i)
		ended, err = store.Ended(ctx, "guang", sid, authTime)
		require.NoError(t, err, labelRedis+"Ended after End, round %d", i)
		require.True(t, ended, labelRedis+"round %d: Ended right after this store's own End says the session lives on: its client-side cache served the answer from before the logout", i)
	}
	user := "ada"
	ended, err := store.Ended(ctx, user, "sid-x", authTime)
	require.NoError(t, err)
	require.False(t, ended, labelRedis+"Ended before a logout everywhere")
	require.NoError(t, store.EndAll(ctx, user, clock.Now().Add(time.Second), clock.Now().Add(time.Hour)))
	ended, err = store.Ended(ctx, user, "sid-x", authTime)
	require.NoError(t, err)
	require.True(t, ended, labelRedis+"Ended right after this store's own EndAll says the session lives on")
}
