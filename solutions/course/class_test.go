package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The class view (issue 22): the server's refusals, its state, the page
// from files, and what a learner's course records for it.

const testCode = "abcde-fghjk"

// scriptName is a learner's name that is markup: the page must show it
// as text, and run none of it.
const scriptName = `<script>pwned=1</script><img src=x onerror="pwned=2">`

// testClock is a clock the test moves by hand, safe for concurrent use.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// courseColumns are the TODOs of the course in this repository.
func courseColumns(t *testing.T) []column {
	t.Helper()
	c, err := openAt(mustRoot(t), nil, nil)
	require.NoError(t, err)
	cols, err := c.classColumns()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(cols), 10, "every step's TODOs")
	return cols
}

// aReport is a valid report of a learner on the course's first TODO.
func aReport(cols []column, name string, at time.Time) Report {
	return Report{Name: name, At: at, Step: cols[0].Step, TODO: cols[0].Label, OnTODOSeconds: 60, LastRun: at.Add(-30 * time.Second), Passed: 3, Failed: 2}
}

func TestClassRefusesBadReports(t *testing.T) {
	cols := courseColumns(t)
	clock := newTestClock()
	cl := newClass(testCode, cols, defaultStuck, clock.Now)
	h := cl.handler()
	good, err := json.Marshal(aReport(cols, "ada", clock.Now()))
	require.NoError(t, err)
	with := func(edit func(*Report)) string {
		r := aReport(cols, "ada", clock.Now())
		edit(&r)
		b, err := json.Marshal(r)
		require.NoError(t, err)
		return string(b)
	}

	tests := []struct {
		name        string
		code        string
		contentType string
		body        string
		want        int
	}{
		{"a good report", testCode, "application/json", string(good), http.StatusOK},
		// Joining needs the code the instructor's command printed.
		{"no code", "", "application/json", string(good), http.StatusForbidden},
		{"a wrong code", "abcde-fghjj", "application/json", string(good), http.StatusForbidden},
		{"the code with a space", testCode + " ", "application/json", string(good), http.StatusForbidden},
		// Bounded bodies.
		{"a body over the bound", testCode, "application/json", `{"name":"` + strings.Repeat("a", maxReportBytes) + `"}`, http.StatusRequestEntityTooLarge},
		// Strict JSON.
		{"not JSON", testCode, "application/json", `{"name":`, http.StatusBadRequest},
		{"an array", testCode, "application/json", `[]`, http.StatusBadRequest},
		{"two values", testCode, "application/json", string(good) + string(good), http.StatusBadRequest},
		{"an unknown field (code travels? never)", testCode, "application/json", strings.Replace(string(good), `{`, `{"code":"package main",`, 1), http.StatusBadRequest},
		{"text/plain", testCode, "text/plain", string(good), http.StatusUnsupportedMediaType},
		// What the page could not show.
		{"no name", testCode, "application/json", with(func(r *Report) { r.Name = "  " }), http.StatusBadRequest},
		{"a name too long", testCode, "application/json", with(func(r *Report) { r.Name = strings.Repeat("é", maxNameRunes+1) }), http.StatusBadRequest},
		{"a name with a newline", testCode, "application/json", with(func(r *Report) { r.Name = "ada\nbo" }), http.StatusBadRequest},
		{"no time", testCode, "application/json", with(func(r *Report) { r.At = time.Time{} }), http.StatusBadRequest},
		{"a step the course lacks", testCode, "application/json", with(func(r *Report) { r.Step = "step09-x" }), http.StatusBadRequest},
		{"a TODO the step lacks", testCode, "application/json", with(func(r *Report) { r.TODO = "TODO 9 (login.go)" }), http.StatusBadRequest},
		{"a TODO without a step", testCode, "application/json", with(func(r *Report) { r.Step = "" }), http.StatusBadRequest},
		{"a negative time", testCode, "application/json", with(func(r *Report) { r.OnTODOSeconds = -1 }), http.StatusBadRequest},
		{"a negative count", testCode, "application/json", with(func(r *Report) { r.Failed = -1 }), http.StatusBadRequest},
		{"done beyond the step", testCode, "application/json", with(func(r *Report) { r.Done = map[string]int{cols[0].Step: 99} }), http.StatusBadRequest},
		{"took of an unknown TODO", testCode, "application/json", with(func(r *Report) { r.Took = []Took{{Step: cols[0].Step, TODO: "TODO 9 (x.go)", Seconds: 5}} }), http.StatusBadRequest},
		// A name is text: markup is accepted, and shown as text.
		{"a name that is a script", testCode, "application/json", with(func(r *Report) { r.Name = scriptName }), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/status", strings.NewReader(tt.body))
			if tt.code != "" {
				req.Header.Set(codeHeader, tt.code)
			}
			req.Header.Set("Content-Type", tt.contentType)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			require.Equal(t, tt.want, res.StatusCode, "POST /status %.60q: status %d, want %d (%s)", tt.body, res.StatusCode, tt.want, rec.Body)
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			var answer map[string]string
			require.NoError(t, json.NewDecoder(res.Body).Decode(&answer), "the answer is JSON")
			if tt.want != http.StatusOK {
				assert.NotEmpty(t, answer["error"], "a refusal says why")
			}
		})
	}

	// Nothing refused made a row.
	names := map[string]bool{}
	for _, l := range cl.view().Learners {
		names[l.Name] = true
	}
	assert.Equal(t, map[string]bool{"ada": true, scriptName: true}, names)

	// No other route takes a report; none answers 500.
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/status", nil),
		httptest.NewRequest(http.MethodPut, "/status", strings.NewReader(string(good))),
		httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(good))),
		httptest.NewRequest(http.MethodGet, "/nothing", nil),
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		assert.Contains(t, []int{http.StatusMethodNotAllowed, http.StatusNotFound}, rec.Result().StatusCode, "%s %s", r.Method, r.URL)
	}
}

// TestClassPageIsTheInstructors: the page and its JSON answer this
// machine only; learners send, they do not see the class.
func TestClassPageIsTheInstructors(t *testing.T) {
	cols := courseColumns(t)
	clock := newTestClock()
	cl := newClass(testCode, cols, defaultStuck, clock.Now)
	require.NoError(t, cl.add(aReport(cols, scriptName, clock.Now())))
	h := cl.handler()
	for _, path := range []string{"/", "/class.json"} {
		for remote, want := range map[string]int{"127.0.0.1:5000": http.StatusOK, "[::1]:5000": http.StatusOK, "192.0.2.7:5000": http.StatusForbidden} {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.RemoteAddr = remote
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			assert.Equal(t, want, rec.Result().StatusCode, "GET %s from %s", path, remote)
		}
	}

	// The page as served: the name is text (html/template), and the page
	// runs only its own script.
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "127.0.0.1:5000"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body := rec.Body.String()
	assert.Contains(t, res.Header.Get("Content-Security-Policy"), "script-src 'self'")
	assert.NotContains(t, body, "<script>pwned", "the name is escaped")
	assert.NotContains(t, body, "<img", "the name is escaped")
	assert.Contains(t, body, "&lt;script&gt;pwned=1&lt;/script&gt;&lt;img src=x onerror=")
	assert.Equal(t, 1, strings.Count(body, "<script"), "one script: the page's own")
}

// TestClassState: -state writes the class out after each report and
// reads it back at start: the same code, the same rows.
func TestClassState(t *testing.T) {
	cols := courseColumns(t)
	clock := newTestClock()
	path := filepath.Join(t.TempDir(), "class.json")
	cl := newClass(testCode, cols, defaultStuck, clock.Now)
	require.NoError(t, cl.loadState(path), "no file yet: the first run")
	require.NoError(t, cl.add(aReport(cols, "ada", clock.Now())))
	require.NoError(t, cl.add(aReport(cols, "bo", clock.Now())))

	clock.Advance(20 * time.Minute)
	again := newClass("", cols, defaultStuck, clock.Now)
	require.NoError(t, again.loadState(path))
	assert.Equal(t, testCode, again.code, "the code comes back: learners' watch goes on")
	v := again.view()
	require.Len(t, v.Learners, 2)
	assert.Equal(t, "ada", v.Learners[0].Name)
	assert.Equal(t, "21 min", v.Learners[0].OnTODO, "on the TODO since before the restart")
	assert.True(t, v.Learners[0].Stuck)

	require.NoError(t, os.WriteFile(path, []byte("{"), 0o600))
	assert.Error(t, newClass("", cols, defaultStuck, clock.Now).loadState(path), "a damaged state file is said, not overwritten")
}

// TestClassFromFiles: course class ada.json bo.json -o class.html builds
// the page from learners' course -json output.
func TestClassFromFiles(t *testing.T) {
	cols := courseColumns(t)
	dir := t.TempDir()
	at := time.Now().UTC().Truncate(time.Second)
	write := func(file string, st *Status) string {
		data, err := json.Marshal(st)
		require.NoError(t, err)
		path := filepath.Join(dir, file)
		require.NoError(t, os.WriteFile(path, data, 0o644))
		return path
	}
	ada := statusAt(cols, 1, "ada", at, 20*time.Minute, []int64{300})
	bo := statusAt(cols, 1, "", at, time.Minute, []int64{500})
	files := []string{write("ada.json", ada), write("bo.json", bo)}
	out := filepath.Join(dir, "class.html")

	var stdout, stderr bytes.Buffer
	require.NoError(t, run(t.Context(), append([]string{"class", "-o", out}, files...), &stdout, &stderr))
	assert.Contains(t, stdout.String(), "2 learners")
	page, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(page), `<td class="name">ada</td>`)
	assert.Contains(t, string(page), `<td class="name">bo</td>`, "no name in the file: the file's")
	assert.Contains(t, string(page), `<strong class="flag">stuck</strong>`, "ada: 20 min on one TODO")
	assert.Contains(t, string(page), "<td>6 min</td>", "the median of 5 and 8 min")
	assert.NotContains(t, string(page), "<script", "a snapshot runs no script")

	// A file that is not course -json output is said, by name.
	bad := filepath.Join(dir, "notes.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"hello": 1}`), 0o644))
	err = run(t.Context(), []string{"class", "-o", out, bad}, &stdout, &stderr)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "notes.json")
}

// statusAt is the status of a learner on TODO i of the course (cols[i]),
// on it for onIt, the TODOs before it in its step done, those having
// taken took[k] seconds.
func statusAt(cols []column, i int, name string, at time.Time, onIt time.Duration, took []int64) *Status {
	col := cols[i]
	since := at.Add(-onIt)
	st := &Status{Name: name, At: at, HintsUsed: 2}
	done := 0
	for k, c := range cols[:i] {
		if c.Step != col.Step {
			continue
		}
		done++
		if k < len(took) {
			st.Took = append(st.Took, Took{Step: c.Step, TODO: c.Label, Seconds: took[k]})
		}
	}
	step := &StepStatus{Step: col.Step, State: stateInProgress, Done: done, Passed: 4, Failed: 1, RanAt: &at}
	st.Steps = []*StepStatus{step}
	st.LastRun = &at
	st.Next = &Next{Step: col.Step, TODO: &TODO{N: col.N, File: strings.TrimSuffix(strings.SplitN(col.Label, "(", 2)[1], ")")}, Since: &since, OnTODOSeconds: int64(onIt / time.Second), HintsUsed: 1}
	return st
}

// TestObserve: the course records when the learner came to a TODO, how
// long each took, and the hints shown.
func TestObserve(t *testing.T) {
	clock := newTestClock()
	c := &course{root: t.TempDir(), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, now: clock.Now, name: "ada"}
	todos := []TODO{{N: 1, File: "login.go"}, {N: 2, File: "users.go"}}
	at := func(next int) *Status {
		s := &StepStatus{Step: "step01-login", TODOs: append([]TODO(nil), todos...), Tested: true}
		s.setDone(next)
		st := &Status{Steps: []*StepStatus{s}}
		st.Next = s.next()
		if next == 0 {
			st.Next = nil
		}
		return st
	}
	s := at(1)
	s.Steps[0].NextTODO = 1
	s.Next = s.Steps[0].next()
	c.observe(s)
	assert.Equal(t, "ada", s.Name)
	assert.Equal(t, int64(0), s.Next.OnTODOSeconds)

	clock.Advance(7 * time.Minute)
	s = at(1)
	s.Steps[0].NextTODO = 1
	s.Next = s.Steps[0].next()
	c.observe(s)
	assert.Equal(t, int64(7*60), s.Next.OnTODOSeconds, "on TODO 1 since the first status that named it")

	require.NoError(t, c.writeProgress(&progress{Hints: map[string]map[string]int{"step01-login": {"TODO 1 (login.go)": 2, "TODO 2 (users.go)": 1}}}))
	clock.Advance(3 * time.Minute)
	s = at(2)
	s.Steps[0].NextTODO = 2
	s.Next = s.Steps[0].next()
	c.observe(s)
	assert.Equal(t, []Took{{Step: "step01-login", TODO: "TODO 1 (login.go)", Seconds: 600}}, s.Took, "TODO 1 took 10 min")
	assert.Equal(t, int64(0), s.Next.OnTODOSeconds, "TODO 2: from now")
	assert.Equal(t, 1, s.Next.HintsUsed, "hints of the TODO the learner is on")
	assert.Equal(t, 3, s.HintsUsed, "hints of every TODO")

	r := s.report()
	assert.Equal(t, "ada", r.Name)
	assert.Equal(t, "TODO 2 (users.go)", r.TODO)
	assert.Equal(t, map[string]int{"step01-login": 1}, r.Done)
	data, err := json.Marshal(r)
	require.NoError(t, err)
	for _, never := range []string{"failure", "message", "description", "output"} {
		assert.NotContains(t, string(data), never, "only status travels")
	}
}

// TestTellClassWarnsOnce: a class that is down does not stop watch; it is
// said once, and once more when it answers again.
func TestTellClassWarnsOnce(t *testing.T) {
	cols := courseColumns(t)
	clock := newTestClock()
	cl := newClass(testCode, cols, defaultStuck, clock.Now)
	srv := httptest.NewServer(cl.handler())
	var stderr bytes.Buffer
	c := &course{stdout: &bytes.Buffer{}, stderr: &stderr, name: "ada"}
	st := statusAt(cols, 0, "ada", clock.Now(), time.Minute, nil)
	cc, err := newClassClient(srv.URL, testCode, "ada")
	require.NoError(t, err)
	c.tellClass(t.Context(), cc, st)
	assert.Empty(t, stderr.String())
	require.Len(t, cl.view().Learners, 1)

	srv.Close()
	for range 3 {
		c.tellClass(t.Context(), cc, st)
	}
	assert.Equal(t, 1, strings.Count(stderr.String(), "does not answer"), "said once: %s", stderr.String())
	assert.Contains(t, stderr.String(), "watch goes on")

	again := httptest.NewServer(cl.handler())
	t.Cleanup(again.Close)
	wrong, err := newClassClient(again.URL, "wrong-code", "ada")
	require.NoError(t, err)
	c.classDown = false
	c.tellClass(t.Context(), wrong, st)
	assert.Contains(t, stderr.String(), "refuses your status (403 Forbidden: wrong or missing class code")
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		xs   []int64
		want int64
	}{{[]int64{5}, 5}, {[]int64{9, 1, 5}, 5}, {[]int64{1, 2, 3, 100}, 2}, {[]int64{600, 60, 36000}, 600}} {
		got, ok := median(tt.xs)
		assert.True(t, ok)
		assert.Equal(t, tt.want, got, "median(%v)", tt.xs)
	}
	_, ok := median(nil)
	assert.False(t, ok)
}

func TestClassUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-addr", ":0", "status"},
		{"-class", "http://127.0.0.1:1", "status"},
		{"watch", "-class", "http://127.0.0.1:1", "-name", "ada"},    // no code
		{"watch", "-class", "http://127.0.0.1:1", "-code", "x"},      // no name
		{"watch", "-class", "ftp://x", "-code", "x", "-name", "ada"}, // not http
		{"class", "-stuck", "0s"},
		{"hint", "-name", "ada"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), args, &stdout, &stderr)
		var ue usageError
		assert.ErrorAs(t, err, &ue, "%q", args)
	}
}

// TestClassCommand runs course class as the instructor does: it prints
// the page's address and a fresh code, takes a learner's report, and
// stops cleanly on Ctrl-C, the state written.
func TestClassCommand(t *testing.T) {
	var out bytes.Buffer
	c, err := openAt(mustRoot(t), &out, &out)
	require.NoError(t, err)
	state := filepath.Join(t.TempDir(), "class.json")
	ctx, cancel := context.WithCancel(t.Context())
	addrs := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- c.class(ctx, classOptions{addr: "127.0.0.1:0", state: state, ready: func(addr string) { addrs <- addr }})
	}()
	var addr string
	select {
	case addr = <-addrs:
	case err := <-done:
		require.FailNow(t, "course class ended", "%v", err)
	}
	printed := out.String()
	m := regexp.MustCompile(`Class code: ([a-z2-9]{5}-[a-z2-9]{5})\n`).FindStringSubmatch(printed)
	require.NotNil(t, m, "the code is printed: %s", printed)
	code := m[1]
	_, port, _ := net.SplitHostPort(addr)
	assert.Contains(t, printed, "http://127.0.0.1:"+port+"/")
	assert.Contains(t, printed, "watch -class http://127.0.0.1:"+port+" -code "+code+" -name ")
	assert.Contains(t, printed, "listening on this machine only")

	cols := courseColumns(t)
	cc, err := newClassClient("http://"+addr, code, "ada")
	require.NoError(t, err)
	require.NoError(t, cc.send(t.Context(), aReport(cols, "ada", time.Now())))
	other, err := newClassCode()
	require.NoError(t, err)
	assert.NotEqual(t, code, other, "a new code for each class")

	cancel()
	require.NoError(t, <-done, "Ctrl-C stops the class cleanly")
	data, err := os.ReadFile(state)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"code": "`+code+`"`)
	assert.Contains(t, string(data), `"name": "ada"`)
}
