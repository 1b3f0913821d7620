package discreet_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/discreet-dev/discreet"
	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/errortrack"
	"github.com/discreet-dev/discreet/logging"
	"github.com/discreet-dev/discreet/metrics"
)

// events is an ordered log of what the layers did, shared by a slog
// handler and a ResponseWriter.
type events struct {
	mu  sync.Mutex
	got []string
}

func (e *events) add(s string) { e.mu.Lock(); e.got = append(e.got, s); e.mu.Unlock() }

// orderHandler notes each record in events, with what the metrics had
// counted by then, and passes it on as JSON.
type orderHandler struct {
	slog.Handler
	ev     *events
	scrape func() string
}

func (h orderHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "request" {
		h.ev.add("log request (counted: " + h.scrape() + ")")
	}
	return h.Handler.Handle(ctx, r)
}

type orderWriter struct {
	*httptest.ResponseRecorder
	ev *events
}

func (w orderWriter) WriteHeader(code int) {
	w.ev.add("response " + http.StatusText(code))
	w.ResponseRecorder.WriteHeader(code)
}

func newMetrics(t testing.TB) *metrics.Metrics {
	t.Helper()
	m, err := metrics.New(metrics.WithoutRuntimeMetrics())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var countLine = regexp.MustCompile(`(?m)^http_server_request_duration_seconds_count\{(.*)\} (\d+)$`)

// counts returns the request counts by label set.
func counts(t testing.TB, m *metrics.Metrics) map[string]string {
	w := httptest.NewRecorder()
	m.Handler(metrics.HandlerOptions{}).ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	out := map[string]string{}
	for _, c := range countLine.FindAllStringSubmatch(w.Body.String(), -1) {
		out[c[1]] = c[2]
	}
	return out
}

func records(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if m["msg"] == "request" {
			out = append(out, m)
		}
	}
	return out
}

// The pipeline runs its layers in the documented order: a panic is seen by
// the metrics (500 counted) before the request record is logged, and the
// record is written before the recovery layer answers the client.
//
// claim: L2
// claim: L3
// claim: M1
func TestPipelineOrder(t *testing.T) {
	m := newMetrics(t)
	var buf bytes.Buffer
	ev := &events{}
	l := slog.New(orderHandler{Handler: logging.NewJSONHandler(&buf, nil), ev: ev, scrape: func() string {
		c := counts(t, m)
		return c[`http_request_method="GET",http_response_status_code="500",http_route="/boom"`]
	}})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("broken") })
	h := discreet.Pipeline{Logger: l, Metrics: m}.Handler(mux)

	w := orderWriter{httptest.NewRecorder(), ev}
	h.ServeHTTP(w, httptest.NewRequest("GET", "/boom", nil))
	if w.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", w.Code)
	}
	want := []string{"log request (counted: 1)", "response Internal Server Error"}
	if strings.Join(ev.got, "; ") != strings.Join(want, "; ") {
		t.Errorf("order:\n got %q\nwant %q", ev.got, want)
	}
	recs := records(t, &buf)
	if len(recs) != 1 || recs[0]["route"] != "GET /boom" || recs[0]["status"] != 500.0 || recs[0]["panic"] == nil {
		t.Errorf("request records: %v", recs)
	}
}

// Each package's middleware nested inside the pipeline (or inside itself)
// does no second piece of work: one request record, one count, one
// response recorder, one request ID.
//
// claim: L2
// claim: M1
func TestPipelineNoDoubleWork(t *testing.T) {
	m := newMetrics(t)
	var buf bytes.Buffer
	l := slog.New(logging.NewJSONHandler(&buf, nil))
	tr, err := errortrack.New(consent.Settings{}, errortrack.Options{Logger: l})
	if err != nil {
		t.Fatal(err)
	}
	var inner http.ResponseWriter
	var gpc bool
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		inner = w
		gpc = consent.GPCFromContext(r.Context())
		logging.SetUserID(r.Context(), 7)
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "ok")
	})
	// The application also wraps the mux in each package's middleware.
	app := tr.Middleware(logging.Middleware(l, nil)(m.Middleware(logging.Middleware(l, nil)(mux))))
	h := discreet.Pipeline{Logger: l, Metrics: m, Errors: tr}.Handler(app)

	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/items/42", nil)
	r.Header.Set("Sec-GPC", "1")
	h.ServeHTTP(rec, r)

	recs := records(t, &buf)
	if len(recs) != 1 {
		t.Fatalf("%d request records, want 1:\n%s", len(recs), buf.String())
	}
	if recs[0]["route"] != "GET /items/{id}" || recs[0]["status"] != 202.0 || recs[0]["bytes"] != 2.0 || recs[0]["user_id"] != 7.0 {
		t.Errorf("request record: %v", recs[0])
	}
	if got := rec.Header().Values("X-Request-Id"); len(got) != 1 || got[0] != recs[0]["request_id"] {
		t.Errorf("X-Request-ID %q, record %v", got, recs[0]["request_id"])
	}
	c := counts(t, m)
	if len(c) != 1 || c[`http_request_method="GET",http_response_status_code="202",http_route="/items/{id}"`] != "1" {
		t.Errorf("counts: %v", c)
	}
	// One recorder: the handler writes straight through the pipeline's.
	if _, ok := inner.(*httptest.ResponseRecorder); ok || inner == nil {
		t.Errorf("handler got %T", inner)
	} else if u, ok := inner.(interface{ Unwrap() http.ResponseWriter }); !ok || u.Unwrap() != http.ResponseWriter(rec) {
		t.Errorf("handler's writer %T wraps more than one layer", inner)
	}
	if !gpc {
		t.Error("GPC signal not recorded in the context")
	}
}

// With Routes set, a request that a middleware between the pipeline and the
// ServeMux refuses is still logged and counted under its route.
//
// claim: M2
func TestPipelineRoutes(t *testing.T) {
	m := newMetrics(t)
	var buf bytes.Buffer
	l := slog.New(logging.NewJSONHandler(&buf, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("POST /items", func(w http.ResponseWriter, r *http.Request) {})
	var status int
	refuse := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/items" {
			http.Error(w, "no", http.StatusForbidden)
			status = discreet.ResponseStatus(r)
			return
		}
		mux.ServeHTTP(w, r.WithContext(context.WithoutCancel(r.Context())))
	})
	h := discreet.Pipeline{Logger: l, Metrics: m, Routes: mux}.Handler(refuse)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/items", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/nowhere/ada@example.org", nil))

	recs := records(t, &buf)
	if len(recs) != 2 || recs[0]["route"] != "POST /items" || recs[1]["route"] != discreet.UnmatchedRoute {
		t.Errorf("records: %v", recs)
	}
	if status != http.StatusForbidden {
		t.Errorf("ResponseStatus = %d, want 403", status)
	}
	c := counts(t, m)
	if c[`http_request_method="POST",http_response_status_code="403",http_route="/items"`] != "1" ||
		c[`http_request_method="GET",http_response_status_code="404",http_route="unmatched"`] != "1" {
		t.Errorf("counts: %v", c)
	}
}
