package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"tokenrefresh/solutions/coursecheck"
)

// base is a clone of the course repository as committed, made once per
// test binary; each test that changes files clones it again (a local clone
// of a clone is cheap).
var base string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "course-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		if root, err := repoRoot(); err == nil {
			if out, err := exec.Command("git", "clone", "-q", root, filepath.Join(dir, "base")).CombinedOutput(); err == nil {
				base = filepath.Join(dir, "base")
			} else {
				fmt.Fprintf(os.Stderr, "no clone of the course (tests that need one skip): %v: %s\n", err, out)
			}
		}
		return m.Run()
	}())
}

// repoRoot is the course repository this test runs in.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return coursecheck.FindRoot(wd)
}

// cloneCourse returns a fresh clone of the course as committed, and the
// course opened there, writing to out.
func cloneCourse(t *testing.T, out *bytes.Buffer) *course {
	t.Helper()
	if base == "" {
		t.Skip("no git clone of the course")
	}
	dir := filepath.Join(t.TempDir(), "course")
	gitOut, err := exec.Command("git", "clone", "-q", base, dir).CombinedOutput()
	require.NoError(t, err, "git clone: %s", gitOut)
	c, err := openAt(dir, out, out)
	require.NoError(t, err)
	return c
}

// solve copies the solved files (solutions/<step>/<file>) over the
// learner's copy of the step in c, as a learner who solved those TODOs.
func solve(t *testing.T, c *course, step string, files ...string) {
	t.Helper()
	for _, file := range files {
		content, err := os.ReadFile(filepath.Join(c.root, "solutions", step, file))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(c.root, step, file), content, 0o644))
	}
}

// gitStatus is git status --porcelain for a folder of the course.
func gitStatus(t *testing.T, c *course, path string) string {
	t.Helper()
	cmd := exec.Command("git", "status", "--porcelain", "--untracked-files=all", "--", path)
	cmd.Dir = c.root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return strings.TrimSpace(string(out))
}
