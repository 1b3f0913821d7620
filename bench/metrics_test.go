package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/discreet-dev/discreet/internal/reqctx"
	"github.com/discreet-dev/discreet/metrics"
)

// buckets are the boundaries discreet uses, given to promhttp too so both
// export the same number of series.
var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

func ok(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }

// BenchmarkMiddleware sends one GET through a ServeMux route, bare and
// through each instrumentation, in the same run. Compare what each adds
// over "bare".
//
//   - discreet: metrics.Middleware as an application uses it, including
//     the shared request record (request ID, X-Request-ID header) that the
//     first discreet middleware sets up.
//   - discreet-own: the same middleware behind a layer that already set up
//     the request record, as it runs next to the logging middleware; its
//     cost minus "reqctx" is what the metrics alone add.
//   - promhttp: InstrumentHandlerDuration on the route's handler, with the
//     route as a curried label, the usual way to get per-route latency from
//     client_golang.
//   - otelhttp: otelhttp.NewHandler with a noop tracer and a MeterProvider
//     exporting to Prometheus.
func BenchmarkMiddleware(b *testing.B) {
	newMux := func(wrap func(route string, h http.Handler) http.Handler) *http.ServeMux {
		mux := http.NewServeMux()
		mux.Handle("GET /items/{id}", wrap("/items/{id}", http.HandlerFunc(ok)))
		return mux
	}
	plain := func(_ string, h http.Handler) http.Handler { return h }

	m, err := metrics.New(metrics.WithoutRuntimeMetrics())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close(context.Background()) })

	reg := prometheus.NewRegistry()
	hv := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "Duration of HTTP requests.",
		Buckets: buckets,
	}, []string{"code", "method", "route"})
	reg.MustRegister(hv)
	promMux := newMux(func(route string, h http.Handler) http.Handler {
		return promhttp.InstrumentHandlerDuration(hv.MustCurryWith(prometheus.Labels{"route": route}), h)
	})

	otelReg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(otelReg), otelprom.WithoutTargetInfo(), otelprom.WithoutScopeInfo())
	if err != nil {
		b.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	b.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	otelH := otelhttp.NewHandler(newMux(plain), "server",
		otelhttp.WithTracerProvider(tracenoop.NewTracerProvider()),
		otelhttp.WithMeterProvider(mp))

	withRecord := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, r = reqctx.Ensure(w, r)
			next.ServeHTTP(w, r)
		})
	}

	cases := []struct {
		name string
		h    http.Handler
	}{
		{"bare", newMux(plain)},
		{"discreet", m.Middleware(newMux(plain))},
		{"reqctx", withRecord(newMux(plain))},
		{"discreet-own", withRecord(m.Middleware(newMux(plain)))},
		{"promhttp", promMux},
		{"otelhttp", otelH},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/items/42", nil)
			// Check once that every variant really serves the route.
			if w := httptest.NewRecorder(); func() int { c.h.ServeHTTP(w, req); return w.Code }() != http.StatusOK {
				b.Fatalf("%s does not answer 200", c.name)
			}
			b.ReportAllocs()
			for b.Loop() {
				c.h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}

// BenchmarkScrape serves /metrics with 50 routes x 5 statuses populated:
// discreet's handler over the OTel exporter against promhttp over a
// HistogramVec holding the same 250 series with the same buckets.
func BenchmarkScrape(b *testing.B) {
	const routes = 50
	statuses := []int{200, 201, 400, 404, 500}

	m, err := metrics.New(metrics.WithoutRuntimeMetrics())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close(context.Background()) })
	mux := http.NewServeMux()
	for i := range routes {
		mux.HandleFunc(fmt.Sprintf("GET /r%d/{status}", i), func(w http.ResponseWriter, r *http.Request) {
			var code int
			_, _ = fmt.Sscan(r.PathValue("status"), &code)
			w.WriteHeader(code)
		})
	}
	h := m.Middleware(mux)
	for i := range routes {
		for _, s := range statuses {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", fmt.Sprintf("/r%d/%d", i, s), nil))
		}
	}

	reg := prometheus.NewRegistry()
	hv := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_server_request_duration_seconds",
		Help:    "Duration of HTTP server requests.",
		Buckets: buckets,
	}, []string{"http_request_method", "http_route", "http_response_status_code"})
	reg.MustRegister(hv)
	for i := range routes {
		for _, s := range statuses {
			hv.WithLabelValues("GET", fmt.Sprintf("/r%d/{status}", i), fmt.Sprint(s)).Observe(0.001)
		}
	}

	cases := []struct {
		name string
		h    http.Handler
	}{
		{"discreet", m.Handler(metrics.HandlerOptions{})},
		{"promhttp", promhttp.HandlerFor(reg, promhttp.HandlerOpts{})},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			w := httptest.NewRecorder()
			c.h.ServeHTTP(w, req)
			if w.Code != http.StatusOK || w.Body.Len() < 10_000 {
				b.Fatalf("%s: status %d, %d bytes", c.name, w.Code, w.Body.Len())
			}
			b.SetBytes(int64(w.Body.Len()))
			b.ReportAllocs()
			for b.Loop() {
				c.h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
