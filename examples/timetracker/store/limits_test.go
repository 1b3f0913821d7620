package store_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// TestAttemptCounters: one upsert per reservation, windows that end,
// release, clear and the sweep, on both engines.
func TestAttemptCounters(t *testing.T) {
	both(t, func(t *testing.T, b backend) {
		db := b.migrated(t)
		ctx := t.Context()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		cs := []domain.Counter{{Key: "z:one", Window: time.Minute}, {Key: "a:two", Window: time.Hour}}
		for i := 1; i <= 3; i++ {
			got, err := db.ReserveAttempts(ctx, cs)
			must(t, err)
			if len(got) != 2 || got[0].Key != "z:one" || got[0].Hits != i || got[1].Hits != i {
				t.Fatalf("reservation %d: %+v", i, got)
			}
			if !got[0].ResetAt.Equal(time.Date(2026, 3, 1, 12, 1, 0, 0, time.UTC)) || !got[1].ResetAt.Equal(now.Add(time.Hour)) {
				t.Fatalf("reset times %+v", got)
			}
		}
		st, err := db.ReserveAttempts(ctx, cs[:1])
		must(t, err)
		must(t, db.ReleaseAttempts(ctx, st))
		if n, err := db.CountAttempts(ctx, "z:one"); err != nil || n != 3 {
			t.Fatalf("after a release: %d, %v", n, err)
		}
		// The minute window ends: a new one starts at 1, the hour goes on.
		now = now.Add(time.Minute)
		if n, _ := db.CountAttempts(ctx, "z:one"); n != 0 {
			t.Fatalf("an ended window counts %d", n)
		}
		// A release of the old window does not touch the new one.
		got, err := db.ReserveAttempts(ctx, cs)
		must(t, err)
		if got[0].Hits != 1 || got[1].Hits != 4 {
			t.Fatalf("after the minute: %+v", got)
		}
		must(t, db.ReleaseAttempts(ctx, st))
		if n, _ := db.CountAttempts(ctx, "z:one"); n != 1 {
			t.Fatalf("a stale release changed the new window: %d", n)
		}
		must(t, db.ClearAttempts(ctx, "a:two"))
		if n, _ := db.CountAttempts(ctx, "a:two"); n != 0 {
			t.Fatalf("cleared counter counts %d", n)
		}
		must(t, db.SetAttempts(ctx, "k:known", 1, now.Add(24*time.Hour)))
		if n, _ := db.CountAttempts(ctx, "k:known"); n != 1 {
			t.Fatalf("set counter counts %d", n)
		}
		// The sweep deletes what has ended and keeps the rest.
		n, err := db.DeleteExpiredAttempts(ctx, now.Add(2*time.Minute))
		must(t, err)
		if n != 1 {
			t.Fatalf("swept %d rows, want 1", n)
		}
		if n, _ := db.CountAttempts(ctx, "k:known"); n != 1 {
			t.Fatal("the sweep removed a live counter")
		}
	})
}

// TestAttemptsConcurrentSharedHandles: two handles on one database (two
// app instances) reserving at once never see the same count, so a limit
// of N lets exactly N through, whichever process they reach.
func TestAttemptsConcurrentSharedHandles(t *testing.T) {
	both(t, func(t *testing.T, b backend) {
		dbs := []*store.DB{b.migrated(t), b.open(t)}
		cs := []domain.Counter{{Key: "b:x", Window: time.Hour}, {Key: "a:x", Window: time.Hour}}
		const n = 40
		var mu sync.Mutex
		var hits []int
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got, err := dbs[i%2].ReserveAttempts(t.Context(), cs)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				hits = append(hits, got[0].Hits)
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(hits)
		for i, h := range hits {
			if h != i+1 {
				t.Fatalf("counts seen %v, want 1..%d once each", hits, n)
			}
		}
	})
}

// TestEntryLengthLimit: the store refuses entries longer than MaxEntry
// (EINVALID on end), and a timer that has run longer is stopped at that
// length, on both engines.
func TestEntryLengthLimit(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		db.MaxEntry = 8 * time.Hour
		start := now.Add(-24 * time.Hour)
		long := start.Add(8*time.Hour + time.Microsecond)
		wantErr(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: start, End: &long}), domain.EINVALID, "end")
		ok := start.Add(8 * time.Hour)
		must(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: start, End: &ok}))

		// A timer within the limit is left alone...
		must(t, db.StartTimer(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: now.Add(-time.Hour)}))
		if e, err := db.StopOverlongTimer(ctx, f.a.ID); err != nil || e != nil {
			t.Fatalf("StopOverlongTimer within the limit: %v, %v", e, err)
		}
		// ...and once it is past it, stopped at the limit.
		now = now.Add(10 * time.Hour)
		e, err := db.StopOverlongTimer(ctx, f.a.ID)
		must(t, err)
		if e == nil || e.End == nil || !e.End.Equal(now.Add(-11*time.Hour).Add(8*time.Hour)) {
			t.Fatalf("overlong timer stopped as %+v", e)
		}
		// StopTimer itself caps too.
		must(t, db.StartTimer(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID}))
		e, err = db.StopTimer(ctx, f.a.ID, now.Add(9*time.Hour))
		must(t, err)
		if !e.End.Equal(now.Add(8 * time.Hour)) {
			t.Fatalf("StopTimer past the limit ended at %v", e.End)
		}
	})
}

// TestLastAdminGuard: the last active admin can be neither deleted (while
// other accounts exist), demoted nor deactivated, also when two admins
// remove each other at the same moment; the only account may be deleted.
func TestLastAdminGuard(t *testing.T) {
	both(t, func(t *testing.T, b backend) {
		db := b.migrated(t)
		ctx := t.Context()
		f := seed(t, db) // f.a is the admin
		wantErr(t, db.DeleteUser(ctx, f.a.ID), domain.ECONFLICT, "")
		_, err := db.SetUserRole(ctx, f.a.ID, domain.RoleUser)
		wantErr(t, err, domain.ECONFLICT, "")
		_, err = db.SetUserActive(ctx, f.a.ID, false)
		wantErr(t, err, domain.ECONFLICT, "")

		// Deactivation ends the sessions and is shown on the user.
		must(t, db.CreateSession(ctx, &domain.Session{IDHash: []byte("sb"), UserID: f.b.ID, ExpiresAt: time.Now().Add(time.Hour)}))
		u, err := db.SetUserActive(ctx, f.b.ID, false)
		must(t, err)
		if u.Active() {
			t.Fatal("deactivated user is active")
		}
		if _, err := db.FindSession(ctx, []byte("sb")); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("a deactivated user's session survives: %v", err)
		}
		// A deactivated admin does not count as the other admin.
		_, err = db.SetUserRole(ctx, f.b.ID, domain.RoleAdmin)
		must(t, err)
		wantErr(t, db.DeleteUser(ctx, f.a.ID), domain.ECONFLICT, "")
		_, err = db.SetUserActive(ctx, f.b.ID, true)
		must(t, err)

		// Two admins deleting each other at once, with a plain user left:
		// one admin stays.
		plain := newUser(t, db, "cid@example.com")
		other := b.open(t)
		errs := make(chan error, 2)
		go func() { errs <- db.DeleteUser(ctx, f.a.ID) }()
		go func() { errs <- other.DeleteUser(ctx, f.b.ID) }()
		e1, e2 := <-errs, <-errs
		if (e1 == nil) == (e2 == nil) {
			t.Fatalf("concurrent deletes of the two admins: %v and %v, want exactly one refused", e1, e2)
		}
		// The last account of all may go.
		must(t, db.DeleteUser(ctx, plain.ID))
		users, err := db.FindUsers(ctx)
		must(t, err)
		if len(users) != 1 || users[0].Role != domain.RoleAdmin {
			t.Fatalf("users left: %+v", users)
		}
		must(t, db.DeleteUser(ctx, users[0].ID))
		must(t, db.TouchUser(ctx, 1, time.Now()))
	})
}
