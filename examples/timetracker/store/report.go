package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// NoClientLabel labels the client report row of projects without a client;
// that row's key is "".
const NoClientLabel = "No client"

// Labels of the rows of entries without a client, a task or a tag; those
// rows' key is "".
const (
	NoTaskLabel = "No task"
	NoTagLabel  = "No tag"
)

// Summary totals the user's finished entries that start in [from, to)
// (a zero bound is open), grouped as by says, with days in UTC. It is
// [DB.Report] with only those fields of the filter set.
func (db *DB) Summary(ctx context.Context, userID int64, from, to time.Time, by domain.GroupBy) (*domain.Report, error) {
	return db.SummaryIn(ctx, userID, from, to, by, time.UTC)
}

// SummaryIn is Summary with days, weeks and months taken in loc.
func (db *DB) SummaryIn(ctx context.Context, userID int64, from, to time.Time, by domain.GroupBy, loc *time.Location) (*domain.Report, error) {
	return db.Report(ctx, userID, domain.ReportFilter{
		EntryFilter: domain.EntryFilter{From: from, To: to}, GroupBy: by, Location: loc})
}

// Report totals the user's finished entries that pass f's filters (see
// [domain.EntryFilter]; its Limit is ignored), grouped by project (each
// row broken down by task in Tasks), client, task, tag, or the day, ISO
// week (Monday to Sunday) or month of the start in f.Location (nil is
// UTC). Rows come sorted by label, the row of entries without a client,
// task or tag (key "") last, or by date. Day rows have the date,
// 2006-01-02, as key and label; week rows the date of their Monday as key
// and the ISO week, 2006-W01, as label; month rows 2006-01 as both.
//
// Running timers are left out: a report describes recorded work, and one
// whose figures change from one second to the next cannot be reconciled
// with the CSV export of the same range. An entry counts whole, on the day
// of its start, even when it ends after To; each entry counts its whole
// seconds, so the totals are the sums of the rows, but for one grouping:
// by tag, an entry with two tags counts in both rows, and the totals are
// those of the entries themselves, each counted once (the rows may then
// add up to more than the total).
//
// The sums are computed by the database, which reads them from one index
// (entries_report_idx) and sends one row per group and billable flag, so
// the cost grows with the entries in the range but nothing of them is
// copied out. Days in a location are computed without the database's own
// time zone rules, which SQLite lacks and PostgreSQL's may differ from
// Go's: the offsets loc has over the range are passed in, as a CASE on the
// start, so weeks and months follow the same local dates across a change
// of daylight saving time.
func (db *DB) Report(ctx context.Context, userID int64, f domain.ReportFilter) (*domain.Report, error) {
	by := f.GroupBy
	if !slices.Contains(domain.GroupBys, by) {
		return nil, domain.FieldError("group_by", "must be one of project, client, task, tag, day, week or month")
	}
	from, to := f.From, f.To
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return nil, domain.FieldError("to", "must be after from")
	}
	loc := f.Location
	if loc == nil {
		loc = time.UTC
	}
	x := db.q()
	query, args, where, err := db.reportQuery(ctx, x, userID, f, loc)
	if err != nil {
		return nil, err
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
	type taskSum struct {
		row      domain.TaskRow
		centSecs int64
	}
	tasks := map[string]map[string]*taskSum{} // by row key and task key
	for rows.Next() {
		var (
			key, subKey, subLabel string
			label                 sql.NullString
			billable              bool
			n, c                  int64
		)
		if err := rows.Scan(&key, &label, &subKey, &subLabel, &billable, &n, &c); err != nil {
			return nil, fmt.Errorf("store: summary: %w", err)
		}
		switch by {
		case domain.GroupByDay, domain.GroupByMonth:
			label.String = key
		case domain.GroupByWeek:
			label.String = isoWeekLabel(key)
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
		if by == domain.GroupByProject {
			if tasks[key] == nil {
				tasks[key] = map[string]*taskSum{}
			}
			ts := tasks[key][subKey]
			if ts == nil {
				ts = &taskSum{row: domain.TaskRow{Task: subLabel}}
				if subKey != "" {
					id, err := strconv.ParseInt(subKey, 10, 64)
					if err != nil {
						return nil, fmt.Errorf("store: summary: task key %q: %w", subKey, err)
					}
					ts.row.TaskID = &id
				}
				tasks[key][subKey] = ts
			}
			ts.row.Seconds += n
			if billable {
				ts.row.BillableSeconds += n
				ts.centSecs += c
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: summary: %w", err)
	}
	rows.Close()
	for i := range rep.Rows {
		r := &rep.Rows[i]
		r.Amount = domain.CentSeconds(centSecs[i])
		rep.Amount += r.Amount
		if by != domain.GroupByProject {
			continue
		}
		r.Tasks = []domain.TaskRow{}
		for _, ts := range tasks[r.Key] {
			ts.row.Amount = domain.CentSeconds(ts.centSecs)
			r.Tasks = append(r.Tasks, ts.row)
		}
		slices.SortFunc(r.Tasks, func(a, b domain.TaskRow) int {
			if (a.TaskID == nil) != (b.TaskID == nil) {
				if a.TaskID == nil {
					return 1
				}
				return -1
			}
			if a.TaskID == nil {
				return 0
			}
			return cmp.Or(
				strings.Compare(strings.ToLower(a.Task), strings.ToLower(b.Task)),
				strings.Compare(a.Task, b.Task),
				cmp.Compare(*a.TaskID, *b.TaskID),
			)
		})
	}
	if by == domain.GroupByTag {
		// An entry with several tags is in several rows: the totals are
		// the entries' own, each counted once.
		if err := db.reportTotals(ctx, x, where, args[1:], rep); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(rep.Rows, func(a, b domain.ReportRow) int {
		switch by {
		case domain.GroupByDay, domain.GroupByWeek, domain.GroupByMonth:
			return strings.Compare(a.Key, b.Key)
		}
		// The no-client, no-task or no-tag row, the only one with an
		// empty key, goes last.
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

// reportQuery is the SQL of Report for f, its arguments, and the
// condition on entries e that it sums (for the totals of a tag report,
// whose arguments are args[1:]).
func (db *DB) reportQuery(ctx context.Context, x q, userID int64, f domain.ReportFilter, loc *time.Location) (query string, args []any, where string, err error) {
	by, from, to := f.GroupBy, f.From, f.To
	ef := f.EntryFilter
	ef.Limit = 0
	where, args = x.entryWhere(userID, ef)
	where += " AND e.end_at IS NOT NULL"
	secs := x.entrySeconds()
	// Seconds times cents per hour: rounded to cents per row, in Go.
	cs := secs + " * COALESCE(e.hourly_rate, 0)"
	sums := "SUM(" + secs + ") AS secs, SUM(" + cs + ") AS cs"
	switch by {
	case domain.GroupByProject:
		query = `SELECT CAST(g.project_id AS TEXT), p.name, COALESCE(CAST(g.task_id AS TEXT), ''), COALESCE(t.name, ?), g.billable, g.secs, g.cs FROM (
			SELECT e.project_id, e.task_id, e.billable, ` + sums + ` FROM entries e
			WHERE ` + where + ` GROUP BY e.project_id, e.task_id, e.billable) g
			JOIN projects p ON p.id = g.project_id
			LEFT JOIN tasks t ON t.id = g.task_id`
		args = append([]any{NoTaskLabel}, args...)
	case domain.GroupByClient:
		query = `SELECT COALESCE(CAST(c.id AS TEXT), ''), COALESCE(c.name, ?), '', '', g.billable, SUM(g.secs), SUM(g.cs) FROM (
			SELECT e.project_id, e.billable, ` + sums + ` FROM entries e
			WHERE ` + where + ` GROUP BY e.project_id, e.billable) g
			JOIN projects p ON p.id = g.project_id
			LEFT JOIN clients c ON c.id = p.client_id
			GROUP BY c.id, c.name, g.billable`
		args = append([]any{NoClientLabel}, args...)
	case domain.GroupByTask:
		// A task's label names its project too: two projects may each
		// have a task called "Design".
		query = `SELECT COALESCE(CAST(g.task_id AS TEXT), ''), COALESCE(tp.name || ' / ' || t.name, ?), '', '', g.billable, g.secs, g.cs FROM (
			SELECT e.task_id, e.billable, ` + sums + ` FROM entries e
			WHERE ` + where + ` GROUP BY e.task_id, e.billable) g
			LEFT JOIN tasks t ON t.id = g.task_id
			LEFT JOIN projects tp ON tp.id = t.project_id`
		args = append([]any{NoTaskLabel}, args...)
	case domain.GroupByTag:
		query = `SELECT COALESCE(CAST(g.tag_id AS TEXT), ''), COALESCE(tg.name, ?), '', '', g.billable, g.secs, g.cs FROM (
			SELECT et.tag_id, e.billable, ` + sums + ` FROM entries e
			LEFT JOIN entry_tags et ON et.entry_id = e.id
			WHERE ` + where + ` GROUP BY et.tag_id, e.billable) g
			LEFT JOIN tags tg ON tg.id = g.tag_id`
		args = append([]any{NoTagLabel}, args...)
	case domain.GroupByDay, domain.GroupByWeek, domain.GroupByMonth:
		dayArgs, err := db.dayOffsets(ctx, x, userID, from, to, loc)
		if err != nil {
			return "", nil, "", fmt.Errorf("store: summary: %w", err)
		}
		n := -1 // UTC
		if len(dayArgs) > 0 {
			n = (len(dayArgs) - 1) / 2
		}
		period := x.startPeriod(by, n)
		query = `SELECT ` + period + ` AS period, NULL, '', '', e.billable, ` + sums + ` FROM entries e
			WHERE ` + where + ` GROUP BY period, e.billable`
		args = append(dayArgs, args...)
	}
	return query, args, where, nil
}

// reportTotals sets rep's totals from the entries passing where, each
// counted once, the amount rounded to the cent once.
func (db *DB) reportTotals(ctx context.Context, x q, where string, args []any, rep *domain.Report) error {
	secs := x.entrySeconds()
	rows, err := x.query(ctx, `SELECT e.billable, SUM(`+secs+`), SUM(`+secs+` * COALESCE(e.hourly_rate, 0)) FROM entries e
		WHERE `+where+` GROUP BY e.billable`, args...)
	if err != nil {
		return fmt.Errorf("store: summary totals: %w", err)
	}
	defer rows.Close()
	rep.Seconds, rep.BillableSeconds, rep.Amount = 0, 0, 0
	for rows.Next() {
		var billable bool
		var n, c int64
		if err := rows.Scan(&billable, &n, &c); err != nil {
			return fmt.Errorf("store: summary totals: %w", err)
		}
		rep.Seconds += n
		if billable {
			rep.BillableSeconds += n
			rep.Amount = domain.CentSeconds(c)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: summary totals: %w", err)
	}
	return nil
}

// isoWeekLabel writes the ISO week of a Monday given as 2006-01-02, as
// 2006-W01.
func isoWeekLabel(monday string) string {
	t, err := time.Parse(time.DateOnly, monday)
	if err != nil {
		return monday
	}
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
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

// startPeriod is the SQL for the day (2006-01-02), the Monday of the ISO
// week (2006-01-02) or the month (2006-01) of an entry's start, in a zone
// given as n boundaries and n+1 offsets in seconds (see dayOffsets): the
// arguments boundary0, offset0, ..., offsetN come first. With no
// arguments at all (n < 0) the zone is UTC.
func (x q) startPeriod(by domain.GroupBy, n int) string {
	var off string // the offset in force at the entry's start
	if n >= 0 {
		one := "?"
		if x.dialect == Postgres {
			one = "CAST(? AS INTEGER)"
		}
		var b strings.Builder
		if n == 0 {
			b.WriteString(one) // one offset over the whole range
		} else {
			b.WriteString("CASE")
			for range n {
				b.WriteString(" WHEN e.start_at < ? THEN " + one)
			}
			b.WriteString(" ELSE " + one + " END")
		}
		off = b.String()
	}
	if x.dialect == Postgres {
		local := "(e.start_at AT TIME ZONE 'UTC')"
		if off != "" {
			local = "((e.start_at AT TIME ZONE 'UTC') + (" + off + ") * INTERVAL '1 second')"
		}
		switch by {
		case domain.GroupByWeek:
			return "to_char(date_trunc('week', " + local + "), 'YYYY-MM-DD')"
		case domain.GroupByMonth:
			return "to_char(" + local + ", 'YYYY-MM')"
		}
		return "to_char(" + local + ", 'YYYY-MM-DD')"
	}
	// SQLite: offsets are date() modifiers. Back six days, then on to the
	// next Monday (or the same day if it is one): the week's Monday.
	mods := ""
	if off != "" {
		mods = ", " + off
	}
	switch by {
	case domain.GroupByWeek:
		return "date(e.start_at" + mods + ", '-6 days', 'weekday 1')"
	case domain.GroupByMonth:
		if off == "" {
			return "substr(e.start_at, 1, 7)"
		}
		return "strftime('%Y-%m', e.start_at" + mods + ")"
	}
	if off == "" {
		return "substr(e.start_at, 1, 10)"
	}
	return "date(e.start_at" + mods + ")"
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
	return db.EachEntry(ctx, userID, domain.EntryFilter{From: from, To: to}, oldestFirst, fn)
}

// EachEntry is EachReportEntry for the entries that pass f (its Limit
// aside), with their tags.
func (db *DB) EachEntry(ctx context.Context, userID int64, f domain.EntryFilter, oldestFirst bool, fn func(*domain.ReportEntry) error) error {
	x := db.q()
	var b strings.Builder
	f.Limit = 0
	where, args := x.entryWhere(userID, f)
	b.WriteString("SELECT " + x.entrySelect() + `, p.name, COALESCE(c.name, ''), COALESCE(t.name, '')
		FROM entries e
		JOIN projects p ON p.id = e.project_id
		LEFT JOIN clients c ON c.id = p.client_id
		LEFT JOIN tasks t ON t.id = e.task_id
		WHERE ` + where)
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
			&e.Notes, &e.Billable, timeCol{&e.CreatedAt}, timeCol{&e.UpdatedAt}, rateCol{&e.HourlyRate}, tagsCol{&e.Tags}, &re.Project, &re.Client, &re.Task)
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
// projects (archived too), tasks, entries (latest first, each with its
// tags' names), tags (with their entry counts) and the privacy
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
		if ex.Entries, err = findEntries(ctx, x, userID, domain.EntryFilter{}); err != nil {
			return err
		}
		ex.Tags, err = findTags(ctx, x, userID)
		return err
	})
	if err != nil {
		return nil, mapErr(err, "export", "")
	}
	ex.ExportedAt = norm(db.now())
	return ex, nil
}
