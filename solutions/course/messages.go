package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// The course speaks the learner's language (issue 23): its own sentences
// come from messages, in English or Chinese; what it quotes (a test's
// failure, a TODO's comment, go test's output) stays as written.

// Languages the course speaks.
const (
	langEN = "en"
	langZH = "zh"
)

// hintsFileZH is the Chinese sibling of a step's HINTS.md: hint reads its
// rungs there when the course speaks Chinese.
const hintsFileZH = "HINTS.zh-CN.md"

// A message is one sentence of the course, as a fmt format, in each
// language. Both have the same verbs in the same order (TestMessages).
type message struct{ en, zh string }

// messages is the course's catalog, by id.
var messages = map[string]message{
	// status
	"state.done":        {"done", "已完成"},
	"state.in progress": {"in progress", "进行中"},
	"state.not started": {"not started", "未开始"},
	"count":             {"%d of %d TODOs", "%d/%d 个 TODO"},
	"no build":          {"does not build", "无法编译"},
	"browser skipped":   {", browser test skipped", "，浏览器测试已跳过"},
	"note.cached":       {"cached", "缓存"},
	"cached legend": {
		"(cached: the step's files have not changed since its tests last ran; that run's result is shown)",
		"（缓存：这一步的文件自上次运行测试以来没有变化，显示的是那次的结果）"},
	"all done":    {"Every step is done. Well done!", "所有步骤都完成了，干得漂亮！"},
	"next todo":   {"Next: %s, %s: %s", "下一步：%s，%s：%s"},
	"next step":   {"Next: %s", "下一步：%s"},
	"fails":       {"  %s fails:", "  %s 失败："},
	"no build at": {"  %s does not build:", "  %s 无法编译："},
	"skipped":     {"  %s skipped:", "  %s 被跳过："},
	"the step":    {"the step", "这一步"},
	"every failure": {
		"  (cd %s && go test ./...) shows every failure.",
		"  (cd %s && go test ./...) 会列出所有失败。"},
	"stuck":      {"Stuck? %s hint (one hint per call)", "卡住了？%s hint（每次给一条提示）"},
	"watch hint": {"Tests again on every save: %s watch", "每次保存都重跑测试：%s watch"},

	// hint
	"no hint":        {"Every step is done: there is no hint to give.", "所有步骤都完成了，没有提示可给。"},
	"why no failure": {"no failing test names a TODO", "没有失败的测试指向某个 TODO"},
	"why no build":   {"it does not build, so no test names a TODO yet", "它无法编译，所以还没有测试指向某个 TODO"},
	"name the todo": {
		"%s: %s. Name the TODO you want a hint for: %s hint %s 1",
		"%s：%s。请指明要哪个 TODO 的提示：%s hint %s 1"},
	"rung": {"%s, %s — hint %d of %d: %s", "%s，%s — 提示 %d/%d：%s"},
	"no more": {
		"That was the last hint for %s: there are no more. %s/%s shows every ladder.",
		"这已经是 %s 的最后一条提示，没有更多了。%s/%s 里有全部提示。"},
	"last":      {"That is the last hint for %s.", "这是 %s 的最后一条提示。"},
	"next rung": {"Still stuck? %s hint %s %d shows the next one (%d left).", "还是卡住？%s hint %s %d 显示下一条（还剩 %d 条）。"},
	"not translated": {
		"(%s's hints are not translated yet: here is the English %s.)",
		"（%s 的提示还没有中文版，下面是英文的 %s。）"},

	// watch
	"step done": {"%s is done.", "%s 完成了。"},
	"changed":   {"%s changed: testing…", "%s 有改动：正在测试…"},
	"watching": {
		"Watching %s: the tests run again when you save a file of it (%s). Ctrl-C stops.",
		"正在监视 %s：保存它的任一文件时重跑测试（%s）。按 Ctrl-C 停止。"},

	// the tests' runs
	"race run": {
		"%s: go test -race ./... (its README's \"Done when\" asks for -race; the race detector makes the run slower, and the first run builds every package again for it)",
		"%s：go test -race ./...（它的 README 里“完成标准”要求 -race；竞态检测会让运行变慢，第一次运行还要为它重新编译所有包）"},
	"not kept": {"%s: the result is not kept for the next run: %v", "%s：这次的结果没能保存供下次使用：%v"},
}

// msg formats the message id in the course's language.
func (c *course) msg(id string, args ...any) string {
	m, ok := messages[id]
	if !ok {
		panic("course: no message " + id) // a programming error: TestMessages lists every id used
	}
	format := m.en
	if c.lang == langZH {
		format = m.zh
	}
	return fmt.Sprintf(format, args...)
}

// langFromEnv is the language of the learner's locale, as POSIX looks it
// up: the first of LC_ALL, LC_MESSAGES and LANG that is set and not
// empty; Chinese when it starts with "zh" (zh_CN.UTF-8, zh_TW, zh), else
// English.
func langFromEnv(getenv func(string) string) string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			if strings.HasPrefix(v, "zh") {
				return langZH
			}
			return langEN
		}
	}
	return langEN
}

// langFlag is -lang: zh or en, or "" for the locale's.
type langFlag string

func (f *langFlag) String() string { return string(*f) }

func (f *langFlag) Set(v string) error {
	switch v {
	case langEN, langZH:
		*f = langFlag(v)
		return nil
	}
	return fmt.Errorf("-lang is zh or en, not %q", v)
}

var _ flag.Value = (*langFlag)(nil)

// chooseLang is the -lang flag's language, else the locale's.
func chooseLang(f langFlag) string {
	if f != "" {
		return string(f)
	}
	return langFromEnv(os.Getenv)
}

// padRight pads s with spaces to width columns of a terminal, where a
// Chinese character takes two.
func padRight(s string, width int) string {
	w := 0
	for _, r := range s {
		w++
		if wide(r) {
			w++
		}
	}
	if w >= width {
		return s
	}
	return s + strings.Repeat(" ", width-w)
}

// wide reports whether r takes two columns: the CJK ranges the course's
// messages use.
func wide(r rune) bool {
	return (r >= 0x2E80 && r <= 0x9FFF) || (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFF00 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6)
}
