package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// ReserveAttempts adds one hit to each counter in one upsert and returns
// the counters as they now stand, in the order given. A counter whose
// window has ended starts a new one with this hit. The database serialises
// the hits on each row, so concurrent callers, in this process or another
// on the same database, never see the same count: that is what lets the
// auth layer count an attempt before the expensive password check.
func (db *DB) ReserveAttempts(ctx context.Context, cs []domain.Counter) ([]domain.CounterState, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	now := norm(db.now())
	x := db.q()
	// Rows are locked in key order, so that two statements on PostgreSQL
	// touching the same counters cannot deadlock.
	sorted := slices.Clone(cs)
	slices.SortFunc(sorted, func(a, b domain.Counter) int { return strings.Compare(a.Key, b.Key) })
	var b strings.Builder
	b.WriteString("INSERT INTO auth_attempts (bucket, hits, reset_at) VALUES ")
	args := make([]any, 0, 2*len(sorted)+2)
	for i, c := range sorted {
		if c.Key == "" || c.Window <= 0 {
			return nil, fmt.Errorf("store: reserve attempts: counter %q has no key or window", c.Key)
		}
		if i > 0 && sorted[i-1].Key == c.Key {
			return nil, fmt.Errorf("store: reserve attempts: counter %q given twice", c.Key)
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, 1, ?)")
		args = append(args, c.Key, x.ts(now.Add(c.Window)))
	}
	b.WriteString(` ON CONFLICT (bucket) DO UPDATE SET
		hits = CASE WHEN auth_attempts.reset_at <= ? THEN 1 ELSE auth_attempts.hits + 1 END,
		reset_at = CASE WHEN auth_attempts.reset_at <= ? THEN excluded.reset_at ELSE auth_attempts.reset_at END
		RETURNING bucket, hits, reset_at`)
	args = append(args, x.ts(now), x.ts(now))
	rows, err := x.query(ctx, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("store: reserve attempts: %w", err)
	}
	defer rows.Close()
	got := make(map[string]domain.CounterState, len(cs))
	for rows.Next() {
		var s domain.CounterState
		if err := rows.Scan(&s.Key, &s.Hits, timeCol{&s.ResetAt}); err != nil {
			return nil, fmt.Errorf("store: reserve attempts: %w", err)
		}
		got[s.Key] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reserve attempts: %w", err)
	}
	out := make([]domain.CounterState, len(cs))
	for i, c := range cs {
		s, ok := got[c.Key]
		if !ok {
			return nil, fmt.Errorf("store: reserve attempts: no row came back for a counter")
		}
		out[i] = s
	}
	return out, nil
}

// ReleaseAttempts takes back one hit of each counter whose window is still
// the one in cs. A counter that has started a new window since is left
// alone: the hit being released belonged to the old one.
func (db *DB) ReleaseAttempts(ctx context.Context, cs []domain.CounterState) error {
	if len(cs) == 0 {
		return nil
	}
	x := db.q()
	var conds []string
	var args []any
	for _, c := range cs {
		conds = append(conds, "(bucket = ? AND reset_at = ?)")
		args = append(args, c.Key, x.ts(norm(c.ResetAt)))
	}
	where := "hits > 0 AND (" + strings.Join(conds, " OR ") + ")"
	query := "UPDATE auth_attempts SET hits = hits - 1 WHERE " + where
	if x.dialect == Postgres {
		// The rows are locked in key order first, as ReserveAttempts
		// locks them: in the order of a scan, two statements could each
		// hold a row the other waits for.
		query += " AND bucket IN (SELECT bucket FROM auth_attempts WHERE " + where + " ORDER BY bucket FOR UPDATE)"
		args = append(args, args...)
	}
	_, err := x.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: release attempts: %w", err)
	}
	return nil
}

// ClearAttempts forgets the counters named.
func (db *DB) ClearAttempts(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ")
	if _, err := db.q().exec(ctx, "DELETE FROM auth_attempts WHERE bucket IN ("+marks+")", args...); err != nil {
		return fmt.Errorf("store: clear attempts: %w", err)
	}
	return nil
}

// CountAttempts returns the counter's hits in its current window, zero
// when there is none.
func (db *DB) CountAttempts(ctx context.Context, key string) (int, error) {
	x := db.q()
	var n int
	err := x.row(ctx, "SELECT COALESCE(MAX(hits), 0) FROM auth_attempts WHERE bucket = ? AND reset_at > ?", key, x.ts(norm(db.now()))).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count attempts: %w", err)
	}
	return n, nil
}

// SetAttempts sets the counter to hits until resetAt, creating it if need
// be.
func (db *DB) SetAttempts(ctx context.Context, key string, hits int, resetAt time.Time) error {
	if err := domain.CheckTime("reset_at", resetAt); err != nil {
		return err
	}
	x := db.q()
	_, err := x.exec(ctx, `INSERT INTO auth_attempts (bucket, hits, reset_at) VALUES (?, ?, ?)
		ON CONFLICT (bucket) DO UPDATE SET hits = excluded.hits, reset_at = excluded.reset_at`,
		key, hits, x.ts(norm(resetAt)))
	if err != nil {
		return fmt.Errorf("store: set attempts: %w", err)
	}
	return nil
}

// DeleteExpiredAttempts removes counters whose window ended at or before
// now, and returns how many.
func (db *DB) DeleteExpiredAttempts(ctx context.Context, now time.Time) (int64, error) {
	x := db.q()
	res, err := x.exec(ctx, "DELETE FROM auth_attempts WHERE reset_at <= ?", x.ts(norm(now)))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired attempts: %w", err)
	}
	return res.RowsAffected()
}
