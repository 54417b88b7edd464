package coursecheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// stepDir matches the folder of a step module: step01-login, step02-guard, …
var stepDir = regexp.MustCompile(`^step\d\d-[a-z0-9-]+$`)

// FindRoot walks up from dir to the course repository's root: the folder
// that holds go.work.
func FindRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.work in %s or above: run it inside the course repository", dir)
		}
		d = parent
	}
}

// WorkspaceSteps lists the step modules (./stepNN-name) that root's
// go.work uses, in order.
func WorkspaceSteps(root string) ([]string, error) {
	cmd := exec.Command("go", "work", "edit", "-json")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil, fmt.Errorf("go work edit -json: %v: %s", err, strings.TrimSpace(string(exit.Stderr)))
		}
		return nil, fmt.Errorf("go work edit -json: %v", err)
	}
	var work struct{ Use []struct{ DiskPath string } }
	if err := json.Unmarshal(out, &work); err != nil {
		return nil, fmt.Errorf("go work edit -json: %v", err)
	}
	var steps []string
	for _, u := range work.Use {
		if name := filepath.Clean(u.DiskPath); stepDir.MatchString(name) {
			steps = append(steps, name)
		}
	}
	slices.Sort(steps)
	return steps, nil
}
