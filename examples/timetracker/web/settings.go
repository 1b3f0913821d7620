package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// profileData is what the profile page shows besides the form: the API
// tokens a password change can revoke, with their last use.
type profileData struct {
	Tokens []domain.Token
	// Zones are the time zone field's suggestions, ServerZone the zone
	// used while the field is empty.
	Zones      []string
	ServerZone string
	Currency   string
}

// GET /settings/profile
func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	// Revoking the tokens with a new password is the default.
	v := url.Values{"name": {u.Name}, "email": {u.Email}, "revoke_tokens": {"on"}, "time_zone": {u.TimeZone}}
	v.Set("hourly_rate", rateValue(u.HourlyRate))
	return s.showProfile(w, r, http.StatusOK, newForm(v))
}

func (s *Server) showProfile(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ts, err := s.store.FindTokens(r.Context(), userOf(r).ID)
	if err != nil {
		return internalf(err, "tokens")
	}
	s.render(w, r, status, "profile", &page{Title: "Profile", Nav: "settings", Form: f, Data: profileData{
		Tokens: ts, Zones: commonZones, ServerZone: domain.ZoneName(s.loc), Currency: s.currency(),
	}})
	return nil
}

// POST /settings/profile: name, email, password (with the current one),
// default hourly rate and time zone. A form without the rate or the zone
// field leaves that setting as it is; an empty one clears it.
func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	u := userOf(r)
	name, email := r.PostForm.Get("name"), r.PostForm.Get("email")
	pw, current := r.PostForm.Get("password"), r.PostForm.Get("current_password")
	revoke := r.PostForm.Get("revoke_tokens") != ""
	upd := auth.ProfileUpdate{Name: &name, Email: &email, Client: s.auth.ClientAddr(r)}
	// Passwords are never put back into the page.
	again := func() *form {
		v := url.Values{"name": {name}, "email": {email}}
		for _, k := range []string{"time_zone", "hourly_rate"} {
			if vs, ok := r.PostForm[k]; ok {
				v[k] = vs
			}
		}
		if revoke {
			v.Set("revoke_tokens", "on")
		}
		return newForm(v)
	}
	// The rate and the zone are checked before anything is stored, so
	// that a bad one changes nothing else either.
	var settings domain.UserUpdate
	{
		f := again()
		if _, ok := r.PostForm["time_zone"]; ok {
			tz, err := domain.CheckZone("time_zone", r.PostForm.Get("time_zone"))
			if err != nil {
				f.Errors["time_zone"] = "Time zone " + domain.ErrorMessage(err) + "."
			}
			settings.TimeZone = &tz
		}
		if _, ok := r.PostForm["hourly_rate"]; ok {
			rate, msg := parseRateField(r.PostForm.Get("hourly_rate"))
			if msg != "" {
				f.Errors["hourly_rate"] = msg
			}
			settings.SetHourlyRate, settings.HourlyRate = true, rate
		}
		if f.HasErrors() {
			return s.showProfile(w, r, http.StatusUnprocessableEntity, f)
		}
	}
	if pw != "" {
		upd.Password = &pw
		upd.RevokeTokens = revoke
		if confirm := r.PostForm.Get("password_confirm"); confirm != pw {
			f := again()
			f.Errors["password_confirm"] = "The two new passwords differ."
			return s.showProfile(w, r, http.StatusUnprocessableEntity, f)
		}
	}
	if current != "" {
		upd.CurrentPassword = &current
	}
	nu, err := s.auth.UpdateProfile(r.Context(), u, upd)
	if err == nil && (settings.TimeZone != nil || settings.SetHourlyRate) {
		_, err = s.store.UpdateUser(r.Context(), nu.ID, settings)
	}
	if err == nil {
		flash := "profile-updated"
		if upd.Password != nil {
			flash = "password-changed"
			if upd.RevokeTokens {
				flash = "password-changed-tokens-revoked"
			}
		}
		return s.redirect(w, r, "/settings/profile", flash)
	}
	f := again()
	if domain.ErrorCode(err) == domain.ECONFLICT {
		f.Errors["email"] = "Another account uses this email."
	} else if !f.Fail(err, "") {
		return internalf(err, "update profile")
	}
	return s.showProfile(w, r, app.FormStatus(err), f)
}

type tokensData struct {
	Tokens []domain.Token
	// Secret is the token just created, shown this once.
	Secret string
	Name   string
}

// GET /settings/tokens
func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) error {
	return s.showTokens(w, r, http.StatusOK, nil, tokensData{})
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request, status int, f *form, d tokensData) error {
	ts, err := s.store.FindTokens(r.Context(), userOf(r).ID)
	if err != nil {
		return internalf(err, "tokens")
	}
	d.Tokens = ts
	s.render(w, r, status, "tokens", &page{Title: "API tokens", Nav: "settings", Form: f, Data: d})
	return nil
}

// POST /settings/tokens: create. The answer shows the secret directly
// instead of redirecting: the secret is never stored, so no later page
// could show it, and it must not travel in a cookie or a URL. The page is
// not cached (no-store), and reloading it asks before sending again.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	f := newForm(r.PostForm)
	secret, t, err := s.auth.CreateToken(r.Context(), userOf(r).ID, r.PostForm.Get("name"))
	if err != nil {
		if !f.Fail(err, "name") {
			return internalf(err, "create token")
		}
		return s.showTokens(w, r, http.StatusUnprocessableEntity, f, tokensData{})
	}
	return s.showTokens(w, r, http.StatusCreated, nil, tokensData{Secret: secret, Name: t.Name})
}

// POST /settings/tokens/{id}/delete
func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteToken(r.Context(), userOf(r).ID, id); err != nil {
		return internalf(err, "delete token")
	}
	return s.redirect(w, r, "/settings/tokens", "token-revoked")
}

type privacyData struct {
	AnalyticsOn bool // the operator turned product analytics on
	GPC         bool // this request carries Sec-GPC: 1
	OptedOut    bool
	ErrorsOn    bool
	LogCopy     bool // log lines are also copied where erasure cannot reach (L8)
}

// GET /settings/privacy
func (s *Server) privacySettingsPage(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	d := privacyData{
		AnalyticsOn: s.cfg.Consent.Enabled(consent.ProductAnalytics),
		ErrorsOn:    s.cfg.Consent.Enabled(consent.ErrorTracking),
		GPC:         consent.GPCFromContext(r.Context()) || consent.GPC(r),
		OptedOut:    u.AnalyticsOptOut,
		LogCopy:     s.cfg.LogCopyElsewhere,
	}
	f := newForm(nil)
	if u.AnalyticsOptOut {
		f.Values.Set("analytics_opt_out", "on")
	}
	s.render(w, r, http.StatusOK, "privacy-settings", &page{Title: "Privacy", Nav: "settings", Form: f, Data: d})
	return nil
}

// POST /settings/privacy: analytics_opt_out=on or absent (claim C6)
func (s *Server) updatePrivacy(w http.ResponseWriter, r *http.Request) error {
	out := r.PostFormValue("analytics_opt_out") != ""
	if _, err := s.store.UpdateUser(r.Context(), userOf(r).ID, domain.UserUpdate{AnalyticsOptOut: &out}); err != nil {
		return internalf(err, "update privacy")
	}
	return s.redirect(w, r, "/settings/privacy", "privacy-updated")
}

// GET /settings/export: everything about the user as one JSON file (R1),
// the same document as the API's GET /me/export.
func (s *Server) export(w http.ResponseWriter, r *http.Request) error {
	ex, err := s.store.Export(r.Context(), userOf(r).ID)
	if err != nil {
		return internalf(err, "export")
	}
	s.capture(r, app.EventDataExported, analytics.Properties{"entries": len(ex.Entries)})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="timetracker-export.json"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ex)
}

// deleteData is what the deletion page says about where the account's
// log lines are.
type deleteData struct {
	LogCopy bool // a copy of the logs is kept where erasure cannot reach (L8)
}

// GET /settings/delete: the confirmation step
func (s *Server) deleteAccountPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "delete-account", &page{Title: "Delete your account", Nav: "settings", Data: deleteData{LogCopy: s.cfg.LogCopyElsewhere}})
	return nil
}

// POST /settings/delete: password=… confirms. It erases the account the
// way the API's DELETE /me does, through the same function (claim R2):
// the rows, the person in product analytics, the log lines.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	f := newForm(nil)
	if err := s.auth.ConfirmPassword(r.Context(), u, "password", r.PostFormValue("password"), s.auth.ClientAddr(r)); err != nil {
		if !f.Fail(err, "password") {
			return internalf(err, "confirm password")
		}
		s.render(w, r, app.FormStatus(err), "delete-account", &page{Title: "Delete your account", Nav: "settings", Form: f, Data: deleteData{LogCopy: s.cfg.LogCopyElsewhere}})
		return nil
	}
	if err := app.EraseAccount(r.Context(), app.AccountEraser{
		Store: s.store, Analytics: s.cfg.Analytics, EraseLogs: s.cfg.EraseLogs, Logger: s.log,
	}, u.ID); domain.ErrorCode(err) == domain.ECONFLICT {
		// The only administrator: say what to do instead.
		f.Errors[""] = lastAdminDeleteMessage
		s.render(w, r, http.StatusConflict, "delete-account", &page{Title: "Delete your account", Nav: "settings", Form: f, Data: deleteData{LogCopy: s.cfg.LogCopyElsewhere}})
		return nil
	} else if err != nil {
		return err
	}
	s.auth.ClearCookie(w, r)
	if s.cfg.LogCopyElsewhere {
		return s.redirect(w, r, "/signin", "account-deleted-log-copy")
	}
	return s.redirect(w, r, "/signin", "account-deleted")
}

// lastAdminDeleteMessage is shown to the only administrator trying to
// delete their account.
const lastAdminDeleteMessage = "You are the only administrator. Make another user an administrator under Administration first, so that someone can still manage this server."

type serviceRow struct {
	Name    string
	On      bool
	Host    string
	Meaning string
}

type adminData struct {
	MetricsOpen     bool
	Users           []domain.User
	Me              int64
	Services        []serviceRow
	LogClientIP     bool
	TelemetryOn     bool
	Preview         string
	PreviewErr      string
	Version         string
	Latest          string
	UpdateAvailable bool
}

// GET /admin
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) error {
	if userOf(r).Role != domain.RoleAdmin {
		return domain.Errorf(domain.EFORBIDDEN, "This page is for administrators.")
	}
	d := adminData{Version: s.cfg.Version, TelemetryOn: s.cfg.Consent.Enabled(consent.InstallTelemetry),
		MetricsOpen: s.cfg.MetricsOpen, Me: userOf(r).ID}
	us, err := s.store.FindUsers(r.Context())
	if err != nil {
		return internalf(err, "users")
	}
	d.Users = us
	meaning := map[string]string{
		"logs":              "Structured logs in the log directory, scrubbed of personal data. Always on; they stay on this host.",
		"metrics":           "Prometheus metrics at /metrics, without personal labels. Always on; they wait to be scraped.",
		"error_tracking":    "Errors and crashes go to Sentry, scrubbed before they leave. Set by SENTRY_DSN.",
		"product_analytics": "Declared product events go to PostHog, except for users who opted out. Set by POSTHOG_API_KEY.",
		"install_telemetry": "An anonymous install ping and update check. Set by ENABLE_TELEMETRY and TELE_URL.",
		"traces":            "Request traces go to an OpenTelemetry collector over OTLP, scrubbed before they leave. Set by OTEL_EXPORTER_OTLP_ENDPOINT.",
	}
	names := map[string]string{
		"logs": "Logs", "metrics": "Metrics", "error_tracking": "Error tracking (Sentry)",
		"product_analytics": "Product analytics (PostHog)", "install_telemetry": "Install telemetry",
		"traces": "Traces (OpenTelemetry)",
	}
	// The rows come from the same summary the start-up record logs (C4).
	for _, a := range s.cfg.Consent.Summary() {
		if a.Key == "client_ip_in_logs" || a.Key == "log_client_ip" {
			d.LogClientIP = a.Value.Kind() == slog.KindBool && a.Value.Bool()
			continue
		}
		row := serviceRow{Name: names[a.Key], Meaning: meaning[a.Key]}
		if row.Name == "" {
			row.Name = a.Key
		}
		switch a.Value.Kind() {
		case slog.KindBool:
			row.On = a.Value.Bool()
		default:
			for _, g := range a.Value.Group() {
				switch g.Key {
				case "enabled":
					row.On = g.Value.Bool()
				case "host":
					row.Host = g.Value.String()
				}
			}
		}
		d.Services = append(d.Services, row)
	}
	if s.cfg.Telemetry != nil {
		body, err := s.cfg.Telemetry.Preview()
		if err != nil {
			d.PreviewErr = err.Error()
		} else {
			var v any
			if json.Unmarshal(body, &v) == nil {
				if pretty, err := json.MarshalIndent(v, "", "  "); err == nil {
					body = pretty
				}
			}
			d.Preview = string(body)
		}
		d.Latest = s.cfg.Telemetry.Latest()
		d.UpdateAvailable = d.Latest != "" && newerVersion(d.Latest, s.cfg.Version)
	}
	s.render(w, r, http.StatusOK, "admin", &page{Title: "Administration", Nav: "admin", Data: d})
	return nil
}

// POST /admin/users/{id}/role: role=admin or role=user. The last active
// admin cannot be demoted.
func (s *Server) setUserRole(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	role := domain.Role(r.PostFormValue("role"))
	if role != domain.RoleAdmin && role != domain.RoleUser {
		return domain.FieldError("role", "Choose admin or user.")
	}
	if _, err := s.store.SetUserRole(r.Context(), id, role); domain.ErrorCode(err) == domain.ECONFLICT {
		return s.redirect(w, r, "/admin", "last-admin")
	} else if err != nil {
		return internalf(err, "set user role")
	}
	if role == domain.RoleAdmin {
		return s.redirect(w, r, "/admin", "user-promoted")
	}
	return s.redirect(w, r, "/admin", "user-demoted")
}

// POST /admin/users/{id}/active: active=true or active=false. An admin
// cannot deactivate their own account, nor anyone the last active admin.
func (s *Server) setUserActive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var active bool
	switch r.PostFormValue("active") {
	case "true":
		active = true
	case "false":
		if id == userOf(r).ID {
			return s.redirect(w, r, "/admin", "not-yourself")
		}
	default:
		return domain.FieldError("active", "Choose true or false.")
	}
	if _, err := s.store.SetUserActive(r.Context(), id, active); domain.ErrorCode(err) == domain.ECONFLICT {
		return s.redirect(w, r, "/admin", "last-admin")
	} else if err != nil {
		return internalf(err, "set user active")
	}
	if active {
		return s.redirect(w, r, "/admin", "user-reactivated")
	}
	return s.redirect(w, r, "/admin", "user-deactivated")
}

// POST /admin/test-error: reports app.ErrTest, as the API's
// POST /api/v1/admin/test-error does, and says whether it went out.
func (s *Server) testError(w http.ResponseWriter, r *http.Request) error {
	if userOf(r).Role != domain.RoleAdmin {
		return domain.Errorf(domain.EFORBIDDEN, "Only an administrator may send a test error.")
	}
	s.log.ErrorContext(r.Context(), "sending a test error to error tracking", "error", app.ErrTest)
	id := ""
	if s.cfg.Errors != nil {
		id = s.cfg.Errors.Capture(r.Context(), app.ErrTest)
	}
	if id == "" {
		return s.redirect(w, r, "/admin", "test-error-off")
	}
	return s.redirect(w, r, "/admin", "test-error-sent")
}

// newerVersion reports whether semantic version a is newer than b. A
// leading "v" is ignored; a pre-release sorts before its release.
func newerVersion(a, b string) bool {
	pa, ra := splitVersion(a)
	pb, rb := splitVersion(b)
	for i := 0; i < 3; i++ {
		if pa[i] != pb[i] {
			return pa[i] > pb[i]
		}
	}
	switch {
	case ra == rb:
		return false
	case ra == "":
		return true
	case rb == "":
		return false
	}
	return ra > rb
}

func splitVersion(v string) (nums [3]int, pre string) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	if i := strings.IndexByte(v, '+'); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexByte(v, '-'); i >= 0 {
		v, pre = v[:i], v[i+1:]
	}
	for i, p := range strings.SplitN(v, ".", 3) {
		n := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
		nums[i] = n
	}
	return nums, pre
}
