package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

const entryColumns = "e.id, e.user_id, e.project_id, e.task_id, e.start_at, e.end_at, e.notes, e.billable, e.created_at, e.updated_at, e.hourly_rate"

// entrySelect is entryColumns and the entry's tags, as scanEntry reads
// them.
func (x q) entrySelect() string { return entryColumns + ", " + x.entryTagsCol() }

func scanEntry(row interface{ Scan(...any) error }) (*domain.Entry, error) {
	var e domain.Entry
	var task sql.NullInt64
	err := row.Scan(&e.ID, &e.UserID, &e.ProjectID, &task, timeCol{&e.Start}, nullTimeCol{&e.End},
		&e.Notes, &e.Billable, timeCol{&e.CreatedAt}, timeCol{&e.UpdatedAt}, rateCol{&e.HourlyRate}, tagsCol{&e.Tags})
	if err != nil {
		return nil, err
	}
	if task.Valid {
		e.TaskID = &task.Int64
	}
	return &e, nil
}

// checkEntry validates e's own fields and normalises its times.
func (db *DB) checkEntry(e *domain.Entry) error {
	if err := checkEntryFields(e); err != nil {
		return err
	}
	return e.CheckLength(db.maxEntry())
}

// checkEntryFields normalises e's times and tags and checks its own
// fields.
func checkEntryFields(e *domain.Entry) error {
	if !e.Start.IsZero() {
		e.Start = norm(e.Start)
	}
	if e.End != nil && !e.End.IsZero() {
		end := norm(*e.End)
		e.End = &end
	}
	if err := e.Validate(); err != nil {
		return err
	}
	tags, err := domain.CleanTags(e.Tags)
	e.Tags = tags
	return err
}

// checkEntryRefs checks, inside a transaction, that e's project is the
// user's and its task, if any, is in that project. It reports whether the
// project is archived.
func checkEntryRefs(ctx context.Context, x q, e *domain.Entry) (archived bool, err error) {
	p, err := domain.CheckEntryRefs(ctx, refs{x}, e.UserID, e.ProjectID, e.TaskID)
	if err != nil {
		return false, err
	}
	return p.Archived, nil
}

func insertEntry(ctx context.Context, x q, e *domain.Entry, now time.Time) error {
	rate, err := rateInForce(ctx, x, e.UserID, e.ProjectID)
	if err != nil {
		return err
	}
	e.HourlyRate = rate
	err = x.row(ctx, `INSERT INTO entries (user_id, project_id, task_id, start_at, end_at, notes, billable, hourly_rate, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.UserID, e.ProjectID, nullID(e.TaskID), x.ts(e.Start), x.tsPtr(e.End), e.Notes, e.Billable, rateArg(rate),
		x.ts(now), x.ts(now)).Scan(&e.ID)
	if err != nil {
		return err
	}
	e.Tags, err = setEntryTags(ctx, x, e.UserID, e.ID, e.Tags, now)
	return err
}

// CreateEntry stores e for e.UserID and sets its ID and stamps. Its tags
// are cleaned (domain.CleanTags, EINVALID on tags) and the user's tags
// missing among them created, in the same transaction. Its project
// must be the user's (else EINVALID on project_id) and its task, if any,
// one of that project's (else EINVALID on task_id). An entry without an
// end is a running timer, so it is ECONFLICT when one runs already.
func (db *DB) CreateEntry(ctx context.Context, e *domain.Entry) error {
	in := *e
	if err := db.checkEntry(&in); err != nil {
		return err
	}
	now := norm(db.now())
	err := db.inTx(ctx, func(x q) error {
		if _, err := checkEntryRefs(ctx, x, &in); err != nil {
			return err
		}
		if err := db.refuseOverlap(ctx, x, &in, now); err != nil {
			return err
		}
		return insertEntry(ctx, x, &in, now)
	})
	if err != nil {
		return mapErr(err, "create entry", "project_id")
	}
	in.CreatedAt, in.UpdatedAt = now, now
	*e = in
	return nil
}

// FindEntry returns the user's entry, or ENOTFOUND.
func (db *DB) FindEntry(ctx context.Context, userID, id int64) (*domain.Entry, error) {
	e, err := scanEntry(db.q().row(ctx, "SELECT "+db.q().entrySelect()+" FROM entries e WHERE e.id = ? AND e.user_id = ?", id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("entry")
	} else if err != nil {
		return nil, fmt.Errorf("store: find entry: %w", err)
	}
	return e, nil
}

// entryWhere is the SQL condition, on entries e, for the user's entries
// that pass f (its Limit aside), and its arguments. The client and tag
// filters are subqueries, so that no join multiplies the rows.
func (x q) entryWhere(userID int64, f domain.EntryFilter) (string, []any) {
	var b strings.Builder
	b.WriteString("e.user_id = ?")
	args := []any{userID}
	if !f.From.IsZero() {
		b.WriteString(" AND e.start_at >= ?")
		args = append(args, x.ts(norm(f.From)))
	}
	if !f.To.IsZero() {
		b.WriteString(" AND e.start_at < ?")
		args = append(args, x.ts(norm(f.To)))
	}
	if f.ProjectID != 0 {
		b.WriteString(" AND e.project_id = ?")
		args = append(args, f.ProjectID)
	}
	if f.ClientID != 0 {
		b.WriteString(" AND e.project_id IN (SELECT fp.id FROM projects fp WHERE fp.client_id = ? AND fp.user_id = ?)")
		args = append(args, f.ClientID, userID)
	}
	if f.TaskID != 0 {
		b.WriteString(" AND e.task_id = ?")
		args = append(args, f.TaskID)
	}
	if f.TagID != 0 {
		b.WriteString(" AND EXISTS (SELECT 1 FROM entry_tags ft WHERE ft.entry_id = e.id AND ft.tag_id = ?)")
		args = append(args, f.TagID)
	}
	if f.Billable != nil {
		b.WriteString(" AND e.billable = ?")
		args = append(args, *f.Billable)
	}
	return b.String(), args
}

// FindEntries returns the user's entries that pass f, latest start first.
// Running timers are included.
func (db *DB) FindEntries(ctx context.Context, userID int64, f domain.EntryFilter) ([]domain.Entry, error) {
	return findEntries(ctx, db.q(), userID, f)
}

func findEntries(ctx context.Context, x q, userID int64, f domain.EntryFilter) ([]domain.Entry, error) {
	var b strings.Builder
	where, args := x.entryWhere(userID, f)
	b.WriteString("SELECT " + x.entrySelect() + " FROM entries e WHERE " + where)
	b.WriteString(" ORDER BY e.start_at DESC, e.id DESC")
	if f.Limit > 0 {
		b.WriteString(" LIMIT ?")
		args = append(args, f.Limit)
	}
	rows, err := x.query(ctx, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("store: find entries: %w", err)
	}
	defer rows.Close()
	es := []domain.Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find entries: %w", err)
		}
		es = append(es, *e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find entries: %w", err)
	}
	return es, nil
}

// UpdateEntry saves e's project, task, start, end, notes, billable flag
// and tags (the set is replaced by e.Tags: nil removes every tag, so load
// the entry with FindEntry before changing it);
// e must be one of e.UserID's entries, else ENOTFOUND, and its references
// are checked as in CreateEntry. Clearing the end of a stopped entry turns
// it back into a running timer, which is ECONFLICT when another runs.
func (db *DB) UpdateEntry(ctx context.Context, e *domain.Entry) error {
	in := *e
	if err := db.checkEntry(&in); err != nil {
		return err
	}
	now := norm(db.now())
	err := db.inTx(ctx, func(x q) error {
		var one int
		err := x.row(ctx, "SELECT 1 FROM entries WHERE id = ? AND user_id = ?"+x.forUpdate(), in.ID, in.UserID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("entry")
		} else if err != nil {
			return err
		}
		if _, err := checkEntryRefs(ctx, x, &in); err != nil {
			return err
		}
		if err := db.refuseOverlap(ctx, x, &in, now); err != nil {
			return err
		}
		rate, err := rateInForce(ctx, x, in.UserID, in.ProjectID)
		if err != nil {
			return err
		}
		in.HourlyRate = rate
		err = x.row(ctx, `UPDATE entries SET project_id = ?, task_id = ?, start_at = ?, end_at = ?, notes = ?, billable = ?, hourly_rate = ?, updated_at = ?
			WHERE id = ? AND user_id = ? RETURNING created_at`,
			in.ProjectID, nullID(in.TaskID), x.ts(in.Start), x.tsPtr(in.End), in.Notes, in.Billable, rateArg(rate), x.ts(now),
			in.ID, in.UserID).Scan(timeCol{&in.CreatedAt})
		if err != nil {
			return err
		}
		in.Tags, err = setEntryTags(ctx, x, in.UserID, in.ID, in.Tags, now)
		return err
	})
	if err != nil {
		return mapErr(err, "update entry", "project_id")
	}
	in.UpdatedAt = now
	*e = in
	return nil
}

// DeleteEntry deletes one of the user's entries, running or not.
func (db *DB) DeleteEntry(ctx context.Context, userID, id int64) error {
	res, err := db.q().exec(ctx, "DELETE FROM entries WHERE id = ? AND user_id = ?", id, userID)
	if err != nil {
		return fmt.Errorf("store: delete entry: %w", err)
	}
	return mustAffect(res, "entry")
}

// StartTimer stores e as the user's running timer: e.End must be nil, a
// zero e.Start means now, and the project must not be archived. When a
// timer already runs it is ECONFLICT, decided by a unique index in the
// database so that it holds across processes.
func (db *DB) StartTimer(ctx context.Context, e *domain.Entry) error {
	if e.End != nil {
		return domain.FieldError("end", "a running timer has no end")
	}
	in := *e
	now := norm(db.now())
	if in.Start.IsZero() {
		in.Start = now
	}
	if err := db.checkEntry(&in); err != nil {
		return err
	}
	err := db.inTx(ctx, func(x q) error {
		archived, err := checkEntryRefs(ctx, x, &in)
		if err != nil {
			return err
		}
		if archived {
			return domain.FieldError("project_id", "the project is archived")
		}
		return insertEntry(ctx, x, &in, now)
	})
	if err != nil {
		return mapErr(err, "start timer", "project_id")
	}
	in.CreatedAt, in.UpdatedAt = now, now
	*e = in
	return nil
}

// StopTimer ends the user's running timer at end and returns it;
// ENOTFOUND when no timer runs, EINVALID on field end when an explicit end
// is before the timer's start. A timer that has run longer than MaxEntry
// is stopped at that length, not lost: the entry returned then ends
// before end, which callers tell the user.
//
// A zero end means now, and now is read inside the transaction, once the
// running timer is locked: a start that committed before the stop is then
// seen with a start no later than the stop's now, so a stop that named no
// end never fails on "end". (Clocks of several replicas may still differ
// by a little; such a timer is stopped at its own start.)
func (db *DB) StopTimer(ctx context.Context, userID int64, end time.Time) (*domain.Entry, error) {
	atNow := end.IsZero()
	if !atNow {
		if err := domain.CheckTime("end", end); err != nil {
			return nil, err
		}
		end = norm(end)
	}
	var stopped *domain.Entry
	err := db.inTx(ctx, func(x q) error {
		// The tags are read after the update: PostgreSQL locks no rows
		// of a query with an aggregate.
		running, err := scanEntry(x.row(ctx, "SELECT "+entryColumns+", NULL FROM entries e WHERE e.user_id = ? AND e.end_at IS NULL"+x.forUpdate(), userID))
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "no timer is running")
		} else if err != nil {
			return err
		}
		now := norm(db.now())
		stop := end
		if atNow {
			stop = now
			if stop.Before(running.Start) {
				stop = running.Start
			}
		} else if end.Before(running.Start) {
			return domain.FieldError("end", "must not be before start")
		}
		if limit := running.Start.Add(db.maxEntry()); stop.After(limit) {
			stop = limit
		}
		var id int64
		err = x.row(ctx, `UPDATE entries SET end_at = ?, updated_at = ?
			WHERE id = ? AND user_id = ? AND end_at IS NULL RETURNING id`,
			x.ts(stop), x.ts(now), running.ID, userID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "no timer is running") // stopped by another request meanwhile
		} else if err != nil {
			return err
		}
		stopped, err = scanEntry(x.row(ctx, "SELECT "+x.entrySelect()+" FROM entries e WHERE e.id = ?", id))
		return err
	})
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			return nil, err
		}
		return nil, fmt.Errorf("store: stop timer: %w", err)
	}
	return stopped, nil
}

// StopOverlongTimer stops the user's running timer if it has run longer
// than MaxEntry, at that length, and returns the stopped entry; nil when
// no timer runs or it is within the limit.
func (db *DB) StopOverlongTimer(ctx context.Context, userID int64) (*domain.Entry, error) {
	running, err := db.RunningTimer(ctx, userID)
	if err != nil || running == nil {
		return nil, err
	}
	now := norm(db.now())
	if now.Sub(running.Start) <= db.maxEntry() {
		return nil, nil
	}
	e, err := db.StopTimer(ctx, userID, now)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil // stopped meanwhile by another request
	}
	return e, err
}

// RunningTimer returns the user's running timer, or nil and no error.
func (db *DB) RunningTimer(ctx context.Context, userID int64) (*domain.Entry, error) {
	e, err := scanEntry(db.q().row(ctx, "SELECT "+db.q().entrySelect()+" FROM entries e WHERE e.user_id = ? AND e.end_at IS NULL", userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("store: running timer: %w", err)
	}
	return e, nil
}

// CountRunningTimers counts the running timers of all users, for the
// active-timers gauge.
func (db *DB) CountRunningTimers(ctx context.Context) (int64, error) {
	var n int64
	if err := db.q().row(ctx, "SELECT COUNT(*) FROM entries WHERE end_at IS NULL").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count running timers: %w", err)
	}
	return n, nil
}
