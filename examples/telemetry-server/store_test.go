package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/telemetry"
)

// declaredColumns is every column an installation row may have (claim T6).
var declaredColumns = []string{"fingerprint", "version", "installed_at", "updated_at", "first_seen", "last_seen"}

// backend opens a fresh, empty store for one test.
type backend struct {
	name string
	open func(t *testing.T) (*sql.DB, *SQLStore)
}

func backends() []backend {
	return []backend{
		{"sqlite", openSQLite},
		{"postgres", openPostgres},
	}
}

func openSQLite(t *testing.T) (*sql.DB, *SQLStore) {
	t.Helper()
	db, store, err := openStore(context.Background(), filepath.Join(t.TempDir(), "data", "telemetry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, store
}

// openPostgres gives each test its own schema in the database named by
// TEST_POSTGRES_URL, and drops it afterwards, so runs never collide.
func openPostgres(t *testing.T) (*sql.DB, *SQLStore) {
	t.Helper()
	base := os.Getenv("TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("TEST_POSTGRES_URL is not set; set it to postgres://user@host:5432/db?sslmode=disable to run the PostgreSQL store tests")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 6)
	rand.Read(b)
	schema := "telemetry_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema in TEST_POSTGRES_URL: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema) // pgx passes it on as a run-time parameter
	u.RawQuery = q.Encode()
	db, store, err := openStore(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, store
}

// rowColumns returns the columns of the installations table as a query
// for every column sees them.
func rowColumns(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT * FROM " + Table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	return cols
}

// allValues returns every value stored in the table, as text.
func allValues(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT * FROM " + Table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			out = append(out, v.String)
		}
	}
	return out
}

var (
	day  = 24 * time.Hour
	base = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

func ping(fp, version string, installed, updated time.Time) telemetry.Ping {
	return telemetry.Ping{Schema: 1, Kind: telemetry.KindUpdateCheck, Fingerprint: fp, Version: version, InstalledAt: installed, UpdatedAt: updated}
}

func TestStore(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Run("upsert keeps first_seen", func(t *testing.T) {
				db, store := be.open(t)
				ctx := context.Background()
				fp := telemetry.Fingerprint("web-01", "0123456789abcdef")
				if err := store.Save(ctx, ping(fp, "1.0.0", base, base), base.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				// Fractions of a second are not kept.
				later := base.Add(10*day + 500*time.Millisecond)
				if err := store.Save(ctx, ping(fp, "1.1.0", base, base.Add(9*day)), later); err != nil {
					t.Fatal(err)
				}
				got, err := store.Get(ctx, fp)
				if err != nil {
					t.Fatal(err)
				}
				want := Installation{Fingerprint: fp, Version: "1.1.0", InstalledAt: base, UpdatedAt: base.Add(9 * day),
					FirstSeen: base.Add(time.Hour), LastSeen: base.Add(10 * day)}
				if got != want {
					t.Errorf("Get = %+v\nwant  %+v", got, want)
				}
				var n int
				db.QueryRow("SELECT COUNT(*) FROM " + Table).Scan(&n)
				if n != 1 {
					t.Errorf("%d rows for one fingerprint", n)
				}
				if _, err := store.Get(ctx, telemetry.Fingerprint("other", "")); !errors.Is(err, ErrNotFound) {
					t.Errorf("Get(unknown) error = %v, want ErrNotFound", err)
				}
			})

			// claim: T6
			t.Run("only the declared columns", func(t *testing.T) {
				db, store := be.open(t)
				if err := store.Migrate(context.Background()); err != nil { // twice is fine
					t.Fatal(err)
				}
				if got := rowColumns(t, db); !slices.Equal(got, declaredColumns) {
					t.Errorf("columns = %v, want exactly %v", got, declaredColumns)
				}
			})

			// claim: T6
			t.Run("purge forgets what is older than 12 months", func(t *testing.T) {
				_, store := be.open(t)
				ctx := context.Background()
				now := base
				old := telemetry.Fingerprint("old", "0123456789abcdef")
				edge := telemetry.Fingerprint("edge", "0123456789abcdef")
				recent := telemetry.Fingerprint("recent", "0123456789abcdef")
				for _, s := range []struct {
					fp   string
					seen time.Time
				}{
					{old, now.AddDate(0, -13, 0)},
					{edge, now.AddDate(0, -12, 0)}, // exactly 12 months: kept
					{recent, now.AddDate(0, -1, 0)},
				} {
					if err := store.Save(ctx, ping(s.fp, "1.0.0", s.seen, s.seen), s.seen); err != nil {
						t.Fatal(err)
					}
				}
				n, err := purgeOnce(ctx, store, now)
				if err != nil {
					t.Fatal(err)
				}
				if n != 1 {
					t.Errorf("purge deleted %d, want 1", n)
				}
				if _, err := store.Get(ctx, old); !errors.Is(err, ErrNotFound) {
					t.Errorf("installation silent for 13 months still stored (err %v)", err)
				}
				for _, fp := range []string{edge, recent} {
					if _, err := store.Get(ctx, fp); err != nil {
						t.Errorf("installation %s…: %v, want kept", fp[:8], err)
					}
				}
			})

			t.Run("version counts", func(t *testing.T) {
				_, store := be.open(t)
				ctx := context.Background()
				versions := []string{"1.0.0", "1.1.0", "1.1.0", "0.9.0", "1.1.0", "1.0.0"}
				for i, v := range versions {
					fp := telemetry.Fingerprint("host", string(rune('a'+i))+"0123456789abcdef")
					if err := store.Save(ctx, ping(fp, v, base, base), base); err != nil {
						t.Fatal(err)
					}
				}
				got, err := store.VersionCounts(ctx)
				if err != nil {
					t.Fatal(err)
				}
				want := []VersionCount{{Version: "1.1.0", Installations: 3}, {Version: "1.0.0", Installations: 2}, {Version: "0.9.0", Installations: 1}}
				if !slices.Equal(got, want) {
					t.Errorf("VersionCounts = %v, want %v", got, want)
				}
			})
		})
	}
}
