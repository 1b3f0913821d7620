package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/consent"
)

const (
	testHost = "web-01"
	testSalt = "0123456789abcdef" // 16 characters: used as given
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// pingServer stands in for a telemetry receiver. It hands every body it
// receives to the test and answers as told.
type pingServer struct {
	*httptest.Server
	bodies chan []byte
	mu     sync.Mutex
	answer func(w http.ResponseWriter, r *http.Request)
}

func newPingServer(t *testing.T) *pingServer {
	t.Helper()
	ps := &pingServer{bodies: make(chan []byte, 1024)}
	ps.setAnswer(replyLatest("2.0.0"))
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ps.bodies <- b
		ps.mu.Lock()
		answer := ps.answer
		ps.mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(ps.Close)
	return ps
}

func (ps *pingServer) setAnswer(f func(w http.ResponseWriter, r *http.Request)) {
	ps.mu.Lock()
	ps.answer = f
	ps.mu.Unlock()
}

func replyLatest(v string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"latest":"`+v+`"}`)
	}
}

// next returns the next body the server received, decoded as a Ping and as
// raw JSON.
func (ps *pingServer) next(t *testing.T) (Ping, []byte) {
	t.Helper()
	select {
	case b := <-ps.bodies:
		var p Ping
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatalf("server received %q: %v", b, err)
		}
		return p, b
	case <-time.After(10 * time.Second): // a deadlock guard, not a timing assertion
		t.Fatal("the server never received a ping")
		return Ping{}, nil
	}
}

func (ps *pingServer) none(t *testing.T) {
	t.Helper()
	select {
	case b := <-ps.bodies:
		t.Fatalf("server received an unexpected ping %s", b)
	default:
	}
}

type fixture struct {
	settings consent.Settings
	opts     Options
	clock    *fakeClock
	logs     *syncBuffer
}

func newFixture(t *testing.T, url string) *fixture {
	t.Helper()
	clk := newFakeClock(t0)
	logs := &syncBuffer{}
	return &fixture{
		settings: consent.Settings{TelemetryEnabled: true, TelemetryURL: url, TelemetrySalt: testSalt},
		clock:    clk,
		logs:     logs,
		opts: Options{
			Version:   "1.0.0",
			StatePath: filepath.Join(t.TempDir(), "state", "telemetry.json"),
			Clock:     clk,
			Hostname:  func() (string, error) { return testHost, nil },
			Logger:    slog.New(slog.NewJSONHandler(logs, nil)),
		},
	}
}

// start builds a reporter and runs it in a goroutine, as an application
// does; stop cancels it and waits for Run to return.
func (f *fixture) start(t *testing.T) (r *Reporter, stop func()) {
	t.Helper()
	r, err := New(f.settings, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(ctx)
	}()
	return r, func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not return after its context was cancelled")
		}
	}
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

// claim: T1
func TestPayloadHoldsExactlyTheDeclaredFields(t *testing.T) {
	// Adding a field to the payload must fail this test: widening what a
	// ping says needs a change to claim T1 first.
	want := []string{"fingerprint", "installed_at", "kind", "schema", "updated_at", "version"}

	ps := newPingServer(t)
	f := newFixture(t, ps.URL)
	_, stop := f.start(t)
	defer stop()

	for _, kind := range []string{KindInstall, KindUpdateCheck} {
		t.Run(kind, func(t *testing.T) {
			if kind == KindUpdateCheck {
				f.clock.Advance(f.clock.nextWait(t))
			}
			_, raw := ps.next(t)
			var fields map[string]any
			if err := json.Unmarshal(raw, &fields); err != nil {
				t.Fatal(err)
			}
			got := slices.Sorted(func(yield func(string) bool) {
				for k := range fields {
					if !yield(k) {
						return
					}
				}
			})
			if !slices.Equal(got, want) {
				t.Errorf("payload keys = %v, want exactly %v\nbody: %s", got, want, raw)
			}
			if fields["kind"] != kind || fields["schema"] != float64(SchemaVersion) || fields["version"] != "1.0.0" {
				t.Errorf("body %s: wrong kind, schema or version", raw)
			}
			for _, k := range []string{"installed_at", "updated_at"} {
				if fields[k] != "2026-03-01T12:00:00Z" {
					t.Errorf("%s = %v, want the installation time in UTC to the second", k, fields[k])
				}
			}
			if bytes.Contains(raw, []byte(testHost)) || bytes.Contains(raw, []byte(testSalt)) {
				t.Errorf("body %s carries the hostname or the salt", raw)
			}
		})
	}
	// The Go type is the payload's only source; it must not grow either.
	if n := reflect.TypeFor[Ping]().NumField(); n != len(want) {
		t.Errorf("Ping has %d fields, want %d", n, len(want))
	}
}

// claim: T2
func TestFingerprintOnTheWire(t *testing.T) {
	t.Run("TELE_SALT of 16 characters or more is used as given", func(t *testing.T) {
		ps := newPingServer(t)
		f := newFixture(t, ps.URL)
		r, stop := f.start(t)
		p, _ := ps.next(t)
		stop()
		if want := Fingerprint(testHost, testSalt); p.Fingerprint != want {
			t.Errorf("fingerprint = %s, want %s", p.Fingerprint, want)
		}
		if r.GeneratedSalt() {
			t.Error("GeneratedSalt() = true with a 16-character TELE_SALT")
		}
		st := readState(t, f.opts.StatePath)
		if st.Salt != "" {
			t.Errorf("state keeps a generated salt %q although TELE_SALT is long enough", st.Salt)
		}
	})

	for _, salt := range []string{"", "short-salt-15ch"} {
		t.Run("generated when TELE_SALT is "+strings.TrimSpace(map[bool]string{true: "empty", false: "too short"}[salt == ""]), func(t *testing.T) {
			ps := newPingServer(t)
			f := newFixture(t, ps.URL)
			f.settings.TelemetrySalt = salt
			r, stop := f.start(t)
			first, _ := ps.next(t)
			f.clock.nextWait(t)
			stop()
			if !r.GeneratedSalt() {
				t.Error("GeneratedSalt() = false, want true so start-up can say so")
			}
			if !strings.Contains(f.logs.String(), "generated a random salt") {
				t.Errorf("no log record about the generated salt; logs:\n%s", f.logs)
			}
			st := readState(t, f.opts.StatePath)
			if len(st.Salt) != 64 || !validFingerprint(st.Salt) {
				t.Fatalf("state salt = %q, want 32 random bytes in hex", st.Salt)
			}
			if want := Fingerprint(testHost, st.Salt); first.Fingerprint != want {
				t.Errorf("fingerprint = %s, want Fingerprint(host, generated salt) = %s", first.Fingerprint, want)
			}
			if weak := Fingerprint(testHost, salt); first.Fingerprint == weak {
				t.Error("the fingerprint uses the short TELE_SALT")
			}

			// Stable across restarts: the salt is generated once.
			f.clock.Advance(48 * time.Hour)
			_, stop = f.start(t)
			again, _ := ps.next(t)
			f.clock.nextWait(t)
			stop()
			if again.Fingerprint != first.Fingerprint {
				t.Errorf("fingerprint changed across a restart: %s then %s", first.Fingerprint, again.Fingerprint)
			}
			if st2 := readState(t, f.opts.StatePath); st2.Salt != st.Salt {
				t.Error("the generated salt changed across a restart")
			}
		})
	}
}

func readState(t *testing.T, path string) state {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("state file %s: %v", b, err)
	}
	return st
}

// The first process sends the install ping and then sleeps about the
// default 24 h until its update check (T1); restarts do not repeat it (T3).
//
// claim: T1, T3
func TestInstallPingOncePerInstallation(t *testing.T) {
	ps := newPingServer(t)
	f := newFixture(t, ps.URL)

	// First process: the install ping, then asleep until the update check.
	_, stop := f.start(t)
	p, _ := ps.next(t)
	if p.Kind != KindInstall {
		t.Fatalf("first ping kind = %q, want install", p.Kind)
	}
	if d := f.clock.nextWait(t); d < 21*time.Hour || d > 27*time.Hour {
		t.Errorf("next check in %v, want about 24h", d)
	}
	stop()

	// Second process, an hour later: nothing is due, nothing is sent.
	f.clock.Advance(time.Hour)
	_, stop = f.start(t)
	f.clock.nextWait(t)
	stop()
	ps.none(t)

	// Third process, two days later: an update check at once, no install.
	f.clock.Advance(48 * time.Hour)
	_, stop = f.start(t)
	p, _ = ps.next(t)
	f.clock.nextWait(t)
	stop()
	if p.Kind != KindUpdateCheck {
		t.Errorf("ping after restarts kind = %q, want update_check", p.Kind)
	}
	ps.none(t)

	st := readState(t, f.opts.StatePath)
	if !st.FirstPingSent || !st.FirstPingAt.Equal(t0) {
		t.Errorf("state first ping = %v at %v, want true at %v", st.FirstPingSent, st.FirstPingAt, t0)
	}
}

// An upgrade is not a new installation: the process that runs a new
// version sends an update check at once, carrying the new version, and
// never a second install ping.
//
// claim: T3
func TestUpgradeSendsNoSecondInstallPing(t *testing.T) {
	ps := newPingServer(t)
	f := newFixture(t, ps.URL)
	_, stop := f.start(t)
	if p, _ := ps.next(t); p.Kind != KindInstall {
		t.Fatalf("first ping kind = %q, want install", p.Kind)
	}
	f.clock.nextWait(t)
	stop()

	f.clock.Advance(time.Hour)
	f.opts.Version = "1.1.0"
	_, stop = f.start(t)
	p, _ := ps.next(t)
	f.clock.nextWait(t)
	stop()
	if p.Kind != KindUpdateCheck || p.Version != "1.1.0" {
		t.Errorf("ping after the upgrade: kind %q version %q, want update_check 1.1.0", p.Kind, p.Version)
	}
	ps.none(t)
	if st := readState(t, f.opts.StatePath); !st.FirstPingSent || !st.FirstPingAt.Equal(t0) {
		t.Errorf("state after the upgrade: first ping %v at %v, want true at %v", st.FirstPingSent, st.FirstPingAt, t0)
	}
}

func TestUpdateChecksEveryInterval(t *testing.T) {
	ps := newPingServer(t)
	f := newFixture(t, ps.URL)
	f.opts.Interval = 6 * time.Hour
	r, stop := f.start(t)
	defer stop()
	ps.next(t)
	for i := range 5 {
		d := f.clock.nextWait(t)
		if d < 6*time.Hour*9/10 || d > 6*time.Hour*11/10 {
			t.Errorf("check %d: wait %v, want 6h within ±10%% jitter", i, d)
		}
		f.clock.Advance(d)
		if p, _ := ps.next(t); p.Kind != KindUpdateCheck {
			t.Errorf("check %d: kind %q", i, p.Kind)
		}
	}
	if got := r.Latest(); got != "2.0.0" {
		t.Errorf("Latest() = %q, want 2.0.0", got)
	}
}

func TestVersionChangeUpdatesUpdatedAt(t *testing.T) {
	ps := newPingServer(t)
	f := newFixture(t, ps.URL)
	_, stop := f.start(t)
	ps.next(t)
	f.clock.nextWait(t)
	stop()

	// An upgrade an hour later is reported at once, not a day later.
	f.clock.Advance(time.Hour)
	f.opts.Version = "1.1.0"
	_, stop = f.start(t)
	p, _ := ps.next(t)
	f.clock.nextWait(t)
	stop()
	if p.Kind != KindUpdateCheck || p.Version != "1.1.0" {
		t.Errorf("after upgrade: kind %q version %q, want update_check 1.1.0", p.Kind, p.Version)
	}
	if !p.InstalledAt.Equal(t0) || !p.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("installed_at %v updated_at %v, want %v and %v", p.InstalledAt, p.UpdatedAt, t0, t0.Add(time.Hour))
	}
}

// claim: T4
func TestSlowServerNeverDelaysTheApplication(t *testing.T) {
	release := make(chan struct{})
	ps := newPingServer(t)
	ps.setAnswer(func(w http.ResponseWriter, r *http.Request) {
		select { // hang until the test or the client gives up
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	f := newFixture(t, ps.URL)

	r, err := New(f.settings, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	// New did nothing on the network or the disk.
	ps.none(t)
	if _, err := os.Stat(f.opts.StatePath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("New touched the state file: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Run(ctx) }()

	// The ping is now stuck in the server, and the application carries on:
	// its calls into the reporter answer at once.
	ps.next(t)
	if got := r.Latest(); got != "" {
		t.Errorf("Latest() = %q while the first ping hangs", got)
	}
	if _, err := r.Preview(); err != nil {
		t.Errorf("Preview() while the ping hangs: %v", err)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancel while a ping hung")
	}
}

// claim: T4
func TestFailuresRetryWithBackoff(t *testing.T) {
	const base, maxWait = time.Minute, 16 * time.Minute
	// want[i] is the un-jittered wait after failure i+1: doubling, capped.
	want := []time.Duration{1, 2, 4, 8, 16, 16, 16}
	for i := range want {
		want[i] *= time.Minute
	}

	refused := httptest.NewServer(http.NotFoundHandler())
	refusedURL := refused.URL
	refused.Close() // nothing listens there now: connection refused

	tests := []struct {
		name      string
		answer    func(http.ResponseWriter, *http.Request)
		down      bool
		transport http.RoundTripper
	}{
		{name: "500", answer: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}},
		{name: "503", answer: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "later", http.StatusServiceUnavailable)
		}},
		{name: "malformed reply", answer: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "<html>not json</html>")
		}},
		{name: "reply not an object", answer: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `"2.0.0"`)
		}},
		{name: "latest is not a version", answer: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"latest":"`+strings.Repeat("9", 65)+`"}`)
		}},
		{name: "hangs past the timeout", answer: func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}},
		{name: "connection refused", down: true},
		{name: "transport panics", transport: panicTransport{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := newPingServer(t)
			url := ps.URL
			if tt.down {
				url = refusedURL
			}
			if tt.answer != nil {
				ps.setAnswer(tt.answer)
			}
			f := newFixture(t, url)
			f.opts.Backoff, f.opts.MaxBackoff = base, maxWait
			f.opts.Timeout = 50 * time.Millisecond // the hanging server's attempts end
			f.opts.Transport = tt.transport
			r, stop := f.start(t)
			defer stop()

			for i, w := range want {
				d := f.clock.nextWait(t)
				if d < w/2 || d > w {
					t.Errorf("wait after failure %d = %v, want between %v and %v", i+1, d, w/2, w)
				}
				f.clock.Advance(d)
			}
			// The server recovers: the pending install ping goes through and
			// the reporter carries on with its schedule.
			ps.setAnswer(replyLatest("2.0.0"))
			if tt.down || tt.transport != nil {
				return // nothing to recover; never stopping is what was shown
			}
			for {
				d := f.clock.nextWait(t)
				if d >= 20*time.Hour {
					break // the regular update check: the ping succeeded
				}
				f.clock.Advance(d)
			}
			if got := r.Latest(); got != "2.0.0" {
				t.Errorf("Latest() = %q after recovery, want 2.0.0", got)
			}
			if st := readState(t, f.opts.StatePath); !st.FirstPingSent {
				t.Error("install ping not recorded after recovery")
			}
		})
	}
}

type panicTransport struct{}

func (panicTransport) RoundTrip(*http.Request) (*http.Response, error) { panic("transport broke") }

// claim: T5
func TestPreviewIsTheNextPing(t *testing.T) {
	ps := newPingServer(t)
	f := newFixture(t, ps.URL)
	r, err := New(f.settings, f.opts)
	if err != nil {
		t.Fatal(err)
	}

	before, err := r.Preview()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.opts.StatePath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Preview wrote the state file: %v", err)
	}
	ps.none(t)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Run(ctx) }()
	defer func() { cancel(); <-done }()

	_, sent := ps.next(t)
	if !bytes.Equal(before, sent) {
		t.Errorf("preview differs from the ping sent\npreview: %s\nsent:    %s", before, sent)
	}

	// While asleep, the preview shows the coming update check.
	d := f.clock.nextWait(t)
	next, err := r.Preview()
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(d)
	_, sent = ps.next(t)
	if !bytes.Equal(next, sent) {
		t.Errorf("preview differs from the update check sent\npreview: %s\nsent:    %s", next, sent)
	}
}

// claim: T5
func TestPreviewFromAnExistingStateFile(t *testing.T) {
	ps := newPingServer(t)
	f := newFixture(t, ps.URL)
	f.settings.TelemetrySalt = "" // the generated salt lives in the state
	_, stop := f.start(t)
	ps.next(t)
	f.clock.nextWait(t)
	stop()

	// A fresh process, telemetry now off: Preview reads the state and
	// shows the update check the next run would send, writing nothing.
	info, _ := os.Stat(f.opts.StatePath)
	off := f.settings
	off.TelemetryEnabled = false
	r, err := New(off, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Preview()
	if err != nil {
		t.Fatal(err)
	}
	var p Ping
	if err := json.Unmarshal(got, &p); err != nil {
		t.Fatal(err)
	}
	st := readState(t, f.opts.StatePath)
	if p.Kind != KindUpdateCheck || p.Fingerprint != Fingerprint(testHost, st.Salt) {
		t.Errorf("preview %s: want an update_check with the kept fingerprint", got)
	}
	if info2, _ := os.Stat(f.opts.StatePath); !info2.ModTime().Equal(info.ModTime()) {
		t.Error("Preview rewrote the state file")
	}
}

// claim: C2
func TestDisabledDoesNothing(t *testing.T) {
	var calls atomic.Int32
	dir := t.TempDir()
	statePath := filepath.Join(dir, "data", "telemetry.json")
	s := consent.Settings{TelemetryEnabled: false, TelemetryURL: "http://telemetry.example.com/ping", TelemetrySalt: testSalt}
	r, err := New(s, Options{
		Version:   "1.0.0",
		StatePath: statePath,
		Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			calls.Add(1)
			return nil, errors.New("no connection may be opened")
		}),
	})
	if err != nil {
		t.Fatalf("New with telemetry off: %v (an unused URL must not matter)", err)
	}
	if r.Enabled() {
		t.Fatal("Enabled() = true with ENABLE_TELEMETRY off")
	}
	// Run returns at once although its context never ends.
	ran := make(chan struct{})
	go func() { r.Run(context.Background()); close(ran) }()
	select {
	case <-ran:
	case <-time.After(10 * time.Second): // a deadlock guard, not a timing assertion
		t.Fatal("Run with telemetry off did not return")
	}
	if _, err := r.Preview(); err != nil {
		t.Errorf("Preview with telemetry off: %v", err)
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d outbound requests with telemetry off", n)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("files written with telemetry off: %v %v", entries, err)
	}
	if r.Latest() != "" {
		t.Errorf("Latest() = %q with telemetry off", r.Latest())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// claim: C5
func TestNewRefusesPlainHTTPAndBadOptions(t *testing.T) {
	good := Options{Version: "1.0.0", StatePath: filepath.Join(t.TempDir(), "s.json")}
	tests := []struct {
		name    string
		url     string
		opts    Options
		wantErr string
	}{
		{"https", "https://telemetry.example.com/ping", good, ""},
		{"http on 127.0.0.1", "http://127.0.0.1:8090/ping", good, ""},
		{"http on localhost", "http://localhost:8090/ping", good, ""},
		{"http on ::1", "http://[::1]:8090/ping", good, ""},
		{"plain http elsewhere", "http://telemetry.example.com/ping", good, "plain http to telemetry.example.com is refused"},
		{"other scheme", "ftp://telemetry.example.com/", good, `scheme "ftp" is not supported`},
		{"no URL", "", good, "TELE_URL: is required"},
		{"relative URL", "/ping", good, "is not an absolute URL"},
		{"no version", "https://t.example/", Options{StatePath: good.StatePath}, "Options.Version: version is required"},
		{"version too long", "https://t.example/", Options{Version: strings.Repeat("1", 65), StatePath: good.StatePath}, "longer than 64"},
		{"no state path", "https://t.example/", Options{Version: "1.0.0"}, "StatePath is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(consent.Settings{TelemetryEnabled: true, TelemetryURL: tt.url}, tt.opts)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCorruptStateIsReportedOnceAndReplaced(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{"not JSON", "\x00\x01garbage"},
		{"truncated", `{"installed_at":"2026-01-01T00:00:00Z","ver`},
		{"missing facts", `{"version":"1.0.0"}`},
		{"short salt", `{"installed_at":"2026-01-01T00:00:00Z","version":"1.0.0","updated_at":"2026-01-01T00:00:00Z","salt":"abc"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := newPingServer(t)
			f := newFixture(t, ps.URL)
			os.MkdirAll(filepath.Dir(f.opts.StatePath), 0o700)
			if err := os.WriteFile(f.opts.StatePath, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, stop := f.start(t)
			p, _ := ps.next(t)
			f.clock.nextWait(t)
			stop()
			if p.Kind != KindInstall {
				t.Errorf("kind = %q, want install for the replaced state", p.Kind)
			}
			if n := strings.Count(f.logs.String(), "unreadable or corrupt"); n != 1 {
				t.Errorf("corrupt state reported %d times, want once; logs:\n%s", n, f.logs)
			}
			if st := readState(t, f.opts.StatePath); !st.FirstPingSent || st.Version != "1.0.0" {
				t.Errorf("state not replaced: %+v", st)
			}
		})
	}
}

func TestStateFileIsPrivateAndAtomic(t *testing.T) {
	ps := newPingServer(t)
	f := newFixture(t, ps.URL)
	f.settings.TelemetrySalt = ""
	_, stop := f.start(t)
	ps.next(t)
	f.clock.nextWait(t)
	stop()

	info, err := os.Stat(f.opts.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode = %o, want 600", mode)
	}
	entries, _ := os.ReadDir(filepath.Dir(f.opts.StatePath))
	if len(entries) != 1 {
		t.Errorf("state directory holds %v, want only the state file (no temporary left over)", entries)
	}
	st := readState(t, f.opts.StatePath)
	want := state{InstalledAt: t0, Version: "1.0.0", UpdatedAt: t0, FirstPingSent: true, FirstPingAt: t0, LastCheckAt: t0, Salt: st.Salt}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("state = %+v\nwant    %+v", st, want)
	}
}

func TestRunTwiceAtOnceIsRefused(t *testing.T) {
	ps := newPingServer(t)
	f := newFixture(t, ps.URL)
	r, stop := f.start(t)
	defer stop()
	ps.next(t)
	f.clock.nextWait(t) // the first Run is asleep
	r.Run(context.Background())
	if !strings.Contains(f.logs.String(), "already running") {
		t.Errorf("second Run not reported; logs:\n%s", f.logs)
	}
	ps.none(t)
}

// claim: C5
func TestRedirectsAreNotFollowed(t *testing.T) {
	elsewhere := newPingServer(t)
	ps := newPingServer(t)
	ps.setAnswer(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/ping", http.StatusTemporaryRedirect)
	})
	f := newFixture(t, ps.URL)
	_, stop := f.start(t)
	defer stop()
	ps.next(t)
	if d := f.clock.nextWait(t); d > DefaultBackoff {
		t.Errorf("after a redirect the reporter waits %v, want a retry backoff", d)
	}
	elsewhere.none(t)
	if !strings.Contains(f.logs.String(), "307 Temporary Redirect") {
		t.Errorf("the redirect is not reported as the failure; logs:\n%s", f.logs)
	}
}

// A version stamped with a committer's email or a token is refused by the
// Reporter before anything is sent, and by the receiver before anything is
// stored; ordinary version strings, four-part ones included, pass.
//
// claim: T1
// claim: T6
func TestVersionCarryingPersonalDataIsRefused(t *testing.T) {
	settings := consent.Settings{TelemetryEnabled: true, TelemetryURL: "https://t.example/ping"}
	tests := []struct {
		version string
		refused bool
	}{
		{"1.4.0", false},
		{"v1.26.8", false},
		{"1.2.3.4", false},
		{"v2.0.0-rc.1+build.20260102", false},
		{"v0.0.0-20260102030405-abcdef123456", false},
		{"1.0.0+sha.3e0e1d0", false},
		{"1.0.0+ada@example.com", true},
		{"1.0.0 built by bob%40example.com", true},
		{"1.0.0-eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", true},
		{"1.0.0+token=abcdef", true},
		{"https://ci:hunter2@ci.example/1.0.0", true},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			_, err := New(settings, Options{Version: tt.version, StatePath: filepath.Join(t.TempDir(), "s.json")})
			if tt.refused != (err != nil) {
				t.Errorf("New with version %q: err = %v, want refused=%v", tt.version, err, tt.refused)
			}
			if err != nil && strings.Contains(err.Error(), tt.version) {
				t.Errorf("the error repeats the version: %v", err)
			}
			p := Ping{Schema: SchemaVersion, Kind: KindInstall, Fingerprint: Fingerprint("h", "0123456789abcdef"),
				Version: tt.version, InstalledAt: time.Unix(1767225600, 0).UTC(), UpdatedAt: time.Unix(1767225600, 0).UTC()}
			if err := p.Validate(time.Unix(1767225600, 0)); tt.refused != (err != nil) {
				t.Errorf("receiver validation of %q: err = %v, want refused=%v", tt.version, err, tt.refused)
			}
		})
	}
}

// Without TELE_SALT the salt is generated the first time it is needed,
// by a preview too, and kept in the state file: previews in later
// processes, and the first ping sent after them (an hour later here), carry
// the same bytes.
//
// claim: T5
// claim: T2
func TestPreviewWithoutSaltIsTheFirstPing(t *testing.T) {
	ps := newPingServer(t)
	f := newFixture(t, ps.URL)
	f.settings.TelemetrySalt = ""

	// telemetry-preview, telemetry still off
	off := f.settings
	off.TelemetryEnabled = false
	r1, err := New(off, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	first, err := r1.Preview()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := r1.Preview()
	f.clock.Advance(time.Hour)
	r2, _ := New(off, f.opts) // another process: the admin page, a second preview
	other, _ := r2.Preview()
	if !bytes.Equal(first, again) || !bytes.Equal(first, other) {
		t.Fatalf("previews differ:\n%s\n%s\n%s", first, again, other)
	}
	ps.none(t)

	// The first run with telemetry on sends exactly that.
	f.clock.Advance(time.Hour)
	_, stop := f.start(t)
	defer stop()
	_, sent := ps.next(t)
	if !bytes.Equal(first, sent) {
		t.Errorf("the first ping differs from the preview\npreview: %s\nsent:    %s", first, sent)
	}
}
