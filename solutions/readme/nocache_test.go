package readme

import (
	"path/filepath"
	"testing"

	"tokenrefresh/solutions/coursecheck"
)

// stamp is a file inside the solutions module that TestTranscripts and
// TestNoAbsolutePaths open at their end (git ignores it).
var stamp = filepath.Join("testdata", "last-run")

// neverCache keeps go test from caching t's result (see
// coursecheck.NeverCache): what these tests read — the READMEs, the
// starters, the steps' servers — lies outside the solutions module.
func neverCache(t *testing.T) { coursecheck.NeverCache(t, stamp, "README check") }
