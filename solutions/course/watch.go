package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"
)

// defaultPoll is how often watch looks at the step's files: a save shows
// within about this long, plus the tests' run. A look stats some fifty
// files, a few microseconds of work.
const defaultPoll = 300 * time.Millisecond

// watchOptions are the knobs the tests turn.
type watchOptions struct {
	poll    time.Duration           // how often to look for changes; 0: defaultPoll
	tick    func() <-chan time.Time // the ticker's channel; nil: a time.Ticker of poll
	onShown func(st *StepStatus)    // called after each view, with the step's status
	class   *classClient            // -class: where to send the status after each run; nil: nowhere
}

// watch shows the current step's next TODO and first failure, and runs the
// step's tests again whenever a file of the step changes (a changed
// modification time or size, a new or a removed file). When the step is
// done it moves on to the next. It ends, returning nil, when ctx is done
// (Ctrl-C).
func (c *course) watch(ctx context.Context, opts watchOptions) error {
	if opts.poll == 0 {
		opts.poll = defaultPoll
	}
	var ticks <-chan time.Time
	if opts.tick != nil {
		ticks = opts.tick()
	} else {
		ticker := time.NewTicker(opts.poll)
		defer ticker.Stop()
		ticks = ticker.C
	}

	st, err := c.computeStatus(ctx)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return err
	}
	var watched string  // the step being watched
	var stamps snapshot // its files, when its tests last ran
	for {
		if st.Next == nil {
			c.printSteps(c.stdout, st)
			c.printNext(c.stdout, nil, false)
			c.tellClass(ctx, opts.class, st)
			return nil
		}
		name := st.Next.Step
		i := indexOf(st, name)
		s, err := c.loadStep(name)
		if err != nil {
			return err
		}
		if name != watched {
			if stamps, err = snapshotFiles(s.dir); err != nil {
				return err
			}
			watched = name
		}
		if !st.Steps[i].Tested { // a step reached from the one before: test it now
			r, cached, err := c.runStepTests(ctx, s)
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				return err
			}
			c.recordRun(st.Steps[i], s, r, cached)
			c.observe(st)
		}
		c.showWatch(st.Steps[i], opts.poll)
		c.tellClass(ctx, opts.class, st)
		if opts.onShown != nil {
			opts.onShown(st.Steps[i])
		}
		if st.Steps[i].State == stateDone {
			fmt.Fprintln(c.stdout, c.msg("step done", name))
			if st, err = c.computeStatus(ctx); ctx.Err() != nil {
				return nil
			} else if err != nil {
				return err
			}
			continue
		}

		// Wait for a change.
		for changed := false; !changed; {
			select {
			case <-ctx.Done():
				fmt.Fprintln(c.stdout)
				return nil
			case <-ticks:
			}
			now, err := snapshotFiles(s.dir)
			if err != nil {
				return err
			}
			changed = !now.equal(stamps)
			stamps = now // a save during the run shows as the next change
		}
		s, err = c.loadStep(name) // the changed files, for not started / in progress
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, c.msg("changed", name))
		r, cached, err := c.runStepTests(ctx, s)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		st.Steps[i] = newStepStatus(s)
		c.recordRun(st.Steps[i], s, r, cached)
		st.Next = st.Steps[i].next()
		c.observe(st)
	}
}

func indexOf(st *Status, name string) int {
	for i, s := range st.Steps {
		if s.Step == name {
			return i
		}
	}
	return -1
}

// showWatch clears the screen (on a terminal) and shows the step's line,
// the next TODO and its failure.
func (c *course) showWatch(st *StepStatus, poll time.Duration) {
	var b bytes.Buffer
	if c.terminal {
		b.WriteString("\033[H\033[2J")
	}
	c.printSteps(&b, &Status{Steps: []*StepStatus{st}})
	fmt.Fprintln(&b)
	c.printNext(&b, st.next(), false)
	fmt.Fprintf(&b, "\n%s\n", c.msg("watching", st.Step, time.Now().Format("15:04:05")))
	c.stdout.Write(b.Bytes())
}

// fileStamp is what watch compares to see a change.
type fileStamp struct {
	modTime time.Time
	size    int64
}

type snapshot map[string]fileStamp

// snapshotFiles stamps every file below dir, except in folders whose name
// starts with a dot.
func snapshotFiles(dir string) (snapshot, error) {
	snap := snapshot{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while we walked
			}
			return err
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		snap[path] = fileStamp{info.ModTime(), info.Size()}
		return nil
	})
	return snap, err
}

func (s snapshot) equal(other snapshot) bool {
	if len(s) != len(other) {
		return false
	}
	for path, stamp := range s {
		if o, ok := other[path]; !ok || !o.modTime.Equal(stamp.modTime) || o.size != stamp.size {
			return false
		}
	}
	return true
}
