package main

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

type tagJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Entries int64  `json:"entries"`
}

// taggedEntry is an entry as POST and PATCH /entries answer it.
type taggedEntry struct {
	ID   int64    `json:"id"`
	Tags []string `json:"tags"`
}

// taggedTimer is the timer's answer.
type taggedTimer struct {
	Entry taggedEntry `json:"entry"`
}

// Tags on entries through the API: given on create, timer start and
// PATCH (which replaces the set when present), returned sorted on every
// entry, listed, renamed and deleted; bad tags are 400 naming "tags".
func TestTagsAPI(t *testing.T) {
	app := newTestApp(t, nil)
	c, _ := app.register("a@example.org", "password-of-a", "A")
	var pr idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P"}, &pr)
	end := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Second)

	var created taggedEntry
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{
		"project_id": pr.ID, "start": end.Add(-time.Hour), "end": end, "tags": []string{" urgent ", "Call", "URGENT"}}, &created)
	if !slices.Equal(created.Tags, []string{"Call", "urgent"}) {
		t.Fatalf("created tags %q", created.Tags)
	}
	path := fmt.Sprintf("/api/v1/entries/%d", created.ID)
	var got struct {
		Tags []string `json:"tags"`
	}
	c.must(http.StatusOK, "GET", path, nil, &got)
	if !slices.Equal(got.Tags, []string{"Call", "urgent"}) {
		t.Fatalf("GET tags %q", got.Tags)
	}
	// Without tags, PATCH keeps them; with, replaces; null or [] clears.
	var patched taggedEntry
	c.must(http.StatusOK, "PATCH", path, map[string]any{"notes": "n"}, &patched)
	if !slices.Equal(patched.Tags, []string{"Call", "urgent"}) {
		t.Fatalf("PATCH without tags changed them: %q", patched.Tags)
	}
	c.must(http.StatusOK, "PATCH", path, map[string]any{"tags": []string{"review"}}, &patched)
	if !slices.Equal(patched.Tags, []string{"review"}) {
		t.Fatalf("PATCH tags %q", patched.Tags)
	}
	c.must(http.StatusOK, "PATCH", path, `{"tags":null}`, &patched)
	if patched.Tags == nil || len(patched.Tags) != 0 {
		t.Fatalf("PATCH tags null gave %#v, want []", patched.Tags)
	}
	c.must(http.StatusOK, "PATCH", path, map[string]any{"tags": []string{"review", "call"}}, &patched)

	// Bad tags: 400 on tags, nothing changed.
	for _, bad := range []any{
		[]string{""}, []string{strings.Repeat("x", 41)}, []string{"a,b"}, "urgent", []int{1},
		[]string{"t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10", "t11", "t12", "t13", "t14", "t15", "t16", "t17", "t18", "t19", "t20", "t21"},
	} {
		for _, r := range []*response{
			c.do("POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": end.Add(-3 * time.Hour), "end": end.Add(-2 * time.Hour), "tags": bad}),
			c.do("PATCH", path, map[string]any{"tags": bad}),
			c.do("POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID, "tags": bad}),
		} {
			if e := r.apiError(t); r.status != http.StatusBadRequest || e.Error.Field != "tags" {
				t.Errorf("tags %v: %d %s, want 400 on tags", bad, r.status, r.body)
			}
		}
	}
	c.must(http.StatusOK, "GET", path, nil, &got)
	if !slices.Equal(got.Tags, []string{"Call", "review"}) {
		t.Fatalf("after refused changes tags %q (an existing tag keeps its spelling)", got.Tags)
	}

	// The timer takes tags too, and keeps them when stopped.
	var timer taggedTimer
	c.must(http.StatusCreated, "POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID, "tags": []string{"CALL", "new"}}, &timer)
	if !slices.Equal(timer.Entry.Tags, []string{"Call", "new"}) {
		t.Fatalf("timer tags %q", timer.Entry.Tags)
	}
	c.must(http.StatusOK, "GET", "/api/v1/timer", nil, &timer)
	if !slices.Equal(timer.Entry.Tags, []string{"Call", "new"}) {
		t.Fatalf("GET /timer tags %q", timer.Entry.Tags)
	}
	c.must(http.StatusOK, "POST", "/api/v1/timer/stop", nil, &timer)
	if !slices.Equal(timer.Entry.Tags, []string{"Call", "new"}) {
		t.Fatalf("stopped timer tags %q", timer.Entry.Tags)
	}

	// The vocabulary.
	var tags []tagJSON
	c.must(http.StatusOK, "GET", "/api/v1/tags", nil, &tags)
	byName := map[string]tagJSON{}
	var names []string
	for _, tg := range tags {
		byName[tg.Name] = tg
		names = append(names, tg.Name)
	}
	if !slices.Equal(names, []string{"Call", "new", "review", "urgent"}) || byName["Call"].Entries != 2 || byName["urgent"].Entries != 0 {
		t.Fatalf("tags %+v", tags)
	}
	tagPath := fmt.Sprintf("/api/v1/tags/%d", byName["review"].ID)
	var renamed tagJSON
	c.must(http.StatusOK, "PATCH", tagPath, map[string]any{"name": "Code review"}, &renamed)
	if renamed.Name != "Code review" || renamed.Entries != 1 {
		t.Fatalf("renamed %+v", renamed)
	}
	c.must(http.StatusOK, "GET", path, nil, &got)
	if !slices.Equal(got.Tags, []string{"Call", "Code review"}) {
		t.Fatalf("entry tags after rename %q", got.Tags)
	}
	if r := c.do("PATCH", tagPath, map[string]any{"name": "NEW"}); r.status != http.StatusConflict || r.apiError(t).Error.Field != "name" {
		t.Errorf("rename onto another tag: %d %s", r.status, r.body)
	}
	if r := c.do("PATCH", tagPath, map[string]any{"name": " "}); r.status != http.StatusBadRequest || r.apiError(t).Error.Field != "name" {
		t.Errorf("rename to blank: %d %s", r.status, r.body)
	}
	if r := c.do("PATCH", tagPath, map[string]any{"name": 5}); r.status != http.StatusBadRequest || r.apiError(t).Error.Field != "name" {
		t.Errorf("rename to a number: %d %s", r.status, r.body)
	}
	c.must(http.StatusNoContent, "DELETE", tagPath, nil, nil)
	c.must(http.StatusNotFound, "GET", tagPath, nil, nil)
	c.must(http.StatusOK, "GET", path, nil, &got)
	if !slices.Equal(got.Tags, []string{"Call"}) {
		t.Fatalf("entry tags after delete %q", got.Tags)
	}

	// Filtering the list by tag.
	var list []struct {
		ID   int64    `json:"id"`
		Tags []string `json:"tags"`
	}
	c.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/entries?tag_id=%d", byName["new"].ID), nil, &list)
	if len(list) != 1 || list[0].ID != timer.Entry.ID {
		t.Fatalf("entries tagged new: %+v", list)
	}
	for _, q := range []string{"tag_id=x", "tag_id=-1", "tag_id=999999", "billable=maybe", "task_id=0"} {
		r := c.do("GET", "/api/v1/entries?"+q, nil)
		param, _, _ := strings.Cut(q, "=")
		if r.status != http.StatusBadRequest || r.apiError(t).Error.Field != param {
			t.Errorf("GET /entries?%s: %d %s, want 400 on %s", q, r.status, r.body, param)
		}
	}

	// The export holds the vocabulary and each entry's tags (R1).
	var ex struct {
		Entries []struct {
			ID   int64    `json:"id"`
			Tags []string `json:"tags"`
		} `json:"entries"`
		Tags []tagJSON `json:"tags"`
	}
	c.must(http.StatusOK, "GET", "/api/v1/me/export", nil, &ex)
	if len(ex.Tags) != 3 || len(ex.Entries) != 2 {
		t.Fatalf("export tags %+v entries %+v", ex.Tags, ex.Entries)
	}
	for _, e := range ex.Entries {
		if e.ID == created.ID && !slices.Equal(e.Tags, []string{"Call"}) {
			t.Errorf("exported entry tags %q", e.Tags)
		}
	}

	// The CSV has a tags column.
	r := c.must(http.StatusOK, "GET", "/api/v1/reports/entries.csv?from="+end.AddDate(0, 0, -2).Format(time.DateOnly), nil, nil)
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][len(rows[0])-1] != "tags" {
		t.Fatalf("CSV %q", rows)
	}
	col := map[string]bool{}
	for _, row := range rows[1:] {
		col[row[len(row)-1]] = true
	}
	if !col["Call"] || !col["Call, new"] {
		t.Errorf("CSV tags column %v", col)
	}
}
