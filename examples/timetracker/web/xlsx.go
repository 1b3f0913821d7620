package web

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// xlsxRange reads the report form's range as the CSV download does.
func (s *Server) xlsxRange(r *http.Request) (f *form, from, to time.Time, fromS, toS string, err error) {
	f = newForm(r.URL.Query())
	from, to, fromS, toS = s.reportRange(s.locOf(r), f)
	for _, msg := range f.Errors {
		return f, from, to, fromS, toS, domain.Errorf(domain.EINVALID, "%s", msg)
	}
	return f, from, to, fromS, toS, nil
}

// xlsxFilters reads the report filters of the query (app.ParseFilters)
// and checks they name the user's own objects.
func (s *Server) xlsxFilters(r *http.Request, f *domain.EntryFilter) error {
	if err := app.ParseFilters(r.URL.Query(), f); err != nil {
		return err
	}
	return app.CheckFilterRefs(r.Context(), s.store, userOf(r).ID, *f)
}

// GET /reports/entries.xlsx?from&to and the report filters
func (s *Server) reportEntriesXLSX(w http.ResponseWriter, r *http.Request) error {
	_, from, to, fromS, toS, err := s.xlsxRange(r)
	if err != nil {
		return err
	}
	ef := domain.EntryFilter{From: from, To: to}
	if err := s.xlsxFilters(r, &ef); err != nil {
		return err
	}
	u := userOf(r)
	n := 0
	written, err := app.ServeXLSX(w, fmt.Sprintf("timetracker-%s-to-%s.xlsx", fromS, toS), func(out io.Writer) error {
		var err error
		n, err = app.WriteEntriesXLSX(r.Context(), out, s.store, u.ID, ef, s.now(), s.locOf(r), cmp.Or(s.cfg.Currency, app.DefaultCurrency))
		return err
	})
	if err != nil {
		if written {
			s.log.WarnContext(r.Context(), "writing the Excel entries failed", "error", err)
			return nil
		}
		return internalf(err, "xlsx entries")
	}
	s.capture(r, app.EventXLSXExported, analytics.Properties{"report": "entries", "rows": n})
	return nil
}

// GET /reports/summary.xlsx?from&to&group_by: the summary the reports
// page shows, days in the page's zone.
func (s *Server) reportSummaryXLSX(w http.ResponseWriter, r *http.Request) error {
	f, from, to, fromS, toS, err := s.xlsxRange(r)
	if err != nil {
		return err
	}
	by, err := app.ParseGroupBy(f.Get("group_by"))
	if err != nil {
		return err
	}
	u := userOf(r)
	loc := s.locOf(r)
	rf := domain.ReportFilter{EntryFilter: domain.EntryFilter{From: from, To: to}, GroupBy: by, Location: loc}
	if err := s.xlsxFilters(r, &rf.EntryFilter); err != nil {
		return err
	}
	rep, err := s.store.Report(r.Context(), u.ID, rf)
	if err != nil {
		return internalf(err, "xlsx summary")
	}
	written, err := app.ServeXLSX(w, fmt.Sprintf("timetracker-summary-%s-%s-to-%s.xlsx", by, fromS, toS), func(out io.Writer) error {
		return app.WriteSummaryXLSX(out, rep, loc, cmp.Or(s.cfg.Currency, app.DefaultCurrency))
	})
	if err != nil {
		if written {
			s.log.WarnContext(r.Context(), "writing the Excel summary failed", "error", err)
			return nil
		}
		return internalf(err, "xlsx summary")
	}
	s.capture(r, app.EventXLSXExported, analytics.Properties{"report": "summary", "rows": len(rep.Rows)})
	return nil
}
