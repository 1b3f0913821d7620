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
	Report   *domain.Report
	Chart    *chart
	CSVURL   string
	// EntriesXLSXURL and SummaryXLSXURL download the same range (and
	// grouping) as Excel workbooks.
	EntriesXLSXURL, SummaryXLSXURL string
	Ranges                         []quickRange
	NonBill                        int64
	GroupLabel                     string
	Currency                       string // of the amounts
}

type quickRange struct {
	Label string
	URL   string
}

// reportRange reads the inclusive date range of the report form; without
// one it is the current week.
func (s *Server) reportRange(f *form) (from, to time.Time, fromS, toS string) {
	now := s.now()
	fromS, toS = f.Get("from"), f.Get("to")
	if fromS == "" && toS == "" {
		ws := startOfWeek(now, s.loc)
		fromS, toS = ws.Format(time.DateOnly), ws.AddDate(0, 0, 6).Format(time.DateOnly)
	}
	var ok bool
	if from, ok = s.parseDate(fromS); !ok {
		f.Errors["from"] = "Use a date like 2026-03-01."
	}
	if to, ok = s.parseDate(toS); !ok {
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

// GET /reports?from&to&group_by
func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) error {
	ctx, uid := r.Context(), userOf(r).ID
	f := newForm(r.URL.Query())
	from, to, fromS, toS := s.reportRange(f)
	by := domain.GroupBy(f.Get("group_by"))
	switch by {
	case "":
		by = domain.GroupByProject
	case domain.GroupByProject, domain.GroupByClient, domain.GroupByDay:
	default:
		f.Errors["group_by"] = "Group by project, client or day."
		by = domain.GroupByProject
	}
	f.Values.Set("from", fromS)
	f.Values.Set("to", toS)
	f.Values.Set("group_by", string(by))
	d := reportData{From: fromS, To: toS, GroupBy: by, Ranges: s.quickRanges(by), Currency: cmp.Or(s.cfg.Currency, app.DefaultCurrency)}
	d.GroupLabel = map[domain.GroupBy]string{domain.GroupByProject: "Project", domain.GroupByClient: "Client", domain.GroupByDay: "Day"}[by]
	status := http.StatusOK
	if f.HasErrors() {
		status = http.StatusBadRequest
	} else {
		var rep *domain.Report
		var err error
		if by == domain.GroupByDay {
			rep, err = s.dayReport(r, uid, from, to)
		} else {
			rep, err = s.store.Summary(ctx, uid, from, to, by)
		}
		if err != nil {
			return internalf(err, "report")
		}
		d.Report = rep
		d.NonBill = rep.Seconds - rep.BillableSeconds
		d.Chart = newChart(rep, by)
		d.CSVURL = "/reports/entries.csv?" + url.Values{"from": {fromS}, "to": {toS}}.Encode()
		d.EntriesXLSXURL = "/reports/entries.xlsx?" + url.Values{"from": {fromS}, "to": {toS}}.Encode()
		d.SummaryXLSXURL = "/reports/summary.xlsx?" + url.Values{"from": {fromS}, "to": {toS}, "group_by": {string(by)}}.Encode()
		s.capture(r, app.EventReportViewed, analytics.Properties{"group_by": string(by), "rows": len(rep.Rows)})
	}
	s.render(w, r, status, "reports", &page{Title: "Reports", Nav: "reports", Form: f, Data: d})
	return nil
}

// dayReport totals finished entries by day in the page's time zone (the
// store sums them, by the date of each start in that zone), with a row for
// every day of a range up to three months long, so that the chart shows
// the gaps.
func (s *Server) dayReport(r *http.Request, uid int64, from, to time.Time) (*domain.Report, error) {
	sum, err := s.store.SummaryIn(r.Context(), uid, from, to, domain.GroupByDay, s.loc)
	if err != nil {
		return nil, err
	}
	rep := &domain.Report{From: from.UTC(), To: to.UTC(), GroupBy: domain.GroupByDay,
		Seconds: sum.Seconds, BillableSeconds: sum.BillableSeconds}
	idx := map[string]int{}
	add := func(key string, day time.Time) int {
		if i, ok := idx[key]; ok {
			return i
		}
		rep.Rows = append(rep.Rows, domain.ReportRow{Key: key, Label: day.Format("Mon 2 Jan")})
		idx[key] = len(rep.Rows) - 1
		return idx[key]
	}
	if to.Sub(from) <= 93*24*time.Hour {
		for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
			add(d.Format(time.DateOnly), d)
		}
	}
	for _, g := range sum.Rows {
		day, err := time.ParseInLocation(time.DateOnly, g.Key, s.loc)
		if err != nil {
			return nil, fmt.Errorf("report day %q: %w", g.Key, err)
		}
		row := &rep.Rows[add(g.Key, day)]
		row.Seconds += g.Seconds
		row.BillableSeconds += g.BillableSeconds
	}
	sortRows(rep.Rows)
	return rep, nil
}

func sortRows(rows []domain.ReportRow) {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && rows[j].Key < rows[j-1].Key; j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

func (s *Server) quickRanges(by domain.GroupBy) []quickRange {
	now := s.now()
	ws := startOfWeek(now, s.loc)
	y, m, _ := now.In(s.loc).Date()
	ms := time.Date(y, m, 1, 0, 0, 0, 0, s.loc)
	mk := func(label string, from, to time.Time) quickRange {
		q := url.Values{"from": {from.Format(time.DateOnly)}, "to": {to.Format(time.DateOnly)}, "group_by": {string(by)}}
		return quickRange{Label: label, URL: "/reports?" + q.Encode()}
	}
	return []quickRange{
		mk("This week", ws, ws.AddDate(0, 0, 6)),
		mk("Last week", ws.AddDate(0, 0, -7), ws.AddDate(0, 0, -1)),
		mk("This month", ms, ms.AddDate(0, 1, -1)),
		mk("Last month", ms.AddDate(0, -1, 0), ms.AddDate(0, 0, -1)),
	}
}

// GET /reports/entries.csv?from&to: the same CSV as the API's.
func (s *Server) reportCSV(w http.ResponseWriter, r *http.Request) error {
	uid := userOf(r).ID
	f := newForm(r.URL.Query())
	from, to, fromS, toS := s.reportRange(f)
	if f.HasErrors() {
		for _, msg := range f.Errors {
			return domain.Errorf(domain.EINVALID, "%s", msg)
		}
	}
	name := fmt.Sprintf("timetracker-%s-to-%s.csv", strings.ReplaceAll(fromS, "/", "-"), strings.ReplaceAll(toS, "/", "-"))
	// Oldest first reads naturally in a spreadsheet.
	n, err := app.ServeCSV(w, r, s.store, uid, from, to, true, s.now(), name, s.log)
	if err != nil {
		return internalf(err, "csv entries")
	} else if n < 0 {
		return nil
	}
	s.capture(r, app.EventCSVExported, analytics.Properties{"entries": n})
	return nil
}
