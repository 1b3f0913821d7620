package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// started is a run() in the background.
type started struct {
	addr, metricsAddr string
	cancel            context.CancelFunc
	once              sync.Once
	done              chan error
	stdout, stderr    *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRun runs the real program (runWith, as main does) with env and
// waits until it listens.
func startRun(t *testing.T, env map[string]string, ro runOptions) *started {
	t.Helper()
	full := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "LOG_DIR": t.TempDir()}
	for k, v := range env {
		full[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{cancel: cancel, done: make(chan error, 1), stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	ready := make(chan string, 1)
	ro.ready = func(addr string) { ready <- addr }
	mready := make(chan string, 1)
	ro.metricsReady = func(addr string) { mready <- addr }
	if ro.passwords == (testParams) || ro.passwords.Time == 0 {
		ro.passwords = testParams
	}
	go func() { s.done <- runWith(ctx, nil, mapLookup(full), s.stdout, s.stderr, ro) }()
	select {
	case s.addr = <-ready:
	case err := <-s.done:
		cancel()
		t.Fatalf("run returned before listening: %v", err)
	}
	if full["METRICS_ADDR"] != "" {
		s.metricsAddr = <-mready
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop cancels run, as SIGTERM does, and waits for it to return.
func (s *started) stop(t *testing.T) {
	t.Helper()
	s.once.Do(func() {
		s.cancel()
		if err := <-s.done; err != nil {
			t.Errorf("run returned %v after shutdown", err)
		}
	})
}

func get(t *testing.T, url string, hdr map[string]string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestRunServes starts the real program on a free port: /healthz and
// /readyz answer, security headers are set, and cancelling the context
// (what SIGTERM does) shuts it down cleanly and writes "stopped".
func TestRunServes(t *testing.T) {
	logDir := t.TempDir()
	s := startRun(t, map[string]string{"LOG_DIR": logDir}, runOptions{})
	for _, p := range []string{"/healthz", "/readyz"} {
		code, hdr, body := get(t, "http://"+s.addr+p, nil)
		if code != 200 || !strings.Contains(body, `"ok"`) {
			t.Fatalf("GET %s = %d %q", p, code, body)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Request-Id"} {
			if hdr.Get(h) == "" {
				t.Errorf("GET %s: no %s header", p, h)
			}
		}
		if csp := hdr.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP %q", csp)
		}
	}
	s.stop(t)
	if _, err := http.Get("http://" + s.addr + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
	logs, err := os.ReadFile(filepath.Join(logDir, "app.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"msg":"listening"`, `"route":"GET /healthz"`, `"msg":"stopped"`} {
		if !strings.Contains(string(logs), want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
	// LOG_STDERR is off by default: erasure cannot reach a copy there (L8).
	if strings.Contains(s.stderr.String(), `"msg":"listening"`) {
		t.Errorf("log lines on stderr without LOG_STDERR=true:\n%s", s.stderr.String())
	}
}

// TestLogStderrWhenAsked: LOG_STDERR=true copies each line to stderr.
// claim: L1
// claim: L8
func TestLogStderrWhenAsked(t *testing.T) {
	s := startRun(t, map[string]string{"LOG_STDERR": "true"}, runOptions{})
	s.stop(t)
	if !strings.Contains(s.stderr.String(), `"msg":"listening"`) {
		t.Error("nothing logged to stderr with LOG_STDERR=true")
	}
}

// TestRunRefusesBadConfiguration: a value that cannot be used stops
// start-up with an error naming the variable; nothing listens.
func TestRunRefusesBadConfiguration(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"ENABLE_TELEMETRY": "maybe"}, "ENABLE_TELEMETRY"},
		{map[string]string{"ENABLE_TELEMETRY": "true"}, "TELE_URL"},
		{map[string]string{"SENTRY_DSN": "http://key@sentry.example.com/1"}, "SENTRY_DSN"},
		{map[string]string{"POSTHOG_HOST": "not a url"}, "POSTHOG_HOST"},
		{map[string]string{"LOG_CLIENT_IP": "sometimes"}, "LOG_CLIENT_IP"},
		{map[string]string{"REGISTRATION": "invite-only"}, "REGISTRATION"},
		{map[string]string{"LISTEN_ADDR": "8080"}, "LISTEN_ADDR"},
		{map[string]string{"TRUST_PROXY": "perhaps"}, "TRUST_PROXY"},
		{map[string]string{"OVERLAPS": "sometimes"}, "OVERLAPS"},
		{map[string]string{"CURRENCY": "EURO"}, "CURRENCY"},
		{map[string]string{"CURRENCY": "ZZZ"}, "CURRENCY"},
		{map[string]string{"POSTHOG_PROJECT_ID": "42"}, "POSTHOG_PERSONAL_API_KEY"},
		{map[string]string{"LOG_MAX_SIZE_MB": "lots"}, "LOG_MAX_SIZE_MB"},
		{map[string]string{"LOG_MAX_BACKUPS": "0"}, "LOG_MAX_BACKUPS"},
		{map[string]string{"DATABASE_URL": "mysql://app:key@db.example.com/tt"}, "DATABASE_URL"},
		{map[string]string{"DATABASE_URL": "postgress://app:key@db.example.com/tt"}, "DATABASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			env := map[string]string{"DATA_DIR": t.TempDir(), "LOG_DIR": t.TempDir(), "LISTEN_ADDR": "127.0.0.1:0"}
			for k, v := range tt.env {
				env[k] = v
			}
			ro := runOptions{ready: func(string) { t.Error("the server started") }}
			err := runWith(context.Background(), []string{"serve"}, mapLookup(env), io.Discard, io.Discard, ro)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one naming %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "key@") {
				t.Fatalf("the error repeats the DSN's key: %v", err)
			}
		})
	}
}

// TestSubcommands runs version, migrate and telemetry-preview.
// claim: T5
func TestSubcommands(t *testing.T) {
	data := t.TempDir()
	env := mapLookup(map[string]string{"DATA_DIR": data, "LOG_DIR": t.TempDir(), "TELE_SALT": "a salt of at least sixteen characters"})
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, env, &out, io.Discard); err != nil || !strings.Contains(out.String(), version) {
		t.Fatalf("version: %q, %v", out.String(), err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate"}, env, &out, io.Discard); err != nil || !strings.Contains(out.String(), "schema is at version") {
		t.Fatalf("migrate: %q, %v", out.String(), err)
	}
	if _, err := os.Stat(filepath.Join(data, "timetracker.db")); err != nil {
		t.Fatalf("migrate made no database in DATA_DIR: %v", err)
	}
	out.Reset()
	var errOut bytes.Buffer
	if err := run(context.Background(), []string{"telemetry-preview"}, env, &out, &errOut); err != nil {
		t.Fatalf("telemetry-preview: %v", err)
	}
	var ping map[string]any
	if err := json.Unmarshal(out.Bytes(), &ping); err != nil {
		t.Fatalf("telemetry-preview printed %q: %v", out.String(), err)
	}
	if fp, _ := ping["fingerprint"].(string); len(fp) != 64 || ping["version"] != version {
		t.Fatalf("preview = %v", ping)
	}
	if !strings.Contains(errOut.String(), "off") {
		t.Fatalf("the preview does not say telemetry is off: %q", errOut.String())
	}
	if _, err := os.Stat(filepath.Join(data, "telemetry.json")); err == nil {
		t.Fatal("the preview wrote the telemetry state")
	}
	if err := run(context.Background(), []string{"frobnicate"}, env, io.Discard, io.Discard); err == nil {
		t.Fatal("an unknown command ran")
	}
}

// TestNoOutboundConnections: with no optional service configured, a
// session that signs up, tracks time, exports and deletes the account
// opens no connection through the app's one outbound transport.
// claim: C2
func TestNoOutboundConnections(t *testing.T) {
	var mu sync.Mutex
	var dials []string
	s := startRun(t, nil, runOptions{onDial: func(network, addr string) {
		mu.Lock()
		dials = append(dials, network+" "+addr)
		mu.Unlock()
	}})
	app := &testApp{t: t, srv: &httptest.Server{URL: "http://" + s.addr}}
	c, _ := app.register("quiet@example.org", "quiet-password", "Q")
	var pr idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P"}, &pr)
	c.must(http.StatusCreated, "POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID}, nil)
	c.must(http.StatusOK, "POST", "/api/v1/timer/stop", nil, nil)
	c.must(http.StatusOK, "GET", "/api/v1/me/export", nil, nil)
	c.must(http.StatusAccepted, "POST", "/api/v1/admin/test-error", nil, nil)
	c.must(http.StatusNoContent, "DELETE", "/api/v1/me", map[string]string{"password": "quiet-password"}, nil)
	s.stop(t)
	mu.Lock()
	defer mu.Unlock()
	if len(dials) > 0 {
		t.Fatalf("outbound connections with every optional service off: %v", dials)
	}
}

// TestSentryTestError: with SENTRY_DSN set, the admin's test error reaches
// the Sentry endpoint through the app's outbound transport, with the
// request ID, and is flushed at shutdown.
// claim: S1
func TestSentryTestError(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	sentry := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rd io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err == nil {
				rd = zr
			}
		}
		b, _ := io.ReadAll(rd)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer sentry.Close()
	var dialed sync.Map
	dsn := strings.Replace(sentry.URL, "http://", "http://publickey@", 1) + "/42"
	s := startRun(t, map[string]string{"SENTRY_DSN": dsn, "APP_ENV": "staging"}, runOptions{onDial: func(_, addr string) { dialed.Store(addr, true) }})
	app := &testApp{t: t, srv: &httptest.Server{URL: "http://" + s.addr}}
	admin, _ := app.register("root@example.org", "root-password", "Root")
	var te struct {
		Reported bool   `json:"reported"`
		EventID  string `json:"event_id"`
	}
	r := admin.must(http.StatusAccepted, "POST", "/api/v1/admin/test-error", nil, &te)
	if !te.Reported || te.EventID == "" {
		t.Fatalf("test error not reported: %s", r.body)
	}
	reqID := r.header.Get("X-Request-Id")
	s.stop(t) // flushes Sentry
	mu.Lock()
	all := strings.Join(bodies, "\n")
	mu.Unlock()
	for _, want := range []string{"test error requested by an administrator", reqID, `"environment":"staging"`, version, "stacktrace"} {
		if !strings.Contains(all, want) {
			t.Errorf("Sentry received no %q in:\n%.2000s", want, all)
		}
	}
	for _, never := range []string{"root@example.org", "root-password"} {
		if strings.Contains(all, never) {
			t.Errorf("Sentry received %q", never)
		}
	}
	if _, ok := dialed.Load(strings.TrimPrefix(sentry.URL, "http://")); !ok {
		t.Error("the Sentry connection did not go through the outbound transport")
	}
}

// TestStartupRecord: the first log record says which optional services
// are on, with their hosts and never their keys.
// claim: C4
func TestStartupRecord(t *testing.T) {
	logDir := t.TempDir()
	s := startRun(t, map[string]string{
		"LOG_DIR":         logDir,
		"SENTRY_DSN":      "https://supersecretkey@o1.ingest.sentry.example.com/42",
		"POSTHOG_API_KEY": "phc_verysecretposthogkey",
		"POSTHOG_HOST":    "https://eu.i.posthog.com",
	}, runOptions{onDial: func(string, string) {}})
	s.stop(t)
	b, err := os.ReadFile(filepath.Join(logDir, "app.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	var rec map[string]any
	if err := json.Unmarshal([]byte(first), &rec); err != nil {
		t.Fatal(err)
	}
	et, _ := rec["error_tracking"].(map[string]any)
	pa, _ := rec["product_analytics"].(map[string]any)
	it, _ := rec["install_telemetry"].(map[string]any)
	if rec["msg"] != "optional services" || et["enabled"] != true || et["host"] != "o1.ingest.sentry.example.com" ||
		pa["enabled"] != true || pa["host"] != "eu.i.posthog.com" || it["enabled"] != false {
		t.Fatalf("start-up record = %s", first)
	}
	for _, secret := range []string{"supersecretkey", "verysecretposthogkey"} {
		if strings.Contains(string(b), secret) {
			t.Fatalf("the log carries %q", secret)
		}
	}
}

// Without LOG_CLIENT_IP no client's IP address reaches the log: a request
// from 127.0.0.1 leaves no address in its record. The one address the log
// may hold is the operator's own configuration: a Sentry on a loopback IP
// appears in the start-up record as written, with its port (C4).
//
// claim: L6, C4
func TestNoIPInTheLogWithoutLogClientIP(t *testing.T) {
	logDir := t.TempDir()
	sentry := httptest.NewServer(http.NotFoundHandler())
	defer sentry.Close()
	s := startRun(t, map[string]string{
		"LOG_DIR":    logDir,
		"SENTRY_DSN": "http://publickey@" + sentry.Listener.Addr().String() + "/42",
	}, runOptions{onDial: func(string, string) {}})
	res, err := http.Get("http://" + s.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	s.stop(t)
	b, err := os.ReadFile(filepath.Join(logDir, "app.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	host := `"host":"` + sentry.Listener.Addr().String() + `"`
	if !strings.Contains(string(b), host) {
		t.Errorf("the start-up record does not show the Sentry host as configured (%s):\n%s", host, b)
	}
	if !strings.Contains(string(b), `"route":"GET /healthz"`) {
		t.Fatalf("no request record:\n%s", b)
	}
	if rest := strings.ReplaceAll(string(b), host, ""); strings.Contains(rest, "127.0.0.1") {
		t.Errorf("the log carries a client IP address without LOG_CLIENT_IP:\n%s", b)
	}
}

// TestMetrics: /metrics on the app's port behind METRICS_TOKEN, with the
// request histogram by route, the running-timers gauge and the pool
// figures; and on a separate METRICS_ADDR, where the app's port no longer
// serves it.
// claim: M1
// claim: M3
func TestMetrics(t *testing.T) {
	t.Run("token", func(t *testing.T) {
		app := newTestApp(t, map[string]string{"METRICS_TOKEN": "scrape-secret"})
		c, _ := app.register("m@example.org", "metrics-password", "M")
		var pr idOnly
		c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P"}, &pr)
		c.must(http.StatusCreated, "POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID}, nil)
		if code, _, _ := get(t, app.srv.URL+"/metrics", nil); code != http.StatusUnauthorized {
			t.Fatalf("/metrics without the token: %d", code)
		}
		code, _, body := get(t, app.srv.URL+"/metrics", map[string]string{"Authorization": "Bearer scrape-secret"})
		if code != 200 {
			t.Fatalf("/metrics with the token: %d", code)
		}
		for _, want := range []string{
			"timetracker_active_timers 1",
			`http_route="/api/v1/timer/start"`,
			"http_server_request_duration_seconds_bucket",
			"db_client_connection",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
		if strings.Contains(body, "m@example.org") || strings.Contains(body, `http_route="/api/v1/projects/`) {
			t.Error("/metrics carries user data or raw paths")
		}
	})
	t.Run("separate address", func(t *testing.T) {
		s := startRun(t, map[string]string{"METRICS_ADDR": "127.0.0.1:0"}, runOptions{})
		if code, _, body := get(t, "http://"+s.metricsAddr+"/metrics", nil); code != 200 || !strings.Contains(body, "timetracker_active_timers 0") {
			t.Fatalf("metrics listener: %d %.200s", code, body)
		}
		if code, _, _ := get(t, "http://"+s.addr+"/metrics", nil); code != http.StatusNotFound {
			t.Fatalf("/metrics on the app's port: %d, want 404", code)
		}
	})
}

// With both METRICS_ADDR and METRICS_TOKEN, the separate listener still
// asks for the token: the two restrictions add up.
//
// claim: M3
func TestMetricsSeparateAddressKeepsTheToken(t *testing.T) {
	s := startRun(t, map[string]string{"METRICS_ADDR": "127.0.0.1:0", "METRICS_TOKEN": "scrape-secret"}, runOptions{})
	url := "http://" + s.metricsAddr + "/metrics"
	if code, _, _ := get(t, url, nil); code != http.StatusUnauthorized {
		t.Errorf("/metrics on METRICS_ADDR without the token: %d, want 401", code)
	}
	if code, _, _ := get(t, url, map[string]string{"Authorization": "Bearer wrong"}); code != http.StatusUnauthorized {
		t.Errorf("/metrics on METRICS_ADDR with a wrong token: %d, want 401", code)
	}
	if code, _, body := get(t, url, map[string]string{"Authorization": "Bearer scrape-secret"}); code != 200 || !strings.Contains(body, "timetracker_active_timers") {
		t.Errorf("/metrics on METRICS_ADDR with the token: %d %.200s", code, body)
	}
}

// TestClosedRegistration: with REGISTRATION=closed only the first account
// (the admin) can be created.
func TestClosedRegistration(t *testing.T) {
	app := newTestApp(t, map[string]string{"REGISTRATION": "closed"})
	anon := app.client()
	anon.must(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": "first@example.org", "password": "first-password", "name": "F"}, nil)
	r := anon.must(http.StatusForbidden, "POST", "/api/v1/users", map[string]string{"email": "second@example.org", "password": "second-password", "name": "S"}, nil)
	if e := r.apiError(t); e.Error.Code != "forbidden" {
		t.Fatalf("%+v", e)
	}
}

// TestClosedRegistrationRace: sign-ups racing on an empty, closed server
// leave exactly one account, the admin.
func TestClosedRegistrationRace(t *testing.T) {
	app := newTestApp(t, map[string]string{"REGISTRATION": "closed"})
	const n = 6
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := app.client().do("POST", "/api/v1/users", map[string]string{
				"email": fmt.Sprintf("racer%d@example.org", i), "password": "racing-password", "name": "R"})
			statuses <- r.status
		})
	}
	wg.Wait()
	close(statuses)
	created := 0
	for s := range statuses {
		switch s {
		case http.StatusCreated:
			created++
		case http.StatusForbidden:
		default:
			t.Errorf("sign-up answered %d", s)
		}
	}
	count, err := app.d.db.CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if created != 1 || count != 1 {
		t.Fatalf("%d sign-ups succeeded and %d accounts exist; want exactly one", created, count)
	}
}

// TestGracefulShutdown: a request in flight when shutdown starts is
// finished and answered, while new connections are refused.
func TestGracefulShutdown(t *testing.T) {
	s := startRun(t, nil, runOptions{})
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"email":"late@example.org","password":"late-password","name":"Late"}`
	head := "POST /api/v1/users HTTP/1.1\r\nHost: " + s.addr + "\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	if _, err := io.WriteString(conn, head+body[:10]); err != nil {
		t.Fatal(err)
	}
	// Wait until the handler runs (the in-flight gauge counts the POST),
	// so the connection is surely accepted; then tell the process to stop.
	for {
		_, _, m := get(t, "http://"+s.addr+"/metrics", nil)
		if strings.Contains(m, `http_server_active_requests{http_request_method="POST",url_scheme="http"} 1`) {
			break
		}
		runtime.Gosched()
	}
	stopped := make(chan struct{})
	go func() {
		s.stop(t)
		close(stopped)
	}()
	for { // wait until the listener is closed: shutdown has begun
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			break
		}
		c.Close()
		runtime.Gosched()
	}
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v\n%s", err, s.stderr.String())
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("request in flight: status %d", res.StatusCode)
	}
	<-stopped
}
