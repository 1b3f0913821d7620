package store_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// A user's time zone is stored trimmed, checked against the zone
// database, cleared with "", and part of the export (R1).
// claim: R1
func TestUserTimeZone(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		u := newUser(t, db, "kiri@example.com")
		if u.TimeZone != "" {
			t.Fatalf("a new user has zone %q", u.TimeZone)
		}
		for _, bad := range []string{"Mars/Olympus", "Local", "local", "/etc/localtime", "Europe/../Berlin", strings.Repeat("x", 65), "Europe/Berlin\x00"} {
			_, err := db.UpdateUser(ctx, u.ID, domain.UserUpdate{TimeZone: &bad})
			wantErr(t, err, domain.EINVALID, "time_zone")
		}
		got, err := db.UpdateUser(ctx, u.ID, domain.UserUpdate{TimeZone: ptr(" Pacific/Auckland ")})
		must(t, err)
		if got.TimeZone != "Pacific/Auckland" {
			t.Fatalf("zone %q", got.TimeZone)
		}
		again, err := db.FindUserByID(ctx, u.ID)
		must(t, err)
		if again.TimeZone != "Pacific/Auckland" {
			t.Fatalf("read back %q", again.TimeZone)
		}
		ex, err := db.Export(ctx, u.ID)
		must(t, err)
		b, _ := json.Marshal(ex)
		if !strings.Contains(string(b), `"time_zone":"Pacific/Auckland"`) {
			t.Errorf("export lacks the time zone: %s", b)
		}
		got, err = db.UpdateUser(ctx, u.ID, domain.UserUpdate{TimeZone: ptr("")})
		must(t, err)
		if got.TimeZone != "" {
			t.Fatalf("cleared zone %q", got.TimeZone)
		}
	})
}

// Every hourly rate (the user's default, the client's, the project's and
// the one stamped on each entry) is in the export (R1), and none is left
// in the database after the account is erased (R2).
// claim: R1
// claim: R2
func TestRatesExportedAndErased(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := seed(t, db)
		_, err := db.UpdateUser(ctx, f.a.ID, domain.UserUpdate{SetHourlyRate: true, HourlyRate: rate("41.11")})
		must(t, err)
		f.client.HourlyRate = rate("42.22")
		must(t, db.UpdateClient(ctx, f.client))
		other := &domain.Project{UserID: f.a.ID, Name: "Own rate", HourlyRate: rate("43.33")}
		must(t, db.CreateProject(ctx, other))
		start := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
		end := start.Add(time.Hour)
		// Stamped with 43.33; then the project's rate changes, so the
		// entry's own rate is the only place 43.33 is left.
		e := &domain.Entry{UserID: f.a.ID, ProjectID: other.ID, Start: start, End: &end, Billable: true}
		must(t, db.CreateEntry(ctx, e))
		other.HourlyRate = rate("44.44")
		must(t, db.UpdateProject(ctx, other))

		ex, err := db.Export(ctx, f.a.ID)
		must(t, err)
		b, _ := json.Marshal(ex)
		if ex.User.HourlyRate == nil || ex.User.HourlyRate.String() != "41.11" {
			t.Errorf("export user rate %v", ex.User.HourlyRate)
		}
		for _, want := range []string{`"hourly_rate":42.22`, `"hourly_rate":44.44`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("export lacks %s", want)
			}
		}
		if len(ex.Entries) != 1 || ex.Entries[0].HourlyRate == nil || ex.Entries[0].HourlyRate.String() != "43.33" {
			t.Errorf("export entries %+v, want the entry's stamped rate 43.33", ex.Entries)
		}

		// f.a, the first user, is the admin: hand that over first.
		_, err = db.SetUserRole(ctx, f.b.ID, domain.RoleAdmin)
		must(t, err)
		must(t, db.DeleteUser(ctx, f.a.ID))
		for _, table := range []string{"users", "clients", "projects", "entries"} {
			var n int
			err := db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE hourly_rate IN (4111, 4222, 4333, 4444)").Scan(&n)
			must(t, err)
			if n != 0 {
				t.Errorf("%s keeps %d rates of the erased user", table, n)
			}
		}
		// The other user is untouched.
		if _, err := db.FindUserByID(ctx, f.b.ID); err != nil {
			t.Fatal(err)
		}
	})
}
