package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// Tags on the pages: the entry form, the timer form and the edit page
// take comma-separated tags with the user's tags suggested; the list shows
// them; a bad tag is shown on the field; continue copies them.
func TestTagsOnPages(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	s := e.seed(b, uid)
	ctx := context.Background()

	b.get("/entries")
	p := b.post("/entries?from=2026-03-01&to=2026-03-31", url.Values{"project_id": {fmt.Sprint(s.billable)}, "date": {"2026-03-03"},
		"start": {"09:00"}, "end": {"10:00"}, "notes": {"tagged"}, "tags": {" urgent, Call ,, urgent "}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("add entry with tags: %d %s", p.status, excerpt(p.body))
	}
	es, err := e.db.FindEntries(ctx, uid, domain.EntryFilter{From: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)})
	must(t, err)
	if len(es) != 1 || !slices.Equal(es[0].Tags, []string{"Call", "urgent"}) {
		t.Fatalf("stored %+v", es)
	}
	list := b.get("/entries?from=2026-03-01&to=2026-03-31")
	for _, want := range []string{`<span class="badge badge-tag">Call</span>`, `<span class="badge badge-tag">urgent</span>`,
		`<datalist id="entry-tags-options"><option value="Call"></option><option value="urgent"></option></datalist>`, `for="entry-tags"`} {
		if !strings.Contains(list.body, want) {
			t.Errorf("entries page lacks %q", want)
		}
	}

	// Bad tags: 422 with the message on the field, nothing stored.
	b.get("/entries")
	p = b.post("/entries", url.Values{"project_id": {fmt.Sprint(s.billable)}, "date": {"2026-03-04"},
		"start": {"09:00"}, "end": {"10:00"}, "tags": {strings.Repeat("x", domain.MaxTagLen+1)}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="entry-tags-error"`) || !strings.Contains(p.body, `aria-describedby="entry-tags-hint entry-tags-error" aria-invalid="true"`) {
		t.Errorf("too long a tag: %d %s", p.status, excerpt(p.body))
	}

	// The edit page shows them and replaces the set.
	id := es[0].ID
	edit := b.get(fmt.Sprintf("/entries/%d/edit", id))
	if !strings.Contains(edit.body, `value="Call, urgent"`) {
		t.Errorf("edit page lacks the tags: %s", excerpt(edit.body))
	}
	p = b.post(fmt.Sprintf("/entries/%d", id), url.Values{"project_id": {fmt.Sprint(s.billable)}, "date": {"2026-03-03"},
		"start": {"09:00"}, "end": {"10:00"}, "notes": {"tagged"}, "tags": {"review"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", p.status, excerpt(p.body))
	}
	got, err := e.db.FindEntry(ctx, uid, id)
	must(t, err)
	if !slices.Equal(got.Tags, []string{"review"}) {
		t.Fatalf("after edit tags %q", got.Tags)
	}

	// Continue copies the tags; the timer card shows them.
	b.get("/entries")
	p = b.post(fmt.Sprintf("/entries/%d/continue", id), nil)
	if p.status != http.StatusSeeOther {
		t.Fatalf("continue: %d", p.status)
	}
	run, err := e.db.RunningTimer(ctx, uid)
	must(t, err)
	if run == nil || !slices.Equal(run.Tags, []string{"review"}) {
		t.Fatalf("continued timer %+v", run)
	}
	if d := b.get("/"); !strings.Contains(d.body, `<p class="timer-tags">`) || !strings.Contains(d.body, `badge-tag">review<`) {
		t.Errorf("dashboard does not show the timer's tags")
	}
	b.post("/timer/stop", nil)

	// The timer form takes tags.
	d := b.get("/")
	if !strings.Contains(d.body, `id="timer-tags"`) || !strings.Contains(d.body, `<datalist id="timer-tags-options">`) {
		t.Errorf("timer form lacks the tags field")
	}
	p = b.post("/timer/start", url.Values{"project_id": {fmt.Sprint(s.internal)}, "tags": {"Review, new one"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("start timer: %d %s", p.status, excerpt(p.body))
	}
	run, err = e.db.RunningTimer(ctx, uid)
	must(t, err)
	if run == nil || !slices.Equal(run.Tags, []string{"new one", "review"}) {
		t.Fatalf("timer tags %+v", run)
	}
	b.post("/timer/stop", nil)
	p = b.post("/timer/start", url.Values{"project_id": {fmt.Sprint(s.internal)}, "tags": {"a\tb"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="timer-tags-error"`) {
		t.Errorf("timer with a bad tag: %d", p.status)
	}
}

var rowRE = regexp.MustCompile(`<tr(?: class="task-row")?><th scope="row">(?:<span class="visually-hidden">Task: </span>)?([^<]*)</th><td class="num">([^<]*)</td>`)

// reportRows reads the report table as "label=total" pairs.
func reportRows(body string) string {
	var out []string
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1])+"="+m[2])
	}
	return strings.Join(out, " ")
}

// The report page's filters, groupings and ranges, and the CSV link that
// carries the filters.
func TestReportFiltersPage(t *testing.T) {
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) // a Wednesday
	e := newEnv(t, envOptions{now: func() time.Time { return now }})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	s := e.seed(b, uid) // Website/Design 9-11 billable, Internal 13-14:30, on Mon 2 March
	ctx := context.Background()
	e1, err := e.db.FindEntry(ctx, uid, s.entry1)
	must(t, err)
	e1.Tags = []string{"urgent", "call"}
	must(t, e.db.UpdateEntry(ctx, e1))
	e2, err := e.db.FindEntry(ctx, uid, s.entry2)
	must(t, err)
	e2.Tags = []string{"call"}
	must(t, e.db.UpdateEntry(ctx, e2))
	extra := &domain.Entry{UserID: uid, ProjectID: s.billable, Start: time.Date(2026, 2, 27, 9, 0, 0, 0, time.UTC),
		End: ptr(time.Date(2026, 2, 27, 10, 0, 0, 0, time.UTC)), Billable: true}
	must(t, e.db.CreateEntry(ctx, extra))
	tags, err := e.db.FindTags(ctx, uid)
	must(t, err)
	tagID := map[string]int64{}
	for _, tg := range tags {
		tagID[tg.Name] = tg.ID
	}

	rng := "from=2026-02-23&to=2026-03-08"
	for q, want := range map[string]string{
		"group_by=project":               "Internal=1:30 No task=1:30 Website=3:00 Design=2:00 No task=1:00 Total=4:30",
		"group_by=tag":                   "call=3:30 urgent=2:00 No tag=1:00 Total=4:30",
		"group_by=week":                  "Week 9, from Mon 2026-02-23=1:00 Week 10, from Mon 2026-03-02=3:30 Total=4:30",
		"group_by=month":                 "February 2026=1:00 March 2026=3:30 Total=4:30",
		"group_by=task":                  "Website / Design=2:00 No task=2:30 Total=4:30",
		"group_by=client&billable=false": "No client=1:30 Total=1:30",
		fmt.Sprintf("group_by=project&tag_id=%d", tagID["urgent"]):            "Website=2:00 Design=2:00 Total=2:00",
		fmt.Sprintf("group_by=day&client_id=%d&task_id=%d", s.client, s.task): "",
	} {
		p := b.get("/reports?" + rng + "&" + q)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", q, p.status)
		}
		if got := reportRows(p.body); want != "" && got != want {
			t.Errorf("%s:\n got %s\nwant %s", q, got, want)
		}
		if strings.Contains(q, "group_by=tag") != strings.Contains(p.body, `id="tag-overlap-note"`) {
			t.Errorf("%s: the note on entries under several tags is wrong", q)
		}
	}
	// Day rows in a filtered report: 2 March only.
	p := b.get(fmt.Sprintf("/reports?%s&group_by=day&client_id=%d&task_id=%d", rng, s.client, s.task))
	if !strings.Contains(p.body, `data-label="Mon 2026-03-02" data-seconds="7200"`) || !strings.Contains(p.body, `data-label="Fri 2026-02-27" data-seconds="0"`) {
		t.Errorf("filtered day report: %s", excerpt(p.body))
	}

	// The filters stay selected and go into every link: the presets,
	// previous/next and the CSV.
	q := fmt.Sprintf("from=2026-03-02&to=2026-03-08&group_by=tag&billable=true&tag_id=%d&project_id=%d", tagID["call"], s.billable)
	p = b.get("/reports?" + q)
	link := func(from, to string) string {
		v := url.Values{"from": {from}, "to": {to}, "group_by": {"tag"}, "billable": {"true"},
			"tag_id": {fmt.Sprint(tagID["call"])}, "project_id": {fmt.Sprint(s.billable)}}
		return `href="/reports?` + strings.ReplaceAll(v.Encode(), "&", "&amp;") + `"`
	}
	for _, want := range []string{
		fmt.Sprintf(`<option value="%d" selected>call</option>`, tagID["call"]),
		`<option value="true" selected>Billable only</option>`,
		`<option value="tag" selected>Tag</option>`,
		link("2026-02-23", "2026-03-01") + ` id="range-prev"`,
		link("2026-03-09", "2026-03-15") + ` id="range-next"`,
		link("2026-03-04", "2026-03-04") + `>Today`,
		link("2026-03-02", "2026-03-08") + `>This week`,
		link("2026-02-23", "2026-03-01") + `>Last week`,
		link("2026-03-01", "2026-03-31") + `>This month`,
		link("2026-02-01", "2026-02-28") + `>Last month`,
		link("2026-01-01", "2026-12-31") + `>This year`,
		fmt.Sprintf(`href="/reports/entries.csv?billable=true&amp;from=2026-03-02&amp;project_id=%d&amp;tag_id=%d&amp;to=2026-03-08"`, s.billable, tagID["call"]),
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("report page lacks %s", want)
		}
	}
	// Entries tagged "call", grouped by all their tags.
	if got := reportRows(p.body); got != "call=2:00 urgent=2:00 Total=2:00" {
		t.Errorf("filtered by tag: %s", got)
	}
	// A whole month moves by a month, whatever its length.
	p = b.get("/reports?from=2026-02-01&to=2026-02-28")
	if !strings.Contains(p.body, `from=2026-01-01&amp;group_by=project&amp;to=2026-01-31" id="range-prev"`) ||
		!strings.Contains(p.body, `from=2026-03-01&amp;group_by=project&amp;to=2026-03-31" id="range-next"`) {
		t.Errorf("month navigation: %s", excerpt(p.body))
	}

	// The CSV link's filters apply.
	c := b.get(fmt.Sprintf("/reports/entries.csv?from=2026-02-23&to=2026-03-08&tag_id=%d", tagID["call"]))
	rows, err := csv.NewReader(strings.NewReader(c.body)).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][len(rows[0])-1] != "tags" || rows[1][len(rows[1])-1] != "call, urgent" {
		t.Errorf("filtered CSV %q %v", rows, err)
	}
	if c := b.get("/reports/entries.csv?tag_id=nope"); c.status != http.StatusBadRequest {
		t.Errorf("CSV with a bad tag_id: %d", c.status)
	}

	// The entries list filters the same way, and keeps the filters when
	// an entry is added.
	l := b.get(fmt.Sprintf("/entries?%s&tag_id=%d&billable=false", rng, tagID["call"]))
	if !strings.Contains(l.body, "Team meeting") || strings.Contains(l.body, "Homepage layout") {
		t.Errorf("filtered entries list: %s", excerpt(l.body))
	}
	if !strings.Contains(l.body, fmt.Sprintf(`action="/entries?billable=false&amp;from=2026-02-23&amp;tag_id=%d&amp;to=2026-03-08"`, tagID["call"])) {
		t.Errorf("the add form does not keep the filters: %s", excerpt(l.body))
	}
	for _, bad := range []string{"tag_id=abc", "billable=perhaps", "task_id=999999"} {
		l := b.get("/entries?" + bad)
		param, _, _ := strings.Cut(bad, "=")
		if l.status != http.StatusBadRequest || !strings.Contains(l.body, `id="filter-`) || !strings.Contains(l.body, "field-error") {
			t.Errorf("entries?%s: %d (want 400 with the error on %s)", bad, l.status, param)
		}
	}
}

// The tags page lists, renames and deletes; a clash or a bad name is
// shown on the row; another user's tag is not found.
func TestTagsPage(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	s := e.seed(b, uid)
	ctx := context.Background()
	e1, err := e.db.FindEntry(ctx, uid, s.entry1)
	must(t, err)
	e1.Tags = []string{"urgent", "call"}
	must(t, e.db.UpdateEntry(ctx, e1))
	if p := b.get("/tags"); !strings.Contains(p.body, `value="call"`) || !strings.Contains(p.body, "1 entry") {
		t.Fatalf("tags page: %s", excerpt(p.body))
	}
	ts, err := e.db.FindTags(ctx, uid)
	must(t, err)
	call, urgent := ts[0], ts[1]
	p := b.post(fmt.Sprintf("/tags/%d", call.ID), url.Values{"name": {"URGENT"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, fmt.Sprintf(`id="tag-%d-error"`, call.ID)) {
		t.Errorf("rename onto another tag: %d", p.status)
	}
	p = b.post(fmt.Sprintf("/tags/%d", call.ID), url.Values{"name": {"a,b"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "comma") {
		t.Errorf("rename with a comma: %d", p.status)
	}
	if p := b.post(fmt.Sprintf("/tags/%d", call.ID), url.Values{"name": {"Client call"}}); p.status != http.StatusSeeOther {
		t.Fatalf("rename: %d %s", p.status, excerpt(p.body))
	}
	got, err := e.db.FindEntry(ctx, uid, s.entry1)
	must(t, err)
	if !slices.Equal(got.Tags, []string{"Client call", "urgent"}) {
		t.Errorf("entry tags after rename %q", got.Tags)
	}
	if p := b.post(fmt.Sprintf("/tags/%d/delete", urgent.ID), nil); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", p.status)
	}
	got, err = e.db.FindEntry(ctx, uid, s.entry1)
	must(t, err)
	if !slices.Equal(got.Tags, []string{"Client call"}) {
		t.Errorf("entry tags after delete %q", got.Tags)
	}
	other := e.signUp("Bob", "bob@example.com")
	other.get("/tags")
	if p := other.post(fmt.Sprintf("/tags/%d", call.ID), url.Values{"name": {"mine"}}); p.status != http.StatusNotFound {
		t.Errorf("another user's rename: %d", p.status)
	}
	if p := other.post(fmt.Sprintf("/tags/%d/delete", call.ID), nil); p.status != http.StatusNotFound {
		t.Errorf("another user's delete: %d", p.status)
	}
}
