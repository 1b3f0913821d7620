package store_test

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// goSummary is the aggregation the store did in Go before it moved to SQL
// (store.Summary for UTC, web's day report for other zones), kept here as
// the reference: it reads every entry of the range and filters and sums
// them in Go, for every grouping and filter of domain.ReportFilter.
func goSummary(t *testing.T, db *store.DB, userID int64, from, to time.Time, by domain.GroupBy, loc *time.Location) *domain.Report {
	return goReport(t, db, userID, domain.ReportFilter{EntryFilter: domain.EntryFilter{From: from, To: to}, GroupBy: by, Location: loc})
}

func goReport(t *testing.T, db *store.DB, userID int64, f domain.ReportFilter) *domain.Report {
	t.Helper()
	ctx := t.Context()
	from, to, by, loc := f.From, f.To, f.GroupBy, f.Location
	if loc == nil {
		loc = time.UTC
	}
	es, err := db.FindEntries(ctx, userID, domain.EntryFilter{From: from, To: to})
	must(t, err)
	ps, err := db.FindProjects(ctx, userID, true)
	must(t, err)
	cs, err := db.FindClients(ctx, userID)
	must(t, err)
	ts, err := db.FindTasks(ctx, userID, 0)
	must(t, err)
	tags, err := db.FindTags(ctx, userID)
	must(t, err)
	projects := map[int64]domain.Project{}
	for _, p := range ps {
		projects[p.ID] = p
	}
	clients := map[int64]string{}
	for _, c := range cs {
		clients[c.ID] = c.Name
	}
	tasks := map[int64]domain.Task{}
	for _, tk := range ts {
		tasks[tk.ID] = tk
	}
	tagIDs := map[string]int64{}
	for _, tg := range tags {
		tagIDs[tg.Name] = tg.ID
	}
	rep := &domain.Report{GroupBy: by, Rows: []domain.ReportRow{}}
	if !from.IsZero() {
		rep.From = from.UTC().Truncate(time.Microsecond)
	}
	if !to.IsZero() {
		rep.To = to.UTC().Truncate(time.Microsecond)
	}
	type sum struct {
		row      domain.ReportRow
		centSecs int64
		tasks    map[string]*domain.TaskRow
		taskCS   map[string]int64
	}
	groups := map[string]*sum{}
	var totalCS int64
	for _, e := range es {
		if e.End == nil {
			continue
		}
		p := projects[e.ProjectID]
		if f.ProjectID != 0 && e.ProjectID != f.ProjectID ||
			f.ClientID != 0 && (p.ClientID == nil || *p.ClientID != f.ClientID) ||
			f.TaskID != 0 && (e.TaskID == nil || *e.TaskID != f.TaskID) ||
			f.Billable != nil && e.Billable != *f.Billable {
			continue
		}
		if f.TagID != 0 && !slices.ContainsFunc(e.Tags, func(n string) bool { return tagIDs[n] == f.TagID }) {
			continue
		}
		type kl struct{ key, label string }
		var keys []kl
		switch by {
		case domain.GroupByProject:
			keys = []kl{{strconv.FormatInt(p.ID, 10), p.Name}}
		case domain.GroupByClient:
			if p.ClientID != nil {
				keys = []kl{{strconv.FormatInt(*p.ClientID, 10), clients[*p.ClientID]}}
			} else {
				keys = []kl{{"", store.NoClientLabel}}
			}
		case domain.GroupByTask:
			if e.TaskID != nil {
				tk := tasks[*e.TaskID]
				keys = []kl{{strconv.FormatInt(tk.ID, 10), projects[tk.ProjectID].Name + " / " + tk.Name}}
			} else {
				keys = []kl{{"", store.NoTaskLabel}}
			}
		case domain.GroupByTag:
			for _, n := range e.Tags {
				keys = append(keys, kl{strconv.FormatInt(tagIDs[n], 10), n})
			}
			if len(keys) == 0 {
				keys = []kl{{"", store.NoTagLabel}}
			}
		case domain.GroupByDay, domain.GroupByWeek, domain.GroupByMonth:
			y, m, d := e.Start.In(loc).Date()
			day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			switch by {
			case domain.GroupByDay:
				keys = []kl{{day.Format(time.DateOnly), day.Format(time.DateOnly)}}
			case domain.GroupByWeek:
				monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
				iy, iw := day.ISOWeek()
				keys = []kl{{monday.Format(time.DateOnly), fmt.Sprintf("%04d-W%02d", iy, iw)}}
			case domain.GroupByMonth:
				keys = []kl{{day.Format("2006-01"), day.Format("2006-01")}}
			}
		}
		secs := int64(e.End.Sub(e.Start) / time.Second)
		var rate int64
		if e.HourlyRate != nil {
			rate = int64(*e.HourlyRate)
		}
		rep.Seconds += secs
		if e.Billable {
			rep.BillableSeconds += secs
			totalCS += secs * rate
		}
		for _, k := range keys {
			g := groups[k.key]
			if g == nil {
				g = &sum{row: domain.ReportRow{Key: k.key, Label: k.label}, tasks: map[string]*domain.TaskRow{}, taskCS: map[string]int64{}}
				groups[k.key] = g
			}
			g.row.Seconds += secs
			if e.Billable {
				g.row.BillableSeconds += secs
				g.centSecs += secs * rate
			}
			if by == domain.GroupByProject {
				tk, tname := "", store.NoTaskLabel
				var tid *int64
				if e.TaskID != nil {
					tk, tname, tid = strconv.FormatInt(*e.TaskID, 10), tasks[*e.TaskID].Name, e.TaskID
				}
				tr := g.tasks[tk]
				if tr == nil {
					tr = &domain.TaskRow{TaskID: tid, Task: tname}
					g.tasks[tk] = tr
				}
				tr.Seconds += secs
				if e.Billable {
					tr.BillableSeconds += secs
					g.taskCS[tk] += secs * rate
				}
			}
		}
	}
	for _, g := range groups {
		g.row.Amount = domain.CentSeconds(g.centSecs)
		rep.Amount += g.row.Amount
		if by == domain.GroupByProject {
			g.row.Tasks = []domain.TaskRow{}
			for k, tr := range g.tasks {
				tr.Amount = domain.CentSeconds(g.taskCS[k])
				g.row.Tasks = append(g.row.Tasks, *tr)
			}
			slices.SortFunc(g.row.Tasks, func(a, b domain.TaskRow) int {
				if (a.TaskID == nil) != (b.TaskID == nil) {
					if a.TaskID == nil {
						return 1
					}
					return -1
				}
				if a.TaskID == nil {
					return 0
				}
				return cmp.Or(strings.Compare(strings.ToLower(a.Task), strings.ToLower(b.Task)), cmp.Compare(*a.TaskID, *b.TaskID))
			})
		}
		rep.Rows = append(rep.Rows, g.row)
	}
	if by == domain.GroupByTag {
		rep.Amount = domain.CentSeconds(totalCS) // each entry once
	}
	slices.SortFunc(rep.Rows, func(a, b domain.ReportRow) int {
		switch by {
		case domain.GroupByDay, domain.GroupByWeek, domain.GroupByMonth:
			return strings.Compare(a.Key, b.Key)
		}
		if (a.Key == "") != (b.Key == "") {
			if a.Key == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(
			strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)),
			strings.Compare(a.Label, b.Label),
			cmp.Compare(len(a.Key), len(b.Key)),
			strings.Compare(a.Key, b.Key),
		)
	})
	return rep
}

// reportZones are the zones the comparison runs in: UTC, zones with DST
// on either hemisphere, half-hour and 45-minute offsets, a half-hour DST
// (Lord Howe) and a zone whose offset changed for good.
var reportZones = []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe",
	"Pacific/Chatham", "America/Sao_Paulo", "Asia/Kathmandu"}

// seedRandom gives a user clients, projects (some without a client, most
// with an hourly rate), tasks, tags (one differing from another only in
// case would be the same tag, so they differ otherwise) and n random
// finished entries over about three years, with microsecond starts,
// lengths up to 30 hours and zero to three tags, many of them beginning
// near a local midnight or a DST change, plus a running timer.
func seedRandom(t testing.TB, db *store.DB, r *rand.Rand, u *domain.User, n int, base time.Time) {
	ctx := context.Background()
	var projects []*domain.Project
	var tasks []*domain.Task
	for i := range 3 {
		c := &domain.Client{UserID: u.ID, Name: []string{"acme", "Zeta", "Ünïcode GmbH"}[i]}
		if err := db.CreateClient(ctx, c); err != nil {
			t.Fatal(err)
		}
		for j := range 2 {
			p := &domain.Project{UserID: u.ID, Name: "P" + strconv.Itoa(i*2+j) + []string{"", " web"}[j], ClientID: &c.ID,
				HourlyRate: ptr(domain.Cents(r.IntN(20000) + 1))}
			if err := db.CreateProject(ctx, p); err != nil {
				t.Fatal(err)
			}
			projects = append(projects, p)
		}
	}
	for i := range 2 {
		p := &domain.Project{UserID: u.ID, Name: []string{"inhouse", "Inhouse"}[i]}
		if err := db.CreateProject(ctx, p); err != nil {
			t.Fatal(err)
		}
		projects = append(projects, p)
	}
	for _, p := range projects[:3] {
		tk := &domain.Task{UserID: u.ID, ProjectID: p.ID, Name: "=SUM(A1) task"}
		if err := db.CreateTask(ctx, tk); err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, tk)
	}
	span := 3 * 365 * 24 * time.Hour
	for range n {
		start := base.Add(time.Duration(r.Int64N(int64(span))))
		if r.IntN(3) == 0 { // near a midnight (UTC or a zone's), to the second and below
			start = start.Truncate(time.Hour).Add(time.Duration(r.IntN(7)-3) * time.Microsecond)
		}
		d := time.Duration(r.Int64N(int64(30 * time.Hour)))
		if r.IntN(5) == 0 {
			d = time.Duration(r.IntN(3_000_000)) * time.Microsecond // short, with fractions that borrow
		}
		start = start.Truncate(time.Microsecond)
		end := start.Add(d)
		p := projects[r.IntN(len(projects))]
		e := &domain.Entry{UserID: u.ID, ProjectID: p.ID, Start: start, End: &end, Billable: r.IntN(2) == 0, Notes: "note"}
		for _, i := range r.Perm(len(randomTags))[:r.IntN(4)] {
			e.Tags = append(e.Tags, randomTags[i])
		}
		for _, tk := range tasks {
			if tk.ProjectID == p.ID && r.IntN(2) == 0 {
				e.TaskID = &tk.ID
			}
		}
		if err := db.CreateEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	running := &domain.Entry{UserID: u.ID, ProjectID: projects[0].ID, Start: base.Add(span / 2)}
	if err := db.StartTimer(ctx, running); err != nil {
		t.Fatal(err)
	}
}

// randomTags are the tags seedRandom puts on entries.
var randomTags = []string{"urgent", "Review", "ünïcode", "call", "=cmd|x"}

// TestSummaryMatchesGoAggregation compares the SQL summary with the Go
// aggregation it replaced, over random entries, in several time zones and
// random ranges: bounds on local midnights (as the pages send), on any
// microsecond (as the API accepts), open, and cutting through entries.
func TestSummaryMatchesGoAggregation(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		r := rand.New(rand.NewPCG(17, uint64(len(db.Dialect()))))
		u := newUser(t, db, "rand@example.com")
		other := newUser(t, db, "other@example.com")
		base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
		n := 1500
		if testing.Short() {
			n = 300
		}
		seedRandom(t, db, r, u, n, base)
		seedRandom(t, db, r, other, 50, base) // must not show up
		bys := domain.GroupBys
		for _, zone := range reportZones {
			loc, err := time.LoadLocation(zone)
			must(t, err)
			for i := range 12 {
				var from, to time.Time
				switch i % 4 {
				case 0: // local midnights, as the report page sends
					y, m, d := base.Add(time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour)))).In(loc).Date()
					from = time.Date(y, m, d, 0, 0, 0, 0, loc)
					to = from.AddDate(0, 0, 1+r.IntN(400))
				case 1: // any microsecond
					from = base.Add(time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour)))).Truncate(time.Microsecond)
					to = from.Add(time.Duration(1 + r.Int64N(int64(365*24*time.Hour)))).Truncate(time.Microsecond)
				case 2: // open at one end
					from = base.Add(time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour)))).In(loc)
					if r.IntN(2) == 0 {
						from, to = time.Time{}, from
					}
				case 3: // all time
				}
				for _, by := range bys {
					periodic := by == domain.GroupByDay || by == domain.GroupByWeek || by == domain.GroupByMonth
					if !periodic && zone != "UTC" {
						continue // zones only change days, weeks and months
					}
					want := goSummary(t, db, u.ID, from, to, by, loc)
					got, err := db.SummaryIn(t.Context(), u.ID, from, to, by, loc)
					must(t, err)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s %s [%v, %v):\n got %+v\nwant %+v", zone, by, from, to, got, want)
					}
				}
			}
		}
	})
}

// TestStreamedCSVMatchesWriteCSV compares the CSV streamed from the store
// with the one the handlers wrote before from whole lists, both orders.
func TestStreamedCSVMatchesWriteCSV(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		r := rand.New(rand.NewPCG(4, 17))
		u := newUser(t, db, "csv@example.com")
		base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
		seedRandom(t, db, r, u, 300, base)
		now := base.Add(2 * 365 * 24 * time.Hour)
		ps, err := db.FindProjects(ctx, u.ID, true)
		must(t, err)
		cs, err := db.FindClients(ctx, u.ID)
		must(t, err)
		ts, err := db.FindTasks(ctx, u.ID, 0)
		must(t, err)
		for _, rng := range [][2]time.Time{
			{base, base.AddDate(1, 0, 0)},
			{base.Add(12345 * time.Second), base.AddDate(2, 1, 0)},
			{{}, {}},
		} {
			es, err := db.FindEntries(ctx, u.ID, domain.EntryFilter{From: rng[0], To: rng[1]})
			must(t, err)
			for _, oldestFirst := range []bool{false, true} {
				list := slices.Clone(es)
				if oldestFirst {
					slices.Reverse(list)
				}
				var want, got bytes.Buffer
				must(t, app.WriteCSV(&want, list, ps, cs, ts, now))
				n, err := app.StreamCSV(ctx, &got, db, u.ID, rng[0], rng[1], oldestFirst, now)
				must(t, err)
				if n != len(es) || got.String() != want.String() {
					t.Fatalf("range %v oldest first %v: %d rows, want %d; streamed CSV differs:\n%.600s\nwant\n%.600s",
						rng, oldestFirst, n, len(es), got.String(), want.String())
				}
			}
		}
	})
}

// TestReportFiltersMatchGo compares the SQL report under random filters
// (project, client, task, tag, billable, alone and combined) with the Go
// aggregation, for every grouping, and the filtered entry list with the
// same filters applied in Go.
func TestReportFiltersMatchGo(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		r := rand.New(rand.NewPCG(23, uint64(len(db.Dialect()))))
		u := newUser(t, db, "filters@example.com")
		other := newUser(t, db, "other@example.com")
		base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		seedRandom(t, db, r, u, 400, base)
		seedRandom(t, db, r, other, 50, base) // same tag names, other IDs: must not show up
		ps, err := db.FindProjects(ctx, u.ID, true)
		must(t, err)
		cs, err := db.FindClients(ctx, u.ID)
		must(t, err)
		ts, err := db.FindTasks(ctx, u.ID, 0)
		must(t, err)
		tags, err := db.FindTags(ctx, u.ID)
		must(t, err)
		if len(tags) != len(randomTags) {
			t.Fatalf("tags %+v, want %d", tags, len(randomTags))
		}
		berlin, err := time.LoadLocation("Europe/Berlin")
		must(t, err)
		for i := range 40 {
			var f domain.EntryFilter
			if r.IntN(3) == 0 {
				f.ProjectID = ps[r.IntN(len(ps))].ID
			}
			if r.IntN(3) == 0 {
				f.ClientID = cs[r.IntN(len(cs))].ID
			}
			if r.IntN(3) == 0 {
				f.TaskID = ts[r.IntN(len(ts))].ID
			}
			if r.IntN(2) == 0 {
				f.TagID = tags[r.IntN(len(tags))].ID
			}
			if r.IntN(3) == 0 {
				f.Billable = ptr(r.IntN(2) == 0)
			}
			if i%2 == 0 {
				f.From = base.Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
				f.To = f.From.AddDate(0, r.IntN(20)+1, 0)
			}
			for _, by := range domain.GroupBys {
				rf := domain.ReportFilter{EntryFilter: f, GroupBy: by, Location: berlin}
				want := goReport(t, db, u.ID, rf)
				got, err := db.Report(ctx, u.ID, rf)
				must(t, err)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("filter %+v by %s:\n got %+v\nwant %+v", f, by, got, want)
				}
				if by == domain.GroupByTag {
					var sum int64
					for _, row := range got.Rows {
						sum += row.Seconds
					}
					if sum < got.Seconds {
						t.Fatalf("tag rows add up to %d, less than the total %d", sum, got.Seconds)
					}
				}
			}
			// The entry list under the same filter is the Go filter of
			// the whole range.
			all, err := db.FindEntries(ctx, u.ID, domain.EntryFilter{From: f.From, To: f.To})
			must(t, err)
			want := []int64{}
			for _, e := range all {
				if goKeeps(e, f, ps, tags) {
					want = append(want, e.ID)
				}
			}
			es, err := db.FindEntries(ctx, u.ID, f)
			must(t, err)
			got := []int64{}
			for _, e := range es {
				got = append(got, e.ID)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("FindEntries(%+v) = %v, want %v", f, got, want)
			}
		}
	})
}

func goKeeps(e domain.Entry, f domain.EntryFilter, ps []domain.Project, tags []domain.Tag) bool {
	if f.ProjectID != 0 && e.ProjectID != f.ProjectID || f.TaskID != 0 && (e.TaskID == nil || *e.TaskID != f.TaskID) ||
		f.Billable != nil && e.Billable != *f.Billable {
		return false
	}
	if f.ClientID != 0 {
		i := slices.IndexFunc(ps, func(p domain.Project) bool { return p.ID == e.ProjectID })
		if i < 0 || ps[i].ClientID == nil || *ps[i].ClientID != f.ClientID {
			return false
		}
	}
	if f.TagID != 0 {
		i := slices.IndexFunc(tags, func(t domain.Tag) bool { return t.ID == f.TagID })
		if i < 0 || !slices.Contains(e.Tags, tags[i].Name) {
			return false
		}
	}
	return true
}
