package app

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
