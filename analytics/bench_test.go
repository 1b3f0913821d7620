package analytics

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/posthog/posthog-go"

	"github.com/discreet-dev/discreet/consent"
)

// BenchmarkCapture compares Capture of a declared event with three
// properties against a bare posthog-go Enqueue of the same event, with the
// endpoint up and blackholed. Both clients get the same SDK settings; the
// bare one lacks only what Capture adds (consent checks, schema, bound).
//
// A tight loop captures far faster than any endpoint takes events, so left
// alone both clients would soon measure their overload path instead: the
// bounded Capture drops at its gate, while the bare SDK starts one upload
// goroutine per batch without limit. To compare the normal path, both
// clients are rebuilt (timer stopped) every rebuildEvery events, fewer than
// DefaultQueueSize, so every timed call is queued and sent or held.
func BenchmarkCapture(b *testing.B) {
	endpoints := []struct {
		name string
		url  func(b *testing.B) string
	}{
		{"up", func(b *testing.B) string {
			s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
			}))
			b.Cleanup(s.Close)
			return s.URL
		}},
		{"blackhole", func(b *testing.B) string {
			return newBlackhole(b).URL()
		}},
	}
	for _, ep := range endpoints {
		url := ep.url(b)
		b.Run(ep.name+"/bare", func(b *testing.B) {
			newBare := func() posthog.Client {
				t := http.DefaultTransport.(*http.Transport).Clone()
				t.MaxIdleConnsPerHost = 10
				c, err := posthog.NewWithConfig("phc_bench", posthog.Config{
					Endpoint:        url,
					Transport:       t,
					Logger:          sdkLogger{slog.New(slog.DiscardHandler)},
					DisableGeoIP:    posthog.Ptr(true),
					Interval:        DefaultFlushInterval,
					BatchSize:       100,
					MaxQueueSize:    DefaultQueueSize,
					ShutdownTimeout: 5 * time.Millisecond,
				})
				if err != nil {
					b.Fatal(err)
				}
				return c
			}
			c := newBare()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if i > 0 && i%rebuildEvery == 0 {
					b.StopTimer()
					_ = c.Close()
					c = newBare()
					b.StartTimer()
				}
				_ = c.Enqueue(posthog.Capture{
					DistinctId: strconv.FormatInt(42, 10),
					Event:      "timer.started",
					Properties: posthog.Properties{"has_task": true, "has_notes": false, "entries": "2-5"},
				})
			}
			b.StopTimer()
			_ = c.Close()
		})
		b.Run(ep.name+"/discreet", func(b *testing.B) {
			prefs := consent.PreferencesFunc(func(context.Context, int64) (bool, error) { return true, nil })
			newClient := func() *Client {
				c, err := New(consent.Settings{PostHogAPIKey: "phc_bench", PostHogHost: url}, Options{
					Schema:          testSchema,
					Preferences:     prefs,
					Logger:          slog.New(slog.DiscardHandler),
					ShutdownTimeout: 5 * time.Millisecond,
				})
				if err != nil {
					b.Fatal(err)
				}
				return c
			}
			c := newClient()
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if i > 0 && i%rebuildEvery == 0 {
					b.StopTimer()
					_ = c.Close(ctx)
					c = newClient()
					b.StartTimer()
				}
				c.Capture(ctx, 42, "timer.started", Properties{"has_task": true, "has_notes": false, "entries": 3})
			}
			b.StopTimer()
			_ = c.Close(ctx)
		})
	}
}

const rebuildEvery = DefaultQueueSize / 2
