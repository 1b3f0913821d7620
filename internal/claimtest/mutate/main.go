// Command mutate runs the claims mutation suite: for each mutation declared
// in claimtest.Mutations it builds a mutant of the repository with
// `go test -overlay` (the mutated file is swapped at build time; nothing on
// disk changes), runs the tests tagged with the mutation's claim, and, if
// they all pass, the mutated package's whole suite. A mutation is killed
// when a test fails. It exits non-zero when a mutation survives, no longer
// applies (its original snippet is not in its file exactly once) or does
// not build.
//
// From the repository root:
//
//	go run ./internal/claimtest/mutate              # the whole suite
//	go run ./internal/claimtest/mutate -run L5      # mutations whose ID matches
//	go run ./internal/claimtest/mutate -list        # what is declared
//
// It writes the outcome to claimtest.ResultsFile, which TestClaims shows.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/discreet-dev/discreet/internal/claimtest"
)

func main() {
	var (
		run      = flag.String("run", "", "only mutations whose ID matches this regular expression")
		par      = flag.Int("p", 2, "mutants tested at the same time")
		timeout  = flag.Duration("timeout", 3*time.Minute, "bound of one go test run of a mutant")
		list     = flag.Bool("list", false, "list the mutations and the tests each would run, then exit")
		verbose  = flag.Bool("v", false, "print the go test output of every mutant, not only of survivors")
		noResult = flag.Bool("no-results", false, "do not write "+claimtest.ResultsFile)
	)
	flag.Parse()
	if err := mainErr(*run, *par, *timeout, *list, *verbose, !*noResult); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(1)
	}
}

func mainErr(run string, par int, timeout time.Duration, list, verbose, writeResults bool) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if err := claimtest.Check(claimtest.Mutations); err != nil {
		return err
	}
	tagged, problems, err := claimtest.Tagged(root)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "warning:", p)
	}
	var re *regexp.Regexp
	if run != "" {
		if re, err = regexp.Compile(run); err != nil {
			return fmt.Errorf("-run: %w", err)
		}
	}
	var todo []claimtest.Mutation
	for _, m := range claimtest.Mutations {
		if re == nil || re.MatchString(m.ID) {
			todo = append(todo, m)
		}
	}
	if len(todo) == 0 {
		return errors.New("no mutation matches -run")
	}
	if list {
		for _, m := range todo {
			p := plan(m, tagged[m.Claim])
			fmt.Printf("%-28s %s  %s\n    tagged: -run '%s' %s\n    whole:  %s\n", m.ID, m.File, m.Desc, p.pattern, strings.Join(p.taggedPkgs, " "), strings.Join(p.wholePkgs, " "))
		}
		return nil
	}

	scratch, err := os.MkdirTemp("", "claims-mutants-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)

	start := time.Now()
	results := make([]claimtest.Result, len(todo))
	var mu sync.Mutex // serializes the report
	sem := make(chan struct{}, max(par, 1))
	var wg sync.WaitGroup
	for i, m := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r, out := runOne(root, scratch, m, tagged[m.Claim], timeout)
			results[i] = r
			mu.Lock()
			defer mu.Unlock()
			report(r, m)
			if r.Outcome != claimtest.Killed || verbose {
				fmt.Print(indent(out))
			}
		}()
	}
	wg.Wait()

	if writeResults {
		if err := saveResults(root, results, re == nil); err != nil {
			return err
		}
	}
	bad := score(results, time.Since(start))
	if bad > 0 {
		return fmt.Errorf("%d of %d mutations survived, no longer apply or do not build", bad, len(results))
	}
	return nil
}

// runPlan is what one mutant runs.
type runPlan struct {
	pattern    string   // -run for the tagged tests
	taggedPkgs []string // packages holding tests tagged with the claim
	wholePkgs  []string // packages whose whole suite runs
}

func plan(m claimtest.Mutation, tests []claimtest.Test) runPlan {
	var p runPlan
	var names []string
	for _, t := range tests {
		if pkg := "./" + t.Dir; !slices.Contains(p.taggedPkgs, pkg) {
			p.taggedPkgs = append(p.taggedPkgs, pkg)
		}
		if !slices.Contains(names, t.Func) {
			names = append(names, t.Func)
		}
	}
	sort.Strings(names)
	p.pattern = "^(" + strings.Join(names, "|") + ")$"
	p.wholePkgs = append(p.wholePkgs, "./"+filepath.ToSlash(filepath.Dir(m.File)))
	for _, pkg := range m.Pkgs {
		if !slices.Contains(p.wholePkgs, pkg) {
			p.wholePkgs = append(p.wholePkgs, pkg)
		}
	}
	for i, pkg := range p.wholePkgs {
		p.wholePkgs[i] = strings.TrimSuffix(strings.Replace(pkg, "./.", ".", 1), "/")
	}
	return p
}

var failLine = regexp.MustCompile(`(?m)^\s*--- FAIL: (\S+)`)

// runOne applies m through an overlay and runs its tests.
func runOne(root, scratch string, m claimtest.Mutation, tests []claimtest.Test, timeout time.Duration) (claimtest.Result, string) {
	t0 := time.Now()
	r := claimtest.Result{ID: m.ID, Claim: m.Claim}
	finish := func(outcome, out string) (claimtest.Result, string) {
		r.Outcome = outcome
		r.Seconds = float64(time.Since(t0).Milliseconds()) / 1000
		return r, out
	}

	path := filepath.Join(root, filepath.FromSlash(m.File))
	src, err := os.ReadFile(path)
	if err != nil {
		return finish(claimtest.Stale, err.Error()+"\n")
	}
	if n := bytes.Count(src, []byte(m.Old)); n != 1 {
		return finish(claimtest.Stale, fmt.Sprintf("the original snippet occurs %d times in %s, want once:\n%s\n", n, m.File, m.Old))
	}
	dir := filepath.Join(scratch, m.ID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return finish(claimtest.Broken, err.Error()+"\n")
	}
	mutant := filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(mutant, bytes.Replace(src, []byte(m.Old), []byte(m.New), 1), 0o644); err != nil {
		return finish(claimtest.Broken, err.Error()+"\n")
	}
	overlay, _ := json.Marshal(map[string]any{"Replace": map[string]string{path: mutant}})
	overlayPath := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayPath, overlay, 0o644); err != nil {
		return finish(claimtest.Broken, err.Error()+"\n")
	}

	p := plan(m, tests)
	var log strings.Builder
	steps := [][]string{}
	if len(p.taggedPkgs) > 0 {
		steps = append(steps, append([]string{"-run", p.pattern}, p.taggedPkgs...))
	}
	steps = append(steps, p.wholePkgs)
	tagged := map[string]bool{}
	for _, t := range tests {
		tagged[t.Func] = true
	}
	for _, args := range steps {
		out, err := goTest(root, overlayPath, timeout, args)
		fmt.Fprintf(&log, "$ go test %s\n%s", strings.Join(args, " "), out)
		if err == nil {
			continue
		}
		if strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]") || !strings.Contains(out, "FAIL") {
			return finish(claimtest.Broken, log.String())
		}
		r.Weak = true
		for _, f := range failLine.FindAllStringSubmatch(out, -1) {
			name, _, _ := strings.Cut(f[1], "/")
			if !slices.Contains(r.By, name) {
				r.By = append(r.By, name)
			}
			if tagged[name] {
				r.Weak = false
			}
		}
		if len(r.By) == 0 { // a panic or a timeout: the test binary failed
			r.By = []string{"(test binary failed)"}
		}
		return finish(claimtest.Killed, log.String())
	}
	return finish(claimtest.Survived, log.String())
}

func goTest(root, overlay string, timeout time.Duration, args []string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout+30*time.Second)
	defer cancel()
	full := append([]string{"test", "-count=1", "-failfast", "-vet=off", "-overlay=" + overlay, "-timeout=" + timeout.String()}, args...)
	cmd := exec.CommandContext(ctx, "go", full...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func report(r claimtest.Result, m claimtest.Mutation) {
	note := ""
	switch {
	case r.Outcome == claimtest.Killed && r.Weak:
		note = " by " + strings.Join(r.By, ", ") + " (no test tagged " + r.Claim + " failed)"
	case r.Outcome == claimtest.Killed:
		note = " by " + strings.Join(r.By, ", ")
	}
	fmt.Printf("%-8s %-3s %-30s %5.1fs  %s%s\n", strings.ToUpper(r.Outcome), r.Claim, r.ID, r.Seconds, m.Desc, note)
}

// score prints killed/total per claim and overall and returns how many
// mutations did not end killed.
func score(rs []claimtest.Result, took time.Duration) int {
	type tally struct{ killed, total int }
	per := map[string]*tally{}
	var claims []string
	bad, killed := 0, 0
	for _, r := range rs {
		t := per[r.Claim]
		if t == nil {
			t = &tally{}
			per[r.Claim] = t
			claims = append(claims, r.Claim)
		}
		t.total++
		if r.Outcome == claimtest.Killed {
			t.killed++
			killed++
		} else {
			bad++
		}
	}
	sort.Strings(claims)
	fmt.Println("\nclaims mutation score (killed/total):")
	var line []string
	for _, c := range claims {
		line = append(line, fmt.Sprintf("%s %d/%d", c, per[c].killed, per[c].total))
		if len(line) == 6 {
			fmt.Println("  " + strings.Join(line, "  "))
			line = nil
		}
	}
	if len(line) > 0 {
		fmt.Println("  " + strings.Join(line, "  "))
	}
	fmt.Printf("overall: %d/%d killed in %s\n", killed, len(rs), took.Round(time.Second))
	return bad
}

// saveResults writes the results file. A partial run (-run) updates the
// entries it ran and keeps the others.
func saveResults(root string, rs []claimtest.Result, whole bool) error {
	if !whole {
		old, err := claimtest.ReadResults(root)
		if err != nil {
			return err
		}
		byID := map[string]claimtest.Result{}
		for _, r := range old {
			byID[r.ID] = r
		}
		for _, r := range rs {
			byID[r.ID] = r
		}
		rs = rs[:0:0]
		for _, m := range claimtest.Mutations { // declared order; drops entries no longer declared
			if r, ok := byID[m.ID]; ok {
				rs = append(rs, r)
			}
		}
	}
	b, err := json.MarshalIndent(rs, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, claimtest.ResultsFile), append(b, '\n'), 0o644)
}

// repoRoot is the directory of the root module's go.mod, found from the
// working directory upwards.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/discreet-dev/discreet\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the discreet repository")
		}
		dir = parent
	}
}

func indent(s string) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > 60 {
		lines = append(lines[:20], append([]string{"    …"}, lines[len(lines)-40:]...)...)
	}
	return "    " + strings.Join(lines, "\n    ") + "\n"
}
