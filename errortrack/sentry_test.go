package errortrack_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeSentry stands in for a Sentry project 42: it accepts envelopes at
// /api/42/envelope/ and keeps both the raw bytes and the decoded events.
type fakeSentry struct {
	srv *httptest.Server

	mu     sync.Mutex
	raw    []byte           // every body received, concatenated
	events []map[string]any // decoded event payloads
	bad    []string         // protocol violations seen
}

func newFakeSentry(t testing.TB) *fakeSentry {
	t.Helper()
	f := &fakeSentry{}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// DSN points the SDK at the fake.
func (f *fakeSentry) DSN() string {
	return "http://publickey@" + f.srv.Listener.Addr().String() + "/42"
}

func (f *fakeSentry) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil || r.Method != http.MethodPost || r.URL.Path != "/api/42/envelope/" {
		f.bad = append(f.bad, r.Method+" "+r.URL.Path)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.raw = append(f.raw, body...)
	f.raw = append(f.raw, '\n')
	// An envelope is newline-delimited JSON: the envelope header, then per
	// item an item header and its payload.
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	if !sc.Scan() {
		f.bad = append(f.bad, "empty envelope")
		return
	}
	var head map[string]any
	if err := json.Unmarshal(sc.Bytes(), &head); err != nil {
		f.bad = append(f.bad, "envelope header: "+err.Error())
		return
	}
	for sc.Scan() {
		var item struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(sc.Bytes(), &item); err != nil {
			f.bad = append(f.bad, "item header: "+err.Error())
			return
		}
		if !sc.Scan() {
			f.bad = append(f.bad, "item without payload")
			return
		}
		if item.Type != "event" {
			continue
		}
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			f.bad = append(f.bad, "event payload: "+err.Error())
			return
		}
		f.events = append(f.events, ev)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"id":"x"}`))
}

// snapshot returns what was received so far.
func (f *fakeSentry) snapshot() (raw []byte, events []map[string]any, bad []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return bytes.Clone(f.raw), append([]map[string]any(nil), f.events...), append([]string(nil), f.bad...)
}

// blackhole accepts TCP connections and never answers; every connection
// is closed when the test ends, so no goroutine is left waiting.
type blackhole struct {
	ln      net.Listener
	accepts atomic.Int64
	mu      sync.Mutex
	conns   []net.Conn
}

func newBlackhole(t testing.TB) *blackhole {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackhole{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b.accepts.Add(1)
			b.mu.Lock()
			b.conns = append(b.conns, c)
			b.mu.Unlock()
			go func() { _, _ = io.Copy(io.Discard, c) }()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, c := range b.conns {
			_ = c.Close()
		}
	})
	return b
}

func (b *blackhole) DSN() string { return "http://publickey@" + b.ln.Addr().String() + "/42" }

// failing answers every envelope with a 500.
func newFailing(t testing.TB) (dsn string, hits *atomic.Int64) {
	t.Helper()
	hits = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return "http://publickey@" + srv.Listener.Addr().String() + "/42", hits
}

// get walks decoded JSON: get(ev, "request", "headers", "User-Agent").
func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func str(v any, path ...string) string {
	s, _ := get(v, path...).(string)
	return s
}

// framesOf returns the function names of the stack trace of an event's
// outermost exception.
func framesOf(ev map[string]any) []string {
	xs, _ := get(ev, "exception").([]any)
	if len(xs) == 0 {
		xs, _ = get(ev, "exception", "values").([]any)
	}
	if len(xs) == 0 {
		return nil
	}
	frames, _ := get(xs[len(xs)-1], "stacktrace", "frames").([]any)
	var out []string
	for _, f := range frames {
		out = append(out, str(f, "module")+"."+str(f, "function"))
	}
	return out
}

func exceptionValues(ev map[string]any) string {
	xs, _ := get(ev, "exception").([]any)
	var b strings.Builder
	for _, x := range xs {
		b.WriteString(str(x, "value"))
		b.WriteString("\n")
	}
	return b.String()
}
