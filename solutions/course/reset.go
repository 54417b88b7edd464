package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
)

// reset puts a step's starter back as committed: every changed or deleted
// file as git's HEAD has it, every file git does not know removed (files
// git ignores, such as a binary go build left, stay). It lists the changes
// and asks first; without a terminal to ask on, it refuses unless yes.
func (c *course) reset(arg string, yes bool, stdin io.Reader) error {
	name, err := c.findStep(arg)
	if err != nil {
		return err
	}
	s, err := c.loadStep(name)
	if err != nil {
		return err
	}
	if !s.git {
		return fmt.Errorf("%s: reset needs git: the starter as committed is what it puts back", name)
	}
	if len(s.changes) == 0 {
		fmt.Fprintf(c.stdout, "%s is already the starter as committed: nothing to reset.\n", name)
		return nil
	}
	fmt.Fprintf(c.stdout, "%s: resetting discards your changes to:\n", name)
	for _, ch := range s.changes {
		rel, _ := filepath.Rel(c.root, ch.Path)
		what := "changed"
		if ch.Committed == nil {
			what = "new, removed"
		}
		fmt.Fprintf(c.stdout, "  %s (%s)\n", filepath.ToSlash(rel), what)
	}
	if !yes {
		if !isTerminal(stdin) {
			return fmt.Errorf("reset asks before it discards your changes, and there is no terminal to ask on: run %s reset -yes %s", cmdName, name)
		}
		fmt.Fprint(c.stdout, "Discard them? [y/N] ")
		answer, _ := bufio.NewReader(stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(c.stdout, "Nothing changed.")
			return nil
		}
	}
	if err := resetStep(c.root, name); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s is the starter again.\n", name)
	return nil
}

// resetStep restores the step's folder as git's HEAD has it and removes
// the files git does not know in it.
func resetStep(root, name string) error {
	if err := gitRun(root, "restore", "--source=HEAD", "--staged", "--worktree", "--", name); err != nil {
		return err
	}
	return gitRun(root, "clean", "-f", "-d", "-q", "--", name)
}

func gitRun(dir string, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return fmt.Errorf("git %s: %v", strings.Join(args, " "), err)
	}
	return nil
}
