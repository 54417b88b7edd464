package coursecheck

import (
	"io/fs"
	"regexp"
	"strings"
)

// listItemRE matches the start of a list item in a TODO comment ("a. ",
// "- ", "1. "): the details that follow the comment's first sentence.
var listItemRE = regexp.MustCompile(`^([a-z]\.|\d+\.|-|\*) `)

// TODOWhat returns what TODO l asks, in one line: the first sentence of
// its comment in the starter (files), which starts on the line with the
// label and may go on over the next comment lines, up to a list of
// details. The course command's status shows it; MISTAKES.md quotes it.
func TODOWhat(files fs.FS, l Label) string {
	comments := TODOComments(files, l)
	if len(comments) == 0 {
		return ""
	}
	lines := comments[0]
	what := lines[0]
	for _, text := range lines[1:] {
		if strings.HasSuffix(what, ".") || listItemRE.MatchString(strings.TrimSpace(text)) {
			break
		}
		what += " " + strings.TrimSpace(text)
	}
	return what
}

// TODOComments returns each comment of the file l.File that starts with
// the label l: its lines from the label on, without "//" and the label
// (a list item keeps its indentation), up to the first line that is no
// comment or an empty one.
func TODOComments(files fs.FS, l Label) [][]string {
	content, err := fs.ReadFile(files, l.File)
	if err != nil {
		return nil
	}
	var comments [][]string
	lines := strings.Split(string(content), "\n")
	for i, line := range lines {
		at := strings.Index(line, l.String())
		if at < 0 || !strings.Contains(line[:at], "//") {
			continue
		}
		comment := []string{strings.TrimSpace(strings.TrimPrefix(line[at+len(l.String()):], ":"))}
		for _, next := range lines[i+1:] {
			text, isComment := strings.CutPrefix(strings.TrimSpace(next), "//")
			if !isComment || strings.TrimSpace(text) == "" || ParseLabels(text) != nil {
				break
			}
			comment = append(comment, strings.TrimRight(strings.TrimPrefix(text, " "), " \t"))
		}
		comments = append(comments, comment)
	}
	return comments
}
