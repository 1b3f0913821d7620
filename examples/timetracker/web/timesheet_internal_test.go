package web

import (
	"testing"
	"time"
)

func TestParseCellLength(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, true}, {"  ", 0, true}, {"0", 0, true}, {"0:00", 0, true},
		{"1:30", 90 * time.Minute, true}, {"01:05", 65 * time.Minute, true}, {"24:00", 24 * time.Hour, true},
		{"1.5", 90 * time.Minute, true}, {"1,5", 90 * time.Minute, true}, {" 2 ", 2 * time.Hour, true},
		{".25", 15 * time.Minute, true}, {"0.33", 20 * time.Minute, true}, // 19.8 min, rounded
		{"1:5", 0, false}, {"1:60", 0, false}, {"1:-5", 0, false}, {"-1:00", 0, false}, {"+1:00", 0, false},
		{"-1", 0, false}, {"1e2", 0, false}, {"0x10", 0, false}, {"NaN", 0, false}, {"Inf", 0, false},
		{"1h", 0, false}, {"abc", 0, false}, {"1:30:00", 0, false}, {"1.5.1", 0, false}, {"1_0", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseCellLength(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("parseCellLength(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestWeekStartOf(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 23, 30, 0, 0, time.UTC) // Thursday 00:30 in Berlin
	tests := []struct {
		in   string
		loc  *time.Location
		want string // the Monday, 2006-01-02
		ok   bool
	}{
		{"", time.UTC, "2026-11-30", true},
		{"", berlin, "2026-11-30", true},
		{"2026-W49", berlin, "2026-11-30", true},
		{"2026-w01", time.UTC, "2025-12-29", true}, // week 1 of 2026 starts in 2025
		{"2020-W53", time.UTC, "2020-12-28", true},
		{"2026-12-06", time.UTC, "2026-11-30", true}, // a Sunday
		{"2026-12-07", time.UTC, "2026-12-07", true},
		{"2026-W13", berlin, "2026-03-23", true}, // the week of the change to summer time
		{"2021-W53", time.UTC, "", false},
		{"2026-W0", time.UTC, "", false},
		{"2026-W54", time.UTC, "", false},
		{"W49", time.UTC, "", false},
		{"2026-13-01", time.UTC, "", false},
	}
	for _, tt := range tests {
		got, err := weekStartOf(tt.in, now, tt.loc)
		if (err == nil) != tt.ok {
			t.Errorf("weekStartOf(%q): error %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if !tt.ok {
			continue
		}
		if got.Location() != tt.loc || got.Hour() != 0 || got.Weekday() != time.Monday || got.Format(time.DateOnly) != tt.want {
			t.Errorf("weekStartOf(%q, %s) = %s, want midnight of Monday %s there", tt.in, tt.loc, got, tt.want)
		}
	}
	// Seven days from the Monday of a week with a 23-hour day end on the
	// next Monday's midnight.
	start, _ := weekStartOf("2026-W13", now, berlin)
	if end := start.AddDate(0, 0, 7); end.Format("2006-01-02 15:04") != "2026-03-30 00:00" || end.Sub(start) != 167*time.Hour {
		t.Errorf("week end %s after %s", end, end.Sub(start))
	}
}
