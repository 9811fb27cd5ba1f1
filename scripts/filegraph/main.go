// Command filegraph measures how the files of one Go package reach each other: which file uses a
// name declared in which other file. It is the measure issue 23 asks for (files, arrows, arrows
// running back up, pairs of files that use each other, the largest tangle, and how many files a
// reader opens to follow one function), so a restructuring can be judged by numbers.
//
// The files of the packages named by -also (by default the provider's internal/poll, where
// every wait's schedule lives) count in a function's reach too, as "poll/poll.go": a reader
// follows the wait there. They are not part of the arrows and tangles, which are the one
// package's own. Name their functions with the package, as in -from poll.Until.
//
//	go run ./scripts/filegraph [-pkg ./provider] [-also ./provider/internal/poll] [-from waitAndJudge,runFleet] [-arrows]
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/types"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

func main() {
	pkgPath := flag.String("pkg", "./provider", "the package to measure (test files are left out)")
	from := flag.String("from", "", "comma-separated functions or methods (Type.Method) whose reach to report")
	listArrows := flag.Bool("arrows", false, "print every arrow, the ones running back up marked")
	also := flag.String("also", "./provider/internal/poll", "comma-separated packages whose files count in a reach")
	via := flag.Bool("via", false, "with -from: under each reach, the declarations it uses in each file")
	flag.Parse()

	var alsoPaths []string
	for _, a := range strings.Split(*also, ",") {
		if a = strings.TrimSpace(a); a != "" {
			alsoPaths = append(alsoPaths, a)
		}
	}
	g, err := load(*pkgPath, alsoPaths)
	if err != nil {
		fmt.Fprintln(os.Stderr, "filegraph:", err)
		os.Exit(1)
	}
	report(g, *listArrows)
	for _, name := range strings.Split(*from, ",") {
		if name = strings.TrimSpace(name); name != "" {
			reportReach(g, name, *via)
		}
	}
}

// graph is one package's files and the uses between them.
type graph struct {
	files []string                   // base names, sorted
	uses  map[string]map[string]bool // file -> files whose declarations it uses
	decls map[string]string          // declared object key -> file
	calls map[string]map[string]bool // declared object key -> keys it uses
	objOf map[types.Object]string    // object -> key
	also  map[string]string          // import path -> name of the packages counted in reaches
}

// load type-checks the package and records, for every package-level declaration (functions,
// types, vars, consts, methods and struct fields), the file that declares it and what it uses;
// likewise for the also packages, whose declarations are keyed "pkg.Name".
func load(path string, also []string) (*graph, error) {
	g := &graph{uses: map[string]map[string]bool{}, decls: map[string]string{},
		calls: map[string]map[string]bool{}, objOf: map[types.Object]string{}, also: map[string]string{}}
	var extra []*packages.Package
	for _, a := range also {
		pkg, err := loadOne(a)
		if err != nil {
			return nil, err
		}
		g.also[pkg.PkgPath] = pkg.Name
		extra = append(extra, pkg)
	}
	pkg, err := loadOne(path)
	if err != nil {
		return nil, err
	}
	for _, x := range extra {
		g.add(x, false)
	}
	g.add(pkg, true)
	sort.Strings(g.files)
	return g, nil
}

func loadOne(path string) (*packages.Package, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
		packages.NeedTypes | packages.NeedTypesInfo}
	pkgs, err := packages.Load(cfg, path)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", path, err)
	}
	if len(pkgs) != 1 {
		return nil, fmt.Errorf("loading %s: want one package, got %d", path, len(pkgs))
	}
	if len(pkgs[0].Errors) > 0 {
		return nil, fmt.Errorf("loading %s: %v", path, pkgs[0].Errors[0])
	}
	return pkgs[0], nil
}

// add records one package's declarations and uses. Only the main package's files are the
// graph's files; an also package's files are named "pkg/file.go" and count in reaches only.
func (g *graph) add(pkg *packages.Package, main bool) {
	prefix := ""
	if !main {
		prefix = pkg.Name + "/"
	}
	fileOf := func(obj types.Object) string {
		return prefix + filepath.Base(pkg.Fset.Position(obj.Pos()).Filename)
	}
	if main {
		for _, f := range pkg.Syntax {
			name := filepath.Base(pkg.Fset.Position(f.Pos()).Filename)
			g.files = append(g.files, name)
			g.uses[name] = map[string]bool{}
		}
	}

	// Every object defined at package level, or as a method or field of a package-level type.
	for _, obj := range pkg.TypesInfo.Defs {
		if obj == nil || obj.Pkg() != pkg.Types || !declaredAtTop(obj, pkg.Types) {
			continue
		}
		key := keyOf(obj)
		if !main {
			key = pkg.Name + "." + key
		}
		g.objOf[obj] = key
		g.decls[key] = fileOf(obj)
	}
	for _, f := range pkg.Syntax {
		file := prefix + filepath.Base(pkg.Fset.Position(f.Pos()).Filename)
		for _, decl := range f.Decls {
			owners := ownersOf(decl, pkg.TypesInfo, g.objOf)
			ast.Inspect(decl, func(n ast.Node) bool {
				id, ok := n.(*ast.Ident)
				if !ok {
					return true
				}
				obj := pkg.TypesInfo.Uses[id]
				key, ok := g.objOf[obj]
				if !ok {
					key, ok = g.alsoKey(obj)
				}
				if !ok {
					return true
				}
				if to := g.decls[key]; main && to != file && g.uses[to] != nil {
					g.uses[file][to] = true
				}
				for _, owner := range owners {
					if g.calls[owner] == nil {
						g.calls[owner] = map[string]bool{}
					}
					g.calls[owner][key] = true
				}
				return true
			})
		}
	}
}

// alsoKey keys a use of an also package's declaration the way that package's own load did
// (objects from another load are other objects). Fields are left out: their struct is reached.
func (g *graph) alsoKey(obj types.Object) (string, bool) {
	if obj == nil || obj.Pkg() == nil {
		return "", false
	}
	name, ok := g.also[obj.Pkg().Path()]
	if !ok || !declaredAtTop(obj, obj.Pkg()) {
		return "", false
	}
	if v, isVar := obj.(*types.Var); isVar && v.IsField() {
		return "", false
	}
	key := name + "." + keyOf(obj)
	_, known := g.decls[key]
	return key, known
}

// declaredAtTop: a package-level object, or a method or field of a package-level named type.
func declaredAtTop(obj types.Object, pkg *types.Package) bool {
	if obj.Parent() == pkg.Scope() {
		return true
	}
	switch o := obj.(type) {
	case *types.Func:
		return o.Type().(*types.Signature).Recv() != nil
	case *types.Var:
		return o.IsField()
	}
	return false
}

// keyOf names an object: "Name" at package level, "Type.Method" for methods, "field:Name@pos"
// for fields (fields of different structs share names).
func keyOf(obj types.Object) string {
	if fn, ok := obj.(*types.Func); ok {
		if recv := fn.Type().(*types.Signature).Recv(); recv != nil {
			t := recv.Type()
			if p, ok := t.(*types.Pointer); ok {
				t = p.Elem()
			}
			if named, ok := t.(*types.Named); ok {
				return named.Obj().Name() + "." + fn.Name()
			}
		}
	}
	if v, ok := obj.(*types.Var); ok && v.IsField() {
		return fmt.Sprintf("field:%s@%d", v.Name(), v.Pos())
	}
	return obj.Name()
}

// ownersOf: the declared keys a top-level declaration defines (a function, or each name of a
// var/const/type group), whose bodies' uses are charged to them.
func ownersOf(decl ast.Decl, info *types.Info, objOf map[types.Object]string) []string {
	var keys []string
	add := func(id *ast.Ident) {
		if key, ok := objOf[info.Defs[id]]; ok {
			keys = append(keys, key)
		}
	}
	switch d := decl.(type) {
	case *ast.FuncDecl:
		add(d.Name)
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				add(s.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					add(n)
				}
			}
		}
	}
	return keys
}

type arrow struct{ from, to string }

func (g *graph) arrows() []arrow {
	var out []arrow
	for _, from := range g.files {
		for _, to := range sortedKeys(g.uses[from]) {
			out = append(out, arrow{from, to})
		}
	}
	return out
}

// layers orders the files from the top (files nothing else uses) to the bottom (files that use
// nothing else), with the greedy feedback-arc-set heuristic of Eades, Lin and Smyth: take sinks
// to the bottom and sources to the top, else the file with most outgoing minus incoming arrows.
// An arrow from a lower file to a higher one "runs back up".
func (g *graph) layers() map[string]int {
	left := map[string]bool{}
	for _, f := range g.files {
		left[f] = true
	}
	out := func(f string) (n int) {
		for to := range g.uses[f] {
			if left[to] {
				n++
			}
		}
		return n
	}
	in := func(f string) (n int) {
		for from := range left {
			if g.uses[from][f] {
				n++
			}
		}
		return n
	}
	var top, bottom []string
	for len(left) > 0 {
		moved := true
		for moved {
			moved = false
			for _, f := range g.files {
				if left[f] && out(f) == 0 {
					bottom = append([]string{f}, bottom...)
					delete(left, f)
					moved = true
				}
			}
			for _, f := range g.files {
				if left[f] && in(f) == 0 {
					top = append(top, f)
					delete(left, f)
					moved = true
				}
			}
		}
		best, bestScore := "", 0
		for _, f := range g.files {
			if left[f] {
				if score := out(f) - in(f); best == "" || score > bestScore {
					best, bestScore = f, score
				}
			}
		}
		if best != "" {
			top = append(top, best)
			delete(left, best)
		}
	}
	rank := map[string]int{}
	for i, f := range append(top, bottom...) {
		rank[f] = i
	}
	return rank
}

// tangles: the strongly connected components of more than one file (Tarjan).
func (g *graph) tangles() [][]string {
	index, low := map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var out [][]string
	next := 0
	var visit func(string)
	visit = func(v string) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range sortedKeys(g.uses[v]) {
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var comp []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			if len(comp) > 1 {
				sort.Strings(comp)
				out = append(out, comp)
			}
		}
	}
	for _, f := range g.files {
		if _, seen := index[f]; !seen {
			visit(f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func report(g *graph, listArrows bool) {
	arrows := g.arrows()
	rank := g.layers()
	back, mutual := 0, 0
	for _, a := range arrows {
		if rank[a.from] > rank[a.to] {
			back++
		}
		if a.from < a.to && g.uses[a.to][a.from] {
			mutual++
		}
	}
	tangles := g.tangles()
	largest := 0
	if len(tangles) > 0 {
		largest = len(tangles[0])
	}
	fmt.Printf("files %d, arrows %d, running back up %d, pairs that use each other %d, largest tangle %d files\n",
		len(g.files), len(arrows), back, mutual, largest)
	if listArrows {
		for _, a := range arrows {
			mark := ""
			if rank[a.from] > rank[a.to] {
				mark = "  (back up)"
			}
			fmt.Printf("  %s -> %s%s\n", a.from, a.to, mark)
		}
	}
}

// reportReach prints the files a reader opens to follow one function: every declaration it
// uses, transitively, within the package; with via, which declarations bring in each file.
func reportReach(g *graph, name string, via bool) {
	if _, ok := g.decls[name]; !ok {
		fmt.Printf("reach of %s: not declared in the package\n", name)
		return
	}
	seen := map[string]bool{name: true}
	queue := []string{name}
	files := map[string]map[string]bool{}
	for len(queue) > 0 {
		key := queue[0]
		queue = queue[1:]
		if files[g.decls[key]] == nil {
			files[g.decls[key]] = map[string]bool{}
		}
		if !strings.Contains(key, "field:") {
			files[g.decls[key]][key] = true
		}
		for next := range g.calls[key] {
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	list := slices.Sorted(maps.Keys(files))
	fmt.Printf("reach of %s: %d files: %s\n", name, len(list), strings.Join(list, " "))
	if via {
		for _, f := range list {
			fmt.Printf("  %s: %s\n", f, strings.Join(sortedKeys(files[f]), " "))
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
