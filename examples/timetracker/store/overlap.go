package store

import (
	"context"
	"fmt"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// maxOverlaps bounds the overlapping entries one check reports.
const maxOverlaps = 20

// Overlapping returns the IDs of the user's entries, other than exceptID
// (zero for none), whose span meets [start, end) by more than an instant,
// earliest first, at most 20. An entry that ends where another starts does
// not overlap it. A running timer spans from its start to now; a zero end
// also means now.
func (db *DB) Overlapping(ctx context.Context, userID int64, start, end time.Time, exceptID int64) ([]int64, error) {
	ids, err := overlapping(ctx, db.q(), userID, start, end, exceptID, norm(db.now()))
	if err != nil {
		return nil, fmt.Errorf("store: overlapping entries: %w", err)
	}
	return ids, nil
}

func overlapping(ctx context.Context, x q, userID int64, start, end time.Time, exceptID int64, now time.Time) ([]int64, error) {
	if end.IsZero() {
		end = now
	}
	rows, err := x.query(ctx, `SELECT id FROM entries
		WHERE user_id = ? AND id <> ? AND start_at < ? AND COALESCE(end_at, ?) > ?
		ORDER BY start_at, id LIMIT ?`,
		userID, exceptID, x.ts(norm(end)), x.ts(now), x.ts(norm(start)), maxOverlaps)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// refuseOverlap is the check CreateEntry and UpdateEntry make, in their
// transaction, when RefuseOverlaps is set: ECONFLICT on start, naming the
// first entry in the way.
func (db *DB) refuseOverlap(ctx context.Context, x q, e *domain.Entry, now time.Time) error {
	if !db.RefuseOverlaps {
		return nil
	}
	var end time.Time
	if e.End != nil {
		end = *e.End
	}
	ids, err := overlapping(ctx, x, e.UserID, e.Start, end, e.ID, now)
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		return &domain.Error{Code: domain.ECONFLICT, Field: "start",
			Message: fmt.Sprintf("This entry overlaps another of your entries (entry %d); overlapping entries are not accepted here.", ids[0])}
	}
	return nil
}
