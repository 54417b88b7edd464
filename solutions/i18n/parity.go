package i18n

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"tokenrefresh/solutions/coursecheck"
)

// zhSuffix ends a page's Chinese sibling: README.md → README.zh-CN.md.
const zhSuffix = ".zh-CN.md"

// Sibling is the path of the Chinese sibling of the English page en.
func Sibling(en string) string { return strings.TrimSuffix(en, ".md") + zhSuffix }

// IsChinese reports whether p is a Chinese sibling.
func IsChinese(p string) bool { return strings.HasSuffix(p, zhSuffix) }

// A Page is one Markdown file: its path relative to the course's root,
// with slashes, and its lines.
type Page struct {
	Path  string
	Lines []string
}

// NewPage splits text into a page's lines.
func NewPage(p, text string) Page {
	return Page{Path: p, Lines: strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")}
}

// at is "path:line" for a 1-based line, and the line itself, quoted and
// capped: how a message shows one side of a difference.
func (p Page) at(line int) string {
	if line < 1 || line > len(p.Lines) {
		return fmt.Sprintf("%s: (nothing: the page ends)", p.Path)
	}
	return fmt.Sprintf("%s:%d %.100q", p.Path, line, p.Lines[line-1])
}

// none is how a message shows the side that has run out of something.
func (p Page) none(what string) string { return fmt.Sprintf("%s: (no %s)", p.Path, what) }

// Compare returns what differs between the English page en and its
// Chinese sibling zh, one line each, naming both files and the first
// differing line of each; nothing when they agree. exists reports whether
// a file (a path relative to the root) exists: a Chinese page links the
// Chinese sibling of a page where there is one.
func Compare(en, zh Page, exists func(string) bool) []string {
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s and %s: ", en.Path, zh.Path)+fmt.Sprintf(format, args...))
	}
	if l := markerLine(en); l > 0 {
		add("%s: a section only for Chinese readers belongs in the Chinese page", en.at(l))
	}
	zh, err := withoutChineseOnly(zh)
	if err != "" {
		add("%s", err)
	}
	compareFences(en, zh, add)
	compareMarkers(en, zh, add)
	compareHeadings(en, zh, add)
	compareTODOTables(en, zh, add)
	if path.Base(en.Path) == coursecheck.HintsFile {
		compareLadders(en, zh, add)
	}
	compareLinks(en, zh, exists, add)
	compareGenerated(en, zh, add)
	checkSwitch(en, zh, "中文", add)
	checkSwitch(zh, en, "English", add)
	return problems
}

// --- fenced code blocks

// A fence is a fenced code block: the line of its opening fence and its
// lines, both fences included.
type fence struct {
	line  int
	lines []string
}

func isFence(line string) bool {
	return strings.HasPrefix(strings.TrimLeft(line, " \t"), "```")
}

// fences returns the fenced code blocks of lines (numbered from first).
func fences(lines []string, first int) []fence {
	var out []fence
	var cur *fence
	for i, l := range lines {
		switch {
		case cur == nil && isFence(l):
			cur = &fence{line: first + i, lines: []string{l}}
		case cur != nil:
			cur.lines = append(cur.lines, l)
			if isFence(l) {
				out = append(out, *cur)
				cur = nil
			}
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// prose returns, for each line of the page, whether it is outside the
// fenced blocks (fences included in the blocks).
func prose(lines []string) []bool {
	out := make([]bool, len(lines))
	in := false
	for i, l := range lines {
		if isFence(l) {
			in = !in
			continue
		}
		out[i] = !in
	}
	return out
}

func compareFences(en, zh Page, add func(string, ...any)) {
	compareFenceLists("fenced block", en, zh, fences(en.Lines, 1), fences(zh.Lines, 1), add)
}

// markerRE is a transcript's marker for the README check
// (solutions/readme): <!-- illustrative: why --> or <!-- replayed by … -->.
var markerRE = regexp.MustCompile(`^<!--\s*(illustrative|replayed by)\b`)

// blockMarker is the marker line just above the fence at line (1-based),
// blank lines aside: its line number, or 0.
func blockMarker(p Page, line int) int {
	for j := line - 2; j >= 0; j-- {
		t := strings.TrimSpace(p.Lines[j])
		if t == "" {
			continue
		}
		if markerRE.MatchString(t) {
			return j + 1
		}
		return 0
	}
	return 0
}

// compareMarkers: each fenced block has the same marker above it in both
// pages (or none), byte for byte: the README check replays the English
// page only, and the Chinese page's blocks are the same.
func compareMarkers(en, zh Page, add func(string, ...any)) {
	a, b := fences(en.Lines, 1), fences(zh.Lines, 1)
	for i := 0; i < min(len(a), len(b)); i++ {
		la, lb := blockMarker(en, a[i].line), blockMarker(zh, b[i].line)
		ta, tb := "", ""
		if la > 0 {
			ta = en.Lines[la-1]
		}
		if lb > 0 {
			tb = zh.Lines[lb-1]
		}
		if ta == tb {
			continue
		}
		side := func(p Page, l, fence int) string {
			if l == 0 {
				return p.none(fmt.Sprintf("marker above the block at line %d", fence))
			}
			return p.at(l)
		}
		add("the marker of fenced block %d (<!-- illustrative: … --> or <!-- replayed by … -->, not translated): %s / %s",
			i+1, side(en, la, a[i].line), side(zh, lb, b[i].line))
		return
	}
}

func compareFenceLists(what string, en, zh Page, a, b []fence, add func(string, ...any)) {
	for i := 0; i < max(len(a), len(b)); i++ {
		if i >= len(a) || i >= len(b) {
			side := func(p Page, f []fence) string {
				if i < len(f) {
					return p.at(f[i].line)
				}
				return p.none(fmt.Sprintf("%s %d", what, i+1))
			}
			add("%ss: %d in the English page, %d in the Chinese one; %s %d: %s / %s",
				what, len(a), len(b), what, i+1, side(en, a), side(zh, b))
			return
		}
		fa, fb := a[i], b[i]
		for j := 0; j < max(len(fa.lines), len(fb.lines)); j++ {
			if j < len(fa.lines) && j < len(fb.lines) && fa.lines[j] == fb.lines[j] {
				continue
			}
			side := func(p Page, f fence) string {
				if j < len(f.lines) {
					return p.at(f.line + j)
				}
				return p.none("more lines in the block")
			}
			add("%s %d differs (code, commands and outputs are not translated): %s / %s", what, i+1, side(en, fa), side(zh, fb))
			return
		}
	}
}

// --- headings

type heading struct {
	line, level int
}

func headings(p Page) []heading {
	var out []heading
	outside := prose(p.Lines)
	for i, l := range p.Lines {
		if !outside[i] {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, "#"))
		if n >= 1 && n <= 6 && (len(l) == n || l[n] == ' ') {
			out = append(out, heading{i + 1, n})
		}
	}
	return out
}

func compareHeadings(en, zh Page, add func(string, ...any)) {
	a, b := headings(en), headings(zh)
	for i := 0; i < max(len(a), len(b)); i++ {
		if i < len(a) && i < len(b) && a[i].level == b[i].level {
			continue
		}
		side := func(p Page, h []heading) string {
			if i < len(h) {
				return fmt.Sprintf("level %d at %s", h[i].level, p.at(h[i].line))
			}
			return p.none(fmt.Sprintf("heading %d", i+1))
		}
		add("headings: %d in the English page, %d in the Chinese one; heading %d: %s / %s",
			len(a), len(b), i+1, side(en, a), side(zh, b))
		return
	}
}

// --- tables

// cells splits a table row into its cells: at each "|" that is neither
// escaped nor inside a code span.
func cells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	if strings.HasSuffix(row, "|") && !strings.HasSuffix(row, `\|`) {
		row = row[:len(row)-1]
	}
	var out []string
	var cur strings.Builder
	code := false
	for i := 0; i < len(row); i++ {
		c := row[i]
		switch {
		case c == '\\' && i+1 < len(row) && row[i+1] == '|':
			cur.WriteString(`\|`)
			i++
			continue
		case c == '`':
			code = !code
		case c == '|' && !code:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	return append(out, strings.TrimSpace(cur.String()))
}

var codeSpanRE = regexp.MustCompile("`+[^`]+`+")

// A todoRow is a row of a TODO table: what must not change in a
// translation.
type todoRow struct {
	line    int
	n, file string
	tests   []string // the code spans of the last cell
}

func (r todoRow) same(o todoRow) bool {
	return r.n == o.n && r.file == o.file && strings.Join(r.tests, "\x00") == strings.Join(o.tests, "\x00")
}

// isSeparator reports whether line is a table's separator row: |---|:--:|.
func isSeparator(line string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, "|") && strings.Contains(t, "-") && strings.Trim(t, "|-: ") == ""
}

// todoRows returns the rows of the page's TODO tables: the tables whose
// first header cell is "TODO".
func todoRows(p Page) []todoRow {
	var out []todoRow
	outside := prose(p.Lines)
	inTable := false
	for i, l := range p.Lines {
		isRow := outside[i] && strings.HasPrefix(strings.TrimSpace(l), "|")
		switch {
		case !isRow:
			inTable = false
		case isSeparator(l):
		case i+1 < len(p.Lines) && isSeparator(p.Lines[i+1]):
			// a header row
			inTable = cells(l)[0] == "TODO"
		case inTable:
			c := cells(l)
			r := todoRow{line: i + 1, n: c[0]}
			if len(c) > 1 {
				r.file = c[1]
			}
			if len(c) > 2 {
				r.tests = codeSpanRE.FindAllString(c[len(c)-1], -1)
			}
			out = append(out, r)
		}
	}
	return out
}

func compareTODOTables(en, zh Page, add func(string, ...any)) {
	a, b := todoRows(en), todoRows(zh)
	for i := 0; i < max(len(a), len(b)); i++ {
		if i < len(a) && i < len(b) && a[i].same(b[i]) {
			continue
		}
		side := func(p Page, r []todoRow) string {
			if i < len(r) {
				return p.at(r[i].line)
			}
			return p.none(fmt.Sprintf("TODO table row %d", i+1))
		}
		add("the TODO table's rows (TODO, file, and the tests in the last column, which stay as they are): %d in the English page, %d in the Chinese one; row %d: %s / %s",
			len(a), len(b), i+1, side(en, a), side(zh, b))
		return
	}
}

// --- hint ladders

func compareLadders(en, zh Page, add func(string, ...any)) {
	a, errA := coursecheck.ParseHintsIn(en.Path, strings.Join(en.Lines, "\n"))
	b, errB := coursecheck.ParseHintsIn(zh.Path, strings.Join(zh.Lines, "\n"))
	if errA != nil || errB != nil {
		add("the hint ladders do not parse: %v / %v", errA, errB)
		return
	}
	lineOf := func(p Page, l coursecheck.Label) int {
		for i, line := range p.Lines {
			if strings.TrimSpace(line) == "## "+l.String() {
				return i + 1
			}
		}
		return 0
	}
	for i := 0; i < max(len(a), len(b)); i++ {
		if i >= len(a) || i >= len(b) || a[i].Label != b[i].Label {
			side := func(p Page, l []coursecheck.Ladder) string {
				if i < len(l) {
					return p.at(lineOf(p, l[i].Label))
				}
				return p.none(fmt.Sprintf("ladder %d", i+1))
			}
			add("the hint ladders (\"## TODO n (file)\", in order): %d in the English page, %d in the Chinese one; ladder %d: %s / %s",
				len(a), len(b), i+1, side(en, a), side(zh, b))
			return
		}
		la, lb := a[i], b[i]
		if len(la.Rungs) != len(lb.Rungs) {
			add("%s has %d rungs in the English page, %d in the Chinese one: %s / %s",
				la.Label, len(la.Rungs), len(lb.Rungs), en.at(lineOf(en, la.Label)), zh.at(lineOf(zh, lb.Label)))
			return
		}
		last := len(la.Rungs) - 1
		fa := fences(strings.Split(la.Rungs[last].Body, "\n"), 1)
		fb := fences(strings.Split(lb.Rungs[last].Body, "\n"), 1)
		var diff string
		compareFenceLists("block", Page{Path: en.Path + " " + la.Label.String() + " last rung", Lines: strings.Split(la.Rungs[last].Body, "\n")},
			Page{Path: zh.Path + " " + lb.Label.String() + " last rung", Lines: strings.Split(lb.Rungs[last].Body, "\n")},
			fa, fb, func(format string, args ...any) {
				if diff == "" {
					diff = fmt.Sprintf(format, args...)
				}
			})
		if diff != "" {
			add("the code of %s's last rung: %s", la.Label, diff)
			return
		}
	}
}

// --- links

type link struct {
	line         int
	text, target string
}

var (
	inlineLinkRE = regexp.MustCompile(`!?\[([^\]]*)\]\(\s*<?([^()\s<>]+)>?(?:\s+"[^"]*")?\s*\)`)
	refDefRE     = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$`)
	schemeRE     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// links returns the page's links, outside fenced blocks and code spans.
func links(p Page) []link {
	var out []link
	outside := prose(p.Lines)
	for i, l := range p.Lines {
		if !outside[i] {
			continue
		}
		l = codeSpanRE.ReplaceAllString(l, "")
		if m := refDefRE.FindStringSubmatch(l); m != nil {
			out = append(out, link{i + 1, "", m[1]})
			continue
		}
		for _, m := range inlineLinkRE.FindAllStringSubmatch(l, -1) {
			out = append(out, link{i + 1, m[1], m[2]})
		}
	}
	return out
}

// fileTarget is a link's target as a file of the course, relative to the
// root, without its fragment; "" for a link to the web or within the page.
func fileTarget(page, target string) string {
	if schemeRE.MatchString(target) || strings.HasPrefix(target, "#") {
		return ""
	}
	target, _, _ = strings.Cut(target, "#")
	target, _, _ = strings.Cut(target, "?")
	if target == "" {
		return ""
	}
	return path.Join(path.Dir(page), target)
}

// english is the English page of a Chinese sibling, else p.
func englishOf(p string) string {
	if IsChinese(p) {
		return strings.TrimSuffix(p, zhSuffix) + ".md"
	}
	return p
}

func compareLinks(en, zh Page, exists func(string) bool, add func(string, ...any)) {
	type fileLink struct {
		line   int
		target string // as compared: the English page of a Chinese target
	}
	collect := func(p, other Page) []fileLink {
		var out []fileLink
		for _, l := range links(p) {
			t := fileTarget(p.Path, l.target)
			if t == "" || t == other.Path {
				continue // the web, an anchor, or the link between the two
			}
			out = append(out, fileLink{l.line, englishOf(t)})
		}
		return out
	}
	a, b := collect(en, zh), collect(zh, en)
	for i := 0; i < max(len(a), len(b)); i++ {
		if i < len(a) && i < len(b) && a[i].target == b[i].target {
			continue
		}
		side := func(p Page, l []fileLink) string {
			if i < len(l) {
				return fmt.Sprintf("%s → %s", p.at(l[i].line), l[i].target)
			}
			return p.none(fmt.Sprintf("link %d", i+1))
		}
		add("links to files (in order, anchors aside): %d in the English page, %d in the Chinese one; link %d: %s / %s",
			len(a), len(b), i+1, side(en, a), side(zh, b))
		break
	}
	// The Chinese page sends its reader to Chinese pages where there are
	// (each such link is a problem of its own: the fix is one per link).
	for _, l := range links(zh) {
		t := fileTarget(zh.Path, l.target)
		switch {
		case t == "" || t == en.Path:
		case IsChinese(t) && !exists(t):
			add("%s links %s, which does not exist: link the English page %s until it is translated", zh.at(l.line), t, englishOf(t))
		case strings.HasSuffix(t, ".md") && !IsChinese(t) && exists(Sibling(t)):
			add("%s links %s, which has a Chinese sibling: link %s", zh.at(l.line), t, Sibling(t))
		}
	}
}

// --- generated tables

const (
	generatedBegin = "<!-- simulation table: begin"
	generatedEnd   = "<!-- simulation table: end -->"
)

// generated returns the line of the generated table's begin marker and
// the table's lines; 0 when the page has none.
func generated(p Page) (int, []string) {
	for i, l := range p.Lines {
		if !strings.HasPrefix(l, generatedBegin) {
			continue
		}
		for j := i + 1; j < len(p.Lines); j++ {
			if strings.HasPrefix(p.Lines[j], generatedEnd) {
				return i + 1, p.Lines[i+1 : j]
			}
		}
		return i + 1, p.Lines[i+1:]
	}
	return 0, nil
}

func compareGenerated(en, zh Page, add func(string, ...any)) {
	la, a := generated(en)
	lb, b := generated(zh)
	switch {
	case la == 0 && lb == 0:
		return
	case la == 0 || lb == 0:
		side := func(p Page, l int) string {
			if l == 0 {
				return p.none("generated table")
			}
			return p.at(l)
		}
		add("the generated simulation table (go test ./solutions/compare -update writes it into both): %s / %s", side(en, la), side(zh, lb))
		return
	}
	for i := 0; i < max(len(a), len(b)); i++ {
		same := i < len(a) && i < len(b) && a[i] == b[i]
		if i == 0 && i < len(a) && i < len(b) {
			same = len(cells(a[0])) == len(cells(b[0])) // the header is translated
		}
		if same {
			continue
		}
		side := func(p Page, l int, rows []string) string {
			if i < len(rows) {
				return p.at(l + 1 + i)
			}
			return p.none(fmt.Sprintf("line %d of the table", i+1))
		}
		add("the generated simulation table differs (run go test ./solutions/compare -update): %s / %s", side(en, la, a), side(zh, lb, b))
		return
	}
}

// --- the link to the sibling

// topLines is how near the top a page links its sibling: within its first
// topLines lines that are not blank.
const topLines = 5

// checkSwitch checks that p links other, with the text want, near its top.
func checkSwitch(p, other Page, want string, add func(string, ...any)) {
	seen := 0
	for _, l := range p.Lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if seen++; seen > topLines {
			break
		}
		for _, m := range inlineLinkRE.FindAllStringSubmatch(l, -1) {
			if strings.TrimSpace(m[1]) == want && fileTarget(p.Path, m[2]) == other.Path {
				return
			}
		}
	}
	rel := path.Base(other.Path)
	add("%s does not link its sibling at its top: put [%s](%s) within its first %d lines", p.Path, want, rel, topLines)
}

// --- sections only for Chinese readers

// A Chinese page may hold sections the English one has not: the glossary,
// the setup for learners in mainland China. Each stands between these
// markers, on lines of their own, and is left out of the comparison.
const (
	chineseOnlyBegin = "<!-- zh-CN only: begin -->"
	chineseOnlyEnd   = "<!-- zh-CN only: end -->"
)

// markerLine is the first line of p with a marker of a Chinese-only
// section, or 0.
func markerLine(p Page) int {
	for i, l := range p.Lines {
		if t := strings.TrimSpace(l); t == chineseOnlyBegin || t == chineseOnlyEnd {
			return i + 1
		}
	}
	return 0
}

// withoutChineseOnly returns zh with its Chinese-only sections blanked
// (the line numbers stay), or a problem with its markers.
func withoutChineseOnly(zh Page) (Page, string) {
	out := Page{Path: zh.Path, Lines: slices.Clone(zh.Lines)}
	begin := 0 // the line of the open section's begin marker
	for i, l := range zh.Lines {
		switch strings.TrimSpace(l) {
		case chineseOnlyBegin:
			if begin > 0 {
				return zh, fmt.Sprintf("%s: a Chinese-only section begins inside the one that begins at line %d", zh.at(i+1), begin)
			}
			begin = i + 1
		case chineseOnlyEnd:
			if begin == 0 {
				return zh, fmt.Sprintf("%s: a Chinese-only section ends that did not begin (%s)", zh.at(i+1), chineseOnlyBegin)
			}
			for j := begin - 1; j <= i; j++ {
				out.Lines[j] = ""
			}
			begin = 0
		}
	}
	if begin > 0 {
		return zh, fmt.Sprintf("%s: the Chinese-only section does not end (%s)", zh.at(begin), chineseOnlyEnd)
	}
	return out, ""
}
