// Command timings reads go test -json on its input, prints what plain
// go test would have printed, then where the time went: each package's
// time, and the slowest tests (top-level tests, and the subtests of
// TestCourse and TestWrongAnswers by step). It exits with status 1 when a
// package failed or did not build. CI runs the course check through it:
//
//	go test -race -json ./solutions/... | go run ./solutions/coursecheck/timings
//
// It prints times, it asserts none: a busy machine is slower, not wrong.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"tokenrefresh/solutions/coursecheck"
)

// slowest is how many tests the report lists.
const slowest = 15

type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
}

type timing struct {
	name    string
	seconds float64
}

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "timings:", err)
		os.Exit(1)
	}
	r := coursecheck.ParseTestJSON(in)
	fmt.Print(r.Plain)
	packages, tests := times(in)
	fmt.Println("\n--- timings (seconds of wall time; packages run in parallel)")
	for _, p := range packages {
		fmt.Printf("%8.1f  %s\n", p.seconds, p.name)
	}
	fmt.Printf("slowest tests:\n")
	for _, t := range tests[:min(slowest, len(tests))] {
		fmt.Printf("%8.1f  %s\n", t.seconds, t.name)
	}
	failed := r.BuildErrors != ""
	for _, result := range r.Packages {
		failed = failed || result == "fail"
	}
	if failed {
		os.Exit(1)
	}
}

// times reads the elapsed time of every package and of the tests worth
// listing, slowest first.
func times(in []byte) (packages, tests []timing) {
	scanner := bufio.NewScanner(bytes.NewReader(in))
	scanner.Buffer(make([]byte, 1<<20), 16<<20)
	for scanner.Scan() {
		var ev event
		if json.Unmarshal(scanner.Bytes(), &ev) != nil || (ev.Action != "pass" && ev.Action != "fail") {
			continue
		}
		short := ev.Package[strings.LastIndex(ev.Package, "/")+1:]
		switch depth := strings.Count(ev.Test, "/"); {
		case ev.Test == "":
			packages = append(packages, timing{ev.Package, ev.Elapsed})
		case depth == 0 && ev.Test != "TestCourse" && ev.Test != "TestWrongAnswers",
			depth == 1 && (strings.HasPrefix(ev.Test, "TestCourse/") || strings.HasPrefix(ev.Test, "TestWrongAnswers/")):
			tests = append(tests, timing{short + " " + ev.Test, ev.Elapsed})
		}
	}
	bySeconds := func(a, b timing) int { return cmp.Compare(b.seconds, a.seconds) }
	slices.SortFunc(packages, bySeconds)
	slices.SortFunc(tests, bySeconds)
	return packages, tests
}
