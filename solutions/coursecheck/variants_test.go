package coursecheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const variantSrc = `package main

import (
	"fmt"
	"strings"
)

type greeter struct{ name string }

func (g *greeter) greet(loud bool) string {
	if loud {
		return strings.ToUpper("hello " + g.name)
	}
	return "hello " + g.name
}

func sum(xs ...int) (n int) {
	for _, x := range xs {
		n += x
	}
	return
}

func say(s string) {
	fmt.Println(s)
}

func main() {
	say(fmt.Sprint((&greeter{"ada"}).greet(false), " ", sum(1, 2, 3)))
}
`

// TestVariantSet builds a small program with three wrong answers in one
// binary and runs it with each selected, and with none.
func TestVariantSet(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module variants\n\ngo 1.25\n"), 0o644))
	path := filepath.Join(dir, "main.go")
	require.NoError(t, os.WriteFile(path, []byte(variantSrc), 0o644))

	set := NewVariantSet(dir)
	edit := func(old, new string) string {
		require.Equal(t, 1, strings.Count(variantSrc, old), old)
		return strings.Replace(variantSrc, old, new, 1)
	}
	assert.True(t, set.Add(3, path, variantSrc, edit(`return "hello " + g.name`, `return "bye " + g.name`)), "a method's body")
	assert.True(t, set.Add(7, path, variantSrc, edit("n += x", "n -= x")), "a variadic function with a named result")
	assert.True(t, set.Add(9, path, variantSrc, edit("fmt.Println(s)", `fmt.Println(s + "!")`)), "a function without results")

	for _, tc := range []struct{ what, old, new string }{
		{"a signature", "func sum(xs ...int) (n int) {", "func sum(xs ...int) (n int64) {"},
		{"a type", "type greeter struct{ name string }", "type greeter struct{ name, title string }"},
		{"an import left unused", `return strings.ToUpper("hello " + g.name)`, `return "HELLO " + g.name`},
		{"nothing", "n += x", "n += x"},
	} {
		assert.False(t, set.Add(11, path, variantSrc, edit(tc.old, tc.new)), "%s changed: built alone", tc.what)
	}
	assert.Equal(t, []int{3, 7, 9}, set.IDs())

	overlay, err := set.Overlay(t.TempDir())
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "overlay.json")
	require.NoError(t, WriteOverlay(file, overlay))
	bin := filepath.Join(t.TempDir(), "variants")
	build := exec.Command("go", "build", "-overlay", file, "-o", bin, ".")
	build.Dir = dir
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	edited, err := os.ReadFile(overlay[path])
	require.NoError(t, err)
	for i, line := range strings.Split(variantSrc, "\n") {
		if got := strings.Split(string(edited), "\n")[i]; !strings.HasPrefix(got, line) {
			t.Errorf("line %d of the variant file is %q; want it to start with the original %q (no line moves)", i+1, got, line)
		}
	}
	for id, want := range map[string]string{"": "hello ada 6", "3": "bye ada 6", "7": "hello ada -6", "9": "hello ada 6!"} {
		run := exec.Command(bin)
		run.Env = append(os.Environ(), VariantEnv+"="+id)
		out, err := run.Output()
		require.NoError(t, err)
		assert.Equal(t, want, strings.TrimSpace(string(out)), "%s=%s", VariantEnv, id)
	}
}
