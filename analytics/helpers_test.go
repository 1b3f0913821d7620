package analytics

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/discreet-dev/discreet/consent"
)

// testSchema is the schema most tests use.
var testSchema = Schema{
	"timer.started":   {"has_task": Bool, "has_notes": Bool, "entries": Count},
	"project.created": {"billable": Bool, "has_client": Bool},
	"report.viewed":   {"group_by": Enum("project", "client", "day"), "span": Duration, "weekday": Int},
}

// batch is what posthog-go POSTs to /batch/.
type batch struct {
	APIKey string `json:"api_key"`
	Batch  []struct {
		Event      string         `json:"event"`
		DistinctID string         `json:"distinct_id"`
		Properties map[string]any `json:"properties"`
	} `json:"batch"`
}

// phServer stands in for PostHog: it records every /batch/ body as it
// arrived (gunzipped when the SDK compressed it) and counts connections.
type phServer struct {
	*httptest.Server
	conns atomic.Int64

	mu      sync.Mutex
	raw     [][]byte
	batches []batch
	other   []string // requests to anything but /batch/
}

func newPHServer(t *testing.T, status int) *phServer {
	t.Helper()
	return startPHServer(t, status, false)
}

// newPHServerTLS is newPHServer over https; its Client().Transport trusts it.
func newPHServerTLS(t *testing.T) *phServer {
	t.Helper()
	return startPHServer(t, http.StatusOK, true)
}

func startPHServer(t *testing.T, status int, tls bool) *phServer {
	t.Helper()
	s := &phServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading body: %v", err)
			return
		}
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Errorf("gzip: %v", err)
				return
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Errorf("gunzip: %v", err)
				return
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.URL.Path != "/batch/" {
			s.other = append(s.other, r.Method+" "+r.URL.Path)
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if status == http.StatusOK {
			var b batch
			if err := json.Unmarshal(body, &b); err != nil {
				t.Errorf("decoding /batch/ body: %v\n%s", err, body)
			}
			s.raw = append(s.raw, body)
			s.batches = append(s.batches, b)
		}
		w.WriteHeader(status)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	if tls {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// bytes returns everything received, joined.
func (s *phServer) bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Join(s.raw, []byte("\n"))
}

// events returns the received events in order.
func (s *phServer) events() []event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []event
	for _, b := range s.batches {
		for _, e := range b.Batch {
			out = append(out, event{e.Event, e.DistinctID, e.Properties})
		}
	}
	return out
}

type event struct {
	Name       string
	DistinctID string
	Props      map[string]any
}

// blackhole accepts TCP connections and never answers.
type blackhole struct {
	ln      net.Listener
	accepts atomic.Int64
}

func newBlackhole(tb testing.TB) *blackhole {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	b := &blackhole{ln: ln}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b.accepts.Add(1)
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return b
}

func (b *blackhole) URL() string { return "http://" + b.ln.Addr().String() }

func settingsFor(host string) consent.Settings {
	return consent.Settings{PostHogAPIKey: "phc_testkey", PostHogHost: host}
}

// newTestClient builds a client on host and closes it at cleanup.
func newTestClient(t *testing.T, host string, opts Options) *Client {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Schema == nil {
		opts.Schema = testSchema
	}
	c, err := New(settingsFor(host), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// closeClient flushes c, failing the test when Close reports an error.
func closeClient(t *testing.T, c *Client) {
	t.Helper()
	if err := c.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// dropCounts collects DropsMetric by reason from a manual reader.
func dropCounts(t *testing.T, r *sdkmetric.ManualReader) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != DropsMetric {
				continue
			}
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				reason, _ := dp.Attributes.Value(attribute.Key("reason"))
				out[reason.AsString()] += dp.Value
			}
		}
	}
	return out
}

// logBuffer is a concurrency-safe sink for a JSON slog handler.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
