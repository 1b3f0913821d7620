package main

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

// POST /entries/{id}/continue starts the timer with the entry's project,
// task, notes, tags and billable flag; a second one is a 409; another user's
// entry is a 404.
func TestContinueEntry(t *testing.T) {
	app := newTestApp(t, nil)
	c, _ := app.register("a@example.org", "password-of-a", "A")
	other, _ := app.register("b@example.org", "password-of-b", "B")
	var pr, tk idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P", "billable": true}, &pr)
	c.must(http.StatusCreated, "POST", "/api/v1/tasks", map[string]any{"name": "T", "project_id": pr.ID}, &tk)
	end := time.Now().UTC().Add(-time.Hour)
	var en idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "task_id": tk.ID, "start": end.Add(-time.Hour), "end": end, "notes": "write docs", "billable": false, "tags": []string{"docs", "Review"}}, &en)
	path := fmt.Sprintf("/api/v1/entries/%d/continue", en.ID)
	if r := other.do("POST", path, nil); r.status != http.StatusNotFound {
		t.Errorf("another user's entry: %d", r.status)
	}
	var res struct {
		Running bool `json:"running"`
		Entry   struct {
			ID        int64      `json:"id"`
			ProjectID int64      `json:"project_id"`
			TaskID    *int64     `json:"task_id"`
			Notes     string     `json:"notes"`
			Billable  bool       `json:"billable"`
			End       *time.Time `json:"end"`
			Tags      []string   `json:"tags"`
		} `json:"entry"`
	}
	c.must(http.StatusCreated, "POST", path, nil, &res)
	e := res.Entry
	if !res.Running || e.ID == en.ID || e.ProjectID != pr.ID || e.TaskID == nil || *e.TaskID != tk.ID || e.Notes != "write docs" || e.Billable || e.End != nil ||
		!slices.Equal(e.Tags, []string{"docs", "Review"}) {
		t.Errorf("continued timer %+v", res)
	}
	if r := c.do("POST", path, nil); r.status != http.StatusConflict {
		t.Errorf("continue with a timer running: %d", r.status)
	}
}
