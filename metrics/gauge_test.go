package metrics

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// claim: M1
func TestObserveGauge(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logs}, nil))
	m := newMetrics(t, WithoutRuntimeMetrics(), WithLogger(logger))

	var (
		value int64
		fail  error
	)
	err := m.ObserveGauge("timetracker.timers.running", "Timers running now.", func(ctx context.Context) (int64, error) {
		return value, fail
	})
	if err != nil {
		t.Fatal(err)
	}
	logLines := func() int {
		mu.Lock()
		defer mu.Unlock()
		return strings.Count(logs.String(), "\n")
	}

	steps := []struct {
		name      string
		value     int64
		fail      error
		wantValue string // "" when the gauge must be absent
		wantLogs  int    // total log lines so far
	}{
		{"works", 3, nil, "timetracker_timers_running 3", 0},
		{"starts failing", 0, errors.New("database is locked"), "", 1},
		{"still failing", 0, errors.New("database is locked"), "", 1},
		{"fails again", 0, errors.New("database is locked"), "", 1},
		{"recovers", 5, nil, "timetracker_timers_running 5", 2},
		{"fails anew", 0, errors.New("connection refused"), "", 3},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			value, fail = s.value, s.fail
			text := scrapeText(t, m) // fails the test unless the scrape is 200
			if s.wantValue != "" && !strings.Contains(text, s.wantValue+"\n") {
				t.Errorf("want %q in:\n%s", s.wantValue, text)
			}
			if s.wantValue == "" && strings.Contains(text, "timetracker_timers_running ") {
				t.Errorf("gauge present while failing:\n%s", text)
			}
			if !strings.Contains(text, "# TYPE timetracker_timers_running gauge") && s.wantValue != "" {
				t.Error("gauge has no TYPE line")
			}
			if got := logLines(); got != s.wantLogs {
				t.Errorf("%d log lines, want %d:\n%s", got, s.wantLogs, logs.String())
			}
		})
	}
	if !strings.Contains(logs.String(), "database is locked") || !strings.Contains(logs.String(), `"gauge":"timetracker.timers.running"`) {
		t.Errorf("log lacks the error or the gauge name:\n%s", logs.String())
	}
}

func TestObserveGaugeErrors(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	ok := func(context.Context) (int64, error) { return 1, nil }
	tests := []struct {
		name string
		gn   string
		fn   func(context.Context) (int64, error)
	}{
		{"nil callback", "a.b", nil},
		{"invalid name", "1 not valid!", ok},
		{"empty name", "", ok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := m.ObserveGauge(tt.gn, "", tt.fn); err == nil {
				t.Error("no error")
			}
		})
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// A counter kept elsewhere (logging.File.Dropped) is exported with its
// running total as a Prometheus counter.
//
// claim: M1
func TestObserveCounter(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	var n int64 = 7
	if err := m.ObserveCounter("log.dropped_lines", "Log lines that could not be written.", func(context.Context) (int64, error) { return n, nil }); err != nil {
		t.Fatal(err)
	}
	text := scrapeText(t, m)
	if !strings.Contains(text, "# TYPE log_dropped_lines_total counter") || !strings.Contains(text, "log_dropped_lines_total 7\n") {
		t.Errorf("counter missing:\n%s", text)
	}
	n = 9
	if text := scrapeText(t, m); !strings.Contains(text, "log_dropped_lines_total 9\n") {
		t.Errorf("counter not updated:\n%s", text)
	}
	if err := m.ObserveCounter("x", "", nil); err == nil {
		t.Error("nil callback accepted")
	}
}
