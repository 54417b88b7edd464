package coursecheck

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// minWrongAnswers is how many known wrong answers each TODO needs at least.
const minWrongAnswers = 3

// TestWrongAnswers applies each known wrong answer (testdata/wrong/*.txt,
// one file per step, and compare.txt for solutions/compare) to the solved
// copy with go test -overlay, and asserts that the tests still build, that
// at least one fails, and (for a step) that a failing test's output names
// the TODO by its full label "TODO n (file)", the label a learner looks up
// (for an entry "=== step NN (file): …", an edit of given code: that a
// failing test names "step NN (file)"). It also asserts that every step has
// at least three wrong answers per TODO (entries of given code do not
// count). Each entry's first message (FirstMessage, from the run that
// proved it) is compared with the one the common-mistakes page shows (kept
// in testdata/mistakes.json; -update records it and rewrites MISTAKES.md):
// see firstMessages.check.
// Under -short, the wrong answers are not run.
func TestWrongAnswers(t *testing.T) {
	neverCache(t)
	root := repoRoot(t)
	files, err := filepath.Glob(filepath.Join("testdata", "wrong", "*.txt"))
	require.NoError(t, err)
	tables := map[string][]WrongAnswer{} // step folder (or "compare") → its wrong answers
	for _, file := range files {
		content, err := os.ReadFile(file)
		require.NoError(t, err)
		answers, err := ParseWrongAnswers(string(content))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		tables[strings.TrimSuffix(filepath.Base(file), ".txt")] = answers
	}

	steps := workspaceSteps(t, root)
	todos := map[string]TODOs{}
	for name := range tables {
		if name != "compare" && !slices.Contains(steps, name) {
			t.Errorf("testdata/wrong/%s.txt: go.work has no step %s (the file is named after a step's folder, or compare.txt)", name, name)
		}
	}
	for _, name := range steps {
		todos[name] = loadStep(t, root, name).todos
		answers, ok := tables[name]
		if !ok {
			t.Errorf("%s has no known wrong answers: add testdata/wrong/%s.txt, at least %d per TODO (the format is in the README, For instructors)", name, name, minWrongAnswers)
			continue
		}
		for _, n := range todos[name].Numbers() {
			l := Label{n, todos[name][n]}
			count := 0
			for _, a := range answers {
				if a.Label == l {
					count++
				}
			}
			if count < minWrongAnswers {
				t.Errorf("testdata/wrong/%s.txt has %d wrong answers for %s; it needs at least %d (the lazy and insecure ones a careless learner writes)", name, count, l, minWrongAnswers)
			}
		}
		for _, a := range answers {
			if a.Step > 0 {
				if a.Step > stepNumber(name) {
					t.Errorf("testdata/wrong/%s.txt:%d: %s: given code comes from this step or an earlier one", name, a.Line, a.Want())
				}
				continue // given code: no TODO holds it
			}
			if !todos[name].Holds(a.Label) {
				t.Errorf("testdata/wrong/%s.txt:%d: %s is not a TODO of %s (it has %s)", name, a.Line, a.Label, name, (&step{todos: todos[name]}).todoList())
			}
		}
	}

	if testing.Short() {
		t.Skip("-short: the known wrong answers are not run (without -short, and in CI, they are)")
	}
	solutions := filepath.Join(root, "solutions")
	// The first message of each entry, for MISTAKES.md: compared with the
	// recorded one, or recorded with -update once every entry has run.
	first := &firstMessages{recorded: readFirstMessages(t), got: map[string]string{}}
	t.Cleanup(func() { first.save(t, root) })
	for _, name := range slices.Sorted(maps.Keys(tables)) {
		answers := tables[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, a := range answers {
				t.Run(a.Header, func(t *testing.T) {
					t.Parallel() // -parallel (GOMAXPROCS) go commands at a time
					checkWrongAnswer(t, solutions, name, a, first)
				})
			}
		})
	}
}

// checkWrongAnswer applies one wrong answer to the solved copy (with
// go test -overlay) and runs the tests of its package. A first, quick run
// leaves out the browser tests (TestBrowser…: a browser starts for each)
// and stops at the first failing test (-failfast); it is enough when a
// failing test names the entry's label ("TODO n (file)", or "step NN
// (file)" for given code; in compare.txt: when a test fails). Otherwise every test runs (the packages compiled by the first
// run come from the build cache), and that run is judged: so a wrong
// answer that only a browser test refuses is still proven, and every
// message below comes from a run of every test. The first message of the
// run that proved it goes to messages, for MISTAKES.md.
func checkWrongAnswer(t *testing.T, solutions, name string, a WrongAnswer, messages *firstMessages) {
	where := fmt.Sprintf("testdata/wrong/%s.txt:%d", name, a.Line)
	target := filepath.Join(solutions, name, filepath.FromSlash(a.File))
	src, err := os.ReadFile(target)
	require.NoError(t, err, "%s: the file of the entry", where)
	edited, err := a.Apply(string(src))
	require.NoError(t, err, "%s: %s", where, a.Header)
	file := filepath.Join(t.TempDir(), filepath.Base(a.File))
	require.NoError(t, os.WriteFile(file, []byte(edited), 0o644))

	overlay := map[string]string{target: file}
	// -ldflags=-w: no DWARF for debuggers in a binary that runs once,
	// about a tenth of the CPU of each build.
	args := []string{"-ldflags=-w", "./" + name}
	if a.Race {
		args = append([]string{"-race"}, args...)
	}
	quick := goTest(t, solutions, overlay, append([]string{"-failfast", "-skip=^TestBrowser"}, args...)...)
	require.Empty(t, quick.BuildErrors, "%s: the wrong answer does not build: an entry is code a learner could run, not a compile error", where)
	if a.Want() == "" && len(quick.Failures) > 0 || failingNames(quick, a) {
		t.Logf("%s: refused by the quick run (%s)", where, strings.Join(quick.Failures, ", "))
		messages.check(t, solutions, name, a, quick)
		return
	}
	t.Logf("%s: the quick run did not prove it (failing: %s); running every test", where, or(strings.Join(quick.Failures, ", "), "none"))
	r := goTest(t, solutions, overlay, args...)
	require.Empty(t, r.BuildErrors, "%s: the wrong answer does not build: an entry is code a learner could run, not a compile error", where)
	if len(r.Failures) == 0 {
		if skipped := skippedNamingEntry(r, a); skipped != "" {
			t.Skipf("%s: nothing fails here, and %s, which names %s, skipped (no browser?): CI runs it", where, skipped, a.Want())
		}
		t.Fatalf("%s: every test of solutions/%s passes with this wrong answer (%s): add a test that refuses it", where, name, a.What)
	}
	if a.Want() == "" || failingNames(r, a) {
		messages.check(t, solutions, name, a, r)
		return // solutions/compare has no TODOs: failing is enough
	}
	first := r.Failures[0]
	t.Errorf("%s: the tests refuse the wrong answer (%s), but no failure names %s: the learner would not know which code to fix. Failing: %s. First failure:\n%s",
		where, a.What, a.Want(), strings.Join(r.Failures, ", "), excerpt(r.Output[first]))
}

// failingNames reports whether a failing test's output names the entry's
// label (a.Names).
func failingNames(r *Result, a WrongAnswer) bool {
	for test, result := range r.Tests {
		if result == "fail" && a.Names(r.Output[test]) {
			return true
		}
	}
	return false
}

// skippedNamingEntry returns a skipped test whose output names the
// entry's label, or "".
func skippedNamingEntry(r *Result, a WrongAnswer) string {
	for _, name := range r.Skipped() {
		if a.Names(r.Output[name]) {
			return name
		}
	}
	return ""
}

// stepNumber returns NN of a step folder "stepNN-name" (0 for another).
func stepNumber(folder string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(strings.SplitN(folder, "-", 2)[0], "step"))
	if err != nil {
		return 0
	}
	return n
}
