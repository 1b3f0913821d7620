package main

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// TestEntryLengthLimit: entries longer than MAX_ENTRY_HOURS are refused
// with 400 naming the field, by the API and the store behind the pages; a
// running timer that outlived the limit is stopped at it with a notice,
// not lost.
func TestEntryLengthLimit(t *testing.T) {
	app := newTestApp(t, map[string]string{"MAX_ENTRY_HOURS": "10"})
	c, u := app.register("long@example.org", "long-password", "L")
	var pr idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P"}, &pr)
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	entry := func(h time.Duration) map[string]any {
		return map[string]any{"project_id": pr.ID, "start": start, "end": start.Add(h)}
	}
	for _, tt := range []struct {
		name string
		body map[string]any
	}{
		{"just over", entry(10*time.Hour + time.Second)},
		{"centuries", map[string]any{"project_id": pr.ID, "start": "1677-09-22T00:00:00Z", "end": "9999-12-31T00:00:00Z"}},
	} {
		r := c.do("POST", "/api/v1/entries", tt.body)
		if r.status != http.StatusBadRequest || r.apiError(t).Error.Field != "end" {
			t.Fatalf("%s: %d %s, want 400 on end", tt.name, r.status, r.body)
		}
	}
	var ok idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/entries", entry(10*time.Hour), &ok)
	if r := c.do("PATCH", "/api/v1/entries/"+itoa(ok.ID), map[string]any{"end": start.Add(11 * time.Hour)}); r.status != http.StatusBadRequest || r.apiError(t).Error.Field != "end" {
		t.Fatalf("stretching an entry: %d %s", r.status, r.body)
	}

	// A timer left running for two days (started before this process
	// knew better) is stopped at ten hours when next looked at.
	ctx := context.Background()
	began := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)
	must(t, app.d.db.StartTimer(ctx, &domain.Entry{UserID: u.ID, ProjectID: pr.ID, Start: began}))
	var timer struct {
		Running bool `json:"running"`
		Entry   struct {
			Start time.Time `json:"start"`
			End   time.Time `json:"end"`
		} `json:"entry"`
		Notice string `json:"notice"`
	}
	c.must(http.StatusOK, "GET", "/api/v1/timer", nil, &timer)
	if timer.Running || timer.Notice == "" || !timer.Entry.End.Equal(began.Add(10*time.Hour)) {
		t.Fatalf("overlong timer: %+v, want stopped at start+10h with a notice", timer)
	}
	es, err := app.d.db.FindEntries(ctx, u.ID, domain.EntryFilter{})
	must(t, err)
	if len(es) != 2 {
		t.Fatalf("%d entries, want the kept one and the stopped timer", len(es))
	}

	// Stopping one explicitly says so too.
	must(t, app.d.db.StartTimer(ctx, &domain.Entry{UserID: u.ID, ProjectID: pr.ID, Start: began}))
	c.must(http.StatusOK, "POST", "/api/v1/timer/stop", nil, &timer)
	if timer.Notice == "" || !timer.Entry.End.Equal(began.Add(10*time.Hour)) {
		t.Fatalf("stopping an overlong timer: %+v", timer)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
