package coursecheck

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// MistakesFile is the common-mistakes page, at the course's root. It is
// generated from the known wrong answers (testdata/wrong/<step>.txt) and
// the first message the tests print for each (testdata/mistakes.json):
// TestMistakesPage checks it, and rewrites it with -update.
const MistakesFile = "MISTAKES.md"

// A MistakeStep is one step's part of the common-mistakes page.
type MistakeStep struct {
	Name    string            // the step's folder, "step01-login"
	Answers []WrongAnswer     // its known wrong answers, in the file's order
	TODOs   map[Label]string  // what each TODO asks, in one line (the starter's comment)
	First   map[string]string // an entry's header → the first message the tests print for it
}

// MistakeKey is how the page and testdata/mistakes.json name an entry:
// "step01-login: TODO 1 (login.go): what is wrong".
func MistakeKey(step string, a WrongAnswer) string { return step + ": " + a.Header }

// MistakesPage renders the common-mistakes page: per step, per TODO (then
// the given code), each known wrong answer with what it is, a line of the
// wrong code, the first message the tests print for it and why it is
// wrong.
func MistakesPage(steps []MistakeStep) string {
	var b strings.Builder
	b.WriteString(`# Common mistakes

<!-- Generated from solutions/coursecheck/testdata/wrong/*.txt: do not edit by hand. -->

The known wrong answers of the course, one per careless or insecure answer a
learner writes, each proven refused by the step's tests (the course checker's
` + "`TestWrongAnswers`" + ` runs every one). For each: what the mistake is, a line of
the wrong code, the first message the tests print for it (in the order
` + "`go test`" + ` prints failures; tokens, times, ports and paths masked), and why it
is wrong, in a sentence to read aloud. The instructor's guide,
[INSTRUCTORS.md](INSTRUCTORS.md), says when to use it.

This page is generated: edit an entry (its header line, or the ` + "`why:`" + ` line
under it) in ` + "`solutions/coursecheck/testdata/wrong/<step>.txt`" + `, then
` + "`go test -short ./solutions/coursecheck -run TestMistakesPage -update`" + `
rewrites the page. The first messages come from the wrong answers' runs:
` + "`go test -count=1 ./solutions/coursecheck -run 'TestWrongAnswers/step01-login' -update`" + `
records those of one step. A test fails when the page and the suite differ.

`)
	for _, s := range steps {
		fmt.Fprintf(&b, "- [%s](#%s): %d known wrong answers\n", s.Name, anchor(s.Name), len(s.Answers))
	}
	for _, s := range steps {
		fmt.Fprintf(&b, "\n## %s\n", s.Name)
		groups := map[string][]WrongAnswer{} // heading → entries
		var headings []string
		for _, a := range s.Answers {
			h := a.Want()
			if a.N > 0 {
				if what := s.TODOs[a.Label]; what != "" {
					h += ": " + what
				}
			} else {
				h = "Given code: " + h
			}
			if _, ok := groups[h]; !ok {
				headings = append(headings, h)
			}
			groups[h] = append(groups[h], a)
		}
		// TODOs in order, then the given code in order of appearance.
		slices.SortStableFunc(headings, func(x, y string) int {
			ax, ay := groups[x][0], groups[y][0]
			switch {
			case ax.N > 0 && ay.N > 0:
				return ax.N - ay.N
			case ax.N > 0:
				return -1
			case ay.N > 0:
				return 1
			}
			return 0
		})
		for _, h := range headings {
			fmt.Fprintf(&b, "\n### %s\n\n", h)
			for i, a := range groups[h] {
				why := a.Why
				if why == "" {
					why = a.What
				}
				first := s.First[a.Header]
				if first == "" {
					first = "(not recorded yet: run this step's wrong answers with -update)"
				}
				fmt.Fprintf(&b, "%d. **%s**", i+1, sentence(a.What))
				if a.Race {
					b.WriteString(" (only `-race` sees it)")
				}
				b.WriteString("\n")
				fmt.Fprintf(&b, "   - Wrong code: %s\n", code(TellingLine(a)))
				fmt.Fprintf(&b, "   - The tests print: %s\n", code(first))
				fmt.Fprintf(&b, "   - Why: %s\n", sentence(why))
			}
		}
	}
	return b.String()
}

// TellingLine returns the line of a wrong answer's code that shows the
// mistake best: the first line of its new text that the old text does not
// have and that says something (not blank, not a lone brace, not a
// comment); for an entry that only deletes, the first such line it
// removes, marked "(removed)".
func TellingLine(a WrongAnswer) string {
	old := map[string]bool{}
	for _, l := range strings.Split(a.Old, "\n") {
		old[strings.TrimSpace(l)] = true
	}
	if l := firstTelling(a.New, old); l != "" {
		return l
	}
	if l := firstTelling(a.Old, map[string]bool{}); l != "" {
		return "(removed) " + l
	}
	return strings.TrimSpace(a.New)
}

func firstTelling(text string, skip map[string]bool) string {
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || skip[t] || strings.Trim(t, "{}()[];,") == "" || strings.HasPrefix(t, "//") || t == "default:" || t == "} else {" {
			continue
		}
		return t
	}
	return ""
}

// FirstMessage returns the first message the tests print for a wrong
// answer: in the first failing test (in the order plain go test prints
// them) whose output names the entry's label, the test's name and the
// first line that names it, from the label on; for an entry without a
// label, the first failing test's first line that says something. Tokens,
// times, ports and paths are masked (MaskMessage). "" when nothing failed.
func FirstMessage(r *Result, a WrongAnswer) string {
	for _, name := range r.Failures {
		for line := range strings.Lines(r.Output[name]) {
			if a.Want() != "" && !a.Names(line) {
				continue
			}
			t := strings.TrimSpace(line)
			if i := strings.Index(t, a.Want()); a.Want() != "" && i >= 0 {
				t = t[i:]
			} else if a.Want() == "" && (t == "" || strings.HasPrefix(t, "---") || strings.HasPrefix(t, "Error Trace:")) {
				continue
			}
			return capRunes(name+": "+MaskMessage(t), 300)
		}
	}
	return ""
}

var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`eyJ[A-Za-z0-9_\-]{4,}(\.[A-Za-z0-9_\-]*){0,2}`), "eyJ…"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?( ?[+-]\d\d:?\d\d| ?Z| UTC)?( [A-Z]{3,4})?`), "<time>"},
	{regexp.MustCompile(`\b1[6-9]\d{8}\b`), "<unix time>"},
	{regexp.MustCompile(`(127\.0\.0\.1|localhost|\[::1\]):\d+`), "$1:<port>"},
	{regexp.MustCompile(`(/tmp|/var|/home|/root|/work|/Users|/private)/[^\s"':,)]+`), "<path>"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|us|ms)\b`), "<duration>"},
	{regexp.MustCompile(`\b\d+\.\d+s\b`), "<duration>"},
}

// randomIDRE matches a quoted random id (a jti from crypto/rand, in
// upper-case base32): letters and digits, at least one of each, or ten
// letters and more between the quotes (a word in capitals, "POST", is no
// id).
var randomIDRE = regexp.MustCompile(`"[0-9A-Z]{4,}"`)

// algRE matches an algorithm's name, which is no random id.
var algRE = regexp.MustCompile(`^"[HRPE]S\d+"$`)

// MaskMessage masks what changes from run to run in a test's message:
// JWTs, dates, Unix times, loopback ports, temporary paths, measured
// durations, random ids. Masking a masked message changes nothing.
func MaskMessage(s string) string {
	for _, m := range masks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return randomIDRE.ReplaceAllStringFunc(s, func(id string) string {
		letters := !strings.ContainsAny(id, "0123456789")
		if algRE.MatchString(id) || letters && len(id) < 12 || strings.Trim(id, `"0123456789`) == "" {
			return id
		}
		return `"<random>"`
	})
}

// SameMessage reports whether two first messages are the same but for
// their numbers: a count or an index that varies from run to run (the
// bits of 1,000 random ids, which two of them collide) is not a change of
// the message.
func SameMessage(a, b string) bool {
	return digitsRE.ReplaceAllString(a, "N") == digitsRE.ReplaceAllString(b, "N")
}

var digitsRE = regexp.MustCompile(`\d+`)

// sentence returns s as Markdown text with a final period.
func sentence(s string) string {
	s = mdEscaper.Replace(strings.TrimSpace(s))
	if s == "" {
		return s
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// mdEscaper keeps a line of prose from turning into markup: a pointer
// type's star is no emphasis, a tag is text.
var mdEscaper = strings.NewReplacer("*", `\*`, "<", "&lt;", ">", "&gt;")

// code renders s as inline Markdown code, whatever backticks it holds.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// anchor is GitHub's anchor of a heading made of s.
func anchor(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, " ", "-"))
}

func capRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
