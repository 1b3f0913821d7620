package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// NoClientLabel labels the client report row of projects without a client;
// that row's key is "".
const NoClientLabel = "No client"

// Summary totals the user's finished entries that start in [from, to)
// (a zero bound is open), grouped by project, client or UTC day of the
// start. Rows come sorted by label, the "No client" row last, or by day.
// It is SummaryIn with time.UTC.
func (db *DB) Summary(ctx context.Context, userID int64, from, to time.Time, by domain.GroupBy) (*domain.Report, error) {
	return db.SummaryIn(ctx, userID, from, to, by, time.UTC)
}

// SummaryIn is Summary with days taken in loc: an entry counts on the date
// its start has in loc (nil means UTC). Day rows have the date,
// 2006-01-02, as key and label.
//
// Running timers are left out: a report describes recorded work, and one
// whose figures change from one second to the next cannot be reconciled
// with the CSV export of the same range. An entry counts whole, on the day
// of its start, even when it ends after to; each entry counts its whole
// seconds, so the totals are the sums of the rows.
//
// The sums are computed by the database, which reads them from one index
// (entries_report_idx) and sends one row per group and billable flag, so
// the cost grows with the entries in the range but nothing of them is
// copied out. Days in loc are computed without the database's own time
// zone rules, which SQLite lacks and PostgreSQL's may differ from Go's:
// the offsets loc has over the range are passed in, as a CASE on the start.
func (db *DB) SummaryIn(ctx context.Context, userID int64, from, to time.Time, by domain.GroupBy, loc *time.Location) (*domain.Report, error) {
	switch by {
	case domain.GroupByProject, domain.GroupByClient, domain.GroupByDay:
	default:
		return nil, domain.FieldError("group_by", "must be project, client or day")
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return nil, domain.FieldError("to", "must be after from")
	}
	if loc == nil {
		loc = time.UTC
	}
	x := db.q()
	where := "e.user_id = ? AND e.end_at IS NOT NULL"
	args := []any{userID}
	if !from.IsZero() {
		where += " AND e.start_at >= ?"
		args = append(args, x.ts(norm(from)))
	}
	if !to.IsZero() {
		where += " AND e.start_at < ?"
		args = append(args, x.ts(norm(to)))
	}
	secs := x.entrySeconds()
	// Seconds times cents per hour: rounded to cents per row, in Go.
	cs := secs + " * COALESCE(e.hourly_rate, 0)"
	var query string
	switch by {
	case domain.GroupByProject:
		query = `SELECT CAST(g.project_id AS TEXT), p.name, g.billable, g.secs, g.cs FROM (
			SELECT e.project_id, e.billable, SUM(` + secs + `) AS secs, SUM(` + cs + `) AS cs FROM entries e
			WHERE ` + where + ` GROUP BY e.project_id, e.billable) g
			JOIN projects p ON p.id = g.project_id`
	case domain.GroupByClient:
		query = `SELECT COALESCE(CAST(c.id AS TEXT), ''), COALESCE(c.name, ?), g.billable, SUM(g.secs), SUM(g.cs) FROM (
			SELECT e.project_id, e.billable, SUM(` + secs + `) AS secs, SUM(` + cs + `) AS cs FROM entries e
			WHERE ` + where + ` GROUP BY e.project_id, e.billable) g
			JOIN projects p ON p.id = g.project_id
			LEFT JOIN clients c ON c.id = p.client_id
			GROUP BY c.id, c.name, g.billable`
		args = append([]any{NoClientLabel}, args...)
	case domain.GroupByDay:
		dayArgs, err := db.dayOffsets(ctx, x, userID, from, to, loc)
		if err != nil {
			return nil, fmt.Errorf("store: summary: %w", err)
		}
		n := -1 // UTC
		if len(dayArgs) > 0 {
			n = (len(dayArgs) - 1) / 2
		}
		day := x.startDay(n)
		query = `SELECT ` + day + ` AS day, NULL, e.billable, SUM(` + secs + `), SUM(` + cs + `) FROM entries e
			WHERE ` + where + ` GROUP BY day, e.billable`
		args = append(dayArgs, args...)
	}
	rows, err := x.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: summary: %w", err)
	}
	defer rows.Close()

	rep := &domain.Report{GroupBy: by, Rows: []domain.ReportRow{}}
	if !from.IsZero() {
		rep.From = norm(from)
	}
	if !to.IsZero() {
		rep.To = norm(to)
	}
	groups := map[string]int{} // key to index in rep.Rows
	var centSecs []int64       // by row: billable seconds times rate
	for rows.Next() {
		var (
			key      string
			label    sql.NullString
			billable bool
			n, c     int64
		)
		if err := rows.Scan(&key, &label, &billable, &n, &c); err != nil {
			return nil, fmt.Errorf("store: summary: %w", err)
		}
		if by == domain.GroupByDay {
			label.String = key
		}
		i, ok := groups[key]
		if !ok {
			i = len(rep.Rows)
			groups[key] = i
			rep.Rows = append(rep.Rows, domain.ReportRow{Key: key, Label: label.String})
			centSecs = append(centSecs, 0)
		}
		g := &rep.Rows[i]
		g.Seconds += n
		rep.Seconds += n
		if billable {
			g.BillableSeconds += n
			rep.BillableSeconds += n
			centSecs[i] += c
		}
	}
	for i := range rep.Rows {
		rep.Rows[i].Amount = domain.CentSeconds(centSecs[i])
		rep.Amount += rep.Rows[i].Amount
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: summary: %w", err)
	}
	slices.SortFunc(rep.Rows, func(a, b domain.ReportRow) int {
		if by == domain.GroupByDay {
			return strings.Compare(a.Key, b.Key)
		}
		// The no-client row, the only one with an empty key, goes last.
		if (a.Key == "") != (b.Key == "") {
			if a.Key == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(
			strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)),
			strings.Compare(a.Label, b.Label),
			cmp.Compare(len(a.Key), len(b.Key)),
			strings.Compare(a.Key, b.Key),
		)
	})
	return rep, nil
}

// entrySeconds is the SQL for an entry's whole seconds, end minus start
// truncated, exactly as Go's int64(end.Sub(start)/time.Second). SQLite
// times are fixed-width text: whole seconds from the first 19 characters,
// less one when the end's microseconds are below the start's. The SQLite
// text is also the last column of entries_report_idx (migration 005), from
// which SQLite reads it instead of computing it: change both together.
func (x q) entrySeconds() string {
	if x.dialect == Postgres {
		return "CAST(floor(EXTRACT(EPOCH FROM e.end_at - e.start_at)) AS BIGINT)"
	}
	return "(unixepoch(substr(e.end_at, 1, 19)) - unixepoch(substr(e.start_at, 1, 19)) - (substr(e.end_at, 21, 6) < substr(e.start_at, 21, 6)))"
}

// startDay is the SQL for the date of an entry's start, 2006-01-02, in a
// zone given as n boundaries and n+1 offsets in seconds (see dayOffsets):
// the arguments boundary0, offset0, ..., offsetN come first. With no
// arguments at all (n < 0) the zone is UTC.
func (x q) startDay(n int) string {
	if n < 0 {
		if x.dialect == Postgres {
			return "to_char(e.start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
		}
		return "substr(e.start_at, 1, 10)"
	}
	off := "?"
	if x.dialect == Postgres {
		off = "CAST(? AS INTEGER)"
	}
	var b strings.Builder
	if n == 0 {
		b.WriteString(off) // one offset over the whole range
	} else {
		b.WriteString("CASE")
		for range n {
			b.WriteString(" WHEN e.start_at < ? THEN " + off)
		}
		b.WriteString(" ELSE " + off + " END")
	}
	if x.dialect == Postgres {
		return "to_char((e.start_at AT TIME ZONE 'UTC') + (" + b.String() + ") * INTERVAL '1 second', 'YYYY-MM-DD')"
	}
	return "date(e.start_at, " + b.String() + ")"
}

// dayOffsets returns the arguments of startDay for loc over [from, to): each
// instant where loc's offset changes, followed by the offset in force before
// it, and the last offset. Open bounds are closed at the user's first and
// last finished entry. SQLite offsets are date() modifiers.
func (db *DB) dayOffsets(ctx context.Context, x q, userID int64, from, to time.Time, loc *time.Location) ([]any, error) {
	arg := func(off int) any {
		if x.dialect == Postgres {
			return off
		}
		return fmt.Sprintf("%+d seconds", off)
	}
	if loc == time.UTC {
		return nil, nil
	}
	if from.IsZero() || to.IsZero() {
		var first, last *time.Time
		err := x.row(ctx, "SELECT MIN(start_at), MAX(start_at) FROM entries WHERE user_id = ? AND end_at IS NOT NULL", userID).
			Scan(nullTimeCol{&first}, nullTimeCol{&last})
		if err != nil {
			return nil, err
		}
		if first == nil {
			return nil, nil // no entries: nothing to group
		}
		if from.IsZero() {
			from = *first
		}
		if to.IsZero() {
			to = last.Add(time.Second)
		}
	}
	var args []any
	t := from.In(loc)
	for {
		_, off := t.Zone()
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(to) {
			return append(args, arg(off)), nil
		}
		args = append(args, x.ts(norm(end)), arg(off))
		t = end.In(loc)
	}
}

// EachReportEntry calls fn with each of the user's entries that start in
// [from, to) (a zero bound is open), running timers too, latest first (as
// FindEntries) or oldest first, with the names of their project, client
// and task. The rows are read as the database sends them and fn sees one
// at a time, its argument reused for the next, so memory stays bounded
// whatever the range holds. It stops at fn's first error and returns it.
//
// The query holds a connection, and on SQLite a read snapshot, until the
// last row, so fn should not wait on anything slower than its writer.
func (db *DB) EachReportEntry(ctx context.Context, userID int64, from, to time.Time, oldestFirst bool, fn func(*domain.ReportEntry) error) error {
	x := db.q()
	var b strings.Builder
	b.WriteString("SELECT " + entryColumns + `, p.name, COALESCE(c.name, ''), COALESCE(t.name, '')
		FROM entries e
		JOIN projects p ON p.id = e.project_id
		LEFT JOIN clients c ON c.id = p.client_id
		LEFT JOIN tasks t ON t.id = e.task_id
		WHERE e.user_id = ?`)
	args := []any{userID}
	if !from.IsZero() {
		b.WriteString(" AND e.start_at >= ?")
		args = append(args, x.ts(norm(from)))
	}
	if !to.IsZero() {
		b.WriteString(" AND e.start_at < ?")
		args = append(args, x.ts(norm(to)))
	}
	if oldestFirst {
		b.WriteString(" ORDER BY e.start_at, e.id")
	} else {
		b.WriteString(" ORDER BY e.start_at DESC, e.id DESC")
	}
	rows, err := x.query(ctx, b.String(), args...)
	if err != nil {
		return fmt.Errorf("store: report entries: %w", err)
	}
	defer rows.Close()
	var (
		re   domain.ReportEntry
		task sql.NullInt64
	)
	for rows.Next() {
		e := &re.Entry
		e.TaskID, e.End = nil, nil
		err := rows.Scan(&e.ID, &e.UserID, &e.ProjectID, &task, timeCol{&e.Start}, nullTimeCol{&e.End},
			&e.Notes, &e.Billable, timeCol{&e.CreatedAt}, timeCol{&e.UpdatedAt}, rateCol{&e.HourlyRate}, &re.Project, &re.Client, &re.Task)
		if err != nil {
			return fmt.Errorf("store: report entries: %w", err)
		}
		if task.Valid {
			id := task.Int64
			e.TaskID = &id
		}
		if err := fn(&re); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: report entries: %w", err)
	}
	return nil
}

// Export gathers everything stored about the user (R1): the account
// without its password hash, tokens without their hashes, clients,
// projects (archived too), tasks, entries (latest first) and the privacy
// choice. It reads in one transaction, so the parts agree with each other.
// Sessions are left out: they hold nothing but hashes and expiry times.
func (db *DB) Export(ctx context.Context, userID int64) (*domain.Export, error) {
	ex := &domain.Export{}
	err := db.inTx(ctx, func(x q) error {
		u, err := scanUser(x.row(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", userID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("user")
		} else if err != nil {
			return err
		}
		u.PasswordHash = ""
		ex.User = *u
		ex.Consent.AnalyticsOptOut = u.AnalyticsOptOut
		if ex.Tokens, err = findTokens(ctx, x, userID); err != nil {
			return err
		}
		if ex.Clients, err = findClients(ctx, x, userID); err != nil {
			return err
		}
		if ex.Projects, err = findProjects(ctx, x, userID, true); err != nil {
			return err
		}
		if ex.Tasks, err = findTasks(ctx, x, userID, 0); err != nil {
			return err
		}
		ex.Entries, err = findEntries(ctx, x, userID, domain.EntryFilter{})
		return err
	})
	if err != nil {
		return nil, mapErr(err, "export", "")
	}
	ex.ExportedAt = norm(db.now())
	return ex, nil
}
