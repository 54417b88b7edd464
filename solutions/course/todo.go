package main

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"tokenrefresh/solutions/coursecheck"
)

// maxWhat caps the one line that says what a TODO asks.
const maxWhat = 160

// todoDescription returns the whole of TODO l's comments in the starter,
// without the comment markers and the label, the details included; one
// paragraph per comment when the label is on several.
func todoDescription(files fs.FS, l coursecheck.Label) string {
	var paragraphs []string
	for _, lines := range coursecheck.TODOComments(files, l) {
		paragraphs = append(paragraphs, strings.Join(lines, "\n"))
	}
	return strings.Join(paragraphs, "\n\n")
}

// capLine cuts s to at most n runes, marking the cut with "…".
func capLine(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// labelLine returns the first line of a test's output that carries label l,
// from l on: "TODO 2 (users.go): POST … got 501; want 200". Framing before
// it (file:line, testify's "Messages:") is cut, and so are the labels of
// earlier TODOs before l ("TODO 1 (login.go) decodes the body, " once
// TODO 2 is the one to do): the message then starts with the TODO the
// status names.
func labelLine(output string, l coursecheck.Label) string {
	for line := range strings.Lines(output) {
		for _, got := range coursecheck.ParseLabels(line) {
			if got == l {
				return strings.TrimSpace(line[strings.Index(line, l.String()):])
			}
		}
	}
	return ""
}

// leadsWith reports whether the first label on a line of output that
// carries l is l itself: the message is about l first.
func leadsWith(output string, l coursecheck.Label) bool {
	for line := range strings.Lines(output) {
		if labels := coursecheck.ParseLabels(line); slices.Contains(labels, l) {
			return labels[0] == l
		}
	}
	return false
}

// inheritedRE matches the label of a test inherited from an earlier step:
// "step 01 (login.go)".
var inheritedRE = regexp.MustCompile(`\bstep \d\d \([\w./-]+\)`)

// firstLine returns the first line of output that says something: one
// that carries a label (a TODO's, or an earlier step's), else the first
// that is not blank or framing.
func firstLine(output string) string {
	var first string
	for line := range strings.Lines(output) {
		if labels := coursecheck.ParseLabels(line); len(labels) > 0 {
			return strings.TrimSpace(line[strings.Index(line, labels[0].String()):])
		}
		if loc := inheritedRE.FindStringIndex(line); loc != nil {
			return strings.TrimSpace(line[loc[0]:])
		}
		if t := strings.TrimSpace(line); first == "" && t != "" && !strings.HasPrefix(t, "---") && !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "Error Trace:") {
			first = t
		}
	}
	return first
}
