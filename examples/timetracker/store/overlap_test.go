package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

func TestOverlapping(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		day := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
		at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
		entry := func(uid int64, pid int64, s, e time.Time) *domain.Entry {
			en := &domain.Entry{UserID: uid, ProjectID: pid, Start: s, End: &e}
			must(t, db.CreateEntry(ctx, en))
			return en
		}
		nineToTwelve := entry(f.a.ID, f.project.ID, at(9, 0), at(12, 0))
		oneToTwo := entry(f.a.ID, f.project.ID, at(13, 0), at(14, 0))
		bProject := &domain.Project{UserID: f.b.ID, Name: "B's"}
		must(t, db.CreateProject(ctx, bProject))
		entry(f.b.ID, bProject.ID, at(10, 0), at(11, 0)) // another user's: never an overlap

		for _, c := range []struct {
			name       string
			start, end time.Time
			except     int64
			want       []int64
		}{
			{"inside", at(10, 0), at(11, 0), 0, []int64{nineToTwelve.ID}},
			{"across both", at(11, 30), at(13, 30), 0, []int64{nineToTwelve.ID, oneToTwo.ID}},
			{"touching ends", at(12, 0), at(13, 0), 0, nil},
			{"before", at(7, 0), at(9, 0), 0, nil},
			{"itself when edited", at(9, 30), at(11, 0), nineToTwelve.ID, nil},
		} {
			got, err := db.Overlapping(ctx, f.a.ID, c.start, c.end, c.except)
			must(t, err)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}

		// A running timer spans up to now.
		now := time.Now().UTC()
		timer := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: now.Add(-time.Hour)}
		must(t, db.StartTimer(ctx, timer))
		got, err := db.Overlapping(ctx, f.a.ID, now.Add(-30*time.Minute), now.Add(-20*time.Minute), 0)
		must(t, err)
		if !slices.Equal(got, []int64{timer.ID}) {
			t.Errorf("an entry within the running timer overlaps %v, want the timer %d", got, timer.ID)
		}
		if got, _ := db.Overlapping(ctx, f.a.ID, now.Add(time.Hour), now.Add(2*time.Hour), 0); got != nil {
			t.Errorf("an entry after now overlaps %v; the timer ends now", got)
		}

		// Accepted by default; refused with RefuseOverlaps, on create and
		// on edit, and nothing stored changes.
		over := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: at(10, 0), End: ptr(at(11, 0))}
		must(t, db.CreateEntry(ctx, over))
		db.RefuseOverlaps = true
		defer func() { db.RefuseOverlaps = false }()
		wantErr(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: at(13, 30), End: ptr(at(15, 0))}), domain.ECONFLICT, "start")
		edit := *oneToTwo
		edit.Start = at(11, 0)
		wantErr(t, db.UpdateEntry(ctx, &edit), domain.ECONFLICT, "start")
		if e, _ := db.FindEntry(ctx, f.a.ID, oneToTwo.ID); !e.Start.Equal(at(13, 0)) {
			t.Errorf("the refused edit changed the entry: %v", e.Start)
		}
		// Moving an entry within its own span, or next to others, is fine.
		edit = *oneToTwo
		edit.Start, edit.End = at(12, 0), ptr(at(13, 30))
		must(t, db.UpdateEntry(ctx, &edit))
		must(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: at(15, 0), End: ptr(at(16, 0))}))
	})
}
