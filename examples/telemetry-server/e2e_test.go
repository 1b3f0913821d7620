package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/telemetry"
)

// fakeClock moves only when told to, and reports every sleep the reporter
// asks for, so a test knows when the reporter is idle.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
	waits  chan time.Duration
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, waits: make(chan time.Duration, 1024)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), ch})
	c.mu.Unlock()
	c.waits <- d
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(c.now) {
			kept = append(kept, tm)
		} else {
			tm.ch <- c.now
		}
	}
	c.timers = kept
}

// idle waits until the reporter goes to sleep. The deadline only turns a
// hang into a failure.
func (c *fakeClock) idle(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-c.waits:
		return d
	case <-time.After(30 * time.Second):
		t.Fatal("the reporter never went to sleep")
		return 0
	}
}

// kindCounter wraps the server's handler and counts the pings by kind, as
// they arrived on the wire.
type kindCounter struct {
	next   http.Handler
	mu     sync.Mutex
	counts map[string]int
}

func (k *kindCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var p struct{ Kind string }
	if json.Unmarshal(b, &p) == nil && r.URL.Path == "/ping" {
		k.mu.Lock()
		k.counts[p.Kind]++
		k.mu.Unlock()
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	k.next.ServeHTTP(w, r)
}

func (k *kindCounter) get() map[string]int {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := map[string]int{}
	for kind, n := range k.counts {
		out[kind] = n
	}
	return out
}

// proxyHeaders plays a reverse proxy that tells the server who the client
// is; the server must not listen.
type proxyHeaders struct{ next http.RoundTripper }

func (p proxyHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", "198.51.100.9")
	r.Header.Set("X-Real-IP", "198.51.100.9")
	r.Header.Set("Forwarded", "for=198.51.100.9")
	return p.next.RoundTrip(r)
}

// claim: T1
// claim: T3
// claim: T6
func TestReporterToReceiver(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			db, store := be.open(t)
			clk := newFakeClock(base)
			logger := slog.New(slog.NewTextHandler(io.Discard, nil))
			counter := &kindCounter{next: newHandler(db, store, "1.2.0", clk.Now, logger), counts: map[string]int{}}
			srv := httptest.NewServer(counter)
			defer srv.Close()

			settings := consent.Settings{TelemetryEnabled: true, TelemetryURL: srv.URL + "/ping", TelemetrySalt: "a-salt-long-enough-to-use"}
			statePath := filepath.Join(t.TempDir(), "data", "telemetry.json")
			// One application process: a reporter on the shared state file,
			// run until it has nothing left to do and goes to sleep.
			restart := func(version string) *telemetry.Reporter {
				t.Helper()
				rep, err := telemetry.New(settings, telemetry.Options{
					Version:   version,
					StatePath: statePath,
					Clock:     clk,
					Hostname:  func() (string, error) { return "web-01", nil },
					Transport: proxyHeaders{http.DefaultTransport.(*http.Transport).Clone()},
					Logger:    logger,
				})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { defer close(done); rep.Run(ctx) }()
				clk.idle(t)
				cancel()
				<-done
				return rep
			}
			fp := telemetry.Fingerprint("web-01", "a-salt-long-enough-to-use")

			// Three processes of one installation: an hour apart, then two
			// days later with an upgrade.
			rep := restart("1.0.0")
			if rep.Latest() != "1.2.0" {
				t.Errorf("Latest() = %q, want the receiver's 1.2.0", rep.Latest())
			}
			clk.Advance(time.Hour)
			restart("1.0.0")
			row, err := store.Get(context.Background(), fp)
			if err != nil {
				t.Fatal(err)
			}
			want := Installation{Fingerprint: fp, Version: "1.0.0", InstalledAt: base, UpdatedAt: base, FirstSeen: base, LastSeen: base}
			if row != want {
				t.Errorf("row after two starts = %+v\nwant %+v", row, want)
			}
			clk.Advance(2 * day)
			restart("1.1.0")

			if got := counter.get(); got[telemetry.KindInstall] != 1 || got[telemetry.KindUpdateCheck] != 1 || len(got) != 2 {
				t.Errorf("pings by kind = %v, want one install and one update_check", got)
			}

			// The upgrade moved updated_at and last_seen, not the rest.
			upgraded := base.Add(time.Hour + 2*day)
			row, err = store.Get(context.Background(), fp)
			if err != nil {
				t.Fatal(err)
			}
			want = Installation{Fingerprint: fp, Version: "1.1.0", InstalledAt: base, UpdatedAt: upgraded, FirstSeen: base, LastSeen: upgraded}
			if row != want {
				t.Errorf("row after upgrade = %+v\nwant %+v", row, want)
			}

			// The row holds the declared columns and nothing about the
			// sender: not the connection's address, not the proxy's headers.
			if cols := rowColumns(t, db); !slices.Equal(cols, declaredColumns) {
				t.Errorf("columns = %v, want exactly %v", cols, declaredColumns)
			}
			for _, v := range allValues(t, db) {
				if net.ParseIP(v) != nil || strings.Contains(v, "127.0.0.1") || strings.Contains(v, "198.51.100") || strings.Contains(v, "web-01") {
					t.Errorf("stored value %q identifies the sender", v)
				}
			}

			// A year and two months later another installation appears; the
			// daily purge forgets the first one, silent for over 12 months.
			clk.Advance(425 * day)
			other := telemetry.Fingerprint("web-02", "a-salt-long-enough-to-use")
			body := `{"schema":1,"kind":"install","fingerprint":"` + other + `","version":"1.2.0","installed_at":"` +
				clk.Now().Format(time.RFC3339) + `","updated_at":"` + clk.Now().Format(time.RFC3339) + `"}`
			resp, err := http.Post(srv.URL+"/ping", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("second installation: status %d", resp.StatusCode)
			}
			if n, err := purgeOnce(context.Background(), store, clk.Now()); err != nil || n != 1 {
				t.Errorf("purge deleted %d (err %v), want 1", n, err)
			}
			counts, err := store.VersionCounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(counts) != 1 || counts[0] != (VersionCount{Version: "1.2.0", Installations: 1}) {
				t.Errorf("after purge: %v, want only the new installation", counts)
			}
		})
	}
}

func TestServer(t *testing.T) {
	db, store := openSQLite(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, ln, newHandler(db, store, "1.2.0", time.Now, logger), logger) }()
	url := "http://" + ln.Addr().String()

	tests := []struct {
		method, path string
		want         int
		wantBody     string
	}{
		{"GET", "/healthz", 200, "ok\n"},
		{"GET", "/ping", 405, `{"error":"method GET is not allowed; send pings with POST"}` + "\n"},
		{"POST", "/ping", 400, `{"error":"body is empty; expected a JSON object"}` + "\n"},
		{"GET", "/", 404, "404 page not found\n"},
		{"GET", "/versions", 404, "404 page not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, url+tt.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want || string(b) != tt.wantBody {
				t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.path, resp.StatusCode, b, tt.want, tt.wantBody)
			}
		})
	}

	// Graceful shutdown: serve returns without error once ctx is done.
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("serve after cancel: %v", err)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func TestHealthzReportsADeadDatabase(t *testing.T) {
	db, store := openSQLite(t)
	h := newHandler(db, store, "", time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	db.Close()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("healthz with a closed database = %d, want 503", rec.Code)
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    config
		wantErr string
	}{
		{"defaults", nil, nil, config{"serve", ":8090", "data/telemetry.db", ""}, ""},
		{"environment", nil, map[string]string{"LISTEN_ADDR": "127.0.0.1:9000", "DATABASE_URL": "postgres://u@db/t", "LATEST_VERSION": "1.2.0"},
			config{"serve", "127.0.0.1:9000", "postgres://u@db/t", "1.2.0"}, ""},
		{"flags win", []string{"-listen", ":1", "-db", "x.db", "-latest", "2.0.0"}, map[string]string{"LISTEN_ADDR": ":2", "LATEST_VERSION": "1"},
			config{"serve", ":1", "x.db", "2.0.0"}, ""},
		{"versions command", []string{"versions", "-db", "x.db"}, nil, config{"versions", ":8090", "x.db", ""}, ""},
		{"unknown command", []string{"purge"}, nil, config{}, `unknown command "purge"`},
		{"unknown flag", []string{"-port", "1"}, nil, config{}, "flag provided but not defined: -port"},
		{"latest too long", nil, map[string]string{"LATEST_VERSION": strings.Repeat("1", 65)}, config{}, "LATEST_VERSION is longer than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			got, err := parseConfig(tt.args, lookup)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("parseConfig = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestDescribeDatabaseHidesPasswords(t *testing.T) {
	got := describeDatabase("postgres://telemetry:hunter2@db.internal:5432/telemetry?sslmode=require")
	if got != "postgres db.internal:5432/telemetry" {
		t.Errorf("describeDatabase = %q", got)
	}
}

// claim: T6
func TestServerErrorLogHasNoAddresses(t *testing.T) {
	var buf syncBuf
	el := slog.NewLogLogger(newLogger(&buf).Handler(), slog.LevelWarn)
	el.Print("http: panic serving 203.0.113.7:51234: boom\n")
	el.Print("http: TLS handshake error from [2001:db8::1]:443: EOF\n")
	out := buf.String()
	if strings.Contains(out, "203.0.113.7") || strings.Contains(out, "2001:db8") {
		t.Errorf("error log keeps a client address: %s", out)
	}
	if !strings.Contains(out, "boom") {
		t.Errorf("error log lost the message: %s", out)
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The program itself purges: serving starts the purge loop, which forgets
// an installation silent for 13 months at once, without anyone calling
// purgeOnce.
//
// claim: T6
func TestServingPurgesOldInstallations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "telemetry.db")
	db, store, err := openStore(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	old := telemetry.Fingerprint("silent-host", "0123456789abcdef")
	seen := time.Now().AddDate(0, -13, 0)
	if err := store.Save(context.Background(), ping(old, "1.0.0", seen, seen), seen); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() {
		errc <- run(ctx, []string{"-listen", "127.0.0.1:0", "-db", path}, func(string) (string, bool) { return "", false }, io.Discard, logger)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := store.Get(context.Background(), old)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the installation silent for 13 months is still stored: the server does not purge")
		}
		select {
		case err := <-errc:
			t.Fatalf("run returned early: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("run after cancel: %v", err)
	}
}
