package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

type importResult struct {
	Format      string   `json:"format"`
	DryRun      bool     `json:"dry_run"`
	Imported    bool     `json:"imported"`
	Entries     int      `json:"entries"`
	Seconds     int64    `json:"seconds"`
	Hours       float64  `json:"hours"`
	NewClients  []string `json:"new_clients"`
	NewProjects []struct {
		Name, Client string
	} `json:"new_projects"`
	NewTasks []struct {
		Name, Project string
	} `json:"new_tasks"`
	NewTags      []string `json:"new_tags"`
	Overlaps     int      `json:"overlaps"`
	Duplicates   int      `json:"duplicates"`
	RowsWithTags int      `json:"rows_with_tags"`
	Errors       []struct {
		Line    int    `json:"line"`
		Column  string `json:"column"`
		Message string `json:"message"`
	} `json:"errors"`
	ErrorCount int `json:"error_count"`
	Error      *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("app/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (c *client) importCSV(t *testing.T, query, csv string, want int) importResult {
	t.Helper()
	r := c.doType("POST", "/api/v1/import"+query, csv, "text/csv")
	if r.status != want {
		t.Fatalf("POST /import%s: status %d, want %d: %s", query, r.status, want, r.body)
	}
	if strings.Contains(string(r.body), `"errors":null`) {
		t.Errorf("POST /import%s answers errors as null, not a list: %s", query, r.body)
	}
	var res importResult
	r.decode(t, &res)
	return res
}

// Toggl's export: previewed, imported with its clients, projects and
// tasks, read in the server's zone, exported again as this app's CSV and
// previewed once more with nothing new to create. What was imported is
// in the data export and goes with the account; the logs carry nothing
// from the file.
//
// claim: R1, R2
func TestImportTogglThroughTheAPI(t *testing.T) {
	onBothEngines(t, testImportToggl)
}

// onBothEngines runs fn on the app with SQLite, and with PostgreSQL when
// TEST_POSTGRES_URL is set.
func onBothEngines(t *testing.T, fn func(t *testing.T, env map[string]string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, nil) })
	t.Run("postgres", func(t *testing.T) { fn(t, map[string]string{"DATABASE_URL": postgresURL(t)}) })
}

func testImportToggl(t *testing.T, env map[string]string) {
	app := newTestApp(t, env)
	c, _ := app.register("imp@example.org", "password-of-imp", "Imp")
	csv := fixture(t, "toggl_detailed.csv")

	pre := c.importCSV(t, "?dry_run=true", csv, http.StatusOK)
	if pre.Format != "toggl" || !pre.DryRun || pre.Imported || pre.Entries != 3 || pre.Seconds != 2*3600+45*60 || pre.Hours != 2.75 || pre.ErrorCount != 0 {
		t.Fatalf("preview %+v", pre)
	}
	if strings.Join(pre.NewClients, ",") != "Acme" || len(pre.NewProjects) != 2 || len(pre.NewTasks) != 1 || pre.RowsWithTags != 2 ||
		strings.Join(pre.NewTags, ",") != "client,design,admin" {
		t.Fatalf("preview names %+v", pre)
	}
	var entries []struct {
		Start time.Time `json:"start"`
		Notes string    `json:"notes"`
		Tags  []string  `json:"tags"`
	}
	c.must(http.StatusOK, "GET", "/api/v1/entries", nil, &entries)
	if len(entries) != 0 {
		t.Fatalf("a preview stored %d entries", len(entries))
	}

	res := c.importCSV(t, "?format=auto", csv, http.StatusOK)
	if !res.Imported || res.Entries != 3 {
		t.Fatalf("import %+v", res)
	}
	c.must(http.StatusOK, "GET", "/api/v1/entries", nil, &entries)
	if len(entries) != 3 {
		t.Fatalf("%d entries", len(entries))
	}
	wantFirst := time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local)
	if !entries[2].Start.Equal(wantFirst) || entries[2].Notes != "Homepage layout" || strings.Join(entries[2].Tags, ",") != "client,design" {
		t.Errorf("oldest entry %+v, want start %v", entries[2], wantFirst)
	}
	var projects []struct{ Name string }
	c.must(http.StatusOK, "GET", "/api/v1/projects", nil, &projects)
	if len(projects) != 2 {
		t.Errorf("projects %+v: Website and website are one", projects)
	}

	// The same file again stores nothing twice, and neither does the
	// app's own CSV of what was imported.
	twice := c.importCSV(t, "", csv, http.StatusOK)
	if !twice.Imported || twice.Entries != 0 || twice.Duplicates != 3 || twice.Overlaps != 0 {
		t.Fatalf("the same file imported again %+v", twice)
	}
	own := c.must(http.StatusOK, "GET", "/api/v1/reports/entries.csv?from=2026-03-01&to=2026-03-05", nil, nil)
	again := c.importCSV(t, "?dry_run=1", string(own.body), http.StatusOK)
	if again.Format != "discreet" || again.Entries != 0 || again.Duplicates != 3 || len(again.NewClients)+len(again.NewProjects)+len(again.NewTasks) != 0 || again.Overlaps != 0 {
		t.Fatalf("re-import of the app's own CSV %+v", again)
	}
	c.must(http.StatusOK, "GET", "/api/v1/entries", nil, &entries)
	if len(entries) != 3 {
		t.Fatalf("%d entries after importing the file twice", len(entries))
	}

	// What was imported is the user's like anything else: in the export
	// (R1), and gone with the account (R2).
	exp := c.must(http.StatusOK, "GET", "/api/v1/me/export", nil, nil)
	for _, want := range []string{"Homepage layout", "Acme", `"design"`} {
		if !strings.Contains(string(exp.body), want) {
			t.Errorf("the export lacks %s", want)
		}
	}
	c.must(http.StatusNoContent, "DELETE", "/api/v1/me", map[string]string{"password": "password-of-imp"}, nil)
	var left int
	if err := app.d.db.SQL().QueryRow("SELECT (SELECT COUNT(*) FROM entries) + (SELECT COUNT(*) FROM clients) + (SELECT COUNT(*) FROM projects) + (SELECT COUNT(*) FROM tasks) + (SELECT COUNT(*) FROM tags)").Scan(&left); err != nil || left != 0 {
		t.Errorf("rows left after deleting the account: %d %v", left, err)
	}

	logs := readLogs(t, app)
	for _, secret := range []string{"Homepage layout", "Acme", "Call, with notes", "ann@example.com"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs carry %q from the imported file", secret)
		}
	}
}

// A Clockify export sent as a multipart form.
func TestImportClockifyMultipart(t *testing.T) {
	app := newTestApp(t, nil)
	c, _ := app.register("clk@example.org", "password-of-clk", "Clk")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "Clockify_Time_Report_Detailed.csv")
	_, _ = io.WriteString(fw, fixture(t, "clockify_detailed.csv"))
	_ = mw.Close()
	r := c.doType("POST", "/api/v1/import?format=clockify", body.Bytes(), mw.FormDataContentType())
	var res importResult
	r.decode(t, &res)
	if r.status != http.StatusOK || !res.Imported || res.Entries != 2 || len(res.NewClients) != 2 {
		t.Fatalf("status %d %+v", r.status, res)
	}
	var entries []struct {
		Start time.Time `json:"start"`
	}
	c.must(http.StatusOK, "GET", "/api/v1/entries", nil, &entries)
	if len(entries) != 2 || !entries[0].Start.Equal(time.Date(2026, 3, 13, 13, 15, 0, 0, time.Local)) {
		t.Errorf("entries %+v", entries)
	}
}

// A file with bad rows stores nothing and lists each problem; file-level
// problems are the API's usual errors.
func TestImportProblemsThroughTheAPI(t *testing.T) {
	app := newTestApp(t, map[string]string{"MAX_ENTRY_HOURS": "8"})
	c, _ := app.register("bad@example.org", "password-of-bad", "Bad")
	csv := "Project,Client,Billable,Start date,Start time,End date,End time,Duration\n" +
		"Good,Acme,Yes,2026-03-02,09:00:00,2026-03-02,10:00:00,01:00:00\n" +
		",Acme,Yes,2026-03-02,11:00:00,2026-03-02,12:00:00,01:00:00\n" +
		"Long,Acme,Yes,2026-03-03,08:00:00,2026-03-03,17:00:00,09:00:00\n" +
		"Bad,Acme,perhaps,2026-13-01,09:00:00,2026-03-02,10:00:00,01:00:00\n"
	res := c.importCSV(t, "", csv, http.StatusBadRequest)
	if res.Imported || res.Error == nil || res.Error.Code != "invalid" || res.ErrorCount != 4 {
		t.Fatalf("result %+v", res)
	}
	want := []string{"3 Project", "4 End time", "5 Billable", "5 Start date"}
	for i, w := range want {
		if got := fmt.Sprintf("%d %s", res.Errors[i].Line, res.Errors[i].Column); got != w || res.Errors[i].Message == "" {
			t.Errorf("error %d: %+v, want %s", i, res.Errors[i], w)
		}
	}
	var clients []struct{ Name string }
	c.must(http.StatusOK, "GET", "/api/v1/clients", nil, &clients)
	if len(clients) != 0 {
		t.Errorf("a failed import created clients %+v", clients)
	}
	// The preview of the same file answers 200 with the same problems.
	if pre := c.importCSV(t, "?dry_run=true", csv, http.StatusOK); pre.ErrorCount != 4 || pre.Error != nil {
		t.Errorf("preview %+v", pre)
	}

	for _, tc := range []struct {
		name, query, body, ct string
		status                int
	}{
		{"json", "", `{"a":1}`, "application/json", http.StatusUnsupportedMediaType},
		{"unknown header", "", "a,b\n1,2\n", "text/csv", http.StatusBadRequest},
		{"bad format", "?format=harvest", csv, "text/csv", http.StatusBadRequest},
		{"bad dry_run", "?dry_run=perhaps", csv, "text/csv", http.StatusBadRequest},
		{"header only", "", "Project,Start date,Start time,Duration\n", "text/csv", http.StatusBadRequest},
		{"too large", "", "Project,Start date,Start time,Duration,Description\n" + strings.Repeat("A,2026-03-01,09:00,1:00,"+strings.Repeat("x", 2000)+"\n", 5300), "text/csv", http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.doType("POST", "/api/v1/import"+tc.query, tc.body, tc.ct)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tc.status, r.body)
			}
			if e := r.apiError(t); e.Error.Message == "" {
				t.Errorf("no message: %s", r.body)
			}
		})
	}
	// Without a token or session: 401.
	anon := app.client()
	if r := anon.doType("POST", "/api/v1/import", csv, "text/csv"); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous import: %d", r.status)
	}
}
