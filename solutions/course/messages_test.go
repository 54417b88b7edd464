package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tokenrefresh/solutions/coursecheck"
)

// verbRE matches a fmt verb.
var verbRE = regexp.MustCompile(`%[-+# 0]*(\d+|\*)?(\.(\d+|\*))?[a-zA-Z%]`)

// TestMessages: every message of the catalog is in both languages, with
// the same fmt verbs in the same order (issue 23), and every id the code
// asks for is in the catalog, every id of the catalog asked for.
func TestMessages(t *testing.T) {
	for id, m := range messages {
		assert.NotEmpty(t, m.en, "message %q: no English", id)
		assert.NotEmpty(t, m.zh, "message %q: no Chinese", id)
		assert.Equal(t, verbRE.FindAllString(m.en, -1), verbRE.FindAllString(m.zh, -1),
			"message %q: the fmt verbs of %q and %q", id, m.en, m.zh)
		assert.NotContains(t, m.en+m.zh, "\n", "message %q: one line (the code adds the line ends)", id)
	}

	used := map[string]bool{}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	idRE := regexp.MustCompile(`c\.msg\("([^"]+)"\s*[,)]`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range idRE.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
			_, ok := messages[m[1]]
			assert.True(t, ok, "%s asks for message %q, which the catalog lacks", f, m[1])
		}
	}
	// Ids made at run time: "state." + a state, and printNext's kinds of failure.
	for _, id := range []string{"state." + stateDone, "state." + stateInProgress, "state." + stateNotStarted, "fails", "no build at", "skipped"} {
		used[id] = true
	}
	for id := range messages {
		assert.True(t, used[id], "message %q is in the catalog but never used", id)
	}
}

func TestLangFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, langEN},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, langZH},
		{map[string]string{"LANG": "zh_TW.UTF-8"}, langZH},
		{map[string]string{"LANG": "en_US.UTF-8"}, langEN},
		{map[string]string{"LANG": "C"}, langEN},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, langZH},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "C"}, langEN},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8", "LC_MESSAGES": "zh_CN"}, langEN},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, langZH},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_ALL": ""}, langZH}, // empty is unset
	} {
		got := langFromEnv(func(name string) string { return tc.env[name] })
		assert.Equal(t, tc.want, got, "%v", tc.env)
	}
}

func TestPadRight(t *testing.T) {
	assert.Equal(t, "done       ", padRight("done", 11))
	assert.Equal(t, "已完成     ", padRight("已完成", 11), "a Chinese character takes two columns")
	assert.Equal(t, "in progress", padRight("in progress", 11))
}

// zhHints writes a Chinese HINTS.zh-CN.md for a step of c, made from its
// English ladders (a fixture: the Chinese words are made up), and commits
// it: the course reads the hints as committed.
func zhHints(t *testing.T, c *course, step string) {
	t.Helper()
	en, err := os.ReadFile(filepath.Join(c.root, step, coursecheck.HintsFile))
	require.NoError(t, err)
	ladders, err := coursecheck.ParseHints(string(en))
	require.NoError(t, err)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s — 提示\n\n[English](HINTS.md)\n", step)
	for _, l := range ladders {
		fmt.Fprintf(&b, "\n## %s\n", l.Label)
		for k := range l.Rungs {
			fmt.Fprintf(&b, "\n### 提示 %d：第 %d 条\n\n这是 %s 的第 %d 条中文提示。\n", k+1, k+1, l.Label, k+1)
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(c.root, step, hintsFileZH), []byte(b.String()), 0o644))
	gitCommit(t, c, "zh hints")
}

// gitCommit commits every change of the clone c.
func gitCommit(t *testing.T, c *course, message string) {
	t.Helper()
	for _, args := range [][]string{{"add", "-A", "."}, {"-c", "user.name=course", "-c", "user.email=course@example.com", "commit", "-q", "-m", message}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = c.root
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
	}
}

// TestHintInChinese: with a Chinese locale (or -lang zh), hint shows the
// rung of the step's HINTS.zh-CN.md, in Chinese sentences; a step without
// one shows the English rung, with a note in Chinese; -lang en wins over
// the locale.
func TestHintInChinese(t *testing.T) {
	var clone bytes.Buffer
	c := cloneCourse(t, &clone)
	zhHints(t, c, "step02-guard")
	// Step 03 without Chinese hints, whether or not the course has them.
	if err := os.Remove(filepath.Join(c.root, "step03-refresh", hintsFileZH)); err == nil {
		gitCommit(t, c, "step 03 untranslated")
	}
	t.Chdir(c.root)
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "zh_CN.UTF-8")

	hint := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		require.NoError(t, run(t.Context(), append([]string{"hint"}, args...), &stdout, &stderr), "%s", stderr.String())
		return stdout.String()
	}
	out := hint("step02", "1")
	assert.Contains(t, out, "step02-guard，TODO 1 (bearer.go) — 提示 1/")
	assert.Contains(t, out, "这是 TODO 1 (bearer.go) 的第 1 条中文提示。")
	assert.Contains(t, out, "还是卡住？go run ./solutions/course hint step02 1 显示下一条")
	assert.NotContains(t, out, "还没有中文版")

	out = hint("step03", "1")
	assert.Contains(t, out, "（step03-refresh 的提示还没有中文版，下面是英文的 HINTS.md。）")
	assert.Contains(t, out, "step03-refresh，TODO 1 (refresh.go) — 提示 1/")
	s, err := c.loadStep("step03-refresh")
	require.NoError(t, err)
	ladder, err := readLadder(s.files, "step03-refresh", coursecheck.HintsFile, labelOf(1, "refresh.go"))
	require.NoError(t, err)
	assert.Contains(t, out, ladder.Rungs[0].Body, "the English rung")

	out = hint("-lang", "en", "step02", "1")
	assert.Contains(t, out, "step02-guard, TODO 1 (bearer.go) — hint 2 of ", "the count goes on, whatever the language")
	assert.NotContains(t, out, "中文提示")

	var stdout, stderr bytes.Buffer
	err = run(t.Context(), []string{"-lang", "fr", "hint"}, &stdout, &stderr)
	var ue usageError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), "-lang is zh or en")

	// The rest of the ladder, to the end, in Chinese.
	s2, err := c.loadStep("step02-guard")
	require.NoError(t, err)
	l2, err := readLadder(s2.files, "step02-guard", coursecheck.HintsFile, labelOf(1, "bearer.go"))
	require.NoError(t, err)
	n := len(l2.Rungs)
	for k := 3; k <= n; k++ { // rungs 1 and 2 were shown above
		out = hint("step02", "1")
	}
	assert.Contains(t, out, fmt.Sprintf("这是 TODO 1 (bearer.go) 的第 %d 条中文提示。", n))
	assert.Contains(t, out, "这是 TODO 1 (bearer.go) 的最后一条提示。")
	out = hint("step02", "1")
	assert.Contains(t, out, "没有更多了。step02-guard/HINTS.zh-CN.md 里有全部提示。")
	assert.True(t, slices.Contains(strings.Split(out, "\n"), fmt.Sprintf("这是 TODO 1 (bearer.go) 的第 %d 条中文提示。", n)))
}

// TestLaddersZH: where a step has Chinese hints, hint finds a Chinese
// ladder for every TODO, of as many rungs as the English one (else it
// shows the English rungs).
func TestLaddersZH(t *testing.T) {
	c, err := openAt(mustRoot(t), nil, nil)
	require.NoError(t, err)
	translated := 0
	for _, name := range c.steps {
		s, err := c.loadStep(name)
		require.NoError(t, err)
		if _, err := fs.Stat(s.files, hintsFileZH); err != nil {
			continue
		}
		translated++
		for _, n := range s.todos.Numbers() {
			l := labelOf(n, s.todos[n])
			en, err := readLadder(s.files, name, coursecheck.HintsFile, l)
			require.NoError(t, err)
			zh, err := readLadder(s.files, name, hintsFileZH, l)
			if assert.NoError(t, err, "%s/%s: no ladder for %s, or the file does not parse", name, hintsFileZH, l) {
				assert.Len(t, zh.Rungs, len(en.Rungs), "%s/%s: the rungs of %s", name, hintsFileZH, l)
			}
		}
	}
	t.Logf("%d of %d steps have Chinese hints", translated, len(c.steps))
}
