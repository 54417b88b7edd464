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
		state, colour := c.msg("state."+s.State), dim
		switch s.State {
		case stateDone:
			colour = green
		case stateInProgress:
			colour = yellow
		}
		count := c.msg("count", s.Done, s.Total)
		switch {
		case s.BuildFailed:
			count = c.msg("no build")
		case len(s.SkippedTests) > 0 && s.Done == s.Total:
			count += c.msg("browser skipped")
		}
		var notes []string
		if s.Tested && s.Race {
			notes = append(notes, "-race")
		}
		if s.Cached {
			notes = append(notes, c.msg("note.cached"))
		}
		if len(notes) > 0 {
			count += c.paint(dim, "  ("+strings.Join(notes, ", ")+")")
		}
		fmt.Fprintf(w, "%-*s  %s  %s  %s\n", width, s.Step, c.paint(colour, bar), c.paint(colour, padRight(state, 11)), count)
	}
	if slices.ContainsFunc(st.Steps, func(s *StepStatus) bool { return s.Cached }) {
		fmt.Fprintln(w, c.paint(dim, c.msg("cached legend")))
	}
}

// printNext prints the next thing to do: the step, the TODO and what it
// asks, the failure to look at, and the commands that help.
func (c *course) printNext(w io.Writer, next *Next, withWatch bool) {
	if next == nil {
		fmt.Fprintln(w, c.paint(green, c.msg("all done")))
		return
	}
	switch {
	case next.TODO != nil:
		fmt.Fprintln(w, c.msg("next todo", next.Step, c.paint(bold, next.TODO.Label()), capLine(next.TODO.What, maxWhat)))
	default:
		fmt.Fprintln(w, c.msg("next step", next.Step))
	}
	if f := next.Failure; f != nil {
		what := "fails"
		switch {
		case f.Test == "":
			what = "no build at"
		case f.Skipped:
			what = "skipped"
		}
		fmt.Fprintf(w, "%s\n    %s\n", c.msg(what, or(f.Test, c.msg("the step"))), c.paint(red, f.Message))
	}
	fmt.Fprintln(w, c.msg("every failure", next.Step))
	fmt.Fprintln(w, c.msg("stuck", cmdName))
	if withWatch {
		fmt.Fprintln(w, c.msg("watch hint", cmdName))
	}
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}
