package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"tokenrefresh/solutions/coursecheck"
)

// cacheDir holds the last run of each step's tests, in the repository root
// (git ignores it): <step>.json, with the key of the files it ran on.
const cacheDir = ".course-cache"

// runFile is the file in cacheDir that keeps the last run of step's tests.
func (c *course) runFile(step string) string {
	return filepath.Join(c.root, cacheDir, step+".json")
}

// testArgs are the flags of a step's run, before the packages: the run is
// go test -json <testArgs> [-race] ./... in the step's folder.
var testArgs = []string{"-timeout=5m"}

// A testRun is one run of a step's tests, as kept in cacheDir.
type testRun struct {
	Key    string `json:"key"`    // see runKey
	Stdout string `json:"stdout"` // go test -json's events
	Stderr string `json:"stderr"`
}

// runStepTests runs a step's tests as its README defines done: go test
// ./... in the step, with -race where the README says so (see
// doneWithRace), as -json. A run whose inputs have not changed since the
// last one (the step's files, go.work, the go version, the flags, the
// environment the tests read: see runKey) is not run again: its result
// comes from cacheDir, and cached says so. Go's own test cache keeps only
// passing packages, and a learner's step fails until it is done.
func (c *course) runStepTests(ctx context.Context, s *step) (*coursecheck.Result, bool, error) {
	args := slices.Clone(testArgs)
	switch {
	case s.untouched() && len(s.todos) > 0 && !strings.HasPrefix(s.todos[s.todos.Numbers()[0]], "web/"):
		// An untouched starter runs only to show its first failure, which
		// a run without the browser tests and without -race shows (the
		// course check proves it): seconds, where the browser tests of a
		// starter wait for a page that never answers as it should.
		args = append(args, "-skip=^TestBrowser")
	case s.race:
		args = append(args, "-race")
	}
	args = append(args, "./...")
	key, err := runKey(c.root, s.dir, args)
	if err != nil {
		return nil, false, err
	}
	file := c.runFile(s.name)
	if data, err := os.ReadFile(file); err == nil {
		var last testRun
		if json.Unmarshal(data, &last) == nil && last.Key == key {
			return coursecheck.ParseRun([]byte(last.Stdout), []byte(last.Stderr)), true, nil
		}
	}

	if slices.Contains(args, "-race") {
		fmt.Fprintln(c.stderr, c.msg("race run", s.name))
	}
	stdout, stderr, err := coursecheck.RunTestsRaw(ctx, s.dir, args...)
	if err != nil {
		return nil, false, err
	}
	run, err := json.Marshal(testRun{Key: key, Stdout: string(stdout), Stderr: string(stderr)})
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(file), 0o755); err == nil {
			err = os.WriteFile(file, run, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(c.stderr, c.msg("not kept", s.name, err))
	}
	return coursecheck.ParseRun(stdout, stderr), false, nil
}

// browserNames are the commands the steps' browser tests look for, in
// their order (after CHROME_PATH), as the class page's test does.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// runKey hashes what a step's test run depends on: the content of every
// file below dir (but in folders whose name starts with a dot), go.work
// and go.work.sum in root, the go version, the flags, the environment
// variables that change how go builds or how the tests run, and where the
// browser is (a browser test skips without one). Not PATH: go run puts
// the go command's own folder first in it, and a learner runs both
// go run ./solutions/course and the binary that go build makes.
func runKey(root, dir string, args []string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "dir %q\nargs %q\ngo %s\n", dir, args, runtime.Version())
	for _, name := range []string{"GOFLAGS", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "GODEBUG", "GOTOOLCHAIN", "CI", "CHROME_PATH"} {
		fmt.Fprintf(h, "env %s=%q\n", name, os.Getenv(name))
	}
	for _, name := range browserNames {
		path, _ := exec.LookPath(name)
		fmt.Fprintf(h, "browser %s=%q\n", name, path)
	}
	hashFile := func(path string) error {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(h, "no file %q\n", path)
			return nil
		}
		if err != nil {
			return err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "file %q %d\n", path, info.Size())
		_, err = io.Copy(h, f)
		return err
	}
	for _, name := range []string{"go.work", "go.work.sum"} {
		if err := hashFile(filepath.Join(root, name)); err != nil {
			return "", err
		}
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != dir && strings.HasPrefix(d.Name(), "."):
			return filepath.SkipDir
		case d.Type().IsRegular():
			return hashFile(path)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// doneWithRace reports whether a step's README defines done with
// go test -race: the paragraph that says "Done when", or the section
// under a heading "Done when", names go test -race.
func doneWithRace(readme string) bool {
	for i := strings.Index(readme, "Done when"); i >= 0; {
		start := strings.LastIndex(readme[:i], "\n") + 1
		text := readme[i:]
		if strings.HasPrefix(readme[start:], "#") { // a heading: its section
			if end := strings.Index(text, "\n## "); end >= 0 {
				text = text[:end]
			}
		} else if end := strings.Index(text, "\n\n"); end >= 0 { // a paragraph
			text = text[:end]
		}
		if strings.Contains(text, "go test -race") {
			return true
		}
		next := strings.Index(readme[i+1:], "Done when")
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}
