package coursecheck

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// readme joins lines into a file: a README, a HINTS.md.
func readme(l ...string) string { return strings.Join(l, "\n") + "\n" }

// rung is one rung, in HINTS.md's shape.
func rung(k int, title, body string) string {
	return readme(fmt.Sprintf("### Hint %d: %s", k, title), "", body, "")
}

func TestParseHints(t *testing.T) {
	for _, tc := range []struct {
		name    string
		hints   string
		want    []Ladder
		wantErr string
	}{
		{"two ladders", readme(
			"# Step 01 — hints", "", "Read one rung at a time.", "",
			"## TODO 1 (login.go)", "",
			rung(1, "Where to look", "The [docs](https://pkg.go.dev/net/http).\nTwo lines."),
			rung(2, "The approach", "In words.\n\n#### A smaller heading\n\nMore words."),
			"## TODO 2 (web/app.js)",
			rung(1, "Where to look", "MDN."),
		), []Ladder{
			{Label{1, "login.go"}, []Rung{
				{"Where to look", "The [docs](https://pkg.go.dev/net/http).\nTwo lines."},
				{"The approach", "In words.\n\n#### A smaller heading\n\nMore words."}}},
			{Label{2, "web/app.js"}, []Rung{{"Where to look", "MDN."}}},
		}, ""},
		{"code in a rung, with a # line", readme("## TODO 1 (a.go)", rung(1, "The code", "```sh\n# a comment\n## not a heading\n```")),
			[]Ladder{{Label{1, "a.go"}, []Rung{{"The code", "```sh\n# a comment\n## not a heading\n```"}}}}, ""},
		{"an empty rung", readme("## TODO 1 (a.go)", "### Hint 1: Empty", "", "### Hint 2: Full", "x"),
			[]Ladder{{Label{1, "a.go"}, []Rung{{"Empty", ""}, {"Full", "x"}}}}, ""},
		{"a Chinese sibling's rungs (issue 23)", readme("## TODO 1 (a.go)", "### 提示 1：从哪里看", "x", "### 提示 2: 思路", "y"),
			[]Ladder{{Label{1, "a.go"}, []Rung{{"从哪里看", "x"}, {"思路", "y"}}}}, ""},
		{"no ladders", readme("# Step 01 — hints", "", "None yet."), nil, ""},
		{"another heading", readme("## TODO 1 (a.go)", rung(1, "x", "y"), "## Going further", "z"),
			nil, `HINTS.md:7: "## Going further": this file holds only ladders`},
		{"a second title", readme("## TODO 1 (a.go)", rung(1, "x", "y"), "# More"),
			nil, `HINTS.md:7: "# More": this file holds only ladders`},
		{"a rung outside a ladder", readme("# Hints", rung(1, "x", "y")),
			nil, "HINTS.md:2: \"### Hint 1: x\": a rung outside a ladder"},
		{"another kind of rung heading", readme("## TODO 1 (a.go)", "### 1. Where to look", "x"),
			nil, `HINTS.md:2: "### 1. Where to look" in the ladder of TODO 1 (a.go): a rung's heading is "### Hint 1: title"`},
		{"a rung without a title", readme("## TODO 1 (a.go)", "### Hint 1:", "x"),
			nil, `a rung's heading is "### Hint 1: title"`},
		{"a rung skipped", readme("## TODO 1 (a.go)", rung(1, "x", "y"), rung(3, "x", "y")),
			nil, `HINTS.md:7: "### Hint 3: x": the rungs of TODO 1 (a.go) are numbered 1, 2, 3, …: this one is hint 2`},
		{"text before the first rung", readme("## TODO 1 (a.go)", "", "Some words.", rung(1, "x", "y")),
			nil, "HINTS.md:3: text in the ladder of TODO 1 (a.go) before its first rung"},
		{"the README's old shape", readme("## Hints", "### TODO 1 (a.go)", "<details><summary>1. Where to look</summary>", "x", "</details>"),
			nil, `HINTS.md:1: "## Hints": this file holds only ladders`},
		{"a ladder at level 3", readme("# Step 01 — hints", "### TODO 1 (a.go)", rung(1, "x", "y")),
			nil, `HINTS.md:2: "### TODO 1 (a.go)": a ladder's heading is "## TODO n (file)", at level 2`},
		{"two ladders for one TODO", readme("## TODO 1 (a.go)", "## TODO 1 (a.go)"),
			nil, "HINTS.md:2: a second ladder for TODO 1 (a.go)"},
	} {
		got, err := ParseHints(tc.hints)
		assertParsed(t, tc.name, tc.want, tc.wantErr, got, err)
	}
}

// TestHintsInREADME: a README links HINTS.md and holds no rung, folded or
// not (issue 20: cat README.md showed the last rung's code).
func TestHintsInREADME(t *testing.T) {
	for _, tc := range []struct {
		name   string
		readme string
		want   []string
	}{
		{"a lesson with a link", readme("# Step 01", "## Your TODOs", "| 1 | `a.go` |", "", "Stuck? [HINTS.md](HINTS.md)", "## Going further", "- (Hint: who verifies.)"), nil},
		{"a # line in code", readme("```sh", "# Hints", "```"), nil},
		{"the old ladder", readme("# Step 01", "## Hints", "", "### TODO 1 (a.go)", "", "<details><summary>1. Where to look</summary>", "", "x", "", "</details>"), []string{
			`README.md:2: the heading "## Hints"`,
			`README.md:4: the heading "### TODO 1 (a.go)"`,
			"README.md:6: a <details> block (a folded rung)",
		}},
		{"a rung heading", readme("## Your TODOs", "#### Hint 1: Where to look"), []string{`README.md:2: the heading "#### Hint 1: Where to look"`}},
	} {
		assert.Equal(t, tc.want, HintsInREADME(tc.readme), tc.name)
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
