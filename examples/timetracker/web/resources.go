package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

type clientRow struct {
	domain.Client
	Projects int
}

// Rate is the client's rate as its form field shows it.
func (c clientRow) Rate() string { return rateValue(c.HourlyRate) }

type clientsData struct {
	Clients []clientRow
	// EditID is the client whose rename failed, so that its row shows
	// the error and the typed name.
	EditID   int64
	Currency string
}

// GET /clients
func (s *Server) clientsPage(w http.ResponseWriter, r *http.Request) error {
	return s.showClients(w, r, http.StatusOK, nil, 0)
}

func (s *Server) showClients(w http.ResponseWriter, r *http.Request, status int, f *form, editID int64) error {
	cat, err := s.catalog(r.Context(), userOf(r).ID)
	if err != nil {
		return err
	}
	d := clientsData{EditID: editID, Currency: s.currency()}
	for _, c := range cat.Clients {
		row := clientRow{Client: c}
		for _, p := range cat.Projects {
			if p.ClientID != nil && *p.ClientID == c.ID {
				row.Projects++
			}
		}
		d.Clients = append(d.Clients, row)
	}
	s.render(w, r, status, "clients", &page{Title: "Clients", Nav: "clients", Form: f, Data: d})
	return nil
}

// readRate reads an hourly rate field of f (empty: none), recording a
// problem with it under field.
func readRate(f *form, field string) *domain.Cents {
	c, msg := parseRateField(f.Get(field))
	if msg != "" {
		f.Errors[field] = msg
	}
	return c
}

// checkName trims a name field and records a problem with it in f.
func checkName(f *form, field, what string) string {
	v, err := domain.CleanName(field, what, f.Get(field))
	if err != nil {
		f.Errors[field] = domain.ErrorMessage(err)
		return strings.TrimSpace(f.Get(field))
	}
	return v
}

// POST /clients
func (s *Server) createClient(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	f := newForm(r.PostForm)
	c := &domain.Client{UserID: userOf(r).ID, Name: checkName(f, "name", "client")}
	c.HourlyRate = readRate(f, "hourly_rate")
	if !f.HasErrors() {
		err := s.store.CreateClient(r.Context(), c)
		if err == nil {
			s.capture(r, app.EventClientCreated, nil)
			return s.redirect(w, r, "/clients", "client-created")
		}
		if !f.Fail(err, "name") {
			return internalf(err, "create client")
		}
	}
	return s.showClients(w, r, http.StatusUnprocessableEntity, f, 0)
}

// POST /clients/{id}: rename
func (s *Server) updateClient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.store.FindClient(r.Context(), userOf(r).ID, id)
	if err != nil {
		return internalf(err, "find client")
	}
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	// The rename form's field is named after the row, so that the labels
	// and error messages of several rows stay apart.
	f := newForm(url.Values{"rename": {r.PostForm.Get("name")}, "rerate": {r.PostForm.Get("hourly_rate")}})
	c.Name = checkName(f, "rename", "client")
	if r.PostForm.Has("hourly_rate") {
		// A form without the field leaves the rate as it is.
		c.HourlyRate = readRate(f, "rerate")
	}
	if !f.HasErrors() {
		err := s.store.UpdateClient(r.Context(), c)
		if err == nil {
			return s.redirect(w, r, "/clients", "client-updated")
		}
		if !f.Fail(err, "rename") {
			return internalf(err, "update client")
		}
		if msg, ok := f.Errors["name"]; ok {
			delete(f.Errors, "name")
			f.Errors["rename"] = msg
		}
		if msg, ok := f.Errors["hourly_rate"]; ok {
			delete(f.Errors, "hourly_rate")
			f.Errors["rerate"] = msg
		}
	}
	return s.showClients(w, r, http.StatusUnprocessableEntity, f, c.ID)
}

// POST /clients/{id}/delete
func (s *Server) deleteClient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteClient(r.Context(), userOf(r).ID, id); err != nil {
		return internalf(err, "delete client")
	}
	return s.redirect(w, r, "/clients", "client-deleted")
}

type projectRow struct {
	domain.Project
	Client string
	Tasks  int
}

type projectsData struct {
	Currency string
	Clients  []domain.Client
	Active   []projectRow
	Archived []projectRow
}

// GET /projects
func (s *Server) projectsPage(w http.ResponseWriter, r *http.Request) error {
	return s.showProjects(w, r, http.StatusOK, nil)
}

func (s *Server) showProjects(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	cat, err := s.catalog(r.Context(), userOf(r).ID)
	if err != nil {
		return err
	}
	d := projectsData{Clients: cat.Clients, Currency: s.currency()}
	for _, p := range cat.Projects {
		row := projectRow{Project: p}
		if p.ClientID != nil && cat.client[*p.ClientID] != nil {
			row.Client = cat.client[*p.ClientID].Name
		}
		for _, t := range cat.Tasks {
			if t.ProjectID == p.ID {
				row.Tasks++
			}
		}
		if p.Archived {
			d.Archived = append(d.Archived, row)
		} else {
			d.Active = append(d.Active, row)
		}
	}
	if f == nil {
		f = newForm(url.Values{"billable": {"on"}})
	}
	s.render(w, r, status, "projects", &page{Title: "Projects", Nav: "projects", Form: f, Data: d})
	return nil
}

// readProject reads the project form (name, client_id, billable) into p,
// recording problems with the input in f. An error is a failure to check
// the client (the database down), not a problem with the input.
func (s *Server) readProject(r *http.Request, f *form, p *domain.Project) error {
	p.Name = checkName(f, "name", "project")
	p.Billable = f.Get("billable") != ""
	if _, ok := f.Values["hourly_rate"]; ok || p.ID == 0 {
		// An edit form without the field leaves the rate as it is.
		p.HourlyRate = readRate(f, "hourly_rate")
	}
	p.ClientID = nil
	if v := f.Get("client_id"); v != "" {
		cid, _ := strconv.ParseInt(v, 10, 64)
		err := domain.CheckClientRef(r.Context(), s.store, p.UserID, &cid)
		switch {
		case domain.ErrorCode(err) == domain.EINVALID:
			f.Fail(err, "client_id")
		case err != nil:
			return err
		default:
			p.ClientID = &cid
		}
	}
	return nil
}

// POST /projects
func (s *Server) createProject(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	f := newForm(r.PostForm)
	p := &domain.Project{UserID: userOf(r).ID}
	if err := s.readProject(r, f, p); err != nil {
		return err
	}
	if !f.HasErrors() {
		err := s.store.CreateProject(r.Context(), p)
		if err == nil {
			s.capture(r, app.EventProjectCreated, analytics.Properties{"billable": p.Billable, "has_client": p.ClientID != nil})
			return s.redirect(w, r, "/projects/"+strconv.FormatInt(p.ID, 10), "project-created")
		}
		if !f.Fail(err, "name") {
			return internalf(err, "create project")
		}
	}
	return s.showProjects(w, r, http.StatusUnprocessableEntity, f)
}

type projectData struct {
	Currency string
	Project  domain.Project
	Client   string
	Clients  []domain.Client
	Tasks    []domain.Task
	Total    time.Duration
	Billable time.Duration
	Entries  int
}

func (s *Server) findProject(r *http.Request) (*domain.Project, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p, err := s.store.FindProject(r.Context(), userOf(r).ID, id)
	return p, internalf(err, "find project")
}

// GET /projects/{id}
func (s *Server) projectPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.findProject(r)
	if err != nil {
		return err
	}
	v := url.Values{"name": {p.Name}, "client_id": {ptrString(p.ClientID)}, "hourly_rate": {rateValue(p.HourlyRate)}}
	if p.Billable {
		v.Set("billable", "on")
	}
	return s.showProject(w, r, http.StatusOK, p, newForm(v))
}

func ptrString(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

func (s *Server) showProject(w http.ResponseWriter, r *http.Request, status int, p *domain.Project, f *form) error {
	ctx, uid := r.Context(), userOf(r).ID
	cat, err := s.catalog(ctx, uid)
	if err != nil {
		return err
	}
	d := projectData{Project: *p, Clients: cat.Clients, Currency: s.currency()}
	if p.ClientID != nil && cat.client[*p.ClientID] != nil {
		d.Client = cat.client[*p.ClientID].Name
	}
	for _, t := range cat.Tasks {
		if t.ProjectID == p.ID {
			d.Tasks = append(d.Tasks, t)
		}
	}
	es, err := s.store.FindEntries(ctx, uid, domain.EntryFilter{ProjectID: p.ID})
	if err != nil {
		return internalf(err, "project entries")
	}
	d.Entries = len(es)
	d.Total, d.Billable = total(cat.rows(es, s.now(), s.locOf(r)))
	s.render(w, r, status, "project", &page{Title: p.Name, Nav: "projects", Form: f, Data: d})
	return nil
}

// POST /projects/{id}: name, client, billable
func (s *Server) updateProject(w http.ResponseWriter, r *http.Request) error {
	p, err := s.findProject(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	f := newForm(r.PostForm)
	upd := *p
	if err := s.readProject(r, f, &upd); err != nil {
		return err
	}
	if !f.HasErrors() {
		err := s.store.UpdateProject(r.Context(), &upd)
		if err == nil {
			return s.redirect(w, r, "/projects/"+strconv.FormatInt(p.ID, 10), "project-updated")
		}
		if !f.Fail(err, "name") {
			return internalf(err, "update project")
		}
	}
	return s.showProject(w, r, http.StatusUnprocessableEntity, p, f)
}

// POST /projects/{id}/archive: archived=true or false
func (s *Server) archiveProject(w http.ResponseWriter, r *http.Request) error {
	p, err := s.findProject(r)
	if err != nil {
		return err
	}
	p.Archived = r.PostFormValue("archived") == "true"
	if err := s.store.UpdateProject(r.Context(), p); err != nil {
		return internalf(err, "archive project")
	}
	flash := "project-restored"
	if p.Archived {
		flash = "project-archived"
	}
	return s.redirect(w, r, backTo(r, "/projects"), flash)
}

// POST /projects/{id}/delete
func (s *Server) deleteProject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteProject(r.Context(), userOf(r).ID, id); err != nil {
		return internalf(err, "delete project")
	}
	return s.redirect(w, r, "/projects", "project-deleted")
}

// POST /projects/{id}/tasks
func (s *Server) createTask(w http.ResponseWriter, r *http.Request) error {
	p, err := s.findProject(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	f := newForm(url.Values{"task_name": {r.PostForm.Get("task_name")}})
	t := &domain.Task{UserID: p.UserID, ProjectID: p.ID, Name: checkName(f, "task_name", "task")}
	if !f.HasErrors() {
		err := s.store.CreateTask(r.Context(), t)
		if err == nil {
			return s.redirect(w, r, "/projects/"+strconv.FormatInt(p.ID, 10), "task-created")
		}
		if !f.Fail(err, "task_name") {
			return internalf(err, "create task")
		}
		if msg, ok := f.Errors["name"]; ok {
			delete(f.Errors, "name")
			f.Errors["task_name"] = msg
		}
	}
	// Keep the project form as stored; only the task form failed.
	f.Values.Set("name", p.Name)
	f.Values.Set("client_id", ptrString(p.ClientID))
	if p.Billable {
		f.Values.Set("billable", "on")
	}
	return s.showProject(w, r, http.StatusUnprocessableEntity, p, f)
}

// POST /tasks/{id}: done=true|false (and name, when renaming)
func (s *Server) updateTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.store.FindTask(r.Context(), userOf(r).ID, id)
	if err != nil {
		return internalf(err, "find task")
	}
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	if v := r.PostForm.Get("done"); v != "" {
		t.Done = v == "true"
	}
	if n := strings.TrimSpace(r.PostForm.Get("name")); n != "" {
		t.Name = n
	}
	if err := s.store.UpdateTask(r.Context(), t); err != nil {
		if domain.ErrorCode(err) == domain.EINVALID {
			return domain.Errorf(domain.EINVALID, "%s", humanMessage(domain.ErrorField(err), domain.ErrorMessage(err)))
		}
		return internalf(err, "update task")
	}
	return s.redirect(w, r, "/projects/"+strconv.FormatInt(t.ProjectID, 10), "task-updated")
}

// POST /tasks/{id}/delete
func (s *Server) deleteTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.store.FindTask(r.Context(), userOf(r).ID, id)
	if err != nil {
		return internalf(err, "find task")
	}
	if err := s.store.DeleteTask(r.Context(), t.UserID, t.ID); err != nil {
		return internalf(err, "delete task")
	}
	return s.redirect(w, r, "/projects/"+strconv.FormatInt(t.ProjectID, 10), "task-deleted")
}
