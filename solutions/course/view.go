package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// ANSI colours, used only on a terminal without NO_COLOR.
const (
	green  = "\033[32m"
	yellow = "\033[33m"
	red    = "\033[31m"
	dim    = "\033[2m"
	bold   = "\033[1m"
	reset  = "\033[0m"
)

// paint wraps s in colour when c writes to a terminal.
func (c *course) paint(colour, s string) string {
	if !c.color {
		return s
	}
	return colour + s + reset
}

// status prints every step's progress and the next thing to do, or the
// same as JSON.
func (c *course) status(ctx context.Context, asJSON bool) error {
	st, err := c.computeStatus(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	c.printSteps(c.stdout, st)
	fmt.Fprintln(c.stdout)
	c.printNext(c.stdout, st.Next, true)
	return nil
}

// barWidth is the number of cells of a progress bar.
const barWidth = 10

// printSteps prints one line per step:
//
//	step01-login        [##########]  done         3 of 3
func (c *course) printSteps(w io.Writer, st *Status) {
	width := 0
	for _, s := range st.Steps {
		width = max(width, len(s.Step))
	}
	for _, s := range st.Steps {
		filled := barWidth * s.Done / max(s.Total, 1)
		bar := "[" + strings.Repeat("#", filled) + strings.Repeat("-", barWidth-filled) + "]"
		state, colour := s.State, dim
		switch s.State {
		case stateDone:
			colour = green
		case stateInProgress:
			colour = yellow
		}
		count := fmt.Sprintf("%d of %d TODOs", s.Done, s.Total)
		switch {
		case s.BuildFailed:
			count = "does not build"
		case len(s.SkippedTests) > 0 && s.Done == s.Total:
			count += ", browser test skipped"
		}
		var notes []string
		if s.Tested && s.Race {
			notes = append(notes, "-race")
		}
		if s.Cached {
			notes = append(notes, "cached")
		}
		if len(notes) > 0 {
			count += c.paint(dim, "  ("+strings.Join(notes, ", ")+")")
		}
		fmt.Fprintf(w, "%-*s  %s  %s  %s\n", width, s.Step, c.paint(colour, bar), c.paint(colour, fmt.Sprintf("%-11s", state)), count)
	}
	if slices.ContainsFunc(st.Steps, func(s *StepStatus) bool { return s.Cached }) {
		fmt.Fprintln(w, c.paint(dim, "(cached: the step's files have not changed since its tests last ran; that run's result is shown)"))
	}
}

// printNext prints the next thing to do: the step, the TODO and what it
// asks, the failure to look at, and the commands that help.
func (c *course) printNext(w io.Writer, next *Next, withWatch bool) {
	if next == nil {
		fmt.Fprintln(w, c.paint(green, "Every step is done. Well done!"))
		return
	}
	switch {
	case next.TODO != nil:
		fmt.Fprintf(w, "Next: %s, %s: %s\n", next.Step, c.paint(bold, next.TODO.Label()), capLine(next.TODO.What, maxWhat))
	default:
		fmt.Fprintf(w, "Next: %s\n", next.Step)
	}
	if f := next.Failure; f != nil {
		what := "fails"
		switch {
		case f.Test == "":
			what = "does not build"
		case f.Skipped:
			what = "skipped"
		}
		fmt.Fprintf(w, "  %s %s:\n    %s\n", or(f.Test, "the step"), what, c.paint(red, f.Message))
	}
	fmt.Fprintf(w, "  (cd %s && go test ./...) shows every failure.\n", next.Step)
	fmt.Fprintf(w, "Stuck? %s hint (one hint per call)\n", cmdName)
	if withWatch {
		fmt.Fprintf(w, "Tests again on every save: %s watch\n", cmdName)
	}
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}
