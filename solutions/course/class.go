package main

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"tokenrefresh/solutions/coursecheck"
)

// The class view: the instructor's server (course class), which learners'
// watch -class feed with their status, and its page.

const (
	// codeHeader carries the class code on a learner's report.
	codeHeader = "Class-Code"
	// maxReportBytes bounds a report's body: a report is well under 2 KiB.
	maxReportBytes = 8 << 10
	// maxNameRunes bounds a learner's name.
	maxNameRunes = 64
	// maxSpan bounds any duration in a report (a course is not a month).
	maxSpan = 30 * 24 * time.Hour
	// defaultStuck is after how long on one TODO a learner is flagged.
	defaultStuck = 15 * time.Minute
	// defaultClassAddr is where course class listens: loopback only.
	defaultClassAddr = "127.0.0.1:4900"
)

// codeAlphabet has no letter or digit that reads as another (no i, l, o,
// 0, 1): the code is read off a projector.
const codeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newClassCode returns a random class code, "xxxxx-xxxxx" (about 49
// bits, from crypto/rand).
func newClassCode() (string, error) {
	var b strings.Builder
	for i := range 10 {
		if i == 5 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(codeAlphabet))))
		if err != nil {
			return "", err
		}
		b.WriteByte(codeAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// column is one TODO of the course: a column of the class view.
type column struct {
	Step  string
	N     int
	Label string // "TODO 2 (users.go)"
}

// classColumns lists every TODO of the course, step by step, in order.
func (c *course) classColumns() ([]column, error) {
	var cols []column
	for _, name := range c.steps {
		s, err := c.loadStep(name)
		if err != nil {
			return nil, err
		}
		for _, n := range s.todos.Numbers() {
			cols = append(cols, column{Step: name, N: n, Label: coursecheck.Label{N: n, File: s.todos[n]}.String()})
		}
	}
	return cols, nil
}

// class is the state of the class: one row per learner, in memory,
// guarded by mu; written to statePath (when set) after each change.
type class struct {
	code      string
	stuck     time.Duration
	now       func() time.Time
	columns   []column
	statePath string
	poll      int       // the page's poll, in milliseconds; 0: classPoll
	log       io.Writer // where a state file that cannot be written is said; nil: nowhere

	mu   sync.Mutex
	rows map[string]*row // by name
}

// row is a learner's last report, its times on the class's clock.
type row struct {
	Report
	Since   time.Time `json:"since"`             // on the TODO since
	RanAt   time.Time `json:"ran_at,omitzero"`   // the last test run
	Seen    time.Time `json:"seen"`              // when the report came
	Rejoins int       `json:"rejoins,omitempty"` // reports after the first, for the tests and the curious
}

func newClass(code string, columns []column, stuck time.Duration, now func() time.Time) *class {
	if now == nil {
		now = time.Now
	}
	return &class{code: code, stuck: stuck, now: now, columns: columns, rows: map[string]*row{}}
}

// validate refuses a report the page could not show: an empty or long
// name, control characters, a step or TODO the course does not have,
// counts out of range. A name may hold any other text, markup included:
// the page shows it as text.
func (cl *class) validate(r *Report) error {
	r.Name = strings.TrimSpace(r.Name)
	switch n := utf8.RuneCountInString(r.Name); {
	case !utf8.ValidString(r.Name):
		return errors.New("name: not UTF-8")
	case n == 0:
		return errors.New("name: empty (watch -name ada)")
	case n > maxNameRunes:
		return fmt.Errorf("name: %d characters, at most %d", n, maxNameRunes)
	case strings.IndexFunc(r.Name, unicode.IsControl) >= 0:
		return errors.New("name: control characters")
	}
	if r.At.IsZero() {
		return errors.New("at: missing")
	}
	todos := map[string][]string{}
	for _, col := range cl.columns {
		todos[col.Step] = append(todos[col.Step], col.Label)
	}
	switch {
	case r.Step == "" && r.TODO != "":
		return fmt.Errorf("todo %.40q without a step", r.TODO)
	case r.Step != "" && todos[r.Step] == nil:
		return fmt.Errorf("step %.40q: the course has no such step", r.Step)
	case r.TODO != "" && !slices.Contains(todos[r.Step], r.TODO):
		return fmt.Errorf("todo %.40q: %s has no such TODO", r.TODO, r.Step)
	}
	span := int64(maxSpan / time.Second)
	if r.OnTODOSeconds < 0 || r.OnTODOSeconds > span {
		return fmt.Errorf("on_todo_seconds: %d, want 0 to %d", r.OnTODOSeconds, span)
	}
	for what, n := range map[string]int{"hints_used": r.HintsUsed, "hints_total": r.HintsTotal, "passed": r.Passed, "failed": r.Failed} {
		if n < 0 || n > 10000 {
			return fmt.Errorf("%s: %d, want 0 to 10000", what, n)
		}
	}
	for step, n := range r.Done {
		if todos[step] == nil || n < 0 || n > len(todos[step]) {
			return fmt.Errorf("done: %.40q: %d", step, n)
		}
	}
	if len(r.Took) > len(cl.columns) {
		return fmt.Errorf("took: %d entries, the course has %d TODOs", len(r.Took), len(cl.columns))
	}
	for _, t := range r.Took {
		if !slices.Contains(todos[t.Step], t.TODO) || t.Seconds < 0 || t.Seconds > span {
			return fmt.Errorf("took: %.40q %.40q %d s", t.Step, t.TODO, t.Seconds)
		}
	}
	return nil
}

// add records a report (a new row, or the learner's row again: a learner
// who rejoins keeps their row), its times moved to the class's clock:
// on the TODO since now - on_todo_seconds, whatever the learner's clock.
func (cl *class) add(r Report) error {
	if err := cl.validate(&r); err != nil {
		return err
	}
	now := cl.now().UTC().Truncate(time.Second)
	cl.mu.Lock()
	defer cl.mu.Unlock()
	rw := &row{Report: r, Since: now.Add(-time.Duration(r.OnTODOSeconds) * time.Second), Seen: now}
	if !r.LastRun.IsZero() {
		ago := min(max(r.At.Sub(r.LastRun), 0), maxSpan)
		rw.RanAt = now.Add(-ago).Truncate(time.Second)
	}
	if old := cl.rows[r.Name]; old != nil {
		rw.Rejoins = old.Rejoins + 1
	}
	cl.rows[r.Name] = rw
	if err := cl.saveLocked(); err != nil && cl.log != nil {
		fmt.Fprintf(cl.log, "course class: the state is not written: %v\n", err)
	}
	return nil
}

// classState is what -state writes: the code, so that learners' watch
// goes on after a restart, and the rows.
type classState struct {
	Code     string `json:"code"`
	Learners []*row `json:"learners"`
}

// saveLocked writes the state file (cl.mu held), through a temporary file
// so that a crash never leaves half a file.
func (cl *class) saveLocked() error {
	if cl.statePath == "" {
		return nil
	}
	st := classState{Code: cl.code, Learners: cl.sortedLocked()}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := cl.statePath + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, cl.statePath)
}

// loadState reads a state file back: the code and the rows. A missing
// file is no error (the first run).
func (cl *class) loadState(path string) error {
	cl.statePath = path
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var st classState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if st.Code != "" {
		cl.code = st.Code
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for _, rw := range st.Learners {
		if rw == nil || cl.validate(&rw.Report) != nil {
			continue // a row of another version of the course
		}
		cl.rows[rw.Name] = rw
	}
	return nil
}

func (cl *class) sortedLocked() []*row {
	rows := make([]*row, 0, len(cl.rows))
	for _, rw := range cl.rows {
		rows = append(rows, rw)
	}
	slices.SortFunc(rows, func(a, b *row) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return rows
}

// The view: what the page shows, and what /class.json answers.
type classView struct {
	At         string        `json:"at"`
	StuckAfter string        `json:"stuck_after"`
	Stuck      int           `json:"stuck"` // learners flagged
	TODOs      []todoView    `json:"todos"`
	Learners   []learnerView `json:"learners"`
}

type todoView struct {
	Step          string `json:"step"`
	Label         string `json:"label"`
	Short         string `json:"short"` // "01.2"
	Here          int    `json:"here"`  // learners on it now
	Median        string `json:"median"`
	MedianSeconds int64  `json:"median_seconds"`
	Took          int    `json:"took"` // learners who moved past it, with a time
}

type learnerView struct {
	Name          string     `json:"name"`
	Step          string     `json:"step"`
	TODO          string     `json:"todo"`
	OnTODO        string     `json:"on_todo"`
	OnTODOSeconds int64      `json:"on_todo_seconds"`
	Hints         string     `json:"hints"`
	LastRun       string     `json:"last_run"`
	Tests         string     `json:"tests"`
	Stuck         bool       `json:"stuck"`
	Cells         []cellView `json:"cells"` // one per TODO
}

type cellView struct {
	Class string `json:"class"` // "here", "done" or ""
	Mark  string `json:"mark"`
}

// view computes the page's content now.
func (cl *class) view() classView {
	now := cl.now().UTC().Truncate(time.Second)
	cl.mu.Lock()
	rows := cl.sortedLocked()
	cl.mu.Unlock()

	v := classView{At: now.Local().Format("15:04:05"), StuckAfter: shortDuration(cl.stuck), TODOs: make([]todoView, len(cl.columns)), Learners: []learnerView{}}
	took := make([][]int64, len(cl.columns))
	index := map[[2]string]int{}
	for i, col := range cl.columns {
		index[[2]string{col.Step, col.Label}] = i
		v.TODOs[i] = todoView{Step: col.Step, Label: col.Label, Short: fmt.Sprintf("%s.%d", strings.TrimPrefix(col.Step[:len("step00")], "step"), col.N)}
	}
	for _, rw := range rows {
		onTODO := max(now.Sub(rw.Since), 0)
		lv := learnerView{Name: rw.Name, Step: or(rw.Step, "every step done"), TODO: rw.TODO, Hints: fmt.Sprintf("%d (%d in all)", rw.HintsUsed, rw.HintsTotal), LastRun: "never", Tests: fmt.Sprintf("%d passed, %d failed", rw.Passed, rw.Failed), Cells: make([]cellView, len(cl.columns))}
		if rw.Step != "" {
			lv.OnTODO, lv.OnTODOSeconds = shortDuration(onTODO), int64(onTODO/time.Second)
			lv.Stuck = rw.TODO != "" && onTODO > cl.stuck
		}
		if lv.Stuck {
			v.Stuck++
		}
		if !rw.RanAt.IsZero() {
			lv.LastRun = shortDuration(max(now.Sub(rw.RanAt), 0)) + " ago"
		}
		for i, col := range cl.columns {
			if col.N <= rw.Done[col.Step] {
				lv.Cells[i] = cellView{Class: "done", Mark: "✓"}
			}
		}
		if i, ok := index[[2]string{rw.Step, rw.TODO}]; ok {
			lv.Cells[i] = cellView{Class: "here", Mark: "●"}
			v.TODOs[i].Here++
		}
		for _, t := range rw.Took {
			if i, ok := index[[2]string{t.Step, t.TODO}]; ok {
				took[i] = append(took[i], t.Seconds)
			}
		}
		v.Learners = append(v.Learners, lv)
	}
	for i := range v.TODOs {
		v.TODOs[i].Took = len(took[i])
		v.TODOs[i].Median = "–"
		if m, ok := median(took[i]); ok {
			v.TODOs[i].MedianSeconds = m
			v.TODOs[i].Median = shortDuration(time.Duration(m) * time.Second)
		}
	}
	return v
}

// median is the middle value (the mean of the two middle ones for an
// even count), in whole seconds; false for none.
func median(xs []int64) (int64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

// shortDuration writes d for a glance: "45 s", "12 min", "1 h 05 min".
func shortDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", d/time.Second)
	case d < time.Hour:
		return fmt.Sprintf("%d min", d/time.Minute)
	default:
		return fmt.Sprintf("%d h %02d min", d/time.Hour, d%time.Hour/time.Minute)
	}
}

// handler serves the class: the page and its JSON to the instructor's
// own machine (loopback) only, reports from learners who have the code.
func (cl *class) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", instructorOnly(http.HandlerFunc(cl.servePage)))
	mux.Handle("GET /class.json", instructorOnly(http.HandlerFunc(cl.serveView)))
	mux.HandleFunc("GET /class.js", serveAsset("class.js", "text/javascript; charset=utf-8"))
	mux.HandleFunc("GET /class.css", serveAsset("class.css", "text/css; charset=utf-8"))
	mux.HandleFunc("POST /status", cl.serveReport)
	return mux
}

// instructorOnly answers only requests from this machine: the learners
// send their status, but the class's page is the instructor's.
func instructorOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			writeJSONError(w, http.StatusForbidden, "the class's page is shown only on the machine that runs course class: open http://127.0.0.1:PORT/ there")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (cl *class) serveView(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, cl.view())
}

// serveReport takes a learner's report: the code first (403), then a
// bounded body (413), then strict JSON (400), then its content (400).
func (cl *class) serveReport(w http.ResponseWriter, r *http.Request) {
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(codeHeader)), []byte(cl.code)) != 1 {
		writeJSONError(w, http.StatusForbidden, "wrong or missing class code: join with watch -class URL -code CODE, the code course class printed")
		return
	}
	if mt := r.Header.Get("Content-Type"); !strings.HasPrefix(mt, "application/json") {
		writeJSONError(w, http.StatusUnsupportedMediaType, "the body must be JSON (Content-Type: application/json)")
		return
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxReportBytes))
	dec.DisallowUnknownFields()
	var rep Report
	err := dec.Decode(&rep)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeJSONError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a report is at most %d bytes", maxReportBytes))
		return
	case err != nil:
		writeJSONError(w, http.StatusBadRequest, "not a report: "+err.Error())
		return
	}
	if err := cl.add(rep); err != nil {
		writeJSONError(w, http.StatusBadRequest, "not a report: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"name": strings.TrimSpace(rep.Name)})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeJSONError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// readClassFiles adds the reports in files of course -json output.
func (cl *class) readFiles(files []string) error {
	for _, f := range files {
		rep, err := readStatusFile(f)
		if err != nil {
			return err
		}
		if err := cl.add(rep); err != nil {
			return fmt.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
	return nil
}
