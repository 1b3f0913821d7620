package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/logging"
)

// Store is every storage service the pages use; *store.DB implements it.
type Store interface {
	domain.UserService
	domain.TokenService
	domain.ClientService
	domain.ProjectService
	domain.TaskService
	domain.EntryService
	domain.ReportService
	domain.ExportService
	domain.TagService
	domain.ImportService
}

// Telemetry is what the admin page shows of install telemetry;
// *telemetry.Reporter implements it.
type Telemetry interface {
	// Preview returns the exact body the next ping would send (claim T5).
	Preview() ([]byte, error)
	// Latest returns the newest version the telemetry server named, or "".
	Latest() string
}

// ErrorReporter receives the errors behind 500 pages and the admin's test
// error; *errortrack.Tracker implements it. Capture returns the event ID,
// or "" when nothing was sent.
type ErrorReporter interface {
	Capture(ctx context.Context, err error) string
}

// Config configures [New]. Store and Auth are required; everything else
// has a working default (nothing sent, nothing shown).
type Config struct {
	Store Store
	Auth  *auth.Auth

	// Analytics receives the product events of actions done through the
	// pages, from the schema the API declares ([app.Schema]). Nil sends
	// none. Page views are sent by the server's middleware, not here.
	Analytics *analytics.Client
	// Logger receives errors behind 500 pages; default slog.Default().
	Logger *slog.Logger
	// Consent is the operator's choice of optional services, shown on
	// the admin page (claim C4).
	Consent consent.Settings
	// Telemetry is shown on the admin page: its payload preview (T5) and
	// the update notice. Nil shows neither.
	Telemetry Telemetry
	// Version is the running version, compared with Telemetry.Latest.
	Version string
	// Errors receives the errors behind 500 pages and the admin's test
	// error. Nil means they are only logged.
	Errors ErrorReporter
	// EraseLogs removes a deleted user's log lines (claims R2, L8); the
	// same function the API is given.
	EraseLogs func(ctx context.Context, userID int64) error
	// LogCopyElsewhere says the operator has each log line copied
	// outside the log directory (LOG_STDERR=true: to standard error, for
	// a container's collector). Erasure cannot reach that copy, and the
	// deletion pages say so (claim L8).
	LogCopyElsewhere bool
	// Classify sees every error before a page answers it, as
	// api.Options.Classify does for the API; the server gives both the
	// same function.
	Classify func(ctx context.Context, err error) error
	// Location is the server's time zone: days and weeks are counted and
	// times shown in it for users who have not chosen their own
	// (domain.User.TimeZone); default time.Local.
	Location *time.Location
	// MetricsOpen says that /metrics answers anyone on a non-loopback
	// address (no METRICS_TOKEN, no METRICS_ADDR): the admin page warns.
	MetricsOpen bool
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Currency is the ISO 4217 code shown with amounts; empty means
	// app.DefaultCurrency.
	Currency string
	// RefuseOverlaps is OVERLAPS=refuse, as the store has it: the
	// timesheet checks every new or moved entry against it before saving
	// anything (the store still refuses on its own).
	RefuseOverlaps bool
}

// Server serves the HTML pages. Create it with [New] and add its routes to
// a mux with [Server.Register].
type Server struct {
	cfg   Config
	store Store
	auth  *auth.Auth
	log   *slog.Logger
	loc   *time.Location // the server's zone
	now   func() time.Time
	zones domain.Zones
	// pages holds the parsed templates per time zone name: their date and
	// time functions show times in that zone. A set is parsed the first
	// time a page is shown in its zone; validated names bound how many.
	pages   sync.Map // zone name -> map[string]*template.Template
	pagesMu sync.Mutex
}

// New checks cfg and parses the templates.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Auth == nil {
		return nil, errors.New("web: Config.Store and Config.Auth are required")
	}
	s := &Server{cfg: cfg, store: cfg.Store, auth: cfg.Auth, log: cfg.Logger, loc: cfg.Location, now: cfg.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.loc == nil {
		s.loc = time.Local
	}
	if s.now == nil {
		s.now = time.Now
	}
	if _, err := s.templates(s.loc); err != nil {
		return nil, err
	}
	return s, nil
}

// routes is the pages' route table. The patterns are all outside /api/,
// /healthz, /readyz and /metrics; "/" catches unknown paths with an HTML
// 404 page.
func (s *Server) routes() []app.Handled {
	r := app.Handle
	return []app.Handled{
		r("GET /privacy", app.Public, s.privacyPage),
		r("GET /signin", app.Public, s.signInPage),
		r("POST /signin", app.Public, s.signIn),
		r("GET /signup", app.Public, s.signUpPage),
		r("POST /signup", app.Public, s.signUp),
		r("POST /signout", app.Public, s.signOut),
		r("/", app.Public, s.notFound),

		r("GET /{$}", app.SignedIn, s.dashboard),
		r("POST /timer/start", app.SignedIn, s.startTimer),
		r("POST /timer/stop", app.SignedIn, s.stopTimer),

		r("GET /entries", app.SignedIn, s.entriesPage),
		r("POST /entries", app.SignedIn, s.createEntry),
		r("GET /entries/{id}/edit", app.SignedIn, s.editEntryPage),
		r("POST /entries/{id}", app.SignedIn, s.updateEntry),
		r("POST /entries/{id}/delete", app.SignedIn, s.deleteEntry),
		r("POST /entries/{id}/continue", app.SignedIn, s.continueEntry),

		r("GET /clients", app.SignedIn, s.clientsPage),
		r("POST /clients", app.SignedIn, s.createClient),
		r("POST /clients/{id}", app.SignedIn, s.updateClient),
		r("POST /clients/{id}/delete", app.SignedIn, s.deleteClient),

		r("GET /projects", app.SignedIn, s.projectsPage),
		r("POST /projects", app.SignedIn, s.createProject),
		r("GET /projects/{id}", app.SignedIn, s.projectPage),
		r("POST /projects/{id}", app.SignedIn, s.updateProject),
		r("POST /projects/{id}/archive", app.SignedIn, s.archiveProject),
		r("POST /projects/{id}/delete", app.SignedIn, s.deleteProject),
		r("POST /projects/{id}/tasks", app.SignedIn, s.createTask),
		r("POST /tasks/{id}", app.SignedIn, s.updateTask),
		r("POST /tasks/{id}/delete", app.SignedIn, s.deleteTask),

		r("GET /tags", app.SignedIn, s.tagsPage),
		r("POST /tags/{id}", app.SignedIn, s.updateTag),
		r("POST /tags/{id}/delete", app.SignedIn, s.deleteTag),
		r("GET /timesheet", app.SignedIn, s.timesheetPage),
		r("POST /timesheet", app.SignedIn, s.saveTimesheet),

		r("GET /reports", app.SignedIn, s.reportsPage),
		r("GET /reports/entries.csv", app.SignedIn, s.reportCSV),
		r("GET /reports/entries.xlsx", app.SignedIn, s.reportEntriesXLSX),
		r("GET /reports/summary.xlsx", app.SignedIn, s.reportSummaryXLSX),

		r("GET /import", app.SignedIn, s.importPage),
		r("POST /import", app.SignedIn, s.importUpload),

		r("GET /settings", app.SignedIn, s.settingsPage),
		r("GET /settings/profile", app.SignedIn, s.profilePage),
		r("POST /settings/profile", app.SignedIn, s.updateProfile),
		r("GET /settings/tokens", app.SignedIn, s.tokensPage),
		r("POST /settings/tokens", app.SignedIn, s.createToken),
		r("POST /settings/tokens/{id}/delete", app.SignedIn, s.deleteToken),
		r("GET /settings/privacy", app.SignedIn, s.privacySettingsPage),
		r("POST /settings/privacy", app.SignedIn, s.updatePrivacy),
		r("GET /settings/export", app.SignedIn, s.export),
		r("GET /settings/delete", app.SignedIn, s.deleteAccountPage),
		r("POST /settings/delete", app.SignedIn, s.deleteAccount),

		r("GET /admin", app.Admin, s.adminPage),
		r("POST /admin/test-error", app.Admin, s.testError),
		r("POST /admin/users/{id}/role", app.Admin, s.setUserRole),
		r("POST /admin/users/{id}/active", app.Admin, s.setUserActive),
	}
}

// Routes returns the pages' route table, the static files included.
func (s *Server) Routes() []app.Route {
	out := []app.Route{{Pattern: "GET /static/{file}", Access: app.Public}}
	for _, rt := range s.routes() {
		out = append(out, rt.Route)
	}
	return out
}

// Register adds every page of the route table to mux.
func (s *Server) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/{file}", http.HandlerFunc(serveStatic))
	for _, rt := range s.routes() {
		mux.Handle(rt.Pattern, s.handler(rt.Handle, rt.Access))
	}
}

// GET /settings
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/settings/profile", http.StatusSeeOther)
	return nil
}

// handler adapts a page handler: pages for signed-in users send everyone
// else to the sign-in page, admin pages refuse other users, and a
// returned error becomes an error page.
func (s *Server) handler(h func(http.ResponseWriter, *http.Request) error, access app.Access) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if access != app.Public && auth.UserFrom(r.Context()) == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				next := r.URL.Path
				if r.URL.RawQuery != "" {
					next += "?" + r.URL.RawQuery
				}
				target := "/signin"
				if next != "/" {
					target += "?next=" + url.QueryEscape(next)
				}
				http.Redirect(w, r, target, http.StatusSeeOther)
				return
			}
			s.Error(w, r, domain.Errorf(domain.EUNAUTHORIZED, "Your session has ended. Sign in again and repeat what you were doing."))
			return
		}
		if err := app.Allowed(r, access); err != nil {
			s.Error(w, r, domain.Errorf(domain.EFORBIDDEN, "This page is for administrators."))
			return
		}
		if err := h(w, r); err != nil {
			s.Error(w, r, err)
		}
	})
}

// Error answers err with an HTML error page and the status of its code.
// The server's auth layer uses it for refused requests (a missing CSRF
// token) outside the API. An internal error is logged and reported; the
// page shows no details.
//
// As in the API, a request whose client hung up is recorded as 499 and not
// logged or reported, and an unreachable database is a 503 page with
// Retry-After.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	err = app.Classify(r, err, s.cfg.Classify)
	status := app.Status(err)
	msg := domain.ErrorMessage(err)
	switch status {
	case app.StatusClientClosedRequest:
		// Nobody is reading: record the status, skip the page.
		w.WriteHeader(status)
		return
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(app.RetryAfter))
		s.render(w, r, status, "error", &page{Title: "Briefly unavailable", Data: errorData{Status: status,
			Message: "The server cannot reach its database right now. Nothing was changed by this request; please try again in a few seconds."}})
		return
	}
	if status >= 500 {
		s.log.LogAttrs(r.Context(), slog.LevelError, "page failed", logging.Err(err))
		if s.cfg.Errors != nil {
			s.cfg.Errors.Capture(r.Context(), err)
		}
		msg = "Something went wrong on our side. It has been logged; please try again in a moment."
	}
	title := http.StatusText(status)
	switch status {
	case http.StatusNotFound:
		title, msg = "Page not found", "There is nothing here. It may have been deleted, or the link is wrong."
	case http.StatusForbidden:
		title = "Not allowed"
	case http.StatusUnauthorized:
		title = "Please sign in"
	}
	s.render(w, r, status, "error", &page{Title: title, Data: errorData{Status: status, Message: msg}})
}

type errorData struct {
	Status  int
	Message string
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return domain.Errorf(domain.ENOTFOUND, "Not found.")
}

// page is what every template gets: the layout's needs and the page's
// own Data and Form.
type page struct {
	Title string
	Nav   string // the section shown as current in the navigation
	User  *domain.User
	CSRF  string
	Flash *flashMessage
	Form  *form
	Data  any
}

// render executes the named page into a buffer first, so that a template
// error becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	set, err := s.templates(s.locOf(r))
	if err != nil {
		// The same files parsed at start-up: cannot fail unless memory
		// does.
		panic("web: templates: " + err.Error())
	}
	t := set[name]
	if t == nil {
		panic("web: no template " + name)
	}
	if p.User == nil {
		p.User = auth.UserFrom(r.Context())
	}
	p.CSRF = auth.CSRFToken(r.Context())
	if p.Flash == nil {
		p.Flash = s.takeFlash(w, r)
	}
	if p.Form == nil {
		p.Form = newForm(nil)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "rendering a page failed", slog.String("template", name), logging.Err(err))
		if s.cfg.Errors != nil {
			s.cfg.Errors.Capture(r.Context(), err)
		}
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages carry personal data: keep them out of shared and back caches.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// redirect answers a successful POST: See Other, so that reloading the
// next page does not send the form again, with a flash message.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to string, flash string) error {
	if flash != "" {
		s.setFlash(w, r, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// capture sends a declared product event for the signed-in user, marked
// as coming from the web pages. The schema is the API's, so both doors
// send the same events with the same properties.
func (s *Server) capture(r *http.Request, event string, props analytics.Properties) {
	u := auth.UserFrom(r.Context())
	if s.cfg.Analytics == nil || u == nil {
		return
	}
	if props == nil {
		props = analytics.Properties{}
	}
	props["source"] = "web"
	s.cfg.Analytics.Capture(r.Context(), u.ID, event, props)
}

// form holds what a user typed and what was wrong with it, so that a page
// shown again after a validation error keeps the input and shows each
// message beside its field.
type form struct {
	Values url.Values
	Errors map[string]string
}

func newForm(v url.Values) *form {
	// A copy: the page may drop fields (passwords) that the handler
	// still reads from the request.
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return &form{Values: c, Errors: map[string]string{}}
}

// Get returns the submitted value of a field.
func (f *form) Get(field string) string { return f.Values.Get(field) }

// Err returns the error message of a field, or "".
func (f *form) Err(field string) string { return f.Errors[field] }

// Has reports whether a field was submitted with this value (for
// checkboxes and options).
func (f *form) Has(field, value string) bool {
	for _, v := range f.Values[field] {
		if v == value {
			return true
		}
	}
	return false
}

// HasErrors reports whether any field has a message.
func (f *form) HasErrors() bool { return len(f.Errors) > 0 }

// Fail records err against its field (or field "" for the whole form)
// and reports whether err was a user error that the page can show. Any
// other error is for the error page.
func (f *form) Fail(err error, fallbackField string) bool {
	code := domain.ErrorCode(err)
	if code == domain.EINTERNAL || code == "" {
		return false
	}
	field := domain.ErrorField(err)
	if field == "" {
		field = fallbackField
	}
	f.Errors[field] = humanMessage(field, domain.ErrorMessage(err))
	return true
}

// fieldLabels names fields in messages that the store words as "is
// required" without a subject.
var fieldLabels = map[string]string{
	"name": "Name", "email": "Email", "password": "Password", "project_id": "Project",
	"task_id": "Task", "client_id": "Client", "start": "Start", "end": "End", "notes": "Notes",
}

// humanMessage makes a message fit to show beside its field: the store
// says "is required", the page says "Name is required."
func humanMessage(field, msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return "This value is not valid."
	}
	if r, _ := utf8.DecodeRuneInString(msg); unicode.IsLower(r) {
		if label, ok := fieldLabels[field]; ok && (strings.HasPrefix(msg, "is ") || strings.HasPrefix(msg, "must ")) {
			msg = label + " " + msg
		} else {
			msg = string(unicode.ToUpper(r)) + msg[utf8.RuneLen(r):]
		}
	}
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "."
	}
	return msg
}

// safeNext returns a local path to go to after signing in: only a path on
// this site, never another host (an open redirect). A backslash anywhere
// is refused: http.Redirect cleans "/./\evil.example" to "/\evil.example",
// which browsers read as "//evil.example".
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" {
		return "/"
	}
	return next
}

func userOf(r *http.Request) *domain.User { return auth.UserFrom(r.Context()) }

// locOf is the time zone of the request's pages: the signed-in user's,
// else the server's.
func (s *Server) locOf(r *http.Request) *time.Location {
	return s.zones.Of(userOf(r), s.loc)
}

// templates returns the page templates whose functions show times in loc,
// parsing them the first time loc is asked for.
func (s *Server) templates(loc *time.Location) (map[string]*template.Template, error) {
	key := loc.String()
	if set, ok := s.pages.Load(key); ok {
		return set.(map[string]*template.Template), nil
	}
	s.pagesMu.Lock()
	defer s.pagesMu.Unlock()
	if set, ok := s.pages.Load(key); ok {
		return set.(map[string]*template.Template), nil
	}
	set, err := parseTemplates(s.funcs(loc))
	if err != nil {
		return nil, err
	}
	s.pages.Store(key, set)
	return set, nil
}

// internalf wraps an unexpected error with what was being done; the
// wrapper reaches the log, never the page.
func internalf(err error, what string) error {
	if err == nil || domain.ErrorCode(err) != domain.EINTERNAL {
		return err
	}
	return fmt.Errorf("web: %s: %w", what, err)
}
