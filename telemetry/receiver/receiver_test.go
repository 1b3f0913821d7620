package receiver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/telemetry"
)

// memStore is the smallest Store: it keeps what it is given, so a test can
// see everything the receiver passed on.
type memStore struct {
	mu    sync.Mutex
	saved []savedPing
	err   error
}

type savedPing struct {
	Ping     telemetry.Ping
	Received time.Time
}

func (m *memStore) Save(_ context.Context, p telemetry.Ping, received time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.saved = append(m.saved, savedPing{p, received})
	return nil
}

var recvNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func goodPing() map[string]any {
	return map[string]any{
		"schema":       1,
		"kind":         "install",
		"fingerprint":  telemetry.Fingerprint("web-01", "0123456789abcdef"),
		"version":      "1.0.0",
		"installed_at": "2026-02-01T10:00:00Z",
		"updated_at":   "2026-02-15T10:00:00Z",
	}
}

func pingBody(change func(map[string]any)) string {
	p := goodPing()
	if change != nil {
		change(p)
	}
	b, _ := json.Marshal(p)
	return string(b)
}

func TestReceiverRejects(t *testing.T) {
	good := pingBody(nil)
	tests := []struct {
		name       string
		method     string
		body       string
		chunked    bool // no Content-Length, so only the read limit can catch size
		wantStatus int
		wantError  string
	}{
		{name: "GET", method: http.MethodGet, wantStatus: 405, wantError: "method GET is not allowed; send pings with POST"},
		{name: "PUT", method: http.MethodPut, body: good, wantStatus: 405, wantError: "method PUT is not allowed; send pings with POST"},
		{name: "body over 4 KiB", body: `{"version":"` + strings.Repeat("1", 4100) + `"}`, wantStatus: 400, wantError: "body is larger than 4096 bytes"},
		{name: "body over 4 KiB without length", chunked: true, body: good + strings.Repeat(" ", 4096), wantStatus: 400, wantError: "body is larger than 4096 bytes"},
		{name: "empty body", body: "", wantStatus: 400, wantError: "body is empty; expected a JSON object"},
		{name: "malformed JSON", body: good[:len(good)-3], wantStatus: 400, wantError: "body is not a JSON object"},
		{name: "JSON array", body: "[" + good + "]", wantStatus: 400, wantError: "body is not a JSON object"},
		{name: "JSON null", body: "null", wantStatus: 400, wantError: "body is not a JSON object"},
		{name: "two objects", body: good + good, wantStatus: 400, wantError: "body is not a JSON object"},
		{name: "unknown field", body: pingBody(func(p map[string]any) { p["hostname"] = "web-01" }), wantStatus: 400, wantError: `unknown field "hostname"`},
		{name: "field in other case", body: strings.Replace(good, `"version"`, `"Version"`, 1), wantStatus: 400, wantError: `unknown field "Version"`},
		{name: "wrong type", body: pingBody(func(p map[string]any) { p["schema"] = "1" }), wantStatus: 400, wantError: `field "schema" has the wrong type`},
		{name: "bad time", body: pingBody(func(p map[string]any) { p["installed_at"] = "yesterday" }), wantStatus: 400, wantError: "installed_at is not an RFC 3339 time such as 2026-01-02T03:04:05Z"},
		{name: "time of the wrong type", body: pingBody(func(p map[string]any) { p["updated_at"] = 1767225600 }), wantStatus: 400, wantError: `field "updated_at" has the wrong type`},
		{name: "other schema", body: pingBody(func(p map[string]any) { p["schema"] = 2 }), wantStatus: 400, wantError: "schema must be 1, got 2"},
		{name: "other kind", body: pingBody(func(p map[string]any) { p["kind"] = "usage" }), wantStatus: 400, wantError: `kind must be "install" or "update_check"`},
		{name: "fingerprint upper case", body: pingBody(func(p map[string]any) { p["fingerprint"] = strings.ToUpper(p["fingerprint"].(string)) }), wantStatus: 400, wantError: "fingerprint must be 64 lowercase hex characters"},
		{name: "fingerprint too short", body: pingBody(func(p map[string]any) { p["fingerprint"] = p["fingerprint"].(string)[:63] }), wantStatus: 400, wantError: "fingerprint must be 64 lowercase hex characters"},
		{name: "fingerprint missing", body: pingBody(func(p map[string]any) { delete(p, "fingerprint") }), wantStatus: 400, wantError: "fingerprint must be 64 lowercase hex characters"},
		{name: "fingerprint is an email", body: pingBody(func(p map[string]any) { p["fingerprint"] = "someone@example.com" }), wantStatus: 400, wantError: "fingerprint must be 64 lowercase hex characters"},
		{name: "version of 65 characters", body: pingBody(func(p map[string]any) { p["version"] = strings.Repeat("v", 65) }), wantStatus: 400, wantError: "version is longer than 64 characters"},
		{name: "version empty", body: pingBody(func(p map[string]any) { p["version"] = "" }), wantStatus: 400, wantError: "version is required"},
		{name: "version with a newline", body: pingBody(func(p map[string]any) { p["version"] = "1.0\n2" }), wantStatus: 400, wantError: "version contains a control or non-printable character"},
		{name: "installed_at over a day ahead", body: pingBody(func(p map[string]any) { p["installed_at"] = "2026-03-02T12:00:01Z" }), wantStatus: 400, wantError: "installed_at is more than a day in the future"},
		{name: "updated_at over a day ahead", body: pingBody(func(p map[string]any) { p["updated_at"] = "2027-01-01T00:00:00Z" }), wantStatus: 400, wantError: "updated_at is more than a day in the future"},
		{name: "updated_at missing", body: pingBody(func(p map[string]any) { delete(p, "updated_at") }), wantStatus: 400, wantError: "updated_at is required"},

		{name: "good", body: good, wantStatus: 200},
		{name: "version of 64 characters", body: pingBody(func(p map[string]any) { p["version"] = strings.Repeat("v", 64) }), wantStatus: 200},
		{name: "a day ahead exactly", body: pingBody(func(p map[string]any) { p["updated_at"] = "2026-03-02T12:00:00Z" }), wantStatus: 200},
		{name: "update check", body: pingBody(func(p map[string]any) { p["kind"] = "update_check" }), wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &memStore{}
			h := New(store, Options{Latest: "1.5.0", Now: func() time.Time { return recvNow }})
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			var body io.Reader = strings.NewReader(tt.body)
			if tt.chunked {
				body = io.MultiReader(body) // hides the length
			}
			req := httptest.NewRequest(method, "/ping", body)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if tt.wantStatus == 200 {
				if got := strings.TrimSpace(rec.Body.String()); got != `{"latest":"1.5.0"}` {
					t.Errorf("reply = %s, want {\"latest\":\"1.5.0\"}", got)
				}
				if len(store.saved) != 1 || !store.saved[0].Received.Equal(recvNow) {
					t.Errorf("saved %+v, want the ping received at %v", store.saved, recvNow)
				}
				return
			}
			var reply struct{ Error string }
			if err := json.Unmarshal(rec.Body.Bytes(), &reply); err != nil {
				t.Fatalf("error reply %q is not JSON: %v", rec.Body, err)
			}
			if reply.Error != tt.wantError {
				t.Errorf("error = %q\nwant    %q", reply.Error, tt.wantError)
			}
			if tt.wantStatus == 405 && rec.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", rec.Header().Get("Allow"))
			}
			if len(store.saved) != 0 {
				t.Errorf("a rejected ping was saved: %+v", store.saved)
			}
		})
	}
}

// claim: T6
func TestReceiverNeverSeesTheSenderAddress(t *testing.T) {
	store := &memStore{}
	h := New(store, Options{Now: func() time.Time { return recvNow }})
	req := httptest.NewRequest(http.MethodPost, "/ping", strings.NewReader(pingBody(nil)))
	req.RemoteAddr = "203.0.113.7:51234"
	req.Header.Set("X-Forwarded-For", "198.51.100.9, 203.0.113.7")
	req.Header.Set("X-Real-IP", "198.51.100.9")
	req.Header.Set("Forwarded", "for=198.51.100.9")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if len(store.saved) != 1 {
		t.Fatalf("saved %d pings", len(store.saved))
	}
	// The store is handed the ping's own facts and the time, nothing else:
	// no field could carry an address, and none does.
	got := fmt.Sprintf("%+v", store.saved)
	for _, ip := range []string{"203.0.113", "198.51.100"} {
		if strings.Contains(got, ip) {
			t.Errorf("the stored record holds the sender's address %s: %s", ip, got)
		}
	}
	want := telemetry.Ping{Schema: 1, Kind: "install", Fingerprint: telemetry.Fingerprint("web-01", "0123456789abcdef"), Version: "1.0.0",
		InstalledAt: time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 2, 15, 10, 0, 0, 0, time.UTC)}
	if s := store.saved[0]; s.Ping != want || !s.Received.Equal(recvNow) {
		t.Errorf("saved %+v, want %+v at %v", s, want, recvNow)
	}
}

func TestReceiverStoreFailure(t *testing.T) {
	store := &memStore{err: errors.New("disk full")}
	logs := &bytes.Buffer{}
	h := New(store, Options{Now: func() time.Time { return recvNow }, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	req := httptest.NewRequest(http.MethodPost, "/ping", strings.NewReader(pingBody(nil)))
	req.RemoteAddr = "203.0.113.7:51234"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "disk full") {
		t.Errorf("status %d body %s: want 500 without internals", rec.Code, rec.Body)
	}
	if l := logs.String(); !strings.Contains(l, "disk full") || strings.Contains(l, "203.0.113") {
		t.Errorf("log should name the error and never the sender: %s", l)
	}
}
