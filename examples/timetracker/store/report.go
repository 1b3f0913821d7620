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

// Summary totals the user's finished entries that start in [from, to)
// (a zero bound is open), grouped by project, client or UTC day of the
// start. Rows come sorted by label, the "No client" row last, or by day.
//
// Running timers are left out: a report describes recorded work, and one
// whose figures change from one second to the next cannot be reconciled
// with the CSV export of the same range. Each entry counts its whole
// seconds, so the totals are the sums of the rows.
//
// The entries are summed here rather than in SQL so that one query serves
// both dialects, which disagree on date and interval arithmetic.
func (db *DB) Summary(ctx context.Context, userID int64, from, to time.Time, by domain.GroupBy) (*domain.Report, error) {
	switch by {
	case domain.GroupByProject, domain.GroupByClient, domain.GroupByDay:
	default:
		return nil, domain.FieldError("group_by", "must be project, client or day")
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return nil, domain.FieldError("to", "must be after from")
	}
	x := db.q()
	query := `SELECT e.start_at, e.end_at, e.billable, p.id, p.name, c.id, c.name
		FROM entries e
		JOIN projects p ON p.id = e.project_id
		LEFT JOIN clients c ON c.id = p.client_id
		WHERE e.user_id = ? AND e.end_at IS NOT NULL`
	args := []any{userID}
	if !from.IsZero() {
		query += " AND e.start_at >= ?"
		args = append(args, x.ts(norm(from)))
	}
	if !to.IsZero() {
		query += " AND e.start_at < ?"
		args = append(args, x.ts(norm(to)))
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
	groups := map[string]*domain.ReportRow{}
	for rows.Next() {
		var (
			start, end  time.Time
			billable    bool
			projectID   int64
			projectName string
			clientID    sql.NullInt64
			clientName  sql.NullString
		)
		if err := rows.Scan(timeCol{&start}, timeCol{&end}, &billable, &projectID, &projectName, &clientID, &clientName); err != nil {
			return nil, fmt.Errorf("store: summary: %w", err)
		}
		var key, label string
		switch by {
		case domain.GroupByProject:
			key, label = strconv.FormatInt(projectID, 10), projectName
		case domain.GroupByClient:
			if clientID.Valid {
				key, label = strconv.FormatInt(clientID.Int64, 10), clientName.String
			} else {
				key, label = "", NoClientLabel
			}
		case domain.GroupByDay:
			key = start.UTC().Format(time.DateOnly)
			label = key
		}
		g := groups[key]
		if g == nil {
			g = &domain.ReportRow{Key: key, Label: label}
			groups[key] = g
		}
		secs := int64(end.Sub(start) / time.Second)
		g.Seconds += secs
		rep.Seconds += secs
		if billable {
			g.BillableSeconds += secs
			rep.BillableSeconds += secs
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: summary: %w", err)
	}
	for _, g := range groups {
		rep.Rows = append(rep.Rows, *g)
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
