package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tokenrefresh/solutions/coursecheck"
)

// course is the repository a learner works in, and where to write.
type course struct {
	root           string   // the folder that holds go.work
	steps          []string // the step folders go.work uses, in order: step01-login, …
	stdout, stderr io.Writer
	color          bool             // stdout is a terminal and NO_COLOR is not set
	terminal       bool             // stdout is a terminal: watch clears the screen
	lang           string           // langEN or langZH: the language of its own sentences ("" is English)
	name           string           // -name: the learner's name, for the class
	now            func() time.Time // the clock; nil: time.Now
	warnedTimeline bool             // observe said it cannot keep the timeline
	classDown      bool             // watch said the class does not take its status
}

// open finds the course from the working directory.
func open(stdout, stderr io.Writer) (*course, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	root, err := coursecheck.FindRoot(wd)
	if err != nil {
		return nil, err
	}
	c, err := openAt(root, stdout, stderr)
	if err != nil {
		return nil, err
	}
	c.terminal = isTerminal(stdout)
	c.color = c.terminal && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	return c, nil
}

// openAt opens the course whose go.work is in root.
func openAt(root string, stdout, stderr io.Writer) (*course, error) {
	steps, err := coursecheck.WorkspaceSteps(root)
	if err != nil {
		return nil, err
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("%s lists no step (./stepNN-name)", filepath.Join(root, "go.work"))
	}
	return &course{root: root, steps: steps, stdout: stdout, stderr: stderr}, nil
}

// findStep returns the step that arg names: its folder (step02-guard), its
// prefix (step02), or its number (02, 2).
func (c *course) findStep(arg string) (string, error) {
	for _, name := range c.steps {
		number := strings.TrimPrefix(name[:len("step00")], "step")
		if arg == name || arg == name[:len("step00")] || arg == number || "0"+arg == number {
			return name, nil
		}
	}
	return "", usagef("no step %q: the steps are %s", arg, strings.Join(c.steps, ", "))
}

// step is what the course knows of a step before running its tests.
type step struct {
	name    string
	dir     string
	files   fs.FS                // the starter as committed (without git: the working copy)
	changes []coursecheck.Change // files that differ from git's HEAD
	git     bool                 // git knows the step: files and changes come from it
	todos   coursecheck.TODOs    // the starter's TODOs
	race    bool                 // its README's "Done when" says go test -race
}

// untouched reports whether the step is the starter as committed.
func (s *step) untouched() bool { return s.git && len(s.changes) == 0 }

// loadStep reads a step's TODOs from its starter as committed, so that a
// learner who deletes a TODO comment (or copies in a solved file) still has
// the TODO counted. Without git, it reads the working copy.
func (c *course) loadStep(name string) (*step, error) {
	s := &step{name: name, dir: filepath.Join(c.root, name)}
	committed, changes, err := coursecheck.GitHead(s.dir)
	if err == nil {
		s.files, s.changes, s.git = committed, changes, true
	} else {
		s.files = os.DirFS(s.dir)
	}
	todos, err := coursecheck.ScanTODOs(s.files)
	if len(todos) == 0 {
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		return nil, fmt.Errorf("%s has no TODO (a label \"TODO n (file)\" in its code)", name)
	}
	s.todos = todos
	readme, _ := fs.ReadFile(s.files, "README.md")
	s.race = doneWithRace(string(readme))
	return s, nil
}

// isTerminal reports whether f is a terminal: a character device other
// than /dev/null (the standard library has no isatty).
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	info, err := file.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(info, null)
}
