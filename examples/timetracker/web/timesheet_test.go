package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// sheetEntries lists the user's entries, earliest first, as
// "project start–end" in UTC, for comparing whole states.
func sheetEntries(t *testing.T, e *env, uid int64) []string {
	t.Helper()
	es, err := e.db.FindEntries(context.Background(), uid, domain.EntryFilter{})
	must(t, err)
	sort.Slice(es, func(i, j int) bool { return es[i].Start.Before(es[j].Start) })
	var out []string
	for _, x := range es {
		end := "running"
		if x.End != nil {
			end = x.End.UTC().Format("01-02 15:04")
		}
		task := ""
		if x.TaskID != nil {
			task = fmt.Sprintf("/%d", *x.TaskID)
		}
		out = append(out, fmt.Sprintf("%d%s %s–%s", x.ProjectID, task, x.Start.UTC().Format("01-02 15:04"), end))
	}
	return out
}

func cellName(project, task int64, day int) string {
	return fmt.Sprintf("cell-%d-%d-%d", project, task, day)
}

// sheetForm is the form as the page sent it: every cell with its shown
// value and the value it was, then the changes.
func sheetForm(t *testing.T, p *page, changes map[string]string) url.Values {
	t.Helper()
	f := url.Values{}
	for _, m := range sheetInputRE.FindAllStringSubmatch(p.body, -1) {
		f.Add(m[1], m[2])
	}
	for k, v := range changes {
		if !f.Has(k) && !strings.HasPrefix(k, "row") {
			t.Fatalf("the page has no input %s", k)
		}
		f.Set(k, v)
	}
	return f
}

func TestTimesheetPage(t *testing.T) {
	e := newEnv(t, envOptions{now: func() time.Time { return time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) }})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	s := e.seed(b, uid) // Monday 2 March: Website › Design 9:00–11:00, Internal 13:00–14:30

	p := b.get("/timesheet")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	checkPage(t, "/timesheet", p)
	p.mustContain(t, "Week 2026-W10", `href="/timesheet" aria-current="page"`,
		`href="/timesheet?week=2026-W09"`, `href="/timesheet?week=2026-W11"`,
		"Website (Acme Corp) › Design", "Internal",
		`aria-label="Internal, Monday 2026-03-02"`, `aria-label="Website (Acme Corp) › Design, Sunday 2026-03-08"`,
		`value="2:00"`, `value="1:30"`, "<strong>3:30</strong>", "Times are in UTC.")
	// A date names its week; a bad week is refused.
	b.get("/timesheet?week=2026-03-08").mustContain(t, "Week 2026-W10")
	b.get("/timesheet?week=2026-w10").mustContain(t, "Week 2026-W10")
	b.get("/timesheet?week=2020-W53").mustContain(t, "Week 2020-W53")
	for _, bad := range []string{"2026-W54", "2026-W00", "2021-W53", "next", "2026-02-30"} {
		if p := b.get("/timesheet?week=" + bad); p.status != http.StatusBadRequest || !strings.Contains(p.body, "is not a week") {
			t.Errorf("week=%s: status %d", bad, p.status)
		}
	}

	// Add a row for the project without a task.
	p = b.get(fmt.Sprintf("/timesheet?week=2026-W10&row=%d-0", s.billable))
	p.mustContain(t, `aria-label="Website (Acme Corp), Tuesday 2026-03-03"`)
	before := sheetEntries(t, e, uid)

	t.Run("a bad cell saves nothing", func(t *testing.T) {
		f := sheetForm(t, p, map[string]string{
			cellName(s.billable, 0, 1): "1.5",   // fine
			cellName(s.internal, 0, 2): "1:75",  // not a length
			cellName(s.internal, 0, 3): "25",    // more than a day
			cellName(s.internal, 0, 4): "-1",    // negative
			cellName(s.billable, 0, 5): "1.5e2", // not a plain number
		})
		r := b.post("/timesheet", f)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d: %s", r.status, excerpt(r.body))
		}
		checkPage(t, "/timesheet", r)
		r.mustContain(t, "Nothing was saved.",
			`Internal, Wednesday 2026-03-04: &#34;1:75&#34; is not a length of time; type hours and minutes like 1:30 or decimal hours like 1.5.`,
			"Internal, Thursday 2026-03-05: 25 is more than a day.",
			"Internal, Friday 2026-03-06: &#34;-1&#34; is not a length",
			"Website (Acme Corp), Saturday 2026-03-07: &#34;1.5e2&#34;",
			`value="1:75"`, `value="1.5"`, `aria-invalid="true">`)
		if after := sheetEntries(t, e, uid); strings.Join(after, ",") != strings.Join(before, ",") {
			t.Fatalf("entries changed: %v, were %v", after, before)
		}
	})

	t.Run("a cell of several entries is refused", func(t *testing.T) {
		ctx := context.Background()
		for _, h := range []int{15, 17} {
			st := time.Date(2026, 3, 2, h, 0, 0, 0, time.UTC)
			en := st.Add(30 * time.Minute)
			must(t, e.db.CreateEntry(ctx, &domain.Entry{UserID: uid, ProjectID: s.billable, Start: st, End: &en}))
		}
		defer func() {
			es, _ := e.db.FindEntries(ctx, uid, domain.EntryFilter{ProjectID: s.billable})
			for _, x := range es {
				if x.TaskID == nil {
					must(t, e.db.DeleteEntry(ctx, uid, x.ID))
				}
			}
		}()
		p := b.get(fmt.Sprintf("/timesheet?week=2026-W10&row=%d-0", s.billable))
		p.mustContain(t, "2×")
		before := sheetEntries(t, e, uid)
		r := b.post("/timesheet", sheetForm(t, p, map[string]string{
			cellName(s.billable, 0, 0): "2",
			cellName(s.internal, 0, 1): "1",
		}))
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", r.status)
		}
		r.mustContain(t, "Website (Acme Corp), Monday 2026-03-02: this cell holds 2 entries; change them one by one on the entries page",
			fmt.Sprintf("/entries?from=2026-03-02&amp;to=2026-03-02&amp;project_id=%d", s.billable))
		if after := sheetEntries(t, e, uid); strings.Join(after, ",") != strings.Join(before, ",") {
			t.Fatalf("entries changed: %v", after)
		}
	})

	t.Run("a cell changed elsewhere is refused", func(t *testing.T) {
		p := b.get("/timesheet?week=2026-W10")
		ctx := context.Background()
		en, err := e.db.FindEntry(ctx, uid, s.entry2)
		must(t, err)
		end := en.End.Add(15 * time.Minute)
		en.End = &end
		must(t, e.db.UpdateEntry(ctx, en)) // 1:45 now, the page says 1:30
		r := b.post("/timesheet", sheetForm(t, p, map[string]string{cellName(s.internal, 0, 0): "3"}))
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", r.status)
		}
		r.mustContain(t, "Internal, Monday 2026-03-02: this cell changed since the page was loaded (it now holds 1:45)", `value="1:45"`)
		end = end.Add(-15 * time.Minute)
		en.End = &end
		must(t, e.db.UpdateEntry(ctx, en))
	})

	t.Run("changes become entries", func(t *testing.T) {
		p := b.get(fmt.Sprintf("/timesheet?week=2026-W10&row=%d-0", s.billable))
		f := sheetForm(t, p, map[string]string{
			cellName(s.billable, 0, 1):      "1.5",  // empty Tuesday: new, 09:00–10:30
			cellName(s.internal, 0, 0):      "2:00", // one entry: its end moves to 15:00
			cellName(s.billable, s.task, 0): "",     // one entry, emptied: deleted
			cellName(s.billable, 0, 0):      "0,75", // new, after Monday's last entry (15:00 once moved)
			cellName(s.internal, 0, 6):      "0",    // empty and zero: nothing
		})
		r := b.post("/timesheet", f)
		if r.status != http.StatusSeeOther || r.location() != "/timesheet?week=2026-W10" {
			t.Fatalf("status %d to %q: %s", r.status, r.location(), excerpt(r.body))
		}
		b.follow(r).mustContain(t, "Timesheet saved.", `<td class="num">2:45</td>`, `value="0:45"`, `value="1:30"`, "<strong>4:15</strong>")
		got := strings.Join(sheetEntries(t, e, uid), ", ")
		want := fmt.Sprintf("%d 03-02 13:00–03-02 15:00, %d 03-02 15:00–03-02 15:45, %d 03-03 09:00–03-03 10:30", s.internal, s.billable, s.billable)
		if got != want {
			t.Fatalf("entries\n got %s\nwant %s", got, want)
		}
		// A new entry is like any other: billable from its project, and
		// with the notes and rate of any entry of it.
		es, _ := e.db.FindEntries(context.Background(), uid, domain.EntryFilter{ProjectID: s.billable})
		for _, x := range es {
			if !x.Billable {
				t.Errorf("entry %d of a billable project is not billable", x.ID)
			}
		}
		// Saving again unchanged changes nothing.
		r = b.post("/timesheet", sheetForm(t, b.get("/timesheet?week=2026-W10"), nil))
		if r.status != http.StatusSeeOther {
			t.Fatalf("status %d", r.status)
		}
		b.follow(r).mustContain(t, "Nothing changed on the timesheet.")
		if again := strings.Join(sheetEntries(t, e, uid), ", "); again != want {
			t.Fatalf("an unchanged submit changed entries: %s", again)
		}
	})
}

// With OVERLAPS=refuse, a moved end that would run into the next entry is
// refused before anything is saved; with the default (warn) it is saved
// and the page says it overlaps.
func TestTimesheetOverlaps(t *testing.T) {
	for _, refuse := range []bool{true, false} {
		t.Run(fmt.Sprint("refuse=", refuse), func(t *testing.T) {
			e := newEnv(t, envOptions{refuseOverlaps: refuse, now: func() time.Time { return time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) }})
			b := e.signUp("Ada", "ada@example.com")
			uid := e.userID("ada@example.com")
			s := e.seed(b, uid) // Monday: Design 9:00–11:00, Internal 13:00–14:30
			p := b.get("/timesheet?week=2026-W10")
			before := sheetEntries(t, e, uid)
			r := b.post("/timesheet", sheetForm(t, p, map[string]string{
				cellName(s.billable, s.task, 0): "5", // 9:00–14:00, into Internal's 13:00
				cellName(s.internal, 0, 1):      "1", // fine on its own
			}))
			if refuse {
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d", r.status)
				}
				r.mustContain(t, "Website (Acme Corp) › Design, Monday 2026-03-02: the entry would overlap another of your entries")
				if after := sheetEntries(t, e, uid); strings.Join(after, ",") != strings.Join(before, ",") {
					t.Fatalf("entries changed: %v", after)
				}
				return
			}
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d: %s", r.status, excerpt(r.body))
			}
			b.follow(r).mustContain(t, "Timesheet saved, but an entry overlaps another of your entries")
		})
	}
}

// The week and its days are the user's: in Europe/Berlin the week of the
// change to summer time (Sunday 29 March 2026) has a day of 23 hours, and
// a new entry starts at 09:00 Berlin time whatever the offset.
func TestTimesheetInUsersZone(t *testing.T) {
	e := newEnv(t, envOptions{now: func() time.Time { return time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC) }}) // Monday 00:30 in Berlin
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	s := e.seed(b, uid)
	ctx := context.Background()
	tz := "Europe/Berlin"
	_, err := e.db.UpdateUser(ctx, uid, domain.UserUpdate{TimeZone: &tz})
	must(t, err)
	// Saturday 23:30 UTC is Sunday 00:30 CET in Berlin.
	st := time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC)
	en := st.Add(time.Hour)
	must(t, e.db.CreateEntry(ctx, &domain.Entry{UserID: uid, ProjectID: s.internal, Start: st, End: &en}))

	// This week in Berlin is already the next one.
	b.get("/timesheet").mustContain(t, "Week 2026-W14")
	p := b.get("/timesheet?week=2026-W13")
	p.mustContain(t, `aria-label="Internal, Sunday 2026-03-29"`, "Times are in Europe/Berlin.")
	r := b.post("/timesheet", sheetForm(t, p, map[string]string{
		cellName(s.internal, 0, 6): "2:00", // Sunday's one entry grows to 2 hours
		cellName(s.internal, 0, 5): "1",    // Saturday: new, 09:00 CET
	}))
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d: %s", r.status, excerpt(r.body))
	}
	es, _ := e.db.FindEntries(ctx, uid, domain.EntryFilter{ProjectID: s.internal, From: time.Date(2026, 3, 23, 0, 0, 0, 0, time.UTC)})
	var got []string
	for _, x := range es {
		got = append(got, x.Start.UTC().Format(time.RFC3339)+"/"+x.End.Sub(x.Start).String())
	}
	sort.Strings(got)
	want := "2026-03-28T08:00:00Z/1h0m0s 2026-03-28T23:30:00Z/2h0m0s"
	if strings.Join(got, " ") != want {
		t.Fatalf("entries %v, want %s", got, want)
	}
	b.get("/timesheet?week=2026-W13").mustContain(t, `name="cell-`+fmt.Sprint(s.internal)+`-0-6" value="2:00"`)
}

var sheetInputRE = regexp.MustCompile(`<input (?:class="cell" )?type="(?:text|hidden)"[^>]*?name="((?:cell|was|week|row)[^"]*)" value="([^"]*)"`)

// The running timer's cell is read-only, and a changed value for it is
// refused without saving anything else.
func TestTimesheetRunningTimer(t *testing.T) {
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC) // Tuesday
	e := newEnv(t, envOptions{now: func() time.Time { return now }})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	s := e.seed(b, uid)
	ctx := context.Background()
	must(t, e.db.StartTimer(ctx, &domain.Entry{UserID: uid, ProjectID: s.internal, Start: now.Add(-time.Hour)}))
	p := b.get("/timesheet")
	p.mustContain(t, fmt.Sprintf(`name="%s" value="" aria-label="Internal, Tuesday 2026-03-03" readonly aria-describedby="running-hint"`, cellName(s.internal, 0, 1)))
	before := sheetEntries(t, e, uid)
	r := b.post("/timesheet", sheetForm(t, p, map[string]string{
		cellName(s.internal, 0, 1): "3",
		cellName(s.internal, 0, 2): "1",
	}))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.status)
	}
	r.mustContain(t, "Internal, Tuesday 2026-03-03: the running timer is in this cell; stop it first")
	if after := sheetEntries(t, e, uid); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Fatalf("entries changed: %v", after)
	}
}
