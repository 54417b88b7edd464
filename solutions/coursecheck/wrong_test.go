package coursecheck

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseWrongAnswers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		text    string
		want    []WrongAnswer
		wantErr string
	}{
		{"two entries", readme(
			"# Known wrong answers.",
			"",
			"=== TODO 1 (login.go): the limit read from Content-Length",
			"--- old",
			"\tr.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)",
			"--- new",
			"\tif r.ContentLength > maxBodyBytes {",
			"",
			"\t}",
			"",
			"=== TODO 3 (web/app.js): a stale token wins (needs -race)",
			"--- old",
			"keep();",
			"--- new",
		), []WrongAnswer{
			{Line: 3, Header: "TODO 1 (login.go): the limit read from Content-Length", Label: Label{1, "login.go"},
				What: "the limit read from Content-Length",
				Old:  "\tr.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)", New: "\tif r.ContentLength > maxBodyBytes {\n\n\t}"},
			{Line: 11, Header: "TODO 3 (web/app.js): a stale token wins (needs -race)", Label: Label{3, "web/app.js"},
				What: "a stale token wins", Race: true, Old: "keep();", New: ""},
		}, ""},
		{"no TODO (solutions/compare)", readme("=== (double.go): refresh takes an access token", "--- old", "a", "--- new", "b"),
			[]WrongAnswer{{Line: 1, Header: "(double.go): refresh takes an access token", Label: Label{0, "double.go"},
				What: "refresh takes an access token", Old: "a", New: "b"}}, ""},
		{"no file", readme("=== TODO 1: x", "--- old", "a", "--- new", "b"), nil, `line 1: "=== TODO 1: x": a header is`},
		{"no what", readme("=== TODO 1 (a.go)", "--- old", "a", "--- new", "b"), nil, "line 1:"},
		{"no new", readme("=== TODO 1 (a.go): x", "--- old", "a", "=== TODO 2 (a.go): y"), nil, `line 4: the entry above has no "--- new" line`},
		{"no new at the end", readme("=== TODO 1 (a.go): x", "--- old", "a"), nil, `line 1: the entry "TODO 1 (a.go): x" has no "--- new" line`},
		{"new before old", readme("=== TODO 1 (a.go): x", "--- new", "a"), nil, `line 2: "--- new" where "--- old" was expected`},
		{"text outside a block", readme("=== TODO 1 (a.go): x", "stray", "--- old"), nil, `line 2: "stray" outside a block`},
		{"a comment after an entry", readme("=== TODO 1 (a.go): x", "--- old", "a", "--- new", "b", "=== TODO 2 (a.go): y", "# late", "--- old"), nil, `line 7: "# late" outside a block`},
		{"an empty old", readme("=== TODO 1 (a.go): x", "--- old", "", "--- new", "b"), nil, "the old text is empty"},
		{"TODO 0", readme("=== TODO 0 (a.go): x", "--- old", "a", "--- new", "b"), nil, "no TODO number"},
		{"only comments", readme("# nothing yet"), nil, ""},
	} {
		got, err := ParseWrongAnswers(tc.text)
		assertParsed(t, tc.name, tc.want, tc.wantErr, got, err)
	}
}

func TestWrongAnswerApply(t *testing.T) {
	a := WrongAnswer{Label: Label{1, "a.go"}, Old: "\treturn x", New: "\treturn 0"}
	got, err := a.Apply("func f() int {\n\treturn x\n}\n")
	assert.NoError(t, err)
	assert.Equal(t, "func f() int {\n\treturn 0\n}\n", got)

	_, err = a.Apply("func f() int {\n    return x\n}\n") // spaces, not a tab
	assert.ErrorContains(t, err, "occurs 0 times in a.go")
	_, err = a.Apply("\treturn x\n\treturn x\n")
	assert.ErrorContains(t, err, "occurs 2 times in a.go")
}
