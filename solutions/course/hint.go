package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"tokenrefresh/solutions/coursecheck"
)

// progressFile holds how many rungs of each ladder the learner has seen.
// It is in the repository root, and git ignores it.
const progressFile = ".course-progress.json"

// progress is the content of progressFile.
type progress struct {
	// Hints maps a step and a TODO's label ("step02-guard", "TODO 2
	// (token.go)") to the number of rungs shown.
	Hints map[string]map[string]int `json:"hints"`
}

// hint prints the next rung of a TODO's hint ladder: the current TODO
// (no argument), TODO n of the current step ("2"), or of another step
// ("step02 2", or "step02" for that step's next TODO).
func (c *course) hint(ctx context.Context, args []string) error {
	var stepName string
	n := 0
	todo := func(arg string) error {
		number, err := strconv.Atoi(arg)
		if err != nil || number < 1 {
			return usagef("%q is no TODO number", arg)
		}
		n = number
		return nil
	}
	var err error
	switch len(args) {
	case 0:
	case 1:
		if _, convErr := strconv.Atoi(args[0]); convErr == nil {
			err = todo(args[0])
		} else {
			stepName, err = c.findStep(args[0])
		}
	case 2:
		if stepName, err = c.findStep(args[0]); err == nil {
			err = todo(args[1])
		}
	default:
		err = usagef("hint takes at most a step and a TODO number (hint step02 2)")
	}
	if err != nil {
		return err
	}
	if stepName == "" || n == 0 {
		st, err := c.computeStatus(ctx)
		if err != nil {
			return err
		}
		if stepName == "" {
			if st.Next == nil {
				fmt.Fprintln(c.stdout, c.msg("no hint"))
				return nil
			}
			stepName = st.Next.Step
		}
		if n == 0 {
			i := slices.IndexFunc(st.Steps, func(s *StepStatus) bool { return s.Step == stepName })
			s := st.Steps[i]
			n = s.NextTODO
			if n == 0 && s.State == stateNotStarted {
				n = s.TODOs[0].N
			}
			if n == 0 {
				why := c.msg("why no failure")
				if s.BuildFailed {
					why = c.msg("why no build")
				}
				fmt.Fprintln(c.stdout, c.msg("name the todo", stepName, why, cmdName, stepName[:len("step00")]))
				return nil
			}
		}
	}
	return c.showRung(stepName, n)
}

// showRung prints the next rung of TODO n of the step, and counts it.
func (c *course) showRung(stepName string, n int) error {
	s, err := c.loadStep(stepName)
	if err != nil {
		return err
	}
	file, ok := s.todos[n]
	if !ok {
		return usagef("%s has no TODO %d (it has TODOs %v)", stepName, n, s.todos.Numbers())
	}
	label := coursecheck.Label{N: n, File: file}
	ladder, err := readLadder(s.files, stepName, coursecheck.HintsFile, label)
	if err != nil {
		return err
	}
	hintsFile := coursecheck.HintsFile
	if c.lang == langZH {
		// The Chinese ladder where the step has one, else the English
		// one, saying so (the parity check of solutions/i18n says why a
		// Chinese ladder is missing or does not parse).
		if zh, err := readLadder(s.files, stepName, hintsFileZH, label); err == nil && len(zh.Rungs) == len(ladder.Rungs) {
			ladder, hintsFile = zh, hintsFileZH
		} else {
			fmt.Fprintln(c.stdout, c.msg("not translated", stepName, coursecheck.HintsFile))
		}
	}

	p, err := c.readProgress()
	if err != nil {
		return err
	}
	if p.Hints[stepName] == nil {
		p.Hints[stepName] = map[string]int{}
	}
	shown := p.Hints[stepName][label.String()]
	last := shown >= len(ladder.Rungs)
	if !last {
		shown++
		p.Hints[stepName][label.String()] = shown
		if err := c.writeProgress(p); err != nil {
			return err
		}
	}
	rung := ladder.Rungs[shown-1]
	fmt.Fprintf(c.stdout, "%s\n\n%s\n\n", c.msg("rung", stepName, label, shown, len(ladder.Rungs), c.paint(bold, rung.Title)), rung.Body)
	switch {
	case last:
		fmt.Fprintln(c.stdout, c.msg("no more", label, stepName, hintsFile))
	case shown == len(ladder.Rungs):
		fmt.Fprintln(c.stdout, c.msg("last", label))
	default:
		fmt.Fprintln(c.stdout, c.msg("next rung", cmdName, stepName[:len("step00")], n, len(ladder.Rungs)-shown))
	}
	return nil
}

// readLadder reads TODO l's hint ladder from the step's file of hints
// (HintsFile, or its Chinese sibling hintsFileZH), as committed: the
// learner's edits do not move the hints.
func readLadder(files fs.FS, stepName, file string, l coursecheck.Label) (coursecheck.Ladder, error) {
	hints, err := fs.ReadFile(files, file)
	if err != nil {
		return coursecheck.Ladder{}, fmt.Errorf("%s: %v", stepName, err)
	}
	ladders, err := coursecheck.ParseHintsIn(file, string(hints))
	if err != nil {
		return coursecheck.Ladder{}, fmt.Errorf("%s/%v", stepName, err)
	}
	i := slices.IndexFunc(ladders, func(ladder coursecheck.Ladder) bool { return ladder.Label == l })
	if i < 0 || len(ladders[i].Rungs) == 0 {
		return coursecheck.Ladder{}, fmt.Errorf("%s/%s has no hint ladder for %s", stepName, file, l)
	}
	return ladders[i], nil
}

func (c *course) readProgress() (*progress, error) {
	p := &progress{}
	data, err := os.ReadFile(filepath.Join(c.root, progressFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(data, p); err != nil {
			return nil, fmt.Errorf("%s: %v (delete it to start the hints again)", progressFile, err)
		}
	}
	if p.Hints == nil {
		p.Hints = map[string]map[string]int{}
	}
	return p, nil
}

func (c *course) writeProgress(p *progress) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.root, progressFile), append(data, '\n'), 0o644)
}
