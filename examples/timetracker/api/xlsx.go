package api

import (
	"io"
	"net/http"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// GET /reports/entries.xlsx?from&to&project_id&client_id&task_id&tag_id&billable: the
// entries of the CSV, as a workbook.
func (a *API) entriesXLSX(w http.ResponseWriter, r *http.Request) error {
	from, to, err := a.reportRange(r)
	if err != nil {
		return err
	}
	f := domain.EntryFilter{From: from, To: to}
	if err := a.filters(r, &f); err != nil {
		return err
	}
	u := user(r)
	name := "entries-" + from.Format(time.DateOnly) + "-" + to.AddDate(0, 0, -1).Format(time.DateOnly) + ".xlsx"
	n := 0
	written, err := app.ServeXLSX(w, name, func(out io.Writer) error {
		var err error
		n, err = app.WriteEntriesXLSX(r.Context(), out, a.store, u.ID, f, a.now(), app.Location(r.Context()), a.currency())
		return err
	})
	if err != nil {
		if written {
			a.log.WarnContext(r.Context(), "writing the Excel entries failed", "error", err)
			return nil
		}
		return internal(err, "xlsx entries")
	}
	a.capture(r, app.EventXLSXExported, analytics.Properties{"report": "entries", "rows": n, "source": "api"})
	return nil
}

// GET /reports/summary.xlsx with the parameters of the summary: the same
// report, as a workbook.
func (a *API) summaryXLSX(w http.ResponseWriter, r *http.Request) error {
	from, to, err := a.reportRange(r)
	if err != nil {
		return err
	}
	by, err := app.ParseGroupBy(r.URL.Query().Get("group_by"))
	if err != nil {
		return err
	}
	// As the JSON summary: days, weeks and months in the caller's zone.
	loc := app.Location(r.Context())
	f := domain.ReportFilter{EntryFilter: domain.EntryFilter{From: from, To: to}, GroupBy: by, Location: loc}
	if err := a.filters(r, &f.EntryFilter); err != nil {
		return err
	}
	rep, err := a.store.Report(r.Context(), user(r).ID, f)
	if err != nil {
		return internal(err, "summary xlsx")
	}
	name := "summary-" + string(by) + "-" + from.Format(time.DateOnly) + "-" + to.AddDate(0, 0, -1).Format(time.DateOnly) + ".xlsx"
	written, err := app.ServeXLSX(w, name, func(out io.Writer) error {
		return app.WriteSummaryXLSX(out, rep, loc, a.currency())
	})
	if err != nil {
		if written {
			a.log.WarnContext(r.Context(), "writing the Excel summary failed", "error", err)
			return nil
		}
		return internal(err, "summary xlsx")
	}
	a.capture(r, app.EventXLSXExported, analytics.Properties{"report": "summary", "rows": len(rep.Rows), "source": "api"})
	return nil
}
