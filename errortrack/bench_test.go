package errortrack_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/errortrack"
	"github.com/discreet-dev/discreet/internal/reqctx"
)

// BenchmarkCapture measures Capture against a Sentry that answers, one that
// never answers and one that fails, beside a bare sentry.Client with the
// SDK's defaults. Capture must not wait on the network, so the blackholed
// case should cost about what the reachable one does (target: at most
// 1.5x).
func BenchmarkCapture(b *testing.B) {
	err := errors.New("load profile of someone@example.com: not found")
	ctx := reqctx.With(context.Background(), reqctx.New(""))

	b.Run("bare-sentry-client", func(b *testing.B) {
		f := newFakeSentry(b)
		client, e := sentry.NewClient(sentry.ClientOptions{Dsn: f.DSN()})
		if e != nil {
			b.Fatal(e)
		}
		defer client.Close()
		b.ReportAllocs()
		for b.Loop() {
			client.CaptureException(err, nil, nil)
		}
	})
	endpoints := []struct {
		name string
		dsn  func(b *testing.B) string
	}{
		{"up", func(b *testing.B) string { return newFakeSentry(b).DSN() }},
		{"blackholed", func(b *testing.B) string { return newBlackhole(b).DSN() }},
		{"http-500", func(b *testing.B) string { d, _ := newFailing(b); return d }},
	}
	for _, ep := range endpoints {
		b.Run(ep.name, func(b *testing.B) {
			tr := benchTracker(b, ep.dsn(b))
			b.ReportAllocs()
			for b.Loop() {
				tr.Capture(ctx, err)
			}
		})
	}
	// In a tight loop the queue is full most of the time, in every case
	// above, and a capture is then dropped before an event is built. This
	// case empties the queue between captures (off the clock), so every
	// timed capture builds, scrubs and queues its event.
	b.Run("up-every-event-queued", func(b *testing.B) {
		tr := benchTracker(b, newFakeSentry(b).DSN())
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if tr.Capture(ctx, err) == "" {
				b.Fatal("event not queued")
			}
			b.StopTimer()
			errortrack.Flush(tr, 5*time.Second)
			b.StartTimer()
		}
	})
}

// BenchmarkHandler serves a request whose handler captures a handled error,
// without error tracking and with a reachable or a blackholed Sentry: the
// request must not get slower when Sentry is unreachable.
func BenchmarkHandler(b *testing.B) {
	endpoints := []struct {
		name string
		dsn  func(b *testing.B) string
	}{
		{"disabled", func(*testing.B) string { return "" }},
		{"up", func(b *testing.B) string { return newFakeSentry(b).DSN() }},
		{"blackholed", func(b *testing.B) string { return newBlackhole(b).DSN() }},
	}
	for _, ep := range endpoints {
		b.Run(ep.name, func(b *testing.B) {
			tr := benchTracker(b, ep.dsn(b))
			mux := http.NewServeMux()
			mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
				tr.Capture(r.Context(), errors.New("item not loaded"))
				w.WriteHeader(http.StatusNoContent)
			})
			h := tr.Middleware(mux)
			r := httptest.NewRequest(http.MethodGet, "/items/12", nil)
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(httptest.NewRecorder(), r)
			}
		})
	}
}

func benchTracker(b *testing.B, dsn string) *errortrack.Tracker {
	b.Helper()
	tr, err := errortrack.New(consent.Settings{SentryDSN: dsn}, errortrack.Options{Release: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_ = tr.Close(ctx)
	})
	return tr
}
