package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
)

// Actions done through the pages send the same declared events as the
// API, marked source=web, with declared properties only and nothing the
// user typed.
//
// claim: A1, A2
func TestWebActionsSendDeclaredEvents(t *testing.T) {
	e := newEnv(t, envOptions{analytics: true})
	b := e.signUp("Ada Lovelace", "ada@example.com")
	b.post("/clients", url.Values{"name": {"Secret Client Ltd"}})
	p := b.post("/projects", url.Values{"name": {"Secret Project"}, "client_id": {"1"}, "billable": {"on"}})
	pid := strings.TrimPrefix(p.location(), "/projects/")
	b.get("/")
	b.post("/timer/start", url.Values{"project_id": {pid}, "notes": {"confidential note"}})
	b.post("/timer/stop", nil)
	b.post("/entries", url.Values{"project_id": {pid}, "date": {"2026-03-02"}, "start": {"09:00"}, "end": {"10:00"}, "notes": {"another confidential note"}})
	b.get("/reports?group_by=client")
	b.get("/reports/entries.csv")
	b.get("/settings/export")
	sheet := b.get("/timesheet?week=2026-W10&row=" + pid + "-0")
	b.post("/timesheet", sheetForm(t, sheet, map[string]string{"cell-" + pid + "-0-1": "1:30"}))

	for _, ev := range []string{app.EventSignedUp, app.EventClientCreated, app.EventProjectCreated, app.EventTimerStarted,
		app.EventTimerStopped, app.EventEntryCreated, app.EventReportViewed, app.EventCSVExported, app.EventDataExported,
		app.EventTimesheetSaved} {
		got := e.posthog.waitFor(t, ev, 1)
		props, _ := got[0]["properties"].(map[string]any)
		if ev != app.EventSignedUp && props["source"] != "web" {
			t.Errorf("%s: source %v, want web", ev, props["source"])
		}
		for k := range props {
			if _, declared := app.Schema[ev][k]; !declared && !strings.HasPrefix(k, "$") && k != "session" {
				t.Errorf("%s carries undeclared property %q", ev, k)
			}
		}
	}
	all := fmt.Sprint(e.posthog.all())
	for _, secret := range []string{"Secret Client", "Secret Project", "confidential", "ada@example.com", "Lovelace"} {
		if strings.Contains(all, secret) {
			t.Errorf("PostHog received %q", secret)
		}
	}
	if rv := e.posthog.waitFor(t, app.EventReportViewed, 1)[0]["properties"].(map[string]any); rv["group_by"] != "client" {
		t.Errorf("report.viewed group_by = %v", rv["group_by"])
	}
	if ts := e.posthog.waitFor(t, app.EventTimesheetSaved, 1)[0]["properties"].(map[string]any); ts["created"] == nil || ts["overlaps"] != false {
		t.Errorf("timesheet.saved properties = %v", ts)
	}
}

// After opting out on the privacy page, the user's actions send nothing.
//
// claim: C6, A3
func TestOptOutStopsEvents(t *testing.T) {
	e := newEnv(t, envOptions{analytics: true})
	b := e.signUp("Ada", "ada@example.com")
	b.post("/clients", url.Values{"name": {"Before"}})
	e.posthog.waitFor(t, app.EventClientCreated, 1)
	b.get("/settings/privacy")
	if p := b.post("/settings/privacy", url.Values{"analytics_opt_out": {"on"}}); p.status != http.StatusSeeOther {
		t.Fatalf("opt out: %d", p.status)
	}
	b.get("/")
	b.post("/clients", url.Values{"name": {"After"}})
	b.post("/projects", url.Values{"name": {"After"}})
	// A marker from a second user who did not opt out: once it arrives,
	// anything the first user's actions queued before it has arrived too.
	other := e.signUp("Bob", "bob@example.com")
	other.post("/clients", url.Values{"name": {"Marker"}})
	e.posthog.waitFor(t, app.EventClientCreated, 2)
	got := e.posthog.waitFor(t, app.EventClientCreated, 0)
	if len(got) != 2 {
		t.Errorf("client.created events: %d, want 2 (Ada's first and Bob's)", len(got))
	}
	var ids []string
	for _, ev := range e.posthog.all() {
		ids = append(ids, fmt.Sprint(ev["distinct_id"]))
	}
	if n := len(slices.DeleteFunc(ids, func(s string) bool { return s != "1" })); n != 2 {
		t.Errorf("events for user 1: %d, want 2 (signed up, first client)", n)
	}
}

// Deleting the account from Settings → Privacy (the web path, not the
// API) asks PostHog to delete the person, events and recordings included.
//
// claim: A4, R2
func TestDeleteAccountFromThePagesDeletesThePerson(t *testing.T) {
	e := newEnv(t, envOptions{analytics: true})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	b.get("/settings/delete")
	if p := b.post("/settings/delete", url.Values{"password": {"correct horse battery"}}); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", p.status)
	}
	e.posthog.mu.Lock()
	deletes := append([]string(nil), e.posthog.deletes...)
	e.posthog.mu.Unlock()
	if len(deletes) != 1 || !strings.Contains(deletes[0], "/api/projects/7/persons/bulk_delete/") ||
		!strings.Contains(deletes[0], fmt.Sprintf(`"distinct_ids":["%d"]`, uid)) {
		t.Errorf("person deletion requests = %q, want one for user %d", deletes, uid)
	}
}
