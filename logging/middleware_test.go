package logging

import (
	"bytes"
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

	"github.com/discreet-dev/discreet/internal/reqctx"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// records decodes the JSON lines written so far.
func (s *syncBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, line)
		}
		out = append(out, m)
	}
	return out
}

// testApp is a small application: a ServeMux behind Middleware, with a
// handler that signs a user in, logs with the request context and answers.
func testApp(l *slog.Logger, opts *MiddlewareOptions) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /entries/{id}", func(w http.ResponseWriter, r *http.Request) {
		SetUserID(r.Context(), 42)
		l.InfoContext(r.Context(), "loading entry")
		fmt.Fprint(w, "hello")
	})
	mux.HandleFunc("POST /fail", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) {
		panic(errors.New("nil map write for bob@example.com"))
	})
	return Middleware(l, opts)(mux)
}

// Every request yields one record with the request's context; the route
// is the pattern, never the raw path or query.
//
// claim: L2
func TestMiddlewareRequestRecord(t *testing.T) {
	var buf syncBuffer
	l := slog.New(NewJSONHandler(&buf, nil))
	srv := httptest.NewServer(testApp(l, nil))
	defer srv.Close()

	for _, path := range []string{"/entries/7?token=abc123secret&q=alice@example.com", "/no/such/page/alice@example.com"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	resp, err := http.Post(srv.URL+"/fail", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	recs := buf.records(t)
	if len(recs) != 4 { // the app's own record, then one per request
		t.Fatalf("want 4 records, got %d: %v", len(recs), recs)
	}
	app, ok, notFound, failed := recs[0], recs[1], recs[2], recs[3]
	if app["msg"] != "loading entry" || app["user_id"] != 42.0 || app["request_id"] != ok["request_id"] {
		t.Errorf("record logged with the request context lacks its IDs: %v", app)
	}
	want := map[string]any{"msg": "request", "level": "INFO", "method": "GET", "route": "GET /entries/{id}",
		"status": 200.0, "bytes": 5.0, "user_id": 42.0}
	for k, v := range want {
		if ok[k] != v {
			t.Errorf("%s = %v, want %v (record %v)", k, ok[k], v, ok)
		}
	}
	for _, k := range []string{"time", "duration", "request_id"} {
		if ok[k] == nil {
			t.Errorf("record lacks %s: %v", k, ok)
		}
	}
	if notFound["route"] != "unmatched" || notFound["status"] != 404.0 || notFound["user_id"] != nil {
		t.Errorf("unmatched request: %v", notFound)
	}
	if failed["level"] != "ERROR" || failed["status"] != 503.0 || failed["route"] != "POST /fail" {
		t.Errorf("5xx request: %v", failed)
	}
	out := buf.b.String()
	for _, leak := range []string{"abc123secret", "alice@example.com", "/no/such", "?"} {
		if strings.Contains(out, leak) {
			t.Errorf("log contains %q:\n%s", leak, out)
		}
	}
}

// A well-formed incoming request ID is kept, anything else replaced by a
// fresh one; either way it is in the response header and the records.
//
// claim: L4
func TestMiddlewareRequestID(t *testing.T) {
	tests := []struct {
		name, in string
		keep     bool
	}{
		{"none", "", false},
		{"valid", "abc-DEF_123.x", true},
		{"max length", strings.Repeat("a", 128), true},
		{"too long", strings.Repeat("a", 129), false},
		{"bad characters", "abc def", false},
		{"injection", `x","user_id":1`, false},
		{"email", "bob@example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf syncBuffer
			l := slog.New(NewJSONHandler(&buf, nil))
			req := httptest.NewRequest("GET", "/entries/1", nil)
			if tt.in != "" {
				req.Header.Set("X-Request-ID", tt.in)
			}
			rec := httptest.NewRecorder()
			testApp(l, nil).ServeHTTP(rec, req)
			got := rec.Header().Get("X-Request-ID")
			if tt.keep && got != tt.in {
				t.Errorf("header = %q, want the incoming %q", got, tt.in)
			}
			if !tt.keep && (got == tt.in || len(got) < 20 || !reqctx.ValidID(got)) {
				// 26 base32 characters hold 128 bits; at least 96 are asked for.
				t.Errorf("header = %q, want a new random ID", got)
			}
			for _, r := range buf.records(t) {
				if r["request_id"] != got {
					t.Errorf("record has request_id %v, want %q: %v", r["request_id"], got, r)
				}
			}
		})
	}
}

// A panic is logged with its stack trace, then re-raised.
//
// claim: L3
func TestMiddlewarePanic(t *testing.T) {
	var buf syncBuffer
	l := slog.New(NewJSONHandler(&buf, nil))
	h := testApp(l, nil)
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/panic", nil))
	}()
	if recovered == nil {
		t.Fatal("the panic was swallowed")
	}
	recs := buf.records(t)
	if len(recs) != 1 {
		t.Fatalf("want 1 record, got %v", recs)
	}
	r := recs[0]
	p, _ := r["panic"].(map[string]any)
	if r["level"] != "ERROR" || r["status"] != 500.0 || r["route"] != "GET /panic" || p == nil {
		t.Fatalf("panic record: %v", r)
	}
	if msg := p["message"]; msg != "nil map write for [email]" {
		t.Errorf("panic message = %v", msg)
	}
	if st, _ := p["stack"].(string); !strings.Contains(st, "middleware_test.go:") || !strings.Contains(st, "testApp.func3") {
		t.Errorf("stack does not show where the panic happened:\n%s", st)
	}
}

// The client IP is logged only when the middleware option and the
// handler's KeepIPs are both on.
//
// claim: L6
func TestMiddlewareClientIP(t *testing.T) {
	tests := []struct {
		name    string
		mw      *MiddlewareOptions
		keepIPs bool
		want    any
	}{
		{"off", nil, false, nil},
		{"off with KeepIPs", nil, true, nil},
		{"on without KeepIPs", &MiddlewareOptions{ClientIP: true}, false, "[redacted]"},
		{"on with KeepIPs", &MiddlewareOptions{ClientIP: true}, true, "192.0.2.7"},
		{"proxy not trusted", &MiddlewareOptions{ClientIP: true}, true, "192.0.2.7"},
		{"proxy trusted", &MiddlewareOptions{ClientIP: true, TrustProxy: true}, true, "203.0.113.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf syncBuffer
			l := slog.New(NewJSONHandler(&buf, &Options{KeepIPs: tt.keepIPs}))
			req := httptest.NewRequest("POST", "/fail", nil)
			req.RemoteAddr = "192.0.2.7:51234"
			req.Header.Set("X-Forwarded-For", "10.9.9.9, 203.0.113.5")
			testApp(l, tt.mw).ServeHTTP(httptest.NewRecorder(), req)
			r := buf.records(t)[0]
			if r[ClientIPKey] != tt.want {
				t.Errorf("client_ip = %v, want %v", r[ClientIPKey], tt.want)
			}
			out := buf.b.String()
			for _, ip := range []string{"192.0.2.7", "203.0.113.5", "10.9.9.9"} {
				if strings.Contains(out, ip) && ip != tt.want {
					t.Errorf("log holds %s:\n%s", ip, out)
				}
			}
		})
	}
}

// X-Forwarded-For is the client's to write: an IPv6 zone ("%" and any
// text) must not carry that text into client_ip, and the address is
// written the same way whichever header or connection it came from.
//
// claim: L6
// claim: L5
func TestMiddlewareClientIPFromProxyIsBare(t *testing.T) {
	tests := []struct{ xff, want string }{
		{"203.0.113.5, 198.51.100.7, 10.0.0.1", "10.0.0.1"},
		{"fe80::1%ada.lovelace@example.com", "fe80::1"},
		{"fe80::1%Bearer_abcdefghijkl", "fe80::1"},
		{"fe80::1%eth0", "fe80::1"},
		{"::ffff:198.51.100.9", "198.51.100.9"},
	}
	for _, tt := range tests {
		t.Run(tt.xff, func(t *testing.T) {
			var buf syncBuffer
			l := slog.New(NewJSONHandler(&buf, &Options{KeepIPs: true}))
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("X-Forwarded-For", tt.xff)
			testApp(l, &MiddlewareOptions{ClientIP: true, TrustProxy: true}).ServeHTTP(httptest.NewRecorder(), req)
			if got := buf.records(t)[0][ClientIPKey]; got != tt.want {
				t.Errorf("client_ip = %v, want %s", got, tt.want)
			}
			for _, s := range []string{"lovelace", "Bearer", "%"} {
				if strings.Contains(buf.b.String(), s) {
					t.Errorf("log holds %q:\n%s", s, buf.b.String())
				}
			}
		})
	}
}

func TestContextHelpers(t *testing.T) {
	var id string
	var uid int64
	h := Middleware(slog.New(slog.DiscardHandler), nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetUserID(r.Context(), 9)
		id, uid = RequestID(r.Context()), UserID(r.Context())
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if id == "" || id != rec.Header().Get("X-Request-ID") || uid != 9 {
		t.Errorf("RequestID = %q, UserID = %d, header %q", id, uid, rec.Header().Get("X-Request-ID"))
	}
	ctx := t.Context()
	SetUserID(ctx, 1) // no request: nothing to set, and no panic
	if RequestID(ctx) != "" || UserID(ctx) != 0 {
		t.Error("helpers invent values outside a request")
	}
}

func TestClientIPFunction(t *testing.T) {
	for _, tt := range []struct {
		name   string
		remote string
		xff    []string
		trust  bool
		want   string
	}{
		{"the peer", "192.0.2.1:5555", nil, false, "192.0.2.1"},
		{"header ignored without trust", "192.0.2.1:5555", []string{"203.0.113.9"}, false, "192.0.2.1"},
		{"the proxy's entry", "192.0.2.1:5555", []string{"198.51.100.1, 203.0.113.9"}, true, "203.0.113.9"},
		{"the last header line", "192.0.2.1:5555", []string{"198.51.100.1", "203.0.113.9"}, true, "203.0.113.9"},
		{"garbage falls back to the peer", "192.0.2.1:5555", []string{"garbage"}, true, "192.0.2.1"},
		{"zone dropped", "192.0.2.1:5555", []string{"fe80::1%eth0"}, true, "fe80::1"},
		{"IPv4-mapped unmapped", "[::ffff:192.0.2.7]:80", nil, false, "192.0.2.7"},
		{"no address", "pipe", nil, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientIP(r, tt.trust); got != tt.want {
				t.Errorf("ClientIP = %q, want %q", got, tt.want)
			}
		})
	}
}
