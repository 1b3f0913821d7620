package web

import (
	"errors"
	"net/http"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/logging"
)

type signInData struct {
	Next string
}

// GET /signin
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if userOf(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "signin", &page{Title: "Sign in", Data: signInData{Next: next}})
	return nil
}

// POST /signin
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	f := newForm(r.PostForm)
	f.Values.Del("password") // never echoed back into the page
	next := safeNext(r.PostForm.Get("next"))
	email, password := r.PostForm.Get("email"), r.PostForm.Get("password")
	if email == "" {
		f.Errors["email"] = "Enter your email address."
	}
	if password == "" {
		f.Errors["password"] = "Enter your password."
	}
	status := http.StatusUnprocessableEntity
	if !f.HasErrors() {
		u, err := s.auth.SignIn(r.Context(), email, password, s.auth.ClientAddr(r))
		var le *auth.LimitedError
		switch {
		case errors.As(err, &le):
			status = http.StatusTooManyRequests
			f.Errors[""] = "Too many failed attempts. Wait a few minutes and try again."
		case domain.ErrorCode(err) == domain.EFORBIDDEN:
			status = http.StatusForbidden
			f.Errors[""] = domain.ErrorMessage(err)
		case domain.ErrorCode(err) == domain.EUNAUTHORIZED:
			status = http.StatusUnauthorized
			f.Errors[""] = "The email or the password is wrong."
		case err != nil:
			return internalf(err, "sign in")
		default:
			logging.SetUserID(r.Context(), u.ID)
			if _, err := s.auth.StartSession(r.Context(), w, r, u); err != nil {
				return internalf(err, "start session")
			}
			return s.redirect(w, r, next, "signed-in")
		}
	}
	s.render(w, r, status, "signin", &page{Title: "Sign in", Form: f, Data: signInData{Next: next}})
	return nil
}

// GET /signup
func (s *Server) signUpPage(w http.ResponseWriter, r *http.Request) error {
	if userOf(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "signup", &page{Title: "Create your account"})
	return nil
}

// POST /signup
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	f := newForm(r.PostForm)
	f.Values.Del("password")
	u, err := s.auth.Register(r.Context(), auth.Registration{
		Email: r.PostForm.Get("email"), Password: r.PostForm.Get("password"), Name: r.PostForm.Get("name"),
		Client: s.auth.ClientAddr(r),
	})
	if err != nil {
		if domain.ErrorCode(err) == domain.ECONFLICT {
			f.Errors["email"] = "An account with this email exists already. Sign in instead?"
		} else if !f.Fail(err, "") {
			return internalf(err, "register")
		}
		s.render(w, r, app.FormStatus(err), "signup", &page{Title: "Create your account", Form: f})
		return nil
	}
	logging.SetUserID(r.Context(), u.ID)
	if s.cfg.Analytics != nil {
		s.cfg.Analytics.Capture(r.Context(), u.ID, app.EventSignedUp, analytics.Properties{"first_user": u.Role == domain.RoleAdmin})
	}
	if _, err := s.auth.StartSession(r.Context(), w, r, u); err != nil {
		return internalf(err, "start session")
	}
	return s.redirect(w, r, "/projects", "signed-up")
}

// POST /signout
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := s.auth.EndSession(r.Context(), w, r); err != nil {
		return internalf(err, "end session")
	}
	return s.redirect(w, r, "/signin", "signed-out")
}
