// Package claimtest holds what the privacy contract's checks share: where
// the tests tagged "// claim: ID" are, and the claims mutation suite, a
// declared list of small breaks of the code behind each claim (see
// [Mutations]). The runner in ./mutate applies each one to the code through
// `go test -overlay`, runs the tests tagged with its claim and the mutated
// package's tests, and fails when a mutation survives: a promise whose code
// can break while every test stays green is not proven.
//
// Why not a generic mutation tool such as gremlins: it applies every
// operator (arithmetic, comparisons, boundaries) to every covered line,
// and runs each mutated package's whole test suite, so on two cores a run
// over this repository takes hours and most of its survivors are
// equivalent mutants of code no claim depends on. It also knows nothing of
// claims, go.work or the examples module. The breaks that matter here are
// specific (a file mode, a header kept, a deadline dropped, an option not
// passed), so they are written down as data, each with its claim, and
// each run touches only the tests that could catch it. The runner uses the
// standard library and the go command only.
//
// The package is internal: it is tooling of this repository, not part of
// the library.
package claimtest

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// A Mutation is one deliberate, realistic break of the code that keeps a
// claim. Old must occur exactly once in File; the runner replaces it with
// New.
type Mutation struct {
	ID    string // unique, "L1-file-mode": the claim, then what breaks
	Claim string // the claim it breaks, as in PRIVACY.md
	File  string // slash path from the repository root
	Old   string // the exact original snippet
	New   string // what replaces it
	// Pkgs are packages (relative to the root, "./consent") whose whole
	// test suite also runs, besides the mutated file's package and the
	// tests tagged with Claim.
	Pkgs []string
	Desc string // one line: what the break does
}

// Test is one test function tagged with a claim.
type Test struct {
	Dir  string // slash path of its package directory, from the root; "." for the root
	File string // slash path of its file, from the root
	Func string // the function's name (Test…, Fuzz…, Example…)
}

var claimTag = regexp.MustCompile(`claim:\s*([CLMSATRD][0-9]+(?:\s*,\s*[CLMSATRD][0-9]+)*)`)

// Tagged walks the test files under root and returns, per claim ID, the
// functions that carry it: the function whose body or doc comment holds
// a "claim: ID" tag, or the first function after a free-standing tag.
// Tags that stand after the last function are returned as errors.
func Tagged(root string) (map[string][]Test, []error, error) {
	out := map[string][]Test{}
	var problems []error
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		found, probs, err := claimsIn(path)
		if err != nil {
			return err
		}
		problems = append(problems, probs...)
		dir := filepath.ToSlash(filepath.Dir(rel))
		for id, fns := range found {
			for _, fn := range fns {
				t := Test{Dir: dir, File: rel, Func: fn}
				if !slices.Contains(out[id], t) {
					out[id] = append(out[id], t)
				}
			}
		}
		return nil
	})
	for _, ts := range out {
		sort.Slice(ts, func(i, j int) bool {
			if ts[i].File != ts[j].File {
				return ts[i].File < ts[j].File
			}
			return ts[i].Func < ts[j].Func
		})
	}
	return out, problems, err
}

// claimsIn parses one test file and returns, per claim ID, the names of
// the functions that carry it.
func claimsIn(path string) (map[string][]string, []error, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if !strings.Contains(string(src), "claim:") {
		return nil, nil, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return nil, nil, err
	}
	var funcs []*ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			funcs = append(funcs, fd)
		}
	}
	out := map[string][]string{}
	var problems []error
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			m := claimTag.FindStringSubmatch(c.Text)
			if m == nil {
				continue
			}
			owner := ""
			for _, fd := range funcs {
				start := fd.Pos()
				if fd.Doc != nil {
					start = fd.Doc.Pos()
				}
				if c.Pos() >= start && c.Pos() < fd.End() || c.Pos() < start {
					owner = fd.Name.Name // inside, or a tag standing just above
					break
				}
			}
			if owner == "" {
				problems = append(problems, fmt.Errorf("%s: %s tags no function", fset.Position(c.Pos()), c.Text))
				continue
			}
			for _, id := range strings.Split(m[1], ",") {
				id = strings.TrimSpace(id)
				out[id] = append(out[id], owner)
			}
		}
	}
	return out, problems, nil
}

// ResultsFile is where the runner writes the outcome of its last run,
// relative to the repository root. It is not committed.
const ResultsFile = ".mutation-results.json"

// Outcomes of a mutation.
const (
	Killed   = "killed"   // a test failed
	Survived = "survived" // every test passed: the claim is not proven
	Stale    = "stale"    // Old is not in File exactly once: update the list
	Broken   = "broken"   // the mutant does not build: fix the mutation
)

// Result is the outcome of one mutation in a run.
type Result struct {
	ID      string   `json:"id"`
	Claim   string   `json:"claim"`
	Outcome string   `json:"outcome"`
	By      []string `json:"by,omitempty"` // the tests that failed
	// Weak is true when only tests not tagged with the claim failed.
	Weak    bool    `json:"weak,omitempty"`
	Seconds float64 `json:"seconds"`
}

// ReadResults reads the results file under root. A missing file is no
// error: it returns nil.
func ReadResults(root string) ([]Result, error) {
	b, err := os.ReadFile(filepath.Join(root, ResultsFile))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rs []Result
	if err := json.Unmarshal(b, &rs); err != nil {
		return nil, fmt.Errorf("%s: %w", ResultsFile, err)
	}
	return rs, nil
}

var idForm = regexp.MustCompile(`^[CLMSATRD][0-9]+-[a-z0-9-]+$`)

// Check reports mistakes in a mutation list: duplicate or malformed IDs,
// an ID that does not start with its claim, an empty or no-op change, a
// file that is not Go source (the overlay swaps Go files only).
func Check(ms []Mutation) error {
	var errs []string
	seen := map[string]bool{}
	for _, m := range ms {
		switch {
		case !idForm.MatchString(m.ID):
			errs = append(errs, fmt.Sprintf("%q: an ID is the claim, a dash and lowercase words", m.ID))
		case !strings.HasPrefix(m.ID, m.Claim+"-"):
			errs = append(errs, fmt.Sprintf("%s: the ID does not start with its claim %s", m.ID, m.Claim))
		case seen[m.ID]:
			errs = append(errs, fmt.Sprintf("%s: declared twice", m.ID))
		case m.Old == "" || m.Old == m.New:
			errs = append(errs, fmt.Sprintf("%s: changes nothing", m.ID))
		case !strings.HasSuffix(m.File, ".go") || strings.HasSuffix(m.File, "_test.go"):
			errs = append(errs, fmt.Sprintf("%s: %s is not a non-test Go file", m.ID, m.File))
		case m.Desc == "":
			errs = append(errs, fmt.Sprintf("%s: no description", m.ID))
		}
		seen[m.ID] = true
	}
	if len(errs) > 0 {
		return fmt.Errorf("mutation list:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}
