package auth

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// StartSession creates a session for u, sets its cookie on w and returns
// the session, whose CSRFToken the client must send with state-changing
// requests. A session the request already carried is ended first, so a
// sign-in always gets a fresh ID (no session fixation).
func (a *Auth) StartSession(ctx context.Context, w http.ResponseWriter, r *http.Request, u *domain.User) (*domain.Session, error) {
	if c, err := r.Cookie(CookieName); err == nil && len(c.Value) == secretLen {
		_ = a.store.DeleteSession(ctx, hashSecret(c.Value))
	}
	id := randomSecret()
	now := a.opts.Now().UTC()
	s := &domain.Session{
		IDHash:    hashSecret(id),
		UserID:    u.ID,
		CSRFToken: randomSecret(),
		CreatedAt: now,
		ExpiresAt: now.Add(a.opts.SessionTTL),
	}
	if err := a.store.CreateSession(ctx, s); err != nil {
		return nil, err
	}
	http.SetCookie(w, a.cookie(r, id, int(a.opts.SessionTTL.Seconds())))
	return s, nil
}

// EndSession deletes the request's session, if any, and clears the cookie.
func (a *Auth) EndSession(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	var err error
	if c, cerr := r.Cookie(CookieName); cerr == nil && len(c.Value) == secretLen {
		err = a.store.DeleteSession(ctx, hashSecret(c.Value))
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			err = nil
		}
	}
	a.ClearCookie(w, r)
	return err
}

// ClearCookie tells the browser to drop the session cookie, for example
// after the account was deleted.
func (a *Auth) ClearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, a.cookie(r, "", -1))
}

func (a *Auth) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     CookieName,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   a.Secure(r),
		SameSite: http.SameSiteLaxMode,
	}
}

// session returns the live session named by the request's cookie, or nil.
// An expired session is deleted on the way.
func (a *Auth) session(ctx context.Context, r *http.Request) (*domain.Session, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || len(c.Value) != secretLen {
		return nil, nil
	}
	h := hashSecret(c.Value)
	s, err := a.store.FindSession(ctx, h)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(s.IDHash, h) != 1 {
		return nil, nil
	}
	if !a.opts.Now().Before(s.ExpiresAt) {
		_ = a.store.DeleteSession(ctx, h)
		return nil, nil
	}
	return s, nil
}

// safeMethod reports whether the method only reads (RFC 9110, 9.2.1).
func safeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// checkCSRF compares the token a cookie-authenticated request sent, in the
// header or (for HTML forms) the form field, with the session's, in
// constant time.
func checkCSRF(r *http.Request, s *domain.Session) bool {
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		ct := r.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data") {
			got = r.PostFormValue(CSRFField)
		}
	}
	return got != "" && s.CSRFToken != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRFToken)) == 1
}
