package main

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

// TestOtherUsersObjects proves that user B can neither read, change nor
// delete anything of user A's through any route, nor point their own
// objects at A's: every such request answers as if A's object did not
// exist, and A's objects are unchanged afterwards.
func TestOtherUsersObjects(t *testing.T) {
	app := newTestApp(t, nil)
	a, _ := app.register("a@example.org", "password-of-a", "A")
	b, _ := app.register("b@example.org", "password-of-b", "B")

	var cl, pr, tk, en, tok idOnly
	a.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]string{"name": "A's client"}, &cl)
	a.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "A's project", "client_id": cl.ID}, &pr)
	a.must(http.StatusCreated, "POST", "/api/v1/tasks", map[string]any{"name": "A's task", "project_id": pr.ID}, &tk)
	end := time.Now().UTC().Add(-time.Hour)
	a.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": end.Add(-time.Hour), "end": end, "notes": "A's notes"}, &en)
	a.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "A's second token"}, &tok)
	a.must(http.StatusCreated, "POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID}, nil)

	// B's own project, to try moving B's things onto A's.
	var bpr, ben idOnly
	b.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "B's project"}, &bpr)
	b.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": bpr.ID, "start": end.Add(-time.Hour), "end": end}, &ben)

	type probe struct {
		method, path string
		body         any
		status       int
		field        string // for 400: the field named
	}
	ids := map[string]int64{"clients": cl.ID, "projects": pr.ID, "tasks": tk.ID, "entries": en.ID}
	var probes []probe
	for kind, id := range ids {
		p := fmt.Sprintf("/api/v1/%s/%d", kind, id)
		probes = append(probes,
			probe{"GET", p, nil, 404, ""},
			probe{"PATCH", p, map[string]any{}, 404, ""},
			probe{"DELETE", p, nil, 404, ""},
		)
	}
	probes = append(probes,
		probe{"DELETE", fmt.Sprintf("/api/v1/tokens/%d", tok.ID), nil, 404, ""},
		probe{"POST", "/api/v1/projects", map[string]any{"name": "x", "client_id": cl.ID}, 400, "client_id"},
		probe{"PATCH", fmt.Sprintf("/api/v1/projects/%d", bpr.ID), map[string]any{"client_id": cl.ID}, 400, "client_id"},
		probe{"POST", "/api/v1/tasks", map[string]any{"name": "x", "project_id": pr.ID}, 400, "project_id"},
		probe{"POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": end.Add(-time.Hour), "end": end}, 400, "project_id"},
		probe{"POST", "/api/v1/entries", map[string]any{"project_id": bpr.ID, "task_id": tk.ID, "start": end.Add(-time.Hour), "end": end}, 400, "task_id"},
		probe{"PATCH", fmt.Sprintf("/api/v1/entries/%d", ben.ID), map[string]any{"project_id": pr.ID}, 400, "project_id"},
		probe{"POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID}, 400, "project_id"},
		probe{"POST", "/api/v1/timer/stop", nil, 404, ""}, // A's timer runs; B has none
	)
	for _, p := range probes {
		t.Run(p.method+" "+p.path, func(t *testing.T) {
			r := b.do(p.method, p.path, p.body)
			if r.status != p.status {
				t.Fatalf("status %d, want %d; body %s", r.status, p.status, r.body)
			}
			if p.field != "" {
				if e := r.apiError(t); e.Error.Field != p.field {
					t.Fatalf("field %q, want %q", e.Error.Field, p.field)
				}
			}
		})
	}

	// B's lists hold none of A's objects, whatever the filter.
	lists := []struct {
		path string
		aID  int64 // A's object of that kind
	}{
		{"/api/v1/clients", cl.ID},
		{"/api/v1/projects?archived=true", pr.ID},
		{"/api/v1/tasks", tk.ID},
		{fmt.Sprintf("/api/v1/tasks?project_id=%d", pr.ID), tk.ID},
		{"/api/v1/entries", en.ID},
		{fmt.Sprintf("/api/v1/entries?project_id=%d", pr.ID), en.ID},
		{fmt.Sprintf("/api/v1/entries?client_id=%d", cl.ID), en.ID},
		{"/api/v1/tokens", tok.ID},
	}
	for _, l := range lists {
		var got []idOnly
		b.must(http.StatusOK, "GET", l.path, nil, &got)
		if slices.Contains(got, idOnly{l.aID}) {
			t.Errorf("%s lists A's object %d", l.path, l.aID)
		}
	}
	var timer struct {
		Running bool `json:"running"`
	}
	b.must(http.StatusOK, "GET", "/api/v1/timer", nil, &timer)
	if timer.Running {
		t.Error("B sees A's running timer")
	}
	var rep struct {
		Seconds int64 `json:"seconds"`
	}
	b.must(http.StatusOK, "GET", "/api/v1/reports/summary", nil, &rep)
	if rep.Seconds != 3600 {
		t.Errorf("B's report counts %d s, want B's own 3600", rep.Seconds)
	}

	// A's objects are all still there, unchanged.
	for kind, id := range ids {
		a.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/%s/%d", kind, id), nil, nil)
	}
	var toks []idOnly
	a.must(http.StatusOK, "GET", "/api/v1/tokens", nil, &toks)
	if len(toks) != 2 {
		t.Errorf("A has %d tokens, want 2", len(toks))
	}
	a.must(http.StatusOK, "POST", "/api/v1/timer/stop", nil, nil)
}
