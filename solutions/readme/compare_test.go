package readme

import (
	"fmt"
	"regexp"
	"strings"
)

// masks replace what varies from run to run, in the shown output and the
// replayed one alike.
var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`), "<token>"},
	{regexp.MustCompile(`^(Date|Last-Modified|Expires): .*`), "$1: <date>"},
	{regexp.MustCompile(`(localhost|127\.0\.0\.1|\[::1\]):\d+`), "$1:<port>"},
	{regexp.MustCompile(`\(\d+(\.\d+)?s\)`), "(<time>)"},
	{regexp.MustCompile(`\t\d+(\.\d+)?s$`), "\t<time>"},
	// A path to a step's file: "…/step01-login/login_test.go" however the
	// learner's machine starts it.
	{regexp.MustCompile(`(?:…|/[^\s:]*)/((?:solutions/)?step\d\d-[a-z0-9-]+/)`), "…/$1"},
}

func mask(line string) string {
	line = strings.TrimRight(strings.TrimSuffix(line, "\r"), " \t")
	for _, m := range masks {
		line = m.re.ReplaceAllString(line, m.with)
	}
	return line
}

// match compares shown output with replayed output, after masking. In
// the shown output a line "…" stands for any number of lines, and a line
// ending in " …" for a line that starts with what comes before.
// It returns "" on a match, else the difference.
func match(want, got []string) string {
	w := make([]string, 0, len(want))
	for _, l := range want {
		w = append(w, mask(l))
	}
	g := make([]string, 0, len(got))
	for _, l := range got {
		g = append(g, mask(l))
	}
	w, g = trimBlank(w), trimBlank(g)
	if matchFrom(w, g) {
		return ""
	}
	return diff(w, g)
}

func trimBlank(l []string) []string {
	for len(l) > 0 && l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	for len(l) > 0 && l[0] == "" {
		l = l[1:]
	}
	return l
}

func lineMatches(want, got string) bool {
	if rest, ok := strings.CutSuffix(want, " …"); ok {
		return strings.HasPrefix(got, rest)
	}
	return want == got
}

func matchFrom(w, g []string) bool {
	if len(w) == 0 {
		return len(g) == 0
	}
	if strings.TrimSpace(w[0]) == "…" {
		for k := 0; k <= len(g); k++ {
			if matchFrom(w[1:], g[k:]) {
				return true
			}
		}
		return false
	}
	return len(g) > 0 && lineMatches(w[0], g[0]) && matchFrom(w[1:], g[1:])
}

// diff names the first shown line that the replay does not bear out, and
// shows both outputs (masked).
func diff(w, g []string) string {
	// The longest prefix that matches, "…" taken greedily one line at a time.
	i, j := 0, 0
	for i < len(w) && j < len(g) {
		if strings.TrimSpace(w[i]) == "…" {
			// skip to the next line that matches the line after "…"
			if i+1 == len(w) {
				i, j = len(w), len(g)
				break
			}
			k := j
			for k < len(g) && !lineMatches(w[i+1], g[k]) {
				k++
			}
			if k == len(g) {
				break
			}
			i, j = i+1, k
			continue
		}
		if !lineMatches(w[i], g[j]) {
			break
		}
		i, j = i+1, j+1
	}
	var b strings.Builder
	switch {
	case i < len(w) && j < len(g):
		fmt.Fprintf(&b, "shown line %d:\n\t%s\nreplayed:\n\t%s\n", i+1, w[i], g[j])
	case i < len(w):
		fmt.Fprintf(&b, "shown line %d is missing from the replay:\n\t%s\n", i+1, w[i])
	default:
		fmt.Fprintf(&b, "the replay goes on past the shown output (end the shown output with a line \"…\" if that is meant):\n\t%s\n", g[j])
	}
	b.WriteString("--- shown (masked)\n")
	for _, l := range w {
		b.WriteString("\t" + l + "\n")
	}
	b.WriteString("--- replayed (masked)\n")
	for _, l := range g {
		b.WriteString("\t" + l + "\n")
	}
	return b.String()
}
