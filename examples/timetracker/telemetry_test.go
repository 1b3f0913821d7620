package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestTelemetryWiring: with ENABLE_TELEMETRY and TELE_URL set, the
// background reporter sends the install ping through the app's outbound
// transport, and the payload holds the four facts and nothing else.
// claim: T1
func TestTelemetryWiring(t *testing.T) {
	pings := make(chan map[string]any, 4)
	tele := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p map[string]any
		if err := json.Unmarshal(b, &p); err != nil {
			t.Errorf("ping %q: %v", b, err)
		}
		pings <- p
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"latest":"9.9.9"}`)
	}))
	defer tele.Close()
	var mu sync.Mutex
	var dials []string
	s := startRun(t, map[string]string{
		"ENABLE_TELEMETRY": "true",
		"TELE_URL":         tele.URL + "/ping",
		"TELE_SALT":        "a salt that is long enough",
	}, runOptions{onDial: func(_, addr string) {
		mu.Lock()
		dials = append(dials, addr)
		mu.Unlock()
	}})
	var p map[string]any
	select {
	case p = <-pings:
	case <-time.After(30 * time.Second): // a deadlock guard, not a timing assertion
		t.Fatal("no install ping")
	}
	if p["kind"] != "install" || p["version"] != version || len(p["fingerprint"].(string)) != 64 {
		t.Fatalf("ping = %v", p)
	}
	for k := range p {
		switch k {
		case "schema", "kind", "fingerprint", "version", "installed_at", "updated_at":
		default:
			t.Errorf("the ping carries %q", k)
		}
	}
	s.stop(t)
	mu.Lock()
	defer mu.Unlock()
	if len(dials) == 0 || !strings.HasPrefix(tele.URL, "http://"+dials[0]) {
		t.Errorf("the ping did not go through the outbound transport: dials %v", dials)
	}
}

// Clearing SENTRY_DSN and POSTHOG_API_KEY and setting
// ENABLE_TELEMETRY=false, then restarting on the same data directory,
// stops every flow: the restarted process opens no outbound connection,
// although the hosts are still configured and the first run left an
// install ping undelivered (its telemetry server was failing).
//
// claim: C3
func TestRestartWithTheSwitchesOffSendsNothing(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	serve := func(name string, status int) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			mu.Lock()
			hits[name]++
			mu.Unlock()
			w.WriteHeader(status)
			_, _ = io.WriteString(w, `{}`)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	sentry, posthog, tele := serve("sentry", 200), serve("posthog", 200), serve("telemetry", 500)
	dataDir := t.TempDir()
	on := map[string]string{
		"DATA_DIR":         dataDir,
		"SENTRY_DSN":       "http://publickey@" + sentry.Listener.Addr().String() + "/42",
		"POSTHOG_API_KEY":  "phc_testkey",
		"POSTHOG_HOST":     posthog.URL,
		"ENABLE_TELEMETRY": "true",
		"TELE_URL":         tele.URL + "/ping",
		"TELE_SALT":        "a salt that is long enough",
	}
	// The first user is the admin, who may send a test error.
	activity := func(s *started, first bool) {
		app := &testApp{t: t, srv: &httptest.Server{URL: "http://" + s.addr}}
		var c *client
		if first {
			c, _ = app.register("admin@example.org", "restart-password", "R")
		} else {
			c = app.client()
			c.signIn("admin@example.org", "restart-password")
		}
		c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P"}, nil)
		c.must(http.StatusAccepted, "POST", "/api/v1/admin/test-error", nil, nil)
	}
	count := func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		out := map[string]int{}
		for k, v := range hits {
			out[k] = v
		}
		return out
	}

	s := startRun(t, on, runOptions{})
	activity(s, true)
	for deadline := time.Now().Add(30 * time.Second); count()["telemetry"] == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) { // a deadlock guard, not a timing assertion
			t.Fatal("the first run never tried the telemetry server")
		}
	}
	s.stop(t) // flushes Sentry and PostHog
	before := count()
	if before["sentry"] == 0 || before["posthog"] == 0 {
		t.Fatalf("the first run did not reach every service: %v", before)
	}

	off := map[string]string{}
	for k, v := range on {
		off[k] = v
	}
	off["SENTRY_DSN"], off["POSTHOG_API_KEY"], off["ENABLE_TELEMETRY"] = "", "", "false"
	var dials []string
	s = startRun(t, off, runOptions{onDial: func(_, addr string) {
		mu.Lock()
		dials = append(dials, addr)
		mu.Unlock()
	}})
	activity(s, false)
	time.Sleep(200 * time.Millisecond) // room for a background send to show
	s.stop(t)
	if after := count(); after["sentry"] != before["sentry"] || after["posthog"] != before["posthog"] || after["telemetry"] != before["telemetry"] {
		t.Errorf("after the restart with the switches off: requests %v, before %v", after, before)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(dials) > 0 {
		t.Errorf("the restarted process opened outbound connections: %v", dials)
	}
}

// TestPreviewIsTheFirstPingWithoutSalt: with no TELE_SALT,
// `timetracker telemetry-preview` run twice prints the same bytes, and the
// server started afterwards on the same DATA_DIR sends exactly those bytes
// as its first ping.
// claim: T5
func TestPreviewIsTheFirstPingWithoutSalt(t *testing.T) {
	pings := make(chan []byte, 4)
	tele := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		pings <- b
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"latest":"9.9.9"}`)
	}))
	defer tele.Close()
	env := map[string]string{
		"DATA_DIR":         t.TempDir(),
		"LOG_DIR":          t.TempDir(),
		"ENABLE_TELEMETRY": "true",
		"TELE_URL":         tele.URL + "/ping",
	}
	preview := func() string {
		t.Helper()
		var out strings.Builder
		if err := run(context.Background(), []string{"telemetry-preview"}, mapLookup(env), &out, io.Discard); err != nil {
			t.Fatalf("telemetry-preview: %v", err)
		}
		return strings.TrimSpace(out.String())
	}
	p1 := preview()
	time.Sleep(1100 * time.Millisecond) // times in a ping have whole seconds
	if p2 := preview(); p1 != p2 {
		t.Fatalf("two previews differ:\n%s\n%s", p1, p2)
	}
	time.Sleep(1100 * time.Millisecond)
	startRun(t, env, runOptions{})
	select {
	case sent := <-pings:
		if string(sent) != p1 {
			t.Errorf("the first ping is not the preview\npreview: %s\nsent:    %s", p1, sent)
		}
	case <-time.After(30 * time.Second): // a deadlock guard
		t.Fatal("no install ping")
	}
}
