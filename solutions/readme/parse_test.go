package readme

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The parts of the replay that decide what is checked: a careless change
// to any of them must not let a wrong transcript pass.

func TestTranscriptsFound(t *testing.T) {
	doc := strings.Join([]string{
		"# a doc",
		"```sh",
		"go run . -addr localhost:3001",
		"```",
		"```",
		"API listening on http://127.0.0.1:3001",
		"```",
		"",
		"```",
		"$ curl -s localhost:3000/nope",
		`{"message":"no such route"}`,
		"$ curl -i localhost:3000/bbb \\",
		"  -H 'X: y'",
		"HTTP/1.1 401 Unauthorized",
		"```",
		"",
		"<!-- replayed by solutions/course TestStatus -->",
		"```",
		"$ go run ./solutions/course",
		"step01-login  done",
		"```",
		"```sh",
		"go test ./...",
		"```",
		"It prints:",
		"```",
		"--- PASS: TestX (0.00s)",
		"```",
		"```text",
		"a diagram",
		"```",
		"```text",
		"HTTP/1.1 200 OK",
		"```",
	}, "\n")
	trs, orphans := transcripts("d.md", doc)
	require.Len(t, trs, 4)
	assert.Equal(t, "go run . -addr localhost:3001", trs[0].command)
	assert.Equal(t, []string{"API listening on http://127.0.0.1:3001"}, trs[0].want)
	assert.Equal(t, 3, trs[0].line)
	assert.Equal(t, "curl -s localhost:3000/nope", trs[1].command)
	assert.Equal(t, 10, trs[1].line)
	assert.Equal(t, "curl -i localhost:3000/bbb \\\n  -H 'X: y'", trs[2].command)
	assert.Equal(t, []string{"HTTP/1.1 401 Unauthorized"}, trs[2].want)
	assert.Equal(t, "replayed by solutions/course TestStatus", trs[3].marker)
	assert.Equal(t, []string{"d.md:26", "d.md:32"}, orphans, "an output block after prose, and a text block that looks like output, need a command or a marker")
}

func TestMarkers(t *testing.T) {
	for line, want := range map[string]string{
		"<!-- illustrative -->":                            "illustrative",
		"<!-- illustrative: needs a browser -->":           "illustrative",
		"<!-- replayed by solutions/course TestStatus -->": "replayed by solutions/course TestStatus",
		"<!-- replayed by solutions/course -->":            "",
		"<!-- replayed elsewhere -->":                      "",
		"<!-- illustrativeness is not a marker -->":        "",
	} {
		b := parseBlocks(line + "\n```\nx\n```\n")
		require.Len(t, b, 1)
		assert.Equal(t, want, b[0].marker, "%s", line)
	}
}

func TestMatch(t *testing.T) {
	got := []string{
		"HTTP/1.1 401 Unauthorized",
		"Content-Type: application/json; charset=utf-8",
		"Date: Sun, 06 Dec 2026 21:00:00 GMT",
		"",
		`{"message":"token invalid or expired, please log in again"}`,
	}
	for _, tc := range []struct {
		name string
		want []string
		ok   bool
	}{
		{"the same, date masked", []string{"HTTP/1.1 401 Unauthorized", "Content-Type: application/json; charset=utf-8", "Date: Fri, 27 Nov 2026 15:24:31 GMT", "", `{"message":"token invalid or expired, please log in again"}`}, true},
		{"… for the headers", []string{"HTTP/1.1 401 Unauthorized", "…", "", `{"message":"token invalid or expired, please log in again"}`}, true},
		{"a line cut with …", []string{"HTTP/1.1 401 …", "…"}, true},
		{"a status changed", []string{"HTTP/1.1 200 OK", "…"}, false},
		{"another reason", []string{"HTTP/1.1 401 Unauthorized", "…", `{"message":"not logged in"}`}, false},
		{"a header missing from the replay", []string{"HTTP/1.1 401 Unauthorized", "Cache-Control: no-store", "…"}, false},
		{"the replay says more", []string{"HTTP/1.1 401 Unauthorized"}, false},
	} {
		d := match(tc.want, got)
		assert.Equal(t, tc.ok, d == "", "%s: match = %q", tc.name, d)
	}
	assert.Empty(t, match(
		[]string{"        \tError Trace:\t…/step01-login/login_test.go:62", "--- FAIL: TestA (0.00s)", "token: eyJa.eyJb.c1", "API listening on http://127.0.0.1:3000"},
		[]string{"        \tError Trace:\t/somewhere/course/step01-login/login_test.go:62", "--- FAIL: TestA (1.25s)", "token: eyJx.eyJy.z9", "API listening on http://127.0.0.1:41234"}),
		"paths, times, tokens and ports are masked")
	assert.NotEmpty(t, match([]string{"login_test.go:62"}, []string{"login_test.go:63"}), "line numbers are not masked")
}

func TestShowsReason(t *testing.T) {
	assert.True(t, showsReason([]string{"HTTP/1.1 401 Unauthorized", "…", "", `{"message":"not logged in","statusCode":401}`}))
	assert.True(t, showsReason([]string{"HTTP/1.1 200 OK", "…"}), "not a refusal")
	assert.False(t, showsReason([]string{"HTTP/1.1 401 Unauthorized", "…"}), "a refusal without its reason")
	assert.False(t, showsReason([]string{"401"}), "curl -o /dev/null -w '%{http_code}'")
}

func TestCurlRefusesWhatItDoesNotKnow(t *testing.T) {
	for _, args := range [][]string{
		{"-L", "localhost:1/x"},
		{"--compressed", "localhost:1/x"},
		{"-d", "@body.json", "localhost:1/x"},
		{"-w", "%{time_total}", "localhost:1/x"},
		{"localhost:1/a", "localhost:1/b"},
		{"-s"},
	} {
		var out, errOut bytes.Buffer
		code := curl(args, &out, &errOut)
		if args[0] == "-w" {
			// -w is checked once there is an answer: no server here.
			assert.NotZero(t, code, "curl %q", args)
			continue
		}
		assert.Equal(t, 2, code, "curl %q: exit status", args)
		assert.Contains(t, errOut.String(), "README replay", "curl %q", args)
	}
}
