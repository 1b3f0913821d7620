package web_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
	"github.com/discreet-dev/discreet/examples/timetracker/web"
	"github.com/discreet-dev/discreet/telemetry"
)

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// cheap makes password hashing fast in tests.
var cheap = auth.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

// env is the web pages on a real SQLite database, behind the same auth
// and consent middleware the server uses, on an httptest server.
type env struct {
	t       *testing.T
	srv     *httptest.Server
	db      *store.DB
	posthog *posthogCapture // nil unless the env was made with analytics
	erased  []int64         // user IDs whose log lines were erased
	mu      sync.Mutex
}

type envOptions struct {
	analytics bool
	consent   consent.Settings
	telemetry web.Telemetry
	errors    web.ErrorReporter
	version   string
	now       func() time.Time
	csp       bool // send the server's Content-Security-Policy
	logCopy   bool // LOG_STDERR=true
	// refuseOverlaps is OVERLAPS=refuse, for the store and the pages.
	refuseOverlaps bool
	// store, when set, wraps the database the pages use (not the one
	// sessions are read from), to inject faults.
	store func(web.Store) web.Store
}

// contentSecurityPolicy is the policy server.go sends; the browser test
// serves the pages under it, so that an inline script or style would show
// up as a refused resource.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "tt.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.RefuseOverlaps = o.refuseOverlaps
	e := &env{t: t, db: db}
	log := slog.New(slog.NewTextHandler(testWriter{t}, nil))

	settings := o.consent
	var ac *analytics.Client
	if o.analytics {
		e.posthog = newPosthogCapture(t)
		settings.PostHogAPIKey = "phc_test"
		settings.PostHogHost = e.posthog.srv.URL
		ac, err = analytics.New(settings, analytics.Options{
			Schema: app.Schema,
			Preferences: consent.PreferencesFunc(func(ctx context.Context, id int64) (bool, error) {
				u, err := db.FindUserByID(ctx, id)
				if err != nil {
					return false, err
				}
				return !u.AnalyticsOptOut, nil
			}),
			FlushInterval: 10 * time.Millisecond,
			// Person deletion goes to the same capture server (APIHost
			// defaults to the ingestion host).
			PersonalAPIKey: "phx_test",
			ProjectID:      "7",
			Logger:         log,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ac.Close(context.Background()) })
	}

	var ws *web.Server
	a, err := auth.New(auth.Options{
		Store:  db,
		Params: cheap,
		OnError: func(w http.ResponseWriter, r *http.Request, err error) {
			ws.Error(w, r, err)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if o.telemetry == nil {
		// A real reporter, off, as when ENABLE_TELEMETRY is unset: the
		// admin page still previews its payload.
		rep, err := telemetry.New(settings, telemetry.Options{Version: cmpOr(o.version, "1.0.0"), StatePath: filepath.Join(t.TempDir(), "telemetry.json"), Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		o.telemetry = rep
	}
	var pages web.Store = db
	if o.store != nil {
		pages = o.store(db)
	}
	ws, err = web.New(web.Config{
		Store:            pages,
		Auth:             a,
		Analytics:        ac,
		Logger:           log,
		Consent:          settings,
		Telemetry:        o.telemetry,
		Errors:           o.errors,
		Version:          o.version,
		Location:         time.UTC,
		Now:              o.now,
		LogCopyElsewhere: o.logCopy,
		RefuseOverlaps:   o.refuseOverlaps,
		EraseLogs: func(_ context.Context, id int64) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.erased = append(e.erased, id)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	ws.Register(mux)
	var h http.Handler = consent.Middleware(a.Middleware(mux))
	if o.csp {
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
			inner.ServeHTTP(w, r)
		})
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

// browser is one visitor: a cookie jar, redirects not followed (so tests
// see them), and the CSRF token of the last page it loaded.
type browser struct {
	t    *testing.T
	e    *env
	hc   *http.Client
	csrf string
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, e: e, hc: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type page struct {
	status int
	header http.Header
	body   string
}

// Location is the redirect target's path and query.
func (p *page) location() string { return p.header.Get("Location") }

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	res, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	var rd io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		if rd, err = gzip.NewReader(res.Body); err != nil {
			b.t.Fatal(err)
		}
	}
	body, err := io.ReadAll(rd)
	if err != nil {
		b.t.Fatal(err)
	}
	p := &page{status: res.StatusCode, header: res.Header, body: string(body)}
	if m := csrfRE.FindStringSubmatch(p.body); m != nil {
		b.csrf = m[1]
	}
	return p
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.e.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form with the current CSRF token.
func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if b.csrf != "" && !f.Has("csrf_token") {
		f.Set("csrf_token", b.csrf)
	}
	return b.postRaw(path, f)
}

// postRaw sends a form exactly as given.
func (b *browser) postRaw(path string, form url.Values) *page {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// follow loads the page a redirect points to.
func (b *browser) follow(p *page) *page {
	b.t.Helper()
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("want a 303 redirect, got %d: %s", p.status, excerpt(p.body))
	}
	return b.get(p.location())
}

// signUp creates an account through the sign-up form and stays signed in.
func (e *env) signUp(name, email string) *browser {
	e.t.Helper()
	b := e.browser()
	b.get("/signup")
	p := b.post("/signup", url.Values{"name": {name}, "email": {email}, "password": {"correct horse battery"}})
	if p.status != http.StatusSeeOther {
		e.t.Fatalf("sign-up: status %d: %s", p.status, excerpt(p.body))
	}
	b.follow(p) // picks up the CSRF token
	return b
}

// mustContain fails unless every string occurs in the page.
func (p *page) mustContain(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Errorf("page lacks %q:\n%s", w, excerpt(p.body))
		}
	}
}

func excerpt(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return s
}

// posthogCapture stands in for PostHog and keeps the events it received.
type posthogCapture struct {
	srv     *httptest.Server
	mu      sync.Mutex
	events  []map[string]any
	deletes []string // bodies of person deletion requests
}

func newPosthogCapture(t *testing.T) *posthogCapture {
	pc := &posthogCapture{}
	pc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rd io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			rd = zr
		}
		if strings.HasSuffix(r.URL.Path, "/persons/bulk_delete/") {
			b, _ := io.ReadAll(rd)
			pc.mu.Lock()
			pc.deletes = append(pc.deletes, r.URL.Path+" "+string(b))
			pc.mu.Unlock()
			w.Write([]byte(`{}`))
			return
		}
		var body struct {
			Batch []map[string]any `json:"batch"`
		}
		if err := json.NewDecoder(rd).Decode(&body); err == nil {
			pc.mu.Lock()
			pc.events = append(pc.events, body.Batch...)
			pc.mu.Unlock()
		}
		w.Write([]byte(`{"status":1}`))
	}))
	t.Cleanup(pc.srv.Close)
	return pc
}

// waitFor returns the events named name once there are at least n of
// them, failing after a generous deadline (the client flushes every
// 10 ms; this is not a timing assertion).
func (pc *posthogCapture) waitFor(t *testing.T, name string, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pc.mu.Lock()
		var got []map[string]any
		for _, e := range pc.events {
			if e["event"] == name {
				got = append(got, e)
			}
		}
		pc.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("PostHog received %d %q events, want %d", len(got), name, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (pc *posthogCapture) all() []map[string]any {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return append([]map[string]any(nil), pc.events...)
}

// testWriter sends the server's log to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
