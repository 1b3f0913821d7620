package api

import (
	"net/http"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// WarningOverlap is the code of the warning that a saved entry overlaps
// another of the user's entries.
const WarningOverlap = "overlap"

// Warning is something a request did that was accepted but deserves a
// look: for an entry, another entry its span overlaps.
type Warning struct {
	Code    string `json:"code"`
	EntryID int64  `json:"entry_id,omitempty"`
}

// entryResponse is a saved entry with its warnings, the entry's fields
// inline so that clients that ignore warnings read it as before.
type entryResponse struct {
	*domain.Entry
	Warnings []Warning `json:"warnings,omitempty"`
}

// withWarnings adds a warning for each entry that e, just saved,
// overlaps (the installation may refuse them instead; see
// store.DB.RefuseOverlaps).
func (a *API) withWarnings(r *http.Request, e *domain.Entry) (entryResponse, error) {
	ws, err := OverlapWarnings(r, a.store, e)
	if err != nil {
		return entryResponse{}, internal(err, "overlapping entries")
	}
	return entryResponse{Entry: e, Warnings: ws}, nil
}

// OverlapWarnings lists the entries e overlaps as warnings; nil when none.
func OverlapWarnings(r *http.Request, s domain.EntryService, e *domain.Entry) ([]Warning, error) {
	var end time.Time
	if e.End != nil {
		end = *e.End
	}
	ids, err := s.Overlapping(r.Context(), e.UserID, e.Start, end, e.ID)
	if err != nil {
		return nil, err
	}
	var ws []Warning
	for _, id := range ids {
		ws = append(ws, Warning{Code: WarningOverlap, EntryID: id})
	}
	return ws, nil
}
