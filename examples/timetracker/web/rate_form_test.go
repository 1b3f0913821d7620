package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The project and client forms set hourly rates; a bad one is shown
// beside its field, naming it, and nothing of the form is stored.
func TestRateFields(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	ctx := context.Background()

	// Clients.
	p := b.get("/clients")
	p.mustContain(t, `<label for="client-rate">Hourly rate, EUR`)
	for _, bad := range []string{"abc", "1.234", "-3", "99999999"} {
		r := b.post("/clients", url.Values{"name": {"Acme"}, "hourly_rate": {bad}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("client rate %q: status %d", bad, r.status)
		}
		r.mustContain(t, `id="client-rate-error"`, "Hourly rate: enter an amount like 85", `value="`+bad+`"`, `value="Acme"`)
		checkPage(t, "/clients", r)
	}
	if cs, _ := e.db.FindClients(ctx, uid); len(cs) != 0 {
		t.Fatalf("a refused form stored a client: %+v", cs)
	}
	if r := b.post("/clients", url.Values{"name": {"Acme"}, "hourly_rate": {" 60 "}}); r.status != http.StatusSeeOther {
		t.Fatalf("status %d: %s", r.status, excerpt(r.body))
	}
	cs, _ := e.db.FindClients(ctx, uid)
	if len(cs) != 1 || cs[0].HourlyRate == nil || *cs[0].HourlyRate != 6000 {
		t.Fatalf("client %+v", cs)
	}
	cid := cs[0].ID
	b.get("/clients").mustContain(t, fmt.Sprintf(`id="client-%d-rate"`, cid), `value="60.00"`,
		fmt.Sprintf(`<label for="client-%d-rate" class="visually-hidden">Hourly rate of client Acme, EUR</label>`, cid))
	r := b.post(fmt.Sprintf("/clients/%d", cid), url.Values{"name": {"Acme Renamed"}, "hourly_rate": {"7.5.1"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.status)
	}
	r.mustContain(t, fmt.Sprintf(`id="client-%d-rate-error"`, cid), "Hourly rate: enter an amount", `value="7.5.1"`, `value="Acme Renamed"`)
	if c, _ := e.db.FindClient(ctx, uid, cid); c.Name != "Acme" || *c.HourlyRate != 6000 {
		t.Fatalf("a refused edit changed the client: %+v", c)
	}
	if r := b.post(fmt.Sprintf("/clients/%d", cid), url.Values{"name": {"Acme"}, "hourly_rate": {"70"}}); r.status != http.StatusSeeOther {
		t.Fatalf("status %d", r.status)
	}
	if r := b.post(fmt.Sprintf("/clients/%d", cid), url.Values{"name": {"Acme Co"}}); r.status != http.StatusSeeOther {
		t.Fatalf("status %d", r.status)
	}
	if c, _ := e.db.FindClient(ctx, uid, cid); c.Name != "Acme Co" || c.HourlyRate == nil || *c.HourlyRate != 7000 {
		t.Fatalf("client after edits: %+v", c)
	}

	// Projects.
	b.get("/projects").mustContain(t, `<label for="project-rate">Hourly rate, EUR`)
	r = b.post("/projects", url.Values{"name": {"Website"}, "billable": {"on"}, "hourly_rate": {"twelve"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.status)
	}
	r.mustContain(t, `id="project-rate-error"`, "Hourly rate: enter an amount", `value="twelve"`, `aria-describedby="project-rate-hint project-rate-error"`)
	if ps, _ := e.db.FindProjects(ctx, uid, true); len(ps) != 0 {
		t.Fatalf("a refused form stored a project: %+v", ps)
	}
	r = b.post("/projects", url.Values{"name": {"Website"}, "billable": {"on"}, "hourly_rate": {"120,5"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d: %s", r.status, excerpt(r.body))
	}
	ps, _ := e.db.FindProjects(ctx, uid, true)
	if len(ps) != 1 || ps[0].HourlyRate == nil || *ps[0].HourlyRate != 12050 {
		t.Fatalf("project %+v", ps)
	}
	pid := ps[0].ID
	path := fmt.Sprintf("/projects/%d", pid)
	b.get(path).mustContain(t, `value="120.50"`)
	r = b.post(path, url.Values{"name": {"Website 2"}, "billable": {"on"}, "hourly_rate": {"1e3"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="project-rate-error"`) {
		t.Fatalf("status %d", r.status)
	}
	if p, _ := e.db.FindProject(ctx, uid, pid); p.Name != "Website" || *p.HourlyRate != 12050 {
		t.Fatalf("a refused edit changed the project: %+v", p)
	}
	// Without the field the rate stays; emptied, it is cleared.
	if r := b.post(path, url.Values{"name": {"Website"}, "billable": {"on"}}); r.status != http.StatusSeeOther {
		t.Fatalf("status %d", r.status)
	}
	if p, _ := e.db.FindProject(ctx, uid, pid); p.HourlyRate == nil {
		t.Fatal("an edit without the rate field cleared the rate")
	}
	if r := b.post(path, url.Values{"name": {"Website"}, "billable": {"on"}, "hourly_rate": {""}}); r.status != http.StatusSeeOther {
		t.Fatalf("status %d", r.status)
	}
	if p, _ := e.db.FindProject(ctx, uid, pid); p.HourlyRate != nil {
		t.Fatalf("an emptied rate is kept: %v", *p.HourlyRate)
	}
}
