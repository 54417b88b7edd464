// Command course tells a learner where they are in the course, reruns the
// current step's tests on every save, and hands out the step's hints one
// rung at a time. Run it from the repository root:
//
//	go run ./solutions/course               # every step's progress, and what to do next
//	go run ./solutions/course watch         # rerun the current step's tests on every save
//	go run ./solutions/course hint          # the next hint for the current TODO
//	go run ./solutions/course reset step02  # put a step's starter back as committed
//	go run ./solutions/course -json         # the progress as JSON, for instructors
//	go run ./solutions/course class         # the instructor's live view of the class
//
// It reads the course's own sources of truth: the TODO labels in the
// starters as committed, the steps' tests (go test -json), and the hint
// ladders in each step's HINTS.md, all through the course checker's parsers
// (package coursecheck), so that it maps a failing test to a TODO exactly
// as the checker does. It never shows a solution, only the ladders, one
// rung per call.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

// cmdName is how the learner runs this command, for messages.
const cmdName = "go run ./solutions/course"

const usage = `usage: ` + cmdName + ` [-json] [-name NAME] [command]

Commands:
  status              every step (done, in progress with TODOs done out of
                      total, or not started), then the next thing to do
                      (the default)
  watch               rerun the current step's tests whenever one of its
                      files changes (Ctrl-C stops)
  hint [step] [TODO]  the next rung of a TODO's hint ladder, one per call:
                      the current TODO, TODO n of the current step
                      (hint 2), or of another step (hint step02 2)
  reset [-yes] step   put a step's starter back as committed, discarding
                      your changes to it (asks first; -yes without asking)
  class [files.json…] the instructor's live view of the class: a page with
                      one row per learner and one column per TODO, fed by
                      learners who join (watch -class), or built from files
                      of learners' -json output (course -json -name ada >
                      ada.json on each machine)

Flags:
  -json     print the status as JSON (for instructors)
  -name     your name, as the class sees it (with -json, or watch -class)
  -lang zh  speak Chinese (-lang en: English); by default, the language
            of LC_ALL, LC_MESSAGES or LANG (zh_CN.UTF-8: Chinese)
  -h        print this help

Joining a class (watch):
  -class URL   send your status (only: step, TODO, time on it, hints
               used, last test run, how many tests pass and fail; never
               code or test output) to the class after each test run
  -code CODE   the class code the instructor's course class printed

Running a class (class):
  -addr HOST:PORT  where to listen (default ` + defaultClassAddr + `, this machine
                   only; 0.0.0.0:4900 lets learners on the room's network join)
  -stuck 15m       flag a learner on one TODO for longer than this
  -state FILE      keep the class in FILE: read back at start (the same
                   code and rows), written after each report
  -o FILE          write the page to FILE (one file, no server) and stop

Run it from the repository root (where go.work is), or below it.
`

// usageError is a command line that makes no sense: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// usageLine is what a usage error prints: one line, what is wrong and
// where the usage is (not the whole help after it).
func usageLine(err error) string {
	return fmt.Sprintf("course: %v; %s -h shows the usage", err, cmdName)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var ue usageError
	switch {
	case err == nil:
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, usageLine(err))
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "course: %v\n", err)
		os.Exit(1)
	}
}

// run runs the command line args (without the program's name). It returns
// a usageError for a command line that makes no sense, and nil whenever
// the command did its work, whatever the learner's progress.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("course", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	asJSON := flags.Bool("json", false, "")
	yes := flags.Bool("yes", false, "")
	var lang langFlag
	flags.Var(&lang, "lang", "")
	name := flags.String("name", "", "")
	classURL := flags.String("class", "", "")
	code := flags.String("code", "", "")
	addr := flags.String("addr", "", "")
	stuck := flags.Duration("stuck", defaultStuck, "")
	state := flags.String("state", "", "")
	out := flags.String("o", "", "")
	rest, err := parseFlags(flags, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return nil
	}
	if err != nil {
		return usageError{err.Error()}
	}
	cmd := "status"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	if *asJSON && cmd != "status" {
		return usagef("-json goes with status only")
	}
	if *yes && cmd != "reset" {
		return usagef("-yes goes with reset only")
	}
	set := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, f := range []string{"class", "code"} {
		if set[f] && cmd != "watch" {
			return usagef("-%s goes with watch only", f)
		}
	}
	for _, f := range []string{"addr", "stuck", "state", "o"} {
		if set[f] && cmd != "class" {
			return usagef("-%s goes with class only", f)
		}
	}
	if set["name"] && cmd != "status" && cmd != "watch" {
		return usagef("-name goes with status (-json) or watch -class")
	}
	if *stuck <= 0 {
		return usagef("-stuck %v: want a positive duration, 15m", *stuck)
	}
	var class *classClient
	if cmd == "watch" && (*classURL != "" || *code != "") {
		if class, err = newClassClient(*classURL, *code, *name); err != nil {
			return err
		}
	}

	c, err := open(stdout, stderr)
	if err != nil {
		return err
	}
	c.lang = chooseLang(lang)
	c.name = strings.TrimSpace(*name)
	switch cmd {
	case "status":
		if len(rest) > 0 {
			return usagef("status takes no argument")
		}
		return c.status(ctx, *asJSON)
	case "watch":
		if len(rest) > 0 {
			return usagef("watch takes no argument")
		}
		return c.watch(ctx, watchOptions{class: class})
	case "hint":
		return c.hint(ctx, rest)
	case "reset":
		if len(rest) != 1 {
			return usagef("reset takes one step (reset step02)")
		}
		return c.reset(rest[0], *yes, os.Stdin)
	case "class":
		return c.class(ctx, classOptions{addr: *addr, stuck: *stuck, state: *state, out: *out, files: rest})
	default:
		return usagef("unknown command %q", cmd)
	}
}

// parseFlags parses flags anywhere on the command line ("reset step02
// -yes" as well as "-yes reset step02") and returns the other arguments.
func parseFlags(flags *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := flags.Parse(args); err != nil {
			return nil, err
		}
		args = flags.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		if !strings.HasPrefix(args[0], "-") || args[0] == "-" {
			rest = append(rest, args[0])
			args = args[1:]
		}
	}
}
