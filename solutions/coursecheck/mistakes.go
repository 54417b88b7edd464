package coursecheck

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// MistakesFile is the common-mistakes page, at the course's root. It is
// generated from the known wrong answers (testdata/wrong/<step>.txt) and
// the first message the tests print for each (testdata/mistakes.json):
// TestMistakesPage checks it, and rewrites it with -update.
const MistakesFile = "MISTAKES.md"

// A MistakeStep is one step's part of the common-mistakes page.
type MistakeStep struct {
	Name    string            // the step's folder, "step01-login"
	Answers []WrongAnswer     // its known wrong answers, in the file's order
	TODOs   map[Label]string  // what each TODO asks, in one line (the starter's comment)
	First   map[string]string // an entry's header → the first message the tests print for it
}

// MistakeKey is how the page and testdata/mistakes.json name an entry:
// "step01-login: TODO 1 (login.go): what is wrong".
func MistakeKey(step string, a WrongAnswer) string { return step + ": " + a.Header }

// MistakesFileZh is the common-mistakes page's Chinese sibling (issue
// 23): the same page, its framing and each entry's what and why in
// Chinese (the "what.zh:" and "why.zh:" lines); the TODOs' lines in the
// headings, the code and the test messages stay as they are.
const MistakesFileZh = "MISTAKES.zh-CN.md"

// mistakesText is the framing of the common-mistakes page in one language.
type mistakesText struct {
	intro       string // from the title to the list of steps
	count       string // a step's line in the list: name, anchor, number of entries
	given       string // the heading of an edit of given code: "Given code: " + its label
	raceOnly    string // after the what of an entry that needs -race
	wrongCode   string // the entry's labels, with their colon
	testsPrint  string
	why         string
	notRecorded string // in place of a first message not recorded yet
	whatOf      func(WrongAnswer) string
	whyOf       func(WrongAnswer) string
}

var mistakesEnglish = mistakesText{
	intro: `# Common mistakes

[中文](` + MistakesFileZh + `)

<!-- Generated from solutions/coursecheck/testdata/wrong/*.txt: do not edit by hand. -->

The known wrong answers of the course, one per careless or insecure answer a
learner writes, each proven refused by the step's tests (the course checker's
` + "`TestWrongAnswers`" + ` runs every one). For each: what the mistake is, a line of
the wrong code, the first message the tests print for it (in the order
` + "`go test`" + ` prints failures; tokens, times, ports and paths masked), and why it
is wrong, in a sentence to read aloud. The instructor's guide,
[INSTRUCTORS.md](INSTRUCTORS.md), says when to use it.

This page is generated: edit an entry (its header line, or the ` + "`why:`" + ` line
under it; the ` + "`what.zh:`" + ` and ` + "`why.zh:`" + ` lines say them in Chinese for
the Chinese page) in ` + "`solutions/coursecheck/testdata/wrong/<step>.txt`" + `, then
` + "`go test -short ./solutions/coursecheck -run TestMistakesPage -update`" + `
rewrites the page and its Chinese sibling. The first messages come from the wrong answers' runs:
` + "`go test -count=1 ./solutions/coursecheck -run 'TestWrongAnswers/step01-login' -update`" + `
records those of one step. A test fails when the page and the suite differ.

`,
	count:       "- [%s](#%s): %d known wrong answers\n",
	given:       "Given code: ",
	raceOnly:    " (only `-race` sees it)",
	wrongCode:   "Wrong code: ",
	testsPrint:  "The tests print: ",
	why:         "Why: ",
	notRecorded: "(not recorded yet: run this step's wrong answers with -update)",
	whatOf:      func(a WrongAnswer) string { return a.What },
	whyOf: func(a WrongAnswer) string {
		return or(a.Why, a.What)
	},
}

var mistakesChinese = mistakesText{
	intro: `# 常见错误

[English](` + MistakesFile + `)

<!-- Generated from solutions/coursecheck/testdata/wrong/*.txt: do not edit by hand. -->

本课程已知的错误答案：每条都是学习者可能写出的一种粗心或不安全的答案，并且都已证明会被这一步的
测试拒绝（课程检查器的 ` + "`TestWrongAnswers`" + ` 会逐条运行）。每条列出：错在哪里、错误代码中的
一行、测试为它打印的第一条信息（按 ` + "`go test`" + ` 打印失败的顺序；token、时间、端口和路径已遮盖），
以及为什么错——一句可以念给全班听的话。讲师指南
[INSTRUCTORS.zh-CN.md](INSTRUCTORS.zh-CN.md) 说明什么时候用这一页。

小节标题里 TODO 的说明和测试信息保持英文：前者来自起始代码的注释，后者是学习者在终端里
看到的原文。每条的“错在哪里”和“为什么错”是中文（错误答案文件里的 ` + "`what.zh:`" + ` 和
` + "`why.zh:`" + ` 行）；还没有中文的，显示英文原文。

这一页是生成的：在 ` + "`solutions/coursecheck/testdata/wrong/<step>.txt`" + ` 里修改一条
（它的标题行、下面给本页用的 ` + "`what.zh:`" + ` 行、` + "`why:`" + ` 行和给本页用的 ` + "`why.zh:`" + ` 行），然后运行
` + "`go test -short ./solutions/coursecheck -run TestMistakesPage -update`" + `，
它会重写英文页和本页。第一条信息来自错误答案的运行：
` + "`go test -count=1 ./solutions/coursecheck -run 'TestWrongAnswers/step01-login' -update`" + `
记录一步的全部第一条信息。页面和错误答案不一致时，测试会失败。

`,
	count:       "- [%s](#%s)：%d 个已知错误答案\n",
	given:       "给定代码：",
	raceOnly:    "（只有 `-race` 能发现）",
	wrongCode:   "错误代码：",
	testsPrint:  "测试打印：",
	why:         "为什么错：",
	notRecorded: "（尚未记录：用 -update 运行这一步的错误答案）",
	whatOf:      func(a WrongAnswer) string { return or(a.WhatZh, a.What) },
	whyOf: func(a WrongAnswer) string {
		return or(a.WhyZh, or(a.Why, or(a.WhatZh, a.What)))
	},
}

// MistakesPage renders the common-mistakes page: per step, per TODO (then
// the given code), each known wrong answer with what it is, a line of the
// wrong code, the first message the tests print for it and why it is
// wrong.
func MistakesPage(steps []MistakeStep) string { return mistakesPage(steps, mistakesEnglish) }

// MistakesPageZh renders the page's Chinese sibling (MISTAKES.zh-CN.md):
// the same structure, its framing and each entry's what and why in
// Chinese (an entry without "what.zh:" or "why.zh:" shows its English).
func MistakesPageZh(steps []MistakeStep) string { return mistakesPage(steps, mistakesChinese) }

func mistakesPage(steps []MistakeStep, text mistakesText) string {
	var b strings.Builder
	b.WriteString(text.intro)
	for _, s := range steps {
		fmt.Fprintf(&b, text.count, s.Name, anchor(s.Name), len(s.Answers))
	}
	for _, s := range steps {
		fmt.Fprintf(&b, "\n## %s\n", s.Name)
		groups := map[string][]WrongAnswer{} // heading → entries
		var headings []string
		for _, a := range s.Answers {
			h := a.Want()
			if a.N > 0 {
				if what := s.TODOs[a.Label]; what != "" {
					h += ": " + what
				}
			} else {
				h = text.given + h
			}
			if _, ok := groups[h]; !ok {
				headings = append(headings, h)
			}
			groups[h] = append(groups[h], a)
		}
		// TODOs in order, then the given code in order of appearance.
		slices.SortStableFunc(headings, func(x, y string) int {
			ax, ay := groups[x][0], groups[y][0]
			switch {
			case ax.N > 0 && ay.N > 0:
				return ax.N - ay.N
			case ax.N > 0:
				return -1
			case ay.N > 0:
				return 1
			}
			return 0
		})
		for _, h := range headings {
			fmt.Fprintf(&b, "\n### %s\n\n", h)
			for i, a := range groups[h] {
				first := s.First[a.Header]
				if first == "" {
					first = text.notRecorded
				}
				fmt.Fprintf(&b, "%d. **%s**", i+1, sentence(text.whatOf(a)))
				if a.Race {
					b.WriteString(text.raceOnly)
				}
				b.WriteString("\n")
				fmt.Fprintf(&b, "   - %s%s\n", text.wrongCode, code(TellingLine(a)))
				fmt.Fprintf(&b, "   - %s%s\n", text.testsPrint, code(first))
				fmt.Fprintf(&b, "   - %s%s\n", text.why, sentence(text.whyOf(a)))
			}
		}
	}
	return b.String()
}

// TellingLine returns the line of a wrong answer's code that shows the
// mistake best: the first line of its new text that the old text does not
// have and that says something (not blank, not a lone brace, not a
// comment); for an entry that only deletes, the first such line it
// removes, marked "(removed)".
func TellingLine(a WrongAnswer) string {
	old := map[string]bool{}
	for _, l := range strings.Split(a.Old, "\n") {
		old[strings.TrimSpace(l)] = true
	}
	if l := firstTelling(a.New, old); l != "" {
		return l
	}
	if l := firstTelling(a.Old, map[string]bool{}); l != "" {
		return "(removed) " + l
	}
	return strings.TrimSpace(a.New)
}

func firstTelling(text string, skip map[string]bool) string {
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || skip[t] || strings.Trim(t, "{}()[];,") == "" || strings.HasPrefix(t, "//") || t == "default:" || t == "} else {" {
			continue
		}
		return t
	}
	return ""
}

// FirstMessage returns the first message the tests print for a wrong
// answer: in the first failing test (in the order plain go test prints
// them) whose output names the entry's label, the test's name and the
// first line that names it, from the label on; for an entry without a
// label, the first failing test's first line that says something. Tokens,
// times, ports and paths are masked (MaskMessage). "" when nothing failed.
func FirstMessage(r *Result, a WrongAnswer) string {
	for _, name := range r.Failures {
		for line := range strings.Lines(r.Output[name]) {
			if a.Want() != "" && !a.Names(line) {
				continue
			}
			t := strings.TrimSpace(line)
			if i := strings.Index(t, a.Want()); a.Want() != "" && i >= 0 {
				t = t[i:]
			} else if a.Want() == "" && (t == "" || strings.HasPrefix(t, "---") || strings.HasPrefix(t, "Error Trace:")) {
				continue
			}
			return capRunes(name+": "+MaskMessage(t), 300)
		}
	}
	return ""
}

var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`eyJ[A-Za-z0-9_\-]{4,}(\.[A-Za-z0-9_\-]*){0,2}`), "eyJ…"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?( ?[+-]\d\d:?\d\d| ?Z| UTC)?( [A-Z]{3,4})?`), "<time>"},
	{regexp.MustCompile(`\b1[6-9]\d{8}\b`), "<unix time>"},
	{regexp.MustCompile(`(127\.0\.0\.1|localhost|\[::1\]):\d+`), "$1:<port>"},
	{regexp.MustCompile(`(/tmp|/var|/home|/root|/work|/Users|/private)/[^\s"':,)]+`), "<path>"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|us|ms)\b`), "<duration>"},
	{regexp.MustCompile(`\b\d+\.\d+s\b`), "<duration>"},
}

// randomIDRE matches a quoted random id (a jti from crypto/rand, in
// upper-case base32): letters and digits, at least one of each, or ten
// letters and more between the quotes (a word in capitals, "POST", is no
// id).
var randomIDRE = regexp.MustCompile(`"[0-9A-Z]{4,}"`)

// algRE matches an algorithm's name, which is no random id.
var algRE = regexp.MustCompile(`^"[HRPE]S\d+"$`)

// MaskMessage masks what changes from run to run in a test's message:
// JWTs, dates, Unix times, loopback ports, temporary paths, measured
// durations, random ids. Masking a masked message changes nothing.
func MaskMessage(s string) string {
	for _, m := range masks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return randomIDRE.ReplaceAllStringFunc(s, func(id string) string {
		letters := !strings.ContainsAny(id, "0123456789")
		if algRE.MatchString(id) || letters && len(id) < 12 || strings.Trim(id, `"0123456789`) == "" {
			return id
		}
		return `"<random>"`
	})
}

// SameMessage reports whether two first messages are the same but for
// their numbers: a count or an index that varies from run to run (the
// bits of 1,000 random ids, which two of them collide) is not a change of
// the message.
func SameMessage(a, b string) bool {
	return digitsRE.ReplaceAllString(a, "N") == digitsRE.ReplaceAllString(b, "N")
}

var digitsRE = regexp.MustCompile(`\d+`)

// sentence returns s as Markdown text with a final period (a Chinese
// sentence keeps its own, 。？！, or gets 。).
func sentence(s string) string {
	s = mdEscaper.Replace(strings.TrimSpace(s))
	if s == "" {
		return s
	}
	switch {
	case strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "。") || strings.HasSuffix(s, "？") || strings.HasSuffix(s, "！"):
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }):
		s += "。" // a Chinese line (what.zh) ends as Chinese does
	default:
		s += "."
	}
	return s
}

// mdEscaper keeps a line of prose from turning into markup: a pointer
// type's star is no emphasis, a tag is text.
var mdEscaper = strings.NewReplacer("*", `\*`, "<", "&lt;", ">", "&gt;")

// code renders s as inline Markdown code, whatever backticks it holds.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// anchor is GitHub's anchor of a heading made of s.
func anchor(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, " ", "-"))
}

func capRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
