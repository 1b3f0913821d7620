package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// timerResponse is the state of the caller's timer.
type timerResponse struct {
	Running bool          `json:"running"`
	Entry   *domain.Entry `json:"entry"`
	// Notice tells that a timer was stopped at the longest entry allowed.
	Notice string `json:"notice,omitempty"`
}

// GET /timer. A timer that has outlived the entry limit is stopped at it,
// and the answer says so.
func (a *API) getTimer(w http.ResponseWriter, r *http.Request) error {
	stopped, err := a.store.StopOverlongTimer(r.Context(), user(r).ID)
	if err != nil {
		return internal(err, "stop overlong timer")
	}
	if stopped != nil {
		writeJSON(w, http.StatusOK, timerResponse{Running: false, Entry: stopped, Notice: app.TimerCappedNotice})
		return nil
	}
	e, err := a.store.RunningTimer(r.Context(), user(r).ID)
	if err != nil {
		return internal(err, "running timer")
	}
	writeJSON(w, http.StatusOK, timerResponse{Running: e != nil, Entry: e})
	return nil
}

// POST /timer/start {project_id, task_id?, notes?, billable?, tags?}
func (a *API) startTimer(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ProjectID int64    `json:"project_id"`
		TaskID    *int64   `json:"task_id"`
		Notes     string   `json:"notes"`
		Billable  *bool    `json:"billable"`
		Tags      []string `json:"tags"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p, err := domain.CheckEntryRefs(r.Context(), a.store, user(r).ID, in.ProjectID, in.TaskID)
	if err != nil {
		return err
	}
	if err := domain.CheckNotes(in.Notes); err != nil {
		return err
	}
	tags, err := domain.CleanTags(in.Tags)
	if err != nil {
		return err
	}
	// A forgotten timer past the limit does not block a new one.
	stopped, err := a.store.StopOverlongTimer(r.Context(), user(r).ID)
	if err != nil {
		return internal(err, "stop overlong timer")
	}
	e := &domain.Entry{
		UserID:    user(r).ID,
		ProjectID: p.ID,
		TaskID:    in.TaskID,
		Start:     a.now().UTC(),
		Notes:     in.Notes,
		Billable:  p.Billable,
		Tags:      tags,
	}
	if in.Billable != nil {
		e.Billable = *in.Billable
	}
	if err := a.store.StartTimer(r.Context(), e); err != nil {
		return internal(err, "start timer")
	}
	a.capture(r, app.EventTimerStarted, analytics.Properties{
		"has_task": e.TaskID != nil, "has_notes": e.Notes != "", "billable": e.Billable, "source": "api",
		"has_tags": len(e.Tags) > 0,
	})
	res := timerResponse{Running: true, Entry: e}
	if stopped != nil {
		res.Notice = app.TimerCappedNotice
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

// POST /timer/stop
func (a *API) stopTimer(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength > 0 {
		// A body is allowed but must be an empty JSON object.
		var in struct{}
		if err := decode(w, r, &in); err != nil {
			return err
		}
	}
	// A stop names no end: the store takes now inside its transaction, so
	// a start racing this stop can never make it fail on "end". Only a
	// clock set in Options.Now (tests) is passed on.
	end := a.now().UTC() // to tell whether the timer was capped
	var at time.Time
	if a.clockSet {
		at = end
	}
	e, err := a.store.StopTimer(r.Context(), user(r).ID, at)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return domain.Errorf(domain.ENOTFOUND, "No timer is running.")
	} else if err != nil {
		return internal(err, "stop timer")
	}
	a.capture(r, app.EventTimerStopped, analytics.Properties{"duration": e.Duration(a.now()), "source": "api"})
	res := timerResponse{Running: false, Entry: e}
	if e.End != nil && e.End.Before(end.Truncate(time.Microsecond)) {
		res.Notice = app.TimerCappedNotice
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// GET /entries?from&to&project_id&client_id&task_id&tag_id&billable&limit
func (a *API) listEntries(w http.ResponseWriter, r *http.Request) error {
	var f domain.EntryFilter
	var err error
	if f.From, err = parseTimeParam(r, "from", false); err != nil {
		return err
	}
	if f.To, err = parseTimeParam(r, "to", true); err != nil {
		return err
	}
	if err := a.filters(r, &f); err != nil {
		return err
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 10_000 {
			return domain.FieldError("limit", "Use a number from 1 to 10000.")
		}
		f.Limit = n
	}
	es, err := a.store.FindEntries(r.Context(), user(r).ID, f)
	if err != nil {
		return internal(err, "list entries")
	}
	writeJSON(w, http.StatusOK, nonNil(es))
	return nil
}

// POST /entries {project_id, task_id?, start, end, notes?, billable?, tags?}
func (a *API) createEntry(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ProjectID int64      `json:"project_id"`
		TaskID    *int64     `json:"task_id"`
		Start     *timestamp `json:"start"`
		End       *timestamp `json:"end"`
		Notes     string     `json:"notes"`
		Billable  *bool      `json:"billable"`
		Tags      []string   `json:"tags"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p, err := domain.CheckEntryRefs(r.Context(), a.store, user(r).ID, in.ProjectID, in.TaskID)
	if err != nil {
		return err
	}
	if in.Start == nil {
		return domain.FieldError("start", "Start is required (RFC 3339).")
	}
	if in.End == nil {
		return domain.FieldError("end", "End is required (RFC 3339); use the timer for running entries.")
	}
	if !in.End.After(in.Start.Time) {
		return domain.FieldError("end", "End must be after start.")
	}
	if err := domain.CheckNotes(in.Notes); err != nil {
		return err
	}
	tags, err := domain.CleanTags(in.Tags)
	if err != nil {
		return err
	}
	end := in.End.UTC()
	e := &domain.Entry{
		UserID:    user(r).ID,
		ProjectID: p.ID,
		TaskID:    in.TaskID,
		Start:     in.Start.UTC(),
		End:       &end,
		Notes:     in.Notes,
		Billable:  p.Billable,
		Tags:      tags,
	}
	if in.Billable != nil {
		e.Billable = *in.Billable
	}
	if err := a.store.CreateEntry(r.Context(), e); err != nil {
		return internal(err, "create entry")
	}
	res, err := a.withWarnings(r, e)
	if err != nil {
		return err
	}
	a.capture(r, app.EventEntryCreated, analytics.Properties{
		"has_task": e.TaskID != nil, "has_notes": e.Notes != "", "billable": e.Billable,
		"duration": e.Duration(a.now()), "source": "api", "overlaps": len(res.Warnings) > 0,
		"has_tags": len(e.Tags) > 0,
	})
	writeJSON(w, http.StatusCreated, res)
	return nil
}

// GET /entries/{id}
func (a *API) getEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := a.store.FindEntry(r.Context(), user(r).ID, id)
	if err != nil {
		return internal(err, "find entry")
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// PATCH /entries/{id} {project_id?, task_id? (null clears), start?, end?, notes?, billable?, tags? (replaces the set; null or [] clears it)}
func (a *API) patchEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		ProjectID *int64             `json:"project_id"`
		TaskID    nullable[int64]    `json:"task_id"`
		Start     *timestamp         `json:"start"`
		End       *timestamp         `json:"end"`
		Notes     *string            `json:"notes"`
		Billable  *bool              `json:"billable"`
		Tags      nullable[[]string] `json:"tags"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	e, err := a.store.FindEntry(r.Context(), user(r).ID, id)
	if err != nil {
		return internal(err, "find entry")
	}
	if in.ProjectID != nil {
		if *in.ProjectID != e.ProjectID && !in.TaskID.Set {
			e.TaskID = nil // the old task belongs to the old project
		}
		e.ProjectID = *in.ProjectID
	}
	if in.TaskID.Set {
		e.TaskID = in.TaskID.Value
	}
	if in.ProjectID != nil || (in.TaskID.Set && e.TaskID != nil) {
		if _, err := domain.CheckEntryRefs(r.Context(), a.store, user(r).ID, e.ProjectID, e.TaskID); err != nil {
			return err
		}
	}
	if in.Start != nil {
		e.Start = in.Start.UTC()
	}
	if in.End != nil {
		if e.End == nil {
			return domain.FieldError("end", "Stop the running timer instead of setting its end.")
		}
		end := in.End.UTC()
		e.End = &end
	}
	if e.End != nil && !e.End.After(e.Start) {
		return domain.FieldError("end", "End must be after start.")
	}
	if in.Notes != nil {
		if err := domain.CheckNotes(*in.Notes); err != nil {
			return err
		}
		e.Notes = *in.Notes
	}
	if in.Billable != nil {
		e.Billable = *in.Billable
	}
	if in.Tags.Set {
		var names []string
		if in.Tags.Value != nil {
			names = *in.Tags.Value
		}
		if e.Tags, err = domain.CleanTags(names); err != nil {
			return err
		}
	}
	if err := a.store.UpdateEntry(r.Context(), e); err != nil {
		return internal(err, "update entry")
	}
	res, err := a.withWarnings(r, e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// DELETE /entries/{id}
func (a *API) deleteEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteEntry(r.Context(), user(r).ID, id); err != nil {
		return internal(err, "delete entry")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
