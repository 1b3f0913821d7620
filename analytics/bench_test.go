package analytics

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"syscall"
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
//
// Besides wall time per call, each run reports cpu-ns/op: the process's CPU
// time (user and system, all goroutines, including uploads and the test
// server) per event over the timed stretches. On a shared machine it is the
// steadier figure to compare.
func BenchmarkCapture(b *testing.B) {
	variants := []struct {
		name string
		ctx  context.Context
	}{
		{"discreet", context.Background()},
		{"discreet_session", WithSession(context.Background(), "kq3W9tZrN1bV7xLp")}, // adds the HMAC
	}
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
			var t *http.Transport
			newBare := func() posthog.Client {
				t = http.DefaultTransport.(*http.Transport).Clone()
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
			var cpu cpuClock
			b.ReportAllocs()
			b.ResetTimer()
			cpu.start()
			for i := range b.N {
				if i > 0 && i%rebuildEvery == 0 {
					b.StopTimer()
					cpu.stop()
					_ = c.Close()
					t.CloseIdleConnections()
					c = newBare()
					cpu.start()
					b.StartTimer()
				}
				_ = c.Enqueue(posthog.Capture{
					DistinctId: strconv.FormatInt(42, 10),
					Event:      "timer.started",
					Properties: posthog.Properties{"has_task": true, "has_notes": false, "entries": "2-5"},
				})
			}
			b.StopTimer()
			cpu.stop()
			cpu.report(b)
			_ = c.Close()
		})
		for _, v := range variants {
			b.Run(ep.name+"/"+v.name, func(b *testing.B) {
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
				ctx := v.ctx
				var cpu cpuClock
				b.ReportAllocs()
				b.ResetTimer()
				cpu.start()
				for i := range b.N {
					if i > 0 && i%rebuildEvery == 0 {
						b.StopTimer()
						cpu.stop()
						_ = c.Close(ctx)
						c = newClient()
						cpu.start()
						b.StartTimer()
					}
					c.Capture(ctx, 42, "timer.started", Properties{"has_task": true, "has_notes": false, "entries": 3})
				}
				b.StopTimer()
				cpu.stop()
				cpu.report(b)
				_ = c.Close(ctx)
			})
		}
	}
}

const rebuildEvery = DefaultQueueSize / 2

// BenchmarkCaptureCaller times what Capture costs the calling goroutine
// alone: the sending goroutine starts only when the timer is stopped, so
// neither its time nor its allocations are counted (BenchmarkCapture
// counts both, as the process sees them). The bare Enqueue beside it is
// the work Capture takes off the caller; compare the two in the same run.
func BenchmarkCaptureCaller(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	b.Cleanup(srv.Close)
	b.Run("bare_enqueue", func(b *testing.B) {
		newBare := func() posthog.Client {
			c, err := posthog.NewWithConfig("phc_bench", posthog.Config{
				Endpoint:        srv.URL,
				Logger:          sdkLogger{slog.New(slog.DiscardHandler)},
				DisableGeoIP:    posthog.Ptr(true),
				Interval:        time.Hour, // nothing is sent while timed
				BatchSize:       DefaultQueueSize,
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
	for _, v := range []struct {
		name string
		ctx  context.Context
	}{
		{"capture", context.Background()},
		{"capture_session", WithSession(context.Background(), "kq3W9tZrN1bV7xLp")},
	} {
		b.Run(v.name, func(b *testing.B) {
			prefs := consent.PreferencesFunc(func(context.Context, int64) (bool, error) { return true, nil })
			newHeld := func() *Client {
				c, err := newClient(consent.Settings{PostHogAPIKey: "phc_bench", PostHogHost: srv.URL}, Options{
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
			finish := func(c *Client) {
				go c.run()
				_ = c.Close(v.ctx)
			}
			c := newHeld()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if i > 0 && i%rebuildEvery == 0 { // fewer than the channel holds: none dropped
					b.StopTimer()
					finish(c)
					c = newHeld()
					b.StartTimer()
				}
				c.Capture(v.ctx, 42, "timer.started", Properties{"has_task": true, "has_notes": false, "entries": 3})
			}
			b.StopTimer()
			finish(c)
		})
	}
}

// cpuClock sums the process's CPU time over the timed stretches.
type cpuClock struct{ total, at time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (c *cpuClock) start() { c.at = processCPU() }
func (c *cpuClock) stop()  { c.total += processCPU() - c.at }
func (c *cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(c.total.Nanoseconds())/float64(b.N), "cpu-ns/op")
}
