package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/telemetry"
	"github.com/discreet-dev/discreet/telemetry/receiver"
)

// Dialect names the SQL database behind a [SQLStore]. The store issues the
// same statements to both except for placeholders and column types.
type Dialect int

// The supported dialects.
const (
	// SQLite, for example through modernc.org/sqlite. Times are kept as
	// RFC 3339 UTC text with whole seconds, which sorts as time does.
	SQLite Dialect = iota + 1
	// Postgres, for example through github.com/jackc/pgx/v5/stdlib. Times
	// are kept as timestamptz.
	Postgres
)

// String returns the dialect's name.
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// Table is the one table a [SQLStore] uses.
const Table = "installations"

// Installation is one stored row: every column there is (claim T6).
type Installation struct {
	Fingerprint string
	Version     string
	InstalledAt time.Time // as reported by the installation
	UpdatedAt   time.Time // as reported: its last version change
	FirstSeen   time.Time // when the receiver first heard from it
	LastSeen    time.Time // when the receiver last heard from it
}

// VersionCount is one line of the version distribution.
type VersionCount struct {
	Version       string
	Installations int64
}

// ErrNotFound is returned by [SQLStore.Get] for an unknown fingerprint.
var ErrNotFound = errors.New("telemetry: no such installation")

// SQLStore is the [Store] of the reference receiver, on database/sql. It
// does not import a driver: the program that opens the *sql.DB chooses one.
// It is safe for concurrent use.
type SQLStore struct {
	db      *sql.DB
	dialect Dialect
	upsert  string
}

// NewStore returns a store on db, which must already be open with a driver
// for dialect. Call [SQLStore.Migrate] once before use.
func NewStore(db *sql.DB, dialect Dialect) (*SQLStore, error) {
	if db == nil {
		return nil, errors.New("telemetry: NewStore: db is nil")
	}
	if dialect != SQLite && dialect != Postgres {
		return nil, fmt.Errorf("telemetry: NewStore: unknown dialect %v; use SQLite or Postgres", dialect)
	}
	s := &SQLStore{db: db, dialect: dialect}
	// One statement for both databases (SQLite has had ON CONFLICT since
	// 3.24). first_seen is written on insert only.
	s.upsert = s.q(`INSERT INTO ` + Table + ` (fingerprint, version, installed_at, updated_at, first_seen, last_seen)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (fingerprint) DO UPDATE SET
	version = excluded.version,
	installed_at = excluded.installed_at,
	updated_at = excluded.updated_at,
	last_seen = excluded.last_seen`)
	return s, nil
}

// Migrate creates the table and its index if they do not exist yet.
func (s *SQLStore) Migrate(ctx context.Context) error {
	ts := "TEXT"
	if s.dialect == Postgres {
		ts = "TIMESTAMPTZ"
	}
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS ` + Table + ` (
	fingerprint TEXT PRIMARY KEY,
	version TEXT NOT NULL,
	installed_at ` + ts + ` NOT NULL,
	updated_at ` + ts + ` NOT NULL,
	first_seen ` + ts + ` NOT NULL,
	last_seen ` + ts + ` NOT NULL
)`,
		`CREATE INDEX IF NOT EXISTS ` + Table + `_last_seen ON ` + Table + ` (last_seen)`,
		`CREATE INDEX IF NOT EXISTS ` + Table + `_version ON ` + Table + ` (version)`,
	}
	for _, q := range stmts {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("telemetry: migrating %s: %w", s.dialect, err)
		}
	}
	return nil
}

// Save inserts or updates the installation p.Fingerprint: version,
// installed_at and updated_at as reported, last_seen set to received, and
// first_seen to received the first time only. The ping's kind is not kept.
func (s *SQLStore) Save(ctx context.Context, p telemetry.Ping, received time.Time) error {
	_, err := s.db.ExecContext(ctx, s.upsert, p.Fingerprint, p.Version,
		s.arg(p.InstalledAt), s.arg(p.UpdatedAt), s.arg(received), s.arg(received))
	if err != nil {
		return fmt.Errorf("telemetry: saving installation: %w", err)
	}
	return nil
}

// Get returns the stored installation, or [ErrNotFound].
func (s *SQLStore) Get(ctx context.Context, fingerprint string) (Installation, error) {
	var in Installation
	err := s.db.QueryRowContext(ctx, s.q(`SELECT fingerprint, version, installed_at, updated_at, first_seen, last_seen
FROM `+Table+` WHERE fingerprint = ?`), fingerprint).Scan(
		&in.Fingerprint, &in.Version,
		(*timeCol)(&in.InstalledAt), (*timeCol)(&in.UpdatedAt),
		(*timeCol)(&in.FirstSeen), (*timeCol)(&in.LastSeen))
	if errors.Is(err, sql.ErrNoRows) {
		return Installation{}, ErrNotFound
	}
	if err != nil {
		return Installation{}, fmt.Errorf("telemetry: reading installation: %w", err)
	}
	return in, nil
}

// Purge deletes the installations not heard from since before, and returns
// how many it deleted. The reference server runs it daily with a time 12
// months back (claim T6): an installation that still pings is kept, one
// that stopped is forgotten a year later.
func (s *SQLStore) Purge(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM `+Table+` WHERE last_seen < ?`), s.arg(before))
	if err != nil {
		return 0, fmt.Errorf("telemetry: purging installations: %w", err)
	}
	return res.RowsAffected()
}

// VersionCounts returns how many stored installations run each version,
// most common first (ties by version), for version-distribution analysis.
func (s *SQLStore) VersionCounts(ctx context.Context) ([]VersionCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version, COUNT(*) AS n FROM `+Table+`
GROUP BY version ORDER BY n DESC, version ASC`)
	if err != nil {
		return nil, fmt.Errorf("telemetry: counting versions: %w", err)
	}
	defer rows.Close()
	var out []VersionCount
	for rows.Next() {
		var vc VersionCount
		if err := rows.Scan(&vc.Version, &vc.Installations); err != nil {
			return nil, fmt.Errorf("telemetry: counting versions: %w", err)
		}
		out = append(out, vc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("telemetry: counting versions: %w", err)
	}
	return out, nil
}

// q rewrites ? placeholders as $1, $2, ... for PostgreSQL. The statements
// are our own and hold no ? inside literals.
func (s *SQLStore) q(query string) string {
	if s.dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// sqliteTime is how SQLite rows keep times: fixed width, UTC, so that text
// order is time order and Purge's comparison is right whatever the driver.
const sqliteTime = "2006-01-02T15:04:05Z"

// arg converts a time for the dialect, in UTC to the second.
func (s *SQLStore) arg(t time.Time) any {
	t = t.UTC().Truncate(time.Second)
	if s.dialect == SQLite {
		return t.Format(sqliteTime)
	}
	return t
}

// timeCol scans a time stored either as a timestamp or as sqliteTime text.
type timeCol time.Time

func (c *timeCol) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		*c = timeCol(v.UTC())
		return nil
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	}
	return fmt.Errorf("cannot read %T as a time", v)
}

func (c *timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return err
	}
	*c = timeCol(t.UTC())
	return nil
}

var _ receiver.Store = (*SQLStore)(nil)
