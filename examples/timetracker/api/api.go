package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/errortrack"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/logging"
)

// Prefix is where the API lives (app.APIPrefix, which tells API requests
// from pages).
const Prefix = app.APIPrefix

// MaxBodyBytes is the largest request body the API reads; a larger one is
// answered with 413.
const MaxBodyBytes = 1 << 20

// Store is every storage service the API uses.
type Store interface {
	domain.UserService
	domain.TokenService
	domain.SessionService
	domain.ClientService
	domain.ProjectService
	domain.TaskService
	domain.EntryService
	domain.ReportService
	domain.ExportService
	domain.TagService
	domain.ImportService
}

// Options configure [New]. Store and Auth are required; the others default
// to disabled (no-op) values.
type Options struct {
	Store Store
	Auth  *auth.Auth

	// Analytics receives the declared product events (see Schema). Nil
	// means none are sent.
	Analytics *analytics.Client
	// Errors receives the errors behind 500 answers and the admin's test
	// error. Nil means they are only logged.
	Errors *errortrack.Tracker
	// Logger receives errors behind 500 answers; default slog.Default().
	Logger *slog.Logger
	// EraseLogs removes a deleted user's lines from the logs (claims R2
	// and L8), typically logging.File.EraseUser on the open log file. Nil
	// means there are no log files to clean.
	EraseLogs func(ctx context.Context, userID int64) error
	// Classify, when set, sees every error before it is answered and may
	// return it as a domain error: the server uses it to recognise an
	// unreachable database (EUNAVAILABLE: 503 with Retry-After, logged
	// once per outage by the server rather than once per request). Nil
	// leaves errors as they are. See [Classify].
	Classify func(ctx context.Context, err error) error
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Currency is the ISO 4217 code of every rate and amount, as the
	// summary reports it; empty means EUR. See [app.CheckCurrency].
	Currency string
	// Location is the server's time zone, for users who have not chosen
	// one (domain.User.TimeZone): their report days and default ranges,
	// and dates without a time in query parameters, are taken in it.
	// Default time.Local.
	Location *time.Location
}

func (a *API) currency() string {
	if a.cur == "" {
		return app.DefaultCurrency
	}
	return a.cur
}

// API serves the JSON API.
type API struct {
	store     Store
	auth      *auth.Auth
	analytics *analytics.Client
	errors    *errortrack.Tracker
	log       *slog.Logger
	eraseLogs func(ctx context.Context, userID int64) error
	classify  func(ctx context.Context, err error) error
	now       func() time.Time
	clockSet  bool // Options.Now was given
	cur       string
	loc       *time.Location
	zones     domain.Zones
}

// New returns the API over opts.
func New(opts Options) (*API, error) {
	if opts.Store == nil || opts.Auth == nil {
		return nil, errors.New("api: Options.Store and Options.Auth are required")
	}
	a := &API{
		store:     opts.Store,
		auth:      opts.Auth,
		analytics: opts.Analytics,
		errors:    opts.Errors,
		log:       opts.Logger,
		eraseLogs: opts.EraseLogs,
		classify:  opts.Classify,
		now:       opts.Now,
		clockSet:  opts.Now != nil,
		cur:       opts.Currency,
		loc:       opts.Location,
	}
	if a.loc == nil {
		a.loc = time.Local
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	return a, nil
}

// routes is the API's route table, patterns relative to [Prefix].
func (a *API) routes() []app.Handled {
	r := app.Handle
	return []app.Handled{
		r("POST /users", app.Public, a.register),
		r("POST /sessions", app.Public, a.signIn),
		r("DELETE /sessions/current", app.SignedIn, a.signOut),

		r("GET /tokens", app.SignedIn, a.listTokens),
		r("POST /tokens", app.SignedIn, a.createToken),
		r("DELETE /tokens/{id}", app.SignedIn, a.deleteToken),

		r("GET /me", app.SignedIn, a.getMe),
		r("PATCH /me", app.SignedIn, a.patchMe),
		r("DELETE /me", app.SignedIn, a.deleteMe),
		r("GET /me/export", app.SignedIn, a.exportMe),
		r("GET /me/privacy", app.SignedIn, a.getPrivacy),
		r("PUT /me/privacy", app.SignedIn, a.putPrivacy),

		r("GET /clients", app.SignedIn, a.listClients),
		r("POST /clients", app.SignedIn, a.createClient),
		r("GET /clients/{id}", app.SignedIn, a.getClient),
		r("PATCH /clients/{id}", app.SignedIn, a.patchClient),
		r("DELETE /clients/{id}", app.SignedIn, a.deleteClient),

		r("GET /projects", app.SignedIn, a.listProjects),
		r("POST /projects", app.SignedIn, a.createProject),
		r("GET /projects/{id}", app.SignedIn, a.getProject),
		r("PATCH /projects/{id}", app.SignedIn, a.patchProject),
		r("DELETE /projects/{id}", app.SignedIn, a.deleteProject),

		r("GET /tasks", app.SignedIn, a.listTasks),
		r("POST /tasks", app.SignedIn, a.createTask),
		r("GET /tasks/{id}", app.SignedIn, a.getTask),
		r("PATCH /tasks/{id}", app.SignedIn, a.patchTask),
		r("DELETE /tasks/{id}", app.SignedIn, a.deleteTask),

		r("GET /tags", app.SignedIn, a.listTags),
		r("GET /tags/{id}", app.SignedIn, a.getTag),
		r("PATCH /tags/{id}", app.SignedIn, a.patchTag),
		r("DELETE /tags/{id}", app.SignedIn, a.deleteTag),

		r("GET /timer", app.SignedIn, a.getTimer),
		r("POST /timer/start", app.SignedIn, a.startTimer),
		r("POST /timer/stop", app.SignedIn, a.stopTimer),

		r("GET /entries", app.SignedIn, a.listEntries),
		r("POST /entries", app.SignedIn, a.createEntry),
		r("GET /entries/{id}", app.SignedIn, a.getEntry),
		r("POST /entries/{id}/continue", app.SignedIn, a.continueEntry),
		r("PATCH /entries/{id}", app.SignedIn, a.patchEntry),
		r("DELETE /entries/{id}", app.SignedIn, a.deleteEntry),

		r("GET /reports/summary", app.SignedIn, a.summary),
		r("GET /reports/entries.csv", app.SignedIn, a.entriesCSV),
		r("GET /reports/entries.xlsx", app.SignedIn, a.entriesXLSX),
		r("GET /reports/summary.xlsx", app.SignedIn, a.summaryXLSX),

		r("POST /import", app.SignedIn, a.importEntries),

		r("POST /admin/test-error", app.Admin, a.testError),
	}
}

// Routes returns the API's route table, with full patterns.
func (a *API) Routes() []app.Route {
	var out []app.Route
	for _, rt := range a.routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		out = append(out, app.Route{Pattern: method + " " + Prefix + path, Access: rt.Access})
	}
	return out
}

// Register adds every API route to mux, under [Prefix]. Routes that need a
// signed-in user answer 401 without one, admin routes 403 to other users;
// the caller's mux must be wrapped in [auth.Auth.Middleware] for anyone to
// be signed in.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		mux.Handle(method+" "+Prefix+path, a.handler(rt.Handle, rt.Access))
	}
	// Anything else under the prefix answers in the API's error shape.
	mux.Handle(Prefix+"/", a.handler(func(http.ResponseWriter, *http.Request) error {
		return domain.Errorf(domain.ENOTFOUND, "No such API route.")
	}, app.Public))
}

// handler adapts an error-returning handler: a returned error is answered
// by [Error], and routes for users or admins refuse others first.
func (a *API) handler(h func(http.ResponseWriter, *http.Request) error, access app.Access) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := app.Allowed(r, access); err != nil {
			if domain.ErrorCode(err) == domain.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="timetracker"`)
			}
			a.Error(w, r, err)
			return
		}
		r = app.ZoneRequest(r, &a.zones, a.loc)
		if err := h(w, r); err != nil {
			a.Error(w, r, err)
		}
	})
}

// user returns the signed-in user; handler has checked there is one.
func user(r *http.Request) *domain.User { return auth.UserFrom(r.Context()) }

// errorBody is the one error shape of the API.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// Error answers err in the API's JSON shape with the status of its code.
// An internal error is logged and reported to error tracking, and the
// caller sees a generic message only.
//
// A request whose client hung up is answered 499 (see
// [StatusClientClosedRequest]) and neither logged here nor reported: the
// request record says 499 at level Info. An unreachable database is 503
// with Retry-After and the error shape, not logged here either (see
// Options.Classify).
func (a *API) Error(w http.ResponseWriter, r *http.Request, err error) {
	err = app.Classify(r, err, a.classify)
	status := app.Status(err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(app.RetryAfter))
	}
	if status >= 500 && status != http.StatusServiceUnavailable {
		a.log.LogAttrs(r.Context(), slog.LevelError, "request failed", logging.Err(err))
		if a.errors != nil {
			a.errors.Capture(r.Context(), err)
		}
	}
	var le *auth.LimitedError
	if errors.As(err, &le) {
		w.Header().Set("Retry-After", strconv.Itoa(int(le.RetryAfter.Seconds()+0.999)))
	}
	var body errorBody
	body.Error.Code = domain.ErrorCode(err)
	body.Error.Message = domain.ErrorMessage(err)
	body.Error.Field = domain.ErrorField(err)
	if status >= 500 && status != http.StatusServiceUnavailable {
		body.Error.Code, body.Error.Message, body.Error.Field = domain.EINTERNAL, "Internal error.", ""
	}
	writeJSON(w, status, body)
}

// writeJSON writes v with status. Encoding our own types cannot fail in
// a way the client could be told about, so the error is dropped.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// decode reads a JSON request body into v: the Content-Type must be
// application/json (415), the body at most MaxBodyBytes (413), one JSON
// value with no unknown fields (400 naming the field).
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return domain.Errorf(domain.EUNSUPPORTED, "Send the request body as JSON with Content-Type: application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return decodeError(err)
		}
		return domain.Errorf(domain.EINVALID, "The body must hold one JSON value.")
	}
	return nil
}

// decodeError turns a JSON decoding error into a domain error naming the
// field where it can.
func decodeError(err error) error {
	var (
		mbe *http.MaxBytesError
		ute *json.UnmarshalTypeError
		se  *json.SyntaxError
		fe  *fieldError
	)
	switch {
	case errors.As(err, &mbe):
		return domain.Errorf(domain.ETOOLARGE, "The request body is larger than %d bytes.", MaxBodyBytes)
	case errors.As(err, &fe):
		return domain.FieldError(fe.field, "%s", fe.msg)
	case errors.As(err, &ute):
		field := ute.Field
		if field == "" {
			return domain.Errorf(domain.EINVALID, "The body must be a JSON object.")
		}
		if ute.Type == centsType {
			return domain.FieldError(field, "Expected an amount like 85.50: at most two decimal places, from 0 to %d.", domain.MaxRate/100)
		}
		if ute.Type == timeType {
			return domain.FieldError(field, "Expected an RFC 3339 time such as 2026-03-01T09:00:00Z.")
		}
		return domain.FieldError(field, "Expected %s.", jsonKind(ute.Type.Kind().String()))
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Errorf(domain.EINVALID, "The body is not valid JSON.")
	case errors.Is(err, io.EOF):
		return domain.Errorf(domain.EINVALID, "The request body is empty.")
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f, _ = strconv.Unquote(f)
		return domain.FieldError(f, "Unknown field.")
	}
	return domain.Errorf(domain.EINVALID, "The body could not be read as JSON.")
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "a number"
	case "struct", "map":
		return "an object"
	case "slice":
		return "an array"
	}
	return "another type"
}

// fieldError lets a field's own UnmarshalJSON name the field it failed on.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

// pathID reads the {id} of the route. A malformed ID is answered like an
// unknown one: 404.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Errorf(domain.ENOTFOUND, "Not found.")
	}
	return id, nil
}

// queryID reads an optional positive integer query parameter.
func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.FieldError(name, "Must be a positive integer.")
	}
	return id, nil
}

// parseTimeParam reads a time query parameter: RFC 3339, or a date
// (2006-01-02, midnight in the caller's time zone, see [app.Location]).
// endOfDay moves a date to the next midnight, so "to=2026-03-01" includes
// that day. The time returned is in UTC.
func parseTimeParam(r *http.Request, name string, endOfDay bool) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, v, app.Location(r.Context())); err == nil {
		if endOfDay {
			d = d.AddDate(0, 0, 1)
		}
		return d.UTC(), nil
	}
	return time.Time{}, domain.FieldError(name, "Use a date (2006-01-02) or an RFC 3339 time.")
}

// capture sends a declared product event for the caller.
func (a *API) capture(r *http.Request, event string, props analytics.Properties) {
	if a.analytics == nil {
		return
	}
	if u := user(r); u != nil {
		a.analytics.Capture(r.Context(), u.ID, event, props)
	}
}

// internal wraps an unexpected error with what was being done; the wrapper
// reaches the log, never the client.
func internal(err error, what string) error {
	if err == nil || domain.ErrorCode(err) != domain.EINTERNAL {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}
