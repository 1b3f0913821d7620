package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// TestProfileTimeZoneAndRate: the profile page sets the time zone and the
// default hourly rate; a bad one is shown beside its field and nothing of
// the form is stored; every page then counts and shows times in the zone.
func TestProfileTimeZoneAndRate(t *testing.T) {
	// 23:30 on Tuesday 1 December in UTC is already Wednesday 12:30 in
	// Auckland (NZDT, +13).
	now := time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC)
	e := newEnv(t, envOptions{now: func() time.Time { return now }})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	ctx := context.Background()

	proj := &domain.Project{UserID: uid, Name: "Harbour"}
	must(t, e.db.CreateProject(ctx, proj))
	pid := proj.ID
	p := b.get("/settings/profile")
	p.mustContain(t, `<label for="time_zone">Time zone`, `list="time-zones"`, `<option value="Pacific/Auckland">`,
		`<label for="hourly_rate">Default hourly rate, EUR`, "zone, UTC.")
	checkPage(t, "/settings/profile", p)

	bad := []struct {
		name string
		form url.Values
		want []string
	}{
		{"unknown zone", url.Values{"time_zone": {"Mars/Olympus"}, "hourly_rate": {"80"}},
			[]string{`id="time_zone-error"`, "is not a known time zone", `value="Mars/Olympus"`, `aria-invalid="true"`}},
		{"Local", url.Values{"time_zone": {"Local"}}, []string{`id="time_zone-error"`, "must be an IANA name"}},
		{"bad rate", url.Values{"time_zone": {"Pacific/Auckland"}, "hourly_rate": {"12.345"}},
			[]string{`id="hourly_rate-error"`, "Hourly rate: enter an amount like 85", `value="12.345"`}},
		{"negative rate", url.Values{"hourly_rate": {"-5"}}, []string{`id="hourly_rate-error"`}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			f := url.Values{"name": {"Ada Renamed"}, "email": {"ada@example.com"}}
			for k, v := range tt.form {
				f[k] = v
			}
			p := b.post("/settings/profile", f)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d: %s", p.status, excerpt(p.body))
			}
			p.mustContain(t, tt.want...)
			checkPage(t, "/settings/profile", p)
			u, err := e.db.FindUserByID(ctx, uid)
			if err != nil {
				t.Fatal(err)
			}
			if u.Name != "Ada" || u.TimeZone != "" || u.HourlyRate != nil {
				t.Fatalf("a refused form changed the user: %+v", u)
			}
		})
	}

	p = b.post("/settings/profile", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "time_zone": {"Pacific/Auckland"}, "hourly_rate": {"85,5"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("status %d: %s", p.status, excerpt(p.body))
	}
	u, _ := e.db.FindUserByID(ctx, uid)
	if u.TimeZone != "Pacific/Auckland" || u.HourlyRate == nil || u.HourlyRate.String() != "85.50" {
		t.Fatalf("stored: zone %q rate %v", u.TimeZone, u.HourlyRate)
	}
	p = b.follow(p)
	p.mustContain(t, `value="Pacific/Auckland"`, `value="85.50"`)

	// A form without the fields leaves them as they are.
	if p := b.post("/settings/profile", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}}); p.status != http.StatusSeeOther {
		t.Fatalf("status %d", p.status)
	}
	if u, _ := e.db.FindUserByID(ctx, uid); u.TimeZone != "Pacific/Auckland" || u.HourlyRate == nil {
		t.Fatalf("fields absent from the form were cleared: %+v", u)
	}

	// The dashboard's today is Wednesday in Auckland, and the entry form
	// proposes that date.
	b.get("/").mustContain(t, "Wed 2026-12-02", "Times are in Pacific/Auckland.")
	b.get("/entries").mustContain(t, `value="2026-12-02"`, "Times are in Pacific/Auckland.")
	b.get("/reports").mustContain(t, "Times are in Pacific/Auckland.", "Mon 2026-11-30 – Sun 2026-12-06")

	// An entry typed on the entries page is in the user's zone: 09:00 on
	// Wednesday in Auckland is 20:00 on Tuesday in UTC; lists and the edit
	// form show it back as typed.
	if r := b.post("/entries", url.Values{"project_id": {fmt.Sprint(pid)}, "date": {"2026-12-02"}, "start": {"09:00"}, "end": {"10:15"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add entry: %d %s", r.status, excerpt(r.body))
	}
	es, _ := e.db.FindEntries(ctx, uid, domain.EntryFilter{})
	if len(es) != 1 || !es[0].Start.Equal(time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)) {
		t.Fatalf("stored %+v, want a start at 2026-12-01T20:00Z", es)
	}
	b.get("/entries?from=2026-12-02&to=2026-12-02").mustContain(t, "Wed 2026-12-02", "09:00–10:15")
	b.get(fmt.Sprintf("/entries/%d/edit", es[0].ID)).mustContain(t, `value="2026-12-02"`, `value="09:00"`, `value="10:15"`)
	b.get("/").mustContain(t, "<strong>1:15</strong>")

	// Emptying the field returns to the server's zone.
	b.get("/settings/profile")
	if p := b.post("/settings/profile", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "time_zone": {""}, "hourly_rate": {""}}); p.status != http.StatusSeeOther {
		t.Fatalf("status %d", p.status)
	}
	if u, _ := e.db.FindUserByID(ctx, uid); u.TimeZone != "" || u.HourlyRate != nil {
		t.Fatalf("empty fields did not clear: %+v", u)
	}
	page := b.get("/")
	page.mustContain(t, "Tue 2026-12-01", "Times are in UTC.")
	if strings.Contains(page.body, "Times are in Local.") {
		t.Error("the page says Local")
	}
}
