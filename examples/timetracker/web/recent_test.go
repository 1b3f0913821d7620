package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// The timer form starts on the project of the latest entry, and its notes
// suggest that project's latest distinct notes (ten at most), each
// project's in a list of its own; nobody sees another user's notes.
func TestTimerFormRemembersRecentWork(t *testing.T) {
	e := newEnv(t, envOptions{now: func() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) }})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	s := e.seed(b, uid) // Monday 2 March: Website 9–11 "Homepage layout", Internal 13–14:30 "Team meeting" (the latest)
	ctx := context.Background()

	p := b.get("/")
	p.mustContain(t, fmt.Sprintf(`<option value="%d" selected>Internal</option>`, s.internal),
		fmt.Sprintf(`list="notes-for-%d"`, s.internal),
		fmt.Sprintf(`<datalist id="notes-for-%d"><option value="Team meeting"></option></datalist>`, s.internal),
		fmt.Sprintf(`<datalist id="notes-for-%d"><option value="Homepage layout"></option></datalist>`, s.billable))

	// Twelve more Website entries, later, with repeated notes: the list
	// keeps ten distinct ones, latest first, and Website is now the last
	// project.
	for i := range 12 {
		st := time.Date(2026, 3, 3, 8+i, 0, 0, 0, time.UTC)
		en := st.Add(30 * time.Minute)
		notes := fmt.Sprintf("Task %d", i%11) // "Task 0" twice
		if i == 5 {
			notes = "line one\nline two" // not a one-line suggestion
		}
		must(t, e.db.CreateEntry(ctx, &domain.Entry{UserID: uid, ProjectID: s.billable, Start: st, End: &en, Notes: notes}))
	}
	p = b.get("/")
	p.mustContain(t, fmt.Sprintf(`<option value="%d" selected>Website (Acme Corp)</option>`, s.billable),
		fmt.Sprintf(`list="notes-for-%d"`, s.billable))
	i := strings.Index(p.body, fmt.Sprintf(`<datalist id="notes-for-%d">`, s.billable))
	j := strings.Index(p.body[i:], "</datalist>")
	list := p.body[i : i+j]
	want := `<option value="Task 0"></option><option value="Task 10"></option><option value="Task 9"></option><option value="Task 8"></option><option value="Task 7"></option><option value="Task 6"></option><option value="Task 4"></option><option value="Task 3"></option><option value="Task 2"></option><option value="Task 1"></option>`
	if !strings.HasSuffix(list, want) {
		t.Errorf("Website's suggestions:\n%s\nwant\n%s", list, want)
	}
	if strings.Contains(p.body, "line one") {
		t.Error("a note of several lines is suggested")
	}

	// A form sent back with an error keeps the project that was chosen.
	p = b.post("/timer/start", url.Values{"project_id": {""}, "notes": {"x"}})
	p.mustContain(t, "Choose a project.")
	if strings.Contains(p.body, " selected>Website") {
		t.Error("the refused form was switched to the last project")
	}

	// Another user sees none of it.
	o := e.signUp("Bob", "bob@example.com")
	op := &domain.Project{UserID: e.userID("bob@example.com"), Name: "Bob's"}
	must(t, e.db.CreateProject(ctx, op))
	p = o.get("/")
	for _, leak := range []string{"Team meeting", "Homepage layout", "Task 0", "notes-for-"} {
		if strings.Contains(p.body, leak) {
			t.Errorf("another user's dashboard shows %q", leak)
		}
	}
	if strings.Contains(p.body, " selected>Bob") {
		t.Error("a user without entries gets a project preselected")
	}
}
