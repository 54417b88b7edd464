package coursecheck

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// refusedByFile records, for each known wrong answer, the test that
// refused it when the check last ran with -update: one line per entry,
// "<file>\t<header>\t<TestName>". The checker runs that test alone first
// (one test instead of all of them: most entries are proven in a fraction
// of a second); when it no longer refuses the entry (a test renamed, an
// entry added or changed), the other runs follow, as without the record.
// So the file only makes the check faster: a stale line costs time, never
// a guarantee. go test ./solutions/coursecheck -run TestWrongAnswers -update
// rewrites it.
const refusedByFile = "testdata/refused-by.tsv"

var refusedBy = loadRefusedBy()

type refusedByRecord struct {
	mu    sync.Mutex
	tests map[string]string // file + "\t" + header → the test
	seen  map[string]string // what this run saw
	stale int               // entries this run could not prove with their recorded test
}

func loadRefusedBy() *refusedByRecord {
	r := &refusedByRecord{tests: map[string]string{}, seen: map[string]string{}}
	data, err := os.ReadFile(refusedByFile)
	if err != nil {
		return r
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Split(line, "\t"); len(f) == 3 && !strings.HasPrefix(line, "#") {
			r.tests[f[0]+"\t"+f[1]] = f[2]
		}
	}
	return r
}

// test returns the recorded test of the entry, or "".
func (r *refusedByRecord) test(name string, a WrongAnswer) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tests[name+"\t"+a.Header]
}

// saw records the test that proved the entry in res: the top-level test
// of its first message (FirstMessage, which MISTAKES.md shows), which -run
// selects on its own.
func (r *refusedByRecord) saw(name string, a WrongAnswer, res *Result) {
	msg := FirstMessage(res, a)
	if msg == "" {
		return // the label only in a parent's output: no record, the other runs follow next time
	}
	top := topTest(msg)
	r.mu.Lock()
	defer r.mu.Unlock()
	key := name + "\t" + a.Header
	if r.tests[key] != top {
		r.stale++
	}
	r.seen[key] = top
}

// write rewrites the record with what this run saw (keeping the lines of
// entries it did not run), or, without -update, says how many lines are
// stale.
func (r *refusedByRecord) write(t *testing.T, entries map[string][]WrongAnswer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !*update {
		if r.stale > 0 {
			t.Logf("%s: %d entries were not refused by the test it records (each ran the other tests instead): go test ./solutions/coursecheck -run TestWrongAnswers -update rewrites it", refusedByFile, r.stale)
		}
		return
	}
	var lines []string
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		for _, a := range entries[name] {
			key := name + "\t" + a.Header
			test := r.seen[key]
			if test == "" {
				test = r.tests[key]
			}
			if test != "" {
				lines = append(lines, key+"\t"+test)
			}
		}
	}
	content := "# The test that refused each known wrong answer when the check last ran with\n" +
		"# -update (see refusedByFile in refusedby_test.go): written by\n" +
		"#   go test ./solutions/coursecheck -run TestWrongAnswers -update\n" +
		strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(filepath.FromSlash(refusedByFile), []byte(content), 0o644); err != nil {
		t.Error(err)
		return
	}
	t.Logf("%s: %d entries recorded", refusedByFile, len(lines))
}
