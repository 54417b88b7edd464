package coursecheck

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
// copy (in a variant binary that holds many, see variants.go, or alone
// with go test -overlay), and asserts that the tests still build, that
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
	t.Parallel() // beside TestCourse: slots bounds their go commands
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
	test2json := buildTest2JSON(t)
	t.Cleanup(func() { refusedBy.write(t, tables) }) // after every entry
	// The first message of each entry, for MISTAKES.md: compared with the
	// recorded one, or recorded with -update once every entry has run.
	first := &firstMessages{recorded: readFirstMessages(t), got: map[string]string{}}
	t.Cleanup(func() { first.save(t, root) })
	proved := func(t *testing.T, name string, a WrongAnswer, r *Result) {
		refusedBy.saw(name, a, r)
		first.check(t, solutions, name, a, r)
	}
	runEach(t, slices.Sorted(maps.Keys(tables)), func(name string) string { return name }, func(t *testing.T, name string) {
		answers := tables[name]
		builds := variantBuilds(t, solutions, name, answers, test2json)
		runEach(t, answers, func(a WrongAnswer) string { return a.Header }, func(t *testing.T, a WrongAnswer) {
			if b := builds[a.Line]; b != nil {
				checkWrongVariant(t, b, name, a, proved)
				return
			}
			checkWrongAnswer(t, solutions, name, a, proved)
		})
	})
}

// A variantBinary is a test binary built with many wrong answers of one
// package (see variants.go), ready to run with one selected.
type variantBinary struct {
	path      string // the test binary
	dir       string // the package's folder, where its tests run
	pkg       string // the package's import path, for test2json
	test2json string
}

// run runs the binary's tests with wrong answer id selected (0: none),
// through test2json, as go test -json would report them.
func (b *variantBinary) run(t *testing.T, id int, args ...string) *Result {
	t.Helper()
	ctx, cancel := goContext(t)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.test2json, append([]string{"-t", "-p", b.pkg, b.path, "-test.v=test2json", "-test.timeout=3m"}, args...)...)
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", VariantEnv, id))
	var out, stderr []byte
	var err error
	inSlot(func() { out, stderr, err = runJSON(ctx, cmd) })
	checkGoErr(t, ctx.Err(), b.dir)
	require.NoError(t, err, "%s", b.path)
	return ParseRun(out, stderr)
}

// buildTest2JSON builds the go command's test2json (go test -json runs the
// tests through it) for variant binaries.
func buildTest2JSON(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "test2json")
	out, err := exec.Command("go", "build", "-o", bin, "cmd/test2json").CombinedOutput()
	require.NoError(t, err, "go build cmd/test2json: %s", out)
	return bin
}

// variantBuilds builds the wrong answers of solutions/<name> that change
// function bodies only into one test binary (and those that need -race
// into another), and maps each entry's line to its binary. The others
// build alone (checkWrongAnswer). A variant binary must pass its tests
// with no wrong answer selected, as the solved copy does; when it does not
// build or does not pass, its entries build alone too.
func variantBuilds(t *testing.T, solutions, name string, answers []WrongAnswer, test2json string) map[int]*variantBinary {
	t.Helper()
	dir := filepath.Join(solutions, name)
	sets := map[bool]*VariantSet{false: NewVariantSet(dir), true: NewVariantSet(dir)}
	for _, a := range answers {
		target := filepath.Join(dir, filepath.FromSlash(a.File))
		src, err := os.ReadFile(target)
		if err != nil {
			continue // checkWrongAnswer reports it
		}
		if edited, err := a.Apply(string(src)); err == nil {
			sets[a.Race].Add(a.Line, target, string(src), edited)
		}
	}
	builds := map[int]*variantBinary{}
	for _, race := range []bool{false, true} {
		set := sets[race]
		if len(set.IDs()) == 0 {
			continue
		}
		tmp := t.TempDir()
		overlay, err := set.Overlay(tmp)
		require.NoError(t, err)
		b := &variantBinary{path: filepath.Join(tmp, name+".test"), dir: dir, pkg: "tokenrefresh/solutions/" + name, test2json: test2json}
		args := []string{"test", "-c", "-o", b.path, "-vet=off", "-ldflags=-w", "-overlay", writeOverlay(t, overlay)}
		if race {
			args = append(args, "-race")
		}
		ctx, cancel := goContext(t)
		cmd := exec.CommandContext(ctx, "go", append(args, "./"+name)...)
		cmd.Dir = solutions
		var out []byte
		inSlot(func() { out, err = cmd.CombinedOutput() })
		cancel()
		checkGoErr(t, ctx.Err(), solutions)
		if err != nil {
			t.Logf("the variant build of %d wrong answers of %s did not build (each builds alone instead):\n%s", len(set.IDs()), name, out)
			continue
		}
		if r := b.run(t, 0, "-test.skip=^TestBrowser"); len(r.Failures) > 0 || len(r.BuildErrors) > 0 || len(r.Panicked()) > 0 {
			t.Errorf("the variant build of %s fails its tests with no wrong answer selected (each builds alone instead): the variants changed the solved copy. Failing: %s\n%s",
				name, strings.Join(r.Failures, ", "), excerpt(r.Plain))
			continue
		}
		for _, id := range set.IDs() {
			builds[id] = b
		}
	}
	return builds
}

// checkWrongVariant is checkWrongAnswer for an entry a variant binary
// holds: the same runs, of the binary with the entry selected.
func checkWrongVariant(t *testing.T, b *variantBinary, name string, a WrongAnswer, proved provedFunc) {
	where := fmt.Sprintf("testdata/wrong/%s.txt:%d", name, a.Line)
	judgeWrongAnswer(t, where, name, a, proved, func(mode runMode, test string) *Result {
		switch mode {
		case runOne:
			return b.run(t, a.Line, "-test.run=^"+regexp.QuoteMeta(test)+"$")
		case runQuick:
			return b.run(t, a.Line, "-test.failfast", "-test.skip=^TestBrowser")
		}
		return b.run(t, a.Line)
	})
}

// A provedFunc records the run that proved an entry: its test for
// refused-by.tsv, its first message for MISTAKES.md.
type provedFunc func(t *testing.T, name string, a WrongAnswer, r *Result)

// A runMode is one of the runs that judge a wrong answer.
type runMode int

const (
	runOne   runMode = iota // the one test that refused the entry last time (refused-by.tsv)
	runQuick                // every test but the browser's, to the first failure
	runAll                  // every test
)

// checkWrongAnswer applies one wrong answer to the solved copy alone
// (with go test -overlay) and runs the tests of its package as
// judgeWrongAnswer says (the packages the first run compiled come from the
// build cache in the next).
func checkWrongAnswer(t *testing.T, solutions, name string, a WrongAnswer, proved provedFunc) {
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
	// about a tenth of the CPU of each build; -vet=off: go vet checks the
	// course's code, not a wrong answer.
	args := []string{"-vet=off", "-ldflags=-w", "./" + name}
	if a.Race {
		args = append([]string{"-race"}, args...)
	}
	judgeWrongAnswer(t, where, name, a, proved, func(mode runMode, test string) *Result {
		switch mode {
		case runOne:
			return goTest(t, solutions, overlay, append([]string{"-run=^" + regexp.QuoteMeta(test) + "$"}, args...)...)
		case runQuick:
			return goTest(t, solutions, overlay, append([]string{"-failfast", "-skip=^TestBrowser"}, args...)...)
		}
		return goTest(t, solutions, overlay, args...)
	})
}

// judgeWrongAnswer runs the tests with a wrong answer, and judges the
// runs: first the one test that refused it last time (refused-by.tsv),
// when there is one; then, when that did not prove it, every test but
// the browser's, to the first failure; then, when that did not either,
// every test, and that run is judged.
func judgeWrongAnswer(t *testing.T, where, name string, a WrongAnswer, proved provedFunc, run func(mode runMode, test string) *Result) {
	t.Helper()
	proves := func(r *Result) bool { return a.Want() == "" && len(r.Failures) > 0 || failingNames(r, a) }
	if test := refusedBy.test(name, a); test != "" {
		one := run(runOne, test)
		require.Empty(t, one.BuildErrors, "%s: the wrong answer does not build: an entry is code a learner could run, not a compile error", where)
		if proves(one) {
			t.Logf("%s: refused by %s, as last time", where, strings.Join(one.Failures, ", "))
			proved(t, name, a, one)
			return
		}
		t.Logf("%s: %s (refused-by.tsv) no longer refuses it (failing: %s); running the other tests", where, test, or(strings.Join(one.Failures, ", "), "none"))
	}
	quick := run(runQuick, "")
	require.Empty(t, quick.BuildErrors, "%s: the wrong answer does not build: an entry is code a learner could run, not a compile error", where)
	if proves(quick) {
		t.Logf("%s: refused by the quick run (%s)", where, strings.Join(quick.Failures, ", "))
		proved(t, name, a, quick)
		return
	}
	t.Logf("%s: the quick run did not prove it (failing: %s); running every test", where, or(strings.Join(quick.Failures, ", "), "none"))
	r := run(runAll, "")
	require.Empty(t, r.BuildErrors, "%s: the wrong answer does not build: an entry is code a learner could run, not a compile error", where)
	if len(r.Failures) == 0 {
		if skipped := skippedNamingEntry(r, a); skipped != "" {
			t.Skipf("%s: nothing fails here, and %s, which names %s, skipped (no browser?): CI runs it", where, skipped, a.Want())
		}
		t.Fatalf("%s: every test of solutions/%s passes with this wrong answer (%s): add a test that refuses it", where, name, a.What)
	}
	if a.Want() == "" || failingNames(r, a) {
		proved(t, name, a, r)
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
