package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReset works on step 02 (a changed file, a deleted one, new files and
// folders), resets it, and finds the starter as committed and nothing else.
func TestReset(t *testing.T) {
	var out bytes.Buffer
	c := cloneCourse(t, &out)
	dir := filepath.Join(c.root, "step02-guard")
	solve(t, c, "step02-guard", "bearer.go")
	require.NoError(t, os.Remove(filepath.Join(dir, "guard.go")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scratch.go"), []byte("package main\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "notes", "deep"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes", "deep", "todo.txt"), []byte("x"), 0o644))
	solve(t, c, "step01-login", "login.go") // another step: reset leaves it alone
	require.NotEmpty(t, gitStatus(t, c, "step02-guard"))

	// Without a terminal to ask on, it refuses, and changes nothing.
	err := c.reset("step02", false, strings.NewReader("y\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-yes")
	assert.FileExists(t, filepath.Join(dir, "scratch.go"))

	out.Reset()
	require.NoError(t, c.reset("step02", true, nil))
	assert.Contains(t, out.String(), "step02-guard/bearer.go (changed)")
	assert.Contains(t, out.String(), "step02-guard/scratch.go (new, removed)")
	assert.Empty(t, gitStatus(t, c, "step02-guard"), "the starter as committed, and nothing else")
	assert.NoDirExists(t, filepath.Join(dir, "notes"))
	assert.Equal(t, "M step01-login/login.go", gitStatus(t, c, "step01-login"), "other steps keep their work")

	out.Reset()
	require.NoError(t, c.reset("step02-guard", false, nil))
	assert.Contains(t, out.String(), "nothing to reset")

	var ue usageError
	require.ErrorAs(t, c.reset("step09", true, nil), &ue)
}
