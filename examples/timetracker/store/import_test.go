package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

func importRow(line int, client, project, task string, start time.Time, d time.Duration) domain.ImportRow {
	return domain.ImportRow{Line: line, Client: client, Project: project, Task: task, Start: start, End: start.Add(d), Billable: true, Notes: "n"}
}

// An import finds clients, projects and tasks by name ignoring case under
// their parent, creates the missing ones, stamps the rate in force, and
// stores everything or, on any problem, nothing. A dry run stores nothing
// and says what it would create.
func TestImportEntries(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db) // Acme / Website / Design for f.a
		f.project.HourlyRate = rate("90")
		must(t, db.UpdateProject(ctx, f.project))
		day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		rows := []domain.ImportRow{
			importRow(2, "ACME", "website", "design", day, time.Hour),                 // all exist
			importRow(3, "acme", "Website", "Review", day.Add(time.Hour), time.Hour),  // new task
			importRow(4, "Beta", "Website", "", day.Add(2*time.Hour), 30*time.Minute), // new client, new project under it
			importRow(5, "", "Internal", "", day.Add(3*time.Hour), 15*time.Minute),    // new project without client
			importRow(6, "beta", "WEBSITE", "", day.Add(4*time.Hour), 15*time.Minute), // the new ones, found again
		}
		req := domain.ImportRequest{Rows: rows, DryRun: true}
		res, err := db.ImportEntries(ctx, f.a.ID, req)
		must(t, err)
		if res.Imported || res.Entries != 5 || res.Seconds != 3600*2+1800+900+900 || res.ProblemCount != 0 {
			t.Fatalf("dry run: %+v", res)
		}
		if len(res.NewClients) != 1 || res.NewClients[0] != "Beta" || len(res.NewProjects) != 2 || len(res.NewTasks) != 1 || res.NewTasks[0].Name != "Review" {
			t.Fatalf("dry run names: %+v", res)
		}
		if es, _ := db.FindEntries(ctx, f.a.ID, domain.EntryFilter{}); len(es) != 0 {
			t.Fatalf("a dry run stored %d entries", len(es))
		}
		if cs, _ := db.FindClients(ctx, f.a.ID); len(cs) != 1 {
			t.Fatalf("a dry run stored clients: %+v", cs)
		}

		req.DryRun = false
		res, err = db.ImportEntries(ctx, f.a.ID, req)
		must(t, err)
		if !res.Imported || res.Entries != 5 {
			t.Fatalf("import: %+v", res)
		}
		es, err := db.FindEntries(ctx, f.a.ID, domain.EntryFilter{})
		must(t, err)
		if len(es) != 5 {
			t.Fatalf("%d entries stored", len(es))
		}
		byStart := map[time.Time]domain.Entry{}
		for _, e := range es {
			byStart[e.Start] = e
		}
		first := byStart[day]
		if first.ProjectID != f.project.ID || first.TaskID == nil || *first.TaskID != f.task.ID || first.HourlyRate == nil || *first.HourlyRate != 9000 {
			t.Errorf("first entry not matched to the existing objects, or no rate: %+v", first)
		}
		if byStart[day.Add(2*time.Hour)].ProjectID == f.project.ID || byStart[day.Add(2*time.Hour)].ProjectID != byStart[day.Add(4*time.Hour)].ProjectID {
			t.Errorf("Beta's Website should be one new project")
		}
		ps, _ := db.FindProjects(ctx, f.a.ID, true)
		if len(ps) != 3 {
			t.Errorf("projects: %+v", ps)
		}
		// Another user's names are not theirs.
		res, err = db.ImportEntries(ctx, f.b.ID, domain.ImportRequest{Rows: rows[:1]})
		must(t, err)
		if len(res.NewClients) != 1 || len(res.NewProjects) != 1 || len(res.NewTasks) != 1 {
			t.Errorf("bob's import reused ann's names: %+v", res)
		}
	})
}

// One bad row keeps every row out, and each problem names its line and
// the file's column.
func TestImportEntriesAllOrNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		db.MaxEntry = 10 * time.Hour
		day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		rows := []domain.ImportRow{
			importRow(2, "New client", "New project", "", day, time.Hour),
			importRow(3, "", "", "", day, time.Hour),                      // no project
			importRow(4, "", "P", "", day.Add(2*time.Hour), 11*time.Hour), // too long
			{Line: 5, Project: "P", Start: day},                           // running timer
			importRow(6, "", "P", "", day.Add(-time.Hour), -time.Minute),  // end before start
		}
		cols := map[string]string{"project": "Project", "end": "End time", "start": "Start date"}
		res, err := db.ImportEntries(ctx, f.a.ID, domain.ImportRequest{Rows: rows, Columns: cols})
		must(t, err)
		if res.Imported || res.ProblemCount != 4 {
			t.Fatalf("result %+v", res)
		}
		want := []domain.ImportProblem{{Line: 3, Column: "Project"}, {Line: 4, Column: "End time"}, {Line: 5, Column: "End time"}, {Line: 6, Column: "End time"}}
		for i, w := range want {
			if p := res.Problems[i]; p.Line != w.Line || p.Column != w.Column || p.Message == "" {
				t.Errorf("problem %d: %+v, want %+v", i, p, w)
			}
		}
		if cs, _ := db.FindClients(ctx, f.a.ID); len(cs) != 1 {
			t.Errorf("a failed import left clients: %+v", cs)
		}
		if es, _ := db.FindEntries(ctx, f.a.ID, domain.EntryFilter{}); len(es) != 0 {
			t.Errorf("a failed import left %d entries", len(es))
		}
	})
}

// Overlaps, with stored entries and between rows, are counted and
// accepted; an installation that refuses overlaps refuses such rows.
func TestImportEntriesOverlaps(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		end := day.Add(time.Hour)
		must(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: day, End: &end}))
		rows := []domain.ImportRow{
			importRow(2, "", "P", "", day.Add(30*time.Minute), time.Hour), // overlaps the stored entry
			importRow(3, "", "P", "", day.Add(80*time.Minute), time.Hour), // overlaps row 2
			importRow(4, "", "P", "", day.Add(5*time.Hour), time.Hour),    // free
		}
		res, err := db.ImportEntries(ctx, f.a.ID, domain.ImportRequest{Rows: rows, DryRun: true})
		must(t, err)
		if res.Overlaps != 2 || res.ProblemCount != 0 {
			t.Fatalf("warn mode: %+v", res)
		}
		// An entry longer than today's limit (stored under a higher one)
		// and the running timer, which spans up to now, are found too.
		longStart := day.Add(-30 * 24 * time.Hour)
		longEnd := longStart.Add(72 * time.Hour)
		must(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: longStart, End: &longEnd}))
		must(t, db.StartTimer(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: day.Add(24 * time.Hour)}))
		db.MaxEntry = 10 * time.Hour
		later := []domain.ImportRow{
			importRow(2, "", "P", "", longStart.Add(60*time.Hour), time.Hour), // inside the long entry
			importRow(3, "", "P", "", day.Add(48*time.Hour), time.Hour),       // while the timer runs
			importRow(4, "", "P", "", day.Add(-10*24*time.Hour), time.Hour),   // free
		}
		res, err = db.ImportEntries(ctx, f.a.ID, domain.ImportRequest{Rows: later, DryRun: true})
		must(t, err)
		if res.Overlaps != 2 || res.ProblemCount != 0 {
			t.Fatalf("long entry and running timer: %+v", res)
		}
		db.RefuseOverlaps = true
		res, err = db.ImportEntries(ctx, f.a.ID, domain.ImportRequest{Rows: rows, Columns: map[string]string{"start": "Start date"}})
		must(t, err)
		// Row 2 is refused, so it is not there for row 3 to overlap.
		if res.Imported || res.ProblemCount != 1 || res.Problems[0].Line != 2 || res.Problems[0].Column != "Start date" {
			t.Fatalf("refuse mode: %+v", res)
		}
		// Only refused rows name Q: it is not among the new projects.
		res, err = db.ImportEntries(ctx, f.a.ID, domain.ImportRequest{Rows: []domain.ImportRow{importRow(2, "", "Q", "", day, time.Hour)}, DryRun: true})
		must(t, err)
		if res.ProblemCount != 1 || len(res.NewProjects) != 0 {
			t.Fatalf("refuse mode: %+v", res)
		}
	})
}

// A file imported again adds only what is new: a row whose start, end,
// project, task and notes match an entry the user has is skipped and
// counted, in the preview as in the import, also where overlaps are
// refused; a row repeated in one file is stored once; a row that differs
// in its notes or task is an overlap, not a duplicate.
func TestImportEntriesDuplicates(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db) // Acme / Website / Design for f.a
		day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		rows := []domain.ImportRow{
			importRow(2, "Acme", "Website", "Design", day, time.Hour),
			importRow(3, "", "Internal", "", day.Add(2*time.Hour), 30*time.Minute), // a new project
			importRow(4, "Acme", "Website", "", day.Add(4*time.Hour), time.Hour),
		}
		res, err := db.ImportEntries(ctx, f.a.ID, domain.ImportRequest{Rows: rows})
		must(t, err)
		if !res.Imported || res.Entries != 3 || res.Duplicates != 0 {
			t.Fatalf("first import: %+v", res)
		}
		// The same file again, with one new row and names in other cases.
		again := append([]domain.ImportRow{}, rows...)
		again[0].Project, again[1].Project = "WEBSITE", "internal"
		again = append(again, importRow(5, "", "Internal", "", day.Add(6*time.Hour), time.Hour))
		res, err = db.ImportEntries(ctx, f.a.ID, domain.ImportRequest{Rows: again, DryRun: true})
		must(t, err)
		if res.Entries != 1 || res.Duplicates != 3 || res.Overlaps != 0 || res.Seconds != 3600 || len(res.NewProjects) != 0 {
			t.Fatalf("preview of the second import: %+v", res)
		}
		db.RefuseOverlaps = true
		res, err = db.ImportEntries(ctx, f.a.ID, domain.ImportRequest{Rows: again})
		must(t, err)
		if !res.Imported || res.Entries != 1 || res.Duplicates != 3 || res.ProblemCount != 0 {
			t.Fatalf("second import, overlaps refused: %+v", res)
		}
		db.RefuseOverlaps = false
		es, err := db.FindEntries(ctx, f.a.ID, domain.EntryFilter{})
		must(t, err)
		if len(es) != 4 {
			t.Fatalf("%d entries stored, want 4", len(es))
		}

		// Within one file, and what does not count as a duplicate.
		later := day.Add(48 * time.Hour)
		other := importRow(4, "Acme", "Website", "Design", later, time.Hour)
		other.Notes = "something else"
		noTask := importRow(5, "Acme", "Website", "", later, time.Hour)
		res, err = db.ImportEntries(ctx, f.a.ID, domain.ImportRequest{Rows: []domain.ImportRow{
			importRow(2, "Acme", "Website", "Design", later, time.Hour),
			importRow(3, "acme", "website", "design", later, time.Hour), // row 2 again
			other, noTask,
		}})
		must(t, err)
		if !res.Imported || res.Entries != 3 || res.Duplicates != 1 || res.Overlaps != 2 {
			t.Fatalf("one file: %+v", res)
		}
		// Another user's identical entry is no duplicate of this user's.
		res, err = db.ImportEntries(ctx, f.b.ID, domain.ImportRequest{Rows: rows})
		must(t, err)
		if !res.Imported || res.Entries != 3 || res.Duplicates != 0 {
			t.Fatalf("another user: %+v", res)
		}
	})
}

// The rows' tags land on the entries; a tag the user has is matched
// ignoring case, the others are listed as new and created, and a tag the
// store refuses is a problem on the file's tags column.
func TestImportEntriesTags(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		end := day.Add(time.Hour)
		must(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: day.Add(-48 * time.Hour), End: &end, Tags: []string{"Urgent"}}))
		r1 := importRow(2, "", "P", "", day, time.Hour)
		r1.Tags = []string{"urgent", "Design"}
		r2 := importRow(3, "", "P", "", day.Add(time.Hour), time.Hour)
		r2.Tags = []string{"design"}
		res, err := db.ImportEntries(ctx, f.a.ID, domain.ImportRequest{Rows: []domain.ImportRow{r1, r2}})
		must(t, err)
		if !res.Imported || len(res.NewTags) != 1 || res.NewTags[0] != "Design" {
			t.Fatalf("result %+v", res)
		}
		es, err := db.FindEntries(ctx, f.a.ID, domain.EntryFilter{From: day, To: day.Add(24 * time.Hour)})
		must(t, err)
		if len(es) != 2 || len(es[1].Tags) != 2 || es[1].Tags[0] != "Design" || es[1].Tags[1] != "Urgent" || len(es[0].Tags) != 1 {
			t.Fatalf("entries' tags %+v", es)
		}
		tags, err := db.FindTags(ctx, f.a.ID)
		must(t, err)
		if len(tags) != 2 {
			t.Errorf("tags %+v", tags)
		}
		bad := importRow(4, "", "P", "", day.Add(5*time.Hour), time.Hour)
		bad.Tags = []string{strings.Repeat("x", domain.MaxTagLen+1)}
		res, err = db.ImportEntries(ctx, f.a.ID, domain.ImportRequest{Rows: []domain.ImportRow{bad}, Columns: map[string]string{"tags": "Tags"}})
		must(t, err)
		if res.Imported || res.ProblemCount != 1 || res.Problems[0].Column != "Tags" || res.Problems[0].Line != 4 {
			t.Fatalf("bad tag: %+v", res)
		}
	})
}

// BenchmarkImportEntries imports 5,000 tagged rows on SQLite. Each row's
// checks read only what is near it (see importOverlaps), so the time
// grows with the rows, not with their square.
func BenchmarkImportEntries(b *testing.B) {
	db := newSQLite(b).migrated(b)
	u := newUser(b, db, "bench@example.com")
	day := time.Date(2020, 1, 1, 9, 0, 0, 0, time.UTC)
	rows := make([]domain.ImportRow, 5000)
	for i := range rows {
		rows[i] = importRow(i+2, "C", "P", "T", day.Add(time.Duration(i)*2*time.Hour), time.Hour)
		rows[i].Tags = []string{"a", "b"}
	}
	for b.Loop() {
		if _, err := db.ImportEntries(b.Context(), u.ID, domain.ImportRequest{Rows: rows, DryRun: true}); err != nil {
			b.Fatal(err)
		}
	}
}
