package api

import (
	"net/http"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// GET /clients
func (a *API) listClients(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.store.FindClients(r.Context(), user(r).ID)
	if err != nil {
		return internal(err, "list clients")
	}
	writeJSON(w, http.StatusOK, nonNil(cs))
	return nil
}

// POST /clients {name}
func (a *API) createClient(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name       string        `json:"name"`
		HourlyRate *domain.Cents `json:"hourly_rate"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c := &domain.Client{UserID: user(r).ID, Name: in.Name, HourlyRate: in.HourlyRate}
	if err := a.store.CreateClient(r.Context(), c); err != nil {
		return internal(err, "create client")
	}
	a.capture(r, app.EventClientCreated, analytics.Properties{"source": "api"})
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// GET /clients/{id}
func (a *API) getClient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.store.FindClient(r.Context(), user(r).ID, id)
	if err != nil {
		return internal(err, "find client")
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// PATCH /clients/{id} {name?}
func (a *API) patchClient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Name       *string                `json:"name"`
		HourlyRate nullable[domain.Cents] `json:"hourly_rate"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := a.store.FindClient(r.Context(), user(r).ID, id)
	if err != nil {
		return internal(err, "find client")
	}
	if in.Name != nil {
		c.Name = *in.Name
	}
	if in.HourlyRate.Set {
		c.HourlyRate = in.HourlyRate.Value
	}
	if err := a.store.UpdateClient(r.Context(), c); err != nil {
		return internal(err, "update client")
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// DELETE /clients/{id}
func (a *API) deleteClient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteClient(r.Context(), user(r).ID, id); err != nil {
		return internal(err, "delete client")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /projects?archived=true
func (a *API) listProjects(w http.ResponseWriter, r *http.Request) error {
	archived := r.URL.Query().Get("archived")
	if archived != "" && archived != "true" && archived != "false" {
		return domain.FieldError("archived", "Use true or false.")
	}
	ps, err := a.store.FindProjects(r.Context(), user(r).ID, archived == "true")
	if err != nil {
		return internal(err, "list projects")
	}
	writeJSON(w, http.StatusOK, nonNil(ps))
	return nil
}

// POST /projects {name, client_id?, billable?}
func (a *API) createProject(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name       string        `json:"name"`
		ClientID   *int64        `json:"client_id"`
		Billable   bool          `json:"billable"`
		HourlyRate *domain.Cents `json:"hourly_rate"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := domain.CheckClientRef(r.Context(), a.store, user(r).ID, in.ClientID); err != nil {
		return err
	}
	p := &domain.Project{UserID: user(r).ID, Name: in.Name, ClientID: in.ClientID, Billable: in.Billable, HourlyRate: in.HourlyRate}
	if err := a.store.CreateProject(r.Context(), p); err != nil {
		return internal(err, "create project")
	}
	a.capture(r, app.EventProjectCreated, analytics.Properties{"billable": p.Billable, "has_client": p.ClientID != nil, "source": "api"})
	writeJSON(w, http.StatusCreated, p)
	return nil
}

// GET /projects/{id}
func (a *API) getProject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := a.store.FindProject(r.Context(), user(r).ID, id)
	if err != nil {
		return internal(err, "find project")
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// PATCH /projects/{id} {name?, client_id? (null clears), billable?, archived?}
func (a *API) patchProject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Name     *string         `json:"name"`
		ClientID nullable[int64] `json:"client_id"`
		Billable *bool           `json:"billable"`
		Archived *bool           `json:"archived"`
		// HourlyRate null clears the project's rate: its client's, else
		// the user's, applies.
		HourlyRate nullable[domain.Cents] `json:"hourly_rate"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p, err := a.store.FindProject(r.Context(), user(r).ID, id)
	if err != nil {
		return internal(err, "find project")
	}
	if in.Name != nil {
		p.Name = *in.Name
	}
	if in.ClientID.Set {
		if err := domain.CheckClientRef(r.Context(), a.store, user(r).ID, in.ClientID.Value); err != nil {
			return err
		}
		p.ClientID = in.ClientID.Value
	}
	if in.Billable != nil {
		p.Billable = *in.Billable
	}
	if in.Archived != nil {
		p.Archived = *in.Archived
	}
	if in.HourlyRate.Set {
		p.HourlyRate = in.HourlyRate.Value
	}
	if err := a.store.UpdateProject(r.Context(), p); err != nil {
		return internal(err, "update project")
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// DELETE /projects/{id}
func (a *API) deleteProject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteProject(r.Context(), user(r).ID, id); err != nil {
		return internal(err, "delete project")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /tasks?project_id=
func (a *API) listTasks(w http.ResponseWriter, r *http.Request) error {
	pid, err := queryID(r, "project_id")
	if err != nil {
		return err
	}
	ts, err := a.store.FindTasks(r.Context(), user(r).ID, pid)
	if err != nil {
		return internal(err, "list tasks")
	}
	writeJSON(w, http.StatusOK, nonNil(ts))
	return nil
}

// POST /tasks {project_id, name}
func (a *API) createTask(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ProjectID int64  `json:"project_id"`
		Name      string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := domain.CheckEntryRefs(r.Context(), a.store, user(r).ID, in.ProjectID, nil); err != nil {
		return err
	}
	t := &domain.Task{UserID: user(r).ID, ProjectID: in.ProjectID, Name: in.Name}
	if err := a.store.CreateTask(r.Context(), t); err != nil {
		return internal(err, "create task")
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

// GET /tasks/{id}
func (a *API) getTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := a.store.FindTask(r.Context(), user(r).ID, id)
	if err != nil {
		return internal(err, "find task")
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// PATCH /tasks/{id} {name?, done?, project_id?}
func (a *API) patchTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Name      *string `json:"name"`
		Done      *bool   `json:"done"`
		ProjectID *int64  `json:"project_id"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := a.store.FindTask(r.Context(), user(r).ID, id)
	if err != nil {
		return internal(err, "find task")
	}
	if in.ProjectID != nil {
		if _, err := domain.CheckEntryRefs(r.Context(), a.store, user(r).ID, *in.ProjectID, nil); err != nil {
			return err
		}
		t.ProjectID = *in.ProjectID
	}
	if in.Name != nil {
		t.Name = *in.Name
	}
	if in.Done != nil {
		t.Done = *in.Done
	}
	if err := a.store.UpdateTask(r.Context(), t); err != nil {
		return internal(err, "update task")
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// DELETE /tasks/{id}
func (a *API) deleteTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteTask(r.Context(), user(r).ID, id); err != nil {
		return internal(err, "delete task")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
