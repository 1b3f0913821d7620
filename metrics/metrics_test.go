package metrics

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/discreet-dev/discreet/internal/reqctx"
)

const durationName = "http_server_request_duration_seconds"

func newMetrics(t *testing.T, opts ...Option) *Metrics {
	t.Helper()
	m, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(t.Context()) })
	return m
}

// scrapeText fetches the exposition through the handler and returns it.
func scrapeText(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler(HandlerOptions{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d: %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// scrape parses the text exposition the way Prometheus tooling does.
func scrape(t *testing.T, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(scrapeText(t, m)))
	if err != nil {
		t.Fatalf("parse exposition: %v", err)
	}
	return fams
}

func labels(mt *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range mt.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

type series struct{ method, route, status string }

// requestCounts returns the request count of every series of the duration
// histogram, checking on the way that each has exactly the three labels
// and well-formed buckets.
func requestCounts(t *testing.T, fams map[string]*dto.MetricFamily) map[series]uint64 {
	t.Helper()
	fam := fams[durationName]
	if fam == nil {
		t.Fatalf("%s missing", durationName)
	}
	if fam.GetType() != dto.MetricType_HISTOGRAM {
		t.Fatalf("%s has type %v", durationName, fam.GetType())
	}
	out := map[series]uint64{}
	for _, mt := range fam.GetMetric() {
		l := labels(mt)
		names := make([]string, 0, len(l))
		for k := range l {
			names = append(names, k)
		}
		slices.Sort(names)
		if want := []string{"http_request_method", "http_response_status_code", "http_route"}; !slices.Equal(names, want) {
			t.Errorf("label names %v, want %v", names, want)
		}
		h := mt.GetHistogram()
		var bounds []float64
		var last uint64
		for _, b := range h.GetBucket() {
			if b.GetCumulativeCount() < last {
				t.Errorf("%v: bucket counts decrease at le=%v", l, b.GetUpperBound())
			}
			last = b.GetCumulativeCount()
			bounds = append(bounds, b.GetUpperBound())
		}
		if !slices.Equal(bounds, append(slices.Clone(durationBuckets), math.Inf(1))) {
			t.Errorf("%v: buckets %v, want %v", l, bounds, durationBuckets)
		}
		if last != h.GetSampleCount() {
			t.Errorf("%v: +Inf bucket %d != count %d", l, last, h.GetSampleCount())
		}
		out[series{l["http_request_method"], l["http_route"], l["http_response_status_code"]}] = h.GetSampleCount()
	}
	return out
}

// recoverer stands for the recovery middleware of errortrack, outside the
// metrics middleware.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func testMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "item "+r.PathValue("id"))
	})
	mux.HandleFunc("POST /items", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) {
		panic("handler failed")
	})
	return mux
}

// claim: M1
func TestRequestHistogramExposition(t *testing.T) {
	m := newMetrics(t)
	h := recoverer(m.Middleware(testMux()))
	srv := httptest.NewServer(h)
	defer srv.Close()

	reqs := []struct {
		method, path string
		status       int
	}{
		{"GET", "/items/1", 200},
		{"GET", "/items/2", 200},
		{"GET", "/items/3", 200},
		{"POST", "/items", 201},
		{"GET", "/no/such/page", 404},
		{"GET", "/another?q=1", 404},
		{"GET", "/boom", 500},
		{"DELETE", "/items/1", 405},
	}
	for _, rq := range reqs {
		req, _ := http.NewRequest(rq.method, srv.URL+rq.path, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != rq.status {
			t.Fatalf("%s %s = %d, want %d", rq.method, rq.path, resp.StatusCode, rq.status)
		}
	}

	fams := scrape(t, m)
	got := requestCounts(t, fams)
	want := map[series]uint64{
		{"GET", "/items/{id}", "200"}:            3,
		{"POST", "/items", "201"}:                1,
		{"GET", reqctx.UnmatchedRoute, "404"}:    2,
		{"GET", "/boom", "500"}:                  1,
		{"DELETE", reqctx.UnmatchedRoute, "405"}: 1,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("request counts\n got %v\nwant %v", got, want)
	}

	active := fams["http_server_active_requests"]
	if active == nil || active.GetType() != dto.MetricType_GAUGE {
		t.Fatalf("http_server_active_requests missing or not a gauge: %v", active)
	}
	for _, mt := range active.GetMetric() {
		if v := mt.GetGauge().GetValue(); v != 0 {
			t.Errorf("active requests %v = %v after all requests ended", labels(mt), v)
		}
	}
	// The runtime collectors are on by default.
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if fams[name] == nil {
			t.Errorf("%s missing", name)
		}
	}
}

func TestActiveRequestsDuringRequest(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	var during map[string]*dto.MetricFamily
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		during = scrape(t, m)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("PUT", "/x", nil))
	var found bool
	for _, mt := range during["http_server_active_requests"].GetMetric() {
		l := labels(mt)
		if l["http_request_method"] == "PUT" && l["url_scheme"] == "http" {
			found = true
			if v := mt.GetGauge().GetValue(); v != 1 {
				t.Errorf("active PUT requests = %v during the request, want 1", v)
			}
		}
	}
	if !found {
		t.Error("no active request series for PUT during the request")
	}
}

func TestStatusRecording(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"nothing written", func(w http.ResponseWriter, r *http.Request) {}, "200"},
		{"body only", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("x")) }, "200"},
		{"no content", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }, "204"},
		{"early hints first", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusAccepted)
		}, "202"},
		{"second WriteHeader ignored", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTeapot)
			w.WriteHeader(http.StatusOK)
		}, "418"},
		{"flush via type assertion", func(w http.ResponseWriter, r *http.Request) {
			w.(http.Flusher).Flush()
		}, "200"},
		{"flush via ResponseController", func(w http.ResponseWriter, r *http.Request) {
			if err := http.NewResponseController(w).Flush(); err != nil {
				panic(err)
			}
		}, "200"},
		{"io.Copy uses ReadFrom", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(w, strings.NewReader("body"))
		}, "200"},
		{"panic after header", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			panic(http.ErrAbortHandler)
		}, "500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMetrics(t, WithoutRuntimeMetrics())
			mux := http.NewServeMux()
			mux.Handle("/t", tt.handler)
			rec := httptest.NewRecorder()
			func() {
				defer func() { _ = recover() }()
				m.Middleware(mux).ServeHTTP(rec, httptest.NewRequest("GET", "/t", nil))
			}()
			got := requestCounts(t, scrape(t, m))
			want := map[series]uint64{{"GET", "/t", tt.want}: 1}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	t.Run("flush reaches the writer", func(t *testing.T) {
		m := newMetrics(t, WithoutRuntimeMetrics())
		rec := httptest.NewRecorder()
		m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.(http.Flusher).Flush()
		})).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if !rec.Flushed {
			t.Error("Flush did not reach the ResponseRecorder")
		}
	})
}

// An outer discreet middleware that set up the request record learns the
// route from it after the metrics middleware returns.
func TestRouteSharedThroughReqctx(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	var route, reqID, innerID string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		innerID = reqctx.From(r.Context()).RequestID()
	})
	inner := m.Middleware(mux)
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, r := reqctx.Ensure(w, r)
		reqID = info.RequestID()
		inner.ServeHTTP(w, r)
		route = info.Route()
	})
	req := httptest.NewRequest("GET", "/items/7", nil)
	req.Header.Set(reqctx.Header, "abc-123")
	rec := httptest.NewRecorder()
	outer.ServeHTTP(rec, req)
	if route != "GET /items/{id}" {
		t.Errorf("route seen outside = %q", route)
	}
	if reqID != "abc-123" || innerID != "abc-123" || rec.Header().Get(reqctx.Header) != "abc-123" {
		t.Errorf("request ID outer %q inner %q header %q", reqID, innerID, rec.Header().Get(reqctx.Header))
	}
}

// claim: M2
func TestCardinalityAttack(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	h := recoverer(m.Middleware(testMux()))

	// A fixed seed keeps the run reproducible; the values are random to
	// the middleware all the same.
	rng := newRand(4)
	methodPool := []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "get", "PROPFIND"}
	randWord := func(n int) string {
		const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
	knownMethod := func(s string) string {
		if slices.Contains(methods[:], s) {
			return s
		}
		return OtherMethod
	}

	want := map[series]uint64{}
	var leaked []string
	for i := range 10_000 {
		method := methodPool[rng.IntN(len(methodPool))]
		if rng.IntN(3) == 0 { // a third with a method nobody has heard of
			method = strings.ToUpper(randWord(8))
		}
		var path string
		var s series
		if i%2 == 0 {
			// Paths under /items/ match "GET /items/{id}" for GET and HEAD
			// only; other methods get 405 from the ServeMux.
			path = "/items/" + randWord(12)
			if method == "GET" || method == "HEAD" {
				s = series{method, "/items/{id}", "200"}
			} else {
				s = series{knownMethod(method), reqctx.UnmatchedRoute, "405"}
			}
		} else {
			path = "/" + randWord(10) + "/" + randWord(6)
			s = series{knownMethod(method), reqctx.UnmatchedRoute, "404"}
		}
		want[s]++
		req := httptest.NewRequest(method, path+"?email=user"+randWord(4)+"@example.com", nil)
		req.Host = randWord(10) + ".example.org"
		if i < 20 {
			leaked = append(leaked, path, req.Host, method)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != atoi(s.status) {
			t.Fatalf("%s %s = %d, want %s", method, path, rec.Code, s.status)
		}
	}

	got := requestCounts(t, scrape(t, m))
	// Exactly the series the bounded sets allow: route x method x status
	// actually seen, and nothing else.
	if len(got) != len(want) {
		t.Errorf("series = %d, want %d", len(got), len(want))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("request counts\n got %v\nwant %v", got, want)
	}
	// 3 outcomes x 10 method values at most: GET/HEAD x 200 on the route,
	// and the 8 other method values x 404 and x 405 unmatched.
	if len(got) > 2+8+10 {
		t.Errorf("%d series exceed the bound", len(got))
	}
	text := scrapeText(t, m)
	for _, s := range leaked {
		if s != "" && !slices.Contains(methods[:], s) && strings.Contains(text, s) {
			t.Errorf("attacker-controlled value %q appears in /metrics", s)
		}
	}
}

// claim: M2
func TestNoPersonalDataInLabels(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}/projects/{name}", func(w http.ResponseWriter, r *http.Request) {
		reqctx.From(r.Context()).SetUserID(987654321)
	})
	h := m.Middleware(mux)
	req := httptest.NewRequest("GET", "/users/987654321/projects/Secret-Client-Launch?token=tok_abcdef&email=jane.doe@example.com", nil)
	req.Host = "jane-doe.internal"
	req.RemoteAddr = "203.0.113.77:5555"
	req.Header.Set("X-Forwarded-For", "198.51.100.23")
	req.Header.Set("Authorization", "Bearer sk_live_zzz")
	h.ServeHTTP(httptest.NewRecorder(), req)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/jane.doe@example.com", nil))

	text := scrapeText(t, m)
	for _, secret := range []string{"987654321", "Secret-Client-Launch", "tok_abcdef", "jane", "example.com", "203.0.113.77", "198.51.100.23", "sk_live", "internal"} {
		if strings.Contains(text, secret) {
			t.Errorf("/metrics contains %q", secret)
		}
	}
	got := requestCounts(t, scrape(t, m))
	want := map[series]uint64{
		{"GET", "/users/{id}/projects/{name}", "200"}: 1,
		{"GET", reqctx.UnmatchedRoute, "404"}:         1,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRouteLabel(t *testing.T) {
	tests := []struct{ pattern, want string }{
		{"", reqctx.UnmatchedRoute},
		{"/", "/"},
		{"GET /items/{id}", "/items/{id}"},
		{"POST  /items", "/items"},
		{"example.com/admin/", "example.com/admin/"},
		{"GET example.com/{$}", "example.com/{$}"},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			if got := routeLabel(tt.pattern); got != tt.want {
				t.Errorf("routeLabel(%q) = %q, want %q", tt.pattern, got, tt.want)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    []Option
		present []string
		absent  []string
	}{
		{"defaults", nil, []string{"go_goroutines", "process_cpu_seconds_total"}, []string{"target_info", "otel_scope_name"}},
		{"without runtime", []Option{WithoutRuntimeMetrics()}, nil, []string{"go_goroutines", "process_cpu_seconds_total"}},
		{"target info", []Option{WithoutRuntimeMetrics(), WithTargetInfo(), WithService("tt", "1.2.3")}, []string{"target_info", `service_name="tt"`, `service_version="1.2.3"`}, []string{"otel_scope_name"}},
		{"scope labels", []Option{WithoutRuntimeMetrics(), WithScopeLabels()}, []string{`otel_scope_name="` + scopeName + `"`}, []string{"target_info"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMetrics(t, tt.opts...)
			m.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
			text := scrapeText(t, m)
			for _, s := range tt.present {
				if !strings.Contains(text, s) {
					t.Errorf("%q missing", s)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(text, s) {
					t.Errorf("%q present", s)
				}
			}
		})
	}
}

func TestOwnRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newMetrics(t, WithRegistry(reg), WithoutRuntimeMetrics())
	if m.Registry() != reg {
		t.Fatal("Registry() is not the registry given")
	}
	m.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(fams, func(f *dto.MetricFamily) bool { return f.GetName() == durationName }) {
		t.Error("request histogram not on the given registry")
	}
	// Nothing lands on the global default registry.
	def, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range def {
		if strings.HasPrefix(f.GetName(), "http_server") {
			t.Errorf("%s registered on the default registry", f.GetName())
		}
	}
}

func TestMeterProviderForAppInstruments(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	c, err := m.MeterProvider().Meter("app").Int64Counter("timetracker.entries.created")
	if err != nil {
		t.Fatal(err)
	}
	c.Add(t.Context(), 2)
	if text := scrapeText(t, m); !strings.Contains(text, "timetracker_entries_created_total 2") {
		t.Errorf("app counter missing:\n%s", text)
	}
	if err := m.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if text := scrapeText(t, m); strings.Contains(text, "timetracker_entries_created_total") {
		t.Error("series still exported after Close")
	}
}

func TestOpenMetricsNegotiation(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	m.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	tests := []struct {
		accept, wantType string
		eof              bool
	}{
		{"", "text/plain", false},
		{"text/plain", "text/plain", false},
		{"application/openmetrics-text;version=1.0.0,text/plain;q=0.5", "application/openmetrics-text", true},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/metrics", nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			rec := httptest.NewRecorder()
			m.Handler(HandlerOptions{}).ServeHTTP(rec, req)
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("Content-Type %q, want %s", ct, tt.wantType)
			}
			if got := bytes.HasSuffix(rec.Body.Bytes(), []byte("# EOF\n")); got != tt.eof {
				t.Errorf("ends with # EOF: %v, want %v", got, tt.eof)
			}
		})
	}
}

// Concurrent requests on many routes share the attribute cache; run under
// -race this checks its copy-on-write publication, and the counts check
// that no request is lost.
func TestConcurrentRequests(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	mux := http.NewServeMux()
	const routes, workers, perWorker = 20, 8, 250
	for i := range routes {
		mux.HandleFunc(fmt.Sprintf("GET /r%d", i), func(w http.ResponseWriter, r *http.Request) {})
	}
	h := m.Middleware(mux)
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range perWorker {
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", fmt.Sprintf("/r%d", (i+w)%routes), nil))
			}
		}()
	}
	for range workers {
		<-done
	}
	got := requestCounts(t, scrape(t, m))
	var total uint64
	for _, n := range got {
		total += n
	}
	if len(got) != routes || total != workers*perWorker {
		t.Errorf("%d series with %d requests, want %d series with %d", len(got), total, routes, workers*perWorker)
	}
}
