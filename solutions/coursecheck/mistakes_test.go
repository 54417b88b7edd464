package coursecheck

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// update rewrites the common-mistakes page (TestMistakesPage) and the first
// messages the wrong answers print (TestWrongAnswers, for the entries it
// ran).
var update = flag.Bool("update", false, "rewrite MISTAKES.md from the known wrong answers; with TestWrongAnswers, record the first messages of the entries run in "+firstMessagesFile+" and the test that refused each in "+refusedByFile)

// firstMessagesFile keeps, for each known wrong answer of a step, the first
// message its tests print (MistakeKey → message), as TestWrongAnswers last
// recorded it with -update.
const firstMessagesFile = "testdata/mistakes.json"

// TestMistakesPage checks that the common-mistakes page (MISTAKES.md, at the
// root) is what the known wrong answers and their recorded first messages
// make (MistakesPage): an entry added, removed or renamed in
// testdata/wrong/<step>.txt, or a why line changed, fails it until
// -update rewrites the page. The page's Chinese sibling, MISTAKES.zh-CN.md
// (MistakesPageZh), is checked and rewritten the same way. It also asserts
// that every entry of a TODO says why it is wrong (a "why:" line), that
// every entry says what is wrong in Chinese too (a "what.zh:" line) and
// every entry with a why line says why in Chinese (a "why.zh:" line; issue
// 23), and that a first message is
// recorded for every entry and for no entry the suite no longer has. It
// runs under -short: it runs no wrong answer (TestWrongAnswers, without
// -short, compares each entry's first message with the recorded one).
// Issue 22: the suite of wrong answers is the course's common-mistakes
// sheet, and a sheet copied by hand drifts.
func TestMistakesPage(t *testing.T) {
	root := repoRoot(t)
	first := readFirstMessages(t)
	if *update { // masks added since a message was recorded apply to it
		for key, msg := range first {
			first[key] = MaskMessage(msg)
		}
	}
	steps := mistakeSteps(t, root, first)
	keys := map[string]bool{}
	for _, s := range steps {
		for _, a := range s.Answers {
			key := MistakeKey(s.Name, a)
			keys[key] = true
			where := fmt.Sprintf("testdata/wrong/%s.txt:%d", s.Name, a.Line)
			if a.N > 0 && a.Why == "" {
				t.Errorf("%s: %s has no why line: add \"why: …\" under the header, a sentence an instructor reads aloud (MISTAKES.md shows it)", where, a.Header)
			}
			if a.WhatZh == "" {
				t.Errorf("%s: %s has no what.zh line: add \"what.zh: …\" right under the header, its line in Chinese (%s shows it)", where, a.Header, MistakesFileZh)
			}
			if a.Why != "" && a.WhyZh == "" {
				t.Errorf("%s: %s has no why.zh line: add \"why.zh: …\" under its why line, the same sentence in Chinese (%s shows it)", where, a.Header, MistakesFileZh)
			}
			if first[key] == "" {
				t.Errorf("%s: %s: no first message recorded in %s for MISTAKES.md (a new or renamed entry): go test -count=1 ./solutions/coursecheck -run 'TestWrongAnswers/%s' -update", where, a.Header, firstMessagesFile, s.Name)
			}
		}
	}
	stale := slices.Sorted(func(yield func(string) bool) {
		for key := range first {
			if !keys[key] && !yield(key) {
				return
			}
		}
	})
	if *update {
		for _, key := range stale {
			delete(first, key)
		}
		writeFirstMessages(t, first)
	} else {
		for _, key := range stale {
			t.Errorf("%s: %q is no entry of the known wrong answers any more (removed or renamed): go test -short ./solutions/coursecheck -run TestMistakesPage -update", firstMessagesFile, key)
		}
	}
	checkMistakesPage(t, root, steps)
}

// checkMistakesPage compares MISTAKES.md and MISTAKES.zh-CN.md with what
// MistakesPage and MistakesPageZh make of steps, naming the first entry
// that differs; with -update, it writes them.
func checkMistakesPage(t *testing.T, root string, steps []MistakeStep) {
	checkGeneratedPage(t, root, MistakesFile, MistakesPage(steps), steps)
	checkGeneratedPage(t, root, MistakesFileZh, MistakesPageZh(steps), steps)
}

func checkGeneratedPage(t *testing.T, root, file, want string, steps []MistakeStep) {
	path := filepath.Join(root, file)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
		t.Logf("%s rewritten", file)
		return
	}
	got, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s is missing: go test -short ./solutions/coursecheck -run TestMistakesPage -update writes it", file)
		return
	}
	require.NoError(t, err)
	if string(got) == want {
		return
	}
	gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(want, "\n")
	i := 0
	for i < len(gotLines) && i < len(wantLines) && gotLines[i] == wantLines[i] {
		i++
	}
	line := func(lines []string) string {
		if i < len(lines) {
			return lines[i]
		}
		return "(the end of the page)"
	}
	t.Errorf("%s differs from the known wrong answers (testdata/wrong/*.txt) at line %d, in %s:\n  the page: %s\n  the suite: %s\nRewrite the page: go test -short ./solutions/coursecheck -run TestMistakesPage -update",
		file, i+1, entryAt(wantLines, i, steps), line(gotLines), line(wantLines))
}

// entryAt names the entry of the generated page that holds line i: the
// step, the TODO heading and the entry's what line.
func entryAt(lines []string, i int, steps []MistakeStep) string {
	var step, heading, item string
	for _, l := range lines[:min(i+1, len(lines))] {
		switch {
		case strings.HasPrefix(l, "## "):
			step, heading, item = strings.TrimPrefix(l, "## "), "", ""
		case strings.HasPrefix(l, "### "):
			heading, item = strings.TrimPrefix(l, "### "), ""
		case len(l) > 0 && l[0] >= '1' && l[0] <= '9' && strings.Contains(l, ". **"):
			item = l
		}
	}
	if step == "" {
		return "the page's introduction"
	}
	where := step
	if item != "" {
		what := strings.TrimSuffix(strings.SplitN(strings.SplitN(item, "**", 3)[1], " (only", 2)[0], ".")
		for _, s := range steps {
			for _, a := range s.Answers {
				if s.Name == step && (sentence(a.What) == sentence(what) || a.WhatZh != "" && sentence(a.WhatZh) == sentence(what)) {
					return fmt.Sprintf("the entry testdata/wrong/%s.txt:%d %q", s.Name, a.Line, a.Header)
				}
			}
		}
		return fmt.Sprintf("%s, %s, the entry %s", step, heading, item)
	}
	if heading != "" {
		where += ", " + heading
	}
	return where
}

// mistakeSteps reads the known wrong answers of every step of go.work
// (not compare.txt: the double-token comparison is no TODO of a learner)
// and what each TODO asks, from the starter's comment.
func mistakeSteps(t *testing.T, root string, first map[string]string) []MistakeStep {
	t.Helper()
	var steps []MistakeStep
	for _, name := range workspaceSteps(t, root) {
		content, err := os.ReadFile(filepath.Join("testdata", "wrong", name+".txt"))
		if errors.Is(err, fs.ErrNotExist) {
			continue // TestWrongAnswers says so
		}
		require.NoError(t, err)
		answers, err := ParseWrongAnswers(string(content))
		require.NoError(t, err, "testdata/wrong/%s.txt", name)
		s := MistakeStep{Name: name, Answers: answers, TODOs: map[Label]string{}, First: map[string]string{}}
		for _, a := range answers {
			if a.N > 0 {
				s.TODOs[a.Label] = todoLine(filepath.Join(root, name), a.Label)
			}
			s.First[a.Header] = first[MistakeKey(name, a)]
		}
		steps = append(steps, s)
	}
	return steps
}

// todoLine returns the first sentence of what TODO l asks in the starter
// in dir (TODOWhat, as the course command shows it), without its final
// period or colon.
func todoLine(dir string, l Label) string {
	what := TODOWhat(os.DirFS(dir), l)
	if i := strings.Index(what, ". "); i >= 0 {
		what = what[:i+1]
	}
	return strings.TrimRight(what, ".:")
}

func readFirstMessages(t *testing.T) map[string]string {
	t.Helper()
	first := map[string]string{}
	content, err := os.ReadFile(firstMessagesFile)
	if errors.Is(err, fs.ErrNotExist) {
		return first
	}
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(content, &first), firstMessagesFile)
	return first
}

func writeFirstMessages(t *testing.T, first map[string]string) {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the messages as the tests print them: "<" and ">" stay
	enc.SetIndent("", "\t")
	require.NoError(t, enc.Encode(first)) // keys sorted
	require.NoError(t, os.WriteFile(firstMessagesFile, []byte(b.String()), 0o644))
}

// firstMessages gathers the first messages of the wrong answers that
// TestWrongAnswers runs (its entries run in parallel).
type firstMessages struct {
	mu       sync.Mutex
	recorded map[string]string // as last recorded (testdata/mistakes.json)
	got      map[string]string // from this run
}

// check records the first message of step's entry a, and, without
// -update, compares it with the one MISTAKES.md shows. It fails when the
// test the page quotes is no longer a test of the step (renamed or
// removed: the learner would not find it). Another first message is only
// logged: some entries make different tests fail from run to run (tokens
// compared as strings: the order of two random tokens decides which test
// sees it first), and a count or an id varies (SameMessage).
func (m *firstMessages) check(t *testing.T, solutions, step string, a WrongAnswer, r *Result) {
	if step == "compare" {
		return // not on the page
	}
	msg := FirstMessage(r, a)
	key := MistakeKey(step, a)
	m.mu.Lock()
	m.got[key] = msg
	recorded := m.recorded[key]
	m.mu.Unlock()
	if *update || SameMessage(recorded, msg) {
		return
	}
	where := fmt.Sprintf("testdata/wrong/%s.txt:%d", step, a.Line)
	if recorded == "" {
		t.Errorf("%s: %s shows no first message for %q: go test -count=1 ./solutions/coursecheck -run 'TestWrongAnswers/%s' -update", where, MistakesFile, a.Header, step)
		return
	}
	if top := topTest(recorded); !stepHasTest(t, filepath.Join(solutions, step), top) {
		t.Errorf("%s: %s quotes %s for %q, which is no test of %s any more (this run printed %q): go test -count=1 ./solutions/coursecheck -run 'TestWrongAnswers/%s' -update", where, MistakesFile, top, a.Header, step, msg, step)
		return
	}
	t.Logf("%s: %s shows %q, this run printed %q (-update records it)", where, MistakesFile, recorded, msg)
}

// topTest returns the top-level test that printed a first message
// ("TestX/case: TODO 1 (a.go): …" → "TestX").
func topTest(msg string) string {
	name, _, _ := strings.Cut(msg, ": ")
	name, _, _ = strings.Cut(name, "/")
	return name
}

// stepHasTest reports whether a test file of the package in dir declares
// the test (or fuzz test) name.
func stepHasTest(t *testing.T, dir, name string) bool {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	require.NoError(t, err)
	for _, file := range files {
		content, err := os.ReadFile(file)
		require.NoError(t, err)
		if strings.Contains(string(content), "func "+name+"(") {
			return true
		}
	}
	return false
}

// save writes, with -update, the first messages of this run over the
// recorded ones and rewrites MISTAKES.md.
func (m *firstMessages) save(t *testing.T, root string) {
	if !*update || len(m.got) == 0 {
		return
	}
	all := maps.Clone(m.recorded)
	maps.Copy(all, m.got)
	writeFirstMessages(t, all)
	checkMistakesPage(t, root, mistakeSteps(t, root, all))
	t.Logf("%s: %d first messages recorded", firstMessagesFile, len(m.got))
}

func TestTellingLine(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string
		want     string
	}{
		{"an edit", "\tr.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)", "\tr.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes-1)", "r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes-1)"},
		{"the first new line that says something", "\tif ok {\n\t\treturn x\n\t}", "\tif ok {\n\t\t// skipped\n\t}\n\treturn y", "return y"},
		{"a deletion", "\tdec.DisallowUnknownFields()", "", "(removed) dec.DisallowUnknownFields()"},
		{"only braces left", "\tif a {\n\t\tb()\n\t}", "\t{\n\t}", "(removed) if a {"},
	} {
		assert.Equal(t, tc.want, TellingLine(WrongAnswer{Old: tc.old, New: tc.new}), tc.name)
	}
}

// abs returns the absolute path /p: a machine's path, for the masks to
// mask (written so, it is not one of this repository's paths).
func abs(p string) string { return "/" + p }

func TestMaskMessage(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`GET /bbb with "Bearer eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoiZ3VhbmcifQ.c2ln": 401`, `GET /bbb with "Bearer eyJ…": 401`},
		{"exp 2026-12-07 00:10:39 +0000 UTC, want later", "exp <time>, want later"},
		{"iat 1796601039 in the future", "iat <unix time> in the future"},
		{"dial 127.0.0.1:41234: refused", "dial 127.0.0.1:<port>: refused"},
		{"open " + abs("tmp/TestX123/001/page.html") + ": no such file", "open <path>: no such file"},
		{"took 1.5ms, want under 1s", "took <duration>, want under 1s"},
		{`tokens 1 and 2 have the same jti "YM5DWBI75XUHEGEHKROWBE5K27", not "HS512", "POST" or "1234"`, `tokens 1 and 2 have the same jti "<random>", not "HS512", "POST" or "1234"`},
		{`e.g. "CFSTUSMMZSLZM", "WTEPCWHCN4UPC"`, `e.g. "<random>", "<random>"`},
		{"status 501, want 200 (TODO 2 (token.go): not written yet)", "status 501, want 200 (TODO 2 (token.go): not written yet)"},
	} {
		assert.Equal(t, tc.want, MaskMessage(tc.in), tc.in)
		assert.Equal(t, tc.want, MaskMessage(tc.want), "masking a masked message changes nothing")
	}
	assert.True(t, SameMessage("tokens 128 and 334 of 1000 collide", "tokens 3 and 91 of 1000 collide"))
	assert.False(t, SameMessage("TestA: TODO 1 (a.go): status 400", "TestB: TODO 1 (a.go): status 400"))
}

func TestFirstMessage(t *testing.T) {
	r := &Result{
		Failures: []string{"TestA", "TestB/case"},
		Output: map[string]string{
			"TestA":      "    a_test.go:9: TODO 1 (a.go): status 400, want 201\n",
			"TestB/case": "    b_test.go:12: \n        \tError Trace:\t" + abs("tmp/x/b_test.go") + ":12\n        \tMessages:   \tTODO 2 (b.go) then TODO 1 (a.go): got eyJhbGciOiJIUzI1NiJ9.x.y\n",
		},
	}
	assert.Equal(t, "TestA: TODO 1 (a.go): status 400, want 201", FirstMessage(r, WrongAnswer{Label: Label{1, "a.go"}}))
	assert.Equal(t, "TestB/case: TODO 2 (b.go) then TODO 1 (a.go): got eyJ…", FirstMessage(r, WrongAnswer{Label: Label{2, "b.go"}}))
	assert.Empty(t, FirstMessage(r, WrongAnswer{Label: Label{3, "c.go"}}), "no failure names TODO 3")
	assert.Equal(t, "TestA: a_test.go:9: TODO 1 (a.go): status 400, want 201", FirstMessage(r, WrongAnswer{Label: Label{File: "double.go"}}), "without a label: the first line of the first failure")
}
