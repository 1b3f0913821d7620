package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// Repeated identical error records (a database that is down makes every
// request fail the same way) are written once in full, then summarized at
// most once per interval with the count of those left out; records of
// another kind, and records below Warn, are not touched.
//
// claim: L3
func TestRepeatedErrorsAreLimited(t *testing.T) {
	for _, tc := range []struct {
		name string
		mk   func(w *bytes.Buffer, o *Options) slog.Handler
	}{
		{"NewJSONHandler", func(w *bytes.Buffer, o *Options) slog.Handler { return NewJSONHandler(w, o) }},
		{"NewHandler", func(w *bytes.Buffer, o *Options) slog.Handler { return NewHandler(slog.NewJSONHandler(w, nil), o) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			h := tc.mk(&buf, &Options{RepeatInterval: time.Minute})
			t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			down := errors.New("store: find entries: dial tcp: connect: connection refused")
			handle := func(at time.Duration, level slog.Level, msg string, attrs ...slog.Attr) {
				t.Helper()
				r := slog.NewRecord(t0.Add(at), level, msg, 0)
				r.AddAttrs(attrs...)
				if err := h.Handle(context.Background(), r); err != nil {
					t.Fatal(err)
				}
			}
			// 100 failures in 10 s, each with its own request ID.
			for i := range 100 {
				handle(time.Duration(i)*100*time.Millisecond, slog.LevelError, "request failed",
					Err(down), slog.Int("seq", i))
				handle(time.Duration(i)*100*time.Millisecond, slog.LevelInfo, "request", slog.Int("status", 503))
			}
			// Another error, and a warning with another message, are their own kinds.
			handle(11*time.Second, slog.LevelError, "request failed", Err(errors.New("disk full")))
			handle(11*time.Second, slog.LevelWarn, "readiness: database unreachable", Err(down))
			// After the interval the next record brings the summary.
			handle(61*time.Second, slog.LevelInfo, "request", slog.Int("status", 200))
			// A kind quiet for a whole interval is written in full again.
			handle(200*time.Second, slog.LevelError, "request failed", Err(down), slog.Int("seq", 100))

			var full, summaries, info int
			var summary map[string]any
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("%v: %s", err, line)
				}
				switch {
				case m["level"] == "INFO":
					info++
				case m["suppressed"] != nil:
					summaries++
					summary = m
				case m["msg"] == "request failed" && strings.Contains(line, "connection refused"):
					full++
					if !strings.Contains(line, `"stack"`) {
						t.Errorf("the first record has no stack: %s", line)
					}
				}
			}
			if full != 2 || summaries != 1 || info != 101 {
				t.Errorf("full %d (want 2), summaries %d (want 1), info %d (want 101):\n%s", full, summaries, info, buf.String())
			}
			if summary["suppressed"] != float64(99) || summary["msg"] != "request failed" ||
				summary["level"] != "ERROR" || summary["error"] != down.Error() {
				t.Errorf("summary %v", summary)
			}
			if strings.Count(buf.String(), "disk full") != 1 || strings.Count(buf.String(), "readiness") != 1 {
				t.Errorf("other kinds were limited:\n%s", buf.String())
			}
		})
	}
}

// The limit is on by default, and a negative interval turns it off.
func TestRepeatIntervalDefaultAndOff(t *testing.T) {
	for _, tc := range []struct {
		interval time.Duration
		want     int
	}{{0, 1}, {-1, 5}} {
		var buf bytes.Buffer
		l := slog.New(NewJSONHandler(&buf, &Options{RepeatInterval: tc.interval}))
		for range 5 {
			l.Error("saving failed", Err(errors.New("database is locked")))
		}
		if n := strings.Count(buf.String(), "\n"); n != tc.want {
			t.Errorf("RepeatInterval %v: %d records, want %d", tc.interval, n, tc.want)
		}
	}
}
