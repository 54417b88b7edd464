package main

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// caseLine is one case of a file of cases that solutions/compare runs too
// (testdata/renewal-cases.txt, testdata/revocation-cases.txt): its line
// number, and its five columns, trimmed.
type caseLine struct {
	n    int
	cols []string
}

// readCaseLines reads such a file: every line but blanks and # comments,
// split at "|" into five columns (columns names them, for the message of
// a line that has another count). A file without a case fails the test.
func readCaseLines(t *testing.T, path, columns string) []caseLine {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err, "the cases")
	defer f.Close()
	var lines []caseLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "|")
		require.Len(t, cols, 5, "%s:%d: %s", path, n, columns)
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		lines = append(lines, caseLine{n, cols})
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, lines, "%s holds no case", path)
	return lines
}
