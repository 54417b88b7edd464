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
		{"given code", readme(
			"=== step 01 (throttle.go): a 503 without Retry-After (needs -race)", "--- old", "a", "--- new", "b",
			"=== step 04 (web/app.js): tokens compared as strings", "--- old", "c", "--- new", "d"),
			[]WrongAnswer{
				{Line: 1, Header: "step 01 (throttle.go): a 503 without Retry-After (needs -race)", Label: Label{0, "throttle.go"}, Step: 1,
					What: "a 503 without Retry-After", Race: true, Old: "a", New: "b"},
				{Line: 6, Header: "step 04 (web/app.js): tokens compared as strings", Label: Label{0, "web/app.js"}, Step: 4,
					What: "tokens compared as strings", Old: "c", New: "d"},
			}, ""},
		{"a why line", readme("=== TODO 1 (a.go): x", "why: because y.", "--- old", "a", "--- new", "why: b"),
			[]WrongAnswer{{Line: 1, Header: "TODO 1 (a.go): x", Label: Label{1, "a.go"}, What: "x", Why: "because y.", Old: "a", New: "why: b"}}, ""},
		{"two why lines", readme("=== TODO 1 (a.go): x", "why: y", "why: z", "--- old", "a", "--- new", "b"), nil, `line 3: "why: z": the entry has a why line already`},
		{"an empty why", readme("=== TODO 1 (a.go): x", "why: ", "--- old", "a", "--- new", "b"), nil, "line 2: an empty why line"},
		{"a why after old", readme("=== TODO 1 (a.go): x", "--- old", "a", "--- new", "b", "why: late"), []WrongAnswer{{Line: 1, Header: "TODO 1 (a.go): x", Label: Label{1, "a.go"}, What: "x", Old: "a", New: "b\nwhy: late"}}, ""},
		{"a why.zh line", readme("=== TODO 1 (a.go): x", "why: because y.", "why.zh: 因为 y。", "--- old", "a", "--- new", "why.zh: b"),
			[]WrongAnswer{{Line: 1, Header: "TODO 1 (a.go): x", Label: Label{1, "a.go"}, What: "x", Why: "because y.", WhyZh: "因为 y。", Old: "a", New: "why.zh: b"}}, ""},
		{"a why.zh without why", readme("=== TODO 1 (a.go): x", "why.zh: 因为 y。", "--- old", "a", "--- new", "b"), nil, `line 2: "why.zh: 因为 y。": a why.zh line comes right after the why line`},
		{"a why.zh before why", readme("=== TODO 1 (a.go): x", "why.zh: 因为 y。", "why: because y.", "--- old", "a", "--- new", "b"), nil, "line 2:"},
		{"two why.zh lines", readme("=== TODO 1 (a.go): x", "why: y", "why.zh: 甲", "why.zh: 乙", "--- old", "a", "--- new", "b"), nil, `line 4: "why.zh: 乙": the entry has a why.zh line already`},
		{"an empty why.zh", readme("=== TODO 1 (a.go): x", "why: y", "why.zh:", "--- old", "a", "--- new", "b"), nil, "line 3: an empty why.zh line"},
		{"a what.zh line", readme("=== TODO 1 (a.go): x (needs -race)", "what.zh: 甲", "why: because y.", "why.zh: 因为 y。", "--- old", "a", "--- new", "b"),
			[]WrongAnswer{{Line: 1, Header: "TODO 1 (a.go): x (needs -race)", Label: Label{1, "a.go"}, What: "x", WhatZh: "甲", Race: true, Why: "because y.", WhyZh: "因为 y。", Old: "a", New: "b"}}, ""},
		{"a what.zh after why", readme("=== TODO 1 (a.go): x", "why: y", "what.zh: 甲", "--- old", "a", "--- new", "b"), nil, `line 3: "what.zh: 甲": a what.zh line comes right after the header`},
		{"two what.zh lines", readme("=== TODO 1 (a.go): x", "what.zh: 甲", "what.zh: 乙", "--- old", "a", "--- new", "b"), nil, `line 3: "what.zh: 乙": the entry has a what.zh line already`},
		{"an empty what.zh", readme("=== TODO 1 (a.go): x", "what.zh: ", "--- old", "a", "--- new", "b"), nil, "line 2: an empty what.zh line"},
		{"step 00", readme("=== step 00 (a.go): x", "--- old", "a", "--- new", "b"), nil, "no step number"},
		{"a step of one digit", readme("=== step 1 (a.go): x", "--- old", "a", "--- new", "b"), nil, `line 1: "=== step 1 (a.go): x": a header is`},
		{"a step and a TODO", readme("=== step 01 TODO 1 (a.go): x", "--- old", "a", "--- new", "b"), nil, "a header is"},
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

func TestWrongAnswerNames(t *testing.T) {
	todo := WrongAnswer{Label: Label{1, "login.go"}}
	given := WrongAnswer{Label: Label{0, "throttle.go"}, Step: 1}
	compare := WrongAnswer{Label: Label{0, "double.go"}}
	for _, tc := range []struct {
		a    WrongAnswer
		text string
		want bool
	}{
		{todo, "x_test.go:9: TODO 1 (login.go): status 500; want 400", true},
		{todo, "x_test.go:9: TODO 1: status 500", false},
		{todo, "x_test.go:9: step 01 (login.go): status 500", false},
		{given, "x_test.go:9: step 01 (throttle.go): a 503 without Retry-After", true},
		{given, "x_test.go:9: step 01 (conns.go): …", false},
		{given, "x_test.go:9: step 02 (throttle.go): …", false},
		{given, "x_test.go:9: mystep 01 (throttle.go): …", false},
		{given, "x_test.go:9: TODO 1 (throttle.go): …", false},
		{compare, "anything fails", false},
	} {
		assert.Equal(t, tc.want, tc.a.Names(tc.text), "%s names %+v", tc.text, tc.a)
	}
	assert.Equal(t, "TODO 1 (login.go)", todo.Want())
	assert.Equal(t, "step 01 (throttle.go)", given.Want())
	assert.Empty(t, compare.Want())
}
