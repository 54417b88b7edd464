package coursecheck

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// readme joins lines into a README.
func readme(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// rung is one folded rung, in the README's shape.
func rung(title, body string) string {
	return readme("<details><summary>"+title+"</summary>", "", body, "", "</details>")
}

func TestParseHints(t *testing.T) {
	for _, tc := range []struct {
		name    string
		readme  string
		want    []Ladder
		wantErr string
	}{
		{"two ladders", readme(
			"# Step 01", "## Your TODOs", "### TODO 9 (not.go)", rung("not a hint", "x"),
			"## Hints", "Read one rung at a time.", "",
			"### TODO 1 (login.go)", "",
			rung("1. Where to look", "The [docs](https://pkg.go.dev/net/http).\nTwo lines."),
			rung("2. The approach", "In words."),
			"### TODO 2 (web/app.js)",
			rung("1. Where to look", "MDN."),
			"## Going further", "### TODO 3 (x.go)", rung("after the hints", "y"),
		), []Ladder{
			{Label{1, "login.go"}, []Rung{{"1. Where to look", "The [docs](https://pkg.go.dev/net/http).\nTwo lines."}, {"2. The approach", "In words."}}},
			{Label{2, "web/app.js"}, []Rung{{"1. Where to look", "MDN."}}},
		}, ""},
		{"code in a rung", readme("## Hints", "### TODO 1 (a.go)", rung("4. The code", "```go\nx := 1\n```")),
			[]Ladder{{Label{1, "a.go"}, []Rung{{"4. The code", "```go\nx := 1\n```"}}}}, ""},
		{"an empty rung", readme("## Hints", "### TODO 1 (a.go)", "<details><summary>1. Empty</summary>", "</details>"),
			[]Ladder{{Label{1, "a.go"}, []Rung{{"1. Empty", ""}}}}, ""},
		{"another heading ends a ladder", readme("## Hints", "### TODO 1 (a.go)", "### Notes", rung("stray", "x")),
			nil, "README.md:4: a rung outside a ladder"},
		{"no hints", readme("# Step", "## Your TODOs", "TODO 1 (a.go)"), nil, ""},
		{"an unclosed rung", readme("## Hints", "### TODO 1 (a.go)", "<details><summary>1. Open</summary>", "text", "### TODO 2 (b.go)"),
			nil, `README.md:5: the rung "TODO 1 (a.go) 1. Open" has no </details>`},
		{"an unclosed rung at the end", readme("## Hints", "### TODO 1 (a.go)", "<details><summary>1. Open</summary>", "text"),
			nil, `the rung "1. Open" has no </details>`},
		{"a summary on its own line", readme("## Hints", "### TODO 1 (a.go)", "<details>", "<summary>1. x</summary>", "</details>"),
			nil, "README.md:3: a rung starts with a line of its own"},
		{"two ladders for one TODO", readme("## Hints", "### TODO 1 (a.go)", "### TODO 1 (a.go)"),
			nil, "README.md:3: a second ladder for TODO 1 (a.go)"},
	} {
		got, err := ParseHints(tc.readme)
		assertParsed(t, tc.name, tc.want, tc.wantErr, got, err)
	}
}

// assertParsed checks what a parser returned: the error that contains
// wantErr, or else no error and want.
func assertParsed[T any](t *testing.T, name string, want T, wantErr string, got T, err error) {
	t.Helper()
	if wantErr != "" {
		assert.ErrorContains(t, err, wantErr, name)
	} else if assert.NoError(t, err, name) {
		assert.Equal(t, want, got, name)
	}
}
