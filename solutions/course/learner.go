package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// timelineFile, in cacheDir, holds when the learner came to each TODO and
// when they moved past it: the time on the current TODO, and the time
// each TODO took, for the class view (course class). It is the learner's
// own, like the rest of cacheDir (git ignores it).
const timelineFile = "timeline.json"

// timeline maps a step and a TODO's label to when the status first named
// it as the one to do, and when it was first seen done after that.
type timeline map[string]map[string]*visit

type visit struct {
	Since  time.Time `json:"since"`
	Passed time.Time `json:"passed,omitzero"`
}

// Took is how long a TODO took a learner: from the first status that
// named it as the next TODO to the first that saw it done.
type Took struct {
	Step    string `json:"step"`
	TODO    string `json:"todo"`
	Seconds int64  `json:"seconds"`
}

// observe records where the learner is (timelineFile) and fills in what
// the class view needs: the time on the next TODO, the hints shown (from
// progressFile, which course hint keeps), the last test run, the time
// each TODO took. It is cheap (two small files) and never fails the
// status: a file it cannot write is said once on stderr.
func (c *course) observe(st *Status) {
	now := c.clock().UTC().Truncate(time.Second)
	st.At, st.Name = now, c.name
	tl := c.readTimeline()
	changed := false
	at := func(step, label string) *visit { return tl[step][label] }
	// Done TODOs: passed now, if the learner was on them.
	for _, s := range st.Steps {
		for _, t := range s.TODOs {
			if v := at(s.Step, t.Label()); t.Done && v != nil && v.Passed.IsZero() {
				v.Passed, changed = now, true
			}
		}
	}
	// The next TODO: on it since now, unless it was already (again after
	// a reset: from now).
	if n := st.Next; n != nil && n.TODO != nil {
		v := at(n.Step, n.TODO.Label())
		if v == nil || !v.Passed.IsZero() {
			v = &visit{Since: now}
			if tl[n.Step] == nil {
				tl[n.Step] = map[string]*visit{}
			}
			tl[n.Step][n.TODO.Label()] = v
			changed = true
		}
		since := v.Since
		n.Since = &since
		n.OnTODOSeconds = int64(now.Sub(since) / time.Second)
	}
	if changed {
		if err := c.writeTimeline(tl); err != nil && !c.warnedTimeline {
			c.warnedTimeline = true
			fmt.Fprintf(c.stderr, "course: the time on each TODO is not kept: %v\n", err)
		}
	}

	st.Took = nil
	for _, s := range st.Steps {
		for _, t := range s.TODOs {
			if v := tl[s.Step][t.Label()]; v != nil && !v.Passed.IsZero() {
				st.Took = append(st.Took, Took{Step: s.Step, TODO: t.Label(), Seconds: int64(max(v.Passed.Sub(v.Since), 0) / time.Second)})
			}
		}
	}

	p, err := c.readProgress()
	if err == nil {
		st.HintsUsed = 0
		for _, todos := range p.Hints {
			for _, shown := range todos {
				st.HintsUsed += shown
			}
		}
		if n := st.Next; n != nil && n.TODO != nil {
			n.HintsUsed = p.Hints[n.Step][n.TODO.Label()]
		}
	}
	st.LastRun = nil
	for _, s := range st.Steps {
		if s.RanAt != nil && (st.LastRun == nil || s.RanAt.After(*st.LastRun)) {
			ran := *s.RanAt
			st.LastRun = &ran
		}
	}
}

func (c *course) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

func (c *course) readTimeline() timeline {
	tl := timeline{}
	data, err := os.ReadFile(filepath.Join(c.root, cacheDir, timelineFile))
	if err == nil && json.Unmarshal(data, &tl) != nil {
		tl = timeline{} // a damaged file starts again
	}
	for step, todos := range tl {
		for label, v := range todos {
			if v == nil {
				delete(tl[step], label)
			}
		}
	}
	return tl
}

func (c *course) writeTimeline(tl timeline) error {
	data, err := json.MarshalIndent(tl, "", "  ")
	if err != nil {
		return err
	}
	file := filepath.Join(c.root, cacheDir, timelineFile)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, append(data, '\n'), 0o644)
}

// Report is what a learner's course sends the class (watch -class), and
// what course class reads from a file of course -json: the status only,
// never code or test output.
type Report struct {
	Name string    `json:"name"`
	At   time.Time `json:"at"` // when it was made (the learner's clock: times below are relative to it)
	// Step and TODO: where the learner is; both empty when every step is
	// done, TODO empty when no test names one (a build error).
	Step          string `json:"step,omitempty"`
	TODO          string `json:"todo,omitempty"`
	OnTODOSeconds int64  `json:"on_todo_seconds"` // how long on it, when the report was made
	HintsUsed     int    `json:"hints_used"`      // rungs shown for that TODO
	HintsTotal    int    `json:"hints_total"`     // rungs shown, every TODO
	// LastRun is when the step's tests last ran (zero: never).
	LastRun time.Time `json:"last_run,omitzero"`
	Passed  int       `json:"passed"` // the step's top-level tests that passed in that run
	Failed  int       `json:"failed"` // … and failed
	// Done: TODOs done per step (the first n of the step, in order).
	Done map[string]int `json:"done,omitempty"`
	Took []Took         `json:"took,omitempty"`
}

// report is the part of the status that travels to the class.
func (st *Status) report() Report {
	r := Report{Name: st.Name, At: st.At, HintsTotal: st.HintsUsed, Took: slices.Clone(st.Took), Done: map[string]int{}}
	for _, s := range st.Steps {
		if s.Done > 0 {
			r.Done[s.Step] = s.Done
		}
	}
	if st.LastRun != nil {
		r.LastRun = *st.LastRun
	}
	if n := st.Next; n != nil {
		r.Step = n.Step
		if n.TODO != nil {
			r.TODO = n.TODO.Label()
		}
		r.OnTODOSeconds = n.OnTODOSeconds
		r.HintsUsed = n.HintsUsed
		if i := slices.IndexFunc(st.Steps, func(s *StepStatus) bool { return s.Step == n.Step }); i >= 0 {
			r.Passed, r.Failed = st.Steps[i].Passed, st.Steps[i].Failed
		}
	}
	return r
}

// readStatusFile reads a learner's course -json output, for course class:
// its report, the name from the file's when it has none (ada.json: ada).
func readStatusFile(path string) (Report, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Report{}, fmt.Errorf("%s: no such file", path)
	}
	if err != nil {
		return Report{}, err
	}
	var st Status
	if err := json.Unmarshal(data, &st); err != nil {
		return Report{}, fmt.Errorf("%s: not the output of %s -json: %v", path, cmdName, err)
	}
	if st.At.IsZero() {
		return Report{}, fmt.Errorf("%s: not the output of %s -json (no \"at\")", path, cmdName)
	}
	if st.Name == "" {
		st.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return st.report(), nil
}
