package api

import (
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/analytics"
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
	rep, err := a.store.Summary(r.Context(), user(r).ID, from, to, by)
	if err != nil {
		return internal(err, "summary")
	}
	if rep.Rows == nil {
		rep.Rows = []domain.ReportRow{}
	}
	a.capture(r, EventReportViewed, analytics.Properties{"group_by": string(by), "rows": len(rep.Rows), "source": "api"})
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// GET /reports/entries.csv?from&to
func (a *API) entriesCSV(w http.ResponseWriter, r *http.Request) error {
	from, to, err := a.reportRange(r)
	if err != nil {
		return err
	}
	uid := user(r).ID
	ctx := r.Context()
	entries, err := a.store.FindEntries(ctx, uid, domain.EntryFilter{From: from, To: to})
	if err != nil {
		return internal(err, "csv entries")
	}
	projects, err := a.store.FindProjects(ctx, uid, true)
	if err != nil {
		return internal(err, "csv projects")
	}
	clients, err := a.store.FindClients(ctx, uid)
	if err != nil {
		return internal(err, "csv clients")
	}
	tasks, err := a.store.FindTasks(ctx, uid, 0)
	if err != nil {
		return internal(err, "csv tasks")
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="entries-`+from.Format(time.DateOnly)+`-`+to.AddDate(0, 0, -1).Format(time.DateOnly)+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := WriteCSV(w, entries, projects, clients, tasks, a.now()); err != nil {
		// The status is out; all that is left is to log it.
		a.log.WarnContext(ctx, "writing the CSV report failed", "error", err)
		return nil
	}
	a.capture(r, EventCSVExported, analytics.Properties{"entries": len(entries), "source": "api"})
	return nil
}

// CSVHeader is the first line of the entries CSV.
var CSVHeader = []string{"date", "start", "end", "duration_seconds", "client", "project", "task", "notes", "billable"}

// WriteCSV writes entries as CSV with the names of their project, client
// and task. A running entry is written up to now. Cells that a spreadsheet
// would run as a formula are prefixed with a quote (CSV injection).
func WriteCSV(w interface{ Write([]byte) (int, error) }, entries []domain.Entry, projects []domain.Project, clients []domain.Client, tasks []domain.Task, now time.Time) error {
	pn := map[int64]*domain.Project{}
	for i := range projects {
		pn[projects[i].ID] = &projects[i]
	}
	cn := map[int64]string{}
	for _, c := range clients {
		cn[c.ID] = c.Name
	}
	tn := map[int64]string{}
	for _, t := range tasks {
		tn[t.ID] = t.Name
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for i := range entries {
		e := &entries[i]
		var project, client, task, end string
		if p := pn[e.ProjectID]; p != nil {
			project = p.Name
			if p.ClientID != nil {
				client = cn[*p.ClientID]
			}
		}
		if e.TaskID != nil {
			task = tn[*e.TaskID]
		}
		if e.End != nil {
			end = e.End.UTC().Format(time.RFC3339)
		}
		rec := []string{
			e.Start.UTC().Format(time.DateOnly),
			e.Start.UTC().Format(time.RFC3339),
			end,
			strconv.FormatInt(int64(e.Duration(now)/time.Second), 10),
			safeCell(client),
			safeCell(project),
			safeCell(task),
			safeCell(e.Notes),
			strconv.FormatBool(e.Billable),
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return errors.Join(cw.Error())
}

// safeCell defuses a cell a spreadsheet would evaluate.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
