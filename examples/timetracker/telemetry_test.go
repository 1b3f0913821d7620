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
