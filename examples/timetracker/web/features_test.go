package web_test

import (
	"html"
	"net/url"
	"regexp"
	"strconv"
	"testing"
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
