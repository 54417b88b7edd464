package i18n

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A step's README and its translation, as the course writes them: the
// careless translations below are edits of zhREADME.
var (
	enREADME = lines(
		"# Step 09 — demo",
		"",
		"[中文](README.zh-CN.md)",
		"",
		"Read [the guard](../step02-guard/README.md#the-guard) and [RFC 6750](https://www.rfc-editor.org/rfc/rfc6750).",
		"",
		"## Run it",
		"",
		"```sh",
		"go test ./...",
		"```",
		"",
		"### Output",
		"",
		"<!-- simulation table: begin (go test ./solutions/compare -update rewrites it) -->",
		"| trace | scheme | tokens signed |",
		"|---|---|--:|",
		"| daily user, 30 days | step 03 | 91 |",
		"<!-- simulation table: end -->",
		"",
		"## Your TODOs",
		"",
		"| TODO | file | what you write | the tests that check it |",
		"|---|---|---|---|",
		"| 1 | `login.go` | `decode`: the body | `TestLogin`, then with TODO 2: `TestUsers` |",
		"| 2 | `users.go` | `Check` | `TestUsers` |",
		"",
		"Stuck? [HINTS.md](HINTS.md) ([TODO 1](HINTS.md#todo-1-logingo)).",
	)
	zhREADME = lines(
		"# 第 09 步 — 演示",
		"",
		"[English](README.md)",
		"",
		"先读[守卫](../step02-guard/README.md#守卫)和 [RFC 6750](https://www.rfc-editor.org/rfc/rfc6750)。",
		"",
		"## 运行",
		"",
		"```sh",
		"go test ./...",
		"```",
		"",
		"### 输出",
		"",
		"<!-- simulation table: begin (go test ./solutions/compare -update rewrites it) -->",
		"| 场景 | 方案 | 签发的 token |",
		"|---|---|--:|",
		"| daily user, 30 days | step 03 | 91 |",
		"<!-- simulation table: end -->",
		"",
		"## 你的 TODO",
		"",
		"| TODO | 文件 | 你要写的 | 检查它的测试 |",
		"|---|---|---|---|",
		"| 1 | `login.go` | `decode`：请求体 | `TestLogin`，完成 TODO 2 后还有 `TestUsers` |",
		"| 2 | `users.go` | `Check` | `TestUsers` |",
		"",
		"卡住了？看 [HINTS.zh-CN.md](HINTS.zh-CN.md)（[TODO 1](HINTS.zh-CN.md#todo-1-logingo)）。",
	)
	enHINTS = lines(
		"# Step 09 — hints",
		"",
		"[中文](HINTS.zh-CN.md)",
		"",
		"## TODO 1 (login.go)",
		"",
		"### Hint 1: Where to look",
		"",
		"The README.",
		"",
		"### Hint 2: The approach",
		"",
		"In words.",
		"",
		"### Hint 3: The code",
		"",
		"```go",
		"return decode(r.Body)",
		"```",
	)
	zhHINTS = lines(
		"# 第 09 步 — 提示",
		"",
		"[English](HINTS.md)",
		"",
		"## TODO 1 (login.go)",
		"",
		"### 提示 1：从哪里看",
		"",
		"README。",
		"",
		"### 提示 2：思路",
		"",
		"用文字说。",
		"",
		"### 提示 3：代码",
		"",
		"```go",
		"return decode(r.Body)",
		"```",
	)
)

func lines(l ...string) string { return strings.Join(l, "\n") + "\n" }

// edit replaces the one occurrence of old in s.
func edit(t *testing.T, s, old, new string) string {
	t.Helper()
	require.Equal(t, 1, strings.Count(s, old), "%q must occur once", old)
	return strings.Replace(s, old, new, 1)
}

// allExist: every page of step 09 exists (the Chinese HINTS page among
// them), and every English page.
func allExist(p string) bool { return strings.HasPrefix(p, "step09-demo/") || !IsChinese(p) }

func TestCompareAcceptsATranslation(t *testing.T) {
	en := NewPage("step09-demo/README.md", enREADME)
	zh := NewPage("step09-demo/README.zh-CN.md", zhREADME)
	assert.Empty(t, Compare(en, zh, allExist))
	assert.Empty(t, Compare(NewPage("step09-demo/HINTS.md", enHINTS), NewPage("step09-demo/HINTS.zh-CN.md", zhHINTS), allExist))

	// A section for Chinese readers only.
	extra := edit(t, zhREADME, "## 运行\n", "## 运行\n\n<!-- zh-CN only: begin -->\n## 在中国大陆\n\n```sh\ngo env -w GOPROXY=https://goproxy.cn,direct\n```\n\n见 [go.work](../go.work)。\n<!-- zh-CN only: end -->\n")
	assert.Empty(t, Compare(en, NewPage(zh.Path, extra), allExist))

	// The English page where the Chinese one is not there yet.
	zhEnglishLinks := strings.ReplaceAll(zhREADME, "HINTS.zh-CN.md", "HINTS.md")
	assert.Empty(t, Compare(en, NewPage(zh.Path, zhEnglishLinks), func(p string) bool { return allExist(p) && p != "step09-demo/HINTS.zh-CN.md" }))
}

// TestCompareRefusesCarelessTranslations: each careless edit of a
// translation (or of the English page alone) fails with one line that
// names both files and says what differs.
func TestCompareRefusesCarelessTranslations(t *testing.T) {
	for _, tc := range []struct {
		name         string
		en, zh       string // the pages; "" for the base ones
		hints        bool   // the HINTS pages
		exists       func(string) bool
		want, wantZh string // in the message: what differs, and the Chinese side's line
	}{
		{name: "a Chinese-only section not ended", zh: edit(t, zhREADME, "## 运行\n", "## 运行\n\n<!-- zh-CN only: begin -->\n\n## 镜像\n"),
			want: "the Chinese-only section does not end (<!-- zh-CN only: end -->)", wantZh: "README.zh-CN.md:9"},
		{name: "a Chinese-only section in the English page", en: edit(t, enREADME, "## Run it\n", "## Run it\n\n<!-- zh-CN only: begin -->\n<!-- zh-CN only: end -->\n"),
			want: "a section only for Chinese readers belongs in the Chinese page", wantZh: "step09-demo/README.md:9"},
		{name: "a command changed in the Chinese page", zh: edit(t, zhREADME, "go test ./...", "go test -v ./..."),
			want: `fenced block 1 differs (code, commands and outputs are not translated): step09-demo/README.md:10 "go test ./..." / `, wantZh: `step09-demo/README.zh-CN.md:10 "go test -v ./..."`},
		{name: "a command changed in the English page only", en: edit(t, enREADME, "go test ./...", "go test -race ./..."),
			want: `fenced block 1 differs`, wantZh: `step09-demo/README.zh-CN.md:10 "go test ./..."`},
		{name: "a transcript's marker translated", en: edit(t, enREADME, "```sh\ngo test", "<!-- illustrative: needs a browser -->\n```sh\ngo test"),
			zh:   edit(t, zhREADME, "```sh\ngo test", "<!-- illustrative: 需要浏览器 -->\n```sh\ngo test"),
			want: `the marker of fenced block 1 (<!-- illustrative: … --> or <!-- replayed by … -->, not translated): step09-demo/README.md:9 "<!-- illustrative: needs a browser -->"`, wantZh: `README.zh-CN.md:9 "<!-- illustrative: 需要浏览器 -->"`},
		{name: "a transcript's marker left out", en: edit(t, enREADME, "```sh\ngo test", "<!-- illustrative: needs a browser -->\n```sh\ngo test"),
			want: "the marker of fenced block 1", wantZh: "step09-demo/README.zh-CN.md: (no marker above the block at line 9)"},
		{name: "a block's language", zh: edit(t, zhREADME, "```sh", "```bash"),
			want: "fenced block 1 differs", wantZh: "README.zh-CN.md:9 \"```bash\""},
		{name: "a block left out", zh: edit(t, zhREADME, "```sh\ngo test ./...\n```\n", ""),
			want: "fenced blocks: 1 in the English page, 0 in the Chinese one", wantZh: "step09-demo/README.zh-CN.md: (no fenced block 1)"},
		{name: "a heading's level", zh: edit(t, zhREADME, "### 输出", "## 输出"),
			want: "heading 3: level 3 at step09-demo/README.md:13", wantZh: `level 2 at step09-demo/README.zh-CN.md:13 "## 输出"`},
		{name: "a heading more", zh: edit(t, zhREADME, "## 你的 TODO", "## 说明\n\n## 你的 TODO"),
			want: "headings: 4 in the English page, 5 in the Chinese one", wantZh: `"## 你的 TODO"`},
		{name: "a TODO's file", zh: edit(t, zhREADME, "| 2 | `users.go` |", "| 2 | `user.go` |"),
			want: "the TODO table's rows", wantZh: "README.zh-CN.md:26"},
		{name: "a TODO's test", zh: edit(t, zhREADME, "| `Check` | `TestUsers` |", "| `Check` | `TestUser` |"),
			want: "row 2: step09-demo/README.md:26", wantZh: "README.zh-CN.md:26"},
		{name: "a TODO row left out", zh: edit(t, zhREADME, "| 2 | `users.go` | `Check` | `TestUsers` |\n", ""),
			want: "2 in the English page, 1 in the Chinese one; row 2", wantZh: "README.zh-CN.md: (no TODO table row 2)"},
		{name: "a link to a Chinese page where there is one", exists: func(string) bool { return true },
			want: "links step02-guard/README.md, which has a Chinese sibling: link step02-guard/README.zh-CN.md", wantZh: "README.zh-CN.md:5"},
		{name: "a link to another file", zh: edit(t, zhREADME, "../step02-guard/README.md#守卫", "../step03-refresh/README.md#守卫"),
			want: "links to files (in order, anchors aside)", wantZh: "→ step03-refresh/README.md"},
		{name: "a link to a Chinese page not written yet", zh: zhREADME, exists: func(p string) bool { return allExist(p) && p != "step09-demo/HINTS.zh-CN.md" },
			want: "links step09-demo/HINTS.zh-CN.md, which does not exist: link the English page step09-demo/HINTS.md", wantZh: "README.zh-CN.md:28"},
		{name: "a link to the English page where a Chinese one is", zh: edit(t, zhREADME, "看 [HINTS.zh-CN.md](HINTS.zh-CN.md)", "看 [HINTS.md](HINTS.md)"),
			want: "links step09-demo/HINTS.md, which has a Chinese sibling: link step09-demo/HINTS.zh-CN.md", wantZh: "README.zh-CN.md:28"},
		{name: "a number of the generated table", zh: edit(t, zhREADME, "| step 03 | 91 |", "| step 03 | 90 |"),
			want: "the generated simulation table differs (run go test ./solutions/compare -update)", wantZh: `README.zh-CN.md:18 "| daily user, 30 days | step 03 | 90 |"`},
		{name: "the generated table's header cut", zh: edit(t, zhREADME, "| 场景 | 方案 | 签发的 token |", "| 场景 | 方案 |"),
			want: "the generated simulation table differs", wantZh: "README.zh-CN.md:16"},
		{name: "no link to the English page", zh: edit(t, zhREADME, "[English](README.md)", "English"),
			want: "step09-demo/README.zh-CN.md does not link its sibling at its top: put [English](README.md)"},
		{name: "no link to the Chinese page", en: edit(t, enREADME, "[中文](README.zh-CN.md)\n", ""),
			want: "step09-demo/README.md does not link its sibling at its top: put [中文](README.zh-CN.md)"},
		{name: "a rung left out", hints: true, zh: edit(t, zhHINTS, "### 提示 2：思路\n\n用文字说。\n\n### 提示 3：代码", "### 提示 2：代码"),
			want: "TODO 1 (login.go) has 3 rungs in the English page, 2 in the Chinese one", wantZh: "HINTS.zh-CN.md:5"},
		{name: "the last rung's code", hints: true, zh: edit(t, zhHINTS, "return decode(r.Body)", "return decode(r.Body) // 解码"),
			want: "fenced block 1 differs", wantZh: "HINTS.zh-CN.md:18"},
		{name: "a ladder's heading translated", hints: true, zh: edit(t, zhHINTS, "## TODO 1 (login.go)", "## TODO 1（login.go）"),
			want: "the hint ladders do not parse", wantZh: "step09-demo/HINTS.zh-CN.md:5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enText, zhText, base := enREADME, zhREADME, "step09-demo/README"
			if tc.hints {
				enText, zhText, base = enHINTS, zhHINTS, "step09-demo/HINTS"
			}
			if tc.en != "" {
				enText = tc.en
			}
			if tc.zh != "" {
				zhText = tc.zh
			}
			exists := tc.exists
			if exists == nil {
				exists = allExist
			}
			problems := Compare(NewPage(base+".md", enText), NewPage(base+".zh-CN.md", zhText), exists)
			require.NotEmpty(t, problems, "the careless translation passed")
			for _, p := range problems {
				assert.True(t, strings.HasPrefix(p, base+".md and "+base+".zh-CN.md: "), "names both files first: %s", p)
				assert.NotContains(t, p, "\n", "one line: %s", p)
			}
			i := slices.IndexFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) })
			require.GreaterOrEqual(t, i, 0, "no problem says %q: %q", tc.want, problems)
			assert.Contains(t, problems[i], tc.wantZh)
		})
	}
}

func TestCells(t *testing.T) {
	assert.Equal(t, []string{"1", "`a|b`", `x \| y`, ""}, cells("| 1 | `a|b` | x \\| y | |"))
}
