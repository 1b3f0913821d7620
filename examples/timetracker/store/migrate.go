package store

import (
	"context"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migrateLockKey is the PostgreSQL advisory lock that lets one process at a
// time migrate; the others wait and then find nothing left to do. Any
// constant works as long as nothing else in the database uses it.
const migrateLockKey = 7_514_082_391

// migration is one embedded file, migrations/<dialect>/NNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

var migrationName = regexp.MustCompile(`^([0-9]+)_([a-z0-9_]+)\.sql$`)

// migrations returns the dialect's migrations in version order.
func migrations(d Dialect) ([]migration, error) {
	dir := path.Join("migrations", string(d))
	ents, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	seen := map[int]string{}
	for _, e := range ents {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration %s/%s: name is not NNN_name.sql", dir, e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if prev, ok := seen[v]; ok {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: m[2], sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// Migrate brings the schema up to date: it applies, in version order, each
// embedded migration not yet recorded in the schema_migrations table, each
// in its own transaction together with its record. Running it again does
// nothing. Several processes may call it at once: on PostgreSQL they queue
// on an advisory lock, on SQLite on the database's write lock, and each
// migration is applied once.
//
// Versions recorded by a newer build and unknown to this one are left
// alone, so an older replica can still start during a rolling upgrade
// (migrations only ever add).
func (db *DB) Migrate(ctx context.Context) (err error) {
	ms, err := migrations(db.dialect)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	// One connection throughout: the advisory lock belongs to a session.
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	x := q{conn, db.dialect}

	if db.dialect == Postgres {
		if _, err := x.exec(ctx, "SELECT pg_advisory_lock(?)", migrateLockKey); err != nil {
			return fmt.Errorf("store: migrate: lock: %w", err)
		}
		defer func() {
			_, uerr := x.exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrateLockKey)
			if uerr != nil {
				// A connection still holding the lock must not go back to
				// the pool: closing it ends the session and the lock.
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}

	createTable := `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`
	if _, err := x.exec(ctx, createTable); err != nil {
		return fmt.Errorf("store: migrate: create schema_migrations: %w", err)
	}

	for _, m := range ms {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store: migrate: begin: %w", err)
		}
		tx2 := q{tx, db.dialect}
		// Checked inside the transaction: on SQLite it holds the write
		// lock, so a concurrent process has either committed this
		// migration already or waits for us.
		var n int
		if err := tx2.row(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("store: migrate: %w", err)
		}
		if n > 0 {
			_ = tx.Rollback()
			continue
		}
		// No arguments: pgx then uses the simple protocol, which takes
		// several statements at once, as does SQLite.
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("store: migration %03d_%s: %w", m.version, m.name, err)
		}
		if _, err := tx2.exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			m.version, m.name, db.now().UTC().Format(sqliteTime)); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("store: migration %03d_%s: record: %w", m.version, m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %03d_%s: commit: %w", m.version, m.name, err)
		}
	}
	return nil
}

// SchemaVersion returns the highest migration version applied, 0 for none.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.q().row(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}
