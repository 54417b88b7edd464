package compare

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A caseRow is one case of a file of step 05's shared cases
// (testdata/renewal-cases.txt, testdata/revocation-cases.txt): its line,
// and its five columns, trimmed.
type caseRow struct {
	line int
	cols []string
}

// readCases reads a file of step 05's shared cases from its solved copy
// (solved), asserts that the starter's (starter) is the same, and returns
// its cases: every line but blanks and # comments, in five columns split
// at "|".
func readCases(t *testing.T, solved, starter string) []caseRow {
	t.Helper()
	raw, err := os.ReadFile(solved)
	require.NoError(t, err)
	other, err := os.ReadFile(starter)
	require.NoError(t, err)
	require.True(t, bytes.Equal(raw, other), "%s and %s differ: the starter and the solved copy run the same cases", solved, starter)
	var rows []caseRow
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "|")
		require.Len(t, cols, 5, "%s:%d", solved, line)
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		rows = append(rows, caseRow{line, cols})
	}
	require.NoError(t, sc.Err())
	return rows
}
