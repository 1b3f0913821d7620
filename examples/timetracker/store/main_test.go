package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// The suite runs every test against SQLite (a file in a temporary
// directory per test) and, when TEST_POSTGRES_URL names a server, against
// PostgreSQL: TestMain creates a database of its own for the run and drops
// it at the end, and each test gets a schema of its own in it.

var (
	pgAdminURL string  // TEST_POSTGRES_URL
	pgRunURL   string  // the database created for this run
	pgRun      *sql.DB // a pool on it, for creating and dropping schemas
	pgSchemas  atomic.Int64
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	pgAdminURL = os.Getenv("TEST_POSTGRES_URL")
	if pgAdminURL == "" {
		return m.Run()
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", pgAdminURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, "TEST_POSTGRES_URL:", err)
		return 1
	}
	defer admin.Close()
	name := "tt_" + randomHex(6)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		fmt.Fprintln(os.Stderr, "create test database:", err)
		return 1
	}
	defer func() {
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintln(os.Stderr, "drop test database:", err)
		}
	}()
	u, err := url.Parse(pgAdminURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, "TEST_POSTGRES_URL:", err)
		return 1
	}
	u.Path = "/" + name
	pgRunURL = u.String()
	// One pool for the whole run: a new PostgreSQL connection costs far
	// more than the statements a test sends.
	pgRun, err = sql.Open("pgx", pgRunURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, "open test database:", err)
		return 1
	}
	defer pgRun.Close()
	return m.Run()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// backend is one database a test runs against.
type backend struct {
	dialect store.Dialect
	dsn     string // every handle opened on dsn sees the same data
}

// open opens a handle on the backend without migrating it.
func (b backend) open(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), b.dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// migrated opens a handle and migrates the database.
func (b backend) migrated(t testing.TB) *store.DB {
	t.Helper()
	db := b.open(t)
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

func newSQLite(t testing.TB) backend {
	return backend{store.SQLite, filepath.Join(t.TempDir(), "data", "tt.db")}
}

func newPostgres(t testing.TB) backend {
	t.Helper()
	if pgRunURL == "" {
		t.Skip("TEST_POSTGRES_URL is not set; set it (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the suite on PostgreSQL")
	}
	schema := fmt.Sprintf("t%d", pgSchemas.Add(1))
	if _, err := pgRun.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := pgRun.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, _ := url.Parse(pgRunURL)
	qv := u.Query()
	qv.Set("search_path", schema)
	u.RawQuery = qv.Encode()
	return backend{store.Postgres, u.String()}
}

// both runs fn once on SQLite and once on PostgreSQL. Tests using it run
// in parallel with each other: each has a database of its own, and most of
// a PostgreSQL test's time is spent waiting for new connections.
func both(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) { fn(t, newSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, newPostgres(t)) })
}

// eachDB runs fn on a migrated handle of each backend.
func eachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	both(t, func(t *testing.T, b backend) { fn(t, b.migrated(t)) })
}

// wantErr fails unless err carries the domain code and field.
func wantErr(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	if got := domain.ErrorField(err); got != field {
		t.Fatalf("error %v: field %q, want %q", err, got, field)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// fixture is two users and some objects of the first.
type fixture struct {
	a, b    *domain.User
	client  *domain.Client
	project *domain.Project
	task    *domain.Task
}

func newUser(t testing.TB, db *store.DB, email string) *domain.User {
	t.Helper()
	u := &domain.User{Email: email, Name: strings.Split(email, "@")[0], PasswordHash: "hash-" + email}
	must(t, db.CreateUser(t.Context(), u))
	return u
}

func seed(t *testing.T, db *store.DB) fixture {
	t.Helper()
	ctx := t.Context()
	f := fixture{a: newUser(t, db, "ann@example.com"), b: newUser(t, db, "bob@example.com")}
	f.client = &domain.Client{UserID: f.a.ID, Name: "Acme"}
	must(t, db.CreateClient(ctx, f.client))
	f.project = &domain.Project{UserID: f.a.ID, ClientID: &f.client.ID, Name: "Website", Billable: true}
	must(t, db.CreateProject(ctx, f.project))
	f.task = &domain.Task{UserID: f.a.ID, ProjectID: f.project.ID, Name: "Design"}
	must(t, db.CreateTask(ctx, f.task))
	return f
}

func isDomain(err error) bool {
	var de *domain.Error
	return errors.As(err, &de)
}
