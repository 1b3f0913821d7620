package analytics

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/discreet-dev/discreet/consent"
)

// sdkProperties are the properties posthog-go adds on its own. Anything
// else in an event must have been declared.
var sdkProperties = []string{
	"$lib", "$lib_version", "$geoip_disable", "$is_server",
	"$os", "$os_version", "$os_distro", "$go_version",
}

// claim: A1
// claim: A2
func TestCaptureSendsOnlyDeclaredProperties(t *testing.T) {
	srv := newPHServer(t, http.StatusOK)
	reader := sdkmetric.NewManualReader()
	logs := &logBuffer{}
	c := newTestClient(t, srv.URL, Options{
		MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		Logger:        slog.New(slog.NewJSONHandler(logs, nil)),
	})

	// Values an application might pass by mistake. None may leave.
	pii := []string{
		"alice@example.com",
		"dentist appointment with Dr Zhivago",
		"Project Nightingale",
		"Acme Secret Holdings",
		"favourite-colour-ultramarine",
	}
	for range 2 { // twice: drops are counted each time, logged once
		c.Capture(context.Background(), 42, "timer.started", Properties{
			"has_task":   true,
			"has_notes":  "dentist appointment with Dr Zhivago", // wrong kind
			"entries":    7,
			"email":      "alice@example.com",
			"note":       "dentist appointment with Dr Zhivago",
			"project":    "Project Nightingale",
			"client":     "Acme Secret Holdings",
			"undeclared": "favourite-colour-ultramarine",
		})
	}
	c.Capture(context.Background(), 42, "report.viewed", Properties{
		"group_by": "Acme Secret Holdings", // not one of the enum values
		"span":     90 * time.Minute,
		"weekday":  int8(3),
	})
	c.Capture(context.Background(), 43, "report.viewed", Properties{"group_by": "client"})
	c.Capture(context.Background(), 43, "Project Nightingale exported by alice@example.com", nil) // undeclared event
	closeClient(t, c)

	raw := srv.bytes()
	for _, s := range append(pii, `"$ip"`) {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("%q reached PostHog:\n%s", s, raw)
		}
	}

	got := srv.events()
	want := []event{
		{"timer.started", "42", map[string]any{"has_task": true, "entries": "6-10"}},
		{"timer.started", "42", map[string]any{"has_task": true, "entries": "6-10"}},
		{"report.viewed", "42", map[string]any{"span": "1-2h", "weekday": float64(3)}},
		{"report.viewed", "43", map[string]any{"group_by": "client"}},
	}
	if len(got) != len(want) {
		t.Fatalf("received %d events, want %d:\n%s", len(got), len(want), raw)
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.Name || g.DistinctID != w.DistinctID {
			t.Errorf("event %d = %s for %q, want %s for %q", i, g.Name, g.DistinctID, w.Name, w.DistinctID)
		}
		for k, v := range w.Props {
			if g.Props[k] != v {
				t.Errorf("event %d: %s = %#v, want %#v", i, k, g.Props[k], v)
			}
		}
		for k := range g.Props {
			if _, declared := w.Props[k]; !declared && !slices.Contains(sdkProperties, k) {
				t.Errorf("event %d: unexpected property %q = %#v", i, k, g.Props[k])
			}
		}
		if g.Props["$geoip_disable"] != true {
			t.Errorf("event %d: $geoip_disable = %#v, want true", i, g.Props["$geoip_disable"])
		}
	}

	counts := dropCounts(t, reader)
	wantCounts := map[string]int64{
		ReasonUndeclaredProperty: 10, // 5 per timer.started
		ReasonInvalidValue:       3,  // has_notes twice, group_by once
		ReasonUndeclaredEvent:    1,
	}
	for r, n := range wantCounts {
		if counts[r] != n {
			t.Errorf("drops[%s] = %d, want %d (all: %v)", r, counts[r], n, counts)
		}
	}

	// One warning per name, and the redaction engine ran over the names.
	out := logs.String()
	if n := strings.Count(out, `"property":"email"`); n != 1 {
		t.Errorf("undeclared property logged %d times, want once:\n%s", n, out)
	}
	if strings.Contains(out, "alice@example.com") || !strings.Contains(out, "event not declared") {
		t.Errorf("log of the undeclared event is missing or carries the email:\n%s", out)
	}
}

// claim: A1
func TestPageViewSendsRoutePattern(t *testing.T) {
	srv := newPHServer(t, http.StatusOK)
	reader := sdkmetric.NewManualReader()
	c := newTestClient(t, srv.URL, Options{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))})

	tests := []struct {
		route string
		want  string // "" means not sent
	}{
		{"GET /projects/{id}", "/projects/{id}"},
		{"/reports", "/reports"},
		{"GET example.com/entries/{id}/edit", "/entries/{id}/edit"},
		{"/search?q=secret-query-text", "/search"},
		{"/users/bob@example.org", ""},
		{"", ""},
		{"not a route", ""},
	}
	for _, tt := range tests {
		c.PageView(context.Background(), 7, tt.route)
	}
	closeClient(t, c)

	var want []string
	for _, tt := range tests {
		if tt.want != "" {
			want = append(want, tt.want)
		}
	}
	var got []string
	for _, e := range srv.events() {
		if e.Name != PageViewEvent || e.DistinctID != "7" {
			t.Errorf("got %s for %q, want %s for \"7\"", e.Name, e.DistinctID, PageViewEvent)
		}
		if e.Props["$pathname"] != e.Props["$current_url"] {
			t.Errorf("$pathname %v != $current_url %v", e.Props["$pathname"], e.Props["$current_url"])
		}
		got = append(got, e.Props["$current_url"].(string))
	}
	if !slices.Equal(got, want) {
		t.Errorf("page views = %q, want %q", got, want)
	}
	raw := srv.bytes()
	for _, s := range []string{"secret-query-text", "bob@example.org", "example.com", "GET"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("%q reached PostHog", s)
		}
	}
	if n := dropCounts(t, reader)[ReasonInvalidRoute]; n != 3 {
		t.Errorf("invalid_route drops = %d, want 3", n)
	}
}

// claim: A1
func TestSessionIsKeyedHash(t *testing.T) {
	srv := newPHServer(t, http.StatusOK)
	key := []byte("0123456789abcdef0123456789abcdef")
	c := newTestClient(t, srv.URL, Options{SessionKey: key})
	const sid = "sess-Zq8vR2pL0xY7"
	ctx := WithSession(context.Background(), sid)
	c.Capture(ctx, 5, "project.created", Properties{"billable": true})
	c.PageView(ctx, 5, "GET /projects")
	c.Capture(context.Background(), 5, "project.created", nil)
	closeClient(t, c)

	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(sid))
	want := hex.EncodeToString(mac.Sum(nil)[:16])

	if bytes.Contains(srv.bytes(), []byte(sid)) {
		t.Errorf("raw session ID reached PostHog")
	}
	evs := srv.events()
	if len(evs) != 3 {
		t.Fatalf("received %d events, want 3", len(evs))
	}
	for i, wantSession := range []any{want, want, nil} {
		if got := evs[i].Props[SessionProperty]; got != wantSession {
			t.Errorf("event %d: %s = %v, want %v", i, SessionProperty, got, wantSession)
		}
	}
}

// TestSessionKeyFunc: replicas that share a key (from their database)
// hash a session alike, a rotated key changes the hash, and without a
// usable key the marker is left out rather than the ID sent.
//
// claim: A1
func TestSessionKeyFunc(t *testing.T) {
	srv := newPHServer(t, http.StatusOK)
	keyA := []byte("0123456789abcdef0123456789abcdef")
	keyB := []byte("fedcba9876543210fedcba9876543210")
	var mu sync.Mutex
	current, failing := keyA, error(nil)
	keyFunc := func(context.Context) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		return current, failing
	}
	replica1 := newTestClient(t, srv.URL, Options{SessionKeyFunc: keyFunc, FlushInterval: 10 * time.Millisecond})
	replica2 := newTestClient(t, srv.URL, Options{SessionKeyFunc: keyFunc, FlushInterval: 10 * time.Millisecond})
	const sid = "sess-Zq8vR2pL0xY7"
	ctx := WithSession(context.Background(), sid)
	// The key is asked for when the event is built, off the caller's
	// goroutine: each event is let through before the key changes.
	capture := func(c *Client) {
		t.Helper()
		c.Capture(ctx, 5, "project.created", nil)
		for deadline := time.Now().Add(10 * time.Second); c.pending.Load() > 0; time.Sleep(2 * time.Millisecond) {
			if time.Now().After(deadline) { // a deadlock guard, not a timing assertion
				t.Fatal("the event was never sent")
			}
		}
	}
	capture(replica1)
	capture(replica2)
	mu.Lock()
	current = keyB // rotated
	mu.Unlock()
	capture(replica1)
	mu.Lock()
	current, failing = nil, errors.New("database is down")
	mu.Unlock()
	capture(replica2)
	mu.Lock()
	current, failing = []byte("short"), nil
	mu.Unlock()
	capture(replica2)
	closeClient(t, replica1)
	closeClient(t, replica2)

	hash := func(key []byte) string {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(sid))
		return hex.EncodeToString(mac.Sum(nil)[:16])
	}
	if bytes.Contains(srv.bytes(), []byte(sid)) {
		t.Errorf("raw session ID reached PostHog")
	}
	evs := srv.events()
	if len(evs) != 5 {
		t.Fatalf("received %d events, want 5", len(evs))
	}
	var got []any
	for _, e := range evs {
		got = append(got, e.Props[SessionProperty])
	}
	// The two clients post separately, so the order across them is not
	// fixed; count instead.
	count := map[any]int{}
	for _, g := range got {
		count[g]++
	}
	if count[hash(keyA)] != 2 || count[hash(keyB)] != 1 || count[nil] != 2 {
		t.Errorf("session markers = %v; want key A's hash twice (both replicas), key B's once (after rotation), none twice (no usable key)", got)
	}
}

// claim: A3
// claim: C6
func TestOptedOutSendsNothing(t *testing.T) {
	const optedOut, broken, allowed = 10, 11, 12
	prefs := consent.PreferencesFunc(func(ctx context.Context, id int64) (bool, error) {
		switch id {
		case optedOut:
			return false, nil
		case broken:
			return false, errors.New("database is down")
		}
		return true, nil
	})
	gpcRequest := func(c *Client) {
		// Through consent.Middleware, as an application wires it.
		h := consent.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c.Capture(r.Context(), allowed, "project.created", Properties{"billable": true})
			c.PageView(r.Context(), allowed, "GET /projects")
		}))
		req := httptest.NewRequest("GET", "/projects", nil)
		req.Header.Set("Sec-GPC", "1")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	tests := []struct {
		name   string
		send   func(c *Client)
		reason string
	}{
		{"preferences say no", func(c *Client) {
			c.Capture(context.Background(), optedOut, "timer.started", Properties{"has_task": true})
			c.PageView(context.Background(), optedOut, "GET /projects")
		}, ReasonOptedOut},
		{"preferences fail", func(c *Client) {
			c.Capture(context.Background(), broken, "timer.started", Properties{"has_task": true})
			c.PageView(context.Background(), broken, "GET /projects")
		}, ReasonPreferencesError},
		{"Sec-GPC header", gpcRequest, ReasonGPC},
		{"WithGPC", func(c *Client) {
			ctx := consent.WithGPC(context.Background(), true)
			c.Capture(ctx, allowed, "timer.started", Properties{"has_task": true})
			c.PageView(ctx, allowed, "GET /projects")
		}, ReasonGPC},
		{"no user", func(c *Client) {
			c.Capture(context.Background(), 0, "timer.started", Properties{"has_task": true})
			c.PageView(context.Background(), -1, "GET /projects")
		}, ReasonNoUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newPHServer(t, http.StatusOK)
			reader := sdkmetric.NewManualReader()
			c := newTestClient(t, srv.URL, Options{
				Preferences:   prefs,
				MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
			})
			tt.send(c)
			// A control event from an allowed user, so an empty server
			// means "refused", not "never flushed".
			c.Capture(context.Background(), allowed, "timer.started", Properties{"has_task": false})
			closeClient(t, c)

			evs := srv.events()
			if len(evs) != 1 || evs[0].DistinctID != "12" || evs[0].Props["has_task"] != false {
				t.Errorf("received %+v, want only the control event", evs)
			}
			if n := dropCounts(t, reader)[tt.reason]; n != 2 {
				t.Errorf("drops[%s] = %d, want 2", tt.reason, n)
			}
		})
	}
}

// countingTransport counts round trips and fails them.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	c.n.Add(1)
	return nil, errors.New("no connection expected")
}

// claim: C2
func TestDisabledOpensNoConnection(t *testing.T) {
	srv := newPHServer(t, http.StatusOK)
	transport := &countingTransport{}
	c, err := New(consent.Settings{PostHogHost: srv.URL}, Options{
		Schema:         testSchema,
		Transport:      transport,
		PersonalAPIKey: "phx_personal",
		ProjectID:      "1",
		APIHost:        srv.URL,
		Logger:         slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Enabled() {
		t.Error("Enabled() = true without POSTHOG_API_KEY")
	}
	ctx := WithSession(context.Background(), "s")
	c.Capture(ctx, 1, "timer.started", Properties{"has_task": true})
	c.PageView(ctx, 1, "GET /projects")
	if err := c.DeleteUser(ctx, 1); err != nil {
		t.Errorf("DeleteUser on a disabled client: %v", err)
	}
	if err := c.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
	if n := transport.n.Load(); n != 0 {
		t.Errorf("%d round trips through the transport", n)
	}
	if n := srv.conns.Load(); n != 0 {
		t.Errorf("%d connections to the server", n)
	}
}

// claim: A5
func TestUnreachableEndpointStaysBounded(t *testing.T) {
	const captures = 100_000
	tests := []struct {
		name string
		host func(t *testing.T) (url string, conns func() int64)
		// minimum queue_full drops: a 500 frees slots as retries give
		// up, a blackhole only after the SDK's 4 uploads of 10 s each.
		minDrops int64
	}{
		{"500", func(t *testing.T) (string, func() int64) {
			s := newPHServer(t, http.StatusInternalServerError)
			return s.URL, s.conns.Load
		}, 1},
		{"blackhole", func(t *testing.T) (string, func() int64) {
			b := newBlackhole(t)
			return b.URL(), b.accepts.Load
		}, captures - DefaultQueueSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, conns := tt.host(t)
			reader := sdkmetric.NewManualReader()
			c := newTestClient(t, host, Options{
				MeterProvider:   sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
				ShutdownTimeout: 300 * time.Millisecond,
			})

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			for i := range captures {
				c.Capture(context.Background(), int64(i%1000+1), "timer.started", Properties{"has_task": true, "has_notes": false, "entries": i})
			}
			t.Logf("%d captures in %v", captures, time.Since(start))
			runtime.GC()
			runtime.ReadMemStats(&after)

			if p := c.pending.Load(); p > c.limit {
				t.Errorf("%d events held, limit %d", p, c.limit)
			}
			// The queue holds DefaultQueueSize events of a few hundred bytes;
			// without the bound, uploads would pile up tens of megabytes.
			if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 16<<20 {
				t.Errorf("heap grew by %d MiB after %d captures", grew>>20, captures)
			}
			if n := dropCounts(t, reader)[ReasonQueueFull]; n < tt.minDrops {
				t.Errorf("queue_full drops = %d, want at least %d", n, tt.minDrops)
			}
			// At most one upload per batch of 100 held events, plus retries
			// that reconnect.
			if n := conns(); n > 4*DefaultQueueSize/100 {
				t.Errorf("%d connections opened", n)
			}

			done := make(chan error, 1)
			start = time.Now()
			go func() { done <- c.Close(context.Background()) }()
			select {
			case err := <-done:
				t.Logf("Close after %v: %v", time.Since(start), err)
			case <-time.After(30 * time.Second): // a watchdog, far above the 300 ms bound
				t.Fatal("Close did not return")
			}
			c.Capture(context.Background(), 1, "timer.started", nil)
			if n := dropCounts(t, reader)[ReasonClosed]; n != 1 {
				t.Errorf("closed drops = %d, want 1", n)
			}
		})
	}
}

// claim: A4
func TestDeleteUserRequest(t *testing.T) {
	type request struct {
		method, path, auth, ctype, body string
	}
	var got []request
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		_, _ = b.ReadFrom(r.Body)
		got = append(got, request{r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"), r.Header.Get("Content-Type"), b.String()})
		if strings.Contains(b.String(), `"500"`) {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"persons_found":1,"persons_deleted":1,"events_queued_for_deletion":true}`))
	}))
	defer api.Close()
	ingest := newPHServer(t, http.StatusOK)

	c := newTestClient(t, ingest.URL, Options{PersonalAPIKey: "phx_personal", ProjectID: "4242", APIHost: api.URL + "/"})
	if err := c.DeleteUser(context.Background(), 42); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	if err := c.DeleteUser(context.Background(), 500); err == nil || strings.Contains(err.Error(), "phx_personal") {
		t.Errorf("DeleteUser refused by PostHog: err = %v, want an error without the key", err)
	}
	want := request{
		method: "POST",
		path:   "/api/projects/4242/persons/bulk_delete/",
		auth:   "Bearer phx_personal",
		ctype:  "application/json",
		body:   `{"distinct_ids":["42"],"delete_events":true,"delete_recordings":true}`,
	}
	if len(got) != 2 || got[0] != want {
		t.Errorf("requests = %+v\nwant first %+v", got, want)
	}
	if n := ingest.conns.Load(); n != 0 {
		t.Errorf("deletion went to the ingestion host (%d connections)", n)
	}
}

func TestDeleteUserNotConfigured(t *testing.T) {
	srv := newPHServer(t, http.StatusOK)
	logs := &logBuffer{}
	c := newTestClient(t, srv.URL, Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	err := c.DeleteUser(context.Background(), 42)
	if !errors.Is(err, ErrDeletionNotConfigured) || !strings.Contains(err.Error(), "by hand") {
		t.Errorf("err = %v, want ErrDeletionNotConfigured saying to delete by hand", err)
	}
	if !strings.Contains(logs.String(), `"level":"WARN"`) || !strings.Contains(logs.String(), `"user_id":42`) {
		t.Errorf("no warning naming the user:\n%s", logs)
	}
	if n := srv.conns.Load(); n != 0 {
		t.Errorf("%d connections opened", n)
	}
}

func TestAPIHostFor(t *testing.T) {
	tests := []struct{ ingest, want string }{
		{"https://us.i.posthog.com", "https://us.posthog.com"},
		{"https://eu.i.posthog.com", "https://eu.posthog.com"},
		{"https://app.posthog.com", "https://us.posthog.com"},
		{"https://posthog.internal.example", "https://posthog.internal.example"},
	}
	for _, tt := range tests {
		t.Run(tt.ingest, func(t *testing.T) {
			if got := apiHostFor(tt.ingest); got != tt.want {
				t.Errorf("apiHostFor(%q) = %q, want %q", tt.ingest, got, tt.want)
			}
		})
	}
}

// claim: C5
func TestHTTPSHost(t *testing.T) {
	srv := newPHServerTLS(t)
	c := newTestClient(t, srv.URL, Options{Transport: srv.Client().Transport})
	c.Capture(context.Background(), 3, "project.created", Properties{"billable": false})
	closeClient(t, c)
	if evs := srv.events(); len(evs) != 1 || evs[0].Name != "project.created" {
		t.Errorf("received %+v over https, want the one event", evs)
	}
}

// claim: C5
func TestNewRefuses(t *testing.T) {
	tests := []struct {
		name string
		s    consent.Settings
		opts Options
		want string
	}{
		{"bad schema", consent.Settings{}, Options{Schema: Schema{"$x": nil}}, "reserves"},
		{"short session key", consent.Settings{}, Options{SessionKey: []byte("short")}, "at least 16"},
		{"plain http", settingsFor("http://posthog.example.com"), Options{}, "refused"},
		{"key without project", settingsFor("https://us.i.posthog.com"), Options{PersonalAPIKey: "phx"}, "both"},
		{"project not a number", settingsFor("https://us.i.posthog.com"), Options{PersonalAPIKey: "phx", ProjectID: "my-project"}, "not a number"},
		{"plain http API host", settingsFor("https://us.i.posthog.com"), Options{PersonalAPIKey: "phx", ProjectID: "1", APIHost: "http://10.0.0.1"}, "refused"},
		{"negative queue", consent.Settings{}, Options{QueueSize: -1}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Logger = slog.New(slog.DiscardHandler)
			_, err := New(tt.s, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestPreferencesGetCallerContext(t *testing.T) {
	srv := newPHServer(t, http.StatusOK)
	type key struct{}
	var saw atomic.Value
	c := newTestClient(t, srv.URL, Options{Preferences: consent.PreferencesFunc(func(ctx context.Context, id int64) (bool, error) {
		saw.Store(ctx.Value(key{}))
		return true, nil
	})})
	c.Capture(context.WithValue(context.Background(), key{}, "request"), 1, "project.created", nil)
	if saw.Load() != "request" {
		t.Errorf("Preferences saw context value %v, want the caller's", saw.Load())
	}
}

// Close returns within ShutdownTimeout even when PostHog never answers,
// whatever the context (claim A5, like S3): events still unsent are
// dropped and an error says so.
//
// claim: A5
func TestCloseIsBoundedByShutdownTimeout(t *testing.T) {
	b := newBlackhole(t)
	const bound = 300 * time.Millisecond
	c := newTestClient(t, b.URL(), Options{ShutdownTimeout: bound})
	for i := range 50 {
		c.Capture(context.Background(), int64(i+1), "timer.started", Properties{"has_task": true})
	}
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- c.Close(context.Background()) }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Close returned nil with events unsent")
		}
	case <-time.After(5 * bound): // room for a loaded machine
		t.Fatalf("Close still running after %v, ShutdownTimeout %v", time.Since(start), bound)
	}
}

// Capture and PageView only check and queue: building the message and
// everything the SDK does happen on the client's own goroutine, so with
// uploads hanging on a blackholed endpoint and the queue full, a caller
// still gets on at once and the excess is counted, never waited for.
//
// claim: A5
func TestCaptureNeverWaitsOnBlackhole(t *testing.T) {
	b := newBlackhole(t)
	reader := sdkmetric.NewManualReader()
	const limit = 200
	c := newTestClient(t, b.URL(), Options{
		MeterProvider:   sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		QueueSize:       limit,
		FlushInterval:   10 * time.Millisecond,
		ShutdownTimeout: 200 * time.Millisecond,
	})
	ctx := WithSession(context.Background(), "kq3W9tZrN1bV7xLp")
	// Fill the queue and wait until an upload hangs in the blackhole.
	for i := range limit {
		c.Capture(ctx, int64(i+1), "timer.started", Properties{"has_task": true})
	}
	watchdog := time.After(30 * time.Second) // far above anything that does not block
	for b.accepts.Load() == 0 {
		select {
		case <-watchdog:
			t.Fatal("no upload reached the blackhole")
		case <-time.After(5 * time.Millisecond):
		}
	}

	const more = 20 * limit
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range more {
			c.Capture(ctx, int64(i+1), "report.viewed", Properties{"group_by": "day", "weekday": 3})
			c.PageView(ctx, int64(i+1), "GET /reports")
		}
	}()
	select {
	case <-done:
	case <-watchdog:
		t.Fatal("Capture blocked while PostHog did not answer")
	}
	if p := c.pending.Load(); p > limit {
		t.Errorf("%d events held, limit %d", p, limit)
	}
	if n := dropCounts(t, reader)[ReasonQueueFull]; n < 2*more-limit {
		t.Errorf("queue_full drops = %d, want at least %d", n, 2*more-limit)
	}
	closed := make(chan error, 1)
	go func() { closed <- c.Close(context.Background()) }()
	select {
	case err := <-closed:
		t.Logf("Close: %v", err)
	case <-watchdog:
		t.Fatal("Close did not return")
	}
}
