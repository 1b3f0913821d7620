package api

import (
	"log/slog"
	"net/http"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/logging"
)

// testErrorResponse says what happened to the test error.
type testErrorResponse struct {
	Reported bool   `json:"reported"`       // error tracking is on and took the event
	EventID  string `json:"event_id"`       // Sentry's event ID, when reported
	Message  string `json:"message"`        // what to look for
	Note     string `json:"note,omitempty"` // why it was not reported
}

// POST /admin/test-error: an admin checks that error tracking works. The
// error is reported like any other (with the request ID, route and user
// ID); the answer says whether it was queued.
func (a *API) testError(w http.ResponseWriter, r *http.Request) error {
	if user(r).Role != domain.RoleAdmin {
		return domain.Errorf(domain.EFORBIDDEN, "Only an administrator may send a test error.")
	}
	a.log.LogAttrs(r.Context(), slog.LevelError, "sending a test error to error tracking", logging.Err(app.ErrTest))
	res := testErrorResponse{Message: app.ErrTest.Error()}
	if a.errors != nil {
		res.EventID = a.errors.Capture(r.Context(), app.ErrTest)
	}
	res.Reported = res.EventID != ""
	if !res.Reported {
		res.Note = "Error tracking is off (SENTRY_DSN is not set) or its queue is full."
	}
	writeJSON(w, http.StatusAccepted, res)
	return nil
}
