package errortrack_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/errortrack"
	"github.com/discreet-dev/discreet/internal/reqctx"
)

// Planted personal data and secrets. None of them may reach Sentry.
const (
	plantEmailPanic  = "alice.panic@example.com"
	plantEmailErr    = "bob.wrapped@example.org"
	plantEmailQuery  = "carol.query@example.net"
	plantEmailTag    = "dave.tag@example.com"
	plantQueryToken  = "qs-token-4f9a2c7e1b"
	plantPassword    = "hunter2-planted-pw"
	plantNotes       = "private planted notes about a client"
	plantBearer      = "sk_live_51HplantedBearerToken9x8y7z"
	plantCookie      = "sess-planted-cookie-value-7c1d"
	plantAPIKey      = "apikey-planted-0a9b8c7d6e"
	plantXFF         = "203.0.113.77"
	plantRemote      = "198.51.100.23"
	plantJWT         = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlcGxhbnRlZA"
	plantCrumbSecret = "crumb-secret-value-55aa"
	plantServerIP    = "10.20.30.40"
)

var planted = []string{
	plantEmailPanic, plantEmailErr, plantEmailQuery, plantEmailTag, plantQueryToken,
	plantPassword, plantNotes, plantBearer, plantCookie, plantAPIKey, plantXFF,
	plantRemote, plantJWT, plantCrumbSecret,
	// header names that must not appear as keys either
	"Authorization", "Cookie", "X-Api-Key", "X-Forwarded-For", "query_string", "cookies", `"env"`,
}

func newTracker(t testing.TB, dsn string, opts errortrack.Options) *errortrack.Tracker {
	t.Helper()
	tr, err := errortrack.New(consent.Settings{SentryDSN: dsn}, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = tr.Close(ctx)
	})
	return tr
}

// app is a small application behind the middleware: one route panics, one
// captures a handled error.
func app(tr *errortrack.Tracker) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		reqctx.From(r.Context()).SetUserID(42)
		_, _ = io.ReadAll(r.Body)
		tr.AddBreadcrumb(r.Context(), "auth", "signed in with "+plantJWT,
			map[string]any{"token": plantCrumbSecret, "note": "checked as " + plantEmailPanic, "step": 3})
		panicHere("cannot save thing for " + plantEmailPanic)
	})
	mux.HandleFunc("GET /handled", func(w http.ResponseWriter, r *http.Request) {
		reqctx.From(r.Context()).SetUserID(7)
		err := fmt.Errorf("load profile of %s: %w", plantEmailErr, io.ErrUnexpectedEOF)
		if id := tr.Capture(r.Context(), err); id == "" {
			http.Error(w, "not queued", http.StatusTeapot)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	return tr.Middleware(mux)
}

//go:noinline
func panicHere(msg string) { panic(msg) }

// plantedRequest builds a request that carries personal data in every place
// one can: the query, the body, the headers and the remote address.
func plantedRequest(method, path string) *http.Request {
	body := `{"password":"` + plantPassword + `","notes":"` + plantNotes + `"}`
	r := httptest.NewRequest(method, path+"?token="+plantQueryToken+"&email="+plantEmailQuery, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "planted-agent/1.0")
	r.Header.Set("Authorization", "Bearer "+plantBearer)
	r.Header.Set("Cookie", "session="+plantCookie)
	r.Header.Set("X-Api-Key", plantAPIKey)
	r.Header.Set("X-Forwarded-For", plantXFF)
	r.Header.Set("X-Request-ID", "req-planted-0001")
	r.RemoteAddr = plantRemote + ":4567"
	return r
}

// TestWire drives a panic and a handled error through the real SDK to an
// httptest Sentry and checks the bytes that arrived: every planted value is
// absent, and what S1 promises is there, so the test cannot pass by
// sending nothing.
//
// claim: S1
// claim: S2
// claim: L4
func TestWire(t *testing.T) {
	// The SDK's GlobalTags integration copies SENTRY_TAGS_* variables into
	// every event; a value planted there must be scrubbed like the rest.
	t.Setenv("SENTRY_TAGS_owner", plantEmailTag)
	f := newFakeSentry(t)
	tr := newTracker(t, f.DSN(), errortrack.Options{Release: "1.2.3", Environment: "test", ServerName: "web-1"})
	h := app(tr)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, plantedRequest(http.MethodPost, "/things/7"))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("panic answered %d, want 500", rec.Code)
	}
	if got := rec.Body.String(); got != "Internal Server Error\n" {
		t.Errorf("500 body = %q, want a plain message", got)
	}
	if got := rec.Header().Get("X-Request-ID"); got != "req-planted-0001" {
		t.Errorf("X-Request-ID = %q", got)
	}

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, plantedRequest(http.MethodGet, "/handled"))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("handled error answered %d, want 204", rec.Code)
	}
	if !errortrack.Flush(tr, 5*time.Second) {
		t.Fatal("Flush did not deliver the events")
	}

	raw, events, bad := f.snapshot()
	if len(bad) > 0 {
		t.Fatalf("protocol violations: %q", bad)
	}
	if len(events) != 2 {
		t.Fatalf("got %d events, want 2", len(events))
	}
	for _, p := range planted {
		if strings.Contains(string(raw), p) {
			t.Errorf("planted %q reached Sentry", p)
		}
	}
	if t.Failed() {
		t.Logf("raw envelopes:\n%s", raw)
	}

	byRoute := map[string]map[string]any{}
	for _, ev := range events {
		byRoute[str(ev, "tags", "route")] = ev
	}
	tests := []struct {
		name, route, method, path, user, message, level string
		frame                                           string
	}{
		{"panic", "POST /things/{id}", "POST", "/things/7", "42", "cannot save thing for", "fatal", "panicHere"},
		{"handled", "GET /handled", "GET", "/handled", "7", "load profile of", "error", "app.func2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := byRoute[tc.route]
			if ev == nil {
				t.Fatalf("no event with route tag %q", tc.route)
			}
			checks := map[string][2]string{
				"release":            {str(ev, "release"), "1.2.3"},
				"environment":        {str(ev, "environment"), "test"},
				"server_name":        {str(ev, "server_name"), "web-1"},
				"level":              {str(ev, "level"), tc.level},
				"method":             {str(ev, "request", "method"), tc.method},
				"user id":            {str(ev, "user", "id"), tc.user},
				"request_id tag":     {str(ev, "tags", "request_id"), "req-planted-0001"},
				"transaction":        {str(ev, "transaction"), tc.route},
				"User-Agent header":  {str(ev, "request", "headers", "User-Agent"), "planted-agent/1.0"},
				"X-Request-ID":       {str(ev, "request", "headers", "X-Request-ID"), "req-planted-0001"},
				"Content-Type":       {str(ev, "request", "headers", "Content-Type"), "application/json"},
				"url path, no query": {str(ev, "request", "url"), "http://example.com" + tc.path},
			}
			for what, c := range checks {
				if c[0] != c[1] {
					t.Errorf("%s = %q, want %q", what, c[0], c[1])
				}
			}
			if v := exceptionValues(ev); !strings.Contains(v, tc.message) {
				t.Errorf("exception values %q lack %q", v, tc.message)
			}
			frames := framesOf(ev)
			if !slices.ContainsFunc(frames, func(f string) bool { return strings.Contains(f, tc.frame) }) {
				t.Errorf("stack frames %q lack %q", frames, tc.frame)
			}
			for k := range get(ev, "request").(map[string]any) {
				if k != "url" && k != "method" && k != "headers" {
					t.Errorf("request part has %q", k)
				}
			}
			if hs, _ := get(ev, "request", "headers").(map[string]any); len(hs) != 3 {
				t.Errorf("request headers = %v, want the three allowed ones sent", hs)
			}
			if u, _ := get(ev, "user").(map[string]any); len(u) != 1 {
				t.Errorf("user = %v, want only the id", u)
			}
		})
	}
	// The breadcrumb went out with the panic, scrubbed but useful.
	crumbs, _ := get(byRoute["POST /things/{id}"], "breadcrumbs").([]any)
	if len(crumbs) == 0 {
		crumbs, _ = get(byRoute["POST /things/{id}"], "breadcrumbs", "values").([]any)
	}
	if len(crumbs) != 1 || !strings.HasPrefix(str(crumbs[0], "message"), "signed in with ") || get(crumbs[0], "data", "step") != float64(3) {
		t.Errorf("breadcrumbs = %v, want the one scrubbed breadcrumb", crumbs)
	}
	// Breadcrumbs belong to their request: the handled error has none.
	if c := get(byRoute["GET /handled"], "breadcrumbs"); c != nil {
		t.Errorf("handled error carries another request's breadcrumbs: %v", c)
	}
}

// TestRequestIDGenerated checks that a request without a usable
// X-Request-ID gets a generated one, returned to the client and reported
// with the error.
//
// claim: L4
func TestRequestIDGenerated(t *testing.T) {
	f := newFakeSentry(t)
	tr := newTracker(t, f.DSN(), errortrack.Options{})
	h := app(tr)
	for _, incoming := range []string{"", "bad id with spaces <script>"} {
		t.Run(fmt.Sprintf("%q", incoming), func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/handled", nil)
			if incoming != "" {
				r.Header.Set("X-Request-ID", incoming)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			id := rec.Header().Get("X-Request-ID")
			if !reqctx.ValidID(id) || id == incoming {
				t.Fatalf("response X-Request-ID = %q, want a generated ID", id)
			}
			if !errortrack.Flush(tr, 5*time.Second) {
				t.Fatal("Flush failed")
			}
			_, events, _ := f.snapshot()
			if len(events) == 0 || str(events[len(events)-1], "tags", "request_id") != id {
				t.Fatalf("last event's request_id is not %q", id)
			}
		})
	}
}

// TestServerNameNeverIP checks that an IP address given as server name
// does not reach Sentry.
//
// claim: S2
func TestServerNameNeverIP(t *testing.T) {
	for _, name := range []string{plantServerIP, "ip-10-20-30-40.ec2.internal", "[2001:db8::1]:8080"} {
		t.Run(name, func(t *testing.T) {
			f := newFakeSentry(t)
			tr := newTracker(t, f.DSN(), errortrack.Options{ServerName: name})
			if tr.Capture(context.Background(), errors.New("boom")) == "" {
				t.Fatal("Capture queued nothing")
			}
			if !errortrack.Flush(tr, 5*time.Second) {
				t.Fatal("Flush failed")
			}
			raw, events, _ := f.snapshot()
			if len(events) != 1 {
				t.Fatalf("got %d events", len(events))
			}
			if got := str(events[0], "server_name"); got != "unknown" {
				t.Errorf("server_name = %q, want the placeholder", got)
			}
			for _, p := range []string{"10.20.30.40", "10-20-30-40", "2001:db8::1"} {
				if strings.Contains(string(raw), p) {
					t.Errorf("server address %q reached Sentry", p)
				}
			}
		})
	}
}

// failTransport fails the test if anything tries to use the network.
type failTransport struct {
	t    testing.TB
	used atomic.Int64
}

func (f *failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.used.Add(1)
	f.t.Errorf("disabled tracker made a request to %s", r.URL.Host)
	return nil, errors.New("no network for a disabled tracker")
}

// TestDisabled checks that without a DSN nothing connects anywhere: not
// through the given transport, and not to a DSN the SDK could pick up from
// the SENTRY_DSN variable on its own.
//
// claim: C2
func TestDisabled(t *testing.T) {
	bh := newBlackhole(t)
	t.Setenv("SENTRY_DSN", bh.DSN())
	ft := &failTransport{t: t}
	tr, err := errortrack.New(consent.Settings{}, errortrack.Options{Transport: ft})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Enabled() {
		t.Fatal("tracker without DSN reports itself enabled")
	}
	ctx := context.Background()
	tr.AddBreadcrumb(ctx, "c", "m", nil)
	if id := tr.Capture(ctx, errors.New("x")); id != "" {
		t.Errorf("disabled Capture returned event ID %q", id)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /p", func(http.ResponseWriter, *http.Request) { panic("disabled but recovered") })
	rec := httptest.NewRecorder()
	tr.Middleware(mux).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/p", nil))
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("X-Request-ID") == "" {
		t.Errorf("disabled middleware answered %d with request ID %q", rec.Code, rec.Header().Get("X-Request-ID"))
	}
	if !errortrack.Flush(tr, time.Second) {
		t.Error("disabled Flush reported undelivered events")
	}
	if err := tr.Close(ctx); err != nil {
		t.Errorf("disabled Close: %v", err)
	}
	// Give a stray background sender the chance to show itself.
	runtime.Gosched()
	time.Sleep(50 * time.Millisecond)
	if n := bh.accepts.Load(); n != 0 {
		t.Errorf("%d connections reached the SENTRY_DSN listener", n)
	}
	if n := ft.used.Load(); n != 0 {
		t.Errorf("transport used %d times", n)
	}
}

// TestDSNScheme re-checks claim C5 in New: plain http only to a loopback
// address or a host named in PRIVATE_HTTP_HOSTS, and errors that never repeat the DSN's key.
//
// claim: C5
func TestDSNScheme(t *testing.T) {
	tests := []struct {
		dsn     string
		ok      bool
		private []string // PRIVATE_HTTP_HOSTS
	}{
		{dsn: "http://publickey@sentry:9000/42", ok: true, private: []string{"sentry"}},
		{dsn: "http://publickey@sentry.evil.example:9000/42", ok: false, private: []string{"sentry"}},
		{dsn: "http://publickey@10.0.0.8/42", ok: true, private: []string{"10.0.0.8"}},
		{"https://publickey@o1.ingest.sentry.io/42", true, nil},
		{"http://publickey@127.0.0.1:9/42", true, nil},
		{"http://publickey@localhost:9/42", true, nil},
		{"http://publickey@[::1]:9/42", true, nil},
		{"http://publickey@sentry.example.com/42", false, nil},
		{"http://publickey@10.0.0.8/42", false, nil},
		{"ftp://publickey@sentry.example.com/42", false, nil},
		{"not a url", false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.dsn, func(t *testing.T) {
			tr, err := errortrack.New(consent.Settings{SentryDSN: tc.dsn, PrivateHTTPHosts: tc.private}, errortrack.Options{Transport: &failTransport{t: t}})
			if tc.ok != (err == nil) {
				t.Fatalf("New(%q) error = %v, want ok=%v", tc.dsn, err, tc.ok)
			}
			if err != nil {
				if strings.Contains(err.Error(), "publickey") {
					t.Errorf("error repeats the DSN key: %v", err)
				}
				return
			}
			if !tr.Enabled() {
				t.Error("tracker with a DSN is not enabled")
			}
			if err := tr.Close(context.Background()); err != nil {
				t.Errorf("Close with nothing queued: %v", err)
			}
		})
	}
}

// TestUnreachable points the tracker at a blackholed and at a failing
// endpoint: 10,000 captures keep memory bounded and Close returns by its
// deadline.
//
// claim: S3
func TestUnreachable(t *testing.T) {
	endpoints := []struct {
		name string
		// dsn starts the endpoint; reached counts connections or requests.
		dsn func(t *testing.T) (dsn string, reached *atomic.Int64)
	}{
		{"blackhole", func(t *testing.T) (string, *atomic.Int64) { b := newBlackhole(t); return b.DSN(), &b.accepts }},
		{"http 500", newFailingT},
	}
	for _, ep := range endpoints {
		t.Run(ep.name, func(t *testing.T) {
			dsn, reached := ep.dsn(t)
			tr, err := errortrack.New(consent.Settings{SentryDSN: dsn},
				errortrack.Options{Timeout: 30 * time.Second, QueueSize: 50})
			if err != nil {
				t.Fatal(err)
			}
			h := app(tr)
			err = errors.New("stored item not found")
			ctx := reqctx.With(context.Background(), reqctx.New(""))

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for i := 0; i < 10_000; i++ {
				tr.Capture(ctx, err)
			}
			for i := 0; i < 20; i++ {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/handled", nil))
				if rec.Code != http.StatusNoContent && rec.Code != http.StatusTeapot {
					t.Fatalf("request %d answered %d", i, rec.Code)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			// An event is about 2 KiB on the wire and more in memory: 10,000
			// of them would be over 20 MiB if they were kept; the queue holds
			// 50.
			const bound = 8 << 20
			if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > bound {
				t.Errorf("heap grew by %d bytes after 10,000 captures, bound %d", grown, bound)
			}

			// The test means something only if delivery was attempted.
			for i := 0; reached.Load() == 0 && i < 500; i++ {
				time.Sleep(10 * time.Millisecond)
			}
			if reached.Load() == 0 {
				t.Fatal("the endpoint was never contacted")
			}
			if errortrack.Flush(tr, 100*time.Millisecond) {
				t.Log("flush succeeded") // a 500 endpoint may drain the queue in time; that is fine
			}
			// The SDK's own delivery timeout is 30 s here: Close must not wait
			// for it, only for its context.
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- tr.Close(ctx) }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("Close did not return long after its deadline")
			}
			if id := tr.Capture(context.Background(), errors.New("after close")); id != "" {
				t.Errorf("Capture after Close returned %q", id)
			}
		})
	}
}

func newFailingT(t *testing.T) (string, *atomic.Int64) { return newFailing(t) }

// TestTwoTrackers checks that two Trackers in one process keep their
// events apart, which the SDK's global hub would not.
func TestTwoTrackers(t *testing.T) {
	fa, fb := newFakeSentry(t), newFakeSentry(t)
	ta := newTracker(t, fa.DSN(), errortrack.Options{Release: "a"})
	tb := newTracker(t, fb.DSN(), errortrack.Options{Release: "b"})
	ta.Capture(context.Background(), errors.New("for a"))
	tb.Capture(context.Background(), errors.New("for b"))
	if !errortrack.Flush(ta, 5*time.Second) || !errortrack.Flush(tb, 5*time.Second) {
		t.Fatal("Flush failed")
	}
	for _, tc := range []struct {
		f    *fakeSentry
		want string
	}{{fa, "a"}, {fb, "b"}} {
		_, events, _ := tc.f.snapshot()
		if len(events) != 1 || str(events[0], "release") != tc.want || !strings.Contains(exceptionValues(events[0]), "for "+tc.want) {
			t.Errorf("tracker %s: events %v", tc.want, events)
		}
	}
}

// TestPanicAfterWrite checks that a panic after the response began is
// reported but not answered with a second status: the connection is
// aborted instead.
func TestPanicAfterWrite(t *testing.T) {
	f := newFakeSentry(t)
	tr := newTracker(t, f.DSN(), errortrack.Options{})
	tests := []struct {
		name    string
		handler http.HandlerFunc
		report  bool
	}{
		{"after write", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte("partial"))
			panic("late failure")
		}, true},
		{"abort handler", func(w http.ResponseWriter, r *http.Request) {
			panic(http.ErrAbortHandler)
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, before, _ := f.snapshot()
			rec := httptest.NewRecorder()
			func() {
				defer func() {
					if v := recover(); v != http.ErrAbortHandler {
						t.Errorf("recovered %v, want http.ErrAbortHandler", v)
					}
				}()
				tr.Middleware(tc.handler).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			}()
			if tc.report && (rec.Code != http.StatusAccepted || rec.Body.String() != "partial") {
				t.Errorf("response rewritten: %d %q", rec.Code, rec.Body.String())
			}
			if !errortrack.Flush(tr, 5*time.Second) {
				t.Fatal("Flush failed")
			}
			_, after, _ := f.snapshot()
			if got := len(after) - len(before); got != map[bool]int{true: 1, false: 0}[tc.report] {
				t.Errorf("%d events sent", got)
			}
		})
	}
}

// TestCaptureOutsideRequest checks a capture with a bare context: no
// request part, but still scrubbed and still with release.
//
// claim: S2
func TestCaptureOutsideRequest(t *testing.T) {
	f := newFakeSentry(t)
	tr := newTracker(t, f.DSN(), errortrack.Options{Release: "9"})
	tr.AddBreadcrumb(context.Background(), "job", "mailing "+plantEmailPanic, nil)
	tr.Capture(context.Background(), fmt.Errorf("job for %s failed: %w", plantEmailErr, errors.New("Bearer "+plantBearer)))
	if !errortrack.Flush(tr, 5*time.Second) {
		t.Fatal("Flush failed")
	}
	raw, events, _ := f.snapshot()
	if len(events) != 1 || str(events[0], "release") != "9" || get(events[0], "request") != nil {
		t.Fatalf("events = %v", events)
	}
	for _, p := range []string{plantEmailPanic, plantEmailErr, plantBearer} {
		if strings.Contains(string(raw), p) {
			t.Errorf("planted %q reached Sentry", p)
		}
	}
	if v := exceptionValues(events[0]); !strings.Contains(v, "job for") || !strings.Contains(v, "failed") {
		t.Errorf("exception values lost their text: %q", v)
	}
}

// Close with a context that has no deadline is still bounded, by
// Options.Timeout: events queued to a blackholed Sentry do not hold
// shutdown for one delivery timeout each.
//
// claim: S3
func TestCloseWithoutDeadlineIsBoundedByTimeout(t *testing.T) {
	b := newBlackhole(t)
	const timeout = 400 * time.Millisecond
	tr, err := errortrack.New(consent.Settings{SentryDSN: b.DSN()}, errortrack.Options{Timeout: timeout, QueueSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		tr.Capture(context.Background(), fmt.Errorf("queued %d", i))
	}
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- tr.Close(context.Background()) }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Close returned nil with 20 events undelivered")
		}
	case <-time.After(5 * timeout): // room for a loaded machine, far below 20 delivery timeouts
		t.Fatalf("Close(context.Background()) still running after %v, bound %v", time.Since(start), timeout)
	}
}

// A redirect from the Sentry endpoint is not followed: it could lead to
// another host, over plain http (claim C5 allows neither).
//
// claim: C5
func TestRedirectsFromSentryAreNotFollowed(t *testing.T) {
	other := newFakeSentry(t)
	redirects := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirects.Add(1)
		http.Redirect(w, r, "http://"+other.srv.Listener.Addr().String()+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	tr := newTracker(t, "http://publickey@"+srv.Listener.Addr().String()+"/42", errortrack.Options{})
	tr.Capture(context.Background(), errors.New("redirected"))
	errortrack.Flush(tr, 5*time.Second)
	if redirects.Load() == 0 {
		t.Fatal("the endpoint was never contacted")
	}
	if raw, events, bad := other.snapshot(); len(raw) > 0 || len(events) > 0 || len(bad) > 0 {
		t.Errorf("the event followed the redirect to another host: %d events", len(events))
	}
}
