package coursecheck

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A Ladder is the hints of one TODO, from a step's README: rungs from
// where to look to (at most on the last rung) the code.
type Ladder struct {
	Label
	Rungs []Rung
}

// A Rung is one folded hint: its summary line and its text.
type Rung struct {
	Title, Body string
}

var (
	ladderRE = regexp.MustCompile(`^### TODO (\d+) \(([\w./-]+)\)\s*$`)
	rungRE   = regexp.MustCompile(`^<details><summary>(.*)</summary>\s*$`)
)

// ParseHints reads the hint ladders of a step's README: under the heading
// "## Hints", one "### TODO n (file)" heading per TODO, each followed by
// its rungs, every rung folded:
//
//	<details><summary>1. Where to look</summary>
//
//	Text.
//
//	</details>
//
// Another "###" heading ends a ladder; the next "#" or "##" heading ends
// the hints. A README without "## Hints" has no ladder (and no error).
func ParseHints(readme string) ([]Ladder, error) {
	var ladders []Ladder
	var rung *Rung // the rung being read
	var body []string
	inHints, inLadder := false, false
	for i, line := range strings.Split(readme, "\n") {
		line = strings.TrimRight(line, " \t\r")
		where := func(format string, args ...any) error {
			return fmt.Errorf("README.md:%d: %s", i+1, fmt.Sprintf(format, args...))
		}
		if rung != nil {
			switch {
			case line == "</details>":
				rung.Body = strings.TrimSpace(strings.Join(body, "\n"))
				ladders[len(ladders)-1].Rungs = append(ladders[len(ladders)-1].Rungs, *rung)
				rung, body = nil, nil
			case strings.HasPrefix(line, "#") && headingLevel(line) <= 3, strings.HasPrefix(line, "<details>"):
				return nil, where("the rung %q has no </details> line before this one", ladders[len(ladders)-1].Label.String()+" "+rung.Title)
			default:
				body = append(body, line)
			}
			continue
		}
		level := headingLevel(line)
		switch {
		case level == 1 || level == 2:
			if inHints {
				return ladders, nil
			}
			inHints = line == "## Hints"
			inLadder = false
		case !inHints:
		case level == 3:
			m := ladderRE.FindStringSubmatch(line)
			inLadder = m != nil
			if m == nil {
				continue
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
		case strings.HasPrefix(line, "<details>"):
			m := rungRE.FindStringSubmatch(line)
			if m == nil {
				return nil, where("a rung starts with a line of its own: <details><summary>title</summary>")
			}
			if !inLadder {
				return nil, where("a rung outside a ladder: put it under a heading ### TODO n (file)")
			}
			rung = &Rung{Title: strings.TrimSpace(m[1])}
		}
	}
	if rung != nil {
		return nil, fmt.Errorf("README.md: the rung %q has no </details> line", rung.Title)
	}
	return ladders, nil
}

// headingLevel is the level of a Markdown heading line ("## x" is 2), or 0.
func headingLevel(line string) int {
	n := len(line) - len(strings.TrimLeft(line, "#"))
	if n == 0 || n > 6 || !strings.HasPrefix(line[n:], " ") {
		return 0
	}
	return n
}
