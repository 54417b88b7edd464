package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWatch starts watch on a fresh clone, saves a solved file, and sees
// the step's tests run again. The test drives the poll: each tick is one
// look at the files.
func TestWatch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs step 01's tests twice (-short skips it)")
	}
	var out bytes.Buffer
	c := cloneCourse(t, &out)
	ticks := make(chan time.Time)
	shown := make(chan *StepStatus)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- c.watch(ctx, watchOptions{
			tick:    func() <-chan time.Time { return ticks },
			onShown: func(st *StepStatus) { shown <- st },
		})
	}()
	next := func() *StepStatus {
		select {
		case st := <-shown:
			return st
		case err := <-done:
			require.FailNow(t, "watch ended", "%v", err)
		}
		return nil
	}

	st := next()
	assert.Equal(t, "step01-login", st.Step)
	assert.Equal(t, stateNotStarted, st.State)
	assert.Equal(t, 1, st.NextTODO)

	// Nothing changed: nothing runs. (Watch takes a tick only when it is
	// waiting, so the second send returns once the first look is over.)
	for range 2 {
		select {
		case ticks <- time.Now():
		case st := <-shown:
			require.FailNow(t, "watch ran the tests again, and nothing changed", "%+v", st)
		}
	}

	solve(t, c, "step01-login", "login.go")
	for st = nil; st == nil; { // tick until watch sees the save
		select {
		case ticks <- time.Now():
		case st = <-shown:
		case err := <-done:
			require.FailNow(t, "watch ended", "%v", err)
		}
	}
	assert.Equal(t, stateInProgress, st.State)
	assert.Equal(t, 1, st.Done, "%+v", st.Failure)
	assert.Equal(t, 2, st.NextTODO)

	cancel()
	require.NoError(t, <-done, "Ctrl-C ends watch cleanly")
	assert.Contains(t, out.String(), "step01-login changed: testing…")
	assert.Contains(t, out.String(), "Stuck? go run ./solutions/course hint")
	assert.Contains(t, out.String(), "Watching step01-login")
}

func TestSnapshotSeesChanges(t *testing.T) {
	var out bytes.Buffer
	c := cloneCourse(t, &out)
	dir := c.root + "/step01-login"
	before, err := snapshotFiles(dir)
	require.NoError(t, err)
	again, err := snapshotFiles(dir)
	require.NoError(t, err)
	assert.True(t, before.equal(again), "nothing changed")
	solve(t, c, "step01-login", "users.go")
	after, err := snapshotFiles(dir)
	require.NoError(t, err)
	assert.False(t, before.equal(after), "a saved file")
}
