package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 18: Store must check and replace in one hold of t.mu. A Store that
// locks to read t.exp, unlocks, then locks again to write is no data race,
// so even go test -race passes it; yet another Store can run in between,
// and its newer token is then overwritten by an older one. A Store that
// takes no lock at all only -race sees. This test needs neither -race nor
// luck: t.mu's hook lets a Store of a newer token run at one of the moments
// Store(older) waits for or releases the lock, each moment in turn.
func TestTransportStoreHoldsTheLock(t *testing.T) {
	kept, older, newer := signedAt(t, fakeNow), signedAt(t, fakeNow.Add(time.Minute)), signedAt(t, fakeNow.Add(2*time.Minute))

	// The moments Store(older) waits for or releases t.mu.
	transport := NewTokenTransport(nil, kept)
	moments := 0
	transport.mu.hook = func() { moments++ }
	transport.Store(older)
	transport.mu.hook = nil
	require.NotZero(t, moments, todoStore+"Store(%s) with %s kept never called t.mu.Lock(); want Store to hold t.mu while it reads and replaces t.token and t.exp: other goroutines call Store and Token at once",
		show(older), show(kept))

	for turn := 1; turn <= moments; turn++ {
		transport := NewTokenTransport(nil, kept)
		moment := 0
		transport.mu.hook = func() {
			if moment++; moment == turn {
				transport.mu.hook = nil
				transport.Store(newer) // another goroutine takes its turn
			}
		}
		transport.Store(older)
		transport.mu.hook = nil
		if !assert.True(t, transport.Token() == newer, todoStore+"Store(%s) with %s kept; Store(%s) ran at a moment Store(older) did not hold t.mu (%d of %d): kept %s; want %s: check and replace in one hold of the lock",
			show(older), show(kept), show(newer), turn, moments, show(transport.Token()), show(newer)) {
			return
		}
	}
}
