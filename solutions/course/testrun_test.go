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

// TestStatusCached: issue 20. A second status with nothing changed takes
// each step's result from the last run and says so; a saved change runs
// the step's tests again.
func TestStatusCached(t *testing.T) {
	if testing.Short() {
		t.Skip("runs step 01's tests twice (-short skips it)")
	}
	var out bytes.Buffer
	c := cloneCourse(t, &out)
	solve(t, c, "step01-login", "login.go")

	first, err := c.computeStatus(t.Context())
	require.NoError(t, err)
	require.True(t, first.Steps[0].Tested)
	assert.False(t, first.Steps[0].Cached, "the first run runs the tests")

	again, err := c.computeStatus(t.Context())
	require.NoError(t, err)
	assert.True(t, again.Steps[0].Cached, "nothing changed: the last run's result")
	assert.Equal(t, first.Steps[0].Done, again.Steps[0].Done)
	assert.Equal(t, first.Next.Failure, again.Next.Failure)
	c.printSteps(&out, again)
	assert.Contains(t, out.String(), "1 of 3 TODOs  (cached)")
	assert.Contains(t, out.String(), "(cached: the step's files have not changed since its tests last ran")

	solve(t, c, "step01-login", "users.go")
	changed, err := c.computeStatus(t.Context())
	require.NoError(t, err)
	assert.False(t, changed.Steps[0].Cached, "a saved file runs the tests again")
	assert.Equal(t, 2, changed.Steps[0].Done)

	// The same content saved again (a touch, an undo) is the same run.
	content, err := os.ReadFile(filepath.Join(c.root, "step01-login", "users.go"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(c.root, "step01-login", "users.go"), content, 0o644))
	same, err := c.computeStatus(t.Context())
	require.NoError(t, err)
	assert.True(t, same.Steps[0].Cached)
}

func TestRunKey(t *testing.T) {
	dir := t.TempDir()
	step := filepath.Join(dir, "step01-x")
	require.NoError(t, os.MkdirAll(filepath.Join(step, ".git"), 0o755))
	write := func(path, content string) {
		t.Helper()
		require.NoError(t, os.WriteFile(filepath.Join(dir, path), []byte(content), 0o644))
	}
	write("go.work", "go 1.25.0\n")
	write("step01-x/a.go", "package a\n")
	key := func() string {
		t.Helper()
		k, err := runKey(dir, step, []string{"./..."})
		require.NoError(t, err)
		return k
	}
	base := key()
	assert.Equal(t, base, key(), "the same files, the same key")
	write("step01-x/.git/x", "ignored")
	assert.Equal(t, base, key(), "a folder starting with a dot does not count")
	write("step01-x/a.go", "package b\n")
	assert.NotEqual(t, base, key(), "a file's content")
	write("step01-x/a.go", "package a\n")
	assert.Equal(t, base, key())
	write("step01-x/b_test.go", "package a\n")
	assert.NotEqual(t, base, key(), "a new file")
	require.NoError(t, os.Remove(filepath.Join(step, "b_test.go")))
	write("go.work", "go 1.25.0\nuse ./step01-x\n")
	assert.NotEqual(t, base, key(), "go.work")
	write("go.work", "go 1.25.0\n")
	t.Setenv("GOFLAGS", "-tags=x")
	assert.NotEqual(t, base, key(), "GOFLAGS")
	t.Setenv("GOFLAGS", os.Getenv("GOFLAGS"))
	k, err := runKey(dir, step, []string{"-race", "./..."})
	require.NoError(t, err)
	assert.NotEqual(t, base, k, "the flags")
}

// TestDoneWithRace: issue 18. The status runs a step's tests the way its
// README defines done: with -race in steps 03 to 05.
func TestDoneWithRace(t *testing.T) {
	c, err := openAt(mustRoot(t), nil, nil)
	require.NoError(t, err)
	want := map[string]bool{"step01-login": false, "step02-guard": false, "step03-refresh": true, "step04-cors-expose": true, "step05-threshold": true}
	for _, name := range c.steps {
		s, err := c.loadStep(name)
		require.NoError(t, err)
		if w, ok := want[name]; ok {
			assert.Equal(t, w, s.race, "%s: its README's Done when", name)
		}
		assert.Equal(t, s.race, newStepStatus(s).Race, name)
	}

	tests := []struct {
		name, readme string
		want         bool
	}{
		{"a paragraph", "Text.\n\n**Done when `go test -race ./...` prints `ok`.** More.\n", true},
		{"a paragraph without", "Done when `go test ./...` prints `ok`.\n\nLater: go test -race -run X.\n", false},
		{"a section", "## Done when\n\nIn `step04/`:\n\n```sh\ngo test -race ./...\n```\n\n## Next\n", true},
		{"a section without", "## Done when\n\n```sh\ngo test ./...\n```\n\n## Next\n\ngo test -race\n", false},
		{"none", "go test -race ./...\n", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, doneWithRace(tt.readme), tt.name)
	}
}

// TestTODODescription: issue 18. -json has each TODO's whole comment;
// the printed status caps it to a line.
func TestTODODescription(t *testing.T) {
	c, err := openAt(mustRoot(t), nil, nil)
	require.NoError(t, err)
	s, err := c.loadStep("step05-threshold")
	require.NoError(t, err)
	st := newStepStatus(s)
	for _, todo := range st.TODOs {
		assert.NotContains(t, todo.What, "…", "%s: what is whole in -json", todo.Label())
		oneLine := strings.Join(strings.Fields(todo.Description), " ")
		assert.True(t, strings.HasPrefix(oneLine, todo.What), "%s: the description starts with what: %q", todo.Label(), todo.Description)
		assert.GreaterOrEqual(t, len(todo.Description), len(todo.What), todo.Label())
		assert.NotContains(t, todo.Description, "//", todo.Label())
	}
	for _, todo := range st.TODOs {
		if todo.N == 3 {
			assert.Contains(t, todo.Description, "-max-session is at least -ttl.", "the details of TODO 3's list")
		}
		if todo.N == 2 {
			assert.True(t, strings.HasSuffix(todo.What, "only if it lives longer than the token presented."), "TODO 2's sentence, whole: %q", todo.What)
		}
	}
	var out bytes.Buffer
	(&course{}).printNext(&out, &Next{Step: "step05-threshold", TODO: &st.TODOs[1]}, false)
	line, _, _ := strings.Cut(out.String(), "\n")
	assert.LessOrEqual(t, len([]rune(line)), len("Next: step05-threshold, TODO 2 (token.go): ")+maxWhat, "the printed line is capped")
}
