package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/api"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// logRecords reads every record of every log file in dir, failing on a
// line that is not a JSON object (claim L1).
func logRecords(t *testing.T, dir string) []map[string]any {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "app*.jsonl"))
	var out []map[string]any
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for i := 1; sc.Scan(); i++ {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Errorf("%s line %d is not JSON (%v): %q", filepath.Base(n), i, err, sc.Text())
				continue
			}
			out = append(out, m)
		}
		f.Close()
	}
	return out
}

// slowEntries makes listing entries wait until the request is cancelled,
// as a slow query does when the client gives up, then run the query with
// the cancelled context: the error is the real one the store returns.
type slowEntries struct {
	api.Store
	started chan struct{}
}

func (s *slowEntries) FindEntries(ctx context.Context, userID int64, f domain.EntryFilter) ([]domain.Entry, error) {
	select {
	case s.started <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return s.Store.FindEntries(ctx, userID, f)
}

// TestClientHangUpIs499: a client that hangs up during a slow request is
// the client's doing. Through the real middleware chain, with Sentry set
// up (a capture server): the request record says 499 at level INFO, no
// record carries a stack, Sentry gets nothing, and the metrics count the
// request under status 499.
// claim: L2
// claim: M1
func TestClientHangUpIs499(t *testing.T) {
	sentry := newCaptureServer(t, "sentry", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"0123456789abcdef0123456789abcdef"}`)
	})
	logDir := t.TempDir()
	cfg, err := loadConfig(mapLookup(map[string]string{
		"DATA_DIR": t.TempDir(), "LOG_DIR": logDir,
		"SENTRY_DSN": "http://publickey@" + sentry.hostPort() + "/42",
	}))
	if err != nil {
		t.Fatal(err)
	}
	d, err := wire(context.Background(), cfg, io.Discard, runOptions{passwords: testParams})
	if err != nil {
		t.Fatal(err)
	}
	slow := &slowEntries{Store: d.db, started: make(chan struct{}, 1)}
	if d.api, err = api.New(api.Options{Store: slow, Auth: d.auth, Analytics: d.analytics, Errors: d.errors,
		Logger: d.log, Classify: d.health.classify}); err != nil {
		t.Fatal(err)
	}
	var draining atomic.Bool
	srv := httptest.NewServer(newHandler(d, &draining))
	t.Cleanup(func() {
		srv.Close()
		d.close(context.Background())
	})
	app := &testApp{t: t, srv: srv, d: d, logDir: logDir}
	c, _ := app.register("hangup@example.com", "correct horse battery", "Hang Up")

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/entries", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	go func() {
		<-slow.started
		cancel() // the client hangs up (curl -m 0.01)
	}()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("the request completed")
	}
	var rec map[string]any
	waitFor(t, 10*time.Second, "the request record", func() bool {
		for _, m := range logRecords(t, logDir) {
			if m["msg"] == "request" && m["route"] == "GET /api/v1/entries" {
				rec = m
				return true
			}
		}
		return false
	})
	if rec["status"] != float64(499) || rec["level"] != "INFO" {
		t.Errorf("request record %v: want status 499 at INFO", rec)
	}
	for _, m := range logRecords(t, logDir) {
		if b, _ := json.Marshal(m); m["level"] == "ERROR" || strings.Contains(string(b), `"stack"`) {
			t.Errorf("a record treats the hang-up as a failure: %s", b)
		}
	}
	fctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	_ = d.errors.Close(fctx) // delivers what is queued, if anything
	cancel()
	for _, r := range sentry.requests() {
		if strings.Contains(r.URI, "/envelope") || strings.Contains(r.URI, "/store") {
			t.Errorf("Sentry received %s %s", r.Method, r.URI)
		}
	}
	_, _, body := get(t, srv.URL+"/metrics", nil)
	found := false
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "http_server_request_duration_seconds_count{") &&
			strings.Contains(line, `http_response_status_code="499"`) && strings.Contains(line, `http_route="/api/v1/entries"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("metrics do not count the request under 499:\n%s", grepLines(body, "http_server_request_duration_seconds_count"))
	}
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// tcpProxy forwards connections to a target until down is called, and
// listens on the same address again after up: a database that goes away
// (a closed port: connections refused, open ones cut) and comes back.
type tcpProxy struct {
	t      *testing.T
	addr   string
	target string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(func() { p.down(); p.wg.Wait() })
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = true, true
			p.mu.Unlock()
			pipe := func(dst, src net.Conn) {
				_, _ = io.Copy(dst, src)
				dst.Close()
				src.Close()
			}
			p.wg.Go(func() { pipe(up, c) })
			p.wg.Go(func() { pipe(c, up) })
		}
	})
}

// down closes the port and cuts every open connection.
func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// up listens on the same address again.
func (p *tcpProxy) up() {
	var ln net.Listener
	var err error
	for range 50 { // the port was ours a moment ago
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.serve(ln)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatalf("listening on %s again: %v", p.addr, err)
}

// proxiedPostgres returns a fresh PostgreSQL database reached through a
// proxy the test can take down and bring back.
func proxiedPostgres(t *testing.T) (dsn string, p *tcpProxy) {
	t.Helper()
	raw := postgresURL(t)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "5432")
	}
	p = newTCPProxy(t, target)
	u.Host = p.addr
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	return u.String(), p
}

// fetch sends a request and returns status, headers and body; a transport
// error is reported and returned as status 0.
func fetch(t *testing.T, hc *http.Client, method, rawURL, token, body string) (int, http.Header, []byte) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, rawURL, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := hc.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, rawURL, err)
		return 0, nil, nil
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

// TestDatabaseOutage: PostgreSQL goes away (its port closed, its
// connections cut) under concurrent requests. API requests get 503 with
// Retry-After and the error shape, pages a 503 HTML page; the log holds
// one record of the outage and one of the recovery, not one record with a
// stack per request; once the database is back, requests succeed again.
// claim: L3
func TestDatabaseOutage(t *testing.T) {
	dsn, proxy := proxiedPostgres(t)
	app := newTestApp(t, map[string]string{"DATABASE_URL": dsn})
	c, _ := app.register("outage@example.com", "correct horse battery", "Outage")
	page := app.client()
	page.signIn("outage@example.com", "correct horse battery")

	proxy.down()
	hc := &http.Client{Timeout: 20 * time.Second}
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for w := range 8 {
		wg.Go(func() {
			for i := range 15 {
				var st int
				var hdr http.Header
				var b []byte
				if (w+i)%2 == 0 {
					st, hdr, b = fetch(t, hc, "GET", app.srv.URL+"/api/v1/entries", c.token, "")
				} else {
					st, hdr, b = fetch(t, hc, "POST", app.srv.URL+"/api/v1/projects", c.token, `{"name":"during the outage"}`)
				}
				mu.Lock()
				statuses[st]++
				mu.Unlock()
				if st != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" {
					t.Errorf("during the outage: %d, Retry-After %q: %s", st, hdr.Get("Retry-After"), b)
					continue
				}
				var e apiError
				if err := json.Unmarshal(b, &e); err != nil || e.Error.Code != domain.EUNAVAILABLE || e.Error.Message == "" {
					t.Errorf("503 body %s", b)
				}
			}
		})
	}
	wg.Wait()
	r := page.do("GET", "/entries", nil)
	if r.status != http.StatusServiceUnavailable || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || r.header.Get("Retry-After") == "" {
		t.Errorf("page during the outage: %d %s Retry-After %q", r.status, r.header.Get("Content-Type"), r.header.Get("Retry-After"))
	}
	t.Logf("answers during the outage: %v", statuses)

	proxy.up()
	waitFor(t, 20*time.Second, "the database to be back", func() bool {
		st, _, _ := fetch(t, hc, "GET", app.srv.URL+"/api/v1/entries", c.token, "")
		return st == http.StatusOK
	})
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "after the outage"}, nil)
	waitFor(t, 10*time.Second, "the recovery record", func() bool {
		for _, m := range logRecords(t, app.logDir) {
			if m["msg"] == "database reachable again" {
				return true
			}
		}
		return false
	})

	var outage, recovery, stacks, other int
	for _, m := range logRecords(t, app.logDir) {
		b, _ := json.Marshal(m)
		switch {
		case m["msg"] == "database unreachable: answering 503 until it is back":
			outage++
		case m["msg"] == "database reachable again":
			recovery++
		case strings.Contains(string(b), `"stack"`):
			stacks++
		case m["msg"] != "request" && m["level"] != "INFO":
			other++
		}
	}
	if outage != 1 || recovery != 1 || stacks > 1 || other > 2 {
		t.Errorf("outage records %d (want 1), recovery %d (want 1), records with a stack %d (want at most 1), other warnings %d", outage, recovery, stacks, other)
	}
}

// TestDroppedLinesMetric: lines the log file cannot take are counted in
// log_dropped_lines_total on /metrics.
// claim: M1
func TestDroppedLinesMetric(t *testing.T) {
	app := newTestApp(t, nil)
	_, _, body := get(t, app.srv.URL+"/metrics", nil)
	if !strings.Contains(body, "log_dropped_lines_total 0") {
		t.Fatalf("no log_dropped_lines_total:\n%s", grepLines(body, "log_"))
	}
	// The log directory disappears and cannot be re-created.
	if err := os.RemoveAll(app.logDir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(app.logDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "dropped lines to be counted", func() bool {
		get(t, app.srv.URL+"/healthz", nil)
		_, _, body := get(t, app.srv.URL+"/metrics", nil)
		return strings.Contains(body, "log_dropped_lines_total ") && !strings.Contains(body, "log_dropped_lines_total 0\n")
	})
}

// blackhole accepts connections and never answers: a sink that hangs.
func blackhole(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// TestFaultInjection runs a realistic mix of requests against the whole
// app (real serve, in-process) with every optional sink blackholed, then
// with the database gone and back (PostgreSQL through a proxy; SQLite
// when TEST_POSTGRES_URL is not set, without that phase). It asserts: no
// 5xx but the documented 503s (and those only while the database is
// gone), every acknowledged write present afterwards, every log line
// valid JSON, and memory bounded.
// claim: S3
// claim: A5
// claim: T4
func TestFaultInjection(t *testing.T) {
	hole := blackhole(t)
	env := map[string]string{
		"SENTRY_DSN":       "http://publickey@" + hole + "/42",
		"POSTHOG_API_KEY":  "phc_blackholed",
		"POSTHOG_HOST":     "http://" + hole,
		"ENABLE_TELEMETRY": "true",
		"TELE_URL":         "http://" + hole + "/ping",
	}
	var proxy *tcpProxy
	if os.Getenv("TEST_POSTGRES_URL") != "" {
		env["DATABASE_URL"], proxy = proxiedPostgres(t)
	}
	logDir := t.TempDir()
	env["LOG_DIR"] = logDir
	s := startRun(t, env, runOptions{})
	base := "http://" + s.addr
	hc := &http.Client{Timeout: 30 * time.Second}

	// One admin, three users, each with a project.
	type actor struct {
		token   string
		project int64
	}
	var actors []actor
	for i := range 4 {
		email := fmt.Sprintf("fault%d@example.com", i)
		if st, _, b := fetch(t, hc, "POST", base+"/api/v1/users", "", fmt.Sprintf(`{"email":%q,"password":"correct horse battery","name":"F%d"}`, email, i)); st != 201 {
			t.Fatalf("sign-up: %d %s", st, b)
		}
		actors = append(actors, actor{token: createToken(t, base, email)})
	}
	for i := range actors {
		st, _, b := fetch(t, hc, "POST", base+"/api/v1/projects", actors[i].token, `{"name":"Faults","billable":true}`)
		var p struct {
			ID int64 `json:"id"`
		}
		if st != 201 || json.Unmarshal(b, &p) != nil {
			t.Fatalf("project: %d %s", st, b)
		}
		actors[i].project = p.ID
	}

	var (
		dbGone  atomic.Bool
		mu      sync.Mutex
		acked   = map[string][]int64{} // token -> entry IDs whose creation was acknowledged
		answers = map[string]int{}
	)
	note := func(what string, st int, b []byte) {
		mu.Lock()
		answers[fmt.Sprintf("%s %d", what, st)]++
		mu.Unlock()
		switch {
		case st == http.StatusServiceUnavailable && proxy != nil:
			// documented while the database is gone (or just back)
		case st >= 500 || st == 0:
			t.Errorf("%s: %d %s (database gone: %v)", what, st, b, dbGone.Load())
		}
	}
	mix := func(a actor, worker int, until time.Time) {
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(worker) * 1000 * time.Hour)
		for i := 0; time.Now().Before(until); i++ {
			switch i % 8 {
			case 0, 1:
				end := start.Add(30 * time.Minute)
				st, _, b := fetch(t, hc, "POST", base+"/api/v1/entries", a.token,
					fmt.Sprintf(`{"project_id":%d,"start":%q,"end":%q,"notes":"fault %d"}`, a.project, start.Format(time.RFC3339), end.Format(time.RFC3339), i))
				note("create entry", st, b)
				if st == http.StatusCreated {
					var e struct {
						ID int64 `json:"id"`
					}
					if err := json.Unmarshal(b, &e); err == nil {
						mu.Lock()
						acked[a.token] = append(acked[a.token], e.ID)
						mu.Unlock()
					}
				}
				start = end
			case 2:
				st, _, b := fetch(t, hc, "POST", base+"/api/v1/timer/start", a.token, fmt.Sprintf(`{"project_id":%d}`, a.project))
				note("start timer", st, b)
			case 3:
				st, _, b := fetch(t, hc, "POST", base+"/api/v1/timer/stop", a.token, "")
				note("stop timer", st, b)
			case 4:
				st, _, b := fetch(t, hc, "GET", base+"/api/v1/entries?limit=20", a.token, "")
				note("list entries", st, b)
			case 5:
				st, _, b := fetch(t, hc, "GET", base+"/api/v1/reports/summary?group_by=day", a.token, "")
				note("summary", st, b)
			case 6:
				st, _, b := fetch(t, hc, "GET", base+"/api/v1/no-such-route", a.token, "")
				note("unknown route", st, b)
			case 7:
				if worker == 0 { // the admin: an error that goes to the blackholed Sentry
					st, _, b := fetch(t, hc, "POST", base+"/api/v1/admin/test-error", a.token, "")
					note("test error", st, b)
				} else {
					st, _, b := fetch(t, hc, "GET", base+"/readyz", "", "")
					if st != 200 && !(st == 503 && proxy != nil) {
						t.Errorf("readyz: %d %s", st, b)
					}
				}
			}
		}
	}
	run := func(d time.Duration) {
		until := time.Now().Add(d)
		var wg sync.WaitGroup
		for w, a := range actors {
			wg.Go(func() { mix(a, w, until) })
		}
		wg.Wait()
	}

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	run(2 * time.Second) // phase 1: every sink blackholed
	if proxy != nil {
		// phase 2: the database gone for a while, then back
		done := make(chan struct{})
		go func() {
			defer close(done)
			run(4 * time.Second)
		}()
		time.Sleep(time.Second)
		dbGone.Store(true)
		proxy.down()
		time.Sleep(1500 * time.Millisecond)
		proxy.up()
		dbGone.Store(false)
		<-done
		waitFor(t, 20*time.Second, "the database to be back", func() bool {
			st, _, _ := fetch(t, hc, "GET", base+"/readyz", "", "")
			return st == 200
		})
	} else {
		t.Log("TEST_POSTGRES_URL is not set: the database-gone phase runs only on PostgreSQL")
	}

	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("answers: %v", answers)
	t.Logf("heap in use: %d MiB before, %d MiB after", before.HeapInuse>>20, after.HeapInuse>>20)
	if grow := int64(after.HeapInuse) - int64(before.HeapInuse); grow > 64<<20 {
		t.Errorf("heap grew by %d MiB", grow>>20)
	}

	// Every acknowledged write is there.
	total := 0
	for token, ids := range acked {
		for _, id := range ids {
			total++
			if st, _, b := fetch(t, hc, "GET", fmt.Sprintf("%s/api/v1/entries/%d", base, id), token, ""); st != 200 {
				t.Errorf("acknowledged entry %d: %d %s", id, st, b)
			}
		}
	}
	if total == 0 {
		t.Error("no write was acknowledged")
	}
	s.stop(t) // bounded, whatever the blackholed sinks do
	logRecords(t, logDir)
}

// createToken signs in with a cookie and creates a personal API token.
func createToken(t *testing.T, base, email string) string {
	t.Helper()
	app := &testApp{t: t, srv: &httptest.Server{URL: base}}
	c := app.client()
	c.signIn(email, "correct horse battery")
	var tok struct {
		Token string `json:"token"`
	}
	c.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "fault"}, &tok)
	return tok.Token
}
