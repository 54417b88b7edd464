package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"tokenrefresh/solutions/coursecheck"
)

// The states of a step.
const (
	stateDone       = "done"
	stateInProgress = "in progress"
	stateNotStarted = "not started"
)

// Status is the learner's progress: every step, and what to do next.
type Status struct {
	Steps []*StepStatus `json:"steps"`
	Next  *Next         `json:"next"` // nil when every step is done

	// For the class view (course class; see observe).
	Name      string     `json:"name,omitempty"` // -name
	At        time.Time  `json:"at"`             // when this status was made
	HintsUsed int        `json:"hints_used"`     // rungs of hint ladders shown, every TODO
	LastRun   *time.Time `json:"last_run,omitempty"`
	Took      []Took     `json:"took,omitempty"` // how long each TODO took
}

// StepStatus is one step's progress.
//
// Done counts the TODOs before the next one, k (see nextTODO): the checker
// proves the work order (with TODOs 1 … k-1 solved, every failing test
// names a TODO k or later, and one names k), so a learner who works in
// order has exactly the TODOs below k done; a TODO solved out of order
// counts once those before it are. A skipped test that names a TODO (a
// browser test without a browser) counts as failing: it could not check
// it. With no TODO named, every TODO is done.
//
// State: "not started" when git says the step's files are the starter as
// committed (its tests are then not run, unless it is the next step: the
// checker proves that a starter fails); without git, when its tests ran,
// failed, and no TODO is done. "done" when its tests ran and passed, and no
// browser test skipped. Otherwise "in progress".
type StepStatus struct {
	Step         string   `json:"step"`
	State        string   `json:"state"`
	Done         int      `json:"done"`
	Total        int      `json:"total"`
	TODOs        []TODO   `json:"todos"`
	ChangedFiles int      `json:"changed_files"` // files that differ from the starter as committed (-1: no git)
	Tested       bool     `json:"tested"`        // its tests ran
	BuildFailed  bool     `json:"build_failed,omitempty"`
	SkippedTests []string `json:"skipped_browser_tests,omitempty"`
	// Race: its tests run with -race, as its README's "Done when" says.
	Race bool `json:"race,omitempty"`
	// Cached: the result is the last run's, the step's files unchanged
	// since (see runStepTests).
	Cached bool `json:"cached,omitempty"`
	// NextTODO is the first TODO a failing test names; 0 when none does.
	NextTODO int `json:"next_todo,omitempty"`
	// Failure is what to show: the first failing test that names NextTODO
	// (a skipped one when only that names it), a build error or a panic.
	Failure *Failure `json:"failure,omitempty"`
	// Passed and Failed count the top-level tests of its last run; RanAt
	// is when that run was (a cached result: when it ran).
	Passed int        `json:"passed"`
	Failed int        `json:"failed"`
	RanAt  *time.Time `json:"ran_at,omitempty"`
}

// TODO is one TODO of a step.
type TODO struct {
	N    int    `json:"n"`
	File string `json:"file"`
	What string `json:"what"` // the first sentence of its comment in the starter
	// Description is the whole comment (every comment with its label),
	// the details included.
	Description string `json:"description"`
	Done        bool   `json:"done"`
}

// Label is how the course names the TODO: "TODO 2 (users.go)".
func (t TODO) Label() string { return coursecheck.Label{N: t.N, File: t.File}.String() }

// Failure is one failing test (or build error, or skipped test) and the
// line of its output to show.
type Failure struct {
	Test    string `json:"test,omitempty"` // empty for a build error
	Message string `json:"message"`        // the first line that carries the TODO's label
	Skipped bool   `json:"skipped,omitempty"`
}

// Next is what to do next: a step, its TODO, and the failure to look at.
type Next struct {
	Step    string   `json:"step"`
	TODO    *TODO    `json:"todo,omitempty"`
	Failure *Failure `json:"failure,omitempty"`
	// Since: when a status first named this TODO as the next one;
	// OnTODOSeconds: how long ago that was; HintsUsed: the rungs of its
	// ladder shown (see observe).
	Since         *time.Time `json:"since,omitempty"`
	OnTODOSeconds int64      `json:"on_todo_seconds"`
	HintsUsed     int        `json:"hints_used"`
}

// status runs the tests needed and returns the learner's progress. It
// tests every step that differs from git's HEAD, in parallel (an untouched
// starter is not started: the checker proves that its tests fail), then
// the next step when it was not tested yet. Without git it tests every step.
func (c *course) computeStatus(ctx context.Context) (*Status, error) {
	steps := make([]*step, len(c.steps))
	errs := make([]error, len(c.steps))
	var wg sync.WaitGroup
	for i, name := range c.steps {
		wg.Go(func() { steps[i], errs[i] = c.loadStep(name) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	st := &Status{Steps: make([]*StepStatus, len(steps))}
	var toTest []int
	for i, s := range steps {
		st.Steps[i] = newStepStatus(s)
		if !s.untouched() {
			toTest = append(toTest, i)
		}
	}
	if err := c.testSteps(ctx, steps, st.Steps, toTest); err != nil {
		return nil, err
	}
	i := nextStep(st.Steps)
	if i >= 0 && !st.Steps[i].Tested {
		if err := c.testSteps(ctx, steps, st.Steps, []int{i}); err != nil {
			return nil, err
		}
	}
	if i >= 0 {
		st.Next = st.Steps[i].next()
	}
	c.observe(st)
	return st, nil
}

// nextStep is the index of the first step in progress, else of the first
// not started; -1 when every step is done. A learner who began with a
// later step is not sent back to an earlier one they never opened.
func nextStep(steps []*StepStatus) int {
	if i := slices.IndexFunc(steps, func(s *StepStatus) bool { return s.State == stateInProgress }); i >= 0 {
		return i
	}
	return slices.IndexFunc(steps, func(s *StepStatus) bool { return s.State == stateNotStarted })
}

// testSteps runs the tests of the steps at indexes, at most GOMAXPROCS
// at once, and records their results.
func (c *course) testSteps(ctx context.Context, steps []*step, statuses []*StepStatus, indexes []int) error {
	errs := make([]error, len(indexes))
	limit := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for j, i := range indexes {
		wg.Go(func() {
			limit <- struct{}{}
			defer func() { <-limit }()
			r, cached, err := c.runStepTests(ctx, steps[i])
			if err != nil {
				errs[j] = fmt.Errorf("%s: go test: %w", steps[i].name, err)
				return
			}
			c.recordRun(statuses[i], steps[i], r, cached)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// newStepStatus is a step's status before its tests ran: not started when
// untouched.
func newStepStatus(s *step) *StepStatus {
	st := &StepStatus{Step: s.name, State: stateInProgress, Total: len(s.todos), ChangedFiles: len(s.changes), Race: s.race}
	if !s.git {
		st.ChangedFiles = -1
	}
	if s.untouched() {
		st.State = stateNotStarted
	}
	for _, n := range s.todos.Numbers() {
		l := coursecheck.Label{N: n, File: s.todos[n]}
		st.TODOs = append(st.TODOs, TODO{N: n, File: l.File, What: coursecheck.TODOWhat(s.files, l), Description: todoDescription(s.files, l)})
	}
	return st
}

// recordRun sets the status from a run of the step's tests, and when it ran.
func (c *course) recordRun(st *StepStatus, s *step, r *coursecheck.Result, cached bool) {
	st.record(s, r)
	st.Cached = cached
	st.RanAt = nil
	if info, err := os.Stat(c.runFile(s.name)); err == nil {
		ran := info.ModTime().UTC().Truncate(time.Second)
		st.RanAt = &ran
	}
}

// record sets the status from a run of the step's tests.
func (st *StepStatus) record(s *step, r *coursecheck.Result) {
	st.Tested = true
	st.Passed, st.Failed = 0, 0
	for name, result := range r.Tests {
		if strings.Contains(name, "/") {
			continue
		}
		switch result {
		case "pass":
			st.Passed++
		case "fail", "run":
			st.Failed++
		}
	}
	if r.BuildErrors != "" {
		st.BuildFailed = true
		st.Failure = &Failure{Message: buildErrorLine(r.BuildErrors)}
		st.Done = 0 // unknown until it builds
		if !s.untouched() {
			st.State = stateInProgress
		}
		return
	}

	// What each failing test names, and each skipped one (a browser test
	// that could not run cannot say that its TODO is done).
	var named [][]int
	for _, name := range r.Failures {
		if ids, _ := s.todos.Named(r.Output[name]); len(ids) > 0 {
			named = append(named, ids)
		}
	}
	for _, name := range r.Skipped() {
		if ids, _ := s.todos.Named(r.Output[name]); len(ids) > 0 {
			named = append(named, ids)
		}
		if strings.HasPrefix(name, "TestBrowser") {
			st.SkippedTests = append(st.SkippedTests, name)
		}
	}
	st.NextTODO = nextTODO(named)
	st.setDone(st.NextTODO)
	st.Failure = failureFor(s.todos, r, st.NextTODO)

	failed := st.Failure != nil && !st.Failure.Skipped
	for _, result := range r.Packages {
		failed = failed || result == "fail"
	}
	switch {
	case s.untouched() || !s.git && failed && st.Done == 0:
		st.State = stateNotStarted
	case !failed && len(st.SkippedTests) == 0:
		st.State = stateDone
	default:
		st.State = stateInProgress
		if st.Failure == nil && len(st.SkippedTests) > 0 {
			name := st.SkippedTests[0]
			st.Failure = &Failure{Test: name, Message: firstLine(r.Output[name]), Skipped: true}
		}
		if st.Failure == nil {
			st.Failure = &Failure{Message: firstLine(r.Output[""])}
		}
	}
}

// nextTODO is the TODO to work on, from what each failing test names, as
// the checker's work order reads it: with TODOs 1 … k-1 solved, every
// failing test names some TODO k or later, and one names k. A test may
// name two TODOs ("TODO 1 (login.go) …, TODO 2 (users.go) …") and still
// fail once the first is solved; so k is the highest TODO named that is
// not above any failing test's highest. 0 when no test names a TODO.
func nextTODO(named [][]int) int {
	if len(named) == 0 {
		return 0
	}
	bound := named[0][len(named[0])-1]
	for _, ids := range named {
		bound = min(bound, ids[len(ids)-1]) // Named returns them sorted
	}
	k := 0
	for _, ids := range named {
		for _, n := range ids {
			if n <= bound {
				k = max(k, n)
			}
		}
	}
	return k
}

// setDone marks the TODOs before next as done (every TODO when next is 0).
func (st *StepStatus) setDone(next int) {
	st.Done = 0
	for i := range st.TODOs {
		st.TODOs[i].Done = next == 0 || st.TODOs[i].N < next
		if st.TODOs[i].Done {
			st.Done++
		}
	}
}

// failureFor picks the failure to show: a panic first (it stops every
// later test), else the first failing test that names TODO next (in the
// order plain go test prints them; one whose message starts with that
// TODO's label first), else the first failing test, else a
// skipped test that names TODO next. Nil when nothing failed or skipped.
func failureFor(todos coursecheck.TODOs, r *coursecheck.Result, next int) *Failure {
	if panicked := r.Panicked(); len(panicked) > 0 {
		name := panicked[0]
		return &Failure{Test: name, Message: panicLine(r.Output[name])}
	}
	l := coursecheck.Label{N: next, File: todos[next]}
	if next > 0 {
		// A test whose message is about TODO next first, else one that
		// names it after an earlier TODO.
		for _, leading := range []bool{true, false} {
			for _, name := range r.Failures {
				if msg := labelLine(r.Output[name], l); msg != "" && (!leading || leadsWith(r.Output[name], l)) {
					return &Failure{Test: name, Message: msg}
				}
			}
		}
	}
	if len(r.Failures) > 0 {
		name := r.Failures[0]
		return &Failure{Test: name, Message: firstLine(r.Output[name])}
	}
	if next > 0 {
		for _, name := range r.Skipped() {
			if msg := labelLine(r.Output[name], l); msg != "" {
				return &Failure{Test: name, Message: msg, Skipped: true}
			}
		}
	}
	return nil
}

// panicLine is the "panic: …" line of a test's output.
func panicLine(output string) string {
	for line := range strings.Lines(output) {
		if strings.HasPrefix(line, "panic: ") {
			return strings.TrimSpace(line)
		}
	}
	return "panic"
}

// buildErrorLine is the first error of the go command's build output (the
// "# package" lines only say where).
func buildErrorLine(out string) string {
	for line := range strings.Lines(out) {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			return t
		}
	}
	return strings.TrimSpace(out)
}

// next is what to do in this step.
func (st *StepStatus) next() *Next {
	n := &Next{Step: st.Step, Failure: st.Failure}
	if i := slices.IndexFunc(st.TODOs, func(t TODO) bool { return t.N == st.NextTODO }); i >= 0 {
		n.TODO = &st.TODOs[i]
	} else if !st.Tested {
		n.TODO = &st.TODOs[0]
	}
	return n
}
