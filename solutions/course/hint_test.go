package main

import (
	"bytes"
	"os/exec"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tokenrefresh/solutions/coursecheck"
)

func mustRoot(t *testing.T) string {
	t.Helper()
	root, err := repoRoot()
	require.NoError(t, err)
	return root
}

func labelOf(n int, file string) coursecheck.Label { return coursecheck.Label{N: n, File: file} }

// TestLadders reads every step's hint ladders through the checker's parser:
// every TODO has one, of at least three rungs.
func TestLadders(t *testing.T) {
	c, err := openAt(mustRoot(t), nil, nil)
	require.NoError(t, err)
	for _, name := range c.steps {
		s, err := c.loadStep(name)
		require.NoError(t, err)
		for _, n := range s.todos.Numbers() {
			ladder, err := readLadder(s.files, name, coursecheck.HintsFile, labelOf(n, s.todos[n]))
			if assert.NoError(t, err) {
				assert.GreaterOrEqual(t, len(ladder.Rungs), 3, "%s %s", name, ladder.Label)
			}
		}
	}
}

// TestHintRungs asks for hints until there are no more: one new rung per
// call, then the last again, saying so.
func TestHintRungs(t *testing.T) {
	var out bytes.Buffer
	c := cloneCourse(t, &out)
	s, err := c.loadStep("step02-guard")
	require.NoError(t, err)
	ladder, err := readLadder(s.files, "step02-guard", coursecheck.HintsFile, labelOf(1, "bearer.go"))
	require.NoError(t, err)
	rungs := len(ladder.Rungs)

	for call := 1; call <= rungs+2; call++ {
		out.Reset()
		require.NoError(t, c.hint(t.Context(), []string{"step02", "1"}), "call %d", call)
		shown := min(call, rungs)
		rung := ladder.Rungs[shown-1]
		assert.Contains(t, out.String(), "hint "+strconv.Itoa(shown)+" of "+strconv.Itoa(rungs)+": ", "call %d", call)
		assert.Contains(t, out.String(), rung.Body, "call %d shows rung %d", call, shown)
		if shown > 1 {
			assert.NotContains(t, out.String(), ladder.Rungs[shown-2].Body, "call %d shows one rung only", call)
		}
		switch {
		case call < rungs:
			assert.Contains(t, out.String(), "shows the next one")
		case call == rungs:
			assert.Contains(t, out.String(), "That is the last hint")
		default:
			assert.Contains(t, out.String(), "there are no more")
		}
	}

	// Another TODO has its own count; a step's TODO by number alone is
	// the current step's, which needs the tests, so it is named in full.
	out.Reset()
	require.NoError(t, c.hint(t.Context(), []string{"step02-guard", "2"}))
	assert.Contains(t, out.String(), "TODO 2 (token.go) — hint 1 of ")

	cmd := exec.Command("git", "check-ignore", "-q", progressFile)
	cmd.Dir = c.root
	assert.NoError(t, cmd.Run(), "git must ignore %s (.gitignore)", progressFile)
	assert.Empty(t, gitStatus(t, c, "."), "hints change nothing git sees")

	err = c.hint(t.Context(), []string{"step02", "9"})
	var ue usageError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), "no TODO 9")
}
