//go:build unix

package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/tracing"
)

// The end-to-end privacy tests run the real program (runWith, exactly as
// main does, with the real listener, wiring and shutdown) and play one
// scripted session full of distinctive personal data. They live behind the
// unix build tag because the session rotates the logs the way logrotate
// does: move the file, then send SIGHUP.

// e2eBuffer is an io.Writer the program and the test share.
type e2eBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *e2eBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *e2eBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// e2eApp is the program running in the background.
type e2eApp struct {
	t              *testing.T
	addr, logDir   string
	env            map[string]string
	cancel         context.CancelFunc
	done           chan error
	stdout, stderr *e2eBuffer

	mu    sync.Mutex
	dials map[string]int // outbound connections seen by onDial, by address
}

// startE2E runs the program with env over a fresh DATA_DIR and LOG_DIR,
// listening on a free loopback port, and waits until it accepts
// connections. Only env is visible to it: the test process's own
// environment is not, so "nothing set" really is nothing.
func startE2E(t *testing.T, env map[string]string) *e2eApp {
	t.Helper()
	a := &e2eApp{t: t, logDir: t.TempDir(), done: make(chan error, 1),
		stdout: &e2eBuffer{}, stderr: &e2eBuffer{}, dials: map[string]int{}}
	a.env = map[string]string{
		"LISTEN_ADDR": "127.0.0.1:0",
		"DATA_DIR":    t.TempDir(),
		"LOG_DIR":     a.logDir,
		// The scripted clients send X-Forwarded-For; trusting it means
		// the app really knows those addresses, so keeping them out of
		// every sink is something it has to do, not something it gets
		// for free.
		"TRUST_PROXY": "true",
	}
	for k, v := range env {
		a.env[k] = v
	}
	ready := make(chan string, 1)
	ro := runOptions{
		ready:     func(addr string) { ready <- addr },
		passwords: testParams,
		onDial: func(network, addr string) {
			a.mu.Lock()
			a.dials[addr]++
			a.mu.Unlock()
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	go func() { a.done <- runWith(ctx, nil, mapLookup(a.env), a.stdout, a.stderr, ro) }()
	select {
	case a.addr = <-ready:
	case err := <-a.done:
		cancel()
		t.Fatalf("the program returned before listening: %v\nstderr:\n%s", err, a.stderr)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("the program did not start listening within 60 s")
	}
	t.Cleanup(a.stop)
	return a
}

// stop cancels the program's context, as SIGTERM does, and waits for the
// graceful shutdown (which flushes Sentry and PostHog) to finish.
func (a *e2eApp) stop() {
	if a.cancel == nil {
		return
	}
	a.cancel()
	a.cancel = nil
	select {
	case err := <-a.done:
		if err != nil {
			a.t.Errorf("the program returned %v after shutdown", err)
		}
	case <-time.After(60 * time.Second):
		a.t.Fatal("the program did not shut down within 60 s")
	}
}

// dialed returns a copy of the outbound connections seen so far.
func (a *e2eApp) dialed() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]int, len(a.dials))
	for k, v := range a.dials {
		out[k] = v
	}
	return out
}

// knownRequest is a request whose log record the test looks for (L2, L4).
type knownRequest struct {
	requestID, method, route string
	status                   int
	userID                   int64 // 0: anonymous
}

// e2eUser is one scripted user.
type e2eUser struct {
	id           int64
	email        string
	password     string
	web, tok     *client // signed in with the session cookie (and CSRF), and with an API token
	tokenSecret  string
	sessionValue string
}

// session is the scripted session and everything it planted.
type session struct {
	t      *testing.T
	app    *e2eApp
	ta     *testApp // the shared test client's view of the app
	seeds  []leakSeed
	known  []knownRequest
	nextID int

	admin, plain, optedOut, gpc, erased *e2eUser
	testErrorID                         string // X-Request-ID of the admin's test error
	metrics                             string // a /metrics scrape taken before shutdown
}

func (s *session) seed(label, value string, allowedIn ...string) {
	s.seeds = append(s.seeds, leakSeed{label: label, value: value, allowedIn: allowedIn})
}

// newClient is a client of the running app that always sends
// X-Forwarded-For: ip.
func (s *session) newClient(ip string) *client {
	c := s.ta.client()
	c.hdr.Set("X-Forwarded-For", ip)
	return c
}

// signUp registers a user, signs in with the cookie (keeping the CSRF
// token) and creates a named API token; every secret it meets is seeded.
func (s *session) signUp(who, email, password, name, ip, tokenName string) *e2eUser {
	s.t.Helper()
	s.seed("email of "+who, email)
	s.seed("password of "+who, password)
	s.seed("name of "+who, name)
	s.seed("API token name of "+who, tokenName)
	u := &e2eUser{email: email, password: password, web: s.newClient(ip)}
	var created user
	u.web.must(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": email, "password": password, "name": name}, &created)
	u.id = created.ID
	u.web.signIn(email, password)
	s.seed("CSRF token of "+who, u.web.csrf)
	base, _ := url.Parse("http://" + s.app.addr + "/")
	for _, ck := range u.web.hc.Jar.Cookies(base) {
		s.seed("cookie "+ck.Name+" of "+who, ck.Value)
		u.sessionValue = ck.Value
	}
	if u.sessionValue == "" {
		s.t.Fatalf("signing in %s set no cookie", who)
	}
	var tok struct {
		Token string `json:"token"`
	}
	u.web.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": tokenName}, &tok)
	s.seed("API token of "+who, tok.Token)
	u.tokenSecret = tok.Token
	u.tok = s.newClient(ip)
	u.tok.token = tok.Token
	return u
}

// tagged sends a request with a chosen, well-formed X-Request-ID, checks
// that it comes back (L4) and remembers it, to find its log record later.
func (s *session) tagged(c *client, userID int64, want int, method, path, route string, body, out any) *response {
	s.t.Helper()
	s.nextID++
	id := fmt.Sprintf("e2e-req-%04d", s.nextID)
	c.hdr.Set("X-Request-ID", id)
	defer c.hdr.Del("X-Request-ID")
	r := c.must(want, method, path, body, out)
	if got := r.header.Get("X-Request-ID"); got != id {
		s.t.Fatalf("%s %s: X-Request-ID came back as %q, want %q", method, path, got, id)
	}
	s.known = append(s.known, knownRequest{requestID: id, method: method, route: route, status: want, userID: userID})
	return r
}

// rotateLogs does what logrotate with "compress" does: the previous
// rotated file is compressed into app.jsonl.2.gz, the live file is moved
// to app.jsonl.1, and SIGHUP makes the program open a new app.jsonl.
func rotateLogs(t *testing.T, dir string) {
	t.Helper()
	live, one := filepath.Join(dir, "app.jsonl"), filepath.Join(dir, "app.jsonl.1")
	if b, err := os.ReadFile(one); err == nil {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		_, _ = zw.Write(b)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "app.jsonl.2.gz"), z.Bytes(), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(one); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(live, one); err != nil {
		t.Fatalf("moving the live log aside: %v", err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the program to re-open app.jsonl after SIGHUP", func() bool {
		_, err := os.Stat(live)
		return err == nil
	})
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %s", what, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// playSession is the scripted session both tests run: five users with
// distinctive personal data, their clients, projects, tasks, timers and
// entries, API tokens made and used, addresses in X-Forwarded-For, emails
// and tokens in query strings and paths, failed sign-ins, an admin's test
// error, an analytics opt-out, a request with Sec-GPC: 1, profile edits, an
// export, two log rotations and an account deletion; then a /metrics
// scrape.
func playSession(t *testing.T, app *e2eApp) *session {
	t.Helper()
	s := &session{t: t, app: app, ta: &testApp{t: t, srv: &httptest.Server{URL: "http://" + app.addr}}}

	ips := map[string]string{
		"admin":     "203.0.113.77",
		"plain":     "198.51.100.23, 10.77.66.55",
		"opted-out": "2001:db8:cafe::4711",
		"gpc":       "192.0.2.199",
		"erased":    "203.0.113.201",
	}
	s.seed("client address of the admin", "203.0.113.77")
	s.seed("client address of the plain user", "198.51.100.23")
	s.seed("proxy address of the plain user", "10.77.66.55")
	s.seed("client address of the opted-out user", "2001:db8:cafe::4711")
	s.seed("client address of the GPC user", "192.0.2.199")
	s.seed("client address of the erased user", "203.0.113.201")

	// The first account is the admin.
	s.admin = s.signUp("the admin", "augusta.quillfeather+e2e@lovelace-leak.example", "Tr0ub4dor&3-quillfeather", "Augusta Quillfeather", ips["admin"], "cron-box-aubergine-77")
	s.plain = s.signUp("the plain user", "boris.vanterpool@kestrel-leak.example", "sesame-Vanterpool-9981!", "Boris Vanterpool", ips["plain"], "laptop-of-vanterpool")
	s.optedOut = s.signUp("the opted-out user", "olga.nightjar@nightjar-leak.example", "hunter2-Nightjar-Olga", "Olga Nightjar", ips["opted-out"], "olgas-phone-token")
	s.gpc = s.signUp("the GPC user", "gustav.wryneck@wryneck-leak.example", "privacy-Wryneck-Gustav-55", "Gustav Wryneck", ips["gpc"], "wryneck-ci-runner")
	s.erased = s.signUp("the erased user", "cecile.bittern@bittern-leak.example", "forget-me-Bittern-Cecile", "Cécile Bittern", ips["erased"], "bittern-desktop-token")

	names := map[string]string{
		"client of the admin":          "Quokka Holdings Ltd",
		"project of the admin":         "Project Marzipan Skylark",
		"task of the admin":            "Task Ochre Wombat",
		"client of the plain user":     "Zürich Fjordwerk GmbH",
		"project of the plain user":    "Velvet <Pangolin> & Sons",
		"project of the opted-out":     "Nightjar Secret Rebrand",
		"client of the opted-out":      "Olgas Discreet Clinic",
		"client of the GPC user":       "Wryneck Tax Advisers",
		"project of the GPC user":      "Wryneck Audit Sprint",
		"project of the erased user":   "Bittern Divorce Papers",
		"note of the admin (timer)":    "met Dr Hieronymus Kowalczyk about the takeover",
		"note of the admin (manual)":   "naïve café Überweisung 4711-Qx, call back",
		"note of the admin (edited)":   "rewrote minutes for Kowalczyk, strictly confidential",
		"note of the plain user":       "drafted severance letter for employee Mbeki-Lindqvist",
		"note of the opted-out user":   "therapy session notes Nightjar week 12",
		"note of the erased user":      "custody hearing prep Bittern v. Bittern",
		"new email of the plain user":  "boris.renamed@kestrel-leak.example",
		"new password of the plain":    "rotated-Vanterpool-Secret-2",
		"new name of the plain user":   "Boris Q. Vanterpool-Renamed",
		"bogus token in a header":      "ttk_BogusLeakTokenZebra000111222333",
		"wrong password tried":         "wrong-Pa55word-Moorhen",
		"email in a path":              "pathfinder.leak@heron-leak.example",
		"email in a user agent":        "ua.contact@ibis-leak.example",
		"email in a referer":           "referer.leak@avocet-leak.example",
		"invalid email at sign-up":     "not-an-email Spoonbill Leakson",
		"password in a malformed body": "malformed-Body-Secret-Grebe",
		"tag of the admin":             "tag-Kowalczyk-Merger",
		"renamed tag of the admin":     "tag-Lapwing-Acquisition",
		"tag of the erased user":       "tag-Bittern-Custody",
	}
	for label, v := range names {
		s.seed(label, v)
	}

	a, p, o, g, e := s.admin, s.plain, s.optedOut, s.gpc, s.erased

	// The erased user works first, so that their lines end up in both
	// rotated files and erasure has to reach into them.
	var eProj, eEntry idOnly
	e.tok.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": names["project of the erased user"]}, &eProj)
	end := time.Now().UTC().Add(-3 * time.Hour).Truncate(time.Second)
	e.tok.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{
		"project_id": eProj.ID, "start": end.Add(-time.Hour), "end": end, "notes": names["note of the erased user"],
		"tags": []string{names["tag of the erased user"]},
	}, &eEntry)
	s.tagged(e.tok, e.id, http.StatusOK, "GET", "/api/v1/me", "GET /api/v1/me", nil, nil)

	// The admin: a client and a project over the cookie session (with
	// CSRF), a task, a timer with notes, a manual entry, an edit.
	var aClient, aProj, aTask, aManual idOnly
	a.web.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]string{"name": names["client of the admin"]}, &aClient)
	a.web.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": names["project of the admin"], "client_id": aClient.ID, "billable": true}, &aProj)
	a.tok.must(http.StatusCreated, "POST", "/api/v1/tasks", map[string]any{"name": names["task of the admin"], "project_id": aProj.ID}, &aTask)
	var timer struct {
		Entry *entryJSON `json:"entry"`
	}
	s.tagged(a.tok, a.id, http.StatusCreated, "POST", "/api/v1/timer/start", "POST /api/v1/timer/start",
		map[string]any{"project_id": aProj.ID, "task_id": aTask.ID, "notes": names["note of the admin (timer)"], "tags": []string{names["tag of the admin"]}}, &timer)
	a.web.must(http.StatusOK, "POST", "/api/v1/timer/stop", nil, nil)
	a.tok.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{
		"project_id": aProj.ID, "start": end.Add(-2 * time.Hour), "end": end, "notes": names["note of the admin (manual)"], "billable": true,
	}, &aManual)
	s.tagged(a.tok, a.id, http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/entries/%d", aManual.ID), "PATCH /api/v1/entries/{id}",
		map[string]any{"notes": names["note of the admin (edited)"], "tags": []string{names["tag of the admin"]}}, nil)
	var aTags []idOnly
	a.tok.must(http.StatusOK, "GET", "/api/v1/tags", nil, &aTags)
	a.tok.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/tags/%d", aTags[0].ID), map[string]any{"name": names["renamed tag of the admin"]}, nil)

	rotateLogs(t, app.logDir) // app.jsonl.1

	// Tokens and emails where they do not belong: in query strings, in
	// a path, in headers; a bogus token; failed sign-ins and sign-ups.
	q := url.Values{"email": {a.email}, "token": {a.tokenSecret}, "ip": {"203.0.113.77"}, "note": {names["note of the admin (manual)"]}}
	s.tagged(a.tok, a.id, http.StatusOK, "GET", "/api/v1/entries?"+q.Encode(), "GET /api/v1/entries", nil, nil)
	s.tagged(a.tok, a.id, http.StatusOK, "GET", "/api/v1/reports/summary?group_by=client&client="+url.QueryEscape(names["client of the admin"]), "GET /api/v1/reports/summary", nil, nil)
	a.tok.must(http.StatusOK, "GET", "/api/v1/reports/entries.csv?access_token="+a.tokenSecret, nil, nil)
	a.tok.do("GET", "/api/v1/projects/"+url.PathEscape(names["email in a path"]), nil) // not an ID: 400 or 404
	s.tagged(a.tok, a.id, http.StatusNotFound, "GET", "/api/v1/no-such-route/"+url.PathEscape(names["email in a path"])+"/"+a.tokenSecret, "/api/v1/", nil, nil)
	s.ta.client().do("GET", "/u/"+url.PathEscape(names["email in a path"])+"?token="+e.tokenSecret, nil) // matches no route at all
	// An X-Request-ID that is not well-formed (an email) is replaced,
	// never echoed into the logs (L4).
	a.tok.hdr.Set("X-Request-ID", a.email)
	if r := a.tok.must(http.StatusOK, "GET", "/api/v1/timer", nil, nil); r.header.Get("X-Request-ID") == "" || strings.Contains(r.header.Get("X-Request-ID"), "@") {
		t.Errorf("L4: an email as X-Request-ID came back as %q; want a fresh ID", r.header.Get("X-Request-ID"))
	}
	a.tok.hdr.Del("X-Request-ID")
	bogus := s.newClient(ips["plain"])
	bogus.token = names["bogus token in a header"]
	bogus.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
	anon := s.newClient(ips["gpc"])
	anon.must(http.StatusUnauthorized, "POST", "/api/v1/sessions", map[string]string{"email": a.email, "password": names["wrong password tried"]}, nil)
	anon.must(http.StatusConflict, "POST", "/api/v1/users", map[string]string{"email": p.email, "password": "whatever-Conflict-Kite", "name": "Conflict Kite"}, nil)
	s.seed("password of a refused sign-up", "whatever-Conflict-Kite")
	s.seed("name of a refused sign-up", "Conflict Kite")
	if r := anon.do("POST", "/api/v1/users", map[string]string{"email": names["invalid email at sign-up"], "password": "short"}); r.status != http.StatusBadRequest {
		t.Fatalf("sign-up with an invalid email: %d %s", r.status, r.body)
	}
	if r := anon.do("POST", "/api/v1/sessions", `{"email": "`+a.email+`", "password": "`+names["password in a malformed body"]+`"`); r.status != http.StatusBadRequest {
		t.Fatalf("sign-in with a malformed body: %d %s", r.status, r.body)
	}

	// The admin's test error, with an email in the User-Agent and the
	// Referer and a token and an email in the query string. One value of
	// every kind the engine finds by value rides along in headers that
	// Sentry keeps (scrubbed), so each category is checked in every sink.
	byValue := map[string]string{
		"card number in a header":      "4539 1488 0343 6467",
		"IBAN in a header":             "GB33 BUKB 2020 1555 5555 55",
		"phone number in a header":     "+44 20 7946 0321",
		"SSN in a header":              "219-09-9999",
		"GitHub token in a header":     "ghp_LeakTestKestrel0123456789abcdefABCD",
		"AWS key ID in a header":       "AKIALEAKTESTHERON421",
		"Stripe key in a header":       "sk_live_LeakTestAvocet00998877",
		"fullwidth email in a header":  "fullwidth.ibis\uff20kestrel-leak.example",
		"escaped email in a header":    `escaped.stilt\u0040kestrel-leak.example`,
		"spelled email in a header":    "spelled.rail [at] kestrel-leak.example",
		"private key body in a header": "MIIEowIBAAKCAQEAleaktestGODWITbody0123",
	}
	for label, v := range byValue {
		s.seed(label, v)
	}
	a.tok.hdr.Set("User-Agent", "LeakTest/1.0 (+mailto:"+names["email in a user agent"]+"; card "+byValue["card number in a header"]+
		"; call "+byValue["phone number in a header"]+"; ssn "+byValue["SSN in a header"]+
		"; iban "+byValue["IBAN in a header"]+"; gh "+byValue["GitHub token in a header"]+
		"; aws "+byValue["AWS key ID in a header"]+"; stripe "+byValue["Stripe key in a header"]+
		"; mail "+byValue["fullwidth email in a header"]+" "+byValue["escaped email in a header"]+" "+byValue["spelled email in a header"]+
		"; key -----BEGIN RSA PRIVATE KEY----- "+byValue["private key body in a header"]+" -----END RSA PRIVATE KEY-----)")
	a.tok.hdr.Set("Referer", "https://intranet.example/people/"+names["email in a referer"]+"?token="+a.tokenSecret)
	a.tok.hdr.Set("Cookie", "session="+a.sessionValue)
	r := s.tagged(a.tok, a.id, http.StatusAccepted, "POST", "/api/v1/admin/test-error?"+q.Encode(), "POST /api/v1/admin/test-error", nil, nil)
	s.testErrorID = r.header.Get("X-Request-ID")
	for _, h := range []string{"User-Agent", "Referer", "Cookie"} {
		a.tok.hdr.Del(h)
	}
	p.tok.must(http.StatusForbidden, "POST", "/api/v1/admin/test-error", nil, nil) // only the admin may

	// The plain user: work, then rectification of the profile.
	var pClient, pProj idOnly
	p.tok.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]string{"name": names["client of the plain user"]}, &pClient)
	p.tok.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": names["project of the plain user"], "client_id": pClient.ID}, &pProj)
	p.tok.must(http.StatusCreated, "POST", "/api/v1/timer/start", map[string]any{"project_id": pProj.ID, "notes": names["note of the plain user"]}, nil)
	s.tagged(p.tok, p.id, http.StatusOK, "POST", "/api/v1/timer/stop", "POST /api/v1/timer/stop", nil, nil)
	p.tok.must(http.StatusOK, "PATCH", "/api/v1/me", map[string]string{
		"email": names["new email of the plain user"], "name": names["new name of the plain user"],
		"password": names["new password of the plain"], "current_password": "sesame-Vanterpool-9981!",
	}, nil)

	// The opted-out user opts out, then does everything that would send
	// an event (A3).
	var priv struct {
		AnalyticsOptOut bool `json:"analytics_opt_out"`
	}
	o.web.must(http.StatusOK, "PUT", "/api/v1/me/privacy", map[string]bool{"analytics_opt_out": true}, &priv)
	if !priv.AnalyticsOptOut {
		t.Fatal("the opt-out did not take")
	}
	var oClient, oProj idOnly
	o.tok.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]string{"name": names["client of the opted-out"]}, &oClient)
	o.web.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": names["project of the opted-out"], "client_id": oClient.ID, "billable": true}, &oProj)
	o.tok.must(http.StatusCreated, "POST", "/api/v1/timer/start", map[string]any{"project_id": oProj.ID, "notes": names["note of the opted-out user"]}, nil)
	o.tok.must(http.StatusOK, "POST", "/api/v1/timer/stop", nil, nil)
	o.tok.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": oProj.ID, "start": end.Add(-time.Hour), "end": end, "notes": names["note of the opted-out user"]}, nil)
	o.tok.must(http.StatusOK, "GET", "/api/v1/reports/summary?group_by=project", nil, nil)
	o.tok.must(http.StatusOK, "GET", "/api/v1/reports/entries.csv", nil, nil)
	o.tok.must(http.StatusOK, "GET", "/api/v1/me/export", nil, nil)

	rotateLogs(t, app.logDir) // app.jsonl.1 becomes app.jsonl.2.gz

	// The GPC user: the client is created with Sec-GPC: 1 and sends no
	// event; the project, without it, does (C6).
	var gClient idOnly
	g.tok.hdr.Set("Sec-GPC", "1")
	g.tok.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]string{"name": names["client of the GPC user"]}, &gClient)
	g.tok.hdr.Del("Sec-GPC")
	g.tok.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": names["project of the GPC user"], "client_id": gClient.ID}, nil)

	// Pages of the web interface over the cookie session: page views go
	// out by route pattern only (A1), never for the opted-out user (A3)
	// or a browser sending Sec-GPC: 1 (C6).
	a.web.must(http.StatusOK, "GET", "/", nil, nil)
	a.web.must(http.StatusOK, "GET", fmt.Sprintf("/projects/%d?from=%s", aProj.ID, url.QueryEscape(a.email)), nil, nil)
	o.web.must(http.StatusOK, "GET", "/", nil, nil)
	g.web.hdr.Set("Sec-GPC", "1")
	g.web.must(http.StatusOK, "GET", "/", nil, nil)
	g.web.hdr.Del("Sec-GPC")

	// The admin: a report, the CSV and the export (R1).
	a.tok.must(http.StatusOK, "GET", "/api/v1/reports/summary?group_by=project", nil, nil)
	a.web.must(http.StatusOK, "GET", "/api/v1/reports/entries.csv", nil, nil)
	var ex map[string]any
	s.tagged(a.tok, a.id, http.StatusOK, "GET", "/api/v1/me/export", "GET /api/v1/me/export", nil, &ex)
	if ex["user"] == nil || ex["entries"] == nil {
		t.Fatalf("the export lacks the user or the entries: %v", ex)
	}

	// The erased user leaves (R2): rows, log lines, the PostHog person.
	e.tok.must(http.StatusOK, "GET", "/api/v1/me/export", nil, nil)
	e.tok.must(http.StatusNoContent, "DELETE", "/api/v1/me", map[string]string{"password": e.password}, nil)
	e.tok.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)

	// One anonymous request with a known ID, and the scrape.
	s.tagged(s.ta.client(), 0, http.StatusOK, "GET", "/healthz", "GET /healthz", nil, nil)
	m := s.ta.client().must(http.StatusOK, "GET", "/metrics", nil, nil)
	s.metrics = string(m.body)
	return s
}

// TestNoPersonalDataLeaves runs the real program with every optional
// service on and pointed at capture servers, plays the scripted session,
// stops the program (which flushes Sentry and PostHog) and then searches
// everything that left the request path for the planted data: every log
// file (rotated and compressed ones too), standard output and error, a
// /metrics scrape, and every byte Sentry, PostHog and the telemetry server
// received, raw and decoded, in plain, JSON-escaped, URL-encoded and base64
// form. It also checks that what each sink is meant to carry did arrive, so
// it cannot pass by sending nothing.
//
// claim: C2
// claim: C4
// claim: C6
// claim: L2
// claim: L4
// claim: L5
// claim: L6
// claim: L8
// claim: M2
// claim: S1
// claim: S2
// claim: A1
// claim: A2
// claim: A3
// claim: A4
// claim: T1
// claim: R2
func TestNoPersonalDataLeaves(t *testing.T) {
	sentry := newCaptureServer(t, "sentry", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	})
	posthog := newCaptureServer(t, "posthog", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":1}`))
	})
	tele := newCaptureServer(t, "telemetry", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"latest":"` + version + `"}`))
	})
	otlp := newCaptureServer(t, "otlp", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-protobuf")
	})

	const (
		dsnKey      = "e2eDsnPublicKeyAardwolf5a7c"
		postHogKey  = "phc_e2eProjectKeyMarmoset42"
		personalKey = "phx_e2ePersonalKeyLemur77"
		projectID   = "4242"
		salt        = "e2e-salt-Tapir-0123456789abcdef"
		otlpKey     = "e2eCollectorKeyPangolin31"
	)
	app := startE2E(t, map[string]string{
		"SENTRY_DSN":                  "http://" + dsnKey + "@" + sentry.hostPort() + "/42",
		"POSTHOG_HOST":                posthog.URL,
		"POSTHOG_API_KEY":             postHogKey,
		"POSTHOG_PERSONAL_API_KEY":    personalKey,
		"POSTHOG_PROJECT_ID":          projectID,
		"ENABLE_TELEMETRY":            "true",
		"TELE_URL":                    tele.URL + "/v1/ping",
		"TELE_SALT":                   salt,
		"APP_ENV":                     "e2e-leaktest",
		"OTEL_EXPORTER_OTLP_ENDPOINT": otlp.URL,
		"OTEL_EXPORTER_OTLP_HEADERS":  "x-collector-key=" + otlpKey,
	})
	s := playSession(t, app)
	// Keys, DSN secrets and salts never reach the logs (C4) or another
	// service; only the service they belong to sees its own.
	s.seed("Sentry DSN key", dsnKey, "sentry")
	s.seed("PostHog project API key", postHogKey, "posthog")
	s.seed("PostHog personal API key", personalKey, "posthog")
	s.seed("TELE_SALT", salt)
	s.seed("OTLP collector key", otlpKey, "otlp")

	waitFor(t, 10*time.Second, "the install telemetry ping", func() bool { return len(tele.requests()) > 0 })
	app.stop()

	logs := logDocs(t, app.logDir)
	docs := append([]sinkDoc(nil), logs...)
	docs = append(docs,
		sinkDoc{"stderr", "standard error", app.stderr.String()},
		sinkDoc{"stdout", "standard output", app.stdout.String()},
		sinkDoc{"metrics", "/metrics scrape", s.metrics},
	)
	docs = append(docs, sentry.docs()...)
	docs = append(docs, posthog.docs()...)
	docs = append(docs, tele.docs()...)
	docs = append(docs, otlp.docs()...)
	docs = append(docs, otlpDocs(t, otlp)...)
	for _, d := range docs {
		if d.sink == "sentry" || d.sink == "posthog" {
			// Sentry envelopes and PostHog batches are JSON: decode every
			// string in them, so an escape form we did not think of
			// cannot hide a value.
			docs = append(docs, sinkDoc{d.sink, d.where + " (strings unescaped)", unescapeJSONish(d.text)})
		}
	}

	t.Run("nothing planted leaves", func(t *testing.T) { reportLeaks(t, docs, s.seeds) })
	t.Run("logs", func(t *testing.T) {
		checkLogs(t, s, logs, map[string]string{
			"error_tracking": sentry.hostPort(), "product_analytics": posthog.hostPort(), "install_telemetry": tele.hostPort(),
			"traces": otlp.hostPort(),
		})
	})
	t.Run("traces", func(t *testing.T) { checkTraces(t, s, otlp, logs) })
	t.Run("metrics", func(t *testing.T) { checkMetrics(t, s.metrics) })
	t.Run("sentry", func(t *testing.T) { checkSentry(t, s, sentry.requests(), app.env["APP_ENV"]) })
	t.Run("posthog", func(t *testing.T) { checkPostHog(t, s, posthog.requests(), projectID, personalKey) })
	t.Run("telemetry", func(t *testing.T) { checkTelemetry(t, tele.requests(), salt) })
	t.Run("every connection went through onDial", func(t *testing.T) {
		checkConnections(t, app, sentry, posthog, tele, otlp)
	})
}

// unescapeJSONish decodes every JSON string literal in text (a document
// of JSON lines, or one with some JSON in it) and returns them joined.
func unescapeJSONish(text string) string {
	var out strings.Builder
	for _, m := range jsonString.FindAllString(text, -1) {
		var v string
		if json.Unmarshal([]byte(m), &v) == nil && v != m[1:len(m)-1] {
			out.WriteString(v)
			out.WriteByte('\n')
		}
	}
	return out.String()
}

var jsonString = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// logRecord is one decoded log line and where it came from.
type logRecord struct {
	file string
	m    map[string]any
}

func checkLogs(t *testing.T, s *session, logs []sinkDoc, hosts map[string]string) {
	var recs []logRecord
	perFile := map[string]int{}
	for _, d := range logs {
		for i, line := range strings.Split(strings.TrimRight(d.text, "\n"), "\n") {
			if line == "" {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Errorf("L1: %s line %d is not one JSON object: %v: %.200s", d.where, i+1, err, line)
				continue
			}
			recs = append(recs, logRecord{d.where, m})
			if m["msg"] == "request" {
				perFile[d.where]++
			}
		}
	}
	// The rotated files were searched, and hold request records.
	for _, f := range []string{"app.jsonl", "app.jsonl.1", "app.jsonl.2.gz"} {
		if perFile[f] == 0 {
			t.Errorf("L7: %s holds no request record (files with records: %v)", f, perFile)
		}
	}

	// L2, L4: each tagged request has its record with the right fields.
	for _, k := range s.known {
		var found *logRecord
		for i := range recs {
			if recs[i].m["msg"] == "request" && recs[i].m["request_id"] == k.requestID {
				found = &recs[i]
				break
			}
		}
		if k.userID == s.erased.id {
			// Erasure took this record with the rest of the account (L8).
			if found != nil {
				t.Errorf("L8/R2: the record of the erased user's request %s survived in %s: %v", k.requestID, found.file, found.m)
			}
			continue
		}
		if found == nil {
			t.Errorf("L2/L4: no request record with request_id %q (%s %s)", k.requestID, k.method, k.route)
			continue
		}
		m := found.m
		wantUID := any(nil)
		if k.userID != 0 {
			wantUID = float64(k.userID)
		}
		if m["method"] != k.method || m["route"] != k.route || m["status"] != float64(k.status) || m["user_id"] != wantUID ||
			m["time"] == nil || m["duration"] == nil {
			t.Errorf("L2: the record of %s %s (%s) in %s is %v; want method %s, route %q, status %d, user_id %v, a time and a duration",
				k.method, k.route, k.requestID, found.file, m, k.method, k.route, k.status, wantUID)
		}
	}
	var erasedLeft, noID int
	for _, r := range recs {
		if r.m["msg"] == "request" {
			if id, _ := r.m["request_id"].(string); id == "" {
				noID++
			}
			if _, ok := r.m["client_ip"]; ok {
				t.Errorf("L6: a record carries client_ip without LOG_CLIENT_IP: %v", r.m)
			}
		}
		if r.m["user_id"] == float64(s.erased.id) {
			erasedLeft++
			if erasedLeft <= 3 {
				t.Errorf("L8/R2: after the account was deleted, %s still has a line of user %d: %v", r.file, s.erased.id, r.m)
			}
		}
	}
	if noID > 0 {
		t.Errorf("L4: %d request records have no request_id", noID)
	}
	// The erased user's data was in the rotated files before erasure:
	// their requests before the rotations produced records there.
	if !slices.ContainsFunc(recs, func(r logRecord) bool { return r.m["user_id"] == float64(s.admin.id) && r.file == "app.jsonl.2.gz" }) {
		t.Error("app.jsonl.2.gz has no line of the admin, so the rotation did not catch the session's start")
	}

	// C4: the start-up record names what is on, and where it sends.
	var startup map[string]any
	for _, r := range recs {
		if r.m["msg"] == "optional services" {
			startup = r.m
		}
	}
	if startup == nil {
		t.Fatal("C4: no start-up record listing the optional services")
	}
	for svc, hostPort := range hosts {
		// The host is a loopback IP here, which the log scrubs like any
		// address (L6): the port is what is left to recognise.
		_, port, _ := strings.Cut(hostPort, ":")
		v, _ := startup[svc].(map[string]any)
		if v["enabled"] != true || !strings.HasSuffix(fmt.Sprint(v["host"]), ":"+port) {
			t.Errorf("C4: the start-up record says %s = %v; want enabled with its host (%s)", svc, startup[svc], hostPort)
		}
	}
}

var routeLabel = regexp.MustCompile(`http_route="([^"]*)"`)

func checkMetrics(t *testing.T, body string) {
	for _, want := range []string{
		`http_route="/api/v1/entries"`,
		`http_route="/api/v1/admin/test-error"`,
		"timetracker_active_timers",
		"http_server_request_duration_seconds_bucket",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("M1: /metrics lacks %s", want)
		}
	}
	// M2: every route label is a pattern or the fixed "unmatched": no raw
	// path with an ID, an email or a token in it.
	seen := map[string]bool{}
	for _, m := range routeLabel.FindAllStringSubmatch(body, -1) {
		route := m[1]
		if seen[route] {
			continue
		}
		seen[route] = true
		if route == "unmatched" {
			continue
		}
		for _, seg := range strings.Split(strings.Trim(route, "/"), "/") {
			if _, err := strconv.Atoi(seg); err == nil || strings.ContainsAny(seg, "@%?=") || strings.HasPrefix(seg, "ttk_") {
				t.Errorf("M2: /metrics has a raw path as a route label: %q", route)
			}
		}
	}
	for _, bad := range []string{"user_id", "email", "client_ip", "request_id"} {
		if strings.Contains(body, bad+`="`) {
			t.Errorf("M2: /metrics has a %s label", bad)
		}
	}
}

// sentryEvent is the part of a Sentry event the test reads.
type sentryEvent struct {
	Release     string            `json:"release"`
	Environment string            `json:"environment"`
	Tags        map[string]string `json:"tags"`
	User        map[string]any    `json:"user"`
	Request     map[string]any    `json:"request"`
	// Exception is a list, or an object with the list under "values":
	// the SDK has sent both shapes over the years.
	Exception json.RawMessage `json:"exception"`
}

// sentryException is one exception of an event.
type sentryException struct {
	Type       string `json:"type"`
	Value      string `json:"value"`
	Stacktrace *struct {
		Frames []map[string]any `json:"frames"`
	} `json:"stacktrace"`
}

func (e *sentryEvent) exceptions() []sentryException {
	var list []sentryException
	if json.Unmarshal(e.Exception, &list) == nil {
		return list
	}
	var obj struct {
		Values []sentryException `json:"values"`
	}
	_ = json.Unmarshal(e.Exception, &obj)
	return obj.Values
}

func checkSentry(t *testing.T, s *session, reqs []captured, env string) {
	var events []sentryEvent
	for _, r := range reqs {
		if !strings.HasSuffix(strings.SplitN(r.URI, "?", 2)[0], "/envelope/") {
			t.Errorf("S1: a request to Sentry at %s, not the envelope endpoint", r.URI)
			continue
		}
		items, err := parseEnvelope(r.Body)
		if err != nil {
			t.Errorf("S1: an envelope that does not parse: %v\n%.500s", err, r.Body)
			continue
		}
		for _, it := range items {
			if it.Type != "event" {
				continue
			}
			var e sentryEvent
			if err := json.Unmarshal(it.Payload, &e); err != nil {
				t.Errorf("S1: an event that does not decode: %v", err)
				continue
			}
			events = append(events, e)
		}
	}
	var found *sentryEvent
	for i, e := range events {
		for _, x := range e.exceptions() {
			if strings.Contains(x.Value, "test error requested by an administrator") {
				found = &events[i]
			}
		}
	}
	if found == nil {
		t.Fatalf("S1: Sentry received no event for the admin's test error (%d requests, %d events)", len(reqs), len(events))
	}
	frames := 0
	for _, x := range found.exceptions() {
		if x.Stacktrace != nil {
			frames += len(x.Stacktrace.Frames)
		}
	}
	if frames == 0 {
		t.Error("S1: the test error arrived without a stack trace")
	}
	if found.Tags["request_id"] != s.testErrorID {
		t.Errorf("L4: the event's request_id tag is %q, want the request's %q", found.Tags["request_id"], s.testErrorID)
	}
	if fmt.Sprint(found.User["id"]) != strconv.FormatInt(s.admin.id, 10) {
		t.Errorf("S1: the event's user is %v, want the admin's internal ID %d only", found.User, s.admin.id)
	}
	for k := range found.User {
		if k != "id" {
			t.Errorf("S2: the event's user carries %q: %v", k, found.User)
		}
	}
	if found.Release != version || found.Environment != env {
		t.Errorf("S1: release %q environment %q, want %q and %q", found.Release, found.Environment, version, env)
	}
	u, _ := found.Request["url"].(string)
	if found.Request["method"] != "POST" || !strings.HasSuffix(u, "/api/v1/admin/test-error") {
		t.Errorf("S1: the event's request is %v, want POST on /api/v1/admin/test-error without a query", found.Request)
	}
	for _, k := range []string{"query_string", "cookies", "data", "env"} {
		if v, ok := found.Request[k]; ok && v != "" && v != nil {
			t.Errorf("S2: the event's request carries %s: %v", k, v)
		}
	}
	hs, _ := found.Request["headers"].(map[string]any)
	for k := range hs {
		switch strings.ToLower(k) {
		case "authorization", "cookie", "set-cookie", "x-forwarded-for", "x-real-ip", "forwarded", "referer":
			t.Errorf("S2: the event's request carries the %s header", k)
		}
	}
	// The User-Agent with a value of every kind arrived, with each value
	// replaced by its marker: the leak search proves that nothing of them
	// is left, and this proves that they were there to be found.
	var ua string
	for k, v := range hs {
		if strings.EqualFold(k, "User-Agent") {
			ua = fmt.Sprint(v)
		}
	}
	for _, m := range []string{"[card]", "[phone]", "[id-number]", "[iban]", "[secret]", "[email]", "[private-key]"} {
		if !strings.Contains(ua, m) {
			t.Errorf("L5, S2: the event's User-Agent lacks %s; got %q", m, ua)
		}
	}
}

// phEvent is one event of a PostHog batch.
type phEvent struct {
	Event      string         `json:"event"`
	DistinctID string         `json:"distinct_id"`
	Properties map[string]any `json:"properties"`
}

func checkPostHog(t *testing.T, s *session, reqs []captured, projectID, personalKey string) {
	var events []phEvent
	var deletions []captured
	for _, r := range reqs {
		path := strings.SplitN(r.URI, "?", 2)[0]
		switch {
		case strings.HasSuffix(path, "/persons/bulk_delete/"):
			deletions = append(deletions, r)
		case path == "/batch/" || path == "/batch":
			var b struct {
				Batch []phEvent `json:"batch"`
			}
			if err := json.Unmarshal(r.Body, &b); err != nil {
				t.Errorf("A1: a batch that does not decode: %v\n%.300s", err, r.Body)
			}
			events = append(events, b.Batch...)
		default:
			t.Errorf("PostHog received an unexpected request: %s %s", r.Method, r.URI)
		}
	}
	id := func(u *e2eUser) string { return strconv.FormatInt(u.id, 10) }
	has := func(u *e2eUser, name string) bool {
		return slices.ContainsFunc(events, func(e phEvent) bool { return e.DistinctID == id(u) && e.Event == name })
	}

	// A1: the declared events arrived, by internal ID, with a session
	// marker for the cookie session.
	for _, name := range []string{app.EventSignedUp, app.EventClientCreated, app.EventProjectCreated, app.EventTimerStarted,
		app.EventTimerStopped, app.EventEntryCreated, app.EventReportViewed, app.EventCSVExported, app.EventDataExported} {
		if !has(s.admin, name) {
			t.Errorf("A1: PostHog received no %s of the admin (%d events in all)", name, len(events))
		}
	}
	if !slices.ContainsFunc(events, func(e phEvent) bool {
		return e.DistinctID == id(s.admin) && e.Properties[analytics.SessionProperty] != nil
	}) {
		t.Errorf("A1: no event of the admin carries the session marker %q", analytics.SessionProperty)
	}
	// A2: only declared events and declared properties (the SDK's own
	// $-properties aside), GeoIP off in every event.
	for _, e := range events {
		decl, ok := app.Schema[e.Event]
		if !ok && e.Event != analytics.PageViewEvent {
			t.Errorf("A2: an undeclared event %q was sent", e.Event)
		}
		if _, err := strconv.ParseInt(e.DistinctID, 10, 64); err != nil {
			t.Errorf("A1: distinct_id %q is not the internal numeric user ID", e.DistinctID)
		}
		for k := range e.Properties {
			if _, declared := decl[k]; declared || strings.HasPrefix(k, "$") || k == analytics.SessionProperty {
				continue
			}
			t.Errorf("A2: event %s carries the undeclared property %q", e.Event, k)
		}
		if e.Properties["$geoip_disable"] != true {
			t.Errorf("A2: event %s does not switch GeoIP off: %v", e.Event, e.Properties)
		}
	}
	// A1: page views name the route pattern, never the path.
	views := 0
	for _, e := range events {
		if e.Event != analytics.PageViewEvent {
			continue
		}
		views++
		for _, k := range []string{"$current_url", "$pathname"} {
			v, _ := e.Properties[k].(string)
			if v == "" || strings.ContainsAny(v, "?@0123456789") {
				t.Errorf("A1: a page view has %s = %q; want a route pattern", k, v)
			}
		}
	}
	if !has(s.admin, analytics.PageViewEvent) || views == 0 {
		t.Error("A1: no page view of the admin arrived")
	}
	if has(s.gpc, analytics.PageViewEvent) {
		t.Error("C6: the page shown to a browser sending Sec-GPC: 1 was reported")
	}
	// A3: the opted-out user sent nothing after opting out; only the
	// sign-up before it.
	for _, e := range events {
		if e.DistinctID == id(s.optedOut) && e.Event != app.EventSignedUp {
			t.Errorf("A3: the opted-out user still produced %s", e.Event)
		}
	}
	// C6: the request with Sec-GPC: 1 sent nothing; the same user's next
	// request, without it, did.
	if has(s.gpc, app.EventClientCreated) {
		t.Error("C6: the client created with Sec-GPC: 1 was reported to PostHog")
	}
	if !has(s.gpc, app.EventProjectCreated) {
		t.Error("C6: the GPC user's project, created without the header, was not reported, so the GPC check proves nothing")
	}
	// A4: deleting the account asked PostHog to delete the person.
	if len(deletions) != 1 {
		t.Fatalf("A4: %d deletion requests reached PostHog, want 1", len(deletions))
	}
	d := deletions[0]
	var body struct {
		DistinctIDs []string `json:"distinct_ids"`
	}
	if err := json.Unmarshal(d.Body, &body); err != nil || !slices.Equal(body.DistinctIDs, []string{id(s.erased)}) {
		t.Errorf("A4: the deletion request body is %s, want the erased user's ID %s only", d.Body, id(s.erased))
	}
	if !strings.HasPrefix(d.URI, "/api/projects/"+projectID+"/") || d.Header.Get("Authorization") != "Bearer "+personalKey {
		t.Errorf("A4: the deletion went to %s with Authorization %q", d.URI, d.Header.Get("Authorization"))
	}
}

func checkTelemetry(t *testing.T, reqs []captured, salt string) {
	if len(reqs) == 0 {
		t.Fatal("T1: no telemetry ping arrived")
	}
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(host + salt))
	wantFP := hex.EncodeToString(sum[:])
	want := []string{"fingerprint", "installed_at", "kind", "schema", "updated_at", "version"}
	for i, r := range reqs {
		if r.Method != http.MethodPost || r.URI != "/v1/ping" {
			t.Errorf("T1: telemetry request %d is %s %s, want POST /v1/ping", i, r.Method, r.URI)
		}
		var m map[string]any
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Errorf("T1: ping %d does not decode: %v: %s", i, err, r.Body)
			continue
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want) {
			t.Errorf("T1: ping %d has the fields %v, want exactly %v: %s", i, keys, want, r.Body)
		}
		if i == 0 && m["kind"] != "install" {
			t.Errorf("T1: the first ping is of kind %v, want install", m["kind"])
		}
		if m["fingerprint"] != wantFP || m["version"] != version {
			t.Errorf("T1: ping %d: fingerprint %v version %v, want %s and %s", i, m["fingerprint"], m["version"], wantFP, version)
		}
		for _, k := range []string{"installed_at", "updated_at"} {
			if _, err := time.Parse(time.RFC3339, fmt.Sprint(m[k])); err != nil {
				t.Errorf("T1: ping %d: %s = %v is not a time", i, k, m[k])
			}
		}
	}
}

// checkConnections compares both ends: every connection a capture server
// accepted must have been seen by the app's onDial hook first (C2: one
// outbound transport, no client of its own anywhere).
func checkConnections(t *testing.T, app *e2eApp, servers ...*captureServer) {
	dials := app.dialed()
	for _, cs := range servers {
		got, seen := cs.accepted(), dials[cs.hostPort()]
		t.Logf("%s: %d connections accepted, %d dials seen by onDial", cs.name, got, seen)
		if got == 0 {
			t.Errorf("%s accepted no connection, so this check proves nothing", cs.name)
		}
		if got > seen {
			t.Errorf("C2: %s accepted %d connections but onDial saw only %d dials to it: something connects without the app's outbound transport", cs.name, got, seen)
		}
	}
	for addr := range dials {
		if !slices.ContainsFunc(servers, func(cs *captureServer) bool { return cs.hostPort() == addr }) {
			t.Errorf("C2: the app dialled %s, which is none of the configured services", addr)
		}
	}
}

// TestNoOutboundConnectionsByDefault: with none of the optional variables
// set, the whole scripted session opens no outbound connection through the
// app's one outbound transport; no package in the module or the app makes
// an HTTP client or dialer of its own that would bypass it; and with every
// service on, each connection a service receives was seen by the hook.
//
// claim: C2
func TestNoOutboundConnectionsByDefault(t *testing.T) {
	t.Run("nothing set, nothing dialled", func(t *testing.T) {
		app := startE2E(t, nil)
		s := playSession(t, app)
		app.stop()
		if d := app.dialed(); len(d) > 0 {
			t.Fatalf("with every optional service off, the app dialled %v", d)
		}
		// The session really ran: its records are in the log.
		logs := logDocs(t, app.logDir)
		all := ""
		for _, d := range logs {
			all += d.text
		}
		if !strings.Contains(all, `"request_id":"`+s.testErrorID+`"`) || !strings.Contains(all, `"route":"DELETE /api/v1/me"`) {
			t.Fatal("the session's requests are not in the logs")
		}
		if !strings.Contains(all, `"error_tracking":{"enabled":false`) {
			t.Errorf("the start-up record does not say error tracking is off")
		}
	})
	t.Run("no package builds its own client", func(t *testing.T) {
		checkNoOwnClients(t)
	})
	t.Run("with every service on, each connection went through the hook", func(t *testing.T) {
		reply := func(body string) func(http.ResponseWriter, *http.Request) {
			return func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }
		}
		sentry := newCaptureServer(t, "sentry", reply(`{}`))
		posthog := newCaptureServer(t, "posthog", reply(`{"status":1}`))
		tele := newCaptureServer(t, "telemetry", reply(`{"latest":"`+version+`"}`))
		otlp := newCaptureServer(t, "otlp", reply(``))
		app := startE2E(t, map[string]string{
			"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": otlp.URL + "/v1/traces",
			"SENTRY_DSN":                         "http://k@" + sentry.hostPort() + "/1",
			"POSTHOG_HOST":                       posthog.URL,
			"POSTHOG_API_KEY":                    "phc_k",
			"POSTHOG_PERSONAL_API_KEY":           "phx_k",
			"POSTHOG_PROJECT_ID":                 "1",
			"ENABLE_TELEMETRY":                   "true",
			"TELE_URL":                           tele.URL,
		})
		ta := &testApp{t: t, srv: &httptest.Server{URL: "http://" + app.addr}}
		c, _ := ta.register("dial.check@example.org", "dial-check-password", "D")
		c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P"}, nil)
		c.must(http.StatusAccepted, "POST", "/api/v1/admin/test-error", nil, nil)
		c.must(http.StatusNoContent, "DELETE", "/api/v1/me", map[string]string{"password": "dial-check-password"}, nil)
		waitFor(t, 10*time.Second, "the install telemetry ping", func() bool { return len(tele.requests()) > 0 })
		app.stop()
		checkConnections(t, app, sentry, posthog, tele, otlp)
	})
}

// checkTraces joins the traces with the logs: every scripted request's log
// record names a trace and span that the collector received, a server span
// named by method and route pattern, carrying the user's internal ID and
// nothing that identifies them otherwise (the planted values are searched
// for with the other sinks).
func checkTraces(t *testing.T, s *session, otlp *captureServer, logs []sinkDoc) {
	spans := map[string]*tracepb.Span{} // by span ID
	for _, sp := range otlpSpans(t, otlp) {
		spans[hex.EncodeToString(sp.SpanId)] = sp
	}
	if len(spans) == 0 {
		t.Fatal("the collector received no spans")
	}
	records := map[string]map[string]any{} // request records by request ID
	for _, d := range logs {
		for _, line := range strings.Split(d.text, "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" {
				if id, _ := m["request_id"].(string); id != "" {
					records[id] = m
				}
			}
		}
	}
	checked := 0
	for _, k := range s.known {
		rec := records[k.requestID]
		if rec == nil {
			continue // checkLogs reports missing records
		}
		tid, _ := rec["trace_id"].(string)
		sid, _ := rec["span_id"].(string)
		sp := spans[sid]
		if sp == nil || hex.EncodeToString(sp.TraceId) != tid {
			t.Errorf("D2: %s %s: the log record's trace %q span %q is not among the exported spans", k.method, k.route, tid, sid)
			continue
		}
		checked++
		want := tracing.Method(k.method) + " " + tracing.RoutePath(k.route)
		if sp.Name != want {
			t.Errorf("D2: span name %q, want %q", sp.Name, want)
		}
		var uid int64
		for _, kv := range sp.Attributes {
			if kv.Key == "enduser.id" {
				uid = kv.Value.GetIntValue()
			}
			if kv.Key == "client.address" {
				t.Errorf("D4: a span carries client.address without LOG_CLIENT_IP")
			}
		}
		if uid != k.userID {
			t.Errorf("D2: %s: enduser.id %d, want %d", want, uid, k.userID)
		}
	}
	if checked == 0 {
		t.Error("no scripted request could be joined with its span")
	}
	client := 0
	for _, sp := range spans {
		if sp.Kind == tracepb.Span_SPAN_KIND_CLIENT {
			client++
		}
	}
	if client == 0 {
		t.Error("D2: no client span for the calls to Sentry, PostHog or telemetry")
	}
}
