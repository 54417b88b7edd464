package coursecheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxFirstRunLines is what a starter's first go test ./... may print: about
// a screen, so that the first failure is in view.
const maxFirstRunLines = 300

// TestCourse checks, for every step listed in go.work, that
//   - its test files are byte-identical to those of its solved copy, and
//     both have the same Go files;
//   - its starter has numbered TODOs and the solved copy none;
//   - every label "TODO n (file)" in its tests points at TODO n in that file;
//   - its HINTS.md has a hint ladder of at least three rungs for every
//     TODO, and its README none;
//   - its tests build, at least one fails, nothing panics, every failing
//     test names a TODO of the starter, the first run prints at most 300
//     lines and its first failure names the lowest TODO;
//   - work order (not under -short): with the TODOs below k solved,
//     something fails, every failing test names a TODO k or later, and one
//     names TODO k (so every TODO is named, when the learner gets there).
//
// A step that a learner has worked on in place is checked as committed
// (see loadStep). The solved copies' own tests are ordinary packages of
// this module, so go test ./solutions/... checks that they pass.
func TestCourse(t *testing.T) {
	neverCache(t)
	root := repoRoot(t)
	steps := workspaceSteps(t, root)
	require.NotEmpty(t, steps, "go.work lists no step module (./stepNN-name)")

	t.Parallel() // beside TestWrongAnswers: slots bounds their go commands
	runEach(t, steps, func(name string) string { return name }, func(t *testing.T, name string) {
		s := loadStep(t, root, name)
		require.DirExists(t, s.solved, "%s has no solved copy: add solutions/%s (a package of the solutions module)", name, name)

		checkSameFiles(t, s)
		require.NotEmpty(t, s.todos, "%s: the starter has no numbered TODO (// TODO 1 (file.go): …)", name)
		left, err := ScanTODOs(os.DirFS(s.solved))
		assert.NoError(t, err, "solutions/%s", name)
		assert.Empty(t, left, "solutions/%s still has numbered TODOs: the solved copy must be complete", name)

		checkTODOLabels(t, s)
		checkHints(t, s)
		checkStarterFails(t, s)
		checkWorkOrder(t, s)
	})
}

// step is one step of the course, as the checker sees it.
type step struct {
	name    string            // step01-login
	dir     string            // the starter's folder
	solved  string            // solutions/<name>
	files   fs.FS             // the starter's files: the working copy, or as committed
	overlay map[string]string // what makes the go command see files (nil: the working copy)
	todos   TODOs
}

// loadStep reads a step's starter. A learner who works in place edits the
// starter: where git says the step's working copy differs from HEAD, the
// checker checks the starter as committed (an overlay gives the go command
// that view) and says so, once per step. It checks the working copy
// without git, outside a checkout, and for an instructor's edit: when
// solutions/<step> differs from HEAD too (a learner does not edit the
// solved copy), or with COURSECHECK_WORKTREE=1.
func loadStep(t *testing.T, root, name string) *step {
	t.Helper()
	s := &step{name: name, dir: filepath.Join(root, name), solved: filepath.Join(root, "solutions", name)}
	s.files = os.DirFS(s.dir)
	if os.Getenv("COURSECHECK_WORKTREE") == "" {
		committed, changes, err := GitHead(s.dir)
		var solvedChanges []Change
		if err == nil && len(changes) > 0 {
			_, solvedChanges, _ = GitHead(s.solved)
		}
		switch {
		case err != nil:
			t.Logf("%s: checking the working copy (no git history to compare with: %v)", name, err)
		case len(solvedChanges) > 0:
			t.Logf("%s: the starter and solutions/%s both differ from git's HEAD (an instructor's edit): checking the working copy", name, name)
		case len(changes) > 0:
			msg := fmt.Sprintf("%s: you have worked on it in place (%s changed); checking the starter as committed (COURSECHECK_WORKTREE=1 checks the working copy)",
				name, plural(len(changes), "file"))
			t.Log(msg)
			if _, said := saidInPlace.LoadOrStore(name, true); !said {
				sayToLearner(msg)
			}
			s.files = committed
			s.overlay, err = CommittedOverlay(changes, t.TempDir())
			require.NoError(t, err)
		}
	}
	var err error
	s.todos, err = ScanTODOs(s.files)
	assert.NoError(t, err, "%s: the starter's TODOs", name)
	return s
}

// saidInPlace holds the steps whose in-place work sayToLearner reported.
var saidInPlace sync.Map

// sayToLearner prints msg where the learner sees it without -v: go test
// shows nothing of a package that passes but its "ok" line, so msg goes
// to the terminal (/dev/tty), else to stderr (shown with -v, or when the
// check fails).
func sayToLearner(msg string) {
	out := io.Writer(os.Stderr)
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		out = tty
	}
	fmt.Fprintln(out, "coursecheck: "+msg)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// repoRoot is the folder that holds go.work, above this package's folder.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	root, err := FindRoot(dir)
	require.NoError(t, err)
	return root
}

// workspaceSteps lists the step modules that go.work uses, in order.
func workspaceSteps(t *testing.T, root string) []string {
	t.Helper()
	steps, err := WorkspaceSteps(root)
	require.NoError(t, err)
	return steps
}

// goTest runs go test -json -count=1 in dir, with overlay when it is not
// empty, and fails the test when the go command cannot run.
func goTest(t *testing.T, dir string, overlay map[string]string, args ...string) *Result {
	t.Helper()
	args = append([]string{"-count=1", "-timeout=3m"}, args...)
	if len(overlay) > 0 {
		args = append([]string{"-overlay", writeOverlay(t, overlay)}, args...)
	}
	ctx, cancel := goContext(t)
	defer cancel()
	var r *Result
	var err error
	inSlot(func() { r, err = RunTests(ctx, dir, args...) })
	checkGoErr(t, err, dir)
	require.NoError(t, err, "go test %s in %s", strings.Join(args, " "), dir)
	return r
}

func writeOverlay(t *testing.T, overlay map[string]string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "overlay.json")
	require.NoError(t, WriteOverlay(file, overlay))
	return file
}

// goContext is t's context, ended shortly before this test binary's
// -timeout, so that a slow run ends with a message rather than a panic.
func goContext(t *testing.T) (context.Context, context.CancelFunc) {
	if deadline, ok := t.Deadline(); ok {
		return context.WithDeadline(t.Context(), deadline.Add(-15*time.Second))
	}
	return context.WithCancel(t.Context())
}

// checkGoErr fails t, once with the advice, when a go command ran out of
// the time goContext gave it.
func checkGoErr(t *testing.T, err error, dir string) {
	t.Helper()
	if errors.Is(err, context.DeadlineExceeded) {
		if outOfTime.CompareAndSwap(false, true) {
			t.Fatalf("go test in %s stopped before go test's -timeout: the course check takes minutes, give it more (go test -timeout=30m ./solutions/...), or skip the known wrong answers (-short)", dir)
		}
		t.Fatal("out of time (see the first failure that says so)")
	}
}

// outOfTime is set once a go command ran out of time.
var outOfTime atomic.Bool

// checkSameFiles asserts that starter and solved copy have the same Go
// files, and byte-identical tests.
func checkSameFiles(t *testing.T, s *step) {
	t.Helper()
	starterFiles, err := fs.Glob(s.files, "*.go")
	require.NoError(t, err)
	solvedFiles, err := fs.Glob(os.DirFS(s.solved), "*.go")
	require.NoError(t, err)
	for _, name := range solvedFiles {
		if !slices.Contains(starterFiles, name) {
			t.Errorf("%s/%s is missing: the starter must have every file of solutions/%s/%s (with TODOs where the lesson is)", s.name, name, s.name, name)
		}
	}
	for _, name := range starterFiles {
		if !slices.Contains(solvedFiles, name) {
			t.Errorf("solutions/%s/%s is missing: the solved copy must have every file of the starter", s.name, name)
			continue
		}
		if !strings.HasSuffix(name, "_test.go") {
			continue
		}
		a, err := fs.ReadFile(s.files, name)
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(s.solved, name))
		require.NoError(t, err)
		assert.True(t, string(a) == string(b),
			"%s/%s differs from solutions/%s/%s: test files must be byte-identical; copy the right one over the other (cp solutions/%s/%s %s/)",
			s.name, name, s.name, name, s.name, name, s.name)
	}
	// testdata is part of the tests: the same files, byte for byte.
	starterData, solvedData := testdataFiles(t, s.files), testdataFiles(t, os.DirFS(s.solved))
	for name, b := range solvedData {
		a, ok := starterData[name]
		assert.True(t, ok, "%s/%s is missing: the starter's testdata must be the solved copy's (cp solutions/%s/%s %s/%s)", s.name, name, s.name, name, s.name, name)
		assert.True(t, !ok || a == b, "%s/%s differs from solutions/%s/%s: test data must be byte-identical; copy the right one over the other (cp solutions/%s/%s %s/%s)",
			s.name, name, s.name, name, s.name, name, s.name, name)
	}
	for name := range starterData {
		_, ok := solvedData[name]
		assert.True(t, ok, "solutions/%s/%s is missing: the solved copy's testdata must be the starter's", s.name, name)
	}
}

// testdataFiles reads every file under testdata/ of fsys, by path; none
// when there is no testdata.
func testdataFiles(t *testing.T, fsys fs.FS) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(fsys, "testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		files[path] = string(b)
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		require.NoError(t, err)
	}
	return files
}

// checkTODOLabels asserts that every "TODO n (file)" label in the step's
// tests points at TODO n in that file of the starter.
func checkTODOLabels(t *testing.T, s *step) {
	t.Helper()
	tests, err := fs.Glob(s.files, "*_test.go")
	require.NoError(t, err)
	for _, test := range tests {
		content, err := fs.ReadFile(s.files, test)
		require.NoError(t, err)
		for _, l := range ParseLabels(string(content)) {
			if !s.todos.Holds(l) {
				t.Errorf("%s/%s names %s, but %s/%s has no TODO %d: %s", s.name, test, l, s.name, l.File, l.N, danglingCauses(l))
			}
		}
	}
}

// danglingCauses says why a label may point nowhere.
func danglingCauses(l Label) string {
	return fmt.Sprintf("either the test is inherited from an earlier step (label it \"step NN (%s)\"), or TODO %d was removed from the code (remove the label, or put the TODO back)", l.File, l.N)
}

// minRungs is the shortest hint ladder: where to look, the approach, the
// key API.
const minRungs = 3

// checkHints asserts that the step's HINTS.md has a hint ladder for every
// TODO of the starter, each of at least three rungs, none empty, and code
// only on the last rung; and that its README holds no rung (issue 20).
func checkHints(t *testing.T, s *step) {
	t.Helper()
	readme, err := fs.ReadFile(s.files, "README.md")
	require.NoError(t, err, "%s has no README.md", s.name)
	for _, found := range HintsInREADME(string(readme)) {
		t.Errorf("%s/%s: hints belong in %s/%s (linked from the README's TODO table), one ladder per TODO; the README holds no rung", s.name, found, s.name, HintsFile)
	}
	hints, err := fs.ReadFile(s.files, HintsFile)
	require.NoError(t, err, "%s has no %s: add it beside the README, with a ladder \"## TODO n (file)\" for every TODO", s.name, HintsFile)
	ladders, err := ParseHints(string(hints))
	require.NoError(t, err, "%s/%s: the hints", s.name, HintsFile)
	for _, n := range s.todos.Numbers() {
		l := Label{n, s.todos[n]}
		i := slices.IndexFunc(ladders, func(ladder Ladder) bool { return ladder.Label == l })
		if i < 0 {
			t.Errorf("%s/%s has no hint ladder for %s: add a heading \"## %s\", then at least %d rungs (\"### Hint 1: Where to look\", …)",
				s.name, HintsFile, l, l, minRungs)
			continue
		}
		rungs := ladders[i].Rungs
		if len(rungs) < minRungs {
			t.Errorf("%s/%s: the hint ladder of %s has %d rungs; it needs at least %d (where to look, the approach, the key API)", s.name, HintsFile, l, len(rungs), minRungs)
		}
		for j, rung := range rungs {
			switch {
			case rung.Body == "":
				t.Errorf("%s/%s: rung %d of %s (%q) is empty", s.name, HintsFile, j+1, l, rung.Title)
			case j < len(rungs)-1 && strings.Contains(rung.Body, "```"):
				t.Errorf("%s/%s: rung %d of %s (%q) shows code: only the last rung may", s.name, HintsFile, j+1, l, rung.Title)
			}
		}
	}
	for _, ladder := range ladders {
		if !s.todos.Holds(ladder.Label) {
			t.Errorf("%s/%s has a hint ladder for %s, which the starter does not have (it has %s)", s.name, HintsFile, ladder.Label, s.todoList())
		}
	}
}

func (s *step) todoList() string {
	var labels []string
	for _, n := range s.todos.Numbers() {
		labels = append(labels, Label{n, s.todos[n]}.String())
	}
	return strings.Join(labels, ", ")
}

// checkStarterFails runs the starter's tests as a learner's first
// go test ./... and checks how they fail.
func checkStarterFails(t *testing.T, s *step) {
	t.Helper()
	lowest := s.todos.Numbers()[0]
	r := stepTests(t, s, s.overlay, lowest, true)
	if !checkFailures(t, s, r, lowest, "the starter") {
		return
	}

	lines := strings.Count(r.Plain, "\n")
	assert.LessOrEqual(t, lines, maxFirstRunLines,
		"%s: the starter's first go test ./... prints %d lines, more than %d: let each failing case stop at its first wrong thing (require on the status, assert after it)",
		s.name, lines, maxFirstRunLines)

	first := r.Failures[0]
	if ids, _ := s.todos.Named(r.Output[first]); !slices.Contains(ids, lowest) {
		t.Errorf("%s: the first failure a learner sees, %s, names %s, not the first TODO, %s: move a test of TODO %d first (Go runs test files in name order, tests in source order)",
			s.name, first, labelsOf(s.todos, ids), Label{lowest, s.todos[lowest]}, lowest)
	}
}

// checkFailures checks a run of the step's tests in a state where TODO k
// is the next to do (the starter: k is the first TODO): it builds, nothing
// panics, some test fails, every failing test names TODOs of the step, one
// of them k or later, and a failing test names TODO k. It reports whether
// some test failed.
func checkFailures(t *testing.T, s *step, r *Result, k int, state string) bool {
	t.Helper()
	require.Empty(t, r.BuildErrors, "%s: %s does not build (a build error hides every test from the learner)", s.name, state)
	checkNoPanic(t, r, s.name+": "+state)
	l := Label{k, s.todos[k]}
	skipped := skippedNaming(r, s.todos, k)
	if len(r.Failures) == 0 {
		if skipped != "" {
			t.Logf("%s: nothing fails on %s, and %s, which names %s, skipped here (no browser?): CI runs it", s.name, state, skipped, l)
			return false
		}
		t.Errorf("%s: every test passes on %s: %s is not tested on its own (or an earlier TODO's solution solves it)", s.name, state, l)
		return false
	}
	named := false
	for _, name := range r.Failures {
		ids, dangling := s.todos.Named(r.Output[name])
		for _, d := range dangling {
			t.Errorf("%s: %s fails on %s naming %s, which the starter does not have: %s", s.name, name, state, d, danglingCauses(d))
		}
		switch {
		case len(ids) == 0 && len(dangling) == 0:
			t.Errorf("%s: %s fails on %s without naming a TODO; its messages must start \"TODO n (file): …\". Output:\n%s",
				s.name, name, state, excerpt(r.Output[name]))
		case len(ids) > 0 && ids[len(ids)-1] < k:
			t.Errorf("%s: %s fails on %s, naming only %s: a learner working in order cannot fix it yet. Output:\n%s",
				s.name, name, state, labelsOf(s.todos, ids), excerpt(r.Output[name]))
		}
		named = named || slices.Contains(ids, k)
	}
	switch {
	case named:
	case skipped != "":
		t.Logf("%s: on %s, %s is only named by %s, which skipped here (no browser?): CI runs it", s.name, state, l, skipped)
	default:
		t.Errorf("%s: no failing test names %s on %s: a learner who gets there sees no failure for it; add a test whose message names it, or remove the TODO", s.name, l, state)
	}
	return true
}

// checkNoPanic asserts that no test panicked: a panic stops every later test.
func checkNoPanic(t *testing.T, r *Result, what string) {
	t.Helper()
	for _, name := range r.Panicked() {
		t.Errorf("%s: %s panics: a stub must return zero values or 501, never panic (a panic stops every later test). Output:\n%s",
			what, or(name, "the package"), excerpt(r.Output[name]))
	}
}

// checkWorkOrder proves that failures arrive in work order: for every TODO
// k after the first, with the TODOs below k solved (their solved files
// overlaid on the starter), some test fails, every failing test names a
// TODO k or later, and one names TODO k. A file that also holds a TODO k or later cannot be taken
// from the solved copy: testdata/order/<step>/<j>/<file> is that file as a
// learner has it when its next TODO is j.
func checkWorkOrder(t *testing.T, s *step) {
	t.Helper()
	if testing.Short() {
		t.Log("-short: the work order (a build for each TODO after the first) is checked without -short, as CI does")
		return
	}
	numbers := s.todos.Numbers()
	runEach(t, numbers[1:], func(k int) string { return fmt.Sprintf("TODOs before %d solved", k) }, func(t *testing.T, k int) {
		overlay := workOrderOverlay(t, s, k)
		if t.Failed() {
			return
		}
		r := stepTests(t, s, overlay, k, false)
		checkFailures(t, s, r, k, fmt.Sprintf("the starter with the TODOs before %d solved", k))
	})
}

// stepTests runs the step's tests in a state where TODO k is the next to
// do. -ldflags=-w: no DWARF for debuggers in a binary that runs once.
// Under -short, a quick run leaves out the browser tests (TestBrowser…:
// on a starter they wait for a page that never answers as it should) and
// is enough when a failing test names TODO k (and, for the starter's
// first run, the first failure does); otherwise, and always without -short
// (in CI), every test runs, and that run is judged. A TODO of the page's
// script (web/*.js) is tested in a browser only: no quick run for it.
func stepTests(t *testing.T, s *step, overlay map[string]string, k int, first bool) *Result {
	t.Helper()
	flags := []string{"-ldflags=-w"}
	if !first {
		// go vet runs on the starter as the learner has it (the first
		// run); a state with some TODOs solved is the solved copy's code.
		flags = append(flags, "-vet=off")
	}
	if testing.Short() && !strings.HasPrefix(s.todos[k], "web/") {
		quick := goTest(t, s.dir, overlay, append(flags, "-skip=^TestBrowser", "./...")...)
		l := Label{k, s.todos[k]}
		if len(quick.BuildErrors) == 0 && failingNames(quick, WrongAnswer{Label: l}) &&
			(!first || slices.Contains(ParseLabels(quick.Output[quick.Failures[0]]), l)) {
			return quick
		}
	}
	return goTest(t, s.dir, overlay, append(flags, "./...")...)
}

// workOrderOverlay maps each file that holds a TODO below k to its solved
// version: the solved copy's file when all of its TODOs are below k, else
// testdata/order/<step>/<j>/<file>, where j is the file's first TODO from k
// on.
func workOrderOverlay(t *testing.T, s *step, k int) map[string]string {
	t.Helper()
	overlay := map[string]string{}
	for path, replacement := range s.overlay {
		overlay[path] = replacement
	}
	byFile := map[string][]int{}
	for _, n := range s.todos.Numbers() {
		byFile[s.todos[n]] = append(byFile[s.todos[n]], n)
	}
	for file, ids := range byFile {
		target := filepath.Join(s.dir, filepath.FromSlash(file))
		switch {
		case ids[0] >= k: // nothing solved in this file yet
		case ids[len(ids)-1] < k:
			overlay[target] = filepath.Join(s.solved, filepath.FromSlash(file))
		default:
			// The file as it stands once its TODOs before k are solved: named
			// by its own first TODO still open, so that one order file
			// serves every k up to that TODO.
			open := ids[slices.IndexFunc(ids, func(n int) bool { return n >= k })]
			order := filepath.Join("testdata", "order", s.name, strconv.Itoa(open), filepath.FromSlash(file))
			content, err := os.ReadFile(order)
			if err != nil {
				t.Errorf("%s: %s holds TODOs %v: to check the work order at TODO %d, add %s, the file with its TODOs before %d solved and the others still stubbed (%v)",
					s.name, file, ids, k, filepath.Join("solutions", "coursecheck", order), open, err)
				continue
			}
			var holds []int
			for _, l := range ParseLabels(string(content)) {
				if l.File == file {
					holds = append(holds, l.N)
				}
			}
			for _, n := range ids {
				if n < k && slices.Contains(holds, n) {
					t.Errorf("%s still has TODO %d: there it must be solved (it is before %d)", order, n, k)
				}
				if n >= k && !slices.Contains(holds, n) {
					t.Errorf("%s has no TODO %d: there it must still be a stub with its label %s", order, n, Label{n, file})
				}
			}
			abs, err := filepath.Abs(order)
			require.NoError(t, err)
			overlay[target] = abs
		}
	}
	return overlay
}

// skippedNaming returns a skipped test that names TODO n (a browser test
// skips where no browser is installed), or "".
func skippedNaming(r *Result, todos TODOs, n int) string {
	for _, name := range r.Skipped() {
		if ids, _ := todos.Named(r.Output[name]); slices.Contains(ids, n) {
			return name
		}
	}
	return ""
}

func labelsOf(todos TODOs, ids []int) string {
	if len(ids) == 0 {
		return "no TODO"
	}
	var labels []string
	for _, n := range ids {
		labels = append(labels, Label{n, todos[n]}.String())
	}
	return strings.Join(labels, ", ")
}

func excerpt(s string) string {
	if s == "" {
		return "(no output)"
	}
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
}
