package coursecheck

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Variants put many known wrong answers into one test binary.
//
// Most wrong answers change the bodies of functions and nothing else. For
// those, one build per package holds all of them at once: each function a
// wrong answer changes gets a copy with the wrong body, named
// name__wrongN, and the original starts with a dispatch
//
//	if coursecheckWrong == N { return name__wrongN(args) };
//
// written on the line of its opening brace, so that no line of the
// original moves. The binary then runs once per wrong answer, with
// COURSECHECK_WRONG=N in its environment: the tests see the wrong answer's
// code wherever the package calls that function, and the original
// everywhere else, as in a build of that wrong answer alone. With
// COURSECHECK_WRONG unset, every dispatch is skipped: the checker runs the
// binary so once, and its tests must pass as the solved copy's do.
//
// An edit that is not of function bodies only (a declaration outside a
// function, a changed signature, a new function, an init function, an
// unnamed parameter, a file that is not Go) has no variant: that wrong
// answer is built alone.

// VariantEnv is the environment variable that selects a wrong answer in a
// variant build.
const VariantEnv = "COURSECHECK_WRONG"

// VariantSet is the set of wrong answers of one package that one variant
// build holds.
type VariantSet struct {
	dir   string                  // the package's folder
	files map[string]*variantFile // absolute path → its file
	ids   []int
}

type variantFile struct {
	src      []byte
	pkg      string
	body     map[string]int                         // function key (receiver type and name) → offset just after its body's "{"
	call     map[string]func(variant string) string // key → the dispatch's call of a variant
	results  map[string]bool                        // key → the function returns something
	dispatch map[int][]string                       // offset → dispatch statements to insert there
	extra    []string                               // the variants' declarations, appended to the file
}

// NewVariantSet starts an empty set for the package in dir.
func NewVariantSet(dir string) *VariantSet {
	return &VariantSet{dir: dir, files: map[string]*variantFile{}}
}

// IDs lists the wrong answers the set holds, in the order they were added.
func (v *VariantSet) IDs() []int { return v.ids }

// Add adds wrong answer id (> 0), whose edit turns the file at path (with
// content src) into edited. It reports false, and adds nothing, when the
// edit is not a change of function bodies only.
func (v *VariantSet) Add(id int, path, src, edited string) bool {
	if id <= 0 || filepath.Ext(path) != ".go" || strings.HasSuffix(path, "_test.go") || filepath.Dir(path) != v.dir {
		return false
	}
	f := v.files[path]
	if f == nil {
		var err error
		if f, err = parseVariantFile(src); err != nil {
			return false
		}
	} else if string(f.src) != src {
		return false
	}
	fset := token.NewFileSet()
	orig, err1 := parser.ParseFile(fset, "orig.go", src, parser.SkipObjectResolution)
	wrong, err2 := parser.ParseFile(fset, "wrong.go", edited, parser.SkipObjectResolution)
	if err1 != nil || err2 != nil || len(orig.Decls) != len(wrong.Decls) {
		return false
	}
	text := func(s string, f *ast.File, from, to token.Pos) string {
		base := fset.File(f.Pos()).Base()
		return s[int(from)-base : int(to)-base]
	}
	var changed []*ast.FuncDecl // in wrong
	for i, d := range orig.Decls {
		w := wrong.Decls[i]
		od, ok1 := d.(*ast.FuncDecl)
		wd, ok2 := w.(*ast.FuncDecl)
		switch {
		case ok1 != ok2:
			return false
		case !ok1: // a declaration outside a function: it must not change
			if text(src, orig, d.Pos(), d.End()) != text(edited, wrong, w.Pos(), w.End()) {
				return false
			}
		case od.Body == nil || wd.Body == nil:
			if text(src, orig, od.Pos(), od.End()) != text(edited, wrong, wd.Pos(), wd.End()) {
				return false
			}
		case text(src, orig, od.Pos(), od.Body.Lbrace) != text(edited, wrong, wd.Pos(), wd.Body.Lbrace):
			return false // the signature changed
		case text(src, orig, od.Body.Lbrace, od.Body.End()) != text(edited, wrong, wd.Body.Lbrace, wd.Body.End()):
			if _, ok := f.body[funcKey(od)]; !ok {
				return false // init, or a parameter without a name
			}
			changed = append(changed, wd)
		}
	}
	if len(changed) == 0 || leavesImportUnused(orig, wrong) {
		// No change; or one that leaves an import unused: built alone,
		// it does not compile, and the build of the entry alone says so.
		return false
	}
	for _, wd := range changed {
		key := funcKey(wd)
		variant := fmt.Sprintf("%s__wrong%d", wd.Name.Name, id)
		call := f.call[key](variant)
		stmt := fmt.Sprintf("if coursecheckWrong == %d { %s; return }; ", id, call)
		if f.results[key] {
			stmt = fmt.Sprintf("if coursecheckWrong == %d { return %s }; ", id, call)
		}
		at := f.body[key]
		f.dispatch[at] = append(f.dispatch[at], stmt)
		decl := text(edited, wrong, wd.Pos(), wd.Name.Pos()) + variant + text(edited, wrong, wd.Name.End(), wd.End())
		f.extra = append(f.extra, fmt.Sprintf("// %s is %s as wrong answer %d has it.\n%s\n", variant, wd.Name.Name, id, decl))
	}
	v.files[path] = f
	v.ids = append(v.ids, id)
	return true
}

// parseVariantFile reads a file a variant build changes: where each
// function's body starts, and how a dispatch calls a variant of it.
func parseVariantFile(src string) (*variantFile, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "orig.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	base := fset.File(file.Pos()).Base()
	f := &variantFile{src: []byte(src), pkg: file.Name.Name, body: map[string]int{}, call: map[string]func(string) string{},
		results: map[string]bool{}, dispatch: map[int][]string{}}
	for _, d := range file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || fd.Recv == nil && fd.Name.Name == "init" {
			continue
		}
		args, ok := fieldNames(fd.Type.Params)
		if !ok {
			continue
		}
		if n := len(fd.Type.Params.List); n > 0 {
			if _, variadic := fd.Type.Params.List[n-1].Type.(*ast.Ellipsis); variadic {
				args[len(args)-1] += "..."
			}
		}
		callee := func(variant string) string { return variant }
		if fd.Recv != nil {
			recv, ok := fieldNames(fd.Recv)
			if !ok || len(recv) != 1 {
				continue
			}
			callee = func(variant string) string { return recv[0] + "." + variant }
		} else if fd.Type.TypeParams != nil {
			params, _ := fieldNames(fd.Type.TypeParams)
			callee = func(variant string) string { return variant + "[" + strings.Join(params, ", ") + "]" }
		}
		key := funcKey(fd)
		f.body[key] = int(fd.Body.Lbrace) - base + 1
		f.call[key] = func(variant string) string { return callee(variant) + "(" + strings.Join(args, ", ") + ")" }
		f.results[key] = fd.Type.Results != nil && len(fd.Type.Results.List) > 0
	}
	return f, nil
}

// fieldNames lists the names of a parameter list; false when one has no
// name or is "_".
func fieldNames(fields *ast.FieldList) ([]string, bool) {
	var names []string
	if fields == nil {
		return names, true
	}
	for _, field := range fields.List {
		if len(field.Names) == 0 {
			return nil, false
		}
		for _, n := range field.Names {
			if n.Name == "_" {
				return nil, false
			}
			names = append(names, n.Name)
		}
	}
	return names, true
}

// funcKey names a function or method within its package: "name", or
// "Recv.name" for a method.
func funcKey(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.ParenExpr:
			t = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + fd.Name.Name
		}
		return "?." + fd.Name.Name
	}
}

// Overlay writes the set's files into tmp and returns the overlay that
// builds them (go build -overlay): each changed file with its dispatches
// and variants, and one more file of the package that declares
// coursecheckWrong. It is nil for an empty set.
func (v *VariantSet) Overlay(tmp string) (map[string]string, error) {
	if len(v.ids) == 0 {
		return nil, nil
	}
	overlay := map[string]string{}
	pkg := ""
	for _, path := range slices.Sorted(maps.Keys(v.files)) {
		f := v.files[path]
		pkg = f.pkg
		var out bytes.Buffer
		last := 0
		for _, at := range slices.Sorted(maps.Keys(f.dispatch)) {
			out.Write(f.src[last:at])
			out.WriteString(" " + strings.Join(f.dispatch[at], ""))
			last = at
		}
		out.Write(f.src[last:])
		out.WriteString("\n// The wrong answers' variants (see solutions/coursecheck/variants.go).\n\n")
		out.WriteString(strings.Join(f.extra, "\n"))
		file := filepath.Join(tmp, filepath.Base(path))
		if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
			return nil, err
		}
		overlay[path] = file
	}
	decl := filepath.Join(tmp, "coursecheck_wrong.go")
	src := fmt.Sprintf(`package %s

import (
	coursecheckOS "os"
	coursecheckStrconv "strconv"
)

// coursecheckWrong selects the wrong answer this test binary runs with
// (%s=N); 0, unset, runs the package as it is.
var coursecheckWrong, _ = coursecheckStrconv.Atoi(coursecheckOS.Getenv(%q))
`, pkg, VariantEnv, VariantEnv)
	if err := os.WriteFile(decl, []byte(src), 0o644); err != nil {
		return nil, err
	}
	overlay[filepath.Join(v.dir, "coursecheck_wrong.go")] = decl
	return overlay, nil
}

// leavesImportUnused reports whether an import that orig uses is no
// longer used in wrong (as "name.x", name being the import's name as far
// as its path tells: "jwt" for ".../jwt/v5").
func leavesImportUnused(orig, wrong *ast.File) bool {
	was, used := selectorBases(orig), selectorBases(wrong)
	for _, spec := range orig.Imports {
		name := importName(spec)
		if was[name] && !used[name] {
			return true
		}
	}
	return false
}

func importName(spec *ast.ImportSpec) string {
	if spec.Name != nil {
		return spec.Name.Name
	}
	parts := strings.Split(strings.Trim(spec.Path.Value, "`\""), "/")
	name := parts[len(parts)-1]
	if len(parts) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = parts[len(parts)-2]
	}
	return name
}

// selectorBases is the set of the names x of every selector x.y in file.
func selectorBases(file *ast.File) map[string]bool {
	seen := map[string]bool{}
	ast.Inspect(file, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok {
				seen[x.Name] = true
			}
		}
		return true
	})
	return seen
}
