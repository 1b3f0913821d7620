package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"               // registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// Dialect names the database engine behind a [DB].
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultPath is the SQLite file [Open] uses when given an empty DSN.
const DefaultPath = "data/timetracker.db"

// PostgresMaxOpenConns bounds the connections one process opens to
// PostgreSQL; callers may change it on [DB.SQL].
const PostgresMaxOpenConns = 20

// sqlitePragmas are applied by the driver to every connection it opens, so
// each pooled connection waits for locks instead of failing at once, checks
// foreign keys (SQLite's default is off) and runs in WAL mode. _txlock makes
// every transaction BEGIN IMMEDIATE: a transaction takes the write lock up
// front, which busy_timeout can wait for, instead of failing with
// SQLITE_BUSY when it later tries to upgrade a read lock.
const sqlitePragmas = "_pragma=busy_timeout(5000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=journal_size_limit(16777216)" + // WALSizeLimit

	"&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)" +
	"&_txlock=immediate"

// Bounds of SQLite's write-ahead log. SQLite checkpoints the WAL by itself
// after commits, but only passively: while readers keep overlapping (any
// busy server) the log is never reset and grows without bound, 100 MB and
// more in a few seconds of writes. So a DB on SQLite also checks the WAL's
// size every WALCheckpointInterval and, past walCheckpointAt, runs
// wal_checkpoint(TRUNCATE), which waits (busy_timeout at most) for readers
// on older snapshots, copies the log into the database and empties it.
// journal_size_limit (WALSizeLimit) truncates what a reset log leaves.
const (
	WALSizeLimit          = 16 << 20
	WALCheckpointInterval = 100 * time.Millisecond
	walCheckpointAt       = 4 << 20
)

// DB is the time tracker's storage: a database/sql pool on SQLite or
// PostgreSQL. It implements every service interface of package domain and
// is safe for concurrent use.
type DB struct {
	db      *sql.DB
	dialect Dialect

	stopCheckpoints chan struct{} // closed by Close; nil on PostgreSQL
	checkpoints     sync.WaitGroup
	closeOnce       sync.Once
	// writeGate is held by every write of this process on SQLite (which
	// has one writer at a time anyway) and by the WAL checkpoint, so
	// that the checkpoint gets its turn.
	writeGate sync.Mutex

	// Now returns the current time; nil means time.Now. Tests set it before
	// first use to control created and updated stamps and session expiry.
	Now func() time.Time
	// MaxEntry is the longest an entry may be; zero means
	// domain.DefaultMaxEntry. Set it before first use.
	MaxEntry time.Duration
	// RefuseOverlaps makes CreateEntry and UpdateEntry refuse an entry
	// whose span overlaps another of the user's (ECONFLICT on start)
	// instead of accepting it; callers then warn with Overlapping. Set it
	// before first use.
	RefuseOverlaps bool
}

func (db *DB) maxEntry() time.Duration {
	if db.MaxEntry > 0 {
		return db.MaxEntry
	}
	return domain.DefaultMaxEntry
}

// Open opens the database named by dsn and checks that it answers. It does
// not change the schema: call [DB.Migrate] for that.
//
// A dsn starting with postgres:// or postgresql:// selects PostgreSQL
// through pgx. Anything else is the path of an SQLite file, optionally
// prefixed with "sqlite:"; an empty dsn means [DefaultPath]. The SQLite
// file's directory is created if missing.
func Open(ctx context.Context, dsn string) (*DB, error) {
	var (
		sdb     *sql.DB
		dialect Dialect
		err     error
	)
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		dialect = Postgres
		sdb, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		// Several replicas share one server and its max_connections
		// (100 by default): each takes a bounded share, and one that has
		// gone quiet gives its idle connections back.
		sdb.SetMaxOpenConns(PostgresMaxOpenConns)
		sdb.SetMaxIdleConns(5)
		sdb.SetConnMaxIdleTime(5 * time.Minute)
	default:
		dialect = SQLite
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			path = DefaultPath
		}
		// The driver splits its parameters off at the first '?', so a path
		// holding one would be cut short silently.
		if strings.ContainsAny(path, "?#") {
			return nil, fmt.Errorf("store: sqlite path %q must not contain '?' or '#'", path)
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("store: create database directory: %w", err)
			}
		}
		sdb, err = sql.Open("sqlite", path+"?"+sqlitePragmas)
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
	}
	db := &DB{db: sdb, dialect: dialect}
	if err := db.Ping(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	if dialect == SQLite {
		db.stopCheckpoints = make(chan struct{})
		db.checkpoints.Go(func() { db.checkpointWAL(strings.TrimPrefix(dsn, "sqlite:")) })
	}
	return db, nil
}

// checkpointWAL keeps the WAL beside the SQLite file at path bounded (see
// WALSizeLimit) until Close.
func (db *DB) checkpointWAL(path string) {
	if path == "" {
		path = DefaultPath
	}
	wal := path + "-wal"
	t := time.NewTicker(WALCheckpointInterval)
	defer t.Stop()
	for {
		select {
		case <-db.stopCheckpoints:
			return
		case <-t.C:
		}
		if info, err := os.Stat(wal); err != nil || info.Size() < walCheckpointAt {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		// A failure (readers held on past busy_timeout) is tried again at
		// the next tick; there is nothing else to do about it.
		// Writers wait at the gate meanwhile: competing with them for
		// SQLite's write lock, the checkpoint would lose every time.
		db.writeGate.Lock()
		_, _ = db.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		db.writeGate.Unlock()
		cancel()
	}
}

// Close stops the WAL checkpoints and closes the pool, waiting for queries
// in flight to finish. It may be called more than once.
func (db *DB) Close() error {
	if db.stopCheckpoints != nil {
		db.closeOnce.Do(func() { close(db.stopCheckpoints) })
		db.checkpoints.Wait()
	}
	return db.db.Close()
}

// SQL returns the underlying pool, for pool statistics (metrics.ObserveDB)
// and nothing that bypasses the user scoping of the methods.
func (db *DB) SQL() *sql.DB { return db.db }

// Dialect reports which database engine db talks to.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that the database answers; readiness probes call it.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", db.dialect, err)
	}
	return nil
}

func (db *DB) now() time.Time {
	if db.Now != nil {
		return db.Now()
	}
	return time.Now()
}

// querier is what *sql.DB, *sql.Tx and *sql.Conn have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q runs statements written with '?' placeholders on either dialect.
type q struct {
	querier
	dialect Dialect
}

func (db *DB) q() q {
	if db.dialect == SQLite {
		return q{gatedWrites{db.db, &db.writeGate}, db.dialect}
	}
	return q{db.db, db.dialect}
}

// gatedWrites passes statements to the pool, holding the write gate for
// those that may write (Exec); see DB.writeGate.
type gatedWrites struct {
	*sql.DB
	gate *sync.Mutex
}

func (g gatedWrites) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	g.gate.Lock()
	defer g.gate.Unlock()
	return g.DB.ExecContext(ctx, query, args...)
}

func (x q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return x.ExecContext(ctx, rebind(x.dialect, query), args...)
}

func (x q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return x.QueryContext(ctx, rebind(x.dialect, query), args...)
}

func (x q) row(ctx context.Context, query string, args ...any) *sql.Row {
	return x.QueryRowContext(ctx, rebind(x.dialect, query), args...)
}

// forShare locks the rows a check has read until the transaction ends, on
// PostgreSQL, so that what was checked cannot change before the write that
// relies on it. SQLite needs nothing: its transactions run one at a time.
func (x q) forShare() string {
	if x.dialect == Postgres {
		return " FOR SHARE"
	}
	return ""
}

// forUpdate is forShare for rows the transaction is about to change.
func (x q) forUpdate() string {
	if x.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// rebind turns '?' placeholders into PostgreSQL's $1, $2, ... The queries of
// this package hold no '?' inside literals.
func rebind(d Dialect, query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// inTx runs fn in a transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(x q) error) error {
	if db.dialect == SQLite {
		db.writeGate.Lock() // every transaction is BEGIN IMMEDIATE: a writer
		defer db.writeGate.Unlock()
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(q{tx, db.dialect}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Times.

// sqliteTime is the layout of times in SQLite: fixed width, so that text
// order is time order.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// maxStorable is the last instant sqliteTime can hold.
var maxStorable = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)

// norm is how a time is stored: UTC, to the microsecond (PostgreSQL's
// precision, kept on SQLite too so both behave the same).
func norm(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ts converts t, already normalised, to a query argument. On SQLite a
// bound after year 9999 (a filter "to 9999-12-31" is 10000-01-01) is
// clamped to the last storable instant: five year digits would break the
// text order and match nothing.
func (x q) ts(t time.Time) any {
	if x.dialect == SQLite {
		if t.UTC().Year() > 9999 {
			t = maxStorable
		}
		return t.UTC().Format(sqliteTime)
	}
	return t.UTC()
}

// tsPtr is ts for an optional time.
func (x q) tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return x.ts(*t)
}

// timeCol scans a NOT NULL time column from either dialect.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	t, err := parseTime(src)
	if err != nil {
		return err
	}
	if t == nil {
		return errors.New("store: NULL in a NOT NULL time column")
	}
	*c.t = *t
	return nil
}

// nullTimeCol scans a nullable time column.
type nullTimeCol struct{ t **time.Time }

func (c nullTimeCol) Scan(src any) error {
	t, err := parseTime(src)
	if err != nil {
		return err
	}
	*c.t = t
	return nil
}

func parseTime(src any) (*time.Time, error) {
	var t time.Time
	switch v := src.(type) {
	case nil:
		return nil, nil
	case time.Time:
		t = v
	case string:
		p, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return nil, fmt.Errorf("store: bad time %q: %w", v, err)
		}
		t = p
	case []byte:
		p, err := time.Parse(time.RFC3339Nano, string(v))
		if err != nil {
			return nil, fmt.Errorf("store: bad time %q: %w", v, err)
		}
		t = p
	default:
		return nil, fmt.Errorf("store: cannot scan %T into a time", src)
	}
	t = t.UTC()
	return &t, nil
}

// Errors.

// Unavailable reports whether err means the database cannot be reached
// right now, rather than that a statement was wrong: the connection was
// refused, reset or closed, the server is shutting down or starting up
// (PostgreSQL), or SQLite stayed locked past busy_timeout. The server
// answers such errors 503 with Retry-After; they are not bugs to report.
// A cancelled or expired context is not Unavailable: that is the caller's
// doing.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01-03: shutdown, crash
		// shutdown, cannot connect now; 53300: too many connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" ||
			pe.Code == "57P03" || pe.Code == "53300"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary code of an extended one
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	// pgx reports a connection it lost or closed with plain errors.
	msg := err.Error()
	return strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "failed to connect") || strings.Contains(msg, "connection refused")
}

// constraint describes a violated database constraint.
type constraint struct {
	kind string // "unique", "foreign_key", "check", "not_null"
	name string // PostgreSQL's constraint name, or SQLite's message
}

// violated reports which constraint err broke, if it is a constraint error.
func violated(err error) (constraint, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return constraint{"unique", pe.ConstraintName}, true
		case "23503":
			return constraint{"foreign_key", pe.ConstraintName}, true
		case "23514":
			return constraint{"check", pe.ConstraintName}, true
		case "23502":
			return constraint{"not_null", pe.ColumnName}, true
		}
		return constraint{}, false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return constraint{"unique", se.Error()}, true
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return constraint{"foreign_key", se.Error()}, true
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			return constraint{"check", se.Error()}, true
		case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return constraint{"not_null", se.Error()}, true
		}
	}
	return constraint{}, false
}

// Constraint names, with the text SQLite puts in its message for the same
// constraint: SQLite names columns, not indexes.
var (
	emailTaken = []string{"users_email_key", "users.email"}
	oneRunning = []string{"entries_one_running_key", "entries.user_id"}
)

func (c constraint) is(names []string) bool {
	for _, n := range names {
		if c.name == n || strings.Contains(c.name, n) {
			return true
		}
	}
	return false
}

// fkColumn returns the column of a PostgreSQL foreign key named by its
// default, <table>_<column>_fkey, or "" (always on SQLite, whose messages
// do not name the key).
func fkColumn(name string) string {
	for _, col := range []string{"user_id", "client_id", "project_id", "task_id"} {
		if strings.HasSuffix(name, "_"+col+"_fkey") {
			return col
		}
	}
	return ""
}

// errTimerRunning is the answer to a second running timer.
func errTimerRunning() error {
	return domain.Errorf(domain.ECONFLICT, "a timer is already running")
}

// mapErr turns the constraint errors a write can meet into domain errors
// and wraps anything else as internal with op for the log. fkField names
// the input at fault when a foreign key fails: the checks before each write
// make that a lost race with a delete, and SQLite does not say which key.
func mapErr(err error, op, fkField string) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if c, ok := violated(err); ok {
		switch {
		case c.kind == "unique" && c.is(emailTaken):
			return &domain.Error{Code: domain.ECONFLICT, Message: "this email address is already registered", Field: "email"}
		case c.kind == "unique" && c.is(oneRunning):
			return errTimerRunning()
		case c.kind == "foreign_key":
			if col := fkColumn(c.name); col != "" {
				fkField = col
			}
			if fkField != "" {
				return domain.FieldError(fkField, "does not exist")
			}
		case c.kind == "check" && strings.Contains(c.name, "end"):
			return domain.FieldError("end", "must not be before start")
		}
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// notFound is the answer for a missing object and for another user's.
func notFound(what string) error {
	return domain.Errorf(domain.ENOTFOUND, "%s not found", what)
}

// mustAffect turns a write that touched no row into notFound.
func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(what)
	}
	return nil
}
