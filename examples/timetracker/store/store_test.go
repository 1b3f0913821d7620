package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

func TestOpenSQLite(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, dsn, file string
	}{
		{"plain path", filepath.Join(dir, "a", "b", "tt.db"), filepath.Join(dir, "a", "b", "tt.db")},
		{"sqlite prefix", "sqlite:" + filepath.Join(dir, "c", "tt.db"), filepath.Join(dir, "c", "tt.db")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, err := store.Open(t.Context(), c.dsn)
			must(t, err)
			defer db.Close()
			if db.Dialect() != store.SQLite {
				t.Errorf("Dialect = %q", db.Dialect())
			}
			must(t, db.Migrate(t.Context()))
			if _, err := os.Stat(c.file); err != nil {
				t.Fatalf("database file: %v", err)
			}
			fi, err := os.Stat(filepath.Dir(c.file))
			must(t, err)
			if perm := fi.Mode().Perm(); perm&^0o750 != 0 {
				t.Errorf("directory mode %v, want at most 0750", perm)
			}
		})
	}

	t.Run("empty dsn is the default path", func(t *testing.T) {
		t.Chdir(t.TempDir())
		db, err := store.Open(t.Context(), "")
		must(t, err)
		defer db.Close()
		if _, err := os.Stat(store.DefaultPath); err != nil {
			t.Fatalf("default database file: %v", err)
		}
	})

	t.Run("path with a question mark", func(t *testing.T) {
		if _, err := store.Open(t.Context(), filepath.Join(dir, "x?y.db")); err == nil {
			t.Fatal("Open accepted a path the driver would cut at '?'")
		}
	})
}

// Every pooled connection, not only the first, must carry the pragmas.
func TestSQLitePragmasOnEveryConnection(t *testing.T) {
	db := newSQLite(t).migrated(t)
	ctx := t.Context()
	var conns []*sql.Conn
	for range 3 {
		c, err := db.SQL().Conn(ctx)
		must(t, err)
		conns = append(conns, c)
	}
	for i, c := range conns {
		var journal string
		var fk, busy, sync int
		must(t, c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal))
		must(t, c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
		must(t, c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
		must(t, c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync))
		if journal != "wal" || fk != 1 || busy != 5000 || sync != 1 {
			t.Errorf("conn %d: journal_mode=%s foreign_keys=%d busy_timeout=%d synchronous=%d", i, journal, fk, busy, sync)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

func TestOpenPostgres(t *testing.T) {
	b := newPostgres(t)
	db := b.open(t)
	if db.Dialect() != store.Postgres {
		t.Errorf("Dialect = %q", db.Dialect())
	}
	must(t, db.Ping(t.Context()))
	if _, err := store.Open(t.Context(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"); err == nil {
		t.Error("Open succeeded on a closed port")
	}
}

func TestMigrateTwice(t *testing.T) {
	both(t, func(t *testing.T, b backend) {
		db := b.open(t)
		ctx := t.Context()
		for i := range 2 {
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("Migrate #%d: %v", i+1, err)
			}
		}
		v, err := db.SchemaVersion(ctx)
		must(t, err)
		var rows int
		must(t, db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&rows))
		// Versions may have gaps (004 came before 002 and 003 were
		// merged), so there are at most as many rows as the version.
		if v < 1 || rows < 1 || rows > v {
			t.Errorf("version %d with %d rows in schema_migrations", v, rows)
		}
		// The schema works after the second run.
		newUser(t, db, "ann@example.com")
	})
}

// Replicas starting together must not apply a migration twice.
func TestMigrateConcurrent(t *testing.T) {
	both(t, func(t *testing.T, b backend) {
		const n = 4
		dbs := make([]*store.DB, n)
		for i := range dbs {
			dbs[i] = b.open(t)
		}
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, db := range dbs {
			wg.Go(func() {
				<-start
				errs[i] = db.Migrate(t.Context())
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("Migrate on handle %d: %v", i, err)
			}
		}
		var rows, distinct int
		must(t, dbs[0].SQL().QueryRowContext(t.Context(),
			"SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations").Scan(&rows, &distinct))
		if rows != distinct || rows == 0 {
			t.Errorf("schema_migrations: %d rows, %d versions", rows, distinct)
		}
	})
}

// claim: R3 (a user edits their own profile; see "update")
func TestUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		n, err := db.CountUsers(ctx)
		must(t, err)
		if n != 0 {
			t.Fatalf("CountUsers on an empty database = %d", n)
		}

		first := &domain.User{Email: "  Ann@Example.COM ", Name: " Ann ", PasswordHash: "h1"}
		must(t, db.CreateUser(ctx, first))
		if first.ID == 0 || first.Role != domain.RoleAdmin || first.Email != "ann@example.com" || first.Name != "Ann" {
			t.Fatalf("first user = %+v, want an admin with the normalised email", first)
		}
		if first.CreatedAt.IsZero() || first.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt = %v, want a UTC time", first.CreatedAt)
		}
		second := &domain.User{Email: "bob@example.com", PasswordHash: "h2"}
		must(t, db.CreateUser(ctx, second))
		if second.Role != domain.RoleUser {
			t.Errorf("second user role = %q, want user", second.Role)
		}

		got, err := db.FindUserByEmail(ctx, "ANN@example.com")
		must(t, err)
		if got.ID != first.ID || got.PasswordHash != "h1" || got.Role != domain.RoleAdmin || !got.CreatedAt.Equal(first.CreatedAt) {
			t.Errorf("FindUserByEmail = %+v, want %+v", got, first)
		}
		got, err = db.FindUserByID(ctx, second.ID)
		must(t, err)
		if got.Email != "bob@example.com" {
			t.Errorf("FindUserByID = %+v", got)
		}
		_, err = db.FindUserByID(ctx, 999999)
		wantErr(t, err, domain.ENOTFOUND, "")
		_, err = db.FindUserByEmail(ctx, "nobody@example.com")
		wantErr(t, err, domain.ENOTFOUND, "")

		for _, c := range []struct {
			name, email, field, code string
		}{
			{"taken, other case", "BOB@example.com", "email", domain.ECONFLICT},
			{"empty", "  ", "email", domain.EINVALID},
			{"not an address", "bob", "email", domain.EINVALID},
		} {
			t.Run("create "+c.name, func(t *testing.T) {
				wantErr(t, db.CreateUser(ctx, &domain.User{Email: c.email, PasswordHash: "x"}), c.code, c.field)
			})
		}

		n, err = db.CountUsers(ctx)
		must(t, err)
		if n != 2 {
			t.Errorf("CountUsers = %d, want 2", n)
		}

		t.Run("update", func(t *testing.T) {
			db.Now = func() time.Time { return first.CreatedAt.Add(time.Hour) }
			defer func() { db.Now = nil }()
			u, err := db.UpdateUser(ctx, first.ID, domain.UserUpdate{
				Email: ptr(" ANNA@example.com"), Name: ptr("Anna"), PasswordHash: ptr("h3"), AnalyticsOptOut: ptr(true),
			})
			must(t, err)
			if u.Email != "anna@example.com" || u.Name != "Anna" || u.PasswordHash != "h3" || !u.AnalyticsOptOut ||
				!u.UpdatedAt.Equal(first.CreatedAt.Add(time.Hour)) || u.Role != domain.RoleAdmin {
				t.Errorf("UpdateUser = %+v", u)
			}
			_, err = db.UpdateUser(ctx, first.ID, domain.UserUpdate{Email: ptr("Bob@Example.com")})
			wantErr(t, err, domain.ECONFLICT, "email")
			_, err = db.UpdateUser(ctx, first.ID, domain.UserUpdate{Email: ptr("nope")})
			wantErr(t, err, domain.EINVALID, "email")
			_, err = db.UpdateUser(ctx, 999999, domain.UserUpdate{Name: ptr("x")})
			wantErr(t, err, domain.ENOTFOUND, "")
			u, err = db.UpdateUser(ctx, first.ID, domain.UserUpdate{})
			must(t, err)
			if u.Email != "anna@example.com" {
				t.Errorf("empty update returned %+v", u)
			}
		})

		t.Run("delete", func(t *testing.T) {
			must(t, db.DeleteUser(ctx, second.ID))
			_, err := db.FindUserByID(ctx, second.ID)
			wantErr(t, err, domain.ENOTFOUND, "")
			wantErr(t, db.DeleteUser(ctx, second.ID), domain.ENOTFOUND, "")
			// The email is free again.
			must(t, db.CreateUser(ctx, &domain.User{Email: "bob@example.com", PasswordHash: "h"}))
		})
	})
}

// Two sign-ups racing on an empty database from two processes: exactly one
// becomes the admin.
func TestFirstUserAdminConcurrent(t *testing.T) {
	both(t, func(t *testing.T, b backend) {
		dbs := []*store.DB{b.migrated(t), b.open(t)}
		const n = 8
		users := make([]*domain.User, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				users[i] = &domain.User{Email: "u" + string(rune('a'+i)) + "@example.com", PasswordHash: "h"}
				errs[i] = dbs[i%2].CreateUser(t.Context(), users[i])
			})
		}
		close(start)
		wg.Wait()
		admins := 0
		for i, u := range users {
			must(t, errs[i])
			if u.Role == domain.RoleAdmin {
				admins++
			}
		}
		var stored int
		must(t, dbs[0].SQL().QueryRowContext(t.Context(), "SELECT COUNT(*) FROM users WHERE role = 'admin'").Scan(&stored))
		if admins != 1 || stored != 1 {
			t.Errorf("%d users told they are admin, %d admins stored; want 1 and 1", admins, stored)
		}
	})
}

func TestTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }

		tok := &domain.Token{UserID: f.a.ID, Name: " laptop ", Hash: []byte{1, 2, 3}}
		must(t, db.CreateToken(ctx, tok))
		if tok.ID == 0 || tok.Name != "laptop" || !tok.CreatedAt.Equal(now) {
			t.Fatalf("CreateToken = %+v", tok)
		}
		wantErr(t, db.CreateToken(ctx, &domain.Token{UserID: f.a.ID, Name: "", Hash: []byte{9}}), domain.EINVALID, "name")
		wantErr(t, db.CreateToken(ctx, &domain.Token{UserID: f.a.ID, Name: "x"}), domain.EINVALID, "hash")
		wantErr(t, db.CreateToken(ctx, &domain.Token{UserID: 999999, Name: "x", Hash: []byte{8}}), domain.EINVALID, "user_id")
		if err := db.CreateToken(ctx, &domain.Token{UserID: f.b.ID, Name: "dup", Hash: []byte{1, 2, 3}}); err == nil {
			t.Error("a second token with the same hash was stored")
		}

		list, err := db.FindTokens(ctx, f.a.ID)
		must(t, err)
		if len(list) != 1 || list[0].ID != tok.ID || list[0].Hash != nil || list[0].LastUsedAt != nil {
			t.Fatalf("FindTokens = %+v", list)
		}
		list, err = db.FindTokens(ctx, f.b.ID)
		must(t, err)
		if list == nil || len(list) != 0 {
			t.Errorf("FindTokens of B = %#v, want an empty slice", list)
		}

		got, err := db.FindTokenByHash(ctx, []byte{1, 2, 3})
		must(t, err)
		if got.ID != tok.ID || got.UserID != f.a.ID || got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) {
			t.Fatalf("FindTokenByHash = %+v", got)
		}
		// Within the granularity the stamp is not rewritten; after it, it is.
		now = now.Add(30 * time.Second)
		got, err = db.FindTokenByHash(ctx, []byte{1, 2, 3})
		must(t, err)
		if !got.LastUsedAt.Equal(now.Add(-30 * time.Second)) {
			t.Errorf("LastUsedAt moved within a minute: %v", got.LastUsedAt)
		}
		now = now.Add(time.Minute)
		_, err = db.FindTokenByHash(ctx, []byte{1, 2, 3})
		must(t, err)
		list, err = db.FindTokens(ctx, f.a.ID)
		must(t, err)
		if !list[0].LastUsedAt.Equal(now) {
			t.Errorf("stored LastUsedAt = %v, want %v", list[0].LastUsedAt, now)
		}

		_, err = db.FindTokenByHash(ctx, []byte{7, 7})
		wantErr(t, err, domain.ENOTFOUND, "")
		_, err = db.FindTokenByHash(ctx, nil)
		wantErr(t, err, domain.ENOTFOUND, "")

		wantErr(t, db.DeleteToken(ctx, f.b.ID, tok.ID), domain.ENOTFOUND, "")
		must(t, db.DeleteToken(ctx, f.a.ID, tok.ID))
		_, err = db.FindTokenByHash(ctx, []byte{1, 2, 3})
		wantErr(t, err, domain.ENOTFOUND, "")
		wantErr(t, db.DeleteToken(ctx, f.a.ID, tok.ID), domain.ENOTFOUND, "")
	})
}

func TestSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }

		live := &domain.Session{IDHash: []byte("live"), UserID: f.a.ID, CSRFToken: "csrf1", ExpiresAt: now.Add(time.Hour)}
		old := &domain.Session{IDHash: []byte("old"), UserID: f.a.ID, CSRFToken: "csrf2", ExpiresAt: now.Add(time.Minute)}
		must(t, db.CreateSession(ctx, live))
		must(t, db.CreateSession(ctx, old))
		if !live.CreatedAt.Equal(now) {
			t.Errorf("CreatedAt = %v, want now", live.CreatedAt)
		}
		wantErr(t, db.CreateSession(ctx, &domain.Session{UserID: f.a.ID, ExpiresAt: now}), domain.EINVALID, "id_hash")
		wantErr(t, db.CreateSession(ctx, &domain.Session{IDHash: []byte("x"), UserID: f.a.ID}), domain.EINVALID, "expires_at")
		wantErr(t, db.CreateSession(ctx, &domain.Session{IDHash: []byte("y"), UserID: 999999, ExpiresAt: now.Add(time.Hour)}), domain.EINVALID, "user_id")

		s, err := db.FindSession(ctx, []byte("live"))
		must(t, err)
		if s.UserID != f.a.ID || s.CSRFToken != "csrf1" || !s.ExpiresAt.Equal(now.Add(time.Hour)) || string(s.IDHash) != "live" {
			t.Errorf("FindSession = %+v", s)
		}
		_, err = db.FindSession(ctx, []byte("nope"))
		wantErr(t, err, domain.ENOTFOUND, "")

		now = now.Add(2 * time.Minute) // "old" has expired
		_, err = db.FindSession(ctx, []byte("old"))
		wantErr(t, err, domain.ENOTFOUND, "")
		n, err := db.DeleteExpiredSessions(ctx, now)
		must(t, err)
		if n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, want 1", n)
		}
		n, err = db.DeleteExpiredSessions(ctx, now)
		must(t, err)
		if n != 0 {
			t.Errorf("second DeleteExpiredSessions = %d, want 0", n)
		}

		must(t, db.DeleteSession(ctx, []byte("live")))
		_, err = db.FindSession(ctx, []byte("live"))
		wantErr(t, err, domain.ENOTFOUND, "")
		must(t, db.DeleteSession(ctx, []byte("live"))) // signing out twice is fine

		// Signing out everywhere but here (after a password change).
		for _, h := range []string{"here", "phone", "laptop"} {
			must(t, db.CreateSession(ctx, &domain.Session{IDHash: []byte(h), UserID: f.a.ID, CSRFToken: "c", ExpiresAt: now.Add(time.Hour)}))
		}
		must(t, db.CreateSession(ctx, &domain.Session{IDHash: []byte("other-user"), UserID: f.b.ID, CSRFToken: "c", ExpiresAt: now.Add(time.Hour)}))
		n, err = db.DeleteUserSessions(ctx, f.a.ID, []byte("here"))
		must(t, err)
		if n != 2 {
			t.Errorf("DeleteUserSessions removed %d, want 2", n)
		}
		for h, want := range map[string]bool{"here": true, "phone": false, "laptop": false, "other-user": true} {
			_, err := db.FindSession(ctx, []byte(h))
			if (err == nil) != want {
				t.Errorf("session %q: exists=%v, want %v", h, err == nil, want)
			}
		}
		n, err = db.DeleteUserSessions(ctx, f.a.ID, nil)
		must(t, err)
		if n != 1 {
			t.Errorf("DeleteUserSessions(nil) removed %d, want 1", n)
		}
	})
}

func TestClients(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		c2 := &domain.Client{UserID: f.a.ID, Name: "beta corp"}
		must(t, db.CreateClient(ctx, c2))
		wantErr(t, db.CreateClient(ctx, &domain.Client{UserID: f.a.ID, Name: " "}), domain.EINVALID, "name")
		wantErr(t, db.CreateClient(ctx, &domain.Client{UserID: f.a.ID, Name: strings.Repeat("x", 201)}), domain.EINVALID, "name")

		got, err := db.FindClient(ctx, f.a.ID, f.client.ID)
		must(t, err)
		if got.Name != "Acme" || got.UserID != f.a.ID || !got.CreatedAt.Equal(f.client.CreatedAt) {
			t.Errorf("FindClient = %+v", got)
		}
		list, err := db.FindClients(ctx, f.a.ID)
		must(t, err)
		if len(list) != 2 || list[0].Name != "Acme" || list[1].Name != "beta corp" {
			t.Errorf("FindClients = %+v, want Acme then beta corp", list)
		}

		upd := &domain.Client{ID: c2.ID, UserID: f.a.ID, Name: "Beta Corp"}
		must(t, db.UpdateClient(ctx, upd))
		if !upd.CreatedAt.Equal(c2.CreatedAt) {
			t.Errorf("UpdateClient CreatedAt = %v, want %v", upd.CreatedAt, c2.CreatedAt)
		}
		got, err = db.FindClient(ctx, f.a.ID, c2.ID)
		must(t, err)
		if got.Name != "Beta Corp" {
			t.Errorf("after update: %+v", got)
		}
		wantErr(t, db.UpdateClient(ctx, &domain.Client{ID: c2.ID, UserID: f.a.ID}), domain.EINVALID, "name")

		// Deleting a client keeps its projects, without a client.
		must(t, db.DeleteClient(ctx, f.a.ID, f.client.ID))
		_, err = db.FindClient(ctx, f.a.ID, f.client.ID)
		wantErr(t, err, domain.ENOTFOUND, "")
		p, err := db.FindProject(ctx, f.a.ID, f.project.ID)
		must(t, err)
		if p.ClientID != nil {
			t.Errorf("project client after client deletion = %d, want nil", *p.ClientID)
		}
		wantErr(t, db.DeleteClient(ctx, f.a.ID, f.client.ID), domain.ENOTFOUND, "")
	})
}

func TestProjects(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		bClient := &domain.Client{UserID: f.b.ID, Name: "B's client"}
		must(t, db.CreateClient(ctx, bClient))

		got, err := db.FindProject(ctx, f.a.ID, f.project.ID)
		must(t, err)
		if got.Name != "Website" || !got.Billable || got.Archived || got.ClientID == nil || *got.ClientID != f.client.ID {
			t.Errorf("FindProject = %+v", got)
		}

		cases := []struct {
			name  string
			p     domain.Project
			field string
		}{
			{"no name", domain.Project{UserID: f.a.ID}, "name"},
			{"client of another user", domain.Project{UserID: f.a.ID, Name: "x", ClientID: &bClient.ID}, "client_id"},
			{"missing client", domain.Project{UserID: f.a.ID, Name: "x", ClientID: ptr(int64(999999))}, "client_id"},
		}
		for _, c := range cases {
			t.Run("create "+c.name, func(t *testing.T) {
				wantErr(t, db.CreateProject(ctx, &c.p), domain.EINVALID, c.field)
			})
		}

		internal := &domain.Project{UserID: f.a.ID, Name: "Admin"}
		must(t, db.CreateProject(ctx, internal))
		old := &domain.Project{UserID: f.a.ID, Name: "Old", Archived: true}
		must(t, db.CreateProject(ctx, old))

		active, err := db.FindProjects(ctx, f.a.ID, false)
		must(t, err)
		all, err := db.FindProjects(ctx, f.a.ID, true)
		must(t, err)
		if names(active) != "Admin,Website" || names(all) != "Admin,Old,Website" {
			t.Errorf("FindProjects: active %s, all %s", names(active), names(all))
		}

		upd := *internal
		upd.Name, upd.ClientID, upd.Billable, upd.Archived = "Internal", &f.client.ID, true, true
		must(t, db.UpdateProject(ctx, &upd))
		got, err = db.FindProject(ctx, f.a.ID, internal.ID)
		must(t, err)
		if got.Name != "Internal" || got.ClientID == nil || *got.ClientID != f.client.ID || !got.Billable || !got.Archived {
			t.Errorf("after update: %+v", got)
		}
		upd.ClientID = &bClient.ID
		wantErr(t, db.UpdateProject(ctx, &upd), domain.EINVALID, "client_id")
		upd.ClientID = nil
		must(t, db.UpdateProject(ctx, &upd))
		got, err = db.FindProject(ctx, f.a.ID, internal.ID)
		must(t, err)
		if got.ClientID != nil {
			t.Errorf("client not cleared: %+v", got)
		}

		// Deleting a project deletes its tasks and entries.
		e := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, TaskID: &f.task.ID,
			Start: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC), End: ptr(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))}
		must(t, db.CreateEntry(ctx, e))
		must(t, db.DeleteProject(ctx, f.a.ID, f.project.ID))
		_, err = db.FindTask(ctx, f.a.ID, f.task.ID)
		wantErr(t, err, domain.ENOTFOUND, "")
		_, err = db.FindEntry(ctx, f.a.ID, e.ID)
		wantErr(t, err, domain.ENOTFOUND, "")
		wantErr(t, db.DeleteProject(ctx, f.a.ID, f.project.ID), domain.ENOTFOUND, "")
	})
}

func names(ps []domain.Project) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Name)
	}
	return strings.Join(s, ",")
}

func TestTasks(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		other := &domain.Project{UserID: f.a.ID, Name: "Other"}
		must(t, db.CreateProject(ctx, other))
		bProject := &domain.Project{UserID: f.b.ID, Name: "B's"}
		must(t, db.CreateProject(ctx, bProject))

		wantErr(t, db.CreateTask(ctx, &domain.Task{UserID: f.a.ID, ProjectID: bProject.ID, Name: "x"}), domain.EINVALID, "project_id")
		wantErr(t, db.CreateTask(ctx, &domain.Task{UserID: f.a.ID, ProjectID: 999999, Name: "x"}), domain.EINVALID, "project_id")
		wantErr(t, db.CreateTask(ctx, &domain.Task{UserID: f.a.ID, ProjectID: other.ID}), domain.EINVALID, "name")

		t2 := &domain.Task{UserID: f.a.ID, ProjectID: other.ID, Name: "Build"}
		must(t, db.CreateTask(ctx, t2))
		got, err := db.FindTask(ctx, f.a.ID, f.task.ID)
		must(t, err)
		if got.Name != "Design" || got.ProjectID != f.project.ID || got.Done {
			t.Errorf("FindTask = %+v", got)
		}
		all, err := db.FindTasks(ctx, f.a.ID, 0)
		must(t, err)
		inOther, err := db.FindTasks(ctx, f.a.ID, other.ID)
		must(t, err)
		if len(all) != 2 || all[0].Name != "Build" || len(inOther) != 1 || inOther[0].ID != t2.ID {
			t.Errorf("FindTasks: all %+v, in other %+v", all, inOther)
		}

		// Moving a task to another project takes its entries along.
		e := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, TaskID: &f.task.ID,
			Start: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC), End: ptr(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))}
		must(t, db.CreateEntry(ctx, e))
		moved := *f.task
		moved.ProjectID, moved.Done, moved.Name = other.ID, true, "Design v2"
		must(t, db.UpdateTask(ctx, &moved))
		got, err = db.FindTask(ctx, f.a.ID, f.task.ID)
		must(t, err)
		if got.ProjectID != other.ID || !got.Done || got.Name != "Design v2" {
			t.Errorf("after update: %+v", got)
		}
		ge, err := db.FindEntry(ctx, f.a.ID, e.ID)
		must(t, err)
		if ge.ProjectID != other.ID || ge.TaskID == nil || *ge.TaskID != f.task.ID {
			t.Errorf("entry after its task moved: %+v", ge)
		}
		moved.ProjectID = bProject.ID
		wantErr(t, db.UpdateTask(ctx, &moved), domain.EINVALID, "project_id")

		// Deleting a task keeps its entries, without a task.
		must(t, db.DeleteTask(ctx, f.a.ID, f.task.ID))
		ge, err = db.FindEntry(ctx, f.a.ID, e.ID)
		must(t, err)
		if ge.TaskID != nil {
			t.Errorf("entry task after task deletion = %d, want nil", *ge.TaskID)
		}
		wantErr(t, db.DeleteTask(ctx, f.a.ID, f.task.ID), domain.ENOTFOUND, "")
	})
}

func TestEntries(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		other := &domain.Project{UserID: f.a.ID, Name: "Other"}
		must(t, db.CreateProject(ctx, other))
		bProject := &domain.Project{UserID: f.b.ID, Name: "B's"}
		must(t, db.CreateProject(ctx, bProject))
		day := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
		at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }

		bad := []struct {
			name  string
			e     domain.Entry
			field string
		}{
			{"no start", domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID}, "start"},
			{"end before start", domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: at(10), End: ptr(at(9))}, "end"},
			{"project of another user", domain.Entry{UserID: f.a.ID, ProjectID: bProject.ID, Start: at(9), End: ptr(at(10))}, "project_id"},
			{"missing project", domain.Entry{UserID: f.a.ID, ProjectID: 999999, Start: at(9), End: ptr(at(10))}, "project_id"},
			{"task of another project", domain.Entry{UserID: f.a.ID, ProjectID: other.ID, TaskID: &f.task.ID, Start: at(9), End: ptr(at(10))}, "task_id"},
			{"missing task", domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, TaskID: ptr(int64(999999)), Start: at(9), End: ptr(at(10))}, "task_id"},
			{"notes too long", domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: at(9), End: ptr(at(10)), Notes: strings.Repeat("n", 10001)}, "notes"},
			{"year out of range", domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "start"},
		}
		for _, c := range bad {
			t.Run("create "+c.name, func(t *testing.T) {
				wantErr(t, db.CreateEntry(ctx, &c.e), domain.EINVALID, c.field)
			})
		}

		// A time in another zone with nanoseconds comes back in UTC, to the
		// microsecond.
		paris := time.FixedZone("CET", 3600)
		e1 := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, TaskID: &f.task.ID,
			Start: at(9).In(paris).Add(123456789), End: ptr(at(10).In(paris)), Notes: "kick-off", Billable: true}
		must(t, db.CreateEntry(ctx, e1))
		if e1.ID == 0 || !e1.Start.Equal(at(9).Add(123456000)) || e1.Start.Location() != time.UTC {
			t.Fatalf("CreateEntry = %+v", e1)
		}
		e2 := &domain.Entry{UserID: f.a.ID, ProjectID: other.ID, Start: at(12), End: ptr(at(13))}
		must(t, db.CreateEntry(ctx, e2))
		e3 := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: at(24), End: ptr(at(25))}
		must(t, db.CreateEntry(ctx, e3))
		bEntry := &domain.Entry{UserID: f.b.ID, ProjectID: bProject.ID, Start: at(9), End: ptr(at(10))}
		must(t, db.CreateEntry(ctx, bEntry))

		got, err := db.FindEntry(ctx, f.a.ID, e1.ID)
		must(t, err)
		if !got.Start.Equal(e1.Start) || got.Start.Location() != time.UTC || !got.End.Equal(*e1.End) ||
			got.Notes != "kick-off" || !got.Billable || got.TaskID == nil || *got.TaskID != f.task.ID ||
			!got.CreatedAt.Equal(e1.CreatedAt) {
			t.Errorf("FindEntry = %+v, want %+v", got, e1)
		}

		filters := []struct {
			name string
			f    domain.EntryFilter
			want []int64
		}{
			{"all, latest first", domain.EntryFilter{}, []int64{e3.ID, e2.ID, e1.ID}},
			{"from inclusive", domain.EntryFilter{From: at(12)}, []int64{e3.ID, e2.ID}},
			{"to exclusive", domain.EntryFilter{To: at(12)}, []int64{e1.ID}},
			{"day", domain.EntryFilter{From: day, To: day.AddDate(0, 0, 1)}, []int64{e2.ID, e1.ID}},
			{"project", domain.EntryFilter{ProjectID: f.project.ID}, []int64{e3.ID, e1.ID}},
			{"client", domain.EntryFilter{ClientID: f.client.ID}, []int64{e3.ID, e1.ID}},
			{"client and range", domain.EntryFilter{ClientID: f.client.ID, To: at(24)}, []int64{e1.ID}},
			{"limit", domain.EntryFilter{Limit: 2}, []int64{e3.ID, e2.ID}},
			// "to 9999-12-31" ends at the start of year 10000.
			{"to after year 9999", domain.EntryFilter{From: day, To: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, []int64{e3.ID, e2.ID, e1.ID}},
			{"another user's project", domain.EntryFilter{ProjectID: bProject.ID}, []int64{}},
		}
		for _, c := range filters {
			t.Run("find "+c.name, func(t *testing.T) {
				es, err := db.FindEntries(ctx, f.a.ID, c.f)
				must(t, err)
				if es == nil {
					t.Fatal("FindEntries returned nil, want an empty slice")
				}
				if got := ids(es); !equalIDs(got, c.want) {
					t.Errorf("FindEntries = %v, want %v", got, c.want)
				}
			})
		}

		upd := *e2
		upd.ProjectID, upd.TaskID, upd.Notes, upd.Billable = f.project.ID, &f.task.ID, "moved", true
		upd.Start, upd.End = at(14), ptr(at(16))
		must(t, db.UpdateEntry(ctx, &upd))
		got, err = db.FindEntry(ctx, f.a.ID, e2.ID)
		must(t, err)
		if got.ProjectID != f.project.ID || *got.TaskID != f.task.ID || got.Notes != "moved" || !got.Billable ||
			!got.Start.Equal(at(14)) || !got.End.Equal(at(16)) || !got.CreatedAt.Equal(e2.CreatedAt) {
			t.Errorf("after update: %+v", got)
		}
		upd.ProjectID = other.ID // the task stays in the first project
		wantErr(t, db.UpdateEntry(ctx, &upd), domain.EINVALID, "task_id")
		upd.ProjectID, upd.End = f.project.ID, ptr(at(13))
		wantErr(t, db.UpdateEntry(ctx, &upd), domain.EINVALID, "end")

		must(t, db.DeleteEntry(ctx, f.a.ID, e2.ID))
		_, err = db.FindEntry(ctx, f.a.ID, e2.ID)
		wantErr(t, err, domain.ENOTFOUND, "")
		wantErr(t, db.DeleteEntry(ctx, f.a.ID, e2.ID), domain.ENOTFOUND, "")
	})
}

func ids(es []domain.Entry) []int64 {
	out := []int64{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTimer(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }

		running, err := db.RunningTimer(ctx, f.a.ID)
		if running != nil || err != nil {
			t.Fatalf("RunningTimer with none = %v, %v", running, err)
		}
		_, err = db.StopTimer(ctx, f.a.ID, time.Time{})
		wantErr(t, err, domain.ENOTFOUND, "")

		wantErr(t, db.StartTimer(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, End: &now}), domain.EINVALID, "end")
		archived := &domain.Project{UserID: f.a.ID, Name: "Old", Archived: true}
		must(t, db.CreateProject(ctx, archived))
		wantErr(t, db.StartTimer(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: archived.ID}), domain.EINVALID, "project_id")

		e := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, TaskID: &f.task.ID, Notes: "focus", Billable: true}
		must(t, db.StartTimer(ctx, e))
		if e.ID == 0 || !e.Start.Equal(now) || e.End != nil {
			t.Fatalf("StartTimer = %+v", e)
		}
		running, err = db.RunningTimer(ctx, f.a.ID)
		must(t, err)
		if running == nil || running.ID != e.ID || !running.Running() {
			t.Fatalf("RunningTimer = %+v", running)
		}
		// The rule lives in the database: a second running entry is refused
		// through every path.
		wantErr(t, db.StartTimer(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID}), domain.ECONFLICT, "")
		wantErr(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: now}), domain.ECONFLICT, "")
		if msg := domain.ErrorMessage(db.StartTimer(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID})); msg != "a timer is already running" {
			t.Errorf("message %q", msg)
		}

		// B's timer is independent of A's.
		bProject := &domain.Project{UserID: f.b.ID, Name: "B's"}
		must(t, db.CreateProject(ctx, bProject))
		must(t, db.StartTimer(ctx, &domain.Entry{UserID: f.b.ID, ProjectID: bProject.ID}))
		n, err := db.CountRunningTimers(ctx)
		must(t, err)
		if n != 2 {
			t.Errorf("CountRunningTimers = %d, want 2", n)
		}

		_, err = db.StopTimer(ctx, f.a.ID, now.Add(-time.Minute))
		wantErr(t, err, domain.EINVALID, "end")
		now = now.Add(90 * time.Minute)
		stopped, err := db.StopTimer(ctx, f.a.ID, time.Time{})
		must(t, err)
		if stopped.ID != e.ID || stopped.End == nil || !stopped.End.Equal(now) || stopped.Duration(now) != 90*time.Minute ||
			stopped.Notes != "focus" || !stopped.Billable || *stopped.TaskID != f.task.ID {
			t.Errorf("StopTimer = %+v", stopped)
		}
		running, err = db.RunningTimer(ctx, f.a.ID)
		if running != nil || err != nil {
			t.Errorf("RunningTimer after stop = %v, %v", running, err)
		}
		n, err = db.CountRunningTimers(ctx)
		must(t, err)
		if n != 1 {
			t.Errorf("CountRunningTimers = %d, want 1", n)
		}

		// A new timer can start, and reopening the stopped entry while it
		// runs is refused.
		e2 := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: now.Add(-time.Hour)}
		must(t, db.StartTimer(ctx, e2))
		reopen := *stopped
		reopen.End = nil
		wantErr(t, db.UpdateEntry(ctx, &reopen), domain.ECONFLICT, "")
		// Editing the running timer keeps it running.
		e2.Notes = "late start"
		must(t, db.UpdateEntry(ctx, e2))
		running, err = db.RunningTimer(ctx, f.a.ID)
		must(t, err)
		if running.ID != e2.ID || running.Notes != "late start" {
			t.Errorf("RunningTimer after edit = %+v", running)
		}
		stopped, err = db.StopTimer(ctx, f.a.ID, now.Add(15*time.Minute))
		must(t, err)
		if !stopped.End.Equal(now.Add(15 * time.Minute)) {
			t.Errorf("explicit end = %v", stopped.End)
		}
	})
}

// Two processes (two handles, two pools) start timers for one user at
// once: the database lets exactly one through.
func TestTimerConcurrentStarts(t *testing.T) {
	both(t, func(t *testing.T, b backend) {
		dbs := []*store.DB{b.migrated(t), b.open(t)}
		f := seed(t, dbs[0])
		const n = 8
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				errs[i] = dbs[i%2].StartTimer(t.Context(), &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID})
			})
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch domain.ErrorCode(err) {
			case "":
				ok++
			case domain.ECONFLICT:
			default:
				t.Errorf("StartTimer: %v, want success or ECONFLICT", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d timers started, want exactly 1", ok)
		}
		c, err := dbs[1].CountRunningTimers(t.Context())
		must(t, err)
		if c != 1 {
			t.Errorf("CountRunningTimers = %d, want 1", c)
		}
	})
}

// User B can neither see, change nor delete anything of user A's: every
// such call answers ENOTFOUND, as if the object did not exist.
func TestScoping(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		bID := f.b.ID
		bProject := &domain.Project{UserID: bID, Name: "B's"}
		must(t, db.CreateProject(ctx, bProject))
		entry := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
		must(t, db.StartTimer(ctx, entry))
		tok := &domain.Token{UserID: f.a.ID, Name: "t", Hash: []byte("h")}
		must(t, db.CreateToken(ctx, tok))

		calls := []struct {
			name string
			call func() error
		}{
			{"FindClient", func() error { _, err := db.FindClient(ctx, bID, f.client.ID); return err }},
			{"UpdateClient", func() error { return db.UpdateClient(ctx, &domain.Client{ID: f.client.ID, UserID: bID, Name: "x"}) }},
			{"DeleteClient", func() error { return db.DeleteClient(ctx, bID, f.client.ID) }},
			{"FindProject", func() error { _, err := db.FindProject(ctx, bID, f.project.ID); return err }},
			{"UpdateProject", func() error {
				return db.UpdateProject(ctx, &domain.Project{ID: f.project.ID, UserID: bID, Name: "x"})
			}},
			{"DeleteProject", func() error { return db.DeleteProject(ctx, bID, f.project.ID) }},
			{"FindTask", func() error { _, err := db.FindTask(ctx, bID, f.task.ID); return err }},
			{"UpdateTask", func() error {
				return db.UpdateTask(ctx, &domain.Task{ID: f.task.ID, UserID: bID, ProjectID: bProject.ID, Name: "x"})
			}},
			{"DeleteTask", func() error { return db.DeleteTask(ctx, bID, f.task.ID) }},
			{"FindEntry", func() error { _, err := db.FindEntry(ctx, bID, entry.ID); return err }},
			{"UpdateEntry", func() error {
				return db.UpdateEntry(ctx, &domain.Entry{ID: entry.ID, UserID: bID, ProjectID: bProject.ID, Start: entry.Start})
			}},
			{"DeleteEntry", func() error { return db.DeleteEntry(ctx, bID, entry.ID) }},
			{"StopTimer", func() error { _, err := db.StopTimer(ctx, bID, time.Time{}); return err }},
			{"DeleteToken", func() error { return db.DeleteToken(ctx, bID, tok.ID) }},
		}
		for _, c := range calls {
			t.Run(c.name, func(t *testing.T) {
				wantErr(t, c.call(), domain.ENOTFOUND, "")
			})
		}

		// Lists and reports of B show nothing of A's.
		clients, err := db.FindClients(ctx, bID)
		must(t, err)
		projects, err := db.FindProjects(ctx, bID, true)
		must(t, err)
		tasks, err := db.FindTasks(ctx, bID, f.project.ID)
		must(t, err)
		entries, err := db.FindEntries(ctx, bID, domain.EntryFilter{ClientID: f.client.ID})
		must(t, err)
		running, err := db.RunningTimer(ctx, bID)
		must(t, err)
		if len(clients) != 0 || len(projects) != 1 || len(tasks) != 0 || len(entries) != 0 || running != nil {
			t.Errorf("B sees clients %v, projects %v, tasks %v, entries %v, timer %v", clients, projects, tasks, entries, running)
		}

		// B cannot attach anything to A's objects either.
		wantErr(t, db.CreateTask(ctx, &domain.Task{UserID: bID, ProjectID: f.project.ID, Name: "x"}), domain.EINVALID, "project_id")
		wantErr(t, db.StartTimer(ctx, &domain.Entry{UserID: bID, ProjectID: f.project.ID}), domain.EINVALID, "project_id")
		wantErr(t, db.StartTimer(ctx, &domain.Entry{UserID: bID, ProjectID: bProject.ID, TaskID: &f.task.ID}), domain.EINVALID, "task_id")
		wantErr(t, db.CreateProject(ctx, &domain.Project{UserID: bID, Name: "x", ClientID: &f.client.ID}), domain.EINVALID, "client_id")

		// And A's objects are unchanged.
		p, err := db.FindProject(ctx, f.a.ID, f.project.ID)
		must(t, err)
		e, err := db.FindEntry(ctx, f.a.ID, entry.ID)
		must(t, err)
		tk, err := db.FindTask(ctx, f.a.ID, f.task.ID)
		must(t, err)
		if p.Name != "Website" || !e.Running() || tk.ProjectID != f.project.ID {
			t.Errorf("A's objects changed: %+v %+v %+v", p, e, tk)
		}
	})
}

// Deleting an account removes every row of it, in every table, and
// nothing of anyone else's.
//
// claim: R2
func TestDeleteUserCascade(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		for _, u := range []*domain.User{f.a, f.b} {
			c := &domain.Client{UserID: u.ID, Name: "c"}
			must(t, db.CreateClient(ctx, c))
			p := &domain.Project{UserID: u.ID, Name: "p", ClientID: &c.ID}
			must(t, db.CreateProject(ctx, p))
			tk := &domain.Task{UserID: u.ID, ProjectID: p.ID, Name: "t"}
			must(t, db.CreateTask(ctx, tk))
			must(t, db.CreateEntry(ctx, &domain.Entry{UserID: u.ID, ProjectID: p.ID, TaskID: &tk.ID, Tags: []string{"t1", "t2"},
				Start: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC), End: ptr(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))}))
			must(t, db.StartTimer(ctx, &domain.Entry{UserID: u.ID, ProjectID: p.ID}))
			must(t, db.CreateToken(ctx, &domain.Token{UserID: u.ID, Name: "t", Hash: []byte("tok" + u.Email)}))
			must(t, db.CreateSession(ctx, &domain.Session{IDHash: []byte("s" + u.Email), UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}))
		}
		count := func(id int64) map[string]int {
			m := map[string]int{}
			for _, table := range []string{"users", "tokens", "sessions", "clients", "projects", "tasks", "entries", "tags", "entry_tags"} {
				col := "user_id"
				if table == "users" {
					col = "id"
				}
				var n int
				query := "SELECT COUNT(*) FROM " + table + " WHERE " + col + " = $1"
				if db.Dialect() == store.SQLite {
					query = strings.Replace(query, "$1", "?", 1)
				}
				must(t, db.SQL().QueryRowContext(ctx, query, id).Scan(&n))
				m[table] = n
			}
			return m
		}
		before := count(f.b.ID)
		// f.a is the admin: another must exist before they may go.
		_, err := db.SetUserRole(ctx, f.b.ID, domain.RoleAdmin)
		must(t, err)
		must(t, db.DeleteUser(ctx, f.a.ID))
		for table, n := range count(f.a.ID) {
			if n != 0 {
				t.Errorf("%s: %d rows of the deleted user left", table, n)
			}
		}
		after := count(f.b.ID)
		for table, n := range before {
			if after[table] != n || n == 0 {
				t.Errorf("%s: the other user had %d rows, now %d", table, n, after[table])
			}
		}
	})
}

func TestSummary(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db) // Website (client Acme, billable)
		zeta := &domain.Client{UserID: f.a.ID, Name: "Zeta"}
		must(t, db.CreateClient(ctx, zeta))
		app := &domain.Project{UserID: f.a.ID, Name: "app", ClientID: &zeta.ID}
		must(t, db.CreateProject(ctx, app))
		inhouse := &domain.Project{UserID: f.a.ID, Name: "Inhouse"}
		must(t, db.CreateProject(ctx, inhouse))
		d1 := time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)
		d2 := d1.AddDate(0, 0, 1)
		add := func(p *domain.Project, start time.Time, d time.Duration, billable bool) {
			end := start.Add(d)
			must(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: p.ID, Start: start, End: &end, Billable: billable}))
		}
		add(f.project, d1.Add(9*time.Hour), 2*time.Hour, true)                    // 7200 billable
		add(f.project, d2.Add(23*time.Hour), 90*time.Minute, false)               // 5400, day 2 by its start
		add(app, d1.Add(13*time.Hour), 30*time.Minute+999*time.Millisecond, true) // 1800 (whole seconds)
		add(inhouse, d2.Add(8*time.Hour), time.Hour, false)                       // 3600
		add(inhouse, d1.Add(-time.Second), time.Hour, true)                       // before the range
		add(inhouse, d2.AddDate(0, 0, 1), time.Hour, true)                        // at "to": excluded
		// A running timer: excluded.
		must(t, db.StartTimer(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: inhouse.ID, Start: d1.Add(10 * time.Hour)}))
		bProject := &domain.Project{UserID: f.b.ID, Name: "B's"}
		must(t, db.CreateProject(ctx, bProject))
		end := d1.Add(2 * time.Hour)
		must(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.b.ID, ProjectID: bProject.ID, Start: d1, End: &end, Billable: true}))

		from, to := d1, d2.AddDate(0, 0, 1)
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		cases := []struct {
			by   domain.GroupBy
			rows []domain.ReportRow
		}{
			{domain.GroupByProject, []domain.ReportRow{
				{Key: id(app.ID), Label: "app", Seconds: 1800, BillableSeconds: 1800},
				{Key: id(inhouse.ID), Label: "Inhouse", Seconds: 3600},
				{Key: id(f.project.ID), Label: "Website", Seconds: 12600, BillableSeconds: 7200},
			}},
			{domain.GroupByClient, []domain.ReportRow{
				{Key: id(f.client.ID), Label: "Acme", Seconds: 12600, BillableSeconds: 7200},
				{Key: id(zeta.ID), Label: "Zeta", Seconds: 1800, BillableSeconds: 1800},
				{Key: "", Label: store.NoClientLabel, Seconds: 3600},
			}},
			{domain.GroupByDay, []domain.ReportRow{
				{Key: "2026-04-06", Label: "2026-04-06", Seconds: 9000, BillableSeconds: 9000},
				{Key: "2026-04-07", Label: "2026-04-07", Seconds: 9000},
			}},
		}
		for _, c := range cases {
			t.Run(string(c.by), func(t *testing.T) {
				rep, err := db.Summary(ctx, f.a.ID, from, to, c.by)
				must(t, err)
				if rep.Seconds != 18000 || rep.BillableSeconds != 9000 || rep.GroupBy != c.by ||
					!rep.From.Equal(from) || !rep.To.Equal(to) {
					t.Errorf("totals %d/%d billable, header %v %v %q", rep.Seconds, rep.BillableSeconds, rep.From, rep.To, rep.GroupBy)
				}
				if len(rep.Rows) != len(c.rows) {
					t.Fatalf("rows %+v, want %+v", rep.Rows, c.rows)
				}
				for i := range c.rows {
					got := rep.Rows[i]
					if c.by == domain.GroupByProject && got.Tasks == nil {
						t.Errorf("row %d has no task breakdown", i)
					}
					got.Tasks = nil // checked in TestReportTaskBreakdown
					if !reflect.DeepEqual(got, c.rows[i]) {
						t.Errorf("row %d = %+v, want %+v", i, rep.Rows[i], c.rows[i])
					}
				}
			})
		}

		t.Run("open range and empty result", func(t *testing.T) {
			rep, err := db.Summary(ctx, f.a.ID, time.Time{}, time.Time{}, domain.GroupByProject)
			must(t, err)
			if rep.Seconds != 18000+7200 {
				t.Errorf("open range total %d, want %d", rep.Seconds, 18000+7200)
			}
			rep, err = db.Summary(ctx, f.a.ID, d1.AddDate(1, 0, 0), d1.AddDate(1, 0, 1), domain.GroupByDay)
			must(t, err)
			if rep.Rows == nil || len(rep.Rows) != 0 || rep.Seconds != 0 {
				t.Errorf("empty report = %+v", rep)
			}
		})

		t.Run("bad input", func(t *testing.T) {
			_, err := db.Summary(ctx, f.a.ID, from, to, "year")
			wantErr(t, err, domain.EINVALID, "group_by")
			_, err = db.Summary(ctx, f.a.ID, to, from, domain.GroupByDay)
			wantErr(t, err, domain.EINVALID, "to")
		})
	})
}

// claim: R1
func TestExport(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		_, err := db.UpdateUser(ctx, f.a.ID, domain.UserUpdate{AnalyticsOptOut: ptr(true)})
		must(t, err)
		must(t, db.CreateToken(ctx, &domain.Token{UserID: f.a.ID, Name: "cli", Hash: []byte("secret-hash")}))
		archived := &domain.Project{UserID: f.a.ID, Name: "Old", Archived: true}
		must(t, db.CreateProject(ctx, archived))
		must(t, db.StartTimer(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Notes: "running", Tags: []string{"ann-tag"}}))
		_, err = db.EnsureTags(ctx, f.a.ID, []string{"unused"})
		must(t, err)
		// Someone else's data must not leak into the export.
		must(t, db.CreateClient(ctx, &domain.Client{UserID: f.b.ID, Name: "B's client"}))
		_, err = db.EnsureTags(ctx, f.b.ID, []string{"bob-tag"})
		must(t, err)

		ex, err := db.Export(ctx, f.a.ID)
		must(t, err)
		if ex.User.ID != f.a.ID || ex.User.PasswordHash != "" || !ex.Consent.AnalyticsOptOut || ex.ExportedAt.IsZero() {
			t.Errorf("export user/consent = %+v %+v", ex.User, ex.Consent)
		}
		if len(ex.Tokens) != 1 || ex.Tokens[0].Name != "cli" || ex.Tokens[0].Hash != nil {
			t.Errorf("tokens = %+v", ex.Tokens)
		}
		if len(ex.Clients) != 1 || len(ex.Projects) != 2 || len(ex.Tasks) != 1 || len(ex.Entries) != 1 || ex.Entries[0].Notes != "running" {
			t.Errorf("export = %+v", ex)
		}
		if !slices.Equal(ex.Entries[0].Tags, []string{"ann-tag"}) || len(ex.Tags) != 2 ||
			ex.Tags[0].Name != "ann-tag" || ex.Tags[0].Entries != 1 || ex.Tags[1].Name != "unused" {
			t.Errorf("export tags: entry %q, vocabulary %+v", ex.Entries[0].Tags, ex.Tags)
		}
		b, err := json.Marshal(ex)
		must(t, err)
		for _, leak := range []string{"hash-ann", "secret-hash", "B's client", "bob@", "bob-tag"} {
			if strings.Contains(string(b), leak) {
				t.Errorf("export JSON contains %q: %s", leak, b)
			}
		}

		// A new account exports empty lists, not nulls.
		ex, err = db.Export(ctx, f.b.ID)
		must(t, err)
		b, err = json.Marshal(ex)
		must(t, err)
		for _, k := range []string{`"tokens":[]`, `"projects":[]`, `"tasks":[]`, `"entries":[]`} {
			if !strings.Contains(string(b), k) {
				t.Errorf("export JSON lacks %s: %s", k, b)
			}
		}
		_, err = db.Export(ctx, 999999)
		wantErr(t, err, domain.ENOTFOUND, "")
	})
}

// The export holds every entry of the user, whatever its age: years-old
// entries, last year's and today's, not a recent window.
//
// claim: R1
func TestExportHoldsEntriesOfEveryAge(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		now := time.Now().UTC().Truncate(time.Second)
		var want []int64
		for _, start := range []time.Time{
			now.AddDate(-6, 0, 0), now.AddDate(-1, -1, 0), now.AddDate(0, -2, 0), now.Add(-2 * time.Hour),
		} {
			e := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: start, End: ptr(start.Add(time.Hour)), Notes: "at " + start.Format(time.DateOnly)}
			must(t, db.CreateEntry(ctx, e))
			want = append(want, e.ID)
		}
		ex, err := db.Export(ctx, f.a.ID)
		must(t, err)
		var got []int64
		for _, e := range ex.Entries {
			got = append(got, e.ID)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("exported entries %v, want all of %v", got, want)
		}
	})
}

func TestErrorsAreDomainOrWrapped(t *testing.T) {
	// A cancelled context is an internal error, not a domain answer the
	// API would show as a 4xx.
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := db.FindClients(ctx, 1)
		if err == nil || isDomain(err) || domain.ErrorCode(err) != domain.EINTERNAL {
			t.Errorf("FindClients with a cancelled context: %v", err)
		}
	})
}

// The checks before each write make a foreign key failure a lost race with
// a concurrent delete, which is hard to provoke on purpose; raw inserts
// that skip the checks show that both engines' errors map to the field.
func TestConstraintErrorsMapped(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		raw := func(query string, args ...any) error {
			_, err := db.SQL().ExecContext(ctx, store.Rebind(db.Dialect(), query), args...)
			if err == nil {
				t.Fatalf("%s: no error", query)
			}
			return err
		}
		now := time.Now().UTC()
		ts := any(now)
		if db.Dialect() == store.SQLite {
			ts = now.Format("2006-01-02T15:04:05.000000Z")
		}
		must(t, db.StartTimer(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID}))
		insertEntry := "INSERT INTO entries (user_id, project_id, task_id, start_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
		cases := []struct {
			name, fkField, code, field string
			err                        error
		}{
			{"foreign key", "project_id", domain.EINVALID, "project_id",
				raw(insertEntry, f.b.ID, 999999, nil, ts, ts, ts)},
			{"email", "", domain.ECONFLICT, "email",
				raw("INSERT INTO users (email, role, created_at, updated_at) VALUES (?, 'user', ?, ?)", f.a.Email, ts, ts)},
			{"running timer", "", domain.ECONFLICT, "",
				raw(insertEntry, f.a.ID, f.project.ID, nil, ts, ts, ts)},
		}
		if db.Dialect() == store.Postgres {
			// PostgreSQL names the key, which beats the caller's guess.
			cases = append(cases, struct {
				name, fkField, code, field string
				err                        error
			}{"named foreign key", "project_id", domain.EINVALID, "task_id",
				raw(insertEntry, f.b.ID, f.project.ID, 999999, ts, ts, ts)})
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				wantErr(t, store.MapErr(c.err, "test", c.fkField), c.code, c.field)
			})
		}
		// Anything else stays internal, wrapped for the log.
		err := store.MapErr(raw("SELECT * FROM no_such_table"), "test", "project_id")
		if domain.ErrorCode(err) != domain.EINTERNAL || !strings.HasPrefix(err.Error(), "store: test: ") {
			t.Errorf("other error mapped to %v", err)
		}
	})
}

func TestRebind(t *testing.T) {
	cases := []struct {
		dialect  store.Dialect
		in, want string
	}{
		{store.Postgres, "SELECT ? WHERE a = ? AND b = ?", "SELECT $1 WHERE a = $2 AND b = $3"},
		{store.Postgres, "SELECT 1", "SELECT 1"},
		{store.SQLite, "SELECT ? WHERE a = ?", "SELECT ? WHERE a = ?"},
	}
	for _, c := range cases {
		if got := store.Rebind(c.dialect, c.in); got != c.want {
			t.Errorf("Rebind(%s, %q) = %q, want %q", c.dialect, c.in, got, c.want)
		}
	}
}

// TestTextPostgresCannotHold checks that text PostgreSQL refuses (a NUL
// byte, invalid UTF-8: both arrive from forms and JSON "\u0000") is an
// invalid-input error naming the field on both backends, not a 500.
func TestTextPostgresCannotHold(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		end := start.Add(time.Hour)
		for _, bad := range []string{"a\x00b", "a\xffb"} {
			t.Run(fmt.Sprintf("%q", bad), func(t *testing.T) {
				wantErr(t, db.CreateClient(ctx, &domain.Client{UserID: f.a.ID, Name: bad}), domain.EINVALID, "name")
				wantErr(t, db.UpdateClient(ctx, &domain.Client{ID: f.client.ID, UserID: f.a.ID, Name: bad}), domain.EINVALID, "name")
				wantErr(t, db.CreateProject(ctx, &domain.Project{UserID: f.a.ID, Name: bad}), domain.EINVALID, "name")
				wantErr(t, db.CreateTask(ctx, &domain.Task{UserID: f.a.ID, ProjectID: f.project.ID, Name: bad}), domain.EINVALID, "name")
				wantErr(t, db.CreateToken(ctx, &domain.Token{UserID: f.a.ID, Name: bad, Hash: []byte{1}}), domain.EINVALID, "name")
				wantErr(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: start, End: &end, Notes: bad}), domain.EINVALID, "notes")
				wantErr(t, db.CreateUser(ctx, &domain.User{Email: "nul@example.com", Name: bad, PasswordHash: "x"}), domain.EINVALID, "name")
				_, err := db.UpdateUser(ctx, f.a.ID, domain.UserUpdate{Name: &bad})
				wantErr(t, err, domain.EINVALID, "name")
				if bad == "a\x00b" { // lower-casing turns invalid UTF-8 into U+FFFD, which is storable
					wantErr(t, db.CreateUser(ctx, &domain.User{Email: bad + "@example.com", Name: "N", PasswordHash: "x"}), domain.EINVALID, "email")
				}
				_, err = db.FindUserByEmail(ctx, bad+"@example.com") // a sign-in attempt
				wantErr(t, err, domain.ENOTFOUND, "")
			})
		}
	})
}
