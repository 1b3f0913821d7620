package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// The timesheet shows one week, Monday to Sunday in the user's time zone,
// with a row per project (or project and task) and a cell per day holding
// the length of that day's entries for the row. Typing a length into a
// cell and saving turns the change into entries, by rules that never
// silently throw away recorded detail:
//
//   - A cell whose value was not changed is left alone, whatever it holds.
//   - An empty cell that gets a length becomes a new entry of that length,
//     starting at 09:00 in the user's zone or, if the day already has
//     entries, where the last of them ends (so that it overlaps none).
//   - A cell holding exactly one entry moves that entry's end to give the
//     new length, keeping its start, notes and task; set to 0 or emptied,
//     the entry is deleted.
//   - A cell holding several entries, or the running timer, is not
//     changed: which entry should grow or shrink is the user's choice, so
//     the page says so and points to that day's entries.
//   - If the cell changed since the page was loaded (another tab, the
//     API), the new value is refused rather than applied over it.
//
// Every cell of a submit is checked before anything is written: one bad
// cell (an unreadable length, one of the refusals above, an overlap when
// OVERLAPS=refuse) and nothing of that submit is saved. Each write then
// goes through the store like any other entry: the rate in force is
// stamped and the overlap rule applies. Only a change made elsewhere in
// the instant between the checks and the writes can still refuse a write;
// the page then says what was saved and what was not.
//
// An entry counts on the day it starts, as everywhere else in the app.

// timesheetStartHour is where a new entry of an empty day starts.
const timesheetStartHour = 9

// maxCell is the most one cell may hold: a day.
const maxCell = 24 * time.Hour

// sheetKey names a row: a project, and a task of it or none (0).
type sheetKey struct{ project, task int64 }

func (k sheetKey) String() string { return fmt.Sprintf("%d-%d", k.project, k.task) }

// parseSheetKey reads "12" or "12-5" (project, task).
func parseSheetKey(v string) (sheetKey, bool) {
	ps, ts, hasTask := strings.Cut(v, "-")
	p, err := strconv.ParseInt(ps, 10, 64)
	if err != nil || p <= 0 {
		return sheetKey{}, false
	}
	k := sheetKey{project: p}
	if hasTask {
		if k.task, err = strconv.ParseInt(ts, 10, 64); err != nil || k.task < 0 {
			return sheetKey{}, false
		}
	}
	return k, true
}

type sheetCell struct {
	Key     sheetKey
	Day     int // 0 is Monday
	Date    time.Time
	Entries []domain.Entry
	Sum     time.Duration // of the finished entries
	Running bool          // the running timer is one of the entries
	// Value is what the input shows: the sum, or what was typed when the
	// page comes back with errors. Was is the sum the page showed.
	Value, Was string
	Name       string // the input's name, "cell-<row>-<day>"
	Label      string // for screen readers: "Website › Design, Tuesday 2026-12-01"
	Err        string
	ErrID      string
}

type sheetRow struct {
	Key      sheetKey
	Label    string
	Archived bool
	Cells    []*sheetCell
	Total    time.Duration
}

type sheetDay struct {
	Date  time.Time
	Total time.Duration
}

type timesheetData struct {
	Week       string // 2026-W49
	Start      time.Time
	Prev, Next string // week parameters
	Days       []sheetDay
	Rows       []*sheetRow
	Total      time.Duration
	Catalog    *catalog
	Errors     []*sheetCell // cells with a message, in page order
	Zone       string
	AddOptions []sheetOption // rows that can be added
	Query      string        // the current week and added rows, for the add form
}

type sheetOption struct {
	Key   string
	Label string
}

// weekStartOf reads the week parameter: "2026-W49" (an ISO week) or a
// date, "2026-12-01", meaning the week that holds it; empty is this week.
func weekStartOf(v string, now time.Time, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return startOfWeek(now, loc), nil
	}
	if ys, ws, ok := strings.Cut(strings.ToUpper(v), "-W"); ok {
		y, err1 := strconv.Atoi(ys)
		w, err2 := strconv.Atoi(ws)
		if err1 == nil && err2 == nil && y >= 1900 && y <= 9999 && w >= 1 && w <= 53 {
			// 4 January is always in week 1.
			jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, loc)
			start := startOfWeek(jan4, loc).AddDate(0, 0, 7*(w-1))
			if gy, gw := start.ISOWeek(); gy == y && gw == w {
				return start, nil
			}
		}
		return time.Time{}, domain.FieldError("week", "%q is not a week: use the ISO form 2026-W49 or a date such as 2026-12-01.", v)
	}
	if d, ok := parseDate(loc, v); ok {
		return startOfWeek(d, loc), nil
	}
	return time.Time{}, domain.FieldError("week", "%q is not a week: use the ISO form 2026-W49 or a date such as 2026-12-01.", v)
}

func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// parseCellLength reads what was typed into a cell: empty (nothing),
// hours and minutes ("1:30"), or decimal hours ("1.5", "1,5"), rounded to
// the minute.
func parseCellLength(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, true
	}
	if hs, ms, ok := strings.Cut(v, ":"); ok {
		h, err1 := strconv.Atoi(hs)
		m, err2 := strconv.Atoi(ms)
		if err1 != nil || err2 != nil || len(ms) != 2 || h < 0 || m < 0 || m > 59 || strings.HasPrefix(hs, "+") {
			return 0, false
		}
		return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, true
	}
	x, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
	if err != nil || x < 0 || math.IsNaN(x) || math.IsInf(x, 0) || x > 1000 || strings.ContainsAny(v, "eE+_xXpP") {
		return 0, false
	}
	return time.Duration(math.Round(x*60)) * time.Minute, true
}

// cellText shows a length in a cell: h:mm, empty for none.
func cellText(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return formatDuration(d)
}

// GET /timesheet?week=2026-W49&row=<project>-<task>…
func (s *Server) timesheetPage(w http.ResponseWriter, r *http.Request) error {
	return s.showTimesheet(w, r, http.StatusOK, r.URL.Query())
}

// sheet loads the week and builds its rows: every project/task with
// entries in the week, then the rows asked for in extra.
func (s *Server) sheet(r *http.Request, start time.Time, extra []string) (*timesheetData, error) {
	ctx, uid, loc := r.Context(), userOf(r).ID, s.locOf(r)
	cat, err := s.catalog(ctx, uid)
	if err != nil {
		return nil, err
	}
	end := start.AddDate(0, 0, 7)
	es, err := s.store.FindEntries(ctx, uid, domain.EntryFilter{From: start, To: end})
	if err != nil {
		return nil, internalf(err, "week entries")
	}
	d := &timesheetData{Week: isoWeek(start), Start: start, Catalog: cat, Zone: domain.ZoneName(loc),
		Prev: isoWeek(start.AddDate(0, 0, -7)), Next: isoWeek(start.AddDate(0, 0, 7))}
	for i := range 7 {
		d.Days = append(d.Days, sheetDay{Date: start.AddDate(0, 0, i)})
	}
	rows := map[sheetKey]*sheetRow{}
	addRow := func(k sheetKey) *sheetRow {
		if row := rows[k]; row != nil {
			return row
		}
		p := cat.project[k.project]
		if p == nil {
			return nil
		}
		label := p.Name
		if p.ClientID != nil && cat.client[*p.ClientID] != nil {
			label += " (" + cat.client[*p.ClientID].Name + ")"
		}
		if k.task != 0 {
			t := cat.task[k.task]
			if t == nil || t.ProjectID != p.ID {
				return nil
			}
			label += " › " + t.Name
		}
		row := &sheetRow{Key: k, Label: label, Archived: p.Archived}
		for i := range 7 {
			day := start.AddDate(0, 0, i)
			row.Cells = append(row.Cells, &sheetCell{Key: k, Day: i, Date: day,
				Name:  "cell-" + k.String() + "-" + strconv.Itoa(i),
				Label: label + ", " + day.Format("Monday") + " " + day.Format(dateLayout)})
		}
		rows[k] = row
		d.Rows = append(d.Rows, row)
		return row
	}
	sort.Slice(es, func(i, j int) bool { return es[i].Start.Before(es[j].Start) })
	for _, e := range es {
		k := sheetKey{project: e.ProjectID}
		if e.TaskID != nil {
			k.task = *e.TaskID
		}
		row := addRow(k)
		if row == nil {
			continue
		}
		// By date, not by hours: days of 23 or 25 hours exist.
		day := startOfDay(e.Start, loc)
		i := 0
		for i < 6 && !day.Before(d.Days[i+1].Date) {
			i++
		}
		c := row.Cells[i]
		c.Entries = append(c.Entries, e)
		if e.Running() {
			c.Running = true
		} else {
			c.Sum += e.Duration(s.now())
		}
	}
	sort.SliceStable(d.Rows, func(i, j int) bool { return d.Rows[i].Label < d.Rows[j].Label })
	for _, v := range extra {
		if k, ok := parseSheetKey(v); ok {
			if p := cat.project[k.project]; p != nil && !p.Archived {
				addRow(k)
			}
		}
	}
	for _, row := range d.Rows {
		for i, c := range row.Cells {
			c.Was = cellText(c.Sum)
			c.Value = c.Was
			row.Total += c.Sum
			d.Days[i].Total += c.Sum
			d.Total += c.Sum
		}
	}
	// The rows that can still be added: active projects, alone or with
	// one of their open tasks.
	for _, o := range cat.ActiveProjects() {
		if rows[sheetKey{project: o.ID}] == nil {
			d.AddOptions = append(d.AddOptions, sheetOption{Key: sheetKey{project: o.ID}.String(), Label: o.Label()})
		}
		for _, t := range o.Tasks {
			if k := (sheetKey{project: o.ID, task: t.ID}); rows[k] == nil {
				d.AddOptions = append(d.AddOptions, sheetOption{Key: k.String(), Label: o.Label() + " › " + t.Name})
			}
		}
	}
	q := url.Values{"week": {d.Week}}
	for _, row := range d.Rows {
		q.Add("row", row.Key.String())
	}
	d.Query = q.Encode()
	return d, nil
}

func (s *Server) showTimesheet(w http.ResponseWriter, r *http.Request, status int, q url.Values) error {
	start, err := weekStartOf(q.Get("week"), s.now(), s.locOf(r))
	if err != nil {
		return err
	}
	d, err := s.sheet(r, start, q["row"])
	if err != nil {
		return err
	}
	s.render(w, r, status, "timesheet", &page{Title: "Timesheet", Nav: "timesheet", Data: d})
	return nil
}

// sheetOp is one write a submit plans.
type sheetOp struct {
	cell   *sheetCell
	create *domain.Entry // a new entry
	update *domain.Entry // an entry with its new end
	delete *domain.Entry
}

// POST /timesheet: the cells of one week.
func (s *Server) saveTimesheet(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	ctx, uid, loc := r.Context(), userOf(r).ID, s.locOf(r)
	start, err := weekStartOf(r.PostForm.Get("week"), s.now(), loc)
	if err != nil {
		return err
	}
	d, err := s.sheet(r, start, r.PostForm["row"])
	if err != nil {
		return err
	}
	fail := func(c *sheetCell, format string, args ...any) {
		c.Err = c.Label + ": " + fmt.Sprintf(format, args...)
		c.ErrID = "error-" + c.Name
	}
	var ops []sheetOp
	for _, row := range d.Rows {
		for _, c := range row.Cells {
			v, sent := r.PostForm[c.Name]
			if !sent {
				continue // not on the page that was sent
			}
			typed := strings.TrimSpace(v[0])
			c.Value = typed
			newLen, ok := parseCellLength(typed)
			switch {
			case !ok:
				fail(c, "%q is not a length of time; type hours and minutes like 1:30 or decimal hours like 1.5.", typed)
				continue
			case newLen > maxCell:
				fail(c, "%s is more than a day.", typed)
				continue
			}
			wasLen, _ := parseCellLength(r.PostForm.Get("was-" + c.Name))
			if newLen == wasLen {
				continue // unchanged: leave whatever the cell holds alone
			}
			if cellText(c.Sum) != cellText(wasLen) {
				fail(c, "this cell changed since the page was loaded (it now holds %s); check the new value and save again.", cmpText(c.Sum))
				c.Value, c.Was = cellText(c.Sum), cellText(c.Sum)
				continue
			}
			day := c.Date.Format(dateLayout)
			switch {
			case c.Running:
				fail(c, "the running timer is in this cell; stop it first, or change the day's entries on the entries page.")
			case len(c.Entries) > 1:
				fail(c, "this cell holds %d entries; change them one by one on the entries page (/entries?from=%s&to=%s&project_id=%d), so that no recorded detail is lost.",
					len(c.Entries), day, day, c.Key.project)
			case len(c.Entries) == 1 && newLen == 0:
				e := c.Entries[0]
				ops = append(ops, sheetOp{cell: c, delete: &e})
			case len(c.Entries) == 1:
				e := c.Entries[0]
				end := e.Start.Add(newLen)
				e.End = &end
				ops = append(ops, sheetOp{cell: c, update: &e})
			default:
				if row.Archived {
					fail(c, "this project is archived; restore it before adding time to it.")
					continue
				}
				p := d.Catalog.project[c.Key.project]
				e := &domain.Entry{UserID: uid, ProjectID: p.ID, Billable: p.Billable}
				if c.Key.task != 0 {
					tid := c.Key.task
					e.TaskID = &tid
				}
				// Placed later, once the other changes of the day are known.
				ops = append(ops, sheetOp{cell: c, create: e})
			}
		}
	}
	// Place the new entries: from 09:00, after every entry of the day as
	// it will stand (the moved ends included), one after the other.
	if err := s.placeNew(r, start, ops, fail); err != nil {
		return err
	}
	if s.cfg.RefuseOverlaps {
		for _, op := range ops {
			e := op.update
			if e == nil {
				e = op.create
			}
			if e == nil || op.cell.Err != "" {
				continue
			}
			ids, err := s.store.Overlapping(ctx, uid, e.Start, *e.End, e.ID)
			if err != nil {
				return internalf(err, "overlapping entries")
			}
			if others := without(ids, ops); len(others) > 0 {
				fail(op.cell, "the entry would overlap another of your entries (entry %d), and overlapping entries are not accepted here.", others[0])
			}
		}
	}
	for _, row := range d.Rows {
		for _, c := range row.Cells {
			if c.Err != "" {
				d.Errors = append(d.Errors, c)
			}
		}
	}
	if len(d.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "timesheet", &page{Title: "Timesheet", Nav: "timesheet", Data: d})
		return nil
	}
	var created, updated, deleted int
	overlaps := false
	for i, op := range ops {
		var err error
		var saved *domain.Entry
		switch {
		case op.delete != nil:
			err = s.store.DeleteEntry(ctx, uid, op.delete.ID)
			if err == nil {
				deleted++
			}
		case op.update != nil:
			err = s.store.UpdateEntry(ctx, op.update)
			saved = op.update
			if err == nil {
				updated++
			}
		case op.create != nil:
			err = s.store.CreateEntry(ctx, op.create)
			saved = op.create
			if err == nil {
				created++
			}
		}
		if err != nil {
			if domain.ErrorCode(err) == domain.EINTERNAL {
				return internalf(err, "save timesheet")
			}
			// Refused at the last moment (a change made elsewhere): say
			// what was saved and what was not.
			fail(op.cell, "%s", strings.TrimSuffix(domain.ErrorMessage(err), "."))
			op.cell.Err += fmt.Sprintf(". Nothing from this cell on was saved; the %d change(s) before it were.", i)
			d2, lerr := s.sheet(r, start, r.PostForm["row"])
			if lerr != nil {
				return lerr
			}
			for _, row := range d2.Rows {
				for _, c := range row.Cells {
					if c.Name == op.cell.Name {
						c.Err, c.ErrID = op.cell.Err, op.cell.ErrID
						d2.Errors = append(d2.Errors, c)
					}
				}
			}
			s.render(w, r, app.FormStatus(err), "timesheet", &page{Title: "Timesheet", Nav: "timesheet", Data: d2})
			return nil
		}
		if saved != nil && !s.cfg.RefuseOverlaps && !overlaps {
			ws, err := app.OverlapWarnings(r, s.store, saved)
			if err != nil {
				return internalf(err, "overlapping entries")
			}
			overlaps = len(ws) > 0
		}
	}
	s.capture(r, app.EventTimesheetSaved, analytics.Properties{
		"created": created, "updated": updated, "deleted": deleted, "overlaps": overlaps,
	})
	flash := "timesheet-saved"
	switch {
	case len(ops) == 0:
		flash = "timesheet-unchanged"
	case overlaps:
		flash = "timesheet-saved-overlap"
	}
	q := url.Values{"week": {d.Week}}
	return s.redirect(w, r, "/timesheet?"+q.Encode(), flash)
}

// placeNew gives each planned new entry its start and end.
func (s *Server) placeNew(r *http.Request, weekStart time.Time, ops []sheetOp, fail func(*sheetCell, string, ...any)) error {
	ctx, uid := r.Context(), userOf(r).ID
	// Entries of the week and the week before, for those that run into
	// the week's first day.
	es, err := s.store.FindEntries(ctx, uid, domain.EntryFilter{From: weekStart.Add(-domain.DefaultMaxEntry), To: weekStart.AddDate(0, 0, 7)})
	if err != nil {
		return internalf(err, "week entries")
	}
	moved := map[int64]*domain.Entry{}
	gone := map[int64]bool{}
	for _, op := range ops {
		if op.update != nil {
			moved[op.update.ID] = op.update
		}
		if op.delete != nil {
			gone[op.delete.ID] = true
		}
	}
	now := s.now()
	cursor := map[int]time.Time{} // by day of the week
	for _, op := range ops {
		if op.create == nil || op.cell.Err != "" {
			continue
		}
		c := op.cell
		dayStart, dayEnd := c.Date, c.Date.AddDate(0, 0, 1)
		at, ok := cursor[c.Day]
		if !ok {
			at = time.Date(dayStart.Year(), dayStart.Month(), dayStart.Day(), timesheetStartHour, 0, 0, 0, dayStart.Location())
			for _, e := range es {
				if gone[e.ID] {
					continue
				}
				if m := moved[e.ID]; m != nil {
					e = *m
				}
				end := now
				if e.End != nil {
					end = *e.End
				}
				// Any entry of the day, or one running into it.
				if e.Start.Before(dayEnd) && end.After(dayStart) && end.After(at) {
					at = end
				}
			}
		}
		length, _ := parseCellLength(c.Value)
		if !at.Before(dayEnd) {
			fail(c, "the day's other entries run to its end, so there is no room for a new one; add it on the entries page.")
			continue
		}
		start := at.UTC().Truncate(time.Minute)
		if start.Before(at) {
			start = start.Add(time.Minute)
		}
		end := start.Add(length)
		op.create.Start, op.create.End = start, &end
		cursor[c.Day] = end
	}
	return nil
}

// without drops the IDs of entries this submit deletes.
func without(ids []int64, ops []sheetOp) []int64 {
	mine := map[int64]bool{}
	for _, op := range ops {
		if op.delete != nil {
			mine[op.delete.ID] = true
		}
	}
	var out []int64
	for _, id := range ids {
		if !mine[id] {
			out = append(out, id)
		}
	}
	return out
}

func cmpText(d time.Duration) string {
	if d <= 0 {
		return "nothing"
	}
	return formatDuration(d)
}
