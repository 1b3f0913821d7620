package api

import (
	"net/http"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// reportRange reads from and to; without them the range is the last seven
// days up to the end of today, days as the caller's time zone counts them
// (see [app.Location]).
func (a *API) reportRange(r *http.Request) (from, to time.Time, err error) {
	loc := app.Location(r.Context())
	if from, err = parseTimeParam(r, "from", false); err != nil {
		return
	}
	if to, err = parseTimeParam(r, "to", true); err != nil {
		return
	}
	if to.IsZero() {
		y, m, d := a.now().In(loc).Date()
		to = time.Date(y, m, d+1, 0, 0, 0, 0, loc).UTC()
	}
	if from.IsZero() {
		from = to.In(loc).AddDate(0, 0, -7).UTC()
	}
	if !to.After(from) {
		return from, to, domain.FieldError("to", "The end of the range must be after its start.")
	}
	if to.Sub(from) > 366*24*time.Hour*5 {
		return from, to, domain.FieldError("from", "The range may span at most five years.")
	}
	return from, to, nil
}

// GET /reports/summary?from&to&group_by=project|client|day
func (a *API) summary(w http.ResponseWriter, r *http.Request) error {
	from, to, err := a.reportRange(r)
	if err != nil {
		return err
	}
	by := domain.GroupBy(r.URL.Query().Get("group_by"))
	switch by {
	case "":
		by = domain.GroupByProject
	case domain.GroupByProject, domain.GroupByClient, domain.GroupByDay:
	default:
		return domain.FieldError("group_by", "Use project, client or day.")
	}
	rep, err := a.store.SummaryIn(r.Context(), user(r).ID, from, to, by, app.Location(r.Context()))
	if err != nil {
		return internal(err, "summary")
	}
	if rep.Rows == nil {
		rep.Rows = []domain.ReportRow{}
	}
	a.capture(r, app.EventReportViewed, analytics.Properties{"group_by": string(by), "rows": len(rep.Rows), "source": "api"})
	writeJSON(w, http.StatusOK, struct {
		*domain.Report
		Currency string `json:"currency"` // of every amount, ISO 4217
	}{rep, a.currency()})
	return nil
}

// GET /reports/entries.csv?from&to
func (a *API) entriesCSV(w http.ResponseWriter, r *http.Request) error {
	from, to, err := a.reportRange(r)
	if err != nil {
		return err
	}
	loc := app.Location(r.Context())
	name := "entries-" + from.In(loc).Format(time.DateOnly) + "-" + to.In(loc).AddDate(0, 0, -1).Format(time.DateOnly) + ".csv"
	n, err := app.ServeCSV(w, r, a.store, user(r).ID, from, to, false, a.now(), name, a.log)
	if err != nil {
		return internal(err, "csv entries")
	} else if n < 0 {
		return nil
	}
	a.capture(r, app.EventCSVExported, analytics.Properties{"entries": n, "source": "api"})
	return nil
}
