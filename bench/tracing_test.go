package bench

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/discreet-dev/discreet"
	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/tracing"
)

// BenchmarkTracing compares, in one run, what tracing adds to one GET
// through a ServeMux route, each exporting over OTLP/HTTP to the same local
// capture server through a batch span processor:
//
//   - bare: the mux alone; otelhttp: otelhttp.NewHandler around it with an
//     SDK TracerProvider (no scrubbing), metrics off;
//   - pipeline: discreet.Pipeline with a discarding logger and no tracing;
//     pipeline+tracing: the same with Pipeline.Tracing on, every span
//     scrubbed before export.
//
// The figure to compare is what tracing adds: (pipeline+tracing −
// pipeline) against (otelhttp − bare).
func BenchmarkTracing(b *testing.B) {
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	b.Cleanup(collector.Close)
	endpoint := collector.URL + "/v1/traces"

	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", ok)

	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(endpoint))
	if err != nil {
		b.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	otelH := otelhttp.NewHandler(mux, "server",
		otelhttp.WithTracerProvider(tp), otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()))

	tr, err := tracing.New(consent.Settings{TracesEndpoint: endpoint}, tracing.Options{ServiceName: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tr.Close(ctx)
	})
	discard := slog.New(slog.DiscardHandler)
	pipe := discreet.Pipeline{Logger: discard, Routes: mux}.Handler(mux)
	traced := discreet.Pipeline{Logger: discard, Routes: mux, Tracing: tr}.Handler(mux)

	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"bare", mux}, {"otelhttp", otelH}, {"pipeline", pipe}, {"pipeline+tracing", traced}} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/items/42?q=alice@example.com", nil)
			req.Header.Set("User-Agent", "bench/1.0")
			req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			b.ReportAllocs()
			for b.Loop() {
				c.h.ServeHTTP(discardWriter{}, req)
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (discardWriter) WriteHeader(int)             {}
