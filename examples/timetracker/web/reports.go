package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

type reportData struct {
	From, To string // as in the form, inclusive dates
	GroupBy  domain.GroupBy
	GroupBys []groupOption
	Report   *domain.Report
	Chart    *chart
	CSVURL   string
	// EntriesXLSXURL and SummaryXLSXURL download the same entries and
	// report as Excel workbooks.
	EntriesXLSXURL, SummaryXLSXURL string
	Ranges                         []quickRange
	Prev, Next                     quickRange
	NonBill                        int64
	GroupLabel                     string
	Currency                       string // of the amounts
	Catalog                        *catalog
	Filter                         entriesFilter
	// Overlap says that rows may add up to more than the total: by tag,
	// an entry with several tags counts under each.
	Overlap bool
}

type groupOption struct {
	Value domain.GroupBy
	Label string
}

// groupLabels name the groupings in the form and the table's header.
var groupLabels = map[domain.GroupBy]string{
	domain.GroupByProject: "Project", domain.GroupByClient: "Client", domain.GroupByTask: "Task", domain.GroupByTag: "Tag",
	domain.GroupByDay: "Day", domain.GroupByWeek: "Week", domain.GroupByMonth: "Month",
}

type quickRange struct {
	Label string
	URL   string
}

// reportRange reads the inclusive date range of the report form; without
// one it is the current week.
func (s *Server) reportRange(loc *time.Location, f *form) (from, to time.Time, fromS, toS string) {
	now := s.now()
	fromS, toS = f.Get("from"), f.Get("to")
	if fromS == "" && toS == "" {
		ws := startOfWeek(now, loc)
		fromS, toS = ws.Format(time.DateOnly), ws.AddDate(0, 0, 6).Format(time.DateOnly)
	}
	var ok bool
	if from, ok = parseDate(loc, fromS); !ok {
		f.Errors["from"] = "Use a date like 2026-03-01."
	}
	if to, ok = parseDate(loc, toS); !ok {
		f.Errors["to"] = "Use a date like 2026-03-31."
	} else {
		to = to.AddDate(0, 0, 1)
	}
	if !f.HasErrors() {
		switch {
		case !to.After(from):
			f.Errors["to"] = "The end date must not be before the start date."
		case to.Sub(from) > 5*366*24*time.Hour:
			f.Errors["from"] = "A report may span at most five years."
		}
	}
	return from, to, fromS, toS
}

// reportFilters reads the report's filters into ef, recording a bad one
// in f under its parameter's name; an error is a failure to check them.
func (s *Server) reportFilters(r *http.Request, f *form, ef *domain.EntryFilter) error {
	if err := s.parseFilters(r, r.URL.Query(), ef); err != nil && !f.Fail(err, "") {
		return internalf(err, "report filters")
	}
	return nil
}

// GET /reports?from&to&group_by&project_id&client_id&task_id&tag_id&billable
func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) error {
	ctx, uid := r.Context(), userOf(r).ID
	f := newForm(r.URL.Query())
	from, to, fromS, toS := s.reportRange(s.locOf(r), f)
	by, err := app.ParseGroupBy(f.Get("group_by"))
	if err != nil {
		f.Fail(err, "group_by")
		by = domain.GroupByProject
	}
	ef := domain.EntryFilter{From: from, To: to}
	if err := s.reportFilters(r, f, &ef); err != nil {
		return err
	}
	cat, err := s.catalog(ctx, uid)
	if err != nil {
		return err
	}
	f.Values.Set("from", fromS)
	f.Values.Set("to", toS)
	f.Values.Set("group_by", string(by))
	keep := url.Values{} // the filters and grouping, which every link keeps
	addFilters(keep, ef)
	keep.Set("group_by", string(by))
	d := reportData{From: fromS, To: toS, GroupBy: by, Currency: cmp.Or(s.cfg.Currency, app.DefaultCurrency),
		Catalog: cat, GroupLabel: groupLabels[by], Overlap: by == domain.GroupByTag,
		Filter: entriesFilter{ProjectID: ef.ProjectID, ClientID: ef.ClientID, TaskID: ef.TaskID, TagID: ef.TagID, Billable: keep.Get("billable")}}
	for _, g := range domain.GroupBys {
		d.GroupBys = append(d.GroupBys, groupOption{g, groupLabels[g]})
	}
	status := http.StatusOK
	if f.HasErrors() {
		status = http.StatusBadRequest
	} else {
		d.Ranges = s.quickRanges(s.locOf(r), keep)
		d.Prev, d.Next = shiftRange(from, to.AddDate(0, 0, -1), keep)
		rep, err := s.store.Report(ctx, uid, domain.ReportFilter{EntryFilter: ef, GroupBy: by, Location: s.locOf(r)})
		if err != nil {
			return internalf(err, "report")
		}
		if by == domain.GroupByDay {
			rep, err = s.fillDays(rep, from, to, s.locOf(r))
			if err != nil {
				return err
			}
		}
		s.labelRows(rep, by)
		d.Report = rep
		d.NonBill = rep.Seconds - rep.BillableSeconds
		d.Chart = newChart(rep, by)
		csv := url.Values{"from": {fromS}, "to": {toS}}
		addFilters(csv, ef)
		d.CSVURL = "/reports/entries.csv?" + csv.Encode()
		d.EntriesXLSXURL = "/reports/entries.xlsx?" + csv.Encode()
		csv.Set("group_by", string(by))
		d.SummaryXLSXURL = "/reports/summary.xlsx?" + csv.Encode()
		s.capture(r, app.EventReportViewed, analytics.Properties{"group_by": string(by), "rows": len(rep.Rows), "filtered": app.Filtered(ef)})
	}
	s.render(w, r, status, "reports", &page{Title: "Reports", Nav: "reports", Form: f, Data: d})
	return nil
}

// labelRows names week and month rows as people read them.
func (s *Server) labelRows(rep *domain.Report, by domain.GroupBy) {
	for i := range rep.Rows {
		row := &rep.Rows[i]
		switch by {
		case domain.GroupByWeek:
			if t, err := time.Parse(time.DateOnly, row.Key); err == nil {
				_, w := t.ISOWeek()
				row.Label = fmt.Sprintf("Week %d, from %s", w, t.Format(dayLayout))
			}
		case domain.GroupByMonth:
			if t, err := time.Parse("2006-01", row.Key); err == nil {
				row.Label = t.Format("January 2006")
			}
		}
	}
}

// fillDays adds an empty row for every day of a range up to three months
// long that has no entries, so that the chart shows the gaps, and labels
// the days as the pages write them.
func (s *Server) fillDays(sum *domain.Report, from, to time.Time, loc *time.Location) (*domain.Report, error) {
	rep := *sum
	rep.Rows = nil
	idx := map[string]int{}
	add := func(key string, day time.Time) int {
		if i, ok := idx[key]; ok {
			return i
		}
		rep.Rows = append(rep.Rows, domain.ReportRow{Key: key, Label: day.Format(dayLayout)})
		idx[key] = len(rep.Rows) - 1
		return idx[key]
	}
	if to.Sub(from) <= 93*24*time.Hour {
		for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
			add(d.Format(time.DateOnly), d)
		}
	}
	for _, g := range sum.Rows {
		day, err := time.ParseInLocation(time.DateOnly, g.Key, loc)
		if err != nil {
			return nil, fmt.Errorf("report day %q: %w", g.Key, err)
		}
		row := &rep.Rows[add(g.Key, day)]
		row.Seconds += g.Seconds
		row.BillableSeconds += g.BillableSeconds
		row.Amount += g.Amount
	}
	sortRows(rep.Rows)
	return &rep, nil
}

func sortRows(rows []domain.ReportRow) {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && rows[j].Key < rows[j-1].Key; j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

// quickRanges are the date-range presets, each keeping the filters and
// grouping in keep.
func (s *Server) quickRanges(loc *time.Location, keep url.Values) []quickRange {
	now := s.now()
	today := startOfDay(now, loc)
	ws := startOfWeek(now, loc)
	y, m, _ := now.In(loc).Date()
	ms := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	ys := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	return []quickRange{
		rangeLink("Today", today, today, keep),
		rangeLink("This week", ws, ws.AddDate(0, 0, 6), keep),
		rangeLink("Last week", ws.AddDate(0, 0, -7), ws.AddDate(0, 0, -1), keep),
		rangeLink("This month", ms, ms.AddDate(0, 1, -1), keep),
		rangeLink("Last month", ms.AddDate(0, -1, 0), ms.AddDate(0, 0, -1), keep),
		rangeLink("This year", ys, ys.AddDate(1, 0, -1), keep),
	}
}

// rangeLink is a link to the report of the inclusive dates [first, last]
// with the parameters in keep.
func rangeLink(label string, first, last time.Time, keep url.Values) quickRange {
	q := url.Values{}
	for k, v := range keep {
		q[k] = v
	}
	q.Set("from", first.Format(time.DateOnly))
	q.Set("to", last.Format(time.DateOnly))
	return quickRange{Label: label, URL: "/reports?" + q.Encode()}
}

// shiftRange returns the links to the ranges before and after the
// inclusive dates [first, last], of the same length: whole months (the
// 1st to a last day) move by that many months, so that "March" goes to
// "February" and "April"; any other range moves by its number of days.
func shiftRange(first, last time.Time, keep url.Values) (prev, next quickRange) {
	if first.Day() == 1 && last.AddDate(0, 0, 1).Day() == 1 {
		months := (last.Year()-first.Year())*12 + int(last.Month()-first.Month()) + 1
		return rangeLink("Previous", first.AddDate(0, -months, 0), first.AddDate(0, 0, -1), keep),
			rangeLink("Next", last.AddDate(0, 0, 1), first.AddDate(0, 2*months, -1), keep)
	}
	y1, m1, d1 := first.Date()
	y2, m2, d2 := last.Date()
	days := int(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)).Hours()/24) + 1
	return rangeLink("Previous", first.AddDate(0, 0, -days), first.AddDate(0, 0, -1), keep),
		rangeLink("Next", last.AddDate(0, 0, 1), last.AddDate(0, 0, days), keep)
}

// GET /reports/entries.csv?from&to&project_id&client_id&task_id&tag_id&billable:
// the same CSV as the API's.
func (s *Server) reportCSV(w http.ResponseWriter, r *http.Request) error {
	uid := userOf(r).ID
	f := newForm(r.URL.Query())
	from, to, fromS, toS := s.reportRange(s.locOf(r), f)
	ef := domain.EntryFilter{From: from, To: to}
	if err := s.reportFilters(r, f, &ef); err != nil {
		return err
	}
	for field, msg := range f.Errors {
		return &domain.Error{Code: domain.EINVALID, Field: field, Message: msg}
	}
	name := fmt.Sprintf("timetracker-%s-to-%s.csv", strings.ReplaceAll(fromS, "/", "-"), strings.ReplaceAll(toS, "/", "-"))
	// Oldest first reads naturally in a spreadsheet.
	// The date column in the user's days, as the range was read.
	r = r.WithContext(app.WithLocation(r.Context(), s.locOf(r)))
	n, err := app.ServeFilteredCSV(w, r, s.store, uid, ef, true, s.now(), name, s.log)
	if err != nil {
		return internalf(err, "csv entries")
	} else if n < 0 {
		return nil
	}
	s.capture(r, app.EventCSVExported, analytics.Properties{"entries": n, "filtered": app.Filtered(ef)})
	return nil
}
