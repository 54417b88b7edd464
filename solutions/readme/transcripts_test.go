//go:build unix

package readme

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestTranscripts replays every transcript of every document, or finds it
// marked as illustrative (see the package comment). It runs under -short
// too: a README must never show what the code does not do. Issue 18: step
// 03's README showed a forged HS512 token refused as proof of the pinned
// algorithm, while the same token signed HS256 was refused too (it had no
// iat), and every README carried its author's absolute paths.
func TestTranscripts(t *testing.T) {
	root := repoRoot(t)
	neverCache(t)
	env := newReplayEnv(t, root)
	for _, path := range markdownFiles(t, root) {
		rel, err := filepath.Rel(root, path)
		require.NoError(t, err)
		text, err := os.ReadFile(path)
		require.NoError(t, err)
		trs, orphans := transcripts(filepath.ToSlash(rel), string(text))
		for _, o := range orphans {
			t.Errorf("%s: a bare ``` block is program output, and this one has no command next to it: show the command (a ```sh block just above it, or \"$ command\" lines), or mark it with <!-- illustrative: why --> on the line before; a diagram or a grammar is a ```text block", o)
		}
		var replay []transcript
		for _, tr := range trs {
			switch {
			case tr.marker == "":
				replay = append(replay, tr)
			case strings.HasPrefix(tr.marker, "replayed by "):
				checkReplayedBy(t, root, tr)
			}
		}
		if len(replay) == 0 {
			continue
		}
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			var shell *session
			var goTest *goTestRun
			goTestRan := false
			for i, tr := range replay {
				if strings.Contains(tr.command, "go test") {
					if !goTestRan {
						goTest, goTestRan = env.goTestRuns(t, tr.file, replay[i:]), true
					}
					replayGoTest(t, tr, goTest)
					continue
				}
				if shell == nil {
					shell = env.newSession(t)
				}
				shell.replay(t, tr)
			}
		})
	}
}

// checkReplayedBy asserts that the test a marker names exists: a
// transcript is exempt only when another test really replays it.
func checkReplayedBy(t *testing.T, root string, tr transcript) {
	t.Helper()
	f := strings.Fields(tr.marker) // replayed by dir TestName
	dir, name := f[2], f[3]
	files, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(dir), "*_test.go"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil && bytes.Contains(b, []byte("func "+name+"(")) {
			return
		}
	}
	t.Errorf("%s: marked <!-- %s -->, but %s has no test %s: replay the transcript there, or mark it <!-- illustrative: why -->", tr.where(), tr.marker, dir, name)
}

// report is the failure message of a transcript the replay contradicts.
func report(t *testing.T, tr transcript, replayed, difference string) {
	t.Helper()
	t.Errorf("%s: the transcript does not match a replay against the code as committed\n$ %s\n%s(the replay ran: %s)\nFix the document, or the code; mark a transcript that cannot be replayed with <!-- illustrative: why --> on the line before its block.",
		tr.where(), strings.ReplaceAll(tr.command, "\n", "\n  "), difference, strings.ReplaceAll(replayed, "\n", "; "))
}

// replayEnv is what every replay shares: the solved servers, built once,
// and a directory whose "curl" is this test binary.
type replayEnv struct {
	root     string
	binDir   string
	built    chan struct{} // closed when the servers are built
	buildErr error
	path     string // PATH for the shell: the fake curl first
	tmp      string
}

var stepDirRe = regexp.MustCompile(`^step\d\d-[a-z0-9-]+$`)

func newReplayEnv(t *testing.T, root string) *replayEnv {
	t.Helper()
	tmp := t.TempDir()
	e := &replayEnv{root: root, binDir: filepath.Join(tmp, "bin"), tmp: tmp}
	require.NoError(t, os.MkdirAll(e.binDir, 0o755))
	fake := filepath.Join(tmp, "fake")
	require.NoError(t, os.MkdirAll(fake, 0o755))
	exe, err := os.Executable()
	require.NoError(t, err)
	script := fmt.Sprintf("#!/bin/sh\n%s=1 exec '%s' \"$@\"\n", fakeCurlEnv, exe)
	require.NoError(t, os.WriteFile(filepath.Join(fake, "curl"), []byte(script), 0o755))
	e.path = fake + string(os.PathListSeparator) + os.Getenv("PATH")

	// Every solved step, built in one go command.
	steps, err := filepath.Glob(filepath.Join(root, "solutions", "step*"))
	require.NoError(t, err)
	args := []string{"build", "-o", e.binDir + string(os.PathSeparator)}
	for _, s := range steps {
		if stepDirRe.MatchString(filepath.Base(s)) {
			args = append(args, "./"+filepath.Base(s))
		}
	}
	e.built = make(chan struct{})
	go func() {
		defer close(e.built)
		cmd := exec.Command("go", args...)
		cmd.Dir = filepath.Join(root, "solutions")
		if out, err := cmd.CombinedOutput(); err != nil {
			e.buildErr = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}()
	t.Cleanup(func() { <-e.built })
	return e
}

// waitBuilt waits for the servers' build, which runs while the go test
// replays do.
func (e *replayEnv) waitBuilt(t *testing.T) {
	t.Helper()
	<-e.built
	require.NoError(t, e.buildErr)
}

// session is one bash process that runs a document's commands in order,
// so that a variable set in one block is there in the next.
type session struct {
	env     *replayEnv
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	out     chan []byte
	buf     []byte
	n       int
	apiPort string
}

// srvFunc starts a step's server in the background (stopping the one
// before), and prints what it printed once it has printed the lines the
// transcript shows, or exited ("exit status N", as go run says).
const srvFunc = `
srv() {
  if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; SRV_PID=; fi
  want=$1; shift
  : >"$SRV_LOG"
  "$@" >"$SRV_LOG" 2>&1 &
  SRV_PID=$!
  i=0
  while [ $i -lt 1500 ]; do
    if ! kill -0 "$SRV_PID" 2>/dev/null; then
      wait "$SRV_PID"; rc=$?; SRV_PID=
      cat "$SRV_LOG"; [ $rc -ne 0 ] && echo "exit status $rc"
      return
    fi
    [ "$(wc -l <"$SRV_LOG")" -ge "$want" ] && break
    sleep 0.02; i=$((i+1))
  done
  cat "$SRV_LOG"
  API_PORT=$(sed -n 's#^API listening on http://.*:\([0-9][0-9]*\)$#\1#p' "$SRV_LOG")
}
trap 'if [ -n "$SRV_PID" ]; then kill "$SRV_PID"; fi' EXIT
exec 2>&1
`

func (e *replayEnv) newSession(t *testing.T) *session {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("bash", "--noprofile", "--norc")
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + e.path, "HOME=" + dir, "LC_ALL=C.UTF-8", "TERM=dumb",
		"SRV_LOG=" + filepath.Join(dir, "server.log"), "BIN=" + e.binDir,
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	s := &session{env: e, cmd: cmd, stdin: stdin, out: make(chan []byte, 64)}
	go func() {
		b := make([]byte, 32<<10)
		for {
			n, err := stdout.Read(b)
			if n > 0 {
				s.out <- append([]byte(nil), b[:n]...)
			}
			if err != nil {
				close(s.out)
				return
			}
		}
	}()
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
		// Whatever a transcript left running in the background is in the
		// shell's process group: stop it with the shell.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	})
	_, err = io.WriteString(stdin, srvFunc)
	require.NoError(t, err)
	return s
}

// run runs a shell text and returns what it printed.
func (s *session) run(t *testing.T, text string) (string, bool) {
	t.Helper()
	s.n++
	end := fmt.Sprintf("\n__replay_end_%d__\n", s.n)
	if _, err := fmt.Fprintf(s.stdin, "%s\nprintf '\\n__replay_end_%d__\\n'\n", text, s.n); err != nil {
		return err.Error(), false
	}
	deadline := time.After(60 * time.Second)
	for {
		if k := bytes.Index(s.buf, []byte(end)); k >= 0 {
			out := string(s.buf[:k])
			s.buf = s.buf[k+len(end):]
			return out, true
		}
		select {
		case b, ok := <-s.out:
			if !ok {
				return string(s.buf) + "\n(the shell exited)", false
			}
			s.buf = append(s.buf, b...)
		case <-deadline:
			return string(s.buf) + "\n(no end after 60 s)", false
		}
	}
}

var (
	goRunRe  = regexp.MustCompile(`^(.*?)\bgo run (\S+)(.*?)\s*(#.*)?$`)
	apiURLRe = regexp.MustCompile(`\b(localhost|127\.0\.0\.1):3\d\d\d\b`)
)

var (
	refusedRe = regexp.MustCompile(`^(HTTP/\S+ )?40[13]\b`)
	reasonRe  = regexp.MustCompile(`"message":"[^"]+"`)
)

// showsReason reports whether a transcript that shows a refusal (401 or
// 403) also shows its reason, the body's message: a status alone cannot
// tell a pinned algorithm from a missing claim (issue 18).
func showsReason(want []string) bool {
	refused := false
	for _, l := range want {
		if refusedRe.MatchString(l) {
			refused = true
		}
		if reasonRe.MatchString(l) {
			return true
		}
	}
	return !refused
}

// replay runs one transcript in the session and compares its output.
func (s *session) replay(t *testing.T, tr transcript) {
	t.Helper()
	if !showsReason(tr.want) {
		t.Errorf("%s: the transcript shows a refusal without its reason: show the body's \"message\" too (curl -i, or curl -s), so that the replay checks why, not only the status\n$ %s", tr.where(), tr.command)
	}
	wantLines := 0
	for _, l := range tr.want {
		if strings.TrimSpace(l) != "…" {
			wantLines++
		}
	}
	busy := strings.Contains(strings.Join(tr.want, "\n"), "address already in use")
	var lines []string
	for _, l := range strings.Split(tr.command, "\n") {
		m := goRunRe.FindStringSubmatch(l)
		if m == nil {
			if s.apiPort != "" {
				l = apiURLRe.ReplaceAllString(l, "${1}:"+s.apiPort)
			}
			lines = append(lines, l)
			continue
		}
		s.env.waitBuilt(t)
		step, ok := stepOf(tr.file, m[2])
		if !ok {
			t.Errorf("%s: go run %s: the replay knows only a step's server (go run . in a step, go run ./solutions/stepNN-…)", tr.where(), m[2])
			return
		}
		addr := "localhost:0"
		if busy {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			defer ln.Close()
			addr = "localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		}
		args := rewriteAddrs(strings.Fields(m[3]), addr, hasWeb(s.env.root, step))
		lines = append(lines, fmt.Sprintf(`%ssrv %d "$BIN/%s" %s`, m[1], wantLines, step, strings.Join(args, " ")))
	}
	text := strings.Join(lines, "\n")
	out, ok := s.run(t, text)
	if strings.Contains(text, "srv ") {
		port, _ := s.run(t, `printf '%s' "$API_PORT"`)
		s.apiPort = strings.TrimSpace(port)
	}
	got := strings.Split(out, "\n")
	if !ok {
		report(t, tr, text, "the replay did not finish:\n"+out+"\n")
		return
	}
	if d := match(tr.want, got); d != "" {
		report(t, tr, text, d)
	}
}

// stepOf is the step a go run target names.
func stepOf(file, target string) (string, bool) {
	if target == "." {
		dir := strings.Split(file, "/")[0]
		return dir, stepDirRe.MatchString(dir)
	}
	step := filepath.Base(target)
	return step, stepDirRe.MatchString(step) && strings.Contains(target, "solutions/")
}

func hasWeb(root, step string) bool {
	_, err := os.Stat(filepath.Join(root, "solutions", step, "web"))
	return err == nil
}

// rewriteAddrs points -addr at addr and -web-addr at a free port, adding
// them where the command relies on the defaults.
func rewriteAddrs(args []string, addr string, web bool) []string {
	var out []string
	seenAddr, seenWeb := false, false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case (a == "-addr" || a == "--addr") && i+1 < len(args):
			out = append(out, a, addr)
			i++
			seenAddr = true
		case strings.HasPrefix(a, "-addr="):
			out = append(out, "-addr="+addr)
			seenAddr = true
		case (a == "-web-addr" || a == "--web-addr") && i+1 < len(args):
			out = append(out, a, "localhost:0")
			i++
			seenWeb = true
		case strings.HasPrefix(a, "-web-addr="):
			out = append(out, "-web-addr=localhost:0")
			seenWeb = true
		default:
			out = append(out, a)
		}
	}
	if !seenAddr {
		out = append(out, "-addr", addr)
	}
	if web && !seenWeb {
		out = append(out, "-web-addr", "localhost:0")
	}
	return out
}

var failRe = regexp.MustCompile(`^--- FAIL: (Test\w+) `)

// goTestRun is one go test run of a starter, shared by the transcripts
// of a document: each shows a prefix of the same output (the first
// failures, "…" for the rest), or that output through grep.
type goTestRun struct {
	names []string
	out   []string
	err   string // why it was not run; "" if it was
}

// grepRe is a transcript's filter: go test … 2>&1 | grep -E [--] 'pattern'.
var grepRe = regexp.MustCompile(`^go test ./\.\.\. 2>&1 \| grep -E (?:-- )?'([^']+)'$`)

// goTestRuns runs, once, in the starter of the document's step, every
// failing test the document's go test transcripts show.
func (e *replayEnv) goTestRuns(t *testing.T, file string, trs []transcript) *goTestRun {
	t.Helper()
	r := &goTestRun{}
	step := strings.Split(file, "/")[0]
	seen := map[string]bool{}
	for _, tr := range trs {
		if !strings.Contains(tr.command, "go test") {
			continue
		}
		for _, l := range tr.want {
			if m := failRe.FindStringSubmatch(l); m != nil && !seen[m[1]] {
				seen[m[1]] = true
				r.names = append(r.names, m[1])
			}
		}
	}
	if len(r.names) == 0 {
		return r
	}
	if !stepDirRe.MatchString(step) {
		r.err = "a go test transcript outside a step: the replay runs a step's starter tests"
		return r
	}
	if st, err := exec.Command("git", "-C", e.root, "status", "--porcelain", "--", step+"/*.go", step+"/web").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		t.Logf("%s: go test transcripts not replayed: %s differs from git's HEAD (worked on in place)", file, step)
		return nil
	}
	args := []string{"test", "-count=1", "-run", "^(" + strings.Join(r.names, "|") + ")$", "./..."}
	cmd := exec.Command("go", args...)
	cmd.Dir = filepath.Join(e.root, step)
	out, _ := cmd.CombinedOutput()
	if bytes.Contains(out, []byte("no Chromium/Chrome found")) && os.Getenv("CI") == "" {
		t.Logf("%s: go test transcripts not replayed: they show browser tests, and no Chromium/Chrome is installed", file)
		return nil
	}
	r.out = strings.Split(string(out), "\n")
	return r
}

// replayGoTest compares a go test transcript of a starter with the run.
func replayGoTest(t *testing.T, tr transcript, run *goTestRun) {
	t.Helper()
	if run == nil {
		return // not replayed, and logged why
	}
	if run.err != "" {
		t.Errorf("%s: %s", tr.where(), run.err)
		return
	}
	var names []string
	for _, l := range tr.want {
		if m := failRe.FindStringSubmatch(l); m != nil {
			names = append(names, m[1])
		}
	}
	if len(names) == 0 {
		t.Errorf("%s: a go test transcript with no \"--- FAIL: Test…\" line: the replay shows a starter's failures; mark others <!-- illustrative: why -->", tr.where())
		return
	}
	got := run.out
	command := strings.TrimSpace(tr.command[strings.LastIndex(tr.command, "\n")+1:])
	if m := grepRe.FindStringSubmatch(command); m != nil {
		re, err := regexp.Compile(m[1])
		if err != nil {
			t.Errorf("%s: grep -E %q: %v", tr.where(), m[1], err)
			return
		}
		got = nil
		for _, l := range run.out {
			if re.MatchString(l) {
				got = append(got, l)
			}
		}
	} else if strings.Contains(command, "|") {
		t.Errorf("%s: %s: the replay knows one filter, grep -E 'pattern'; mark others <!-- illustrative: why -->", tr.where(), command)
		return
	}
	if d := match(tr.want, got); d != "" {
		report(t, tr, "go test -count=1 -run '^("+strings.Join(run.names, "|")+")$' ./... in the starter", d)
	}
}
