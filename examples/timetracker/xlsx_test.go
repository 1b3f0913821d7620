package main

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func openXLSX(t *testing.T, r *response) *excelize.File {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("Content-Type %q: %.200s", ct, r.body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func cellType(t *testing.T, f *excelize.File, sheet, cell string) excelize.CellType {
	t.Helper()
	ct, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

// The Excel exports, read back: sheet names, a frozen header, dates as
// Excel dates in the server's zone, hours and amounts as numbers with
// their formats, and text that would run as a formula kept as text.
func TestExcelExports(t *testing.T) {
	onBothEngines(t, func(t *testing.T, env map[string]string) {
		if env == nil {
			env = map[string]string{}
		}
		env["CURRENCY"] = "USD"
		testExcelExports(t, env)
	})
}

func testExcelExports(t *testing.T, env map[string]string) {
	app := newTestApp(t, env)
	c, _ := app.register("xl@example.org", "password-of-xl", "XL")
	var cl, pr idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]any{"name": "Acme"}, &cl)
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "Site", "client_id": cl.ID, "billable": true, "hourly_rate": "80"}, &pr)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local)
	var task idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/tasks", map[string]any{"name": "Design", "project_id": pr.ID}, &task)
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "task_id": task.ID, "start": start, "end": start.Add(90 * time.Minute),
		"notes": "=HYPERLINK(\"http://evil\")", "billable": true, "tags": []string{"web", "Client"}}, nil)
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": start.Add(3 * time.Hour), "end": start.Add(4 * time.Hour), "notes": "plain", "billable": false}, nil)

	r := c.must(http.StatusOK, "GET", "/api/v1/reports/entries.xlsx?from=2026-03-01&to=2026-03-07", nil, nil)
	f := openXLSX(t, r)
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Entries" {
		t.Fatalf("sheets %v", got)
	}
	panes, err := f.GetPanes("Entries")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	rows, err := f.GetRows("Entries")
	if err != nil || len(rows) != 3 {
		t.Fatalf("rows %v %v", rows, err)
	}
	if rows[0][0] != "Date" || rows[0][3] != "Hours" || rows[0][10] != "Amount" {
		t.Errorf("header %v", rows[0])
	}
	// Oldest first: row 2 is the 09:00 entry.
	raw, _ := f.GetCellValue("Entries", "B2", excelize.Options{RawCellValue: true})
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("start is not a number: %q", raw)
	}
	got, err := excelize.ExcelDateToTime(serial, false)
	if err != nil || got.Format("2006-01-02 15:04") != start.Format("2006-01-02 15:04") {
		t.Errorf("start %v (%q), want the wall clock %v", got, raw, start)
	}
	if v, _ := f.GetCellValue("Entries", "B2"); v != start.Format("2006-01-02 15:04") {
		t.Errorf("start shown as %q", v)
	}
	if v, _ := f.GetCellValue("Entries", "A2"); v != "2026-03-02" {
		t.Errorf("date shown as %q", v)
	}
	for cell, want := range map[string]string{"D2": "1.5", "J2": "80", "K2": "120", "K3": "0"} {
		raw, _ := f.GetCellValue("Entries", cell, excelize.Options{RawCellValue: true})
		if raw != want {
			t.Errorf("%s = %q, want %s", cell, raw, want)
		}
		if ct := cellType(t, f, "Entries", cell); ct != excelize.CellTypeUnset && ct != excelize.CellTypeNumber {
			t.Errorf("%s has type %v, want a number", cell, ct)
		}
	}
	if v, _ := f.GetCellValue("Entries", "K2"); v != "120.00 USD" {
		t.Errorf("amount shown as %q", v)
	}
	if v, _ := f.GetCellValue("Entries", "L2"); v != "Client, web" {
		t.Errorf("tags %q", v)
	}
	if ct := cellType(t, f, "Entries", "I2"); ct != excelize.CellTypeBool {
		t.Errorf("billable type %v", ct)
	}
	notes, _ := f.GetCellValue("Entries", "H2")
	formula, _ := f.GetCellFormula("Entries", "H2")
	if notes != `'=HYPERLINK("http://evil")` || formula != "" || cellType(t, f, "Entries", "H2") != excelize.CellTypeInlineString {
		t.Errorf("notes %q formula %q: a formula must stay text, quoted as in the CSV", notes, formula)
	}

	r = c.must(http.StatusOK, "GET", "/api/v1/reports/summary.xlsx?from=2026-03-01&to=2026-03-07&group_by=day", nil, nil)
	f = openXLSX(t, r)
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Summary" {
		t.Fatalf("sheets %v", got)
	}
	rows, _ = f.GetRows("Summary")
	if len(rows) != 3 || rows[0][0] != "Day" || rows[2][0] != "Total" {
		t.Fatalf("summary rows %v", rows)
	}
	if v, _ := f.GetCellValue("Summary", "A2"); v != "2026-03-02" {
		t.Errorf("day %q", v)
	}
	for cell, want := range map[string]string{"B3": "2.5", "C3": "1.5", "D3": "120"} {
		if raw, _ := f.GetCellValue("Summary", cell, excelize.Options{RawCellValue: true}); raw != want {
			t.Errorf("%s = %q, want %s", cell, raw, want)
		}
	}
	// By project: each project followed by its tasks; filters apply.
	r = c.must(http.StatusOK, "GET", "/api/v1/reports/summary.xlsx?from=2026-03-01&to=2026-03-07&billable=true", nil, nil)
	f = openXLSX(t, r)
	rows, _ = f.GetRows("Summary")
	if len(rows) != 4 || rows[0][0] != "Project / task" || rows[1][0] != "Site" || rows[2][0] != "Design" || rows[3][0] != "Total" || rows[3][1] != "1.50" {
		t.Errorf("summary by project %q", rows)
	}
	if v, _ := f.GetCellValue("Entries", "L2"); v != "" {
		t.Errorf("the summary workbook has an Entries sheet")
	}
	r = c.must(http.StatusOK, "GET", "/api/v1/reports/entries.xlsx?from=2026-03-01&to=2026-03-07&billable=false", nil, nil)
	f = openXLSX(t, r)
	if rows, _ := f.GetRows("Entries"); len(rows) != 2 || rows[1][7] != "plain" {
		t.Errorf("filtered entries %q", rows)
	}
	if r := c.do("GET", "/api/v1/reports/entries.xlsx?project_id=999", nil); r.status != http.StatusBadRequest {
		t.Errorf("someone else's project: %d", r.status)
	}
	if r := c.do("GET", "/api/v1/reports/summary.xlsx?group_by=year", nil); r.status != http.StatusBadRequest {
		t.Errorf("bad group_by: %d", r.status)
	}
	if r := c.do("GET", "/api/v1/reports/entries.xlsx?from=yesterday", nil); r.status != http.StatusBadRequest || r.header.Get("Content-Disposition") != "" {
		t.Errorf("bad from: %d %v", r.status, r.header)
	}
}
