package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

var entryFormActionRE = regexp.MustCompile(`<form method="post" action="([^"]*)" class="entry-form"`)

// Adding an entry with a filter active keeps the filter: the form's action
// carries the filter as a query string, not as one escaped blob.
func TestAddingAnEntryKeepsTheFilter(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	s := e.seed(b, e.userID("ada@example.com"))
	pid := strconv.FormatInt(s.billable, 10)
	p := b.get("/entries?from=2026-03-01&to=2026-03-07&project_id=" + pid)
	m := entryFormActionRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no entry form:\n%s", excerpt(p.body))
	}
	action := html.UnescapeString(m[1])
	u, err := url.Parse(action)
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"from": {"2026-03-01"}, "to": {"2026-03-07"}, "project_id": {pid}}
	if u.Path != "/entries" || u.Query().Encode() != want.Encode() {
		t.Fatalf("form action %q, want /entries?%s", action, want.Encode())
	}
	r := b.post(action, url.Values{"project_id": {pid}, "date": {"2026-03-03"}, "start": {"09:00"}, "end": {"10:00"}, "notes": {"more"}})
	if r.status != 303 {
		t.Fatalf("add: %d %s", r.status, excerpt(r.body))
	}
	loc, _ := url.Parse(r.location())
	if loc.Path != "/entries" || loc.Query().Encode() != want.Encode() {
		t.Errorf("after adding, redirected to %q; the filter is lost", r.location())
	}
	if m := regexp.MustCompile(`href="/reports/entries\.csv\?([^"]*)"`).FindStringSubmatch(b.follow(r).body); m == nil || html.UnescapeString(m[1]) != want.Encode() {
		t.Errorf("CSV link %v, want the filter %s", m, want.Encode())
	}
}

// The dashboard's today and week include the running timer, up to now.
// The clock is near the real one (the store stops timers older than the
// entry limit by the real clock), 45 minutes kept within one UTC day.
func TestDashboardCountsTheRunningTimer(t *testing.T) {
	var mu sync.Mutex
	real := time.Now().UTC().Truncate(time.Minute)
	now := real.Add(-45 * time.Minute)
	if now.Day() != real.Day() {
		now = real.Truncate(24 * time.Hour)
	}
	e := newEnv(t, envOptions{now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	b := e.signUp("Ada", "ada@example.com")
	s := e.seed(b, e.userID("ada@example.com"))
	b.get("/").mustContain(t, "Nothing recorded today yet", "Total <strong>0:00</strong>")
	b.follow(b.post("/timer/start", url.Values{"project_id": {strconv.FormatInt(s.billable, 10)}}))
	mu.Lock()
	now = now.Add(45 * time.Minute)
	mu.Unlock()
	p := b.get("/")
	p.mustContain(t, `Total <strong>0:45</strong> <span class="muted small">with the running timer</span>`,
		"The timer is running; nothing else recorded today yet.")
	if n := strings.Count(p.body, "Total <strong>0:45</strong>"); n != 2 {
		t.Errorf("%d totals of 0:45, want today's and the week's", n)
	}
	if strings.Contains(p.body, "Nothing recorded today yet") {
		t.Error("the dashboard says nothing is recorded while a timer runs")
	}
	today := regexp.MustCompile(`(?s)<tr class="is-today">.*?</tr>`).FindString(p.body)
	if !strings.Contains(today, `<td class="num">1</td>`) || !strings.Contains(today, `<td class="num">0:45</td>`) {
		t.Errorf("today's row of the week: %s", today)
	}
}

// An overlapping entry added or edited on the pages is saved, and the page
// after the redirect says it overlaps.
func TestOverlapNotice(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	s := e.seed(b, e.userID("ada@example.com")) // 9:00-11:00 and 13:00-14:30 on 2 March
	pid := strconv.FormatInt(s.billable, 10)
	b.get("/entries")
	add := func(start, end string) *page {
		t.Helper()
		r := b.post("/entries", url.Values{"project_id": {pid}, "date": {"2026-03-02"}, "start": {start}, "end": {end}})
		if r.status != 303 {
			t.Fatalf("add %s-%s: %d %s", start, end, r.status, excerpt(r.body))
		}
		return b.follow(r)
	}
	add("10:00", "11:00").mustContain(t, `class="flash flash-warning" role="status">Entry added, but it overlaps another of your entries`)
	if p := add("11:00", "12:00"); !strings.Contains(p.body, "Entry added.") || strings.Contains(p.body, "overlaps") {
		t.Errorf("an entry that only touches others is flagged:\n%s", excerpt(p.body))
	}
	b.get("/entries/" + strconv.FormatInt(s.entry2, 10) + "/edit")
	r := b.post("/entries/"+strconv.FormatInt(s.entry2, 10), url.Values{"project_id": {strconv.FormatInt(s.internal, 10)}, "date": {"2026-03-02"}, "start": {"10:30"}, "end": {"14:30"}})
	b.follow(r).mustContain(t, "Entry saved, but it overlaps another of your entries")
}

// The report shows the billable amount per row and in total, in the
// installation's currency.
func TestReportShowsAmounts(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	rate := domain.Cents(4550)
	if _, err := e.db.UpdateUser(context.Background(), uid, domain.UserUpdate{SetHourlyRate: true, HourlyRate: &rate}); err != nil {
		t.Fatal(err)
	}
	e.seed(b, uid) // Website: 2:00 billable at 45.50 = 91.00; Internal: 1:30 not billable
	p := b.get("/reports?from=2026-03-01&to=2026-03-07&group_by=project")
	p.mustContain(t, "<dt>Billable amount</dt><dd>91.00 EUR</dd>", `Amount (EUR)</th>`, `<td class="num">2.00</td><td class="num">91.00</td>`, `<td class="num">0.00</td></tr>`)
}

// "Continue" on an entry starts the timer with its project, task and notes.
func TestContinueOnThePages(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	s := e.seed(b, uid)
	p := b.get("/entries?from=2026-03-01&to=2026-03-07")
	p.mustContain(t, `action="/entries/`+strconv.FormatInt(s.entry1, 10)+`/continue"`)
	r := b.post("/entries/"+strconv.FormatInt(s.entry1, 10)+"/continue", nil)
	if r.status != 303 || r.location() != "/" {
		t.Fatalf("continue: %d %q", r.status, r.location())
	}
	b.follow(r).mustContain(t, "Timer started.", "Homepage layout", "Design", "Stop timer")
	run, err := e.db.RunningTimer(context.Background(), uid)
	if err != nil || run == nil || run.ProjectID != s.billable || run.TaskID == nil || *run.TaskID != s.task {
		t.Fatalf("running timer %+v, %v", run, err)
	}
	if r := b.post("/entries/"+strconv.FormatInt(s.entry2, 10)+"/continue", nil); r.status != 409 || !strings.Contains(r.body, "A timer is running already.") {
		t.Errorf("second continue: %d", r.status)
	}
}
