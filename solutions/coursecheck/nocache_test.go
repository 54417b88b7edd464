package coursecheck

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stamp is a file inside the solutions module that every course check
// opens at its end (git ignores it).
const stamp = "testdata/last-run"

// neverCache keeps the go command from caching the result of t.
//
// go test caches a passing result and replays it while the test's inputs
// look the same: the test binary, its flags, the environment variables it
// read, and the files it opened, but only the files inside the module
// ("Do not recheck files outside the module, GOPATH, or GOROOT root", in
// cmd/go/internal/test's computeTestInputsID). The course check depends on
// files outside the solutions module (the starters, go.work, git's HEAD)
// and on what other go commands do: a cached "ok" would hide an edited
// starter. The same function's hashOpen refuses to cache a result when the
// test opened a file inside the module whose modification time is less
// than 2 s old (errFileTooNew). So, when t ends, the stamp is written
// (os.WriteFile opens it, which the test log records) and its time is set
// a minute ahead, so that it still counts as too new however slowly the
// rest of the run ends. TestCheckIsNeverCached proves it.
func neverCache(t *testing.T) {
	t.Cleanup(func() {
		now := time.Now()
		err := os.WriteFile(stamp, []byte("The course check last ran at "+now.Format(time.RFC3339)+
			". Opening this file keeps go test from caching the check: see neverCache.\n"), 0o644)
		if err == nil {
			err = os.Chtimes(stamp, now, now.Add(time.Minute))
		}
		if err != nil {
			t.Errorf("the stamp that keeps go test from caching the course check: %v", err)
		}
	})
}

// TestCheckIsNeverCached runs go test twice on TestCourse, without -count,
// and asserts that the second run is not a cached result. The nested runs
// select TestCourse only (with no step: it is the cheapest run of it that
// passes), so they cannot run this test again.
func TestCheckIsNeverCached(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not proving that the course check is never cached (it runs go test twice)")
	}
	neverCache(t)
	for run := 1; run <= 2; run++ {
		cmd := exec.CommandContext(t.Context(), "go", "test", "-run", "^TestCourse$/^$", ".")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go test -run '^TestCourse$/^$' . (run %d): %s", run, out)
		if run == 2 {
			require.NotContains(t, string(out), "(cached)",
				"a second go test of the course check answered from the cache: it would hide an edited starter (see neverCache)")
		}
	}
}
