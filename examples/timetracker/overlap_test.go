package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

type entryWithWarnings struct {
	ID       int64 `json:"id"`
	Warnings []struct {
		Code    string `json:"code"`
		EntryID int64  `json:"entry_id"`
	} `json:"warnings"`
}

// An overlapping entry is accepted with a warning naming the entry it
// overlaps, on create and on edit; with OVERLAPS=refuse it is a 409 on
// start.
func TestOverlapWarningsAndRefusal(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }

	app := newTestApp(t, nil)
	c, _ := app.register("a@example.org", "password-of-a", "A")
	var pr, first entryWithWarnings
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P"}, &pr)
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": at(9), "end": at(12)}, &first)
	if first.Warnings != nil {
		t.Errorf("the first entry has warnings %+v", first.Warnings)
	}
	var over entryWithWarnings
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": at(10), "end": at(11)}, &over)
	if len(over.Warnings) != 1 || over.Warnings[0].Code != "overlap" || over.Warnings[0].EntryID != first.ID {
		t.Errorf("warnings %+v, want one overlap with entry %d", over.Warnings, first.ID)
	}
	var later, moved entryWithWarnings
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": at(13), "end": at(14)}, &later)
	if later.Warnings != nil {
		t.Errorf("an entry after the others has warnings %+v", later.Warnings)
	}
	c.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/entries/%d", later.ID), map[string]any{"start": at(10).Add(30 * time.Minute)}, &moved)
	if len(moved.Warnings) != 2 {
		t.Errorf("an edit across two entries: warnings %+v", moved.Warnings)
	}

	strict := newTestApp(t, map[string]string{"OVERLAPS": "refuse"})
	c, _ = strict.register("a@example.org", "password-of-a", "A")
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P"}, &pr)
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": at(9), "end": at(12)}, &first)
	r := c.do("POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": at(10), "end": at(11)})
	if e := r.apiError(t); r.status != http.StatusConflict || e.Error.Field != "start" {
		t.Errorf("refused overlap: %d %+v", r.status, e)
	}
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": at(12), "end": at(13)}, &later)
	r = c.do("PATCH", fmt.Sprintf("/api/v1/entries/%d", later.ID), map[string]any{"start": at(11)})
	if r.status != http.StatusConflict {
		t.Errorf("refused overlapping edit: %d", r.status)
	}
}
