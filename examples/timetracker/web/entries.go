package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// catalog is the user's clients, projects, tasks and tags, for names in
// lists and for the options of select boxes and tag suggestions.
type catalog struct {
	Clients  []domain.Client
	Projects []domain.Project // archived ones too
	Tasks    []domain.Task
	Tags     []domain.Tag
	client   map[int64]*domain.Client
	project  map[int64]*domain.Project
	task     map[int64]*domain.Task
}

func (s *Server) catalog(ctx context.Context, uid int64) (*catalog, error) {
	c := &catalog{client: map[int64]*domain.Client{}, project: map[int64]*domain.Project{}, task: map[int64]*domain.Task{}}
	var err error
	if c.Clients, err = s.store.FindClients(ctx, uid); err != nil {
		return nil, internalf(err, "clients")
	}
	if c.Projects, err = s.store.FindProjects(ctx, uid, true); err != nil {
		return nil, internalf(err, "projects")
	}
	if c.Tasks, err = s.store.FindTasks(ctx, uid, 0); err != nil {
		return nil, internalf(err, "tasks")
	}
	if c.Tags, err = s.store.FindTags(ctx, uid); err != nil {
		return nil, internalf(err, "tags")
	}
	for i := range c.Clients {
		c.client[c.Clients[i].ID] = &c.Clients[i]
	}
	for i := range c.Projects {
		c.project[c.Projects[i].ID] = &c.Projects[i]
	}
	for i := range c.Tasks {
		c.task[c.Tasks[i].ID] = &c.Tasks[i]
	}
	return c, nil
}

// ActiveProjects are the projects new work can go to, each with its open
// tasks, for the timer's and the entry form's select boxes.
func (c *catalog) ActiveProjects() []projectOption {
	var out []projectOption
	for i := range c.Projects {
		p := &c.Projects[i]
		if p.Archived {
			continue
		}
		out = append(out, c.option(p))
	}
	return out
}

// ProjectsFor lists the active projects plus, when it is archived, the one
// an entry being edited belongs to.
func (c *catalog) ProjectsFor(current int64) []projectOption {
	out := c.ActiveProjects()
	if p := c.project[current]; p != nil && p.Archived {
		out = append(out, c.option(p))
	}
	return out
}

func (c *catalog) option(p *domain.Project) projectOption {
	o := projectOption{ID: p.ID, Name: p.Name, Archived: p.Archived}
	if p.ClientID != nil && c.client[*p.ClientID] != nil {
		o.Client = c.client[*p.ClientID].Name
	}
	for _, t := range c.Tasks {
		if t.ProjectID == p.ID && !t.Done {
			o.Tasks = append(o.Tasks, t)
		}
	}
	return o
}

type projectOption struct {
	ID       int64
	Name     string
	Client   string
	Archived bool
	Tasks    []domain.Task
}

// TaskLabel is how a task is named in a filter's select box: with its
// project, as tasks of two projects may share a name.
func (c *catalog) TaskLabel(t domain.Task) string {
	if p := c.project[t.ProjectID]; p != nil {
		return p.Name + " / " + t.Name
	}
	return t.Name
}

// Label is how a project is named in a select box.
func (o projectOption) Label() string {
	l := o.Name
	if o.Client != "" {
		l += " (" + o.Client + ")"
	}
	if o.Archived {
		l += " [archived]"
	}
	return l
}

// entryRow is an entry with the names it refers to, as lists show it.
type entryRow struct {
	domain.Entry
	Project  string
	Client   string
	Task     string
	Length   time.Duration
	DayStart time.Time
}

// Running reports whether the entry is the running timer; templates
// cannot call the pointer method of the embedded Entry.
func (r entryRow) Running() bool { return r.End == nil }

func (c *catalog) rows(entries []domain.Entry, now time.Time, loc *time.Location) []entryRow {
	out := make([]entryRow, 0, len(entries))
	for _, e := range entries {
		row := entryRow{Entry: e, Length: e.Duration(now)}
		if p := c.project[e.ProjectID]; p != nil {
			row.Project = p.Name
			if p.ClientID != nil && c.client[*p.ClientID] != nil {
				row.Client = c.client[*p.ClientID].Name
			}
		}
		if e.TaskID != nil && c.task[*e.TaskID] != nil {
			row.Task = c.task[*e.TaskID].Name
		}
		row.DayStart = startOfDay(e.Start, loc)
		out = append(out, row)
	}
	return out
}

func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// startOfWeek is the Monday of t's week.
func startOfWeek(t time.Time, loc *time.Location) time.Time {
	d := startOfDay(t, loc)
	off := (int(d.Weekday()) + 6) % 7
	return d.AddDate(0, 0, -off)
}

// dayGroup is one day of a list of entries with its total.
type dayGroup struct {
	Day     time.Time
	Entries []entryRow
	Total   time.Duration
}

func groupByDay(rows []entryRow) []dayGroup {
	var out []dayGroup
	for _, r := range rows {
		if n := len(out); n == 0 || !out[n-1].Day.Equal(r.DayStart) {
			out = append(out, dayGroup{Day: r.DayStart})
		}
		g := &out[len(out)-1]
		g.Entries = append(g.Entries, r)
		if !r.Running() {
			g.Total += r.Length
		}
	}
	return out
}

func total(rows []entryRow) (all, billable time.Duration) {
	for _, r := range rows {
		if r.Running() {
			continue
		}
		all += r.Length
		if r.Billable {
			billable += r.Length
		}
	}
	return
}

// weekDay is one day of the dashboard's week.
type weekDay struct {
	Day     time.Time
	Count   int
	Total   time.Duration
	IsToday bool
}

type dashboardData struct {
	Catalog    *catalog
	Running    *entryRow
	Today      []entryRow
	TodayTotal time.Duration // the running timer included
	// RunningToday is whether a timer started today runs: today's total
	// then includes it.
	RunningToday bool
	Week         []weekDay
	WeekTotal    time.Duration
	WeekStart    time.Time
	Now          time.Time
}

// GET /
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	return s.showDashboard(w, r, http.StatusOK, nil)
}

func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx, uid := r.Context(), userOf(r).ID
	cat, err := s.catalog(ctx, uid)
	if err != nil {
		return err
	}
	now := s.now()
	weekStart := startOfWeek(now, s.loc)
	es, err := s.store.FindEntries(ctx, uid, domain.EntryFilter{From: weekStart, To: weekStart.AddDate(0, 0, 7)})
	if err != nil {
		return internalf(err, "week entries")
	}
	d := dashboardData{Catalog: cat, WeekStart: weekStart, Now: now}
	// A timer that outlived the entry limit is stopped at it, and the
	// page says so.
	stopped, err := s.store.StopOverlongTimer(ctx, uid)
	if err != nil {
		return internalf(err, "stop overlong timer")
	}
	run, err := s.store.RunningTimer(ctx, uid)
	if err != nil {
		return internalf(err, "running timer")
	}
	if run != nil {
		rows := cat.rows([]domain.Entry{*run}, now, s.loc)
		d.Running = &rows[0]
	}
	// The running timer counts in today's total and in the week, up to
	// now, on the day it started (as every entry counts on its start day);
	// the Today list shows it in the timer card rather than twice.
	var finished []domain.Entry
	for _, e := range es {
		if !e.Running() {
			finished = append(finished, e)
		}
	}
	rows := cat.rows(finished, now, s.loc)
	counted := rows
	if d.Running != nil {
		counted = append(counted[:len(counted):len(counted)], *d.Running)
	}
	today := startOfDay(now, s.loc)
	for _, row := range rows {
		if row.DayStart.Equal(today) {
			d.Today = append(d.Today, row)
		}
	}
	for i := range 7 {
		day := weekStart.AddDate(0, 0, i)
		wd := weekDay{Day: day, IsToday: day.Equal(today)}
		for _, row := range counted {
			if row.DayStart.Equal(day) {
				wd.Count++
				wd.Total += row.Length
				d.WeekTotal += row.Length
				if wd.IsToday {
					d.TodayTotal += row.Length
				}
			}
		}
		d.Week = append(d.Week, wd)
	}
	d.RunningToday = d.Running != nil && d.Running.DayStart.Equal(today)
	if f == nil {
		f = newForm(nil)
	}
	p := &page{Title: "Dashboard", Nav: "dashboard", Form: f, Data: d}
	if stopped != nil {
		m := flashes["timer-capped"]
		p.Flash = &m
	}
	s.render(w, r, status, "dashboard", p)
	return nil
}

// POST /timer/start
func (s *Server) startTimer(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	f := newForm(r.PostForm)
	ctx, u := r.Context(), userOf(r)
	e := &domain.Entry{UserID: u.ID, Start: s.now().UTC(), Notes: strings.TrimSpace(r.PostForm.Get("notes"))}
	p, err := s.formProject(r, f, e)
	if err != nil {
		return err
	}
	if p != nil && p.Archived {
		f.Errors["project_id"] = "This project is archived. Restore it first, or pick another."
	}
	if !f.HasErrors() {
		if _, err := s.store.StopOverlongTimer(ctx, u.ID); err != nil {
			return internalf(err, "stop overlong timer")
		}
		err := s.store.StartTimer(ctx, e)
		switch {
		case domain.ErrorCode(err) == domain.ECONFLICT:
			f.Errors[""] = "A timer is running already. Stop it before starting another."
		case err != nil:
			if !f.Fail(err, "") {
				return internalf(err, "start timer")
			}
		default:
			s.capture(r, app.EventTimerStarted, analytics.Properties{
				"has_task": e.TaskID != nil, "has_notes": e.Notes != "", "billable": e.Billable,
				"has_tags": len(e.Tags) > 0,
			})
			return s.redirect(w, r, "/", "timer-started")
		}
	}
	return s.showDashboard(w, r, http.StatusUnprocessableEntity, f)
}

// POST /timer/stop
func (s *Server) stopTimer(w http.ResponseWriter, r *http.Request) error {
	// As in the API: the store takes now inside its transaction unless a
	// clock was configured (Config.Now, in tests).
	end := s.now().UTC() // to tell whether the timer was capped
	var at time.Time
	if s.cfg.Now != nil {
		at = end
	}
	e, err := s.store.StopTimer(r.Context(), userOf(r).ID, at)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return s.redirect(w, r, "/", "no-timer")
	} else if err != nil {
		return internalf(err, "stop timer")
	}
	s.capture(r, app.EventTimerStopped, analytics.Properties{"duration": e.Duration(s.now())})
	if e.End != nil && e.End.Before(end.Truncate(time.Microsecond)) {
		return s.redirect(w, r, "/", "timer-capped")
	}
	return s.redirect(w, r, "/", "timer-stopped")
}

// formProject reads project_id, task_id, billable, notes and, when the
// form has the field, tags (comma-separated) into e,
// recording problems with the input in f. It returns the project, or nil
// when the input names none of the user's. An error is a failure to check
// (the database down), never a problem with the input: the caller answers
// it as the 500 or 503 it is.
func (s *Server) formProject(r *http.Request, f *form, e *domain.Entry) (*domain.Project, error) {
	ctx, uid := r.Context(), userOf(r).ID
	if err := domain.CheckNotes(e.Notes); err != nil {
		f.Fail(err, "notes")
	}
	if r.PostForm.Has("tags") {
		tags, err := domain.SplitTags(r.PostForm.Get("tags"))
		if err != nil {
			f.Fail(err, "tags")
		}
		e.Tags = tags
	}
	pid, _ := strconv.ParseInt(r.PostForm.Get("project_id"), 10, 64)
	var tid *int64
	if v := r.PostForm.Get("task_id"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		tid = &id
	}
	p, err := domain.CheckEntryRefs(ctx, s.store, uid, pid, tid)
	if domain.ErrorField(err) == "task_id" {
		// The project is fine; only the task is not: keep the project.
		f.Fail(err, "task_id")
		if p, err = domain.CheckEntryRefs(ctx, s.store, uid, pid, nil); err != nil {
			return nil, err
		}
		tid = nil
	} else if domain.ErrorCode(err) == domain.EINVALID {
		f.Fail(err, "project_id")
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	e.ProjectID = p.ID
	e.Billable = p.Billable
	if b := r.PostForm.Get("billable"); b != "" {
		e.Billable = b == "on" || b == "true" || b == "1"
	} else if r.PostForm.Has("billable_shown") {
		e.Billable = false // the checkbox was on the form and left unticked
	}
	e.TaskID = tid
	return p, nil
}

type entriesData struct {
	Catalog   *catalog
	Filter    entriesFilter
	Days      []dayGroup
	Total     time.Duration
	Billable  time.Duration
	Count     int
	Truncated bool
	Today     time.Time
}

type entriesFilter struct {
	From, To                           string // as typed, 2006-01-02
	ProjectID, ClientID, TaskID, TagID int64
	Billable                           string // "", "true" or "false"
	// Query is the filter as an encoded query string. It is typed as a
	// URL so that html/template normalizes rather than re-escapes it after
	// the "?" of an href or action (re-escaping turned "&" into "%26" and
	// lost the filter when an entry was added).
	Query template.URL
}

// entriesLimit bounds one page of the entries list.
const entriesLimit = 500

// GET /entries?from&to&project_id&client_id&task_id&tag_id&billable
func (s *Server) entriesPage(w http.ResponseWriter, r *http.Request) error {
	return s.showEntries(w, r, http.StatusOK, nil)
}

func (s *Server) showEntries(w http.ResponseWriter, r *http.Request, status int, add *form) error {
	ctx, uid := r.Context(), userOf(r).ID
	q := r.URL.Query()
	ff := newForm(q)
	now := s.now()
	var ef domain.EntryFilter
	d := entriesData{Today: startOfDay(now, s.loc)}
	// Without a range the list shows the last 30 days.
	from, to := q.Get("from"), q.Get("to")
	if from == "" && to == "" {
		to = now.In(s.loc).Format(time.DateOnly)
		from = startOfDay(now, s.loc).AddDate(0, 0, -29).Format(time.DateOnly)
	}
	if t, ok := s.parseDate(from); ok {
		ef.From = t
	} else if from != "" {
		ff.Errors["from"] = "Use a date like 2026-03-01."
	}
	if t, ok := s.parseDate(to); ok {
		ef.To = t.AddDate(0, 0, 1)
	} else if to != "" {
		ff.Errors["to"] = "Use a date like 2026-03-31."
	}
	if !ef.From.IsZero() && !ef.To.IsZero() && !ef.To.After(ef.From) {
		ff.Errors["to"] = "The end date must not be before the start date."
	}
	if err := s.parseFilters(r, q, &ef); err != nil {
		if !ff.Fail(err, "") {
			return err
		}
	}
	ef.Limit = entriesLimit + 1
	d.Filter = entriesFilter{From: from, To: to, ProjectID: ef.ProjectID, ClientID: ef.ClientID, TaskID: ef.TaskID, TagID: ef.TagID}
	fq := url.Values{"from": {from}, "to": {to}}
	addFilters(fq, ef)
	d.Filter.Billable = fq.Get("billable")
	d.Filter.Query = template.URL(fq.Encode()) // Encode escapes every value

	cat, err := s.catalog(ctx, uid)
	if err != nil {
		return err
	}
	d.Catalog = cat
	if !ff.HasErrors() {
		es, err := s.store.FindEntries(ctx, uid, ef)
		if err != nil {
			return internalf(err, "entries")
		}
		if len(es) > entriesLimit {
			es, d.Truncated = es[:entriesLimit], true
		}
		rows := cat.rows(es, now, s.loc)
		d.Count = len(rows)
		d.Days = groupByDay(rows)
		d.Total, d.Billable = total(rows)
	}
	if add == nil {
		add = newForm(url.Values{"date": {now.In(s.loc).Format(time.DateOnly)}})
	}
	// Both forms on one page: the filter's errors go under "filter.".
	for k, v := range ff.Errors {
		add.Errors["filter."+k] = v
	}
	if ff.HasErrors() && status == http.StatusOK {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "entries", &page{Title: "Entries", Nav: "entries", Form: add, Data: d})
	return nil
}

// parseDate reads a 2006-01-02 date as midnight in the page's zone.
func (s *Server) parseDate(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(time.DateOnly, v, s.loc)
	if err != nil || t.Year() < 1900 || t.Year() > 9999 {
		return time.Time{}, false
	}
	return t, true
}

// parseSpan reads the date, start and end fields of an entry form. An end
// before the start is on the next day (work past midnight).
func (s *Server) parseSpan(f *form, v url.Values) (start, end time.Time, ok bool) {
	day, dok := s.parseDate(v.Get("date"))
	if !dok {
		f.Errors["date"] = "Enter the date, like 2026-03-01."
	}
	st, sok := parseClock(v.Get("start"))
	if !sok {
		f.Errors["start"] = "Enter the start time, like 09:00."
	}
	en, eok := parseClock(v.Get("end"))
	if !eok {
		f.Errors["end"] = "Enter the end time, like 17:30."
	}
	if !dok || !sok || !eok {
		return
	}
	start = time.Date(day.Year(), day.Month(), day.Day(), st/60, st%60, 0, 0, s.loc)
	end = time.Date(day.Year(), day.Month(), day.Day(), en/60, en%60, 0, 0, s.loc)
	if en == st {
		f.Errors["end"] = "The end time must differ from the start time."
		return
	}
	if en < st {
		end = end.AddDate(0, 0, 1)
	}
	return start.UTC(), end.UTC(), true
}

// parseClock reads "15:04" (or "15:04:05") as minutes after midnight.
func parseClock(v string) (int, bool) {
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
			return t.Hour()*60 + t.Minute(), true
		}
	}
	return 0, false
}

// POST /entries
func (s *Server) createEntry(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	f := newForm(r.PostForm)
	u := userOf(r)
	e := &domain.Entry{UserID: u.ID, Notes: strings.TrimSpace(r.PostForm.Get("notes"))}
	if _, err := s.formProject(r, f, e); err != nil {
		return err
	}
	start, end, ok := s.parseSpan(f, r.PostForm)
	if ok {
		e.Start, e.End = start, &end
	}
	if !f.HasErrors() {
		if err := s.store.CreateEntry(r.Context(), e); err != nil {
			if !f.Fail(err, "") {
				return internalf(err, "create entry")
			}
		} else {
			ws, err := app.OverlapWarnings(r, s.store, e)
			if err != nil {
				return internalf(err, "overlapping entries")
			}
			s.capture(r, app.EventEntryCreated, analytics.Properties{
				"has_task": e.TaskID != nil, "has_notes": e.Notes != "", "billable": e.Billable,
				"duration": e.Duration(s.now()), "overlaps": len(ws) > 0, "has_tags": len(e.Tags) > 0,
			})
			flash := "entry-created"
			if len(ws) > 0 {
				flash = "entry-created-overlap"
			}
			return s.redirect(w, r, "/entries?"+r.URL.RawQuery, flash)
		}
	}
	return s.showEntries(w, r, http.StatusUnprocessableEntity, f)
}

type editEntryData struct {
	Catalog *catalog
	Entry   entryRow
}

// GET /entries/{id}/edit
func (s *Server) editEntryPage(w http.ResponseWriter, r *http.Request) error {
	e, err := s.findEntry(r)
	if err != nil {
		return err
	}
	v := url.Values{
		"project_id": {strconv.FormatInt(e.ProjectID, 10)},
		"date":       {e.Start.In(s.loc).Format(time.DateOnly)},
		"start":      {e.Start.In(s.loc).Format("15:04")},
		"notes":      {e.Notes},
	}
	if e.TaskID != nil {
		v.Set("task_id", strconv.FormatInt(*e.TaskID, 10))
	}
	if e.End != nil {
		v.Set("end", e.End.In(s.loc).Format("15:04"))
	}
	if e.Billable {
		v.Set("billable", "on")
	}
	v.Set("tags", strings.Join(e.Tags, ", "))
	return s.showEditEntry(w, r, http.StatusOK, e, newForm(v))
}

func (s *Server) showEditEntry(w http.ResponseWriter, r *http.Request, status int, e *domain.Entry, f *form) error {
	cat, err := s.catalog(r.Context(), userOf(r).ID)
	if err != nil {
		return err
	}
	row := cat.rows([]domain.Entry{*e}, s.now(), s.loc)[0]
	s.render(w, r, status, "entry", &page{Title: "Edit entry", Nav: "entries", Form: f, Data: editEntryData{Catalog: cat, Entry: row}})
	return nil
}

func (s *Server) findEntry(r *http.Request) (*domain.Entry, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	e, err := s.store.FindEntry(r.Context(), userOf(r).ID, id)
	return e, internalf(err, "find entry")
}

// POST /entries/{id}
func (s *Server) updateEntry(w http.ResponseWriter, r *http.Request) error {
	e, err := s.findEntry(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	f := newForm(r.PostForm)
	upd := *e
	upd.Notes = strings.TrimSpace(r.PostForm.Get("notes"))
	if _, err := s.formProject(r, f, &upd); err != nil {
		return err
	}
	if e.Running() {
		// A running timer has no end yet: only its start can move.
		day, dok := s.parseDate(r.PostForm.Get("date"))
		st, sok := parseClock(r.PostForm.Get("start"))
		switch {
		case !dok:
			f.Errors["date"] = "Enter the date, like 2026-03-01."
		case !sok:
			f.Errors["start"] = "Enter the start time, like 09:00."
		default:
			upd.Start = time.Date(day.Year(), day.Month(), day.Day(), st/60, st%60, 0, 0, s.loc).UTC()
			if upd.Start.After(s.now()) {
				f.Errors["start"] = "A running timer cannot start in the future."
			}
		}
	} else if start, end, ok := s.parseSpan(f, r.PostForm); ok {
		upd.Start, upd.End = start, &end
	}
	if !f.HasErrors() {
		if err := s.store.UpdateEntry(r.Context(), &upd); err != nil {
			if !f.Fail(err, "") {
				return internalf(err, "update entry")
			}
		} else {
			ws, err := app.OverlapWarnings(r, s.store, &upd)
			if err != nil {
				return internalf(err, "overlapping entries")
			}
			flash := "entry-updated"
			if len(ws) > 0 {
				flash = "entry-updated-overlap"
			}
			return s.redirect(w, r, backTo(r, "/entries"), flash)
		}
	}
	return s.showEditEntry(w, r, http.StatusUnprocessableEntity, e, f)
}

// POST /entries/{id}/delete
func (s *Server) deleteEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteEntry(r.Context(), userOf(r).ID, id); err != nil {
		return internalf(err, "delete entry")
	}
	return s.redirect(w, r, backTo(r, "/entries"), "entry-deleted")
}

// backTo returns the local page a form asked to return to (its "back"
// field), or def.
func backTo(r *http.Request, def string) string {
	if b := r.PostFormValue("back"); b != "" {
		if n := safeNext(b); n != "/" || b == "/" {
			return n
		}
	}
	return def
}

// pathID reads the {id} of the route; a malformed ID is a 404 like an
// unknown one.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Errorf(domain.ENOTFOUND, "Not found.")
	}
	return id, nil
}

// POST /entries/{id}/continue starts the timer with the entry's project,
// task, notes, tags and billable flag, and shows the dashboard.
func (s *Server) continueEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := app.ContinueEntry(r.Context(), s.store, userOf(r).ID, id, s.now())
	switch {
	case domain.ErrorCode(err) == domain.ECONFLICT:
		f := newForm(nil)
		f.Errors[""] = "A timer is running already. Stop it before starting another."
		return s.showDashboard(w, r, http.StatusConflict, f)
	case domain.ErrorCode(err) == domain.EINVALID:
		f := newForm(nil)
		f.Errors[""] = "This entry's project is archived. Restore it first to continue its work."
		return s.showDashboard(w, r, http.StatusUnprocessableEntity, f)
	case err != nil:
		return err
	}
	s.capture(r, app.EventTimerStarted, analytics.Properties{
		"has_task": e.TaskID != nil, "has_notes": e.Notes != "", "billable": e.Billable, "continued": true,
		"has_tags": len(e.Tags) > 0,
	})
	return s.redirect(w, r, "/", "timer-started")
}
