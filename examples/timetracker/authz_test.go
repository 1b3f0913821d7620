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
	a.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": end.Add(-time.Hour), "end": end, "notes": "A's notes", "tags": []string{"A's tag"}}, &en)
	a.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "A's second token"}, &tok)
	a.must(http.StatusCreated, "POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID}, nil)

	// B's own project, to try moving B's things onto A's.
	var bpr, ben idOnly
	b.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "B's project"}, &bpr)
	b.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": bpr.ID, "start": end.Add(-time.Hour), "end": end}, &ben)

	var aTags []idOnly
	a.must(http.StatusOK, "GET", "/api/v1/tags", nil, &aTags)
	if len(aTags) != 1 {
		t.Fatalf("A has %d tags, want 1", len(aTags))
	}
	tg := aTags[0]

	type probe struct {
		method, path string
		body         any
		status       int
		field        string // for 400: the field named
	}
	ids := map[string]int64{"clients": cl.ID, "projects": pr.ID, "tasks": tk.ID, "entries": en.ID, "tags": tg.ID}
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
		probe{"POST", fmt.Sprintf("/api/v1/entries/%d/continue", en.ID), nil, 404, ""},
	)
	// Filtering by A's objects is refused, naming the parameter, on every
	// filtered route.
	for _, route := range []string{"/api/v1/entries", "/api/v1/reports/summary", "/api/v1/reports/entries.csv"} {
		for param, id := range map[string]int64{"project_id": pr.ID, "client_id": cl.ID, "task_id": tk.ID, "tag_id": tg.ID} {
			probes = append(probes, probe{"GET", fmt.Sprintf("%s?%s=%d", route, param, id), nil, 400, param})
		}
	}
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
		{"/api/v1/tokens", tok.ID},
		{"/api/v1/tags", tg.ID},
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

	// Naming A's tag on B's entry gives B a tag of their own: the name is
	// all B can send, and names are looked up in B's vocabulary only.
	var bEntry struct {
		Tags []string `json:"tags"`
	}
	b.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/entries/%d", ben.ID), map[string]any{"tags": []string{"a's TAG"}}, &bEntry)
	var bTags []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	b.must(http.StatusOK, "GET", "/api/v1/tags", nil, &bTags)
	if len(bTags) != 1 || bTags[0].ID == tg.ID || bTags[0].Name != "a's TAG" || !slices.Equal(bEntry.Tags, []string{"a's TAG"}) {
		t.Errorf("B's tags %+v, entry tags %q: want B's own tag, spelled as B sent it", bTags, bEntry.Tags)
	}
	var aTag struct {
		Name    string `json:"name"`
		Entries int64  `json:"entries"`
	}
	a.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/tags/%d", tg.ID), nil, &aTag)
	if aTag.Name != "A's tag" || aTag.Entries != 1 {
		t.Errorf("A's tag became %+v", aTag)
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
