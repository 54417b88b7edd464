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

// TestStatus runs the status on a clone of the course with step 01 solved
// up to a point (its solved files copied over the starter).
func TestStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs step 01's tests (-short skips it)")
	}
	tests := []struct {
		name   string
		solved []string // files of solutions/step01-login copied over the starter
		state  string
		done   int
		next   string // the step to work on
		todo   int    // its TODO to work on
		line   string // in the printed status
	}{
		{"the starter as committed", nil, stateNotStarted, 0, "step01-login", 1, "step01-login        [----------]  not started  0 of 3 TODOs"},
		{"TODO 1 solved", []string{"login.go"}, stateInProgress, 1, "step01-login", 2, "step01-login        [###-------]  in progress  1 of 3 TODOs"},
		{"every TODO solved", []string{"login.go", "users.go", "token.go"}, stateDone, 3, "step02-guard", 1, "step01-login        [##########]  done         3 of 3 TODOs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			c := cloneCourse(t, &out)
			solve(t, c, "step01-login", tt.solved...)

			st, err := c.computeStatus(t.Context())
			require.NoError(t, err)
			require.Len(t, st.Steps, len(c.steps))
			s := st.Steps[0]
			assert.Equal(t, tt.state, s.State)
			assert.Equal(t, tt.done, s.Done, "TODOs done")
			assert.Equal(t, 3, s.Total)
			for _, later := range st.Steps[1:] {
				assert.Equal(t, stateNotStarted, later.State, later.Step)
			}
			require.NotNil(t, st.Next)
			assert.Equal(t, tt.next, st.Next.Step)
			require.NotNil(t, st.Next.TODO)
			assert.Equal(t, tt.todo, st.Next.TODO.N)
			assert.NotEmpty(t, st.Next.TODO.What, "what the TODO asks, from its comment")
			require.NotNil(t, st.Next.Failure, "the first failure of the next step")
			assert.Contains(t, st.Next.Failure.Message, st.Next.TODO.Label(), "the failure shown names the next TODO")
			// Issue 18: the message quoted is that TODO's, not an earlier one's.
			assert.True(t, strings.HasPrefix(st.Next.Failure.Message, st.Next.TODO.Label()), "the failure shown starts with %s: %q", st.Next.TODO.Label(), st.Next.Failure.Message)

			c.printSteps(&out, st)
			c.printNext(&out, st.Next, true)
			assert.Contains(t, out.String(), tt.line)
			assert.Contains(t, out.String(), "Next: "+tt.next+", "+st.Next.TODO.Label())
			assert.NotContains(t, out.String(), "\033[", "colour only on a terminal")
		})
	}
}

func TestTODOWhat(t *testing.T) {
	c, err := openAt(mustRoot(t), nil, nil)
	require.NoError(t, err)
	s, err := c.loadStep("step01-login")
	require.NoError(t, err)
	st := newStepStatus(s)
	require.Len(t, st.TODOs, 3)
	// The first sentence, over two comment lines, without the list after it.
	assert.Equal(t, "decode and validate the login body, as the README's error table says.", st.TODOs[0].What)
}

func TestLabelLine(t *testing.T) {
	l := labelOf(2, "users.go")
	tests := []struct {
		name, output, want string
	}{
		{"t.Errorf", "    users_test.go:12: TODO 2 (users.go): Check(\"alice\") = false; want true\n", `TODO 2 (users.go): Check("alice") = false; want true`},
		{"testify", "    users_test.go:12: \n        \tError Trace:\tx\n        \tError:      \tShould be true\n        \tMessages:   \tTODO 2 (users.go): Check = false\n", "TODO 2 (users.go): Check = false"},
		// Issue 18: once TODO 1 is solved, the message starts with the TODO the status names.
		{"two labels", "x_test.go:3: TODO 1 (login.go) and TODO 2 (users.go): a good login answers 201\n", "TODO 2 (users.go): a good login answers 201"},
		{"another TODO only", "x_test.go:3: TODO 3 (token.go): no token\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, labelLine(tt.output, l))
		})
	}
}

func TestNextTODO(t *testing.T) {
	tests := []struct {
		name  string
		named [][]int // what each failing test names
		want  int
	}{
		{"nothing named", nil, 0},
		{"the starter", [][]int{{1}, {1, 2}, {3}}, 1},
		{"TODO 1 solved, a test of 1 and 2 still fails", [][]int{{1, 2}, {2}, {2, 3}, {3}}, 2},
		{"only a test of two TODOs", [][]int{{1, 2}}, 2},
		{"the last one", [][]int{{3}, {2, 3}}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, nextTODO(tt.named))
		})
	}
}

// TestStatusBuildError: a step that does not build says so, and counts no
// TODO done.
func TestStatusBuildError(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test (-short skips it)")
	}
	var out bytes.Buffer
	c := cloneCourse(t, &out)
	solve(t, c, "step01-login", "login.go", "users.go", "token.go")
	require.NoError(t, os.WriteFile(filepath.Join(c.root, "step01-login", "broken.go"), []byte("package main\n\nfunc broken() { x }\n"), 0o644))
	st, err := c.computeStatus(t.Context())
	require.NoError(t, err)
	s := st.Steps[0]
	assert.Equal(t, stateInProgress, s.State)
	assert.True(t, s.BuildFailed)
	assert.Equal(t, 0, s.Done)
	require.NotNil(t, st.Next)
	assert.Equal(t, "step01-login", st.Next.Step)
	require.NotNil(t, st.Next.Failure)
	assert.Contains(t, st.Next.Failure.Message, "broken.go:3")
	c.printSteps(&out, st)
	assert.Contains(t, out.String(), "[----------]  in progress  does not build")
}
