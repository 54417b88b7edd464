package coursecheck

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing/fstest"
)

// A Change is a file whose working copy differs from git's HEAD.
type Change struct {
	Path      string // absolute
	Committed []byte // the file as committed; nil when HEAD has no such file
}

// ErrNotCommitted says that git's HEAD has no such folder.
var ErrNotCommitted = errors.New("not in git's HEAD")

// GitHead compares the files below dir (a folder of a git checkout) with
// git's HEAD. It returns the folder as committed (a file system rooted at
// dir) and the files whose working copy differs: changed, deleted, or new
// and untracked (not ignored). It is an error when git is missing or dir
// is not in a checkout, and ErrNotCommitted when HEAD has no such folder
// (a step not committed yet).
func GitHead(dir string) (committed fs.FS, changes []Change, err error) {
	out, err := git(dir, "rev-parse", "--show-toplevel", "--show-prefix")
	if err != nil {
		return nil, nil, err
	}
	// prefix is dir relative to the checkout's top: "" or "step01-login/".
	top, prefix, _ := strings.Cut(strings.TrimRight(string(out), "\n"), "\n")
	head, err := committedFiles(top, prefix)
	if err != nil {
		return nil, nil, err
	}
	status, err := git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ":/"+prefix)
	if err != nil {
		return nil, nil, err
	}
	entries := strings.Split(string(status), "\x00")
	for i := 0; i < len(entries); i++ {
		entry := entries[i]
		if len(entry) < 4 {
			continue
		}
		paths := []string{entry[3:]}            // relative to top
		if entry[0] == 'R' || entry[0] == 'C' { // renamed or copied: the source path follows
			i++
			if i < len(entries) {
				paths = append(paths, entries[i])
			}
		}
		for _, p := range paths {
			inDir, ok := strings.CutPrefix(p, prefix)
			if !ok || inDir == "" {
				continue // renamed from another folder
			}
			c := Change{Path: filepath.Join(dir, filepath.FromSlash(inDir))}
			if f := head[inDir]; f != nil {
				c.Committed = f.Data
			}
			changes = append(changes, c)
		}
	}
	return head, changes, nil
}

// committedFiles reads the folder prefix ("" or ending in a slash,
// relative to the checkout's top) from git's HEAD.
func committedFiles(top, prefix string) (fstest.MapFS, error) {
	tree := "HEAD:" + strings.TrimSuffix(prefix, "/")
	if _, err := git(top, "cat-file", "-t", tree); err != nil {
		return nil, ErrNotCommitted
	}
	out, err := git(top, "archive", "--format=tar", tree)
	if err != nil {
		return nil, err
	}
	files := fstest.MapFS{}
	r := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := r.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		files[h.Name] = &fstest.MapFile{Data: data, Mode: fs.FileMode(h.Mode) & fs.ModePerm}
	}
}

// CommittedOverlay returns the -overlay replacements that make the go
// command see the files of changes as committed: a changed or deleted file
// is replaced by its committed content (written below tmp), a new file is
// hidden.
func CommittedOverlay(changes []Change, tmp string) (map[string]string, error) {
	replace := map[string]string{}
	for i, c := range changes {
		if c.Committed == nil {
			replace[c.Path] = ""
			continue
		}
		file := filepath.Join(tmp, fmt.Sprintf("committed-%d-%s", i, filepath.Base(c.Path)))
		if err := os.WriteFile(file, c.Committed, 0o644); err != nil {
			return nil, err
		}
		replace[c.Path] = file
	}
	return replace, nil
}

// TrackedFiles lists the files git tracks below root, relative to it with
// slashes; where git cannot say (no git, or a copy of the course that is
// no checkout), every file below root but those in .git.
func TrackedFiles(root string) ([]string, error) {
	if out, err := git(root, "ls-files", "-z"); err == nil {
		var files []string
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
		return files, nil
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	return files, err
}

func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
