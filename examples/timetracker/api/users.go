package api

import (
	"net/http"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/logging"
)

// POST /users {email, password, name}
func (a *API) register(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		Name     string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	u, err := a.auth.Register(r.Context(), auth.Registration{Email: in.Email, Password: in.Password, Name: in.Name, Client: a.auth.ClientAddr(r)})
	if err != nil {
		return internal(err, "register")
	}
	logging.SetUserID(r.Context(), u.ID)
	if a.analytics != nil {
		a.analytics.Capture(r.Context(), u.ID, app.EventSignedUp, analytics.Properties{"first_user": u.Role == domain.RoleAdmin})
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

// signInResponse is the answer to a sign-in.
type signInResponse struct {
	User      *domain.User `json:"user"`
	CSRFToken string       `json:"csrf_token"`
	ExpiresAt time.Time    `json:"expires_at"`
}

// POST /sessions {email, password}
func (a *API) signIn(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Email == "" {
		return domain.FieldError("email", "Email is required.")
	}
	if in.Password == "" {
		return domain.FieldError("password", "Password is required.")
	}
	u, err := a.auth.SignIn(r.Context(), in.Email, in.Password, a.auth.ClientAddr(r))
	if err != nil {
		return internal(err, "sign in")
	}
	logging.SetUserID(r.Context(), u.ID)
	s, err := a.auth.StartSession(r.Context(), w, r, u)
	if err != nil {
		return internal(err, "start session")
	}
	writeJSON(w, http.StatusOK, signInResponse{User: u, CSRFToken: s.CSRFToken, ExpiresAt: s.ExpiresAt})
	return nil
}

// DELETE /sessions/current
func (a *API) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := a.auth.EndSession(r.Context(), w, r); err != nil {
		return internal(err, "end session")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// createdToken is the one answer that carries a token's secret.
type createdToken struct {
	domain.Token
	Secret string `json:"token"`
}

// POST /tokens {name}
func (a *API) createToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	secret, t, err := a.auth.CreateToken(r.Context(), user(r).ID, in.Name)
	if err != nil {
		return internal(err, "create token")
	}
	writeJSON(w, http.StatusCreated, createdToken{Token: *t, Secret: secret})
	return nil
}

// GET /tokens
func (a *API) listTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := a.store.FindTokens(r.Context(), user(r).ID)
	if err != nil {
		return internal(err, "list tokens")
	}
	writeJSON(w, http.StatusOK, nonNil(ts))
	return nil
}

// DELETE /tokens/{id}
func (a *API) deleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteToken(r.Context(), user(r).ID, id); err != nil {
		return internal(err, "delete token")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /me
func (a *API) getMe(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, user(r))
	return nil
}

// PATCH /me {name?, email?, password?, current_password?, revoke_tokens?, hourly_rate?, time_zone?}
// revoke_tokens: true with a new password also revokes every other API
// token of the user (the one making the request, if any, is kept).
func (a *API) patchMe(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name            *string `json:"name"`
		Email           *string `json:"email"`
		Password        *string `json:"password"`
		CurrentPassword *string `json:"current_password"`
		RevokeTokens    *bool   `json:"revoke_tokens"`
		// HourlyRate is the user's default rate; null clears it.
		HourlyRate nullable[domain.Cents] `json:"hourly_rate"`
		// TimeZone is an IANA name; "" means the server's zone.
		TimeZone *string `json:"time_zone"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	// Checked before anything is stored, so that a bad zone changes
	// nothing else either (a bad rate is refused while decoding).
	if in.TimeZone != nil {
		tz, err := domain.CheckZone("time_zone", *in.TimeZone)
		if err != nil {
			return err
		}
		in.TimeZone = &tz
	}
	if in.RevokeTokens != nil && *in.RevokeTokens && in.Password == nil {
		return domain.FieldError("revoke_tokens", "Tokens are revoked together with a password change; send password too.")
	}
	u, err := a.auth.UpdateProfile(r.Context(), user(r), auth.ProfileUpdate{
		Name: in.Name, Email: in.Email, Password: in.Password, CurrentPassword: in.CurrentPassword,
		RevokeTokens: in.RevokeTokens != nil && *in.RevokeTokens, Client: a.auth.ClientAddr(r),
	})
	if err != nil {
		return internal(err, "update profile")
	}
	if in.HourlyRate.Set || in.TimeZone != nil {
		upd := domain.UserUpdate{SetHourlyRate: in.HourlyRate.Set, HourlyRate: in.HourlyRate.Value, TimeZone: in.TimeZone}
		if u, err = a.store.UpdateUser(r.Context(), u.ID, upd); err != nil {
			return internal(err, "update rate and time zone")
		}
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// DELETE /me {password} erases the account (claim R2): the rows, the log
// lines, and the person in product analytics. The current password is
// required, whichever way the caller signed in: a token alone must not be
// enough to destroy the account.
func (a *API) deleteMe(w http.ResponseWriter, r *http.Request) error {
	u := user(r)
	var in struct {
		Password string `json:"password"`
	}
	if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return domain.FieldError("password", `Send your current password as {"password": "…"} to delete the account.`)
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.auth.ConfirmPassword(r.Context(), u, "password", in.Password, a.auth.ClientAddr(r)); err != nil {
		return internal(err, "confirm password")
	}
	if err := app.EraseAccount(r.Context(), app.AccountEraser{
		Store: a.store, Analytics: a.analytics, EraseLogs: a.eraseLogs, Logger: a.log,
	}, u.ID); err != nil {
		return err
	}
	a.auth.ClearCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /me/export (claim R1)
func (a *API) exportMe(w http.ResponseWriter, r *http.Request) error {
	ex, err := a.store.Export(r.Context(), user(r).ID)
	if err != nil {
		return internal(err, "export")
	}
	a.capture(r, app.EventDataExported, analytics.Properties{"entries": len(ex.Entries), "source": "api"})
	w.Header().Set("Content-Disposition", `attachment; filename="timetracker-export.json"`)
	writeJSON(w, http.StatusOK, ex)
	return nil
}

// privacy is the caller's privacy choice.
type privacy struct {
	AnalyticsOptOut bool `json:"analytics_opt_out"`
}

// GET /me/privacy
func (a *API) getPrivacy(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, privacy{AnalyticsOptOut: user(r).AnalyticsOptOut})
	return nil
}

// PUT /me/privacy {analytics_opt_out}
func (a *API) putPrivacy(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		AnalyticsOptOut *bool `json:"analytics_opt_out"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.AnalyticsOptOut == nil {
		return domain.FieldError("analytics_opt_out", "Set analytics_opt_out to true or false.")
	}
	u, err := a.store.UpdateUser(r.Context(), user(r).ID, domain.UserUpdate{AnalyticsOptOut: in.AnalyticsOptOut})
	if err != nil {
		return internal(err, "update privacy")
	}
	writeJSON(w, http.StatusOK, privacy{AnalyticsOptOut: u.AnalyticsOptOut})
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
