package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestTimeZonePerUser follows a user in Pacific/Auckland on a server in
// UTC, on the night New Zealand's daylight saving time ends (Sunday
// 2026-04-05, 03:00 NZDT becomes 02:00 NZST): a day of 25 hours whose
// first minutes are still Saturday in UTC. The API's day grouping and
// default range, the dashboard's today and week, the entries list's days
// and the report's day rows all count in Auckland's days, on both
// engines; the API still speaks RFC 3339 in UTC.
func TestTimeZonePerUser(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			env := map[string]string{}
			if engine == "postgres" {
				env["DATABASE_URL"] = postgresURL(t)
			}
			testTimeZonePerUser(t, env)
		})
	}
}

func testTimeZonePerUser(t *testing.T, env map[string]string) {
	// Sunday 23:30 NZST in Auckland, Sunday 11:30 in UTC.
	now := time.Date(2026, 4, 5, 11, 30, 0, 0, time.UTC)
	app := newTestAppWith(t, env, runOptions{now: func() time.Time { return now }, location: time.UTC})
	api, _ := app.register("kiri@example.org", "correct horse battery", "Kiri")

	// A bad zone is refused, naming the field, and changes nothing.
	for _, bad := range []string{"Mars/Olympus", "Local", "../etc/passwd", strings.Repeat("A", 80)} {
		r := api.do("PATCH", "/api/v1/me", map[string]any{"time_zone": bad, "name": "Changed"})
		if e := r.apiError(t); r.status != http.StatusBadRequest || e.Error.Field != "time_zone" {
			t.Fatalf("time_zone %q: %d %s, want 400 on time_zone", bad, r.status, r.body)
		}
	}
	// Nor does a bad rate sent with a good zone.
	if r := api.do("PATCH", "/api/v1/me", map[string]any{"time_zone": "Pacific/Auckland", "hourly_rate": "12.345"}); r.status != http.StatusBadRequest || r.apiError(t).Error.Field != "hourly_rate" {
		t.Fatalf("bad rate: %d %s", r.status, r.body)
	}
	var me struct {
		Name     string `json:"name"`
		TimeZone string `json:"time_zone"`
	}
	api.must(http.StatusOK, "GET", "/api/v1/me", nil, &me)
	if me.Name != "Kiri" || me.TimeZone != "" {
		t.Fatalf("after refused updates: %+v, want the name kept and no zone", me)
	}
	api.must(http.StatusOK, "PATCH", "/api/v1/me", map[string]any{"time_zone": " Pacific/Auckland "}, &me)
	if me.TimeZone != "Pacific/Auckland" {
		t.Fatalf("time_zone = %q", me.TimeZone)
	}
	api.must(http.StatusOK, "GET", "/api/v1/me", nil, &me)
	if me.TimeZone != "Pacific/Auckland" {
		t.Fatalf("GET /me time_zone = %q", me.TimeZone)
	}

	var p idOnly
	api.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "Harbour"}, &p)
	add := func(start, end string) {
		api.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": p.ID, "start": start, "end": end}, nil)
	}
	add("2026-04-04T11:30:00Z", "2026-04-04T12:30:00Z") // Sun 00:30-01:30 NZDT; Sat in UTC
	add("2026-04-05T10:00:00Z", "2026-04-05T11:00:00Z") // Sun 22:00-23:00 NZST
	add("2026-04-05T12:30:00Z", "2026-04-05T13:00:00Z") // Mon 00:30-01:00 NZST; Sun in UTC

	type report struct {
		From time.Time `json:"from"`
		To   time.Time `json:"to"`
		Rows []struct {
			Key     string `json:"key"`
			Seconds int64  `json:"seconds"`
		} `json:"rows"`
	}
	days := func(rep report) string {
		var b strings.Builder
		for _, r := range rep.Rows {
			fmt.Fprintf(&b, "%s=%d ", r.Key, r.Seconds)
		}
		return strings.TrimSpace(b.String())
	}
	// Dates in the query are the user's days.
	var rep report
	res := api.must(http.StatusOK, "GET", "/api/v1/reports/summary?group_by=day&from=2026-04-05&to=2026-04-06", nil, &rep)
	if got := days(rep); got != "2026-04-05=7200 2026-04-06=1800" {
		t.Errorf("days = %s, want Sunday 2 h and Monday 0.5 h in Auckland", got)
	}
	// Midnight of Sunday NZDT and of Tuesday NZST, in UTC on the wire.
	if !strings.Contains(string(res.body), `"from":"2026-04-04T11:00:00Z"`) || !strings.Contains(string(res.body), `"to":"2026-04-06T12:00:00Z"`) {
		t.Errorf("range on the wire: %s", res.body)
	}
	// The default range: the seven days up to the end of the user's today.
	api.must(http.StatusOK, "GET", "/api/v1/reports/summary?group_by=day", nil, &rep)
	if want := time.Date(2026, 4, 5, 12, 0, 0, 0, time.UTC); !rep.To.Equal(want) {
		t.Errorf("default to = %s, want %s (midnight ending Sunday in Auckland)", rep.To, want)
	}
	if want := time.Date(2026, 3, 29, 11, 0, 0, 0, time.UTC); !rep.From.Equal(want) {
		t.Errorf("default from = %s, want %s (Monday 30 March, 00:00 NZDT)", rep.From, want)
	}
	if got := days(rep); got != "2026-04-05=7200" {
		t.Errorf("default range days = %s", got)
	}
	var es []entryJSON
	api.must(http.StatusOK, "GET", "/api/v1/entries?from=2026-04-06&to=2026-04-06", nil, &es)
	if len(es) != 1 || !es[0].Start.Equal(time.Date(2026, 4, 5, 12, 30, 0, 0, time.UTC)) {
		t.Errorf("entries of Monday in Auckland: %+v", es)
	}

	// The pages, signed in with a cookie.
	web := app.client()
	web.signIn("kiri@example.org", "correct horse battery")
	page := func(path string) string {
		t.Helper()
		r := web.do("GET", path, nil)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.status)
		}
		return string(r.body)
	}
	mustHave := func(path, body string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
	}
	dash := page("/")
	mustHave("/", dash, "Sun 2026-04-05", "Times are in Pacific/Auckland.", "00:30", "22:00")
	// Today's total and the week's are both Sunday's two hours in
	// Auckland (in UTC, Sunday would hold 1:30 and Saturday 1:00).
	if n := strings.Count(dash, "Total <strong>2:00</strong>"); n != 2 {
		t.Errorf("dashboard shows \"Total 2:00\" %d times, want today's and the week's", n)
	}
	// The week runs Monday 30 March to Sunday 5 April in Auckland; its
	// total is Sunday's two hours, and Monday's entry is not in it.
	mustHave("/", dash, "Mon 2026-03-30")
	if strings.Contains(dash, "Mon 2026-04-06") {
		t.Errorf("dashboard shows next week's Monday")
	}
	list := page("/entries?" + url.Values{"from": {"2026-04-04"}, "to": {"2026-04-06"}}.Encode())
	mustHave("/entries", list, "Sun 2026-04-05", "Mon 2026-04-06", "Times are in Pacific/Auckland.")
	if strings.Contains(list, "Sat 2026-04-04") {
		t.Errorf("entries list puts an entry on Saturday, a UTC day")
	}
	if i, j := strings.Index(list, "Sun 2026-04-05"), strings.Index(list, "Mon 2026-04-06"); i < 0 || j < 0 || !strings.Contains(list[i:], ">2:00<") {
		t.Errorf("entries list: Sunday's total is not 2:00")
	}
	reports := page("/reports?from=2026-04-05&to=2026-04-06&group_by=day")
	mustHave("/reports", reports, "Sun 2026-04-05: 2 h,", "Mon 2026-04-06: 30 min,", "Times are in Pacific/Auckland.")

	// Another user, without a zone, sees the server's days.
	other, _ := app.register("tama@example.org", "correct horse battery", "Tama")
	var op idOnly
	other.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "Ferry"}, &op)
	other.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": op.ID, "start": "2026-04-04T11:30:00Z", "end": "2026-04-04T12:30:00Z"}, nil)
	other.must(http.StatusOK, "GET", "/api/v1/reports/summary?group_by=day&from=2026-04-04&to=2026-04-05", nil, &rep)
	if got := days(rep); got != "2026-04-04=3600" {
		t.Errorf("server-zone user days = %s", got)
	}
	ow := app.client()
	ow.signIn("tama@example.org", "correct horse battery")
	if r := ow.do("GET", "/reports", nil); !strings.Contains(string(r.body), "Times are in UTC.") {
		t.Errorf("server-zone user's report does not name UTC")
	}
}

// TestCSVDateIsTheUsersDay: the entries CSV's date column is the day the
// entry starts in the user's zone, the day the range filter counted it in,
// on the API's CSV and the page's; start and end stay RFC 3339 in UTC, and
// the file still imports as this app's own CSV.
func TestCSVDateIsTheUsersDay(t *testing.T) {
	now := time.Date(2026, 12, 2, 7, 30, 0, 0, time.UTC) // Tue 23:30 in Los Angeles
	app := newTestAppWith(t, nil, runOptions{now: func() time.Time { return now }, location: time.UTC})
	api, _ := app.register("lena@example.org", "correct horse battery", "Lena")
	api.must(http.StatusOK, "PATCH", "/api/v1/me", map[string]any{"time_zone": "America/Los_Angeles"}, nil)
	var p idOnly
	api.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "Night shift"}, &p)
	// Tue 2026-12-01 22:00-23:00 in Los Angeles, Wednesday in UTC.
	api.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": p.ID, "start": "2026-12-02T06:00:00Z", "end": "2026-12-02T07:00:00Z"}, nil)

	web := app.client()
	web.signIn("lena@example.org", "correct horse battery")
	for who, c := range map[string]*client{"api": api, "page": web} {
		path := "/api/v1/reports/entries.csv?from=2026-12-01&to=2026-12-01"
		if who == "page" {
			path = "/reports/entries.csv?from=2026-12-01&to=2026-12-01"
		}
		r := c.must(http.StatusOK, "GET", path, nil, nil)
		lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[1], "2026-12-01,2026-12-02T06:00:00Z,2026-12-02T07:00:00Z,3600,") {
			t.Fatalf("%s CSV of Tue 2026-12-01:\n%s\nwant one row dated 2026-12-01 with its UTC start and end", who, r.body)
		}
		res := api.importCSV(t, "?dry_run=true", string(r.body), http.StatusOK)
		if res.Format != "discreet" || res.Entries != 0 || res.Duplicates != 1 || res.Overlaps != 0 {
			t.Fatalf("%s CSV imported back: %+v, want this app's format and its one row found as the stored entry, to the second", who, res)
		}
	}
}
