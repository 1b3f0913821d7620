package api

import (
	"net/http"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
)

// POST /entries/{id}/continue starts the timer now with the entry's
// project, task, notes, tags and billable flag. The entry itself is unchanged.
// 409 when a timer runs already, 400 on project_id when the project is
// archived.
func (a *API) continueEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if r.ContentLength > 0 {
		var in struct{}
		if err := decode(w, r, &in); err != nil {
			return err
		}
	}
	e, err := app.ContinueEntry(r.Context(), a.store, user(r).ID, id, a.now())
	if err != nil {
		return internal(err, "continue entry")
	}
	a.capture(r, app.EventTimerStarted, analytics.Properties{
		"has_task": e.TaskID != nil, "has_notes": e.Notes != "", "billable": e.Billable, "source": "api", "continued": true,
		"has_tags": len(e.Tags) > 0,
	})
	writeJSON(w, http.StatusCreated, timerResponse{Running: true, Entry: e})
	return nil
}
