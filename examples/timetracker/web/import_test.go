package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// postMultipart sends a multipart form with the CSRF token, the fields
// and, when file is not nil, the file in field "file".
func (b *browser) postMultipart(path string, fields map[string]string, file []byte) *page {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", b.csrf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("file", "export.csv")
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	req, err := http.NewRequest("POST", b.e.srv.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

var hiddenCSV = regexp.MustCompile(`name="csv" value="([^"]*)"`)

// The import page: a preview of what the file creates, stored only on
// confirm, with the file sent back by the confirm form; a bad file shows
// each problem and no confirm button. The event says how much, never what.
//
// claim: A1, A2
func TestImportPage(t *testing.T) {
	e := newEnv(t, envOptions{analytics: true})
	b := e.signUp("Ada", "ada@example.com")
	b.get("/entries").mustContain(t, `href="/import"`)
	p := b.get("/import")
	if p.status != http.StatusOK {
		t.Fatalf("GET /import: %d", p.status)
	}
	p.mustContain(t, "<h1>Import entries</h1>", `type="file"`, `<label for="import-file">`, "UTC")

	csv, err := os.ReadFile("../app/testdata/toggl_detailed.csv")
	if err != nil {
		t.Fatal(err)
	}
	p = b.postMultipart("/import", map[string]string{"step": "preview", "format": "auto"}, csv)
	if p.status != http.StatusOK {
		t.Fatalf("preview: %d %s", p.status, excerpt(p.body))
	}
	p.mustContain(t, "2. Preview", `id="import-entries">3<`, "1 new client:", "<li>Acme</li>", "2 new projects:", "1 new task:", "Import 3 entries", "2 entries carry tags", "3 new tags:", "<li>design</li>", "<li>admin</li>")
	uid := e.userID("ada@example.com")
	if es, _ := e.db.FindEntries(context.Background(), uid, domain.EntryFilter{}); len(es) != 0 {
		t.Fatalf("the preview stored %d entries", len(es))
	}
	m := hiddenCSV.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no confirm form with the file")
	}
	p = b.postMultipart("/import", map[string]string{"step": "confirm", "format": "toggl", "date_order": "ymd", "csv": html.UnescapeString(m[1])}, nil)
	if p.status != http.StatusSeeOther || p.location() != "/entries" {
		t.Fatalf("confirm: %d %s", p.status, excerpt(p.body))
	}
	b.follow(p).mustContain(t, "Import done")
	es, _ := e.db.FindEntries(context.Background(), uid, domain.EntryFilter{})
	if len(es) != 3 || !es[2].Start.Equal(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("entries %+v", es)
	}
	// The same file again: nothing new, so nothing to confirm.
	p = b.postMultipart("/import", map[string]string{"step": "preview", "format": "auto"}, csv)
	p.mustContain(t, `id="import-entries">0<`, "3 rows match entries you have already", `id="import-nothing-new"`)
	if strings.Contains(p.body, `id="import-confirm"`) {
		t.Error("a file whose rows are all stored can be confirmed")
	}
	got := e.posthog.waitFor(t, app.EventEntriesImport, 1)
	props := got[0]["properties"].(map[string]any)
	if props["format"] != "toggl" || props["source"] != "web" || props["has_tags"] != true {
		t.Errorf("event properties %v", props)
	}
	for k := range props {
		if _, ok := app.Schema[app.EventEntriesImport][k]; !ok && !strings.HasPrefix(k, "$") && k != "session" {
			t.Errorf("undeclared property %q", k)
		}
	}
	if all := fmt.Sprint(e.posthog.all()); strings.Contains(all, "Acme") || strings.Contains(all, "Homepage") {
		t.Error("PostHog received a name or note from the file")
	}

	bad := "Project,Start date,Start time,End date,End time\nSite,2026-03-02,09:00,2026-03-02,\n,2026-03-02,10:00,2026-03-02,11:00\n"
	p = b.postMultipart("/import", map[string]string{"step": "preview"}, []byte(bad))
	if p.status != http.StatusOK {
		t.Fatalf("bad preview: %d", p.status)
	}
	p.mustContain(t, "The file has 2 problems", `<td class="num">2</td><td>End time</td>`, `<td class="num">3</td><td>Project</td>`)
	if strings.Contains(p.body, `id="import-confirm"`) {
		t.Error("a file with problems can be confirmed")
	}
	// A confirm of a file with problems stores nothing either.
	if p := b.postMultipart("/import", map[string]string{"step": "confirm", "csv": bad}, nil); p.status != http.StatusUnprocessableEntity {
		t.Errorf("confirming a bad file: %d", p.status)
	}
	if p := b.postMultipart("/import", map[string]string{"step": "preview"}, nil); p.status != http.StatusBadRequest || !strings.Contains(p.body, "Choose the CSV file") {
		t.Errorf("no file: %d", p.status)
	}
	if p := b.postMultipart("/import", map[string]string{"step": "preview"}, []byte("a,b\n1,2\n")); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="import-file-error"`) {
		t.Errorf("unknown header: %d %s", p.status, excerpt(p.body))
	}
	if es, _ := e.db.FindEntries(context.Background(), uid, domain.EntryFilter{}); len(es) != 3 {
		t.Errorf("bad files changed the entries: %d", len(es))
	}
}

// A UTF-16 file (Excel's "Unicode text") is previewed and then stored
// with its names intact: the confirm form carries its text as UTF-8, which
// a page can hold, not the UTF-16 bytes (NUL bytes a page turns into
// replacement characters).
func TestImportPageUTF16(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	text := "\ufeffProject\tClient\tDescription\tStart date\tStart time\tDuration\r\nCafé\tÄrger GmbH\tTräume\t2026-03-02\t09:00:00\t01:30:00\r\n"
	var file []byte
	for _, u := range utf16.Encode([]rune(text)) {
		file = append(file, byte(u), byte(u>>8))
	}
	p := b.postMultipart("/import", map[string]string{"step": "preview"}, file)
	if p.status != http.StatusOK {
		t.Fatalf("preview: %d %s", p.status, excerpt(p.body))
	}
	p.mustContain(t, `id="import-entries">1<`, "<li>Ärger GmbH</li>")
	m := hiddenCSV.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no confirm form with the file")
	}
	p = b.postMultipart("/import", map[string]string{"step": "confirm", "csv": html.UnescapeString(m[1])}, nil)
	if p.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", p.status, excerpt(p.body))
	}
	uid := e.userID("ada@example.com")
	es, _ := e.db.FindEntries(context.Background(), uid, domain.EntryFilter{})
	ps, _ := e.db.FindProjects(context.Background(), uid, true)
	if len(es) != 1 || es[0].Notes != "Träume" || len(ps) != 1 || ps[0].Name != "Café" {
		t.Fatalf("stored %+v, projects %+v", es, ps)
	}
	// Cut in the middle of a character: said beside the file input.
	if p := b.postMultipart("/import", map[string]string{"step": "preview"}, file[:len(file)-1]); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "UTF-16") {
		t.Errorf("a cut UTF-16 file: %d %s", p.status, excerpt(p.body))
	}
}

// The reports page links to the Excel downloads of its range and grouping.
func TestReportsExcelLinks(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	p := b.get("/reports?from=2026-03-01&to=2026-03-07&group_by=client")
	p.mustContain(t, `href="/reports/entries.xlsx?from=2026-03-01&amp;to=2026-03-07"`, `href="/reports/summary.xlsx?from=2026-03-01&amp;group_by=client&amp;to=2026-03-07"`)
	// The report's filters go with the links.
	p = b.get("/reports?from=2026-03-01&to=2026-03-07&group_by=day&billable=true")
	p.mustContain(t, `href="/reports/entries.xlsx?billable=true&amp;from=2026-03-01&amp;to=2026-03-07"`,
		`href="/reports/summary.xlsx?billable=true&amp;from=2026-03-01&amp;group_by=day&amp;to=2026-03-07"`)
	for _, path := range []string{"/reports/entries.xlsx?from=2026-03-01&to=2026-03-07", "/reports/summary.xlsx?from=2026-03-01&to=2026-03-07&group_by=day"} {
		p := b.get(path)
		if p.status != http.StatusOK || p.header.Get("Content-Type") != app.XLSXContentType || !strings.HasPrefix(p.body, "PK") {
			t.Errorf("%s: %d %q", path, p.status, p.header.Get("Content-Type"))
		}
	}
	if p := b.get("/reports/summary.xlsx?group_by=year"); p.status != http.StatusBadRequest {
		t.Errorf("bad group_by: %d", p.status)
	}
}
