package app_test

import (
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

func parse(t *testing.T, csv string, opts app.ImportOptions) *app.ParsedImport {
	t.Helper()
	p, err := app.ParseImport(strings.NewReader(csv), opts)
	if err != nil {
		t.Fatalf("ParseImport: %v", err)
	}
	return p
}

func parseFile(t *testing.T, name string, opts app.ImportOptions) *app.ParsedImport {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := app.ParseImport(f, opts)
	if err != nil {
		t.Fatalf("ParseImport %s: %v", name, err)
	}
	return p
}

func TestParseTogglFixture(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	p := parseFile(t, "toggl_detailed.csv", app.ImportOptions{Location: berlin})
	if p.Format != app.FormatToggl || p.DateOrder != app.DateYMD {
		t.Fatalf("format %q order %q", p.Format, p.DateOrder)
	}
	if len(p.Problems) != 0 || len(p.Rows) != 3 {
		t.Fatalf("rows %d problems %v", len(p.Rows), p.Problems)
	}
	r := p.Rows[0]
	// 09:00 in Berlin in March (CET, +01:00) is 08:00 UTC.
	if r.Line != 2 || r.Client != "Acme" || r.Project != "Website" || r.Task != "Design" || r.Notes != "Homepage layout" || !r.Billable ||
		!r.Start.Equal(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) || !r.End.Equal(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("row 1: %+v", r)
	}
	if strings.Join(r.Tags, "|") != "design|client" {
		t.Errorf("tags %q", r.Tags)
	}
	if p.Rows[1].Notes != "Call, with notes" || p.Rows[1].Billable || p.Rows[1].Tags != nil {
		t.Errorf("row 2: %+v", p.Rows[1])
	}
	// The end date is the next day.
	if got := p.Rows[2].End.Sub(p.Rows[2].Start); got != time.Hour || p.Rows[2].Notes != "=SUM(A1:A2)" {
		t.Errorf("row 3: %v %+v", got, p.Rows[2])
	}
	if p.Columns["notes"] != "Description" || p.Columns["start"] != "Start date" {
		t.Errorf("columns %v", p.Columns)
	}
}

func TestParseClockifyFixture(t *testing.T) {
	p := parseFile(t, "clockify_detailed.csv", app.ImportOptions{})
	if p.Format != app.FormatClockify || p.DateOrder != app.DateMDY {
		t.Fatalf("format %q order %q", p.Format, p.DateOrder)
	}
	if len(p.Problems) != 0 || len(p.Rows) != 2 {
		t.Fatalf("rows %d problems %v", len(p.Rows), p.Problems)
	}
	r := p.Rows[1]
	if r.Project != "Mobile app" || r.Client != "Beta Ltd" || r.Billable ||
		!r.Start.Equal(time.Date(2026, 3, 13, 13, 15, 0, 0, time.UTC)) || !r.End.Equal(time.Date(2026, 3, 13, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("row 2: %+v", r)
	}
}

func TestParseVariants(t *testing.T) {
	utc := app.ImportOptions{}
	t.Run("day first detected, 24h, semicolons, header case, extra columns", func(t *testing.T) {
		csv := "PROJECT;client;Description;Billable;start date;START TIME;End Date;End Time;Duration (decimal);Cost Rate (EUR);Whatever\n" +
			"Site;Acme;one;yes;02.03.2026;9:05;02.03.2026;17:00;7.9;0;x\n" +
			"Site;Acme;two;no;13.03.2026;08:00:00;13.03.2026;09:00:00;1;0;x\n"
		p := parse(t, csv, utc)
		if p.Format != app.FormatClockify || p.DateOrder != app.DateDMY || len(p.Problems) != 0 {
			t.Fatalf("%+v", p)
		}
		if !p.Rows[0].Start.Equal(time.Date(2026, 3, 2, 9, 5, 0, 0, time.UTC)) {
			t.Errorf("start %v", p.Rows[0].Start)
		}
	})
	t.Run("slash dates all ambiguous read month first, can be forced", func(t *testing.T) {
		csv := "Project,Start Date,Start Time,End Date,End Time,Duration (h)\nSite,03/04/2026,10:00 PM,03/04/2026,11:00 PM,01:00:00\n"
		if p := parse(t, csv, utc); !p.Rows[0].Start.Equal(time.Date(2026, 3, 4, 22, 0, 0, 0, time.UTC)) {
			t.Errorf("month first: %v", p.Rows[0].Start)
		}
		if p := parse(t, csv, app.ImportOptions{DateOrder: app.DateDMY}); !p.Rows[0].Start.Equal(time.Date(2026, 4, 3, 22, 0, 0, 0, time.UTC)) {
			t.Errorf("day first: %v", p.Rows[0].Start)
		}
	})
	t.Run("mixed orders refused", func(t *testing.T) {
		csv := "Project,Start Date,Start Time,End Time,Duration (h)\nSite,31/01/2026,10:00,11:00,1:00\nSite,01/31/2026,10:00,11:00,1:00\n"
		_, err := app.ParseImport(strings.NewReader(csv), utc)
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "day first and month first") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("duration when no end, past midnight without end date", func(t *testing.T) {
		csv := "Project,Start date,Start time,End time,Duration\nA,2026-03-02,23:00:00,,02:30:00\nA,2026-03-02,23:00:00,01:00:00,\n"
		p := parse(t, csv, utc)
		if len(p.Problems) != 0 {
			t.Fatal(p.Problems)
		}
		if d := p.Rows[0].End.Sub(p.Rows[0].Start); d != 150*time.Minute {
			t.Errorf("duration: %v", d)
		}
		if d := p.Rows[1].End.Sub(p.Rows[1].Start); d != 2*time.Hour {
			t.Errorf("past midnight: %v", d)
		}
	})
	t.Run("decimal duration only", func(t *testing.T) {
		csv := "Project,Start Date,Start Time,Duration (decimal)\nA,2026-03-02,09:00,1.25\n"
		p := parse(t, csv, utc)
		if p.Format != app.FormatClockify || len(p.Rows) != 1 || p.Rows[0].End.Sub(p.Rows[0].Start) != 75*time.Minute {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("bad rows name their line and column", func(t *testing.T) {
		csv := "User,Project,Billable,Start date,Start time,End date,End time,Duration\n" +
			"a,Site,Yes,2026-03-02,09:00:00,2026-03-02,10:00:00,01:00:00\n" +
			"\n" +
			"a,Site,maybe,2026-02-30,25:00,2026-03-02,10:00:00,01:00:00\n" +
			"a,Site,No,2026-03-02,09:00:00,2026-03-02,,\n"
		p := parse(t, csv, utc)
		if len(p.Rows) != 1 {
			t.Fatalf("rows %d", len(p.Rows))
		}
		want := []domain.ImportProblem{
			{Line: 4, Column: "Billable"}, {Line: 4, Column: "Start date"}, {Line: 4, Column: "Start time"}, {Line: 5, Column: "End time"},
		}
		if len(p.Problems) != len(want) {
			t.Fatalf("problems %+v", p.Problems)
		}
		for i, w := range want {
			if p.Problems[i].Line != w.Line || p.Problems[i].Column != w.Column || p.Problems[i].Message == "" {
				t.Errorf("problem %d: %+v, want line %d column %s", i, p.Problems[i], w.Line, w.Column)
			}
		}
	})
	t.Run("this app's CSV round trip, formula quote undone", func(t *testing.T) {
		csv := strings.Join(app.CSVHeader, ",") + "\n" +
			"2026-03-02,2026-03-02T09:00:00Z,2026-03-02T10:00:00Z,3600,Acme,Site,,'=cmd,true,1.00,,0.00\n" +
			"2026-03-02,2026-03-02T11:00:00Z,,60,Acme,Site,,running,false,0.02,,0.00\n"
		p := parse(t, csv, utc)
		if p.Format != app.FormatDiscreet || len(p.Rows) != 2 || len(p.Problems) != 0 {
			t.Fatalf("%+v", p)
		}
		if p.Rows[0].Notes != "=cmd" || !p.Rows[0].Billable || !p.Rows[0].End.Equal(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)) {
			t.Errorf("row 1 %+v", p.Rows[0])
		}
		if !p.Rows[1].End.IsZero() {
			t.Errorf("running row got an end: %+v", p.Rows[1])
		}
	})
}

func TestParseFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, csv string
		opts      app.ImportOptions
		code      string
		msg       string
	}{
		{"empty", "", app.ImportOptions{}, domain.EINVALID, "empty"},
		{"unknown header", "a,b,c\n1,2,3\n", app.ImportOptions{}, domain.EINVALID, "does not look like"},
		{"missing column", "Project,Start date\nA,2026-03-01\n", app.ImportOptions{Format: "toggl"}, domain.EINVALID, "Start time"},
		{"bad format", "x\n", app.ImportOptions{Format: "harvest"}, domain.EINVALID, "auto, toggl"},
		{"bad csv", "Project,Start date,Start time,Duration\n\"A,2026\n", app.ImportOptions{}, domain.EINVALID, "Line 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := app.ParseImport(strings.NewReader(tc.csv), tc.opts)
			if domain.ErrorCode(err) != tc.code || !strings.Contains(domain.ErrorMessage(err), tc.msg) {
				t.Fatalf("err %v, want %s containing %q", err, tc.code, tc.msg)
			}
		})
	}
	t.Run("too many rows", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("Project,Start date,Start time,Duration\n")
		for range domain.MaxImportRows + 1 {
			b.WriteString("A,2026-03-01,09:00,1:00\n")
		}
		_, err := app.ParseImport(strings.NewReader(b.String()), app.ImportOptions{})
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "more than 20000") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		big := "Project,Start date,Start time,Duration,Description\n" + strings.Repeat("A,2026-03-01,09:00,1:00,"+strings.Repeat("x", 1000)+"\n", domain.MaxImportBytes/1000)
		_, err := app.ParseImport(strings.NewReader(big), app.ImportOptions{})
		if domain.ErrorCode(err) != domain.ETOOLARGE {
			t.Fatalf("err %v", err)
		}
	})
}

// Excel's "Unicode text" export is UTF-16 little endian with a byte order
// mark, tabs between the cells and CRLF line ends; some tools write big
// endian. Both read as the UTF-8 they stand for, names with accents kept;
// a file cut in the middle of a character is a clear error.
func TestParseUTF16(t *testing.T) {
	text := "Project\tClient\tDescription\tStart date\tStart time\tDuration\r\n" +
		"Café\tÄrger GmbH\tnote, with comma\t2026-03-02\t09:00:00\t01:30:00\r\n"
	encode := func(s string, big bool) string {
		var b []byte
		for _, u := range utf16.Encode([]rune("\ufeff" + s)) {
			if big {
				b = append(b, byte(u>>8), byte(u))
			} else {
				b = append(b, byte(u), byte(u>>8))
			}
		}
		return string(b)
	}
	for _, big := range []bool{false, true} {
		p := parse(t, encode(text, big), app.ImportOptions{})
		if p.Format != app.FormatToggl || len(p.Problems) != 0 || len(p.Rows) != 1 {
			t.Fatalf("big endian %v: format %q rows %d problems %v", big, p.Format, len(p.Rows), p.Problems)
		}
		r := p.Rows[0]
		if r.Project != "Café" || r.Client != "Ärger GmbH" || r.Notes != "note, with comma" || r.End.Sub(r.Start) != 90*time.Minute {
			t.Errorf("big endian %v: row %+v", big, r)
		}
	}
	cut := encode(text, false)
	_, err := app.ParseImport(strings.NewReader(cut[:len(cut)-1]), app.ImportOptions{})
	if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "UTF-16") {
		t.Errorf("a cut UTF-16 file: %v, want an invalid error naming UTF-16", err)
	}
}

// The trackers' times are wall-clock times: on the day daylight saving
// time starts (Berlin, Sunday 2026-03-29, 02:00 CET becomes 03:00 CEST;
// Lord Howe Island, Sunday 2026-10-04, 02:00 becomes 02:30) a row at 09:00
// starts at 09:00 of that day's clocks, not nine hours after midnight.
func TestParseWallClockOnDSTDays(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	lordHowe, _ := time.LoadLocation("Australia/Lord_Howe")
	for _, tc := range []struct {
		loc        *time.Location
		date       string
		start, end time.Time
	}{
		{berlin, "2026-03-29", time.Date(2026, 3, 29, 7, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 8, 30, 0, 0, time.UTC)},
		{berlin, "2026-10-25", time.Date(2026, 10, 25, 8, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 9, 30, 0, 0, time.UTC)},
		{lordHowe, "2026-10-04", time.Date(2026, 10, 3, 22, 0, 0, 0, time.UTC), time.Date(2026, 10, 3, 23, 30, 0, 0, time.UTC)},
	} {
		csv := "Project,Start date,Start time,End date,End time\nP," + tc.date + ",09:00:00," + tc.date + ",10:30:00\n"
		p := parse(t, csv, app.ImportOptions{Location: tc.loc})
		if len(p.Rows) != 1 || len(p.Problems) != 0 {
			t.Fatalf("%s %s: rows %v problems %v", tc.loc, tc.date, p.Rows, p.Problems)
		}
		if r := p.Rows[0]; !r.Start.Equal(tc.start) || !r.End.Equal(tc.end) {
			t.Errorf("%s %s 09:00-10:30: %v-%v, want %v-%v", tc.loc, tc.date, r.Start.UTC(), r.End.UTC(), tc.start, tc.end)
		}
	}
}

// A workbook chosen instead of its CSV, UTF-16 without a byte order mark,
// or a CSV in a legacy encoding (Excel's default "CSV" in Western locales)
// is refused with a message that says what the file is and what to
// do, not as a header that fits no format.
func TestParseNotText(t *testing.T) {
	var noBOM []byte
	for _, u := range utf16.Encode([]rune("Project,Start date,Start time,Duration\n")) {
		noBOM = append(noBOM, byte(u), byte(u>>8))
	}
	for name, tc := range map[string]struct{ file, want string }{
		"xlsx":           {"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "workbook"},
		"xls":            {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "workbook"},
		"utf-16, no BOM": {string(noBOM), "UTF-16"},
		"windows-1252":   {"Project;Client;Start Date;Start Time;Duration (h)\nCaf\xe9;M\xfcller;30.12.2026;13:30;01:30:00\n", "Windows-1252"},
	} {
		_, err := app.ParseImport(strings.NewReader(tc.file), app.ImportOptions{})
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), tc.want) || !strings.Contains(domain.ErrorMessage(err), "CSV UTF-8") {
			t.Errorf("%s: %v, want an invalid error naming %q and CSV UTF-8", name, err, tc.want)
		}
	}
}

// A UTF-8 file whose first 4 KB (what the format is told from) end in the
// middle of a character is UTF-8 all the same.
func TestParseUTF8CutAtThePeek(t *testing.T) {
	notes := strings.Repeat("€", 1500) // 3 bytes each, across byte 4096
	for shift := range 3 {
		csv := "Project,Start date,Start time,Duration,Description" + strings.Repeat(" ", shift) + "\n" +
			"Café,2026-03-02,09:00:00,01:00:00," + notes + "\n"
		p := parse(t, csv, app.ImportOptions{})
		if len(p.Problems) != 0 || len(p.Rows) != 1 || p.Rows[0].Notes != notes {
			t.Fatalf("shift %d: rows %d problems %v", shift, len(p.Rows), p.Problems)
		}
	}
}
