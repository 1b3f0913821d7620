package store_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

func rate(s string) *domain.Cents {
	c, err := domain.ParseCents(s)
	if err != nil {
		panic(err)
	}
	return &c
}

// The rate in force (project, else client, else user) is stored on each
// entry when it is created or edited; a later change of rate leaves
// recorded entries and their amounts alone. Reports sum the amounts of
// billable entries in SQL, rounded to the cent per row.
func TestRatesAndAmounts(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db) // f.project is billable, for f.client
		day := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
		at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
		add := func(pid int64, s, e time.Time, billable bool) *domain.Entry {
			en := &domain.Entry{UserID: f.a.ID, ProjectID: pid, Start: s, End: &e, Billable: billable}
			must(t, db.CreateEntry(ctx, en))
			return en
		}
		none := add(f.project.ID, at(8, 0), at(9, 0), true)
		if none.HourlyRate != nil {
			t.Fatalf("an entry without any rate set got %v", *none.HourlyRate)
		}
		_, err := db.UpdateUser(ctx, f.a.ID, domain.UserUpdate{SetHourlyRate: true, HourlyRate: rate("50")})
		must(t, err)
		if e := add(f.project.ID, at(9, 0), at(10, 0), true); e.HourlyRate == nil || *e.HourlyRate != 5000 {
			t.Errorf("user's rate: %v", e.HourlyRate)
		}
		f.client.HourlyRate = rate("80")
		must(t, db.UpdateClient(ctx, f.client))
		clientRated := add(f.project.ID, at(10, 0), at(10, 20), true) // 20 min at 80: 26.666… → 26.67
		if clientRated.HourlyRate == nil || *clientRated.HourlyRate != 8000 {
			t.Errorf("client's rate: %v", clientRated.HourlyRate)
		}
		f.project.HourlyRate = rate("100.5")
		must(t, db.UpdateProject(ctx, f.project))
		projectRated := add(f.project.ID, at(11, 0), at(11, 10), true) // 10 min at 100.50: 16.75
		add(f.project.ID, at(12, 0), at(13, 0), false)                 // not billable: no amount
		if got, _ := db.FindEntry(ctx, f.a.ID, clientRated.ID); *got.HourlyRate != 8000 {
			t.Errorf("a later project rate rewrote an entry's rate: %v", *got.HourlyRate)
		}
		if *projectRated.HourlyRate != 10050 {
			t.Errorf("project's rate: %v", *projectRated.HourlyRate)
		}
		// An edit takes the rate in force now.
		clientRated.Notes = "edited"
		must(t, db.UpdateEntry(ctx, clientRated))
		if *clientRated.HourlyRate != 10050 {
			t.Errorf("after an edit the rate is %v, want the project's", *clientRated.HourlyRate)
		}
		// A running timer keeps the rate it started with.
		timer := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID}
		must(t, db.StartTimer(ctx, timer))
		if timer.HourlyRate == nil || *timer.HourlyRate != 10050 {
			t.Errorf("timer's rate %v", timer.HourlyRate)
		}

		// 1 h at 0 + 1 h at 50 + 20 min at 100.50 (33.50) + 10 min at
		// 100.50 (16.75) = 100.25; the unbillable hour adds nothing.
		for _, by := range []domain.GroupBy{domain.GroupByProject, domain.GroupByClient, domain.GroupByDay} {
			rep, err := db.Summary(ctx, f.a.ID, day, day.AddDate(0, 0, 1), by)
			must(t, err)
			if rep.Amount != 10025 || len(rep.Rows) != 1 || rep.Rows[0].Amount != 10025 {
				t.Errorf("%s: amount %v, rows %+v; want 100.25", by, rep.Amount, rep.Rows)
			}
		}

		for _, bad := range []*domain.Cents{ptr(domain.Cents(-1)), ptr(domain.MaxRate + 1)} {
			p := &domain.Project{UserID: f.a.ID, Name: "Bad", HourlyRate: bad}
			wantErr(t, db.CreateProject(ctx, p), domain.EINVALID, "hourly_rate")
		}

		// The rates are in the user's export (R1).
		ex, err := db.Export(ctx, f.a.ID)
		must(t, err)
		b, _ := json.Marshal(ex)
		for _, want := range []string{`"hourly_rate":50.00`, `"hourly_rate":80.00`, `"hourly_rate":100.50`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("export lacks %s", want)
			}
		}
	})
}

func TestParseCents(t *testing.T) {
	for in, want := range map[string]domain.Cents{"85": 8500, "85.5": 8550, "85.05": 8505, "0": 0, " 12,30 ": 1230, "1000000": domain.MaxRate} {
		if got, err := domain.ParseCents(in); err != nil || got != want {
			t.Errorf("ParseCents(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1.234", "abc", "1e3", "1000000.01", ".5", "+3", "1.-5"} {
		if _, err := domain.ParseCents(in); err == nil {
			t.Errorf("ParseCents(%q) accepted", in)
		}
	}
	var c domain.Cents
	if err := json.Unmarshal([]byte(`"7.5"`), &c); err != nil || c != 750 {
		t.Errorf("from a string: %v %v", c, err)
	}
	if err := json.Unmarshal([]byte(`7.25`), &c); err != nil || c != 725 {
		t.Errorf("from a number: %v %v", c, err)
	}
	if domain.Amount(1200, 10050) != 3350 || domain.Amount(1, 1800) != 1 || domain.Amount(1, 1799) != 0 {
		t.Error("Amount does not round halves up")
	}
}
