package main

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type idOnly struct {
	ID int64 `json:"id"`
}

type entryJSON struct {
	ID        int64      `json:"id"`
	ProjectID int64      `json:"project_id"`
	TaskID    *int64     `json:"task_id"`
	Start     time.Time  `json:"start"`
	End       *time.Time `json:"end"`
	Notes     string     `json:"notes"`
	Billable  bool       `json:"billable"`
}

// TestWholeDay runs one user's day through the API and checks every step:
// sign-up, a token, a client, a project, a task, a timer started and
// stopped, a manual entry, a report, the CSV, the export and the deletion
// of the account.
// claim: R1
// claim: R2
// claim: R3
func TestWholeDay(t *testing.T) {
	app := newTestApp(t, nil)
	anon := app.client()

	// Sign up: the first account becomes the admin.
	var u user
	anon.must(http.StatusCreated, "POST", "/api/v1/users",
		map[string]string{"email": " Ada@Example.org ", "password": "correct horse battery", "name": "Ada"}, &u)
	if u.ID == 0 || u.Email != "ada@example.org" || u.Role != "admin" {
		t.Fatalf("registered user = %+v, want a normalised email and role admin", u)
	}

	// Sign in with the cookie, then make a token (a cookie request that
	// changes state carries the CSRF token).
	web := app.client()
	web.signIn("ada@example.org", "correct horse battery")
	var tok struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Token string `json:"token"`
	}
	web.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "laptop"}, &tok)
	if !strings.HasPrefix(tok.Token, "ttk_") || tok.Name != "laptop" {
		t.Fatalf("token = %+v", tok)
	}
	var toks []map[string]any
	web.must(http.StatusOK, "GET", "/api/v1/tokens", nil, &toks)
	if len(toks) != 1 || toks[0]["token"] != nil || toks[0]["hash"] != nil {
		t.Fatalf("token list = %v, want one token without its secret", toks)
	}

	c := app.client()
	c.token = tok.Token
	var me user
	c.must(http.StatusOK, "GET", "/api/v1/me", nil, &me)
	if me.ID != u.ID {
		t.Fatalf("GET /me with the token = %+v, want user %d", me, u.ID)
	}

	// Rectification (R3): the user edits their own profile.
	c.must(http.StatusOK, "PATCH", "/api/v1/me", map[string]string{"name": "Ada L."}, &me)
	if me.Name != "Ada L." {
		t.Fatalf("after PATCH /me name = %q", me.Name)
	}

	// Client, project, task.
	var cl struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	c.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]string{"name": "Analytical Engines Ltd"}, &cl)
	var pr struct {
		ID       int64  `json:"id"`
		ClientID *int64 `json:"client_id"`
		Billable bool   `json:"billable"`
	}
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "Notes on the Engine", "client_id": cl.ID, "billable": true}, &pr)
	if pr.ClientID == nil || *pr.ClientID != cl.ID || !pr.Billable {
		t.Fatalf("project = %+v", pr)
	}
	var task struct {
		ID        int64 `json:"id"`
		ProjectID int64 `json:"project_id"`
	}
	c.must(http.StatusCreated, "POST", "/api/v1/tasks", map[string]any{"name": "Note G", "project_id": pr.ID}, &task)
	if task.ProjectID != pr.ID {
		t.Fatalf("task = %+v", task)
	}

	// The timer: start, see it running, refuse a second, stop.
	var timer struct {
		Running bool       `json:"running"`
		Entry   *entryJSON `json:"entry"`
	}
	c.must(http.StatusCreated, "POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID, "task_id": task.ID, "notes": "Bernoulli numbers"}, &timer)
	if !timer.Running || timer.Entry == nil || timer.Entry.End != nil || !timer.Entry.Billable {
		t.Fatalf("started timer = %+v", timer)
	}
	c.must(http.StatusOK, "GET", "/api/v1/timer", nil, &timer)
	if !timer.Running {
		t.Fatal("GET /timer: not running after start")
	}
	c.must(http.StatusConflict, "POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID}, nil)
	c.must(http.StatusOK, "POST", "/api/v1/timer/stop", nil, &timer)
	if timer.Running || timer.Entry == nil || timer.Entry.End == nil {
		t.Fatalf("stopped timer = %+v", timer)
	}
	timed := timer.Entry.ID
	c.must(http.StatusOK, "GET", "/api/v1/timer", nil, &timer)
	if timer.Running || timer.Entry != nil {
		t.Fatalf("GET /timer after stop = %+v", timer)
	}

	// A manual entry of two hours, not billable, ending an hour ago.
	end := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	start := end.Add(-2 * time.Hour)
	var manual entryJSON
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{
		"project_id": pr.ID, "start": start, "end": end, "notes": "=cmd|' /C calc'!A0", "billable": false,
	}, &manual)
	if !manual.Start.Equal(start) || manual.End == nil || !manual.End.Equal(end) || manual.Billable {
		t.Fatalf("manual entry = %+v", manual)
	}
	var entries []entryJSON
	c.must(http.StatusOK, "GET", "/api/v1/entries?project_id="+fmt.Sprint(pr.ID), nil, &entries)
	if len(entries) != 2 {
		t.Fatalf("entries = %+v, want the timed and the manual one", entries)
	}
	// Rectification of an entry.
	var edited entryJSON
	c.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/entries/%d", timed), map[string]any{"notes": "Bernoulli numbers, table"}, &edited)
	if edited.Notes != "Bernoulli numbers, table" {
		t.Fatalf("edited entry = %+v", edited)
	}

	// The report: by project, the manual two hours plus the few
	// milliseconds of the timer; only the timer was billable.
	var rep struct {
		GroupBy string `json:"group_by"`
		Rows    []struct {
			Key             string `json:"key"`
			Label           string `json:"label"`
			Seconds         int64  `json:"seconds"`
			BillableSeconds int64  `json:"billable_seconds"`
		} `json:"rows"`
		Seconds         int64 `json:"seconds"`
		BillableSeconds int64 `json:"billable_seconds"`
	}
	c.must(http.StatusOK, "GET", "/api/v1/reports/summary?group_by=project", nil, &rep)
	if len(rep.Rows) != 1 || rep.Rows[0].Label != "Notes on the Engine" || rep.Seconds < 7200 || rep.Seconds > 7260 || rep.BillableSeconds > 60 {
		t.Fatalf("report = %+v", rep)
	}
	c.must(http.StatusOK, "GET", "/api/v1/reports/summary?group_by=client", nil, &rep)
	if len(rep.Rows) != 1 || rep.Rows[0].Label != "Analytical Engines Ltd" {
		t.Fatalf("report by client = %+v", rep)
	}

	// The CSV: a header and both entries, the formula defused.
	res := c.must(http.StatusOK, "GET", "/api/v1/reports/entries.csv", nil, nil)
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("CSV Content-Type = %q", ct)
	}
	recs, err := csv.NewReader(strings.NewReader(string(res.body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][0] != "date" {
		t.Fatalf("CSV = %q", recs)
	}
	found := false
	for _, r := range recs[1:] {
		if r[7] == "'=cmd|' /C calc'!A0" && r[3] == "7200" && r[4] == "Analytical Engines Ltd" && r[8] == "false" {
			found = true
		}
	}
	if !found {
		t.Fatalf("CSV rows %q lack the manual entry with its formula defused", recs[1:])
	}

	// Export (R1): everything, as one JSON document.
	var ex struct {
		User     user             `json:"user"`
		Tokens   []map[string]any `json:"tokens"`
		Clients  []map[string]any `json:"clients"`
		Projects []map[string]any `json:"projects"`
		Tasks    []map[string]any `json:"tasks"`
		Entries  []entryJSON      `json:"entries"`
		Consent  struct {
			AnalyticsOptOut *bool `json:"analytics_opt_out"`
		} `json:"consent"`
	}
	res = c.must(http.StatusOK, "GET", "/api/v1/me/export", nil, &ex)
	if ex.User.ID != u.ID || len(ex.Tokens) != 1 || len(ex.Clients) != 1 || len(ex.Projects) != 1 || len(ex.Tasks) != 1 || len(ex.Entries) != 2 || ex.Consent.AnalyticsOptOut == nil {
		t.Fatalf("export = %s", res.body)
	}
	if strings.Contains(string(res.body), "argon2id") {
		t.Fatal("the export carries the password hash")
	}

	// Privacy choice.
	var priv struct {
		AnalyticsOptOut bool `json:"analytics_opt_out"`
	}
	c.must(http.StatusOK, "PUT", "/api/v1/me/privacy", map[string]bool{"analytics_opt_out": true}, &priv)
	c.must(http.StatusOK, "GET", "/api/v1/me/privacy", nil, &priv)
	if !priv.AnalyticsOptOut {
		t.Fatal("opt-out did not stick")
	}

	// Deletion (R2): the account, its rows and its log lines are gone.
	c.must(http.StatusNoContent, "DELETE", "/api/v1/me", map[string]string{"password": "correct horse battery"}, nil)
	c.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
	web.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil) // the session went with the account
	r := anon.do("POST", "/api/v1/sessions", map[string]string{"email": "ada@example.org", "password": "correct horse battery"})
	if r.status != http.StatusUnauthorized {
		t.Fatalf("sign-in after deletion: %d %s", r.status, r.body)
	}
	if n, err := app.d.db.CountUsers(t.Context()); err != nil || n != 0 {
		t.Fatalf("users after deletion: %d, %v", n, err)
	}
	logs, err := os.ReadFile(filepath.Join(app.logDir, "app.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(logs), fmt.Sprintf(`"user_id":%d`, u.ID)) {
		t.Fatalf("the log still has lines of user %d after deletion", u.ID)
	}
	if !strings.Contains(string(logs), `"route":"DELETE /api/v1/me"`) {
		t.Fatal("the deletion request itself was not logged")
	}
}

// Rectification changes what is stored, field by field: a new name, email
// and password are kept (GET /me shows them, the new email and password
// sign in, the old email no longer does), and so is an edited entry.
//
// claim: R3
func TestRectificationIsKept(t *testing.T) {
	app := newTestApp(t, nil)
	c, _ := app.register("old.address@example.org", "first-password-1", "Old Name")
	var me user
	c.must(http.StatusOK, "PATCH", "/api/v1/me", map[string]string{
		"name": "New Name", "email": "new.address@example.org",
		"password": "second-password-2", "current_password": "first-password-1",
	}, &me)
	c.must(http.StatusOK, "GET", "/api/v1/me", nil, &me)
	if me.Name != "New Name" || me.Email != "new.address@example.org" {
		t.Errorf("after PATCH /me: %+v, want the new name and email", me)
	}
	app.client().signIn("new.address@example.org", "second-password-2")
	old := app.client()
	old.must(http.StatusUnauthorized, "POST", "/api/v1/sessions", map[string]string{"email": "old.address@example.org", "password": "second-password-2"}, nil)

	var pr, en idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P"}, &pr)
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{
		"project_id": pr.ID, "start": "2026-03-02T09:00:00Z", "end": "2026-03-02T10:00:00Z", "notes": "first draft",
	}, &en)
	c.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/entries/%d", en.ID), map[string]any{
		"notes": "corrected", "end": "2026-03-02T11:30:00Z",
	}, nil)
	var got struct {
		Notes string `json:"notes"`
		End   string `json:"end"`
	}
	c.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/entries/%d", en.ID), nil, &got)
	if got.Notes != "corrected" || !strings.HasPrefix(got.End, "2026-03-02T11:30:00") {
		t.Errorf("entry after PATCH: %+v, want the corrected notes and end", got)
	}
}
