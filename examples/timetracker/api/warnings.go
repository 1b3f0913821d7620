package api

import (
	"net/http"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// entryResponse is a saved entry with its warnings, the entry's fields
// inline so that clients that ignore warnings read it as before.
type entryResponse struct {
	*domain.Entry
	Warnings []app.Warning `json:"warnings,omitempty"`
}

// withWarnings adds a warning for each entry that e, just saved,
// overlaps (the installation may refuse them instead; see
// store.DB.RefuseOverlaps).
func (a *API) withWarnings(r *http.Request, e *domain.Entry) (entryResponse, error) {
	ws, err := app.OverlapWarnings(r, a.store, e)
	if err != nil {
		return entryResponse{}, internal(err, "overlapping entries")
	}
	return entryResponse{Entry: e, Warnings: ws}, nil
}
