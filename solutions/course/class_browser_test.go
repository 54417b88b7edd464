package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pageState is what the class's page shows, read from its DOM.
type pageState struct {
	Rows []struct {
		Name  string `json:"name"`
		TODO  string `json:"todo"`
		OnIt  string `json:"onIt"`
		Stuck bool   `json:"stuck"`
		Flag  bool   `json:"flag"`
		Here  int    `json:"here"` // the column marked ●, -1 for none
	} `json:"rows"`
	Here     []string `json:"here"`
	Median   []string `json:"median"`
	Injected int      `json:"injected"` // script or img elements in the rows
	Pwned    string   `json:"pwned"`    // typeof window.pwned
	Updates  int      `json:"updates"`  // renders of class.json
}

const readPage = `(() => ({
  rows: [...document.querySelectorAll('#learners tr')].map((tr) => ({
    name: tr.querySelector('.name').textContent,
    todo: tr.querySelector('.todo-label').textContent,
    onIt: tr.querySelector('.on-it').textContent,
    stuck: tr.classList.contains('stuck'),
    flag: tr.querySelector('.flag') !== null,
    here: [...tr.querySelectorAll('td.cell')].findIndex((td) => td.classList.contains('here')),
  })),
  here: [...document.querySelectorAll('#here td')].map((td) => td.textContent),
  median: [...document.querySelectorAll('#median td')].map((td) => td.textContent),
  injected: document.querySelectorAll('#learners script, #learners img').length,
  pwned: typeof window.pwned,
  updates: Number(document.body.dataset.updates),
}))()`

// simLearner is a simulated learner: on TODO col of the course for onIt,
// the TODOs before it in its step having taken took[k] seconds (k: the
// column).
type simLearner struct {
	name string
	col  int
	onIt time.Duration
	took map[int]int64
}

// status is the learner's course status, as their course -json says it.
func (l simLearner) status(cols []column, at time.Time) *Status {
	took := make([]int64, l.col)
	for k := range took {
		took[k] = l.took[k]
	}
	return statusAt(cols, l.col, l.name, at, l.onIt, took)
}

// TestBrowserClass: issue 22. The class server in-process, 30 learners
// who join through the client watch uses (at different TODOs; one named
// with a script; one who leaves and joins again), and the page in a real
// browser: the rows, the stuck flag, the per-TODO counts and medians, the
// script shown as text, and the page following the class live.
func TestBrowserClass(t *testing.T) {
	browser := requireClassBrowser(t)
	cols := courseColumns(t)
	clock := newTestClock()
	cl := newClass(testCode, cols, defaultStuck, clock.Now)
	cl.poll = 100 // milliseconds: the page follows the class quickly
	srv := httptest.NewServer(cl.handler())
	t.Cleanup(srv.Close)

	// 28 learners spread over the TODOs, on them from 0 to 27 min; ada,
	// who will rejoin; and a learner whose name is markup.
	var learners []simLearner
	for i := range 28 {
		l := simLearner{name: fmt.Sprintf("learner%02d", i+1), col: i % len(cols), onIt: time.Duration(i*7%28) * time.Minute, took: map[int]int64{}}
		for k := range l.col {
			l.took[k] = int64(60*(k+1) + 45*i)
		}
		learners = append(learners, l)
	}
	ada := simLearner{name: "ada", col: 0, onIt: 2 * time.Minute}
	script := simLearner{name: scriptName, col: 2, onIt: 16 * time.Minute, took: map[int]int64{0: 100, 1: 36000}}
	learners = append(learners, ada, script)

	join := func(l simLearner) {
		t.Helper()
		var stderr bytes.Buffer
		c := &course{stdout: &bytes.Buffer{}, stderr: &stderr, name: l.name}
		cc, err := newClassClient(srv.URL, testCode, l.name)
		require.NoError(t, err)
		c.tellClass(t.Context(), cc, l.status(cols, clock.Now()))
		require.Empty(t, stderr.String(), "%.40q joins", l.name)
		cc.http.CloseIdleConnections() // gone: the next report is a new connection
	}
	for _, l := range learners {
		join(l)
	}

	// Ada leaves (her watch stops), moves on to the next TODO, and joins
	// again: she keeps her row.
	clock.Advance(5 * time.Minute)
	ada.col, ada.onIt, ada.took = 1, 0, map[int]int64{0: 420}
	join(ada)
	learners[28] = ada
	for i := range learners {
		if learners[i].name != ada.name {
			learners[i].onIt += 5 * time.Minute // the class's clock moved for everyone
		}
	}

	ctx := ownClassBrowser(t, browser)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.Poll[chromedp.Void](`Number(document.body.dataset.updates) >= 1`, chromedp.WithPollingTimeout(10*time.Second)),
	), "the page loads and renders the class's JSON")
	page := readClassPage(t, ctx)
	checkClassPage(t, cols, learners, page, "after 30 joined")
	assert.Equal(t, 1, cl.rows["ada"].Rejoins, "ada's second report came to her row")

	// The script name is text: no element from it, nothing of it ran.
	assert.Equal(t, 0, page.Injected, "elements made from a learner's name")
	assert.Equal(t, "undefined", page.Pwned, "a learner's name ran as script")

	// Live: ten minutes later, with no report, more are stuck; a learner
	// who moves on shows without a reload.
	updates := page.Updates
	clock.Advance(10 * time.Minute)
	for i := range learners {
		learners[i].onIt += 10 * time.Minute
	}
	mover := &learners[3]
	mover.took[mover.col] = int64(mover.onIt / time.Second)
	mover.col, mover.onIt = mover.col+1, 0
	join(*mover)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Poll[chromedp.Void](`Number(document.body.dataset.updates) >= `+strconv.Itoa(updates+2), chromedp.WithPollingTimeout(10*time.Second)),
	), "the page polls again")
	checkClassPage(t, cols, learners, readClassPage(t, ctx), "ten minutes later")
}

func readClassPage(t *testing.T, ctx context.Context) pageState {
	t.Helper()
	page, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](readPage))
	require.NoError(t, err, "read the page")
	return page
}

// checkClassPage compares the page with the learners: a row each, on
// the right TODO, the stuck flag on those on it longer than 15 min; per
// TODO, how many are on it and the median time it took.
func checkClassPage(t *testing.T, cols []column, learners []simLearner, page pageState, when string) {
	t.Helper()
	require.Len(t, page.Rows, len(learners), "%s: one row per learner", when)
	byName := map[string]simLearner{}
	for _, l := range learners {
		byName[l.name] = l
	}
	here := make([]int, len(cols))
	took := make([][]int64, len(cols))
	for _, l := range learners {
		here[l.col]++
		for k, s := range l.took {
			if k < l.col && cols[k].Step == cols[l.col].Step {
				took[k] = append(took[k], s)
			}
		}
	}
	for _, r := range page.Rows {
		l, ok := byName[r.Name]
		if !assert.True(t, ok, "%s: a row for %.40q, who never joined", when, r.Name) {
			continue
		}
		stuck := l.onIt > 15*time.Minute
		assert.Equal(t, cols[l.col].Label, r.TODO, "%s: %.40q's TODO", when, l.name)
		assert.Equal(t, l.col, r.Here, "%s: %.40q's column", when, l.name)
		assert.Equal(t, stuck, r.Stuck && r.Flag, "%s: %.40q on it %v (%s): stuck flag", when, l.name, l.onIt, r.OnIt)
	}
	require.Len(t, page.Here, len(cols), "%s: a count per TODO", when)
	require.Len(t, page.Median, len(cols), "%s: a median per TODO", when)
	for i := range cols {
		assert.Equal(t, strconv.Itoa(here[i]), page.Here[i], "%s: learners on %s %s", when, cols[i].Step, cols[i].Label)
		want := "–"
		if len(took[i]) > 0 {
			s := slices.Sorted(slices.Values(took[i]))
			m := s[len(s)/2]
			if len(s)%2 == 0 {
				m = (s[len(s)/2-1] + m) / 2
			}
			want = shortDuration(time.Duration(m) * time.Second)
		}
		assert.Equal(t, want, page.Median[i], "%s: median of %s %s (%v s)", when, cols[i].Step, cols[i].Label, took[i])
	}
}

// requireClassBrowser returns the path of a browser, or skips the test at
// once (fails it when CI is set: CI must run it), as the steps' browser
// tests do.
func requireClassBrowser(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("CHROME_PATH"); path != "" {
		return path
	}
	for _, name := range browserNames {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	msg := "the class view's page runs in a real browser, and none was found: install Chromium (Debian/Ubuntu: sudo apt-get install chromium) or set CHROME_PATH"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set: the browser test must run)")
	}
	t.Skip(msg)
	return ""
}

// ownClassBrowser starts a headless Chromium for the test; it stops when
// the test ends.
func ownClassBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	dir, err := os.MkdirTemp("", "course-class-browser-")
	require.NoError(t, err)
	limit, stopLimit := context.WithTimeout(context.Background(), 60*time.Second)
	allocCtx, stopAlloc := chromedp.NewExecAllocator(limit, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // the sandbox cannot start as root, as in CI containers
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(dir),
	)...)
	ctx, stopBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		stopBrowser()
		stopAlloc()
		stopLimit()
		os.RemoveAll(dir) // best effort: Chromium's helpers may still be writing
	})
	return ctx
}
