package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 21: every Redis call has a short deadline. The guard's check
// starts its timer only when a read waits for Redis (lazyDeadline,
// sessions_redis.go): a read that does wait must still be bounded, and
// the request's own context still counts.
func TestLazyDeadline(t *testing.T) {
	type key struct{}
	const within = 10 * time.Second // a bound for the test, far above the timeouts
	done := func(ctx context.Context) bool {
		select {
		case <-ctx.Done():
			return true
		case <-time.After(within):
			return false
		}
	}

	t.Run("a read that waits gives up at the deadline", func(t *testing.T) {
		parent := context.WithValue(context.Background(), key{}, "request")
		start := time.Now()
		ctx := withLazyDeadline(parent, 20*time.Millisecond)
		defer ctx.stop()
		d, ok := ctx.Deadline()
		require.True(t, ok, labelRedis+"lazyDeadline.Deadline: no deadline")
		assert.WithinDuration(t, start.Add(20*time.Millisecond), d, within, labelRedis+"lazyDeadline.Deadline")
		assert.Equal(t, "request", ctx.Value(key{}), labelRedis+"lazyDeadline.Value: the request's values")
		require.True(t, done(ctx), labelRedis+"lazyDeadline(20ms).Done: not done %v later; want done at the deadline", within)
		assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded, labelRedis+"lazyDeadline.Err after the deadline")
	})
	t.Run("the request's end ends it", func(t *testing.T) {
		parent, cancel := context.WithCancel(context.Background())
		ctx := withLazyDeadline(parent, time.Hour)
		defer ctx.stop()
		cancel()
		require.True(t, done(ctx), labelRedis+"lazyDeadline.Done: the request was canceled, and its context is not done")
		assert.ErrorIs(t, ctx.Err(), context.Canceled, labelRedis+"lazyDeadline.Err after the request was canceled")
	})
	t.Run("the request's earlier deadline counts", func(t *testing.T) {
		parent, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		want, _ := parent.Deadline()
		ctx := withLazyDeadline(parent, time.Hour)
		defer ctx.stop()
		d, _ := ctx.Deadline()
		assert.Equal(t, want, d, labelRedis+"lazyDeadline.Deadline with a request due sooner: want the request's deadline")
	})
	t.Run("stopped before it started: done", func(t *testing.T) {
		ctx := withLazyDeadline(context.Background(), time.Hour)
		ctx.stop()
		require.True(t, done(ctx), labelRedis+"lazyDeadline.Done after stop: not done")
		assert.True(t, errors.Is(ctx.Err(), context.Canceled), labelRedis+"lazyDeadline.Err after stop: %v, want context.Canceled", ctx.Err())
	})
}
