package store

import (
	"context"
	"strings"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// Unexported helpers the external tests reach through these names.
var (
	MapErr = mapErr
	Rebind = rebind
)

// DeleteEntryTagsSQL is the statement that clears an entry's tags.
const DeleteEntryTagsSQL = deleteEntryTags

// ReportPlan is SQLite's query plan of the report for f, one detail a
// line.
func (db *DB) ReportPlan(ctx context.Context, userID int64, f domain.ReportFilter) (string, error) {
	x := db.q()
	query, args, _, err := db.reportQuery(ctx, x, userID, f, f.Location)
	if err != nil {
		return "", err
	}
	return db.Plan(ctx, query, args...)
}

// Plan is SQLite's query plan of query, one detail a line.
func (db *DB) Plan(ctx context.Context, query string, args ...any) (string, error) {
	rows, err := db.q().query(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		b.WriteString(detail + "\n")
	}
	return b.String(), rows.Err()
}
