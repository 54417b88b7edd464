package coursecheck

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseTestJSON reads streams of go test -json recorded from the tests
// in testdata/gotest/fx (ok: as written; panic: with PANIC=1; build: with
// a file that does not compile) and compares the plain output rebuilt from
// each with what plain go test printed in the same state (<name>.txt).
func TestParseTestJSON(t *testing.T) {
	for _, tc := range []struct {
		name        string
		tests       map[string]string
		failures    []string
		panicked    []string
		skipped     []string
		buildErrors string
	}{
		{name: "ok",
			tests:    map[string]string{"TestA": "pass", "TestB": "fail", "TestB/x": "fail", "TestB/y": "pass", "TestC": "fail", "TestD": "skip", "TestE": "pass"},
			failures: []string{"TestB/x", "TestC"},
			skipped:  []string{"TestD"}},
		{name: "panic",
			tests:    map[string]string{"TestA": "pass", "TestB": "fail", "TestB/x": "fail", "TestB/y": "pass", "TestC": "fail", "TestD": "skip", "TestE": "fail"},
			failures: []string{"TestB/x", "TestC", "TestE"},
			panicked: []string{"TestE"},
			skipped:  []string{"TestD"}},
		{name: "build",
			tests:       map[string]string{},
			buildErrors: "# fx [fx.test]\n./bad.go:2:12: undefined: undefined\nbuild failed: fx [fx.test]\n"},
	} {
		stream, err := os.ReadFile(filepath.Join("testdata", "gotest", tc.name+".json"))
		require.NoError(t, err)
		plain, err := os.ReadFile(filepath.Join("testdata", "gotest", tc.name+".txt"))
		require.NoError(t, err)

		r := ParseTestJSON(stream)
		assert.Equal(t, tc.tests, r.Tests, tc.name)
		assert.Equal(t, tc.failures, r.Failures, tc.name)
		assert.Equal(t, tc.panicked, r.Panicked(), tc.name)
		assert.Equal(t, tc.skipped, r.Skipped(), tc.name)
		assert.Equal(t, tc.buildErrors, r.BuildErrors, tc.name)
		assert.Equal(t, map[string]string{"fx": "fail"}, r.Packages, tc.name)
		assert.Equal(t, withoutTimes(string(plain)), withoutTimes(r.Plain), tc.name)
	}

	r := ParseTestJSON([]byte(`{"Action":"output","Package":"fx","Test":"TestB/x","Output":"    fx_test.go:11: TODO 1 (a.go): boom\n"}` + "\n"))
	assert.Equal(t, "    fx_test.go:11: TODO 1 (a.go): boom\n", r.Output["TestB/x"], "a test's own output")
	assert.Equal(t, "not json\n", ParseTestJSON([]byte("not json\n")).BuildErrors, "the go command's own output")
}

// withoutTimes blanks the durations, which differ from run to run, and
// the goroutines and addresses of a panic's trace.
func withoutTimes(s string) string {
	s = regexp.MustCompile(`\d+\.\d+s\b`).ReplaceAllString(s, "T")
	s = regexp.MustCompile(`goroutine \d+`).ReplaceAllString(s, "goroutine N")
	return regexp.MustCompile(`0x[0-9a-f]+\??`).ReplaceAllString(s, "0x")
}
