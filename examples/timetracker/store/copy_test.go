package store_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// TestCopySQLiteToPostgres: an SQLite database with every kind of row is
// copied into an empty PostgreSQL one; each user's export is the same on
// both, sessions, tokens and the running timer still work, new rows get
// new IDs, and a second copy into the now non-empty database is refused.
func TestCopySQLiteToPostgres(t *testing.T) {
	t.Parallel()
	pg := newPostgres(t)
	ctx := t.Context()
	src := newSQLite(t).migrated(t)
	f := seed(t, src)
	start := time.Date(2026, 3, 4, 9, 0, 0, 123456000, time.UTC)
	end := start.Add(90 * time.Minute)
	must(t, src.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, TaskID: &f.task.ID, Start: start, End: &end, Notes: "notes ü", Billable: true}))
	must(t, src.StartTimer(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: end}))
	archived := &domain.Project{UserID: f.b.ID, Name: "Old"}
	must(t, src.CreateProject(ctx, archived))
	archived.Archived = true
	must(t, src.UpdateProject(ctx, archived))
	must(t, src.CreateToken(ctx, &domain.Token{UserID: f.a.ID, Name: "laptop", Hash: []byte("token-hash-0123456789")}))
	must(t, src.CreateSession(ctx, &domain.Session{IDHash: []byte("session-hash-0123"), UserID: f.b.ID, CSRFToken: "csrf", ExpiresAt: time.Now().Add(time.Hour)}))
	key, err := src.SessionHashKey(ctx, time.Now())
	must(t, err)

	dst := pg.open(t)
	stats, err := store.Copy(ctx, src, dst)
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	if stats.Rows["users"] != 2 || stats.Rows["entries"] != 2 || stats.Rows["sessions"] != 1 || stats.Rows["session_hash_keys"] != 1 {
		t.Errorf("copied %v", stats.Rows)
	}
	for _, u := range []*domain.User{f.a, f.b} {
		a, err := src.Export(ctx, u.ID)
		must(t, err)
		b, err := dst.Export(ctx, u.ID)
		must(t, err)
		a.ExportedAt, b.ExportedAt = time.Time{}, time.Time{}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("user %d's export differs:\nsqlite   %s\npostgres %s", u.ID, ja, jb)
		}
	}
	if tok, err := dst.FindTokenByHash(ctx, []byte("token-hash-0123456789")); err != nil || tok.UserID != f.a.ID {
		t.Errorf("token after the copy: %+v, %v", tok, err)
	}
	if s, err := dst.FindSession(ctx, []byte("session-hash-0123")); err != nil || s.UserID != f.b.ID {
		t.Errorf("session after the copy: %+v, %v", s, err)
	}
	if e, err := dst.RunningTimer(ctx, f.a.ID); err != nil || e == nil || !e.Start.Equal(end) {
		t.Errorf("running timer after the copy: %+v, %v", e, err)
	}
	if k, err := dst.SessionHashKey(ctx, time.Now()); err != nil || string(k) != string(key) {
		t.Errorf("session-hash key changed in the copy (%v)", err)
	}
	// Identity columns continue after the copied IDs.
	c := newUser(t, dst, "cy@example.com")
	if c.ID <= f.b.ID {
		t.Errorf("a new user got ID %d, not after the copied %d", c.ID, f.b.ID)
	}

	if _, err := store.Copy(ctx, src, dst); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a second copy: err = %v, want a refusal (not empty)", err)
	}
	if _, err := store.Copy(ctx, dst, src); err == nil {
		t.Error("a copy from PostgreSQL to SQLite was accepted")
	}
}
