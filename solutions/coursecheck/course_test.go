package coursecheck

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// todoID matches a numbered TODO, "TODO 2", in source and in test output.
var todoID = regexp.MustCompile(`\bTODO (\d+)\b`)

// stepDir matches the folder of a step module: step01-login, step02-guard, …
var stepDir = regexp.MustCompile(`^step\d\d-[a-z0-9-]+$`)

// TestCourse checks, for every step listed in go.work, that
//   - its test files are byte-identical to those of its solved copy;
//   - its starter has the same Go files as the solved copy, and numbered TODOs;
//   - the solved copy has no numbered TODO left;
//   - its tests build, at least one fails, nothing panics, every failing
//     test names a TODO of the starter, and every TODO is named by a
//     failing test.
//
// The solved copies' own tests are ordinary packages of this module, so
// go test ./solutions/... checks that they pass.
func TestCourse(t *testing.T) {
	root := repoRoot(t)
	steps := workspaceSteps(t, root)
	require.NotEmpty(t, steps, "go.work lists no step module (./stepNN-name)")

	for _, step := range steps {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			starter := filepath.Join(root, step)
			solved := filepath.Join(root, "solutions", step)
			require.DirExists(t, solved, "%s has no solved copy: add solutions/%s (a package of the solutions module)", step, step)

			checkSameFiles(t, step, starter, solved)
			todos := todoFiles(t, starter)
			require.NotEmpty(t, todos, "%s: the starter has no numbered TODO (// TODO 1 (file.go): …)", step)
			left := todoFiles(t, solved)
			assert.Empty(t, left, "solutions/%s still has numbered TODOs: the solved copy must be complete", step)

			checkTODOLabels(t, step, starter)
			checkStarterFails(t, step, starter, todos)
		})
	}
}

// repoRoot is the folder that holds go.work, above this package's folder.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.work above the course checker: run it inside the course repository")
		dir = parent
	}
}

// workspaceSteps lists the step modules that go.work uses, in order.
func workspaceSteps(t *testing.T, root string) []string {
	t.Helper()
	out := goCmd(t, root, 30*time.Second, "work", "edit", "-json")
	var work struct{ Use []struct{ DiskPath string } }
	require.NoError(t, json.Unmarshal(out, &work), "go work edit -json: %s", out)
	var steps []string
	for _, u := range work.Use {
		name := filepath.Clean(u.DiskPath)
		if stepDir.MatchString(name) {
			steps = append(steps, name)
		}
	}
	sort.Strings(steps)
	return steps
}

// goCmd runs the go command in dir and returns its standard output.
func goCmd(t *testing.T, dir string, timeout time.Duration, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		require.NoError(t, err, "go %s: %s", strings.Join(args, " "), stderr.String())
	}
	require.NoError(t, ctx.Err(), "go %s in %s took longer than %v", strings.Join(args, " "), dir, timeout)
	return out
}

// checkSameFiles asserts that starter and solved copy have the same Go
// files, and byte-identical tests.
func checkSameFiles(t *testing.T, step, starter, solved string) {
	t.Helper()
	starterFiles, solvedFiles := goFiles(t, starter), goFiles(t, solved)
	for _, name := range solvedFiles {
		if !slices.Contains(starterFiles, name) {
			t.Errorf("%s/%s is missing: the starter must have every file of solutions/%s/%s (with TODOs where the lesson is)", step, name, step, name)
		}
	}
	for _, name := range starterFiles {
		if !slices.Contains(solvedFiles, name) {
			t.Errorf("solutions/%s/%s is missing: the solved copy must have every file of the starter", step, name)
			continue
		}
		if !strings.HasSuffix(name, "_test.go") {
			continue
		}
		a, err := os.ReadFile(filepath.Join(starter, name))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(solved, name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(a, b),
			"%s/%s differs from solutions/%s/%s: test files must be byte-identical; copy the right one over the other (cp solutions/%s/%s %s/)",
			step, name, step, name, step, name, step)
	}
}

// goFiles lists the .go files in dir, not its subfolders.
func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	for i, name := range names {
		names[i] = filepath.Base(name)
	}
	return names
}

// todoFiles maps each numbered TODO in the non-test files below dir to
// the file that holds it. Every file is read, so that go test's cache
// notices any change in the step.
func todoFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	todos := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := os.ReadFile(path)
		if err != nil || strings.HasSuffix(path, "_test.go") || bytes.IndexByte(content, 0) >= 0 {
			return err // test files name TODOs in their messages; binaries are build output
		}
		rel, _ := filepath.Rel(dir, path)
		for _, m := range todoID.FindAllStringSubmatch(string(content), -1) {
			if _, seen := todos[m[1]]; !seen {
				todos[m[1]] = rel
			}
		}
		return nil
	})
	require.NoError(t, err)
	return todos
}

// todoLabel matches a label in a test message: "TODO 2 (users.go)".
var todoLabel = regexp.MustCompile(`\bTODO (\d+) \(([\w./-]+)\)`)

// checkTODOLabels asserts that every "TODO n (file)" label in the step's
// tests points at a "TODO n" in that file of the starter: a test of an
// earlier step's lesson names that step ("step 02 (guard.go)"), not a
// TODO the learner cannot find.
func checkTODOLabels(t *testing.T, step, starter string) {
	t.Helper()
	tests, err := filepath.Glob(filepath.Join(starter, "*_test.go"))
	require.NoError(t, err)
	for _, test := range tests {
		content, err := os.ReadFile(test)
		require.NoError(t, err)
		for _, m := range todoLabel.FindAllStringSubmatch(string(content), -1) {
			source, err := os.ReadFile(filepath.Join(starter, m[2]))
			if err != nil || !regexp.MustCompile(`\bTODO `+m[1]+`\b`).Match(source) {
				t.Errorf("%s/%s names %q, but %s/%s has no TODO %s: label an earlier step's test \"step NN (file)\"",
					step, filepath.Base(test), m[0], step, m[2], m[1])
			}
		}
	}
}

// testEvent is one line of go test -json.
type testEvent struct {
	Action      string
	Package     string
	Test        string
	Output      string
	FailedBuild string
}

// checkStarterFails runs the starter's tests and checks how they fail.
func checkStarterFails(t *testing.T, step, starter string, todos map[string]string) {
	t.Helper()
	out := goCmd(t, starter, 5*time.Minute, "test", "-json", "-count=1", "-timeout=2m", "./...")

	outputs := map[string]*strings.Builder{} // test name → its output
	results := map[string]string{}           // test name → pass, fail or skip
	var buildErrors strings.Builder
	scanner := bufio.NewScanner(bytes.NewReader(out))
	scanner.Buffer(make([]byte, 1<<20), 16<<20)
	for scanner.Scan() {
		var ev testEvent
		if json.Unmarshal(scanner.Bytes(), &ev) != nil {
			buildErrors.WriteString(scanner.Text() + "\n") // not an event: the go command's own output
			continue
		}
		switch {
		case ev.Action == "build-output":
			buildErrors.WriteString(ev.Output)
		case ev.FailedBuild != "":
			buildErrors.WriteString("build failed: " + ev.FailedBuild + "\n")
		case ev.Action == "output":
			if outputs[ev.Test] == nil {
				outputs[ev.Test] = &strings.Builder{}
			}
			outputs[ev.Test].WriteString(ev.Output)
		case ev.Test != "" && (ev.Action == "pass" || ev.Action == "fail" || ev.Action == "skip"):
			results[ev.Test] = ev.Action
		}
	}
	require.NoError(t, scanner.Err())
	require.Empty(t, buildErrors.String(), "%s: the starter's tests must build (a build error hides every test from the learner)", step)
	for name, o := range outputs {
		if strings.Contains(o.String(), "panic: ") {
			t.Errorf("%s: %s panics on the starter: a stub must return zero values or 501, never panic (a panic stops every later test). Output:\n%s",
				step, testName(name), excerpt(o))
		}
	}

	named := map[string]bool{}
	failures := 0
	for name, result := range results {
		if result == "fail" && !hasFailingChild(results, name) {
			failures++
			ids := namedTODOs(outputs[name])
			if len(ids) == 0 {
				t.Errorf("%s: %s fails on the starter without naming a TODO; its messages must say \"TODO n (file): …\". Output:\n%s",
					step, name, excerpt(outputs[name]))
			}
			for _, id := range ids {
				if _, ok := todos[id]; !ok {
					t.Errorf("%s: %s names TODO %s, which the starter does not have (it has %v)", step, name, id, sortedKeys(todos))
				}
				named[id] = true
			}
		}
	}
	require.Positive(t, failures, "%s: no test fails on the starter: it would already be solved", step)

	for id, file := range todos {
		if named[id] {
			continue
		}
		if skippedNaming(results, outputs, id) {
			t.Logf("%s: TODO %s (%s) is only named by a skipped test here (no browser?): CI runs it for real", step, id, file)
			continue
		}
		t.Errorf("%s: TODO %s in %s is not named by any failing test: add a test whose message names it, or remove the TODO", step, id, file)
	}
}

func testName(name string) string {
	if name == "" {
		return "the package"
	}
	return name
}

func hasFailingChild(results map[string]string, name string) bool {
	for other, result := range results {
		if result == "fail" && strings.HasPrefix(other, name+"/") {
			return true
		}
	}
	return false
}

func namedTODOs(output *strings.Builder) []string {
	if output == nil {
		return nil
	}
	var ids []string
	for _, m := range todoID.FindAllStringSubmatch(output.String(), -1) {
		if !slices.Contains(ids, m[1]) {
			ids = append(ids, m[1])
		}
	}
	return ids
}

// skippedNaming reports whether a skipped test names TODO id: a browser
// test skips where no browser is installed.
func skippedNaming(results map[string]string, outputs map[string]*strings.Builder, id string) bool {
	for name, result := range results {
		if result == "skip" && slices.Contains(namedTODOs(outputs[name]), id) {
			return true
		}
	}
	return false
}

func excerpt(output *strings.Builder) string {
	if output == nil {
		return "(no output)"
	}
	s := output.String()
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
