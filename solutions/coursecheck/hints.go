package coursecheck

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// HintsFile is the file, beside a step's README, that holds its hint
// ladders. The README links it and holds no rung: cat README.md must not
// show the code of a TODO.
const HintsFile = "HINTS.md"

// A Ladder is the hints of one TODO, from a step's HINTS.md: rungs from
// where to look to (at most on the last rung) the code.
type Ladder struct {
	Label
	Rungs []Rung
}

// A Rung is one hint: its title ("Where to look") and its text.
type Rung struct {
	Title, Body string
}

var (
	ladderRE = regexp.MustCompile(`^## TODO (\d+) \(([\w./-]+)\)$`)
	// rungRE is a rung's heading: "### Hint 2: The approach", or, in a
	// page's Chinese sibling (HINTS.zh-CN.md), "### 提示 2：思路".
	rungRE = regexp.MustCompile(`^### (?:Hint (\d+): |提示 ?(\d+) ?[:：] ?)(\S.*)$`)
)

// ParseHints reads the hint ladders of a step's HINTS.md: a title and an
// introduction, then one "## TODO n (file)" heading per TODO, each
// followed by its rungs, numbered from 1:
//
//	## TODO 1 (login.go)
//
//	### Hint 1: Where to look
//
//	Text.
//
//	### Hint 2: The approach
//
// A rung's text runs to the next heading of level 3 or less (a "#" line
// inside a fenced code block is no heading). The file holds nothing else:
// another "##" or "###" heading, or text between a ladder's heading and
// its first rung, is an error.
func ParseHints(hints string) ([]Ladder, error) {
	return ParseHintsIn(HintsFile, hints)
}

// ParseHintsIn is ParseHints for a file of another name (the Chinese
// sibling, HINTS.zh-CN.md): its errors name that file.
func ParseHintsIn(file, hints string) ([]Ladder, error) {
	var ladders []Ladder
	var rung *Rung // the rung being read
	var body []string
	endRung := func() {
		if rung != nil {
			rung.Body = strings.TrimSpace(strings.Join(body, "\n"))
			l := &ladders[len(ladders)-1]
			l.Rungs = append(l.Rungs, *rung)
			rung, body = nil, nil
		}
	}
	fenced := false
	for i, line := range strings.Split(hints, "\n") {
		line = strings.TrimRight(line, " \t\r")
		where := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", file, i+1, fmt.Sprintf(format, args...))
		}
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), "```") {
			fenced = !fenced
		}
		level := 0
		if !fenced {
			level = headingLevel(line)
		}
		switch {
		case level == 1 && len(ladders) == 0:
			// the title
		case level >= 1 && level <= 2:
			endRung()
			m := ladderRE.FindStringSubmatch(line)
			if m == nil {
				return nil, where("%q: this file holds only ladders, each under a heading \"## TODO n (file)\"", line)
			}
			n, err := strconv.Atoi(m[1])
			if err != nil {
				return nil, where("%q: no TODO number", line)
			}
			l := Label{n, m[2]}
			for _, other := range ladders {
				if other.Label == l {
					return nil, where("a second ladder for %s", l)
				}
			}
			ladders = append(ladders, Ladder{Label: l})
		case level == 3:
			endRung()
			if todoHeadingRE.MatchString(line) {
				return nil, where("%q: a ladder's heading is \"## TODO n (file)\", at level 2; its rungs are \"### Hint 1: title\", …", line)
			}
			if len(ladders) == 0 {
				return nil, where("%q: a rung outside a ladder: put it under a heading \"## TODO n (file)\"", line)
			}
			l := ladders[len(ladders)-1]
			m := rungRE.FindStringSubmatch(line)
			if m == nil {
				return nil, where("%q in the ladder of %s: a rung's heading is \"### Hint %d: title\"", line, l.Label, len(l.Rungs)+1)
			}
			if k, err := strconv.Atoi(m[1] + m[2]); err != nil || k != len(l.Rungs)+1 {
				return nil, where("%q: the rungs of %s are numbered 1, 2, 3, …: this one is hint %d", line, l.Label, len(l.Rungs)+1)
			}
			rung = &Rung{Title: strings.TrimSpace(m[3])}
		case rung != nil:
			body = append(body, line)
		case len(ladders) > 0 && line != "":
			return nil, where("text in the ladder of %s before its first rung: put it in a rung (### Hint 1: …)", ladders[len(ladders)-1].Label)
		}
	}
	endRung()
	return ladders, nil
}

// todoHeadingRE matches a heading that names a TODO the way a ladder does.
var todoHeadingRE = regexp.MustCompile(`^#+ TODO \d+ \([\w./-]+\)$`)

// HintsInREADME lists what, in a step's README, looks like a hint ladder
// or a rung: a heading "Hints" (or "Hint …"), a heading "TODO n (file)",
// a <details> block. Each is "README.md:line: what"; none is nil. Hints
// belong in HINTS.md, which the README links.
func HintsInREADME(readme string) []string {
	var found []string
	fenced := false
	for i, line := range strings.Split(readme, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), "```") {
			fenced = !fenced
		}
		if fenced {
			continue
		}
		what := ""
		if level := headingLevel(line); level > 0 {
			text := strings.TrimSpace(line[level:])
			switch {
			case text == "Hints", strings.HasPrefix(text, "Hint "), todoHeadingRE.MatchString(line):
				what = fmt.Sprintf("the heading %q", line)
			}
		} else if strings.HasPrefix(strings.TrimSpace(line), "<details") {
			what = "a <details> block (a folded rung)"
		}
		if what != "" {
			found = append(found, fmt.Sprintf("README.md:%d: %s", i+1, what))
		}
	}
	return found
}

// headingLevel is the level of a Markdown heading line ("## x" is 2), or 0.
func headingLevel(line string) int {
	n := len(line) - len(strings.TrimLeft(line, "#"))
	if n == 0 || n > 6 || !strings.HasPrefix(line[n:], " ") {
		return 0
	}
	return n
}
