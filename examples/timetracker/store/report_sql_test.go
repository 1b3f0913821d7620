package store_test

import (
	"bytes"
	"cmp"
	"context"
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
// the reference: it reads every entry and sums them.
func goSummary(t *testing.T, db *store.DB, userID int64, from, to time.Time, by domain.GroupBy, loc *time.Location) *domain.Report {
	t.Helper()
	ctx := t.Context()
	es, err := db.FindEntries(ctx, userID, domain.EntryFilter{From: from, To: to})
	must(t, err)
	ps, err := db.FindProjects(ctx, userID, true)
	must(t, err)
	cs, err := db.FindClients(ctx, userID)
	must(t, err)
	projects := map[int64]domain.Project{}
	for _, p := range ps {
		projects[p.ID] = p
	}
	clients := map[int64]string{}
	for _, c := range cs {
		clients[c.ID] = c.Name
	}
	rep := &domain.Report{GroupBy: by, Rows: []domain.ReportRow{}}
	if !from.IsZero() {
		rep.From = from.UTC().Truncate(time.Microsecond)
	}
	if !to.IsZero() {
		rep.To = to.UTC().Truncate(time.Microsecond)
	}
	groups := map[string]*domain.ReportRow{}
	for _, e := range es {
		if e.End == nil {
			continue
		}
		p := projects[e.ProjectID]
		var key, label string
		switch by {
		case domain.GroupByProject:
			key, label = strconv.FormatInt(p.ID, 10), p.Name
		case domain.GroupByClient:
			if p.ClientID != nil {
				key, label = strconv.FormatInt(*p.ClientID, 10), clients[*p.ClientID]
			} else {
				key, label = "", store.NoClientLabel
			}
		case domain.GroupByDay:
			y, m, d := e.Start.In(loc).Date()
			key = time.Date(y, m, d, 0, 0, 0, 0, loc).Format(time.DateOnly)
			label = key
		}
		g := groups[key]
		if g == nil {
			g = &domain.ReportRow{Key: key, Label: label}
			groups[key] = g
		}
		secs := int64(e.End.Sub(e.Start) / time.Second)
		g.Seconds += secs
		rep.Seconds += secs
		if e.Billable {
			g.BillableSeconds += secs
			rep.BillableSeconds += secs
		}
	}
	for _, g := range groups {
		rep.Rows = append(rep.Rows, *g)
	}
	slices.SortFunc(rep.Rows, func(a, b domain.ReportRow) int {
		if by == domain.GroupByDay {
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

// seedRandom gives a user clients, projects (some without a client), tasks
// and n random finished entries over about three years, with microsecond
// starts and lengths up to 30 hours, many of them beginning near a local
// midnight or a DST change, plus a running timer.
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
			p := &domain.Project{UserID: u.ID, Name: "P" + strconv.Itoa(i*2+j) + []string{"", " web"}[j], ClientID: &c.ID}
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
		bys := []domain.GroupBy{domain.GroupByProject, domain.GroupByClient, domain.GroupByDay}
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
					if by != domain.GroupByDay && zone != "UTC" {
						continue // zones only change days
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
