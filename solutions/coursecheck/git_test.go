package coursecheck

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGitHead works a step in place in a scratch repository, as a learner
// does, and checks what GitHead and CommittedOverlay make of it.
func TestGitHead(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git here: the checker then checks working copies")
	}
	repo := t.TempDir()
	step := filepath.Join(repo, "step01-x")
	write := func(name, content string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(repo, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(repo, name), []byte(content), 0o644))
	}
	run := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
	}

	_, _, err := GitHead(t.TempDir())
	assert.Error(t, err, "outside a checkout")

	run("init", "-q")
	write("README.md", "course\n")
	write("step01-x/a.go", "// TODO 1 (a.go)\n")
	write("step01-x/b.go", "package x\n")
	write("step01-x/web/app.js", "// TODO 2 (web/app.js)\n")
	write("step01-x/c.go", "renamed later\n")
	write("step02-y/a.go", "other step\n")
	run("add", ".")
	run("commit", "-q", "-m", "starters")

	_, changes, err := GitHead(step)
	require.NoError(t, err)
	assert.Empty(t, changes, "a fresh checkout")

	write("step01-x/a.go", "solved\n")                         // changed
	require.NoError(t, os.Remove(filepath.Join(step, "b.go"))) // deleted
	write("step01-x/new.go", "package x // added\n")           // untracked
	write("step01-x/web/extra.js", "added\n")                  // untracked, in a subfolder
	run("mv", "step01-x/c.go", "step01-x/d.go")                // renamed (staged)
	write("step02-y/a.go", "another step's change\n")

	committed, changes, err := GitHead(step)
	require.NoError(t, err)
	got := map[string]string{}
	for _, c := range changes {
		rel, err := filepath.Rel(step, c.Path)
		require.NoError(t, err)
		got[filepath.ToSlash(rel)] = string(c.Committed)
	}
	assert.Equal(t, map[string]string{
		"a.go": "// TODO 1 (a.go)\n", "b.go": "package x\n", "c.go": "renamed later\n", "d.go": "",
		"new.go": "", "web/extra.js": "",
	}, got, "the step's changes, each with its committed content")

	files, err := fs.Glob(committed, "*")
	require.NoError(t, err)
	assert.Equal(t, []string{"a.go", "b.go", "c.go", "web"}, files, "the step as committed")
	todos, err := ScanTODOs(committed)
	require.NoError(t, err)
	assert.Equal(t, TODOs{1: "a.go", 2: "web/app.js"}, todos)

	overlay, err := CommittedOverlay(changes, t.TempDir())
	require.NoError(t, err)
	assert.Len(t, overlay, 6)
	assert.Equal(t, "", overlay[filepath.Join(step, "new.go")], "an added file is hidden")
	restored, err := os.ReadFile(overlay[filepath.Join(step, "b.go")])
	require.NoError(t, err)
	assert.Equal(t, "package x\n", string(restored), "a deleted file is restored")

	_, _, err = GitHead(filepath.Join(repo, "step03-new"))
	assert.Error(t, err, "a folder that does not exist")
	require.NoError(t, os.Mkdir(filepath.Join(repo, "step03-new"), 0o755))
	write("step03-new/a.go", "not committed yet\n")
	_, _, err = GitHead(filepath.Join(repo, "step03-new"))
	assert.ErrorIs(t, err, ErrNotCommitted)
}
