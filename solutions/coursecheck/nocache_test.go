package coursecheck

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// stamp is a file inside the solutions module that every course check
// opens at its end (git ignores it).
const stamp = "testdata/last-run"

// neverCache keeps the go command from caching the result of t (see
// NeverCache).
func neverCache(t *testing.T) { NeverCache(t, stamp, "course check") }

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
