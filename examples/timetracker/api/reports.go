package api

import (
	"net/http"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// reportRange reads from and to; without them the range is the last seven
// days up to the end of today (UTC).
func (a *API) reportRange(r *http.Request) (from, to time.Time, err error) {
	if from, err = parseTimeParam(r, "from", false); err != nil {
		return
	}
	if to, err = parseTimeParam(r, "to", true); err != nil {
		return
	}
	if to.IsZero() {
		to = a.now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	}
	if from.IsZero() {
		from = to.AddDate(0, 0, -7)
	}
	if !to.After(from) {
		return from, to, domain.FieldError("to", "The end of the range must be after its start.")
	}
	if to.Sub(from) > 366*24*time.Hour*5 {
		return from, to, domain.FieldError("from", "The range may span at most five years.")
	}
	return from, to, nil
}

// filters reads the entry filters of the query (see [app.ParseFilters])
// and checks that they name the caller's own objects: 400 naming the
// parameter otherwise.
func (a *API) filters(r *http.Request, f *domain.EntryFilter) error {
	if err := app.ParseFilters(r.URL.Query(), f); err != nil {
		return err
	}
	return app.CheckFilterRefs(r.Context(), a.store, user(r).ID, *f)
}

// GET /reports/summary?from&to&group_by=project|client|task|tag|day|week|month
// &project_id&client_id&task_id&tag_id&billable. Days, weeks (ISO, from
// Monday) and months are in UTC. Grouped by tag, an entry with two tags
// counts in both rows while the totals count it once.
func (a *API) summary(w http.ResponseWriter, r *http.Request) error {
	from, to, err := a.reportRange(r)
	if err != nil {
		return err
	}
	by, err := app.ParseGroupBy(r.URL.Query().Get("group_by"))
	if err != nil {
		return err
	}
	f := domain.ReportFilter{EntryFilter: domain.EntryFilter{From: from, To: to}, GroupBy: by, Location: time.UTC}
	if err := a.filters(r, &f.EntryFilter); err != nil {
		return err
	}
	rep, err := a.store.Report(r.Context(), user(r).ID, f)
	if err != nil {
		return internal(err, "summary")
	}
	if rep.Rows == nil {
		rep.Rows = []domain.ReportRow{}
	}
	a.capture(r, app.EventReportViewed, analytics.Properties{"group_by": string(by), "rows": len(rep.Rows), "source": "api",
		"filtered": app.Filtered(f.EntryFilter)})
	writeJSON(w, http.StatusOK, struct {
		*domain.Report
		Currency string `json:"currency"` // of every amount, ISO 4217
	}{rep, a.currency()})
	return nil
}

// GET /reports/entries.csv?from&to&project_id&client_id&task_id&tag_id&billable
func (a *API) entriesCSV(w http.ResponseWriter, r *http.Request) error {
	from, to, err := a.reportRange(r)
	if err != nil {
		return err
	}
	f := domain.EntryFilter{From: from, To: to}
	if err := a.filters(r, &f); err != nil {
		return err
	}
	name := "entries-" + from.Format(time.DateOnly) + "-" + to.AddDate(0, 0, -1).Format(time.DateOnly) + ".csv"
	n, err := app.ServeFilteredCSV(w, r, a.store, user(r).ID, f, false, a.now(), name, a.log)
	if err != nil {
		return internal(err, "csv entries")
	} else if n < 0 {
		return nil
	}
	a.capture(r, app.EventCSVExported, analytics.Properties{"entries": n, "source": "api", "filtered": app.Filtered(f)})
	return nil
}
