package app

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// ServeCSV answers r with the CSV of the user's entries in [from, to)
// (see [StreamCSV]) as a download named filename, and returns how many
// entries it wrote. A query that fails before anything is written returns
// the error with the response untouched, for the caller to answer. A
// failure after the status is out can only be logged: ServeCSV logs it to
// log (nil: slog.Default()) and returns -1 and no error.
func ServeCSV(w http.ResponseWriter, r *http.Request, s domain.ReportService, userID int64, from, to time.Time, oldestFirst bool, now time.Time, filename string, log *slog.Logger) (int, error) {
	return ServeFilteredCSV(w, r, s, userID, domain.EntryFilter{From: from, To: to}, oldestFirst, now, filename, log)
}

// ServeFilteredCSV is ServeCSV for the entries that pass f (its Limit
// aside).
func ServeFilteredCSV(w http.ResponseWriter, r *http.Request, s domain.ReportService, userID int64, f domain.EntryFilter, oldestFirst bool, now time.Time, filename string, log *slog.Logger) (int, error) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	n, err := StreamFilteredCSV(r.Context(), w, s, userID, f, oldestFirst, now)
	if err == nil {
		return n, nil
	}
	if n < 0 {
		// Nothing was written: the headers can still change.
		for _, h := range []string{"Content-Type", "Content-Disposition"} {
			w.Header().Del(h)
		}
		return 0, err
	}
	if log == nil {
		log = slog.Default()
	}
	log.WarnContext(r.Context(), "writing the CSV report failed", "error", err)
	return -1, nil
}

// CSVHeader is the first line of the entries CSV.
// hours is the duration in decimal hours to two places; hourly_rate is the
// entry's stored rate (empty when none) and amount what its billable time
// costs at that rate, rounded to the cent (0.00 when not billable); tags
// are the entry's tags, sorted, separated by ", " (a tag holds no comma).
var CSVHeader = []string{"date", "start", "end", "duration_seconds", "client", "project", "task", "notes", "billable", "hours", "hourly_rate", "amount", "tags"}

// StreamCSV writes the CSV of the user's entries in [from, to), latest
// first or oldest first, row by row as the store reads them: memory stays
// bounded whatever the range holds. It returns the number of entries
// written, or -1 with the error when the query failed before anything was
// written (so the caller can still answer with an error status). The date
// column is the start's day in the zone that [WithLocation] put in ctx
// (UTC when none).
func StreamCSV(ctx context.Context, w io.Writer, s domain.ReportService, userID int64, from, to time.Time, oldestFirst bool, now time.Time) (int, error) {
	return StreamFilteredCSV(ctx, w, s, userID, domain.EntryFilter{From: from, To: to}, oldestFirst, now)
}

// StreamFilteredCSV is StreamCSV for the entries that pass f (its Limit
// aside).
func StreamFilteredCSV(ctx context.Context, w io.Writer, s domain.ReportService, userID int64, f domain.EntryFilter, oldestFirst bool, now time.Time) (int, error) {
	// The header goes out with the first row, so that a query that fails
	// at once leaves the response untouched.
	bw := bufio.NewWriterSize(w, 32<<10)
	cw := NewCSVWriter(bw, now)
	if loc, ok := ctx.Value(locationKey{}).(*time.Location); ok && loc != nil {
		cw.Location = loc
	}
	n := 0
	err := s.EachEntry(ctx, userID, f, oldestFirst, func(e *domain.ReportEntry) error {
		n++
		return cw.Write(e)
	})
	if err != nil && n == 0 && bw.Buffered() == 0 {
		return -1, err
	}
	if err == nil {
		err = cw.Flush()
	}
	if err == nil {
		err = bw.Flush()
	}
	return n, err
}

// CSVWriter writes entries as CSV with the names of their project, client
// and task, one row per Write, after the CSVHeader line. A running entry
// is written up to now. Cells that a spreadsheet would run as a formula
// are prefixed with a quote (CSV injection).
type CSVWriter struct {
	// Location is the zone of the date column, the day the entry starts
	// on as the user counts days (the report's filters and groupings use
	// the same); nil means UTC. start and end are RFC 3339 in UTC always.
	// StreamCSV sets it from the request's [Location].
	Location *time.Location

	cw     *csv.Writer
	now    time.Time
	header bool
	rec    [13]string
}

// NewCSVWriter returns a CSVWriter on w; the header is written with the
// first entry, or by Flush when there is none.
func NewCSVWriter(w io.Writer, now time.Time) *CSVWriter {
	return &CSVWriter{cw: csv.NewWriter(w), now: now}
}

// Write writes one entry's row.
func (c *CSVWriter) Write(e *domain.ReportEntry) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	start := e.Start.UTC()
	var end string
	if e.End != nil {
		end = e.End.UTC().Format(time.RFC3339)
	}
	secs := int64(e.Duration(c.now) / time.Second)
	var rate string
	var amount domain.Cents
	if e.HourlyRate != nil {
		rate = e.HourlyRate.String()
		if e.Billable {
			amount = domain.Amount(secs, *e.HourlyRate)
		}
	}
	day := start
	if c.Location != nil {
		day = start.In(c.Location)
	}
	c.rec = [13]string{
		day.Format(time.DateOnly),
		start.Format(time.RFC3339),
		end,
		strconv.FormatInt(secs, 10),
		safeCell(e.Client),
		safeCell(e.Project),
		safeCell(e.Task),
		safeCell(e.Notes),
		strconv.FormatBool(e.Billable),
		domain.CentSeconds(secs * 100).String(), // hundredths of an hour, rounded
		rate,
		amount.String(),
		safeCell(strings.Join(e.Tags, ", ")),
	}
	return c.cw.Write(c.rec[:])
}

func (c *CSVWriter) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	return c.cw.Write(CSVHeader)
}

// Flush writes the header if no entry was written, then what is buffered.
func (c *CSVWriter) Flush() error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	c.cw.Flush()
	return c.cw.Error()
}

// WriteCSV writes entries as CSV with the names of their project, client
// and task from the lists given, as CSVWriter does.
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
	cw := NewCSVWriter(w, now)
	for i := range entries {
		re := domain.ReportEntry{Entry: entries[i]}
		if p := pn[re.ProjectID]; p != nil {
			re.Project = p.Name
			if p.ClientID != nil {
				re.Client = cn[*p.ClientID]
			}
		}
		if re.TaskID != nil {
			re.Task = tn[*re.TaskID]
		}
		if err := cw.Write(&re); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// safeCell defuses a cell a spreadsheet would evaluate.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
