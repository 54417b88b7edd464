package coursecheck

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A Label is how code and tests name a TODO: "TODO 2 (users.go)". File is
// the path of the file that holds the TODO, relative to the step, with
// slashes ("web/app.js").
type Label struct {
	N    int
	File string
}

func (l Label) String() string { return fmt.Sprintf("TODO %d (%s)", l.N, l.File) }

// labelRE matches a full label; bareRE any "TODO n".
var (
	labelRE = regexp.MustCompile(`\bTODO (\d+) \(([\w./-]+)\)`)
	bareRE  = regexp.MustCompile(`\bTODO (\d+)\b`)
)

// ParseLabels returns the full labels "TODO n (file)" in text, in order,
// each once. A bare "TODO n" is not a label.
func ParseLabels(text string) []Label {
	var labels []Label
	for _, m := range labelRE.FindAllStringSubmatch(text, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			continue // too many digits to be a TODO number
		}
		if l := (Label{n, m[2]}); !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	return labels
}

// TODOs maps each TODO number of a step to the file that holds it.
type TODOs map[int]string

// Holds reports whether l names a TODO of the step: its number, in the
// file that holds it.
func (m TODOs) Holds(l Label) bool {
	file, ok := m[l.N]
	return ok && file == l.File
}

// Numbers returns the TODO numbers in increasing order.
func (m TODOs) Numbers() []int { return sortedInts(m) }

// Named returns the TODOs that text names (through full labels that the
// step holds, in increasing order) and the labels in text that point at
// no TODO of the step. A bare "TODO n" names nothing.
func (m TODOs) Named(text string) (named []int, dangling []Label) {
	for _, l := range ParseLabels(text) {
		if !m.Holds(l) {
			dangling = append(dangling, l)
		} else if !slices.Contains(named, l.N) {
			named = append(named, l.N)
		}
	}
	slices.Sort(named)
	return named, dangling
}

// IsCodeFile reports whether a step's file (slash path relative to the
// step) is code a learner edits: a .go file that is not a test, or a
// script of the course page under web/. Only these hold TODOs; a README
// or a test may mention "TODO 4" without making one.
func IsCodeFile(name string) bool {
	if strings.HasSuffix(name, ".go") {
		return !strings.HasSuffix(name, "_test.go")
	}
	return strings.HasSuffix(name, ".js") && path.Dir(name) == "web"
}

// ScanTODOs finds the TODOs of a step (fsys is rooted at the step's
// folder). A TODO is a label "TODO n (file)" in the code file it names; a
// label naming another file, or a bare "TODO n", is only a mention. It is
// an error when one TODO is in two files, or when a code file says
// "TODO n" and no file labels TODO n (a TODO without its label).
func ScanTODOs(fsys fs.FS) (TODOs, error) {
	todos := TODOs{}
	var problems []string
	mentions := map[int]string{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name != "." && (name == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return fs.SkipDir
			}
			return nil
		}
		if !IsCodeFile(name) {
			return nil
		}
		content, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		text := string(content)
		for _, l := range ParseLabels(text) {
			if l.File != name {
				continue
			}
			if other, ok := todos[l.N]; ok && other != name {
				problems = append(problems, fmt.Sprintf("TODO %d is in both %s and %s: one TODO, one file", l.N, other, name))
				continue
			}
			todos[l.N] = name
		}
		for _, m := range bareRE.FindAllStringSubmatch(text, -1) {
			if n, err := strconv.Atoi(m[1]); err == nil && mentions[n] == "" {
				mentions[n] = name
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, n := range sortedInts(mentions) {
		if _, ok := todos[n]; !ok {
			problems = append(problems, fmt.Sprintf("%s says TODO %d, but no file has its label \"TODO %d (file)\"", mentions[n], n, n))
		}
	}
	if len(problems) > 0 {
		return todos, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return todos, nil
}

func sortedInts[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
