package coursecheck

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A WrongAnswer is one entry of a known-wrong-answer file
// (testdata/wrong/<step>.txt): an edit that turns the solved copy into a
// wrong answer a learner may write, which the step's tests must refuse
// with a failure that names the TODO (or, for an edit of given code, the
// label "step NN (file)" that the tests print for it).
type WrongAnswer struct {
	Line   int    // the line of the header
	Header string // the header without "=== "
	Label         // the TODO; N is 0 for an entry without one (given code, solutions/compare)
	Step   int    // given code: NN of a header "=== step NN (file): …"; 0 otherwise
	What   string // what is wrong, in one line
	WhatZh string // the same in Chinese (zh-CN), for MISTAKES.zh-CN.md (the optional "what.zh: …" line, right after the header); "" when absent
	Why    string // why it is wrong, a sentence to read aloud (the optional "why: …" line); "" when absent
	WhyZh  string // the same sentence in Chinese (zh-CN), for MISTAKES.zh-CN.md (the optional "why.zh: …" line, right after "why:"); "" when absent
	Race   bool   // the header ends with "(needs -race)": run the tests with -race
	Old    string // text of the solved file, to occur exactly once
	New    string // what replaces it
}

var wrongHeaderRE = regexp.MustCompile(`^=== (?:TODO (\d+) |step (\d\d) )?\(([\w./-]+)\): (.+)$`)

// ParseWrongAnswers reads a known-wrong-answer file:
//
//	# comments, only before the first entry
//	=== TODO 1 (login.go): one line saying what is wrong
//	what.zh: the same line in Chinese (optional)
//	why: a sentence saying why it is wrong, to read aloud (optional)
//	why.zh: the same sentence in Chinese (optional; only after a why line)
//	--- old
//	text of the solved file
//	--- new
//	the text that replaces it
//	=== TODO 2 (users.go): …
//	=== step 01 (throttle.go): an edit of given code, which no TODO holds
//
// An entry "=== step NN (file): …" edits given code (code a learner may
// touch that is not a TODO): NN is the step that brought the code, as the
// tests label it ("step 01 (throttle.go)", in step 01 too). The header of
// a file without TODOs is "=== (file): …". A block ends at
// the next "---" or "===" line, or at the end of the file; its trailing
// newlines are not significant. The line "why: …", right after the header,
// is optional: the common-mistakes page (MISTAKES.md) reads it aloud. The
// line "why.zh: …", right after it, says the same in Chinese for the
// page's Chinese sibling (MISTAKES.zh-CN.md), as the line "what.zh: …",
// right after the header, says its header's line ("(needs -race)" aside).
func ParseWrongAnswers(text string) ([]WrongAnswer, error) {
	var answers []WrongAnswer
	var block *string // the block being read, in the last entry
	var expect string // the marker line the entry needs next
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, line := range lines {
		fail := func(format string, args ...any) ([]WrongAnswer, error) {
			return nil, fmt.Errorf("line %d: %s", i+1, fmt.Sprintf(format, args...))
		}
		switch {
		case strings.HasPrefix(line, "==="):
			if expect != "" {
				return fail("the entry above has no %q line", expect)
			}
			m := wrongHeaderRE.FindStringSubmatch(strings.TrimRight(line, " \t"))
			if m == nil {
				return fail("%q: a header is \"=== TODO n (file): what is wrong\" (or \"=== step NN (file): …\" for given code, \"=== (file): …\" without TODOs)", line)
			}
			a := WrongAnswer{Line: i + 1, Header: strings.TrimPrefix(m[0], "=== "), Label: Label{File: m[3]}, What: m[4]}
			if m[1] != "" {
				n, err := strconv.Atoi(m[1])
				if err != nil || n == 0 {
					return fail("%q: no TODO number", line)
				}
				a.N = n
			}
			if m[2] != "" {
				a.Step, _ = strconv.Atoi(m[2]) // two digits
				if a.Step == 0 {
					return fail("%q: no step number (step 01 is the first)", line)
				}
			}
			a.What, a.Race = strings.CutSuffix(a.What, " (needs -race)")
			answers = append(answers, a)
			block, expect = nil, "--- old"
		case strings.HasPrefix(line, "---"):
			if len(answers) == 0 || strings.TrimRight(line, " \t") != expect {
				return fail("%q where %q was expected", line, or(expect, "a header === …"))
			}
			a := &answers[len(answers)-1]
			if expect == "--- old" {
				block, expect = &a.Old, "--- new"
			} else {
				block, expect = &a.New, ""
			}
		case block == nil && expect == "--- old" && strings.HasPrefix(line, "why:"):
			a := &answers[len(answers)-1]
			if a.Why != "" {
				return fail("%q: the entry has a why line already", line)
			}
			if a.Why = strings.TrimSpace(strings.TrimPrefix(line, "why:")); a.Why == "" {
				return fail("an empty why line: say why the answer is wrong, or leave the line out")
			}
		case block == nil && expect == "--- old" && strings.HasPrefix(line, "what.zh:"):
			a := &answers[len(answers)-1]
			switch {
			case a.WhatZh != "":
				return fail("%q: the entry has a what.zh line already", line)
			case a.Why != "":
				return fail("%q: a what.zh line comes right after the header, before the why line", line)
			}
			if a.WhatZh = strings.TrimSpace(strings.TrimPrefix(line, "what.zh:")); a.WhatZh == "" {
				return fail("an empty what.zh line: say in Chinese what is wrong, or leave the line out")
			}
		case block == nil && expect == "--- old" && strings.HasPrefix(line, "why.zh:"):
			a := &answers[len(answers)-1]
			switch {
			case a.WhyZh != "":
				return fail("%q: the entry has a why.zh line already", line)
			case a.Why == "":
				return fail("%q: a why.zh line comes right after the why line it translates", line)
			}
			if a.WhyZh = strings.TrimSpace(strings.TrimPrefix(line, "why.zh:")); a.WhyZh == "" {
				return fail("an empty why.zh line: say in Chinese why the answer is wrong, or leave the line out")
			}
		case block != nil:
			*block += line + "\n"
		case strings.TrimSpace(line) == "" || len(answers) == 0 && strings.HasPrefix(line, "#"):
		default:
			return fail("%q outside a block: text goes under --- old or --- new", line)
		}
	}
	if expect != "" && len(answers) > 0 {
		return nil, fmt.Errorf("line %d: the entry %q has no %q line", answers[len(answers)-1].Line, answers[len(answers)-1].Header, expect)
	}
	for i := range answers {
		answers[i].Old = strings.TrimRight(answers[i].Old, "\n")
		answers[i].New = strings.TrimRight(answers[i].New, "\n")
		if answers[i].Old == "" {
			return nil, fmt.Errorf("line %d: %q: the old text is empty", answers[i].Line, answers[i].Header)
		}
	}
	return answers, nil
}

// Want returns the label that a failing test must name: "TODO n (file)",
// "step NN (file)" for given code, or "" for an entry without a TODO
// (solutions/compare), which only has to make a test fail.
func (a WrongAnswer) Want() string {
	switch {
	case a.N > 0:
		return a.Label.String()
	case a.Step > 0:
		return fmt.Sprintf("step %02d (%s)", a.Step, a.File)
	}
	return ""
}

// Names reports whether text names the entry's label: the full label
// "TODO n (file)" (a bare "TODO n" is not one), or "step NN (file)" for
// given code. Nothing names an entry without a label.
func (a WrongAnswer) Names(text string) bool {
	switch {
	case a.N > 0:
		return slices.Contains(ParseLabels(text), a.Label)
	case a.Step > 0:
		return slices.Contains(givenLabelRE.FindAllString(text, -1), a.Want())
	}
	return false
}

// givenLabelRE matches a label of given code, "step 01 (throttle.go)".
var givenLabelRE = regexp.MustCompile(`\bstep \d\d \([\w./-]+\)`)

// Apply returns src with the wrong answer's edit made. It is an error
// unless the old text occurs exactly once in src.
func (a WrongAnswer) Apply(src string) (string, error) {
	if n := strings.Count(src, a.Old); n != 1 {
		return "", fmt.Errorf("the old text occurs %d times in %s (it must occur exactly once, whitespace and tabs as in the file): %.60q", n, a.File, a.Old)
	}
	return strings.Replace(src, a.Old, a.New, 1), nil
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}
