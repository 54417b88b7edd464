package coursecheck

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Result is what one run of go test -json reported.
type Result struct {
	// Tests maps each test ("TestX", "TestX/case") to pass, fail or skip;
	// a test that never finished (a panic, a timeout) maps to run.
	Tests map[string]string
	// Output maps each test to its own output, without the === framing
	// lines of -json and without its subtests' output. The key "" holds
	// the output of no test (TestMain, PASS/FAIL lines, a panic's trace).
	Output map[string]string
	// Packages maps each package tested to pass, fail or skip.
	Packages map[string]string
	// Failures lists the failing leaf tests (no subtest of theirs failed),
	// in the order a learner sees them in the plain output.
	Failures []string
	// BuildErrors holds build and vet errors, and the go command's own
	// complaints when it tested nothing; empty when everything built.
	BuildErrors string
	// Plain is the output as plain go test (without -v or -json) prints
	// it: failing tests only, each under its --- FAIL line, then the
	// package lines.
	Plain string
}

// Panicked lists the tests whose output holds a panic ("" for a panic
// outside any test).
func (r *Result) Panicked() []string {
	var names []string
	for name, out := range r.Output {
		if panicRE.MatchString(out) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Skipped lists the tests that skipped, sorted.
func (r *Result) Skipped() []string {
	var names []string
	for name, result := range r.Tests {
		if result == "skip" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

var panicRE = regexp.MustCompile(`(?m)^panic: `)

// RunTests runs go test -json in dir with args (flags, then packages,
// e.g. "-count=1", "-overlay", file, "./...") and parses its output. The
// error is only for a go command that could not run: failing tests and
// build errors are in the Result.
func RunTests(ctx context.Context, dir string, args ...string) (*Result, error) {
	stdout, stderr, err := RunTestsRaw(ctx, dir, args...)
	if err != nil {
		return nil, err
	}
	return ParseRun(stdout, stderr), nil
}

// RunTestsRaw is RunTests without the parsing: go test -json's events
// and the go command's stderr, for ParseRun.
func RunTestsRaw(ctx context.Context, dir string, args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-json"}, args...)...)
	cmd.Dir = dir
	return runJSON(ctx, cmd)
}

// runJSON runs cmd, made with exec.CommandContext(ctx, …): go test -json,
// or a test binary through test2json (the known wrong answers' variant
// binaries). It returns cmd's stdout and stderr; the error is only for a
// command that could not run, or ran out of ctx: failing tests are not.
func runJSON(ctx context.Context, cmd *exec.Cmd) (stdout, stderr []byte, err error) {
	// Cancelled, the command is interrupted: the go command then stops the
	// test binary too (a kill would leave that running).
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	out, err := cmd.Output()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		return nil, nil, err
	}
	if ctx.Err() != nil {
		return nil, nil, ctx.Err()
	}
	return out, errBuf.Bytes(), nil
}

// ParseRun parses what RunTestsRaw returned.
func ParseRun(stdout, stderr []byte) *Result {
	r := ParseTestJSON(stdout)
	r.Plain += string(stderr)
	if len(r.Packages) == 0 { // the go command gave up before testing: its complaint is on stderr
		r.BuildErrors += string(stderr)
	}
	return r
}

// testEvent is one line of go test -json (see go doc test2json).
type testEvent struct {
	Action      string
	Package     string
	Test        string
	Output      string
	FailedBuild string
}

// ParseTestJSON reads the output of go test -json. A line that is no
// event is the go command's own output, and counts as a build error.
func ParseTestJSON(out []byte) *Result {
	r := &Result{Tests: map[string]string{}, Output: map[string]string{}, Packages: map[string]string{}}
	type pending struct {
		out    string   // what plain go test would print for the test so far
		leaves []string // its failing leaf tests, in order
	}
	tests := map[string]*pending{} // tests of the current package that have not reported yet
	var started []string           // the same, in start order
	pkgOut := map[string]string{}  // package → its output outside tests
	var plain strings.Builder
	failed := false

	scanner := bufio.NewScanner(bytes.NewReader(out))
	scanner.Buffer(make([]byte, 1<<20), 16<<20)
	for scanner.Scan() {
		var ev testEvent
		if json.Unmarshal(scanner.Bytes(), &ev) != nil || ev.Action == "" {
			r.BuildErrors += scanner.Text() + "\n"
			plain.WriteString(scanner.Text() + "\n")
			continue
		}
		switch {
		case ev.Action == "build-output":
			r.BuildErrors += ev.Output
			plain.WriteString(ev.Output)
		case ev.Test == "" && ev.Action == "output":
			r.Output[""] += ev.Output
			pkgOut[ev.Package] += ev.Output
		case ev.Test == "" && (ev.Action == "pass" || ev.Action == "fail" || ev.Action == "skip"):
			failed = failed || ev.Action == "fail"
			r.Packages[ev.Package] = ev.Action
			if ev.FailedBuild != "" {
				r.BuildErrors += "build failed: " + ev.FailedBuild + "\n"
			}
			for _, name := range started { // never reported: a panic or a timeout
				plain.WriteString(tests[name].out)
			}
			tests, started = map[string]*pending{}, nil
			for _, line := range strings.SplitAfter(pkgOut[ev.Package], "\n") {
				// A passing package shows only its "ok" line.
				if ev.Action != "pass" || strings.HasPrefix(line, "ok ") {
					plain.WriteString(line)
				}
			}
			delete(pkgOut, ev.Package)
		case ev.Action == "run":
			r.Tests[ev.Test] = "run"
			tests[ev.Test] = &pending{}
			started = append(started, ev.Test)
		case ev.Action == "output":
			if strings.HasPrefix(strings.TrimLeft(ev.Output, " "), "=== ") {
				continue // -json's framing: === RUN, PAUSE, CONT, NAME
			}
			r.Output[ev.Test] += ev.Output
			if p := tests[ev.Test]; p != nil {
				p.out += ev.Output
			}
		case ev.Action == "pass" || ev.Action == "fail" || ev.Action == "skip":
			r.Tests[ev.Test] = ev.Action
			p := tests[ev.Test]
			if p == nil {
				continue
			}
			delete(tests, ev.Test)
			started = slices.DeleteFunc(started, func(s string) bool { return s == ev.Test })
			if ev.Action != "fail" {
				continue // plain go test prints nothing of a test that passed or skipped
			}
			if len(p.leaves) == 0 {
				p.leaves = []string{ev.Test}
			}
			// Plain go test prints the --- FAIL line first, then the
			// test's output; -json prints that line last.
			if i := strings.LastIndex(p.out, "--- FAIL: "); i >= 0 {
				start := strings.LastIndex(p.out[:i], "\n") + 1
				p.out = p.out[start:] + p.out[:start]
			}
			if parent := tests[parentTest(ev.Test, tests)]; parent != nil {
				parent.out += indent(p.out) // plain go test nests a subtest's report
				parent.leaves = append(parent.leaves, p.leaves...)
				continue
			}
			plain.WriteString(p.out)
			r.Failures = append(r.Failures, p.leaves...)
		}
	}
	for _, name := range started {
		plain.WriteString(tests[name].out)
	}
	for _, out := range pkgOut {
		plain.WriteString(out)
	}
	if failed {
		plain.WriteString("FAIL\n") // the go command's last line when a package failed
	}
	r.Plain = plain.String()
	return r
}

// parentTest is the longest running test whose name, plus "/", starts
// name (a subtest's name may itself hold a slash).
func parentTest[V any](name string, running map[string]V) string {
	for i := strings.LastIndex(name, "/"); i > 0; i = strings.LastIndex(name[:i], "/") {
		if _, ok := running[name[:i]]; ok {
			return name[:i]
		}
	}
	return ""
}

func indent(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, line := range lines {
		if line != "" {
			lines[i] = "    " + line
		}
	}
	return strings.Join(lines, "")
}

// WriteOverlay writes the file that go build -overlay reads: replace maps
// an absolute path to the file to use instead, or to "" to hide the file.
func WriteOverlay(file string, replace map[string]string) error {
	data, err := json.Marshal(struct{ Replace map[string]string }{replace})
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}
