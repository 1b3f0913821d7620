package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The static half of claim C2: the running app routes Sentry, PostHog and
// telemetry through one outbound transport whose dialer the tests watch,
// and this scan makes sure no package of the module or the app builds an
// HTTP client, transport or dialer of its own that would go around it.

// defaultTransportAllowed lists the files that may mention
// http.DefaultTransport, each because it clones it only as the fallback for
// an Options.Transport left nil; the app always passes its own.
var defaultTransportAllowed = map[string]string{
	"errortrack/errortrack.go":     "clone when Options.Transport is nil",
	"analytics/analytics.go":       "clone when Options.Transport is nil",
	"telemetry/reporter.go":        "clone when Options.Transport is nil",
	"tracing/tracing.go":           "clone when Options.Transport or Transport's argument is nil",
	"examples/timetracker/main.go": "the app's one outbound transport, with the onDial hook",
}

// outboundViolations reports the constructs that would open connections
// without the injected transport: the net/http package-level client and
// helpers, a transport or client built from scratch (a client without a
// Transport uses http.DefaultTransport), dialers of net and crypto/tls,
// and http.DefaultTransport itself unless allowDefault.
func outboundViolations(name string, src []byte, allowDefault bool) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	local := map[string]string{} // local name -> import path, for the three packages that matter
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		base := map[string]string{"net/http": "http", "net": "net", "crypto/tls": "tls"}[path]
		if base == "" {
			continue
		}
		if imp.Name != nil {
			if imp.Name.Name == "." {
				return nil, fmt.Errorf("%s dot-imports %s, which this scan cannot follow", name, path)
			}
			base = imp.Name.Name
		}
		local[base] = path
	}
	is := func(e ast.Expr, path string, names ...string) bool {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		x, ok := sel.X.(*ast.Ident)
		return ok && local[x.Name] == path && slices.Contains(names, sel.Sel.Name)
	}
	var out []string
	report := func(n ast.Node, what string) {
		out = append(out, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), what))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			switch {
			case is(n, "net/http", "DefaultClient", "Get", "Post", "Head", "PostForm"):
				report(n, "uses http."+n.Sel.Name+", which bypasses the injected transport")
			case is(n, "net/http", "DefaultTransport") && !allowDefault:
				report(n, "uses http.DefaultTransport outside the files allowed to clone it as a fallback")
			case is(n, "net", "Dial", "DialTimeout", "DialTCP", "DialUDP", "DialIP", "DialUnix", "Dialer"):
				report(n, "dials with net."+n.Sel.Name)
			case is(n, "crypto/tls", "Dial", "DialWithDialer", "Dialer"):
				report(n, "dials with tls."+n.Sel.Name)
			}
		case *ast.CompositeLit:
			switch {
			case is(n.Type, "net/http", "Transport"):
				report(n, "builds an http.Transport of its own")
			case is(n.Type, "net/http", "Client"):
				if !slices.ContainsFunc(n.Elts, func(e ast.Expr) bool {
					kv, ok := e.(*ast.KeyValueExpr)
					k, _ := kv.Key.(*ast.Ident)
					return ok && k != nil && k.Name == "Transport"
				}) {
					report(n, "builds an http.Client without a Transport, so it uses http.DefaultTransport")
				}
			}
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "new" && len(n.Args) == 1 && is(n.Args[0], "net/http", "Client", "Transport") {
				report(n, "allocates an http.Client or http.Transport with new")
			}
		}
		return true
	})
	return out, nil
}

// checkNoOwnClients scans every non-test Go file of the root module (but
// not the bench and examples modules) and of the time tracker.
func checkNoOwnClients(t *testing.T) {
	t.Helper()
	// The scan must catch what it is looking for.
	probe := `package p
import (
	nethttp "net/http"
	"net"
	"crypto/tls"
)
var a = nethttp.DefaultClient
var b, _ = nethttp.Get("x")
var c = &nethttp.Transport{}
var d = &nethttp.Client{}
var e = nethttp.Client{Transport: nil}
var f, _ = net.Dial("tcp", "x")
var g net.Dialer
var h, _ = tls.Dial("tcp", "x", nil)
var i = nethttp.DefaultTransport
var j = new(nethttp.Client)
`
	got, err := outboundViolations("probe.go", []byte(probe), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 9 { // all but e
		t.Fatalf("the scan found %d of the 9 planted violations:\n%s", len(got), strings.Join(got, "\n"))
	}

	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.work")); err != nil {
		t.Fatalf("%s is not the repository root: %v", root, err)
	}
	var files []string
	walk := func(dir string, skip ...string) {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				name := d.Name()
				if path != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" || slices.Contains(skip, rel)) {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go") {
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	walk(root, "bench", "examples")
	walk(filepath.Join(root, "examples", "timetracker"))
	for _, must := range []string{"errortrack/errortrack.go", "analytics/analytics.go", "telemetry/reporter.go", "examples/timetracker/main.go"} {
		if !slices.Contains(files, must) {
			t.Fatalf("the scan did not reach %s; scanned %v", must, files)
		}
	}
	for f := range defaultTransportAllowed {
		if !slices.Contains(files, f) {
			t.Errorf("the allow-list names %s, which no longer exists; remove it", f)
		}
	}
	for _, rel := range files {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		_, allowed := defaultTransportAllowed[rel]
		vs, err := outboundViolations(rel, src, allowed)
		if err != nil {
			t.Errorf("C2 scan: %v", err)
			continue
		}
		for _, v := range vs {
			t.Errorf("C2: %s", v)
		}
	}
	t.Logf("scanned %d non-test Go files for HTTP clients, transports and dialers of their own", len(files))
}
