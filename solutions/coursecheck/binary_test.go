package coursecheck

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuildAndRunTestBinary: issue 20. A wrong answer's tests are built
// once (BuildTest) and the binary run as go test -json would report it
// (RunTestBinary): the same tests, failures and output, with -test.run,
// -test.skip and -test.failfast selecting what runs.
func TestBuildAndRunTestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds a test binary")
	}
	t.Setenv("GOWORK", "off") // fx is a module of its own, in no workspace
	dir, err := filepath.Abs(filepath.Join("testdata", "gotest", "fx"))
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "fx.test")
	buildErrors, err := BuildTest(t.Context(), dir, bin, ".")
	require.NoError(t, err)
	require.Empty(t, buildErrors)

	r, err := RunTestBinary(t.Context(), dir, bin, "fx")
	require.NoError(t, err)
	stream, err := os.ReadFile(filepath.Join("testdata", "gotest", "ok.json"))
	require.NoError(t, err)
	want := ParseTestJSON(stream)
	assert.Equal(t, want.Tests, r.Tests, "every test, as go test -json reports them")
	assert.Equal(t, want.Failures, r.Failures)
	assert.Equal(t, want.Output["TestC"], r.Output["TestC"])
	assert.Equal(t, map[string]string{"fx": "fail"}, r.Packages)

	r, err = RunTestBinary(t.Context(), dir, bin, "fx", "-test.failfast", "-test.skip=^TestB$")
	require.NoError(t, err)
	assert.Equal(t, []string{"TestC"}, r.Failures, "TestB skipped, and nothing after the first failure")
	assert.NotContains(t, r.Tests, "TestE", "-test.failfast")

	// A file that does not compile, overlaid: the build errors, no binary.
	bad := filepath.Join(t.TempDir(), "bad.go")
	require.NoError(t, os.WriteFile(bad, []byte("package fx\n\nvar x = undefined\n"), 0o644))
	overlay := filepath.Join(t.TempDir(), "overlay.json")
	require.NoError(t, WriteOverlay(overlay, map[string]string{filepath.Join(dir, "bad.go"): bad}))
	bin2 := filepath.Join(t.TempDir(), "bad.test")
	buildErrors, err = BuildTest(t.Context(), dir, bin2, "-overlay", overlay, ".")
	require.NoError(t, err)
	assert.Contains(t, buildErrors, "undefined: undefined")
	assert.NoFileExists(t, bin2)
}
