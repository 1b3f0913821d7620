package app

import (
	"context"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// ContinueEntry starts the user's timer at now with the project, task,
// notes, tags and billable flag of their entry id, which stays as it is:
// ENOTFOUND for an entry not theirs, ECONFLICT when a timer runs, and
// EINVALID on project_id when its project is archived (the store's rules
// for a timer). A timer that outlived the entry limit is stopped first,
// as a start does.
func ContinueEntry(ctx context.Context, s domain.EntryService, userID, id int64, now time.Time) (*domain.Entry, error) {
	src, err := s.FindEntry(ctx, userID, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.StopOverlongTimer(ctx, userID); err != nil {
		return nil, err
	}
	e := &domain.Entry{UserID: userID, ProjectID: src.ProjectID, TaskID: src.TaskID, Notes: src.Notes, Billable: src.Billable, Start: now.UTC(),
		Tags: src.Tags}
	if err := s.StartTimer(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}
