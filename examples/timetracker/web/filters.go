package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// parseFilters reads the entry filters of q (project, client, task, tag,
// billable) into f, as the API does: a malformed value, or the ID of
// anything not the user's, is EINVALID naming its parameter.
func (s *Server) parseFilters(r *http.Request, q url.Values, f *domain.EntryFilter) error {
	if err := app.ParseFilters(q, f); err != nil {
		return err
	}
	return app.CheckFilterRefs(r.Context(), s.store, userOf(r).ID, *f)
}

// addFilters sets f's filters in q, so that links keep them.
func addFilters(q url.Values, f domain.EntryFilter) {
	for name, id := range map[string]int64{"project_id": f.ProjectID, "client_id": f.ClientID, "task_id": f.TaskID, "tag_id": f.TagID} {
		if id > 0 {
			q.Set(name, strconv.FormatInt(id, 10))
		}
	}
	if f.Billable != nil {
		q.Set("billable", strconv.FormatBool(*f.Billable))
	}
}
