package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"tokenrefresh/solutions/coursecheck"
)

// course is the repository a learner works in, and where to write.
type course struct {
	root           string   // the folder that holds go.work
	steps          []string // the step folders go.work uses, in order: step01-login, …
	stdout, stderr io.Writer
	color          bool // stdout is a terminal and NO_COLOR is not set
	terminal       bool // stdout is a terminal: watch clears the screen
}

// open finds the course from the working directory.
func open(stdout, stderr io.Writer) (*course, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	root, err := findRoot(wd)
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
	steps, err := workspaceSteps(root)
	if err != nil {
		return nil, err
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("%s lists no step (./stepNN-name)", filepath.Join(root, "go.work"))
	}
	return &course{root: root, steps: steps, stdout: stdout, stderr: stderr}, nil
}

// findRoot walks up from dir to the folder that holds go.work.
func findRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.work in %s or above: run %s in the course repository", dir, cmdName)
		}
		d = parent
	}
}

// stepDirRE matches the folder of a step module, as the checker does.
var stepDirRE = regexp.MustCompile(`^step\d\d-[a-z0-9-]+$`)

// workspaceSteps lists the step modules that go.work uses, in order.
func workspaceSteps(root string) ([]string, error) {
	cmd := exec.Command("go", "work", "edit", "-json")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil, fmt.Errorf("go work edit -json: %v: %s", err, strings.TrimSpace(string(exit.Stderr)))
		}
		return nil, fmt.Errorf("go work edit -json: %v", err)
	}
	var work struct{ Use []struct{ DiskPath string } }
	if err := json.Unmarshal(out, &work); err != nil {
		return nil, fmt.Errorf("go work edit -json: %v", err)
	}
	var steps []string
	for _, u := range work.Use {
		if name := filepath.Clean(u.DiskPath); stepDirRE.MatchString(name) {
			steps = append(steps, name)
		}
	}
	slices.Sort(steps)
	return steps, nil
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
