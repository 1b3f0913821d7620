package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	discreet "github.com/discreet-dev/discreet"
	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/web"
)

// seed gives a signed-in user a client, two projects (one billable, for
// the client), a task and two finished entries on 2026-03-02, and returns
// the IDs.
type seeded struct {
	client, billable, internal, task, entry1, entry2 int64
}

func (e *env) seed(b *browser, uid int64) seeded {
	e.t.Helper()
	ctx := context.Background()
	c := &domain.Client{UserID: uid, Name: "Acme Corp"}
	must(e.t, e.db.CreateClient(ctx, c))
	p1 := &domain.Project{UserID: uid, Name: "Website", ClientID: &c.ID, Billable: true}
	must(e.t, e.db.CreateProject(ctx, p1))
	p2 := &domain.Project{UserID: uid, Name: "Internal"}
	must(e.t, e.db.CreateProject(ctx, p2))
	tk := &domain.Task{UserID: uid, ProjectID: p1.ID, Name: "Design"}
	must(e.t, e.db.CreateTask(ctx, tk))
	at := func(h, m int) time.Time { return time.Date(2026, 3, 2, h, m, 0, 0, time.UTC) }
	end1, end2 := at(11, 0), at(14, 30)
	e1 := &domain.Entry{UserID: uid, ProjectID: p1.ID, TaskID: &tk.ID, Start: at(9, 0), End: &end1, Notes: "Homepage layout", Billable: true}
	must(e.t, e.db.CreateEntry(ctx, e1))
	e2 := &domain.Entry{UserID: uid, ProjectID: p2.ID, Start: at(13, 0), End: &end2, Notes: "Team meeting"}
	must(e.t, e.db.CreateEntry(ctx, e2))
	return seeded{c.ID, p1.ID, p2.ID, tk.ID, e1.ID, e2.ID}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) userID(email string) int64 {
	e.t.Helper()
	u, err := e.db.FindUserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

var h1RE = regexp.MustCompile(`<h1[\s>]`)

// checkPage is what every HTML page must be.
func checkPage(t *testing.T, path string, p *page) {
	t.Helper()
	if ct := p.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	if !strings.Contains(p.body, `<html lang="en">`) {
		t.Errorf("%s: no <html lang=\"en\">", path)
	}
	if n := len(h1RE.FindAllString(p.body, -1)); n != 1 {
		t.Errorf("%s: %d h1 elements, want 1", path, n)
	}
	if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") || strings.Contains(p.body, " onclick=") {
		t.Errorf("%s: inline script or style, which the CSP blocks", path)
	}
	if cc := p.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", path, cc)
	}
}

func TestEveryPageRenders(t *testing.T) {
	e := newEnv(t, envOptions{version: "1.2.3"})
	b := e.signUp("Ada Lovelace", "ada@example.com")
	s := e.seed(b, e.userID("ada@example.com"))
	tests := []struct {
		path string
		want []string
	}{
		{"/", []string{"Dashboard", "Start timer", "Website (Acme Corp)", "Design", "This week"}},
		{"/entries?from=2026-03-01&to=2026-03-31", []string{"Add an entry", "Homepage layout", "Team meeting", "2:00", "1:30", "3:30", "Download as CSV"}},
		{fmt.Sprintf("/entries?from=2026-03-01&to=2026-03-31&project_id=%d", s.internal), []string{"Team meeting"}},
		{fmt.Sprintf("/entries/%d/edit", s.entry1), []string{"Edit entry", "Homepage layout", `value="09:00"`, `value="11:00"`, `value="2026-03-02"`}},
		{"/clients", []string{"Acme Corp", "1 project"}},
		{"/projects", []string{"Website", "Internal", "Acme Corp", "Archive"}},
		{fmt.Sprintf("/projects/%d", s.billable), []string{"Website", "Design", "Mark done", "Archive project", "2:00 tracked"}},
		{"/reports?from=2026-03-01&to=2026-03-07", []string{"Hours by project", `role="img"`, "<title id=\"chart-title\">", "<desc id=\"chart-desc\">", "Website", "Internal", "3:30", "Download CSV"}},
		{"/reports?from=2026-03-01&to=2026-03-07&group_by=client", []string{"Hours by client", "Acme Corp", "No client"}},
		{"/reports?from=2026-03-01&to=2026-03-07&group_by=day", []string{"Hours by day", "Mon 2 Mar", "Sun 1 Mar"}},
		{"/settings/profile", []string{"Ada Lovelace", "ada@example.com", "Current password"}},
		{"/settings/tokens", []string{"API tokens", "Create token"}},
		{"/settings/privacy", []string{"Product analytics", "What is never sent", `href="/privacy"`, "Download my data", "Delete my account"}},
		{"/settings/delete", []string{"Delete your account", "ada@example.com", "Enter your password to confirm"}},
		{"/admin", []string{"Optional services", "Install telemetry", "Traces (OpenTelemetry)", "Set by OTEL_EXPORTER_OTLP_ENDPOINT", "&#34;fingerprint&#34;", "Send a test error"}},
		{"/privacy", []string{"Privacy policy", `id="how-the-promises-are-tested"`, "<table>"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := b.get(tt.path)
			if p.status != http.StatusOK {
				t.Fatalf("status %d: %s", p.status, excerpt(p.body))
			}
			checkPage(t, tt.path, p)
			p.mustContain(t, tt.want...)
		})
	}
}

func TestPublicPages(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.browser()
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/signin", 200, "Sign in"},
		{"/signup", 200, "Create your account"},
		{"/privacy", 200, "Privacy policy"},
		{"/no/such/page", 404, "Page not found"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := b.get(tt.path)
			if p.status != tt.status {
				t.Fatalf("status %d, want %d", p.status, tt.status)
			}
			checkPage(t, tt.path, p)
			p.mustContain(t, tt.want)
		})
	}
	t.Run("static", func(t *testing.T) {
		for _, f := range []struct{ path, ct string }{{"/static/app.css", "text/css"}, {"/static/app.js", "text/javascript"}, {"/static/icon.svg", "image/svg+xml"}} {
			p := b.get(f.path)
			if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), f.ct) {
				t.Errorf("%s: %d %q", f.path, p.status, p.header.Get("Content-Type"))
			}
		}
		if p := b.get("/static/nope.css"); p.status != 404 {
			t.Errorf("missing asset: %d", p.status)
		}
	})
}

// The privacy page shows PRIVACY.md itself: every promise ID is on it.
func TestPrivacyPageShowsThePolicy(t *testing.T) {
	e := newEnv(t, envOptions{})
	p := e.browser().get("/privacy")
	ids := regexp.MustCompile(`\*\*([CLMSATRD][0-9])\*\*`).FindAllStringSubmatch(discreet.PrivacyPolicy, -1)
	if len(ids) < 30 {
		t.Fatalf("only %d promise IDs found in PRIVACY.md", len(ids))
	}
	for _, m := range ids {
		if !strings.Contains(p.body, "<strong>"+m[1]+"</strong>") {
			t.Errorf("the privacy page lacks promise %s", m[1])
		}
	}
}

func TestSignedOutVisitorsAreSentToSignIn(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.browser()
	for _, path := range []string{"/", "/entries", "/entries/1/edit", "/clients", "/tags", "/projects", "/projects/1", "/reports", "/reports/entries.csv", "/settings/profile", "/settings/tokens", "/settings/privacy", "/settings/export", "/settings/delete", "/admin"} {
		t.Run(path, func(t *testing.T) {
			p := b.get(path)
			want := "/signin?next=" + url.QueryEscape(path)
			if path == "/" {
				want = "/signin"
			}
			if p.status != http.StatusSeeOther || p.location() != want {
				t.Errorf("status %d to %q, want 303 to %q", p.status, p.location(), want)
			}
		})
	}
	t.Run("POST", func(t *testing.T) {
		p := b.postRaw("/clients", url.Values{"name": {"x"}})
		if p.status != http.StatusUnauthorized {
			t.Errorf("anonymous POST: %d, want 401", p.status)
		}
		checkPage(t, "POST /clients", p)
	})
}

func TestSignInAndOut(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.signUp("Ada", "ada@example.com")
	tests := []struct {
		name, email, password, next string
		status                      int
		location, want              string
	}{
		{"wrong password", "ada@example.com", "not the password", "", 401, "", "The email or the password is wrong."},
		{"unknown email", "bob@example.com", "whatever123", "", 401, "", "The email or the password is wrong."},
		{"missing fields", "", "", "", 422, "", "Enter your email address."},
		{"success", "ada@example.com", "correct horse battery", "/reports?group_by=day", 303, "/reports?group_by=day", ""},
		{"no open redirect", "ada@example.com", "correct horse battery", "//evil.example/", 303, "/", ""},
		{"no open redirect with backslash", "ada@example.com", "correct horse battery", "/\\evil.example", 303, "/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := e.browser()
			b.get("/signin")
			p := b.post("/signin", url.Values{"email": {tt.email}, "password": {tt.password}, "next": {tt.next}})
			if p.status != tt.status {
				t.Fatalf("status %d, want %d: %s", p.status, tt.status, excerpt(p.body))
			}
			if tt.location != "" && p.location() != tt.location {
				t.Errorf("redirect to %q, want %q", p.location(), tt.location)
			}
			if tt.want != "" {
				p.mustContain(t, tt.want)
				if tt.email != "" {
					p.mustContain(t, `value="`+tt.email+`"`)
				}
				if tt.password != "" && strings.Contains(p.body, tt.password) {
					t.Error("the page shows the typed password")
				}
			}
		})
	}
	t.Run("sign out", func(t *testing.T) {
		b := e.browser()
		b.get("/signin")
		b.follow(b.post("/signin", url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}}))
		p := b.post("/signout", nil)
		if p.status != http.StatusSeeOther || p.location() != "/signin" {
			t.Fatalf("sign out: %d %q", p.status, p.location())
		}
		b.follow(p).mustContain(t, "You are signed out.")
		if p := b.get("/"); p.status != http.StatusSeeOther {
			t.Errorf("after signing out, / answers %d", p.status)
		}
	})
}

// Every state-changing form needs the session's CSRF token: without it,
// or with a wrong one, the answer is 403 and nothing changes.
func TestPostsWithoutCSRFTokenAreRefused(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	s := e.seed(b, uid)
	posts := []struct {
		path string
		form url.Values
	}{
		{"/signout", nil},
		{"/timer/start", url.Values{"project_id": {fmt.Sprint(s.billable)}}},
		{"/timer/stop", nil},
		{"/entries", url.Values{"project_id": {fmt.Sprint(s.billable)}, "date": {"2026-03-03"}, "start": {"09:00"}, "end": {"10:00"}}},
		{fmt.Sprintf("/entries/%d", s.entry1), url.Values{"project_id": {fmt.Sprint(s.billable)}, "date": {"2026-03-03"}, "start": {"09:00"}, "end": {"10:00"}}},
		{fmt.Sprintf("/entries/%d/delete", s.entry1), nil},
		{"/clients", url.Values{"name": {"Evil"}}},
		{fmt.Sprintf("/clients/%d", s.client), url.Values{"name": {"Evil"}}},
		{fmt.Sprintf("/clients/%d/delete", s.client), nil},
		{"/projects", url.Values{"name": {"Evil"}}},
		{fmt.Sprintf("/projects/%d", s.billable), url.Values{"name": {"Evil"}}},
		{fmt.Sprintf("/projects/%d/archive", s.billable), url.Values{"archived": {"true"}}},
		{fmt.Sprintf("/projects/%d/delete", s.billable), nil},
		{fmt.Sprintf("/projects/%d/tasks", s.billable), url.Values{"task_name": {"Evil"}}},
		{fmt.Sprintf("/tasks/%d", s.task), url.Values{"done": {"true"}}},
		{fmt.Sprintf("/tasks/%d/delete", s.task), nil},
		{"/settings/profile", url.Values{"name": {"Evil"}, "email": {"ada@example.com"}}},
		{"/settings/tokens", url.Values{"name": {"evil"}}},
		{"/settings/privacy", url.Values{"analytics_opt_out": {"on"}}},
		{"/settings/delete", url.Values{"password": {"correct horse battery"}}},
		{"/admin/test-error", nil},
	}
	for _, tt := range posts {
		for _, token := range []string{"", "wrong-token"} {
			t.Run(tt.path+"/"+cmpOr(token, "none"), func(t *testing.T) {
				f := url.Values{"csrf_token": {token}}
				for k, v := range tt.form {
					f[k] = v
				}
				if token == "" {
					f.Del("csrf_token")
				}
				p := b.postRaw(tt.path, f)
				if p.status != http.StatusForbidden {
					t.Fatalf("status %d, want 403", p.status)
				}
				p.mustContain(t, "CSRF")
			})
		}
	}
	// Nothing changed.
	ctx := context.Background()
	if cs, _ := e.db.FindClients(ctx, uid); len(cs) != 1 || cs[0].Name != "Acme Corp" {
		t.Errorf("clients changed: %+v", cs)
	}
	if ps, _ := e.db.FindProjects(ctx, uid, true); len(ps) != 2 {
		t.Errorf("projects changed: %+v", ps)
	}
	if es, _ := e.db.FindEntries(ctx, uid, domain.EntryFilter{}); len(es) != 2 {
		t.Errorf("entries changed: %+v", es)
	}
	if u, _ := e.db.FindUserByID(ctx, uid); u.Name != "Ada" || u.AnalyticsOptOut {
		t.Errorf("user changed: %+v", u)
	}
	if p := b.get("/"); p.status != 200 {
		t.Errorf("signed out by a forged sign-out: %d", p.status)
	}
}

// A form with a mistake comes back with the message beside its field and
// the input kept; a good one redirects (POST-redirect-GET) with a flash.
func TestValidationErrorsKeepInput(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	s := e.seed(b, e.userID("ada@example.com"))
	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
		want   []string // the message, the kept input, its marking
	}{
		{"client without name", "/clients", url.Values{"name": {"   "}}, 422,
			[]string{`id="client-name-error"`, "Enter a name for the client.", `aria-invalid="true"`}},
		{"project without name", "/projects", url.Values{"name": {""}, "client_id": {fmt.Sprint(s.client)}}, 422,
			[]string{"Enter a name for the project.", fmt.Sprintf(`<option value="%d" selected>Acme Corp</option>`, s.client)}},
		{"project with someone else's client", "/projects", url.Values{"name": {"Mine"}, "client_id": {"99999"}}, 422,
			[]string{"Choose one of your clients, or none.", `value="Mine"`}},
		{"entry without project", "/entries", url.Values{"date": {"2026-03-05"}, "start": {"09:00"}, "end": {"10:15"}, "notes": {"Kept notes"}}, 422,
			[]string{`id="entry-project-error"`, "Choose a project.", `value="Kept notes"`, `value="2026-03-05"`, `value="10:15"`}},
		{"entry with bad times", "/entries", url.Values{"project_id": {fmt.Sprint(s.billable)}, "date": {"2026-03-05"}, "start": {"nine"}, "end": {"10:00"}}, 422,
			[]string{"Enter the start time, like 09:00.", `value="nine"`, fmt.Sprintf(`<option value="%d" selected>`, s.billable)}},
		{"entry with a task of another project", "/entries", url.Values{"project_id": {fmt.Sprint(s.internal)}, "task_id": {fmt.Sprint(s.task)}, "date": {"2026-03-05"}, "start": {"09:00"}, "end": {"10:00"}}, 422,
			[]string{"This task belongs to another project."}},
		{"timer without project", "/timer/start", url.Values{"notes": {"Writing"}}, 422,
			[]string{"Choose a project.", `value="Writing"`}},
		{"task without name", fmt.Sprintf("/projects/%d/tasks", s.billable), url.Values{"task_name": {""}}, 422,
			[]string{"Enter a name for the task."}},
		{"token without name", "/settings/tokens", url.Values{"name": {""}}, 422,
			[]string{`id="token-name-error"`}},
		{"profile email change without current password", "/settings/profile", url.Values{"name": {"Ada L."}, "email": {"new@example.com"}}, 422,
			[]string{"Enter your current password", `value="new@example.com"`, `value="Ada L."`}},
		{"profile with a short password", "/settings/profile", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "password": {"short"}, "password_confirm": {"short"}, "current_password": {"correct horse battery"}}, 422,
			[]string{"Password must be at least 8 characters."}},
		{"profile with different new passwords", "/settings/profile", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "password": {"another long one"}, "password_confirm": {"another long two"}}, 422,
			[]string{"The two new passwords differ."}},
		{"deletion with wrong password", "/settings/delete", url.Values{"password": {"nope"}}, 422,
			[]string{"The current password is wrong."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.get("/")
			p := b.post(tt.path, tt.form)
			if p.status != tt.status {
				t.Fatalf("status %d, want %d: %s", p.status, tt.status, excerpt(p.body))
			}
			checkPage(t, tt.path, p)
			p.mustContain(t, tt.want...)
			if strings.Contains(p.body, "correct horse battery") {
				t.Error("a password was put back into the page")
			}
		})
	}
	t.Run("sign-up", func(t *testing.T) {
		nb := e.browser()
		nb.get("/signup")
		p := nb.post("/signup", url.Values{"name": {"Bob"}, "email": {"not-an-email"}, "password": {"long enough pass"}})
		if p.status != 422 {
			t.Fatalf("status %d", p.status)
		}
		p.mustContain(t, `id="email-error"`, `value="not-an-email"`, `value="Bob"`)
		p = nb.post("/signup", url.Values{"name": {"Bob"}, "email": {"ada@example.com"}, "password": {"long enough pass"}})
		if p.status != 422 {
			t.Fatalf("taken email: status %d", p.status)
		}
		p.mustContain(t, "An account with this email exists already.")
	})
	// Nothing was stored by the failed forms.
	if cs, _ := e.db.FindClients(context.Background(), e.userID("ada@example.com")); len(cs) != 1 {
		t.Errorf("clients: %+v", cs)
	}
}

func TestPostRedirectGetWithFlash(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	s := e.seed(b, uid)
	tests := []struct {
		name, path string
		form       url.Values
		location   string
		flash      string
	}{
		{"client", "/clients", url.Values{"name": {"Globex"}}, "/clients", "Client added."},
		{"rename client", fmt.Sprintf("/clients/%d", s.client), url.Values{"name": {"Acme Inc"}}, "/clients", "Client renamed."},
		{"project", "/projects", url.Values{"name": {"Apollo"}, "billable": {"on"}}, "/projects/", "Project created."},
		{"task", fmt.Sprintf("/projects/%d/tasks", s.internal), url.Values{"task_name": {"Hiring"}}, fmt.Sprintf("/projects/%d", s.internal), "Task added."},
		{"task done", fmt.Sprintf("/tasks/%d", s.task), url.Values{"done": {"true"}}, fmt.Sprintf("/projects/%d", s.billable), "Task saved."},
		{"entry", "/entries?from=2026-03-01&to=2026-03-31", url.Values{"project_id": {fmt.Sprint(s.internal)}, "date": {"2026-03-04"}, "start": {"22:00"}, "end": {"01:00"}}, "/entries?from=2026-03-01&to=2026-03-31", "Entry added."},
		{"edit entry", fmt.Sprintf("/entries/%d", s.entry2), url.Values{"project_id": {fmt.Sprint(s.internal)}, "date": {"2026-03-02"}, "start": {"13:00"}, "end": {"15:00"}, "notes": {"Longer meeting"}, "billable_shown": {"1"}}, "/entries", "Entry saved."},
		{"archive", fmt.Sprintf("/projects/%d/archive", s.internal), url.Values{"archived": {"true"}}, "/projects", "Project archived."},
		{"restore", fmt.Sprintf("/projects/%d/archive", s.internal), url.Values{"archived": {"false"}, "back": {fmt.Sprintf("/projects/%d", s.internal)}}, fmt.Sprintf("/projects/%d", s.internal), "Project restored."},
		{"privacy", "/settings/privacy", url.Values{"analytics_opt_out": {"on"}}, "/settings/privacy", "Privacy choice saved."},
		{"profile", "/settings/profile", url.Values{"name": {"Ada King"}, "email": {"ada@example.com"}}, "/settings/profile", "Profile saved."},
		{"delete entry", fmt.Sprintf("/entries/%d/delete", s.entry1), url.Values{"back": {"https://evil.example/"}}, "/entries", "Entry deleted."},
		{"delete task", fmt.Sprintf("/tasks/%d/delete", s.task), nil, fmt.Sprintf("/projects/%d", s.billable), "Task deleted."},
		{"delete client", fmt.Sprintf("/clients/%d/delete", s.client), nil, "/clients", "Client deleted."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.get("/")
			p := b.post(tt.path, tt.form)
			if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), tt.location) {
				t.Fatalf("status %d to %q, want 303 to %q: %s", p.status, p.location(), tt.location, excerpt(p.body))
			}
			var flash *http.Cookie
			for _, c := range (&http.Response{Header: p.header}).Cookies() {
				if c.Name == "tt_flash" {
					flash = c
				}
			}
			// The cookie names a message; it never carries what the user typed.
			if flash == nil || !regexp.MustCompile(`^[a-z-]+$`).MatchString(flash.Value) || !flash.HttpOnly {
				t.Fatalf("flash cookie %+v", flash)
			}
			next := b.follow(p)
			next.mustContain(t, tt.flash)
			if again := b.get(p.location()); strings.Contains(again.body, tt.flash) {
				t.Error("the flash is shown twice")
			}
		})
	}
	ctx := context.Background()
	e2, err := e.db.FindEntry(ctx, uid, s.entry2)
	if err != nil || e2.Notes != "Longer meeting" || e2.End.Sub(e2.Start) != 2*time.Hour {
		t.Errorf("edited entry: %+v, %v", e2, err)
	}
	es, _ := e.db.FindEntries(ctx, uid, domain.EntryFilter{From: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)})
	if len(es) != 1 || es[0].End.Sub(es[0].Start) != 3*time.Hour {
		t.Errorf("overnight entry: %+v", es)
	}
	if u, _ := e.db.FindUserByID(ctx, uid); !u.AnalyticsOptOut || u.Name != "Ada King" {
		t.Errorf("user: %+v", u)
	}
}

func TestTimer(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	s := e.seed(b, uid)
	start := url.Values{"project_id": {fmt.Sprint(s.billable)}, "task_id": {fmt.Sprint(s.task)}, "notes": {"Header"}}
	p := b.post("/timer/start", start)
	if p.status != http.StatusSeeOther || p.location() != "/" {
		t.Fatalf("start: %d %q", p.status, p.location())
	}
	d := b.follow(p)
	d.mustContain(t, "Timer started.", `id="timer-elapsed"`, "data-start=", "Stop timer", "Header", "Design")
	if p := b.post("/timer/start", start); p.status != 422 || !strings.Contains(p.body, "A timer is running already.") {
		t.Errorf("second start: %d", p.status)
	}
	p = b.post("/timer/stop", nil)
	b.follow(p).mustContain(t, "Timer stopped", "Start timer")
	if run, _ := e.db.RunningTimer(context.Background(), uid); run != nil {
		t.Errorf("still running: %+v", run)
	}
	b.follow(b.post("/timer/stop", nil)).mustContain(t, "No timer is running.")
	// An archived project takes no timer.
	b.post(fmt.Sprintf("/projects/%d/archive", s.internal), url.Values{"archived": {"true"}})
	b.get("/")
	if p := b.post("/timer/start", url.Values{"project_id": {fmt.Sprint(s.internal)}}); p.status != 422 || !strings.Contains(p.body, "archived") {
		t.Errorf("start on an archived project: %d", p.status)
	}
}

// Another user's objects answer 404, exactly like missing ones, and are
// left as they were.
func TestAnotherUsersObjectsAreNotFound(t *testing.T) {
	e := newEnv(t, envOptions{})
	a := e.signUp("Ada", "ada@example.com")
	aid := e.userID("ada@example.com")
	s := e.seed(a, aid)
	a.get("/settings/tokens")
	a.post("/settings/tokens", url.Values{"name": {"laptop"}})
	toks, _ := e.db.FindTokens(context.Background(), aid)
	if len(toks) != 1 {
		t.Fatalf("tokens: %+v", toks)
	}
	b := e.signUp("Bob", "bob@example.com")
	id := func(v int64) string { return fmt.Sprint(v) }
	gets := []string{"/entries/" + id(s.entry1) + "/edit", "/projects/" + id(s.billable), "/entries/999999/edit", "/projects/abc"}
	for _, path := range gets {
		t.Run("GET "+path, func(t *testing.T) {
			p := b.get(path)
			if p.status != http.StatusNotFound {
				t.Fatalf("status %d, want 404", p.status)
			}
			checkPage(t, path, p)
			if strings.Contains(p.body, "Website") || strings.Contains(p.body, "Homepage") {
				t.Error("the 404 page shows the other user's data")
			}
		})
	}
	entryForm := url.Values{"project_id": {id(s.billable)}, "date": {"2026-03-03"}, "start": {"09:00"}, "end": {"10:00"}}
	posts := []struct {
		path string
		form url.Values
	}{
		{"/entries/" + id(s.entry1), entryForm},
		{"/entries/" + id(s.entry1) + "/delete", nil},
		{"/clients/" + id(s.client), url.Values{"name": {"Mine now"}}},
		{"/clients/" + id(s.client) + "/delete", nil},
		{"/projects/" + id(s.billable), url.Values{"name": {"Mine now"}}},
		{"/projects/" + id(s.billable) + "/archive", url.Values{"archived": {"true"}}},
		{"/projects/" + id(s.billable) + "/delete", nil},
		{"/projects/" + id(s.billable) + "/tasks", url.Values{"task_name": {"Mine"}}},
		{"/tasks/" + id(s.task), url.Values{"done": {"true"}}},
		{"/tasks/" + id(s.task) + "/delete", nil},
		{"/settings/tokens/" + id(toks[0].ID) + "/delete", nil},
	}
	for _, tt := range posts {
		t.Run("POST "+tt.path, func(t *testing.T) {
			b.get("/")
			if p := b.post(tt.path, tt.form); p.status != http.StatusNotFound {
				t.Fatalf("status %d, want 404: %s", p.status, excerpt(p.body))
			}
		})
	}
	// Bob may not use Ada's project for his own work either.
	b.get("/")
	if p := b.post("/timer/start", url.Values{"project_id": {id(s.billable)}}); p.status != 422 {
		t.Errorf("timer on another user's project: %d", p.status)
	}
	if p := b.post("/entries", entryForm); p.status != 422 {
		t.Errorf("entry on another user's project: %d", p.status)
	}
	for _, path := range []string{"/entries?from=2026-03-01&to=2026-03-31", "/reports?from=2026-03-01&to=2026-03-07", "/reports/entries.csv?from=2026-03-01&to=2026-03-07", "/clients", "/projects", "/"} {
		if p := b.get(path); strings.Contains(p.body, "Homepage layout") || strings.Contains(p.body, "Acme") || strings.Contains(p.body, "Website") {
			t.Errorf("%s shows Ada's data to Bob", path)
		}
	}
	ctx := context.Background()
	if ps, _ := e.db.FindProjects(ctx, aid, true); len(ps) != 2 || ps[0].Archived || ps[1].Archived || ps[0].Name == "Mine now" || ps[1].Name == "Mine now" {
		t.Errorf("Ada's projects changed: %+v", ps)
	}
	if es, _ := e.db.FindEntries(ctx, aid, domain.EntryFilter{}); len(es) != 2 {
		t.Errorf("Ada's entries changed: %+v", es)
	}
	if ts, _ := e.db.FindTokens(ctx, aid); len(ts) != 1 {
		t.Errorf("Ada's tokens changed: %+v", ts)
	}
	if tk, _ := e.db.FindTask(ctx, aid, s.task); tk == nil || tk.Done {
		t.Errorf("Ada's task changed: %+v", tk)
	}
}

func TestReportsAndCSV(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	e.seed(b, e.userID("ada@example.com"))
	p := b.get("/reports?from=2026-03-01&to=2026-03-07&group_by=project")
	// Internal: 1:30 not billable; Website: 2:00 billable.
	for _, want := range []string{
		`data-label="Internal" data-seconds="5400" data-billable-seconds="0"`,
		`data-label="Website" data-seconds="7200" data-billable-seconds="7200"`,
		"Internal: 1 h 30 min, of which 0 min billable",
		"<dd>3:30</dd>", "<dd>2:00</dd>", "<dd>1:30</dd>",
		`href="/reports/entries.csv?from=2026-03-01&amp;to=2026-03-07"`,
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"from=2026-13-01", "from=2026-03-09&to=2026-03-01", "group_by=year", "tag_id=x", "billable=maybe", "project_id=999999", "task_id=0"} {
		if p := b.get("/reports?" + bad); p.status != http.StatusBadRequest || !strings.Contains(p.body, `class="field-error"`) {
			t.Errorf("%s: status %d", bad, p.status)
		}
	}
	p = b.get("/reports/entries.csv?from=2026-03-01&to=2026-03-07")
	if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/csv") || !strings.Contains(p.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV: %d %v", p.status, p.header)
	}
	rows, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("CSV rows %v, %v", rows, err)
	}
	if strings.Join(rows[1], ",") != "2026-03-02,2026-03-02T09:00:00Z,2026-03-02T11:00:00Z,7200,Acme Corp,Website,Design,Homepage layout,true,2.00,,0.00," {
		t.Errorf("first CSV row %q", rows[1])
	}
	if p := b.get("/reports/entries.csv?from=bad"); p.status != http.StatusBadRequest {
		t.Errorf("CSV with a bad date: %d", p.status)
	}
}

func TestTokens(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	b.get("/settings/tokens")
	p := b.post("/settings/tokens", url.Values{"name": {"backup script"}})
	if p.status != http.StatusCreated {
		t.Fatalf("create: %d", p.status)
	}
	m := regexp.MustCompile(`value="(ttk_[A-Za-z0-9_-]+)"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the new token is not shown: %s", excerpt(p.body))
	}
	if p.header.Get("Cache-Control") != "no-store" {
		t.Error("the page with the token may be cached")
	}
	// The secret works, once shown; the list never shows it again.
	list := b.get("/settings/tokens")
	list.mustContain(t, "backup script")
	if strings.Contains(list.body, m[1]) {
		t.Error("the token list shows the secret again")
	}
	uid := e.userID("ada@example.com")
	toks, _ := e.db.FindTokens(context.Background(), uid)
	p = b.post(fmt.Sprintf("/settings/tokens/%d/delete", toks[0].ID), nil)
	b.follow(p).mustContain(t, "Token revoked.")
	if toks, _ := e.db.FindTokens(context.Background(), uid); len(toks) != 0 {
		t.Errorf("tokens after revoking: %+v", toks)
	}
}

func TestExport(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	e.seed(b, e.userID("ada@example.com"))
	p := b.get("/settings/export")
	if p.status != 200 || !strings.Contains(p.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", p.status, p.header)
	}
	var ex domain.Export
	if err := json.Unmarshal([]byte(p.body), &ex); err != nil {
		t.Fatal(err)
	}
	if ex.User.Email != "ada@example.com" || len(ex.Clients) != 1 || len(ex.Projects) != 2 || len(ex.Tasks) != 1 || len(ex.Entries) != 2 {
		t.Errorf("export: %+v", ex)
	}
	if strings.Contains(p.body, "argon2") {
		t.Error("the export holds the password hash")
	}
}

// Deleting the account through the page runs the same erasure as the
// API's DELETE /me: the rows, the log lines and the analytics person.
//
// claim: R2
func TestDeleteAccount(t *testing.T) {
	e := newEnv(t, envOptions{})
	b := e.signUp("Ada", "ada@example.com")
	uid := e.userID("ada@example.com")
	e.seed(b, uid)
	b.get("/settings/delete")
	p := b.post("/settings/delete", url.Values{"password": {"correct horse battery"}})
	if p.status != http.StatusSeeOther || p.location() != "/signin" {
		t.Fatalf("delete: %d %q", p.status, p.location())
	}
	b.follow(p).mustContain(t, "Your account and all its data have been deleted.")
	if p := b.get("/"); p.status != http.StatusSeeOther {
		t.Errorf("still signed in after deletion: %d", p.status)
	}
	if _, err := e.db.FindUserByID(context.Background(), uid); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("user still there: %v", err)
	}
	if es, _ := e.db.FindEntries(context.Background(), uid, domain.EntryFilter{}); len(es) != 0 {
		t.Errorf("entries left: %d", len(es))
	}
	if len(e.erased) != 1 || e.erased[0] != uid {
		t.Errorf("log erasure for %v, want [%d]", e.erased, uid)
	}
}

// fixedTelemetry stands in for the telemetry reporter, whose own tests
// cover the payload; here only the page's use of it matters.
type fixedTelemetry struct{ latest string }

func (f fixedTelemetry) Preview() ([]byte, error) {
	return []byte(`{"kind":"update_check","version":"1.0.0"}`), nil
}
func (f fixedTelemetry) Latest() string { return f.latest }

// recordingErrors records the errors the pages report.
type recordingErrors struct {
	mu   sync.Mutex
	errs []error
	id   string
}

func (r *recordingErrors) Capture(_ context.Context, err error) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err)
	return r.id
}

func TestAdminPage(t *testing.T) {
	tests := []struct {
		name    string
		latest  string
		eventID string
		notice  bool
		flash   string
	}{
		{"newer version", "1.1.0", "abc123", true, "A test error was sent"},
		{"same version", "1.0.0", "", false, "not sent"},
		{"older version", "0.9.9", "", false, "not sent"},
		{"pre-release of the running one", "1.0.0-rc.1", "", false, "not sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recordingErrors{id: tt.eventID}
			e := newEnv(t, envOptions{version: "1.0.0", telemetry: fixedTelemetry{tt.latest}, errors: rec,
				consent: settingsWithSentry()})
			admin := e.signUp("Ada", "ada@example.com") // the first user is the admin
			p := admin.get("/admin")
			p.mustContain(t, "Error tracking (Sentry)", "sentry.example.com", "update_check")
			if strings.Contains(p.body, "secretkey") {
				t.Error("the admin page shows the DSN's key")
			}
			if got := strings.Contains(p.body, `id="update-notice"`); got != tt.notice {
				t.Errorf("update notice shown: %v, want %v", got, tt.notice)
			}
			res := admin.post("/admin/test-error", nil)
			admin.follow(res).mustContain(t, tt.flash)
			if len(rec.errs) != 1 || !strings.Contains(rec.errs[0].Error(), "test error") {
				t.Errorf("reported errors: %v", rec.errs)
			}
			user := e.signUp("Bob", "bob@example.com")
			if p := user.get("/admin"); p.status != http.StatusForbidden {
				t.Errorf("non-admin sees the admin page: %d", p.status)
			}
			if p := user.post("/admin/test-error", nil); p.status != http.StatusForbidden {
				t.Errorf("non-admin sends a test error: %d", p.status)
			}
			if strings.Contains(user.get("/").body, `href="/admin"`) {
				t.Error("the admin link is shown to a user")
			}
		})
	}
}

// An internal failure shows a page without details and is reported.
func TestInternalErrorsAreReported(t *testing.T) {
	rec := &recordingErrors{}
	e := newEnv(t, envOptions{errors: rec})
	b := e.signUp("Ada", "ada@example.com")
	e.db.Close() // every query fails from here on
	p := b.get("/clients")
	if p.status != http.StatusInternalServerError {
		t.Fatalf("status %d", p.status)
	}
	p.mustContain(t, "Something went wrong on our side.")
	if strings.Contains(p.body, "sql") || strings.Contains(p.body, "closed") {
		t.Errorf("the page shows internals: %s", excerpt(p.body))
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errs) == 0 {
		t.Error("the error was not reported")
	}
}

func settingsWithSentry() consent.Settings {
	return consent.Settings{SentryDSN: "https://secretkey@sentry.example.com/42", PostHogHost: consent.DefaultPostHogHost}
}

// With LOG_STDERR=true a copy of every log line goes where erasure cannot
// reach; the pages that delete an account say so, before and after. With
// the default (off) they do not mention it.
//
// claim: L8
func TestDeletionPagesNameTheLogCopy(t *testing.T) {
	const notice = "outside this application's reach"
	for _, on := range []bool{false, true} {
		e := newEnv(t, envOptions{logCopy: on})
		b := e.signUp("Ada", "ada@example.com")
		pages := []*page{b.get("/settings/privacy"), b.get("/settings/delete")}
		p := b.post("/settings/delete", url.Values{"password": {"correct horse battery"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("delete: %d", p.status)
		}
		pages = append(pages, b.follow(p))
		for i, pg := range pages {
			if got := strings.Contains(html.UnescapeString(pg.body), notice); got != on {
				t.Errorf("log copy %v, page %d mentions it: %v", on, i, got)
			}
		}
	}
}

// lookupFailing is the pages' store with the lookups behind the ownership
// checks failing, as they do when the database goes away: the lookup
// named in fail ("project", "task" or "client").
type lookupFailing struct {
	web.Store
	fail *atomic.Value
}

var errDown = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")

func (s lookupFailing) failing(what string) bool { v, _ := s.fail.Load().(string); return v == what }

func (s lookupFailing) FindProject(ctx context.Context, userID, id int64) (*domain.Project, error) {
	if s.failing("project") {
		return nil, errDown
	}
	return s.Store.FindProject(ctx, userID, id)
}

func (s lookupFailing) FindClient(ctx context.Context, userID, id int64) (*domain.Client, error) {
	if s.failing("client") {
		return nil, errDown
	}
	return s.Store.FindClient(ctx, userID, id)
}

func (s lookupFailing) FindTask(ctx context.Context, userID, id int64) (*domain.Task, error) {
	if s.failing("task") {
		return nil, errDown
	}
	return s.Store.FindTask(ctx, userID, id)
}

// A database failure while checking that a project, task or client is the
// user's is a server error, not "Choose one of your projects.": the input
// was fine, and the user must not be told to change it.
func TestOwnershipCheckFailureIsNotAValidationError(t *testing.T) {
	fail := new(atomic.Value)
	fail.Store("")
	e := newEnv(t, envOptions{store: func(s web.Store) web.Store { return lookupFailing{s, fail} }})
	b := e.signUp("Ada", "ada@example.com")
	s := e.seed(b, e.userID("ada@example.com"))
	tests := []struct {
		name, fail, path string
		form             url.Values
	}{
		{"entry", "project", "/entries", url.Values{"project_id": {fmt.Sprint(s.billable)}, "date": {"2026-03-05"}, "start": {"09:00"}, "end": {"10:00"}}},
		{"entry with a task", "task", "/entries", url.Values{"project_id": {fmt.Sprint(s.billable)}, "task_id": {fmt.Sprint(s.task)}, "date": {"2026-03-05"}, "start": {"09:00"}, "end": {"10:00"}}},
		{"entry update", "project", fmt.Sprintf("/entries/%d", s.entry2), url.Values{"project_id": {fmt.Sprint(s.internal)}, "date": {"2026-03-02"}, "start": {"13:00"}, "end": {"14:00"}}},
		{"timer", "project", "/timer/start", url.Values{"project_id": {fmt.Sprint(s.billable)}}},
		{"project with a client", "client", "/projects", url.Values{"name": {"Mine"}, "client_id": {fmt.Sprint(s.client)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.get("/") // a fresh CSRF token while the database works
			fail.Store(tt.fail)
			defer fail.Store("")
			p := b.post(tt.path, tt.form)
			if p.status < 500 {
				t.Fatalf("status %d, want a 5xx; page: %s", p.status, excerpt(p.body))
			}
			for _, msg := range []string{"Choose one of your", "belongs to another project", "connection refused"} {
				if strings.Contains(p.body, msg) {
					t.Errorf("the page says %q", msg)
				}
			}
		})
	}
}
