package main

import (
	"io/fs"
	"regexp"
	"strings"

	"tokenrefresh/solutions/coursecheck"
)

// maxWhat caps the one line that says what a TODO asks.
const maxWhat = 160

// listItemRE matches the start of a list item in a TODO comment ("a. ",
// "- ", "1. "): the details that follow the comment's first sentence.
var listItemRE = regexp.MustCompile(`^([a-z]\.|\d+\.|-|\*) `)

// todoWhat returns what TODO l asks, in one line: the first sentence of its
// comment in the starter (files), which starts on the line with the label
// and may go on over the next comment lines, up to a list of details.
func todoWhat(files fs.FS, l coursecheck.Label) string {
	content, err := fs.ReadFile(files, l.File)
	if err != nil {
		return ""
	}
	lines := strings.Split(string(content), "\n")
	for i, line := range lines {
		at := strings.Index(line, l.String())
		if at < 0 || !strings.Contains(line[:at], "//") {
			continue
		}
		what := strings.TrimSpace(strings.TrimPrefix(line[at+len(l.String()):], ":"))
		for _, next := range lines[i+1:] {
			if strings.HasSuffix(what, ".") {
				break
			}
			text, isComment := strings.CutPrefix(strings.TrimSpace(next), "//")
			text = strings.TrimSpace(text)
			if !isComment || text == "" || listItemRE.MatchString(text) {
				break
			}
			what += " " + text
		}
		return capLine(what, maxWhat)
	}
	return ""
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
// from the first label on that line: "TODO 1 (login.go): POST … got 501;
// want 200". Framing before it (file:line, testify's "Messages:") is cut.
func labelLine(output string, l coursecheck.Label) string {
	for line := range strings.Lines(output) {
		labels := coursecheck.ParseLabels(line)
		for _, got := range labels {
			if got == l {
				return strings.TrimSpace(line[strings.Index(line, labels[0].String()):])
			}
		}
	}
	return ""
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
