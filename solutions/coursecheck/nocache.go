package coursecheck

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// NeverCache keeps the go command from caching the result of t, a check
// (what names it) whose inputs lie outside the solutions module.
//
// go test caches a passing result and replays it while the test's inputs
// look the same: the test binary, its flags, the environment variables it
// read, and the files it opened, but only the files inside the module
// ("Do not recheck files outside the module, GOPATH, or GOROOT root", in
// cmd/go/internal/test's computeTestInputsID). The course check, the
// README check and the parity check of the Chinese pages depend on files
// outside the solutions module (the starters, the pages, go.work, git's
// HEAD): a cached "ok" would hide an edited starter or page. The same
// function's hashOpen refuses to cache a result when the test opened a
// file inside the module whose modification time is less than 2 s old
// (errFileTooNew). So, when t ends, stamp (a file of the test's package,
// which git ignores) is written (os.WriteFile opens it, which the test log
// records) and its time is set a minute ahead, so that it still counts as
// too new however slowly the rest of the run ends. TestCheckIsNeverCached
// proves it.
func NeverCache(t testing.TB, stamp, what string) {
	t.Cleanup(func() {
		now := time.Now()
		err := os.MkdirAll(filepath.Dir(stamp), 0o755)
		if err == nil {
			err = os.WriteFile(stamp, []byte("The "+what+" last ran at "+now.Format(time.RFC3339)+
				". Opening this file keeps go test from caching it: see NeverCache in solutions/coursecheck.\n"), 0o644)
		}
		if err == nil {
			err = os.Chtimes(stamp, now, now.Add(time.Minute))
		}
		if err != nil {
			t.Errorf("the stamp that keeps go test from caching the %s: %v", what, err)
		}
	})
}
