package readme

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"tokenrefresh/solutions/coursecheck"
)

// absPathRe finds an absolute path of somebody's machine: a home, a
// scratch or a work directory, as a test's Error Trace or a pasted command
// would carry it.
var absPathRe = regexp.MustCompile(`(^|[^A-Za-z0-9_.~/-])((?:/home|/root|/tmp|/work|/Users|/var/folders|/private/var|/mnt|/srv)/[^\s"'\x60)\]>,;]*)`)

// allowedAbsPaths are the absolute paths the course keeps on purpose,
// each with its reason. Anything else fails TestNoAbsolutePaths.
var allowedAbsPaths = map[string]string{
	// A file URL is an origin CORS must refuse (origins_test.go, steps 04
	// and 05): the path is part of the attack, not of a machine.
	"/tmp/page.html": "a file: URL in the origins tests",
	// A captured go test panic, the checker's parser fixture: its trace
	// names a module made up for the fixture.
	"/tmp/cc/fx/fx_test.go:22": "the checker's panic fixture",
	// Scratch files of step 05's measurement commands, which the learner
	// runs on their own machine.
	"/tmp/cpu.out":        "step 05's profile commands",
	"/tmp/step05.test":    "step 05's profile commands",
	"/tmp/step04":         "step 05's load-test commands",
	"/tmp/step05":         "step 05's load-test commands",
	"/tmp/tokens.txt":     "step 05's load-test commands",
	"/tmp/tokens-due.txt": "step 05's load-test commands",
	"/tmp/rotate.lua":     "step 05's load-test commands",
	"/tmp/gc.log":         "step 05's load-test commands",
	// The measurement of the stores of ended sessions (issue 21).
	"/tmp/three-keys":           "step 05's benchmark commands: the Redis store before one key per user",
	"/tmp/three-keys.test":      "step 05's benchmark commands: the Redis store before one key per user",
	"/tmp/one-key.test":         "step 05's benchmark commands: the Redis store now",
	"/tmp/$v.test":              "step 05's benchmark commands: either of the two above",
	"/tmp/all.txt":              "step 05's load-test commands: the tokens of 21,000 users",
	"/tmp/others.txt":           "step 05's load-test commands: the 1,000 users whose sessions are ended",
	"/tmp/users.txt":            "step 05's load-test commands: one token per user",
	"/tmp/nocheck":              "step 05's load-test commands: the server without the check",
	"/tmp/nocheck/guard.go":     "step 05's load-test commands: the server without the check",
	"/tmp/nocheck/overlay.json": "step 05's load-test commands: the server without the check",
	"/tmp/step05-nocheck":       "step 05's load-test commands: the server without the check",
}

// trackedFiles lists the files git tracks, or, without git, every file
// (coursecheck.TrackedFiles), relative to root.
func trackedFiles(t *testing.T, root string) []string {
	t.Helper()
	files, err := coursecheck.TrackedFiles(root)
	require.NoError(t, err)
	for i, f := range files {
		files[i] = filepath.FromSlash(f)
	}
	return files
}

// TestNoAbsolutePaths fails on an absolute path of a machine in a tracked
// file (issue 18: every README's sample test output carried its author's
// paths). Show a path as the learner's run prints it relative to the
// step, or elide it: "…/step01-login/login_test.go:62".
func TestNoAbsolutePaths(t *testing.T) {
	root := repoRoot(t)
	neverCache(t)
	for _, f := range trackedFiles(t, root) {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			continue // deleted in the working copy
		}
		if bytes.IndexByte(data, 0) >= 0 {
			continue // binary (the screenshots)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 1; sc.Scan(); n++ {
			for _, m := range absPathRe.FindAllStringSubmatch(sc.Text(), -1) {
				if _, ok := allowedAbsPaths[m[2]]; ok {
					continue
				}
				t.Errorf("%s:%d: the absolute path %q is a machine's, not the course's: show it relative to the step or elided (…/step01-login/login_test.go:62), or, if every learner's machine has it, add it to allowedAbsPaths in solutions/readme/paths_test.go with its reason",
					filepath.ToSlash(f), n, m[2])
			}
		}
	}
}

// abs makes an absolute path at run time, so that this file does not
// hold the paths it tests.
func abs(p string) string { return "/" + p }

func TestAbsPathRe(t *testing.T) {
	for _, tc := range []struct {
		line string
		want string
	}{
		{"        \tError Trace:\t" + abs("work/main/step01-login/login_test.go:62"), abs("work/main/step01-login/login_test.go:62")},
		{"see " + abs("home/ana/course/README.md"), abs("home/ana/course/README.md")},
		{"cp x " + abs("tmp/a.txt"), abs("tmp/a.txt")},
		{`"` + abs("Users/bo/go/src/x") + `"`, abs("Users/bo/go/src/x")},
		{"curl -o /dev/null localhost:3000", ""},
		{"/usr/bin/chromium", ""},
		{"https://example.com/home/page", ""},
		{"a/home/b", ""},
		{"…/step01-login/login_test.go:62", ""},
	} {
		got := ""
		if m := absPathRe.FindStringSubmatch(tc.line); m != nil {
			got = m[2]
		}
		if got != tc.want {
			t.Errorf("absPathRe in %q found %q; want %q", tc.line, got, tc.want)
		}
	}
}
