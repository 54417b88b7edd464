package coursecheck

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
)

func TestParseLabels(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []Label
	}{
		{"TODO 1 (login.go): status 501, want 201", []Label{{1, "login.go"}}},
		{"TODO 2 (web/app.js) and TODO 10 (a_b-c.go)", []Label{{2, "web/app.js"}, {10, "a_b-c.go"}}},
		// Each label once, in order of appearance:
		{"TODO 3 (x.go), TODO 1 (y.go), TODO 3 (x.go)", []Label{{3, "x.go"}, {1, "y.go"}}},
		// Not labels:
		{"TODO 1 is bare", nil},
		{"see TODO 1(login.go)", nil},
		{"TODOS 1 (login.go)", nil},
		{"step 01 (login.go): inherited", nil},
		{"TODO x (login.go)", nil},
		{"TODO 99999999999999999999 (login.go)", nil},
	} {
		assert.Equal(t, tc.want, ParseLabels(tc.text), "ParseLabels(%q)", tc.text)
	}
}

func TestNamed(t *testing.T) {
	todos := TODOs{1: "login.go", 2: "web/app.js"}
	for _, tc := range []struct {
		text     string
		named    []int
		dangling []Label
	}{
		{"TODO 2 (web/app.js): x; TODO 1 (login.go): y", []int{1, 2}, nil},
		{"TODO 1 (users.go): the wrong file", nil, []Label{{1, "users.go"}}},
		{"TODO 3 (login.go): no such TODO", nil, []Label{{3, "login.go"}}},
		{"TODO 1 alone names nothing", nil, nil},
		{"", nil, nil},
	} {
		named, dangling := todos.Named(tc.text)
		assert.Equal(t, tc.named, named, "Named(%q)", tc.text)
		assert.Equal(t, tc.dangling, dangling, "Named(%q): dangling", tc.text)
	}
}

func TestScanTODOs(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	for _, tc := range []struct {
		name    string
		files   fstest.MapFS
		want    TODOs
		wantErr string
	}{
		{"code files only", fstest.MapFS{
			"login.go":      file("// TODO 1 (login.go): decode the body.\n"),
			"users.go":      file("// TODO 2 (users.go): check.\n// TODO 2 (users.go): again, same file.\n"),
			"web/app.js":    file("// TODO 3 (web/app.js): keep the token (after TODO 1).\n"),
			"README.md":     file("TODO 4 (README.md) is no code\n"),
			"login_test.go": file(`t.Error("TODO 5 (login_test.go): tests name TODOs")`),
			"other/x.js":    file("// TODO 6 (other/x.js): only web/ holds scripts\n"),
			"testdata/a.go": file("// TODO 7 (testdata/a.go): test data\n"),
			"binary":        file("TODO 8 (binary)\x00"),
		}, TODOs{1: "login.go", 2: "users.go", 3: "web/app.js"}, ""},
		{"a label naming another file is a mention", fstest.MapFS{
			"cors.go":    file("// TODO 1 (cors.go): expose the header.\n"),
			"web/app.js": file("// TODO 2 (web/app.js): read it; null unless TODO 1 (cors.go) is done.\n"),
		}, TODOs{1: "cors.go", 2: "web/app.js"}, ""},
		{"one TODO in two files", fstest.MapFS{
			"a.go": file("// TODO 1 (a.go): x\n"),
			"b.go": file("// TODO 1 (b.go): y\n"),
		}, TODOs{1: "a.go"}, "TODO 1 is in both a.go and b.go"},
		{"a TODO without its label", fstest.MapFS{
			"a.go": file("// TODO 1 (a.go): x\n"),
			"b.go": file("// TODO 2: y\n"),
		}, TODOs{1: "a.go"}, `b.go says TODO 2, but no file has its label`},
		{"no TODO", fstest.MapFS{"a.go": file("package a\n")}, TODOs{}, ""},
	} {
		got, err := ScanTODOs(tc.files)
		assert.Equal(t, tc.want, got, tc.name)
		if tc.wantErr == "" {
			assert.NoError(t, err, tc.name)
		} else {
			assert.ErrorContains(t, err, tc.wantErr, tc.name)
		}
	}
}
