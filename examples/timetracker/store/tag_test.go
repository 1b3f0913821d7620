package store_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

func TestEntryTags(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		end := start.Add(time.Hour)
		e := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: start, End: &end,
			Tags: []string{"  urgent ", "Call", "URGENT", "call"}}
		must(t, db.CreateEntry(ctx, e))
		if want := []string{"Call", "urgent"}; !reflect.DeepEqual(e.Tags, want) {
			t.Fatalf("created entry's tags %q, want %q (trimmed, one per case-folded name, sorted)", e.Tags, want)
		}
		got, err := db.FindEntry(ctx, f.a.ID, e.ID)
		must(t, err)
		if !reflect.DeepEqual(got.Tags, e.Tags) {
			t.Fatalf("found tags %q, want %q", got.Tags, e.Tags)
		}

		// A later entry naming a tag in another case gets the stored one.
		e2 := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: end, End: ptr(end.Add(time.Hour)), Tags: []string{"Urgent", "new"}}
		must(t, db.CreateEntry(ctx, e2))
		if want := []string{"new", "urgent"}; !reflect.DeepEqual(e2.Tags, want) {
			t.Fatalf("second entry's tags %q, want %q", e2.Tags, want)
		}
		tags, err := db.FindTags(ctx, f.a.ID)
		must(t, err)
		var names []string
		counts := map[string]int64{}
		for _, tg := range tags {
			names = append(names, tg.Name)
			counts[tg.Name] = tg.Entries
		}
		if want := []string{"Call", "new", "urgent"}; !reflect.DeepEqual(names, want) {
			t.Fatalf("tags %q, want %q", names, want)
		}
		if counts["urgent"] != 2 || counts["Call"] != 1 || counts["new"] != 1 {
			t.Errorf("entry counts %v", counts)
		}

		// Update replaces the set; nil clears it.
		got.Tags = []string{"new"}
		must(t, db.UpdateEntry(ctx, got))
		got, err = db.FindEntry(ctx, f.a.ID, e.ID)
		must(t, err)
		if !reflect.DeepEqual(got.Tags, []string{"new"}) {
			t.Fatalf("after update tags %q", got.Tags)
		}
		got.Tags = nil
		must(t, db.UpdateEntry(ctx, got))
		got, err = db.FindEntry(ctx, f.a.ID, e.ID)
		must(t, err)
		if got.Tags == nil || len(got.Tags) != 0 {
			t.Fatalf("after clearing tags %#v, want empty and not nil", got.Tags)
		}

		// Bad tags are refused on "tags", and nothing is written.
		for _, bad := range [][]string{{""}, {"   "}, {strings.Repeat("x", domain.MaxTagLen+1)}, {"a,b"}, {"tab\there"}, {"nul\x00"}, {"\xff"}, manyTags(domain.MaxEntryTags + 1)} {
			n := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: start.AddDate(0, 1, 0), End: ptr(end.AddDate(0, 1, 0)), Tags: bad}
			wantErr(t, db.CreateEntry(ctx, n), domain.EINVALID, "tags")
			got.Tags = bad
			wantErr(t, db.UpdateEntry(ctx, got), domain.EINVALID, "tags")
		}
		es, err := db.FindEntries(ctx, f.a.ID, domain.EntryFilter{})
		must(t, err)
		if len(es) != 2 {
			t.Fatalf("%d entries after refused ones, want 2", len(es))
		}
		// The most tags allowed, each of the longest length, are fine.
		most := manyTags(domain.MaxEntryTags)
		most[0] = strings.Repeat("é", domain.MaxTagLen)
		n := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: start.AddDate(0, 2, 0), End: ptr(end.AddDate(0, 2, 0)), Tags: most}
		must(t, db.CreateEntry(ctx, n))
		if len(n.Tags) != domain.MaxEntryTags {
			t.Fatalf("%d tags stored, want %d", len(n.Tags), domain.MaxEntryTags)
		}
		must(t, db.DeleteEntry(ctx, f.a.ID, n.ID))

		// The running timer and its stop keep the tags.
		timer := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Tags: []string{"call"}}
		must(t, db.StartTimer(ctx, timer))
		if !reflect.DeepEqual(timer.Tags, []string{"Call"}) {
			t.Fatalf("timer tags %q", timer.Tags)
		}
		running, err := db.RunningTimer(ctx, f.a.ID)
		must(t, err)
		if !reflect.DeepEqual(running.Tags, []string{"Call"}) {
			t.Fatalf("running timer tags %q", running.Tags)
		}
		stopped, err := db.StopTimer(ctx, f.a.ID, time.Time{})
		must(t, err)
		if !reflect.DeepEqual(stopped.Tags, []string{"Call"}) {
			t.Fatalf("stopped timer tags %q", stopped.Tags)
		}

		// Filtering by tag.
		call := tagID(t, db, f.a.ID, "Call")
		es, err = db.FindEntries(ctx, f.a.ID, domain.EntryFilter{TagID: call})
		must(t, err)
		if len(es) != 1 || es[0].ID != stopped.ID {
			t.Fatalf("entries tagged Call: %+v", es)
		}
	})
}

func manyTags(n int) []string {
	var out []string
	for i := range n {
		out = append(out, "t"+strings.Repeat("x", i))
	}
	return out
}

func tagID(t *testing.T, db *store.DB, userID int64, name string) int64 {
	t.Helper()
	tags, err := db.FindTags(t.Context(), userID)
	must(t, err)
	for _, tg := range tags {
		if tg.Name == name {
			return tg.ID
		}
	}
	t.Fatalf("no tag %q in %+v", name, tags)
	return 0
}

func TestRenameAndDeleteTag(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		e := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: start, End: ptr(start.Add(time.Hour)), Tags: []string{"review", "call"}}
		must(t, db.CreateEntry(ctx, e))
		review := tagID(t, db, f.a.ID, "review")

		tg := &domain.Tag{ID: review, UserID: f.a.ID, Name: " Code review "}
		must(t, db.UpdateTag(ctx, tg))
		if tg.Name != "Code review" || tg.Entries != 1 {
			t.Fatalf("renamed tag %+v", tg)
		}
		got, err := db.FindEntry(ctx, f.a.ID, e.ID)
		must(t, err)
		if !reflect.DeepEqual(got.Tags, []string{"call", "Code review"}) {
			t.Fatalf("entry tags after rename %q", got.Tags)
		}
		// Only the case: allowed.
		tg.Name = "code review"
		must(t, db.UpdateTag(ctx, tg))
		// Another tag's name, in any case: conflict on name.
		tg.Name = "CALL"
		wantErr(t, db.UpdateTag(ctx, tg), domain.ECONFLICT, "name")
		tg.Name = ""
		wantErr(t, db.UpdateTag(ctx, tg), domain.EINVALID, "name")
		// Another user's tag is not found, for rename and delete alike.
		wantErr(t, db.UpdateTag(ctx, &domain.Tag{ID: review, UserID: f.b.ID, Name: "mine"}), domain.ENOTFOUND, "")
		wantErr(t, db.DeleteTag(ctx, f.b.ID, review), domain.ENOTFOUND, "")
		if _, err := db.FindTag(ctx, f.b.ID, review); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("another user's FindTag: %v", err)
		}

		must(t, db.DeleteTag(ctx, f.a.ID, review))
		got, err = db.FindEntry(ctx, f.a.ID, e.ID)
		must(t, err)
		if !reflect.DeepEqual(got.Tags, []string{"call"}) {
			t.Fatalf("entry tags after delete %q", got.Tags)
		}
		wantErr(t, db.DeleteTag(ctx, f.a.ID, review), domain.ENOTFOUND, "")

		// EnsureTags creates the missing ones only.
		ts, err := db.EnsureTags(ctx, f.a.ID, []string{"Call", "fresh"})
		must(t, err)
		if len(ts) != 2 || ts[0].Name != "call" || ts[1].Name != "fresh" {
			t.Fatalf("EnsureTags = %+v", ts)
		}
		_, err = db.EnsureTags(ctx, f.a.ID, []string{"ok", "bad,one"})
		wantErr(t, err, domain.EINVALID, "tags")
		all, err := db.FindTags(ctx, f.a.ID)
		must(t, err)
		if len(all) != 2 {
			t.Fatalf("tags after EnsureTags %+v", all)
		}
		// Bob's vocabulary is his own: the same name is another tag.
		bp := &domain.Project{UserID: f.b.ID, Name: "b"}
		must(t, db.CreateProject(ctx, bp))
		be := &domain.Entry{UserID: f.b.ID, ProjectID: bp.ID, Start: start, End: ptr(start.Add(time.Hour)), Tags: []string{"call"}}
		must(t, db.CreateEntry(ctx, be))
		if tagID(t, db, f.b.ID, "call") == tagID(t, db, f.a.ID, "call") {
			t.Fatal("two users share a tag")
		}
		// Filtering by another user's tag finds nothing.
		es, err := db.FindEntries(ctx, f.b.ID, domain.EntryFilter{TagID: tagID(t, db, f.a.ID, "call")})
		must(t, err)
		if len(es) != 0 {
			t.Fatalf("bob filtered by ann's tag and got %+v", es)
		}
	})
}

// The database itself refuses a tag of one user on another user's entry.
func TestEntryTagOwnershipInSchema(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		e := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: start, End: ptr(start.Add(time.Hour))}
		must(t, db.CreateEntry(ctx, e))
		bt, err := db.EnsureTags(ctx, f.b.ID, []string{"bobs"})
		must(t, err)
		query := "INSERT INTO entry_tags (entry_id, tag_id, user_id) VALUES ($1, $2, $3)"
		if db.Dialect() == store.SQLite {
			query = "INSERT INTO entry_tags (entry_id, tag_id, user_id) VALUES (?, ?, ?)"
		}
		for _, uid := range []int64{f.a.ID, f.b.ID} {
			if _, err := db.SQL().ExecContext(ctx, query, e.ID, bt[0].ID, uid); err == nil {
				t.Fatalf("entry_tags accepted ann's entry with bob's tag (user %d)", uid)
			}
		}
	})
}
