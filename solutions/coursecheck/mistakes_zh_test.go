package coursecheck

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMistakesPageZh checks the Chinese page's entries (issue 23): the
// what.zh and why.zh lines where they are, the English where they are not
// yet, the code and the test's message as they are, and a Chinese line
// ending as Chinese does.
func TestMistakesPageZh(t *testing.T) {
	a := WrongAnswer{Header: "TODO 1 (a.go): x", Label: Label{1, "a.go"}, What: "no limit", WhatZh: "没有上限", Why: "A client sends gigabytes.", WhyZh: "客户端会发来几个 GB。", Old: "a", New: "b"}
	b := WrongAnswer{Header: "step 01 (c.go): y", Label: Label{File: "c.go"}, Step: 1, What: "a 503 without Retry-After", Race: true, Old: "c", New: "d"}
	c := WrongAnswer{Header: "TODO 1 (a.go): z", Label: Label{1, "a.go"}, What: "a *T", Why: "Pointers alias.", Old: "e", New: "f"}
	steps := []MistakeStep{{Name: "step01-x", Answers: []WrongAnswer{a, b, c}, TODOs: map[Label]string{{1, "a.go"}: "bound the body"},
		First: map[string]string{a.Header: "TestA: TODO 1 (a.go): status 201, want 413"}}}
	zh := MistakesPageZh(steps)
	for _, want := range []string{
		"[English](MISTAKES.md)",
		"- [step01-x](#step01-x)：3 个已知错误答案",
		"### TODO 1 (a.go): bound the body\n\n1. **没有上限。**\n   - 错误代码：`b`\n   - 测试打印：`TestA: TODO 1 (a.go): status 201, want 413`\n   - 为什么错：客户端会发来几个 GB。\n",
		"2. **a \\*T.**\n   - 错误代码：`f`\n   - 测试打印：`（尚未记录：用 -update 运行这一步的错误答案）`\n   - 为什么错：Pointers alias.\n",
		"### 给定代码：step 01 (c.go)\n\n1. **a 503 without Retry-After.**（只有 `-race` 能发现）\n",
	} {
		assert.Contains(t, zh, want)
	}
	en := MistakesPage(steps)
	assert.Contains(t, en, "[中文](MISTAKES.zh-CN.md)")
	assert.Contains(t, en, "1. **no limit.**\n   - Wrong code: `b`\n   - The tests print: `TestA: TODO 1 (a.go): status 201, want 413`\n   - Why: A client sends gigabytes.\n")
	assert.NotContains(t, en, "没有上限")
}
