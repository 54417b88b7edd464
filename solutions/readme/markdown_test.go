package readme

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"tokenrefresh/solutions/coursecheck"
)

// repoRoot is the course's root, the folder of go.work above this
// package (coursecheck.FindRoot).
func repoRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err)
	root, err := coursecheck.FindRoot(wd)
	require.NoError(t, err)
	return root
}

// markdownFiles are the documents whose transcripts are checked: every
// Markdown file at the root, in a top-level directory and in a package of
// solutions (README.md, HINTS.md, BENCHMARKS.md, …), found by glob so that
// a new one is covered. A page's Chinese sibling (README.zh-CN.md) is left
// out: its fenced blocks are the English page's, byte for byte (issue 23:
// solutions/i18n checks it), so replaying them again would prove nothing
// and double the time.
func markdownFiles(t testing.TB, root string) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"*.md", "*/*.md", "solutions/*/*.md"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		require.NoError(t, err)
		for _, f := range m {
			if !strings.HasSuffix(f, ".zh-CN.md") {
				files = append(files, f)
			}
		}
	}
	sort.Strings(files)
	require.NotEmpty(t, files, "no Markdown file found under %s", root)
	return files
}

// block is a fenced code block of a Markdown file.
type block struct {
	line   int      // 1-based line of the opening fence
	lang   string   // the info string's first word: "", "sh", "go", …
	lines  []string // the content, without the fences
	marker string   // "illustrative", or "replayed by <dir> <TestName>", from a comment just above; "" if none
	// nextTo is true when only blank lines separate this block from the
	// previous one.
	nextTo bool
}

// markerRe is a marker comment: <!-- illustrative: why --> for a
// transcript shown as an example, <!-- replayed by solutions/pkg TestName -->
// for one a test of that package replays.
var markerRe = regexp.MustCompile(`^<!--\s*(illustrative\b.*?|replayed by\s+\S+\s+Test\w+)\s*-->$`)

// parseBlocks returns the fenced blocks of a Markdown text.
func parseBlocks(text string) []block {
	lines := strings.Split(text, "\n")
	var blocks []block
	lastEnd := -10 // line index of the previous closing fence
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "```") {
			continue
		}
		b := block{line: i + 1, lang: strings.Fields(strings.TrimPrefix(l, "```") + " x")[0]}
		if b.lang == "x" {
			b.lang = ""
		}
		// The marker: the nearest non-blank line above.
		for j := i - 1; j >= 0; j-- {
			if strings.TrimSpace(lines[j]) == "" {
				continue
			}
			if m := markerRe.FindStringSubmatch(strings.TrimSpace(lines[j])); m != nil {
				b.marker = m[1]
				if strings.HasPrefix(m[1], "illustrative") {
					b.marker = "illustrative"
				}
			}
			break
		}
		b.nextTo = lastEnd >= 0
		for j := max(lastEnd+1, 0); j < i; j++ {
			if strings.TrimSpace(lines[j]) != "" {
				b.nextTo = false
				break
			}
		}
		j := i + 1
		for ; j < len(lines) && !strings.HasPrefix(lines[j], "```"); j++ {
			b.lines = append(b.lines, lines[j])
		}
		blocks = append(blocks, b)
		lastEnd = j
		i = j
	}
	return blocks
}

// transcript is one command (or a block of commands) and the output a
// document shows for it.
type transcript struct {
	file    string   // relative to the root
	line    int      // line of the command in the file
	command string   // as shown, continuation lines joined by "\n"
	want    []string // the output shown
	marker  string   // as block.marker
}

func (tr transcript) where() string {
	return tr.file + ":" + strconv.Itoa(tr.line)
}

// shellLangs are the info strings of blocks that may hold commands.
var shellLangs = map[string]bool{"": true, "sh": true, "shell": true, "bash": true, "console": true}

// outputLike matches a line that only a program's output would hold: a
// block with one, and no command next to it, is an orphan transcript.
var outputLike = regexp.MustCompile(`^(\s*--- (FAIL|PASS|SKIP): |=== RUN|HTTP/\d|ok\s+\S+\s|FAIL\s|PASS$|Benchmark\S+\s+\d|goos: |error: |exit status \d|WARNING: |API listening|Running \d+s test|Requests/sec|\s*\d+(\.\d+)?\s*(ns|µs|ms)/op)`)

// transcripts finds the transcripts of one document. An output-looking
// block with no command, unmarked, comes back as an error.
func transcripts(file, text string) (trs []transcript, orphans []string) {
	blocks := parseBlocks(text)
	paired := make(map[int]bool) // blocks used as the output of a pair
	for i, b := range blocks {
		if paired[i] {
			continue
		}
		if !shellLangs[b.lang] {
			if b.lang == "text" && b.marker == "" && looksLikeOutput(b.lines) {
				orphans = append(orphans, file+":"+strconv.Itoa(b.line))
			}
			continue
		}
		if hasDollar(b.lines) {
			trs = append(trs, dollarTranscripts(file, b)...)
			continue
		}
		if b.lang != "" && i+1 < len(blocks) {
			next := blocks[i+1]
			if next.nextTo && next.lang == "" && !hasDollar(next.lines) {
				marker := b.marker
				if marker == "" {
					marker = next.marker
				}
				paired[i+1] = true
				trs = append(trs, transcript{
					file: file, line: b.line + 1, command: strings.Join(b.lines, "\n"),
					want: next.lines, marker: marker,
				})
				continue
			}
		}
		// A bare ``` block holds program output (a diagram or a grammar
		// says ```text, and must not look like output).
		if b.lang == "" && b.marker == "" {
			orphans = append(orphans, file+":"+strconv.Itoa(b.line))
		}
	}
	return trs, orphans
}

func hasDollar(lines []string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, "$ ") {
			return true
		}
	}
	return false
}

func looksLikeOutput(lines []string) bool {
	for _, l := range lines {
		if outputLike.MatchString(l) {
			return true
		}
	}
	return false
}

// dollarTranscripts splits a block of "$ command" lines and their output.
func dollarTranscripts(file string, b block) []transcript {
	var trs []transcript
	for i := 0; i < len(b.lines); i++ {
		l := b.lines[i]
		if !strings.HasPrefix(l, "$ ") {
			continue // output before the first command: none in practice
		}
		tr := transcript{file: file, line: b.line + 1 + i, command: strings.TrimPrefix(l, "$ "), marker: b.marker}
		for strings.HasSuffix(l, `\`) && i+1 < len(b.lines) {
			i++
			l = b.lines[i]
			tr.command += "\n" + l
		}
		for i+1 < len(b.lines) && !strings.HasPrefix(b.lines[i+1], "$ ") {
			i++
			tr.want = append(tr.want, b.lines[i])
		}
		trs = append(trs, tr)
	}
	return trs
}
