package coursecheck

import (
	"runtime"
	"sync"
	"testing"
)

// slots bounds the go commands and test binaries the check runs at once,
// across TestCourse and TestWrongAnswers (which run side by side): twice
// GOMAXPROCS, since each spends part of its time waiting (for the go
// command to start, for a link, for a browser's page). go test's
// -parallel (GOMAXPROCS by default) would bound them to GOMAXPROCS, and
// measured on two cores it left one idle most of the time.
var slots = make(chan struct{}, 2*runtime.GOMAXPROCS(0))

// inSlot runs fn while it holds a slot.
func inSlot(fn func()) {
	slots <- struct{}{}
	defer func() { <-slots }()
	fn()
}

// runEach runs fn for each item as a subtest, all at once (t.Run may be
// called from several goroutines): what bounds them is the slots their go
// commands and test binaries take. It returns when every subtest is done.
func runEach[T any](t *testing.T, items []T, name func(T) string, fn func(*testing.T, T)) {
	t.Helper()
	var wg sync.WaitGroup
	for _, item := range items {
		wg.Go(func() { t.Run(name(item), func(t *testing.T) { fn(t, item) }) })
	}
	wg.Wait()
}
