package i18n

import (
	"fmt"
	"strings"
)

// GlossaryHeading is the heading of the glossary in the root
// README.zh-CN.md: the one source of the Chinese term for each English
// term the course uses.
const GlossaryHeading = "## 术语表"

// Glossary reads the glossary table of a page (the root README.zh-CN.md):
// the rows under GlossaryHeading, "| English | 中文 | 说明 |", as a map
// from the English term to the Chinese one.
func Glossary(p Page) (map[string]string, error) {
	start := -1
	for i, l := range p.Lines {
		if strings.TrimSpace(l) == GlossaryHeading {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("%s has no heading %q", p.Path, GlossaryHeading)
	}
	terms := map[string]string{}
	inTable := false
	for i := start + 1; i < len(p.Lines); i++ {
		l := strings.TrimSpace(p.Lines[i])
		if strings.HasPrefix(l, "#") {
			break
		}
		if !strings.HasPrefix(l, "|") {
			if inTable {
				break
			}
			continue
		}
		if !inTable { // the header row, then the separator
			inTable = true
			i++
			continue
		}
		c := cells(l)
		if len(c) < 2 || c[0] == "" || c[1] == "" {
			return nil, fmt.Errorf("%s:%d: a glossary row is | English | 中文 | 说明 |", p.Path, i+1)
		}
		if _, dup := terms[c[0]]; dup {
			return nil, fmt.Errorf("%s:%d: %q is in the glossary twice", p.Path, i+1, c[0])
		}
		terms[c[0]] = c[1]
	}
	return terms, nil
}
