package readme

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// stamp is a file inside the solutions module that TestTranscripts and
// TestNoAbsolutePaths open at their end (git ignores it).
var stamp = filepath.Join("testdata", "last-run")

// neverCache keeps go test from caching t's result, as the course check
// does (see neverCache in solutions/coursecheck): what these tests read —
// the READMEs, the starters, the steps' servers — lies outside the
// solutions module, where go test does not look when it decides that a
// cached "ok" still holds. A file opened inside the module and modified
// less than 2 s before makes it refuse to cache; the stamp's time is set a
// minute ahead.
func neverCache(t *testing.T) {
	t.Cleanup(func() {
		now := time.Now()
		err := os.MkdirAll(filepath.Dir(stamp), 0o755)
		if err == nil {
			err = os.WriteFile(stamp, []byte("The README check last ran at "+now.Format(time.RFC3339)+
				". Opening this file keeps go test from caching it: see neverCache.\n"), 0o644)
		}
		if err == nil {
			err = os.Chtimes(stamp, now, now.Add(time.Minute))
		}
		if err != nil {
			t.Errorf("the stamp that keeps go test from caching the README check: %v", err)
		}
	})
}
