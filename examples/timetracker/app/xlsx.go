package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// The Excel exports are written with excelize's StreamWriter, which keeps
// only a small buffer of rows in memory (it spills to a temporary file),
// and sent once complete: a query that fails midway is still answered
// with an error status rather than a truncated file.

// XLSXContentType is the media type of an .xlsx workbook.
const XLSXContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// The sheet names of the exports.
const (
	EntriesSheet = "Entries"
	SummarySheet = "Summary"
)

// EntriesXLSXHeader is the header row of the entries workbook.
var EntriesXLSXHeader = []string{"Date", "Start", "End", "Hours", "Client", "Project", "Task", "Notes", "Billable", "Hourly rate", "Amount", "Tags"}

type xlsxStyles struct {
	header, date, dateTime, hours, money, totalLabel, totalHours, totalMoney, sub, subHours, subMoney int
}

func newXLSXStyles(f *excelize.File, currency string) (xlsxStyles, error) {
	var s xlsxStyles
	dateFmt, dateTimeFmt, hoursFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "0.00"
	// The currency code as a literal: 1,234.50 "EUR".
	moneyFmt := `#,##0.00 "` + strings.ReplaceAll(currency, `"`, "") + `"`
	bold := &excelize.Font{Bold: true}
	for _, st := range []struct {
		p     *int
		style *excelize.Style
	}{
		{&s.header, &excelize.Style{Font: bold, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8ECF1"}}}},
		{&s.date, &excelize.Style{CustomNumFmt: &dateFmt}},
		{&s.dateTime, &excelize.Style{CustomNumFmt: &dateTimeFmt}},
		{&s.hours, &excelize.Style{CustomNumFmt: &hoursFmt}},
		{&s.money, &excelize.Style{CustomNumFmt: &moneyFmt}},
		{&s.totalLabel, &excelize.Style{Font: bold}},
		{&s.totalHours, &excelize.Style{Font: bold, CustomNumFmt: &hoursFmt}},
		{&s.totalMoney, &excelize.Style{Font: bold, CustomNumFmt: &moneyFmt}},
		{&s.sub, &excelize.Style{Alignment: &excelize.Alignment{Indent: 2}, Font: &excelize.Font{Color: "555555"}}},
		{&s.subHours, &excelize.Style{CustomNumFmt: &hoursFmt, Font: &excelize.Font{Color: "555555"}}},
		{&s.subMoney, &excelize.Style{CustomNumFmt: &moneyFmt, Font: &excelize.Font{Color: "555555"}}},
	} {
		id, err := f.NewStyle(st.style)
		if err != nil {
			return s, err
		}
		*st.p = id
	}
	return s, nil
}

// newSheet makes a workbook whose only sheet is name, with a stream writer
// on it, the header row written and frozen.
func newSheet(name, currency string, header []string, widths []float64) (*excelize.File, *excelize.StreamWriter, xlsxStyles, error) {
	f := excelize.NewFile()
	fail := func(err error) (*excelize.File, *excelize.StreamWriter, xlsxStyles, error) {
		_ = f.Close()
		return nil, nil, xlsxStyles{}, fmt.Errorf("app: xlsx: %w", err)
	}
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return fail(err)
	}
	st, err := newXLSXStyles(f, currency)
	if err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fail(err)
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return fail(err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return fail(err)
	}
	return f, sw, st, nil
}

// text is a cell of text from the user, defused as the CSV defuses it
// (safeCell): a string cell is never a formula, and the quote keeps it
// from becoming one when the cell is edited.
func text(s string) any {
	if s == "" {
		return nil
	}
	return safeCell(s)
}

// WriteEntriesXLSX writes the user's entries that pass filter, oldest
// first, as a workbook with one sheet: dates and times as Excel dates in
// loc, hours and amounts as numbers. A running entry counts up to now and
// has no end. It returns the number of entries.
func WriteEntriesXLSX(ctx context.Context, w io.Writer, s domain.ReportService, userID int64, filter domain.EntryFilter, now time.Time, loc *time.Location, currency string) (int, error) {
	f, sw, st, err := newSheet(EntriesSheet, currency, EntriesXLSXHeader, []float64{12, 17, 17, 8, 20, 24, 20, 50, 9, 12, 14, 20})
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	row := make([]any, len(EntriesXLSXHeader))
	err = s.EachEntry(ctx, userID, filter, true, func(e *domain.ReportEntry) error {
		n++
		start := e.Start.In(loc)
		secs := int64(e.Duration(now) / time.Second)
		var end, rate, amount any
		if e.End != nil {
			end = excelize.Cell{StyleID: st.dateTime, Value: e.End.In(loc)}
		}
		if e.HourlyRate != nil {
			rate = excelize.Cell{StyleID: st.money, Value: centsValue(*e.HourlyRate)}
			var a domain.Cents
			if e.Billable {
				a = domain.Amount(secs, *e.HourlyRate)
			}
			amount = excelize.Cell{StyleID: st.money, Value: centsValue(a)}
		} else {
			amount = excelize.Cell{StyleID: st.money, Value: 0.0}
		}
		day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
		row[0] = excelize.Cell{StyleID: st.date, Value: day}
		row[1] = excelize.Cell{StyleID: st.dateTime, Value: start}
		row[2] = end
		row[3] = excelize.Cell{StyleID: st.hours, Value: hoursValue(secs)}
		row[4], row[5], row[6], row[7] = text(e.Client), text(e.Project), text(e.Task), text(e.Notes)
		row[8] = e.Billable
		row[9], row[10] = rate, amount
		row[11] = text(strings.Join(e.Tags, ", "))
		cell, _ := excelize.CoordinatesToCellName(1, n+1)
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return n, err
	}
	if err := sw.Flush(); err != nil {
		return n, fmt.Errorf("app: xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return n, fmt.Errorf("app: xlsx: %w", err)
	}
	return n, nil
}

// WriteSummaryXLSX writes a summary report as a workbook with one sheet:
// a row per group (a day as an Excel date; a project followed by its
// tasks, indented), hours and amounts as numbers, and a total row.
func WriteSummaryXLSX(w io.Writer, rep *domain.Report, loc *time.Location, currency string) error {
	label := map[domain.GroupBy]string{domain.GroupByProject: "Project", domain.GroupByClient: "Client", domain.GroupByTask: "Task",
		domain.GroupByTag: "Tag", domain.GroupByDay: "Day", domain.GroupByWeek: "Week", domain.GroupByMonth: "Month"}[rep.GroupBy]
	if label == "" {
		label = string(rep.GroupBy)
	}
	if rep.GroupBy == domain.GroupByProject {
		label = "Project / task"
	}
	header := []string{label, "Hours", "Billable hours", "Amount"}
	f, sw, st, err := newSheet(SummarySheet, currency, header, []float64{34, 10, 15, 16})
	if err != nil {
		return err
	}
	defer f.Close()
	n := 1
	put := func(first any, secs, billable int64, amount domain.Cents, hours, money int) error {
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, []any{first,
			excelize.Cell{StyleID: hours, Value: hoursValue(secs)},
			excelize.Cell{StyleID: hours, Value: hoursValue(billable)},
			excelize.Cell{StyleID: money, Value: centsValue(amount)},
		}); err != nil {
			return fmt.Errorf("app: xlsx: %w", err)
		}
		return nil
	}
	for _, r := range rep.Rows {
		var first any = text(r.Label)
		if rep.GroupBy == domain.GroupByDay {
			if d, err := time.ParseInLocation(time.DateOnly, r.Key, loc); err == nil {
				first = excelize.Cell{StyleID: st.date, Value: d}
			}
		}
		if err := put(first, r.Seconds, r.BillableSeconds, r.Amount, st.hours, st.money); err != nil {
			return err
		}
		for _, t := range r.Tasks {
			if err := put(excelize.Cell{StyleID: st.sub, Value: safeCell(t.Task)}, t.Seconds, t.BillableSeconds, t.Amount, st.subHours, st.subMoney); err != nil {
				return err
			}
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, n+1)
	if err := sw.SetRow(cell, []any{
		excelize.Cell{StyleID: st.totalLabel, Value: "Total"},
		excelize.Cell{StyleID: st.totalHours, Value: hoursValue(rep.Seconds)},
		excelize.Cell{StyleID: st.totalHours, Value: hoursValue(rep.BillableSeconds)},
		excelize.Cell{StyleID: st.totalMoney, Value: centsValue(rep.Amount)},
	}); err != nil {
		return fmt.Errorf("app: xlsx: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("app: xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("app: xlsx: %w", err)
	}
	return nil
}

// hoursValue is seconds as decimal hours, the number a spreadsheet sums;
// the cell's format shows two places.
func hoursValue(secs int64) float64 { return float64(secs) / 3600 }

// centsValue is an amount as a number of currency units; cents are exact
// in a float64 far beyond any report's total.
func centsValue(c domain.Cents) float64 { return float64(c) / 100 }

// ServeXLSX answers with a workbook that write produces, as a download
// named filename. The workbook goes out only once all its rows are read
// (the StreamWriter keeps them in a temporary file meanwhile), so when
// write fails before writing anything the response is untouched and the
// caller can answer the error; it reports whether anything was written.
func ServeXLSX(w http.ResponseWriter, filename string, write func(io.Writer) error) (written bool, err error) {
	h := w.Header()
	h.Set("Content-Type", XLSXContentType)
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	cw := &countingWriter{w: w}
	if err := write(cw); err != nil {
		if cw.n == 0 {
			h.Del("Content-Type")
			h.Del("Content-Disposition")
		}
		return cw.n > 0, err
	}
	return true, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
