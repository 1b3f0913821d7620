package auth

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/logging"
)

// Identity is who made a request and how they proved it. Exactly one of
// Session and Token is set.
type Identity struct {
	User    *domain.User
	Session *domain.Session // signed in with the session cookie
	Token   *domain.Token   // signed in with a bearer token
}

type identityKey struct{}

// WithIdentity returns a context carrying id, as the middleware does.
func WithIdentity(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// IdentityFrom returns the request's Identity, or nil when nobody is
// signed in.
func IdentityFrom(ctx context.Context) *Identity {
	id, _ := ctx.Value(identityKey{}).(*Identity)
	return id
}

// UserFrom returns the signed-in user, or nil.
func UserFrom(ctx context.Context) *domain.User {
	if id := IdentityFrom(ctx); id != nil {
		return id.User
	}
	return nil
}

// CSRFToken returns the token HTML forms must carry in the CSRFField
// field, or "" when the request has no session.
func CSRFToken(ctx context.Context) string {
	if id := IdentityFrom(ctx); id != nil && id.Session != nil {
		return id.Session.CSRFToken
	}
	return ""
}

// Middleware resolves the caller and stores their Identity in the request
// context. With an Authorization header, it must be a valid bearer token
// (otherwise Options.OnError answers 401); without one, a valid session
// cookie signs the user in, and a state-changing request must then carry
// the session's CSRF token (otherwise OnError answers 403). A missing or
// stale cookie leaves the request anonymous; handlers decide whether that
// is allowed.
func (a *Auth) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var id *Identity
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := bearer(h)
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="timetracker"`)
				a.opts.OnError(w, r, domain.Errorf(domain.EUNAUTHORIZED, "Use Authorization: Bearer with a personal API token."))
				return
			}
			t, err := a.token(ctx, secret)
			if err != nil {
				if domain.ErrorCode(err) == domain.EUNAUTHORIZED {
					w.Header().Set("WWW-Authenticate", `Bearer realm="timetracker", error="invalid_token"`)
				}
				a.opts.OnError(w, r, err)
				return
			}
			u, err := a.store.FindUserByID(ctx, t.UserID)
			if err == nil && !u.Active() {
				err = domain.Errorf(domain.EUNAUTHORIZED, "This account has been deactivated by an administrator.")
			}
			if err != nil {
				if domain.ErrorCode(err) == domain.ENOTFOUND {
					err = domain.Errorf(domain.EUNAUTHORIZED, "The API token is not valid.")
				}
				a.opts.OnError(w, r, err)
				return
			}
			id = &Identity{User: u, Token: t}
		} else {
			s, err := a.session(ctx, r)
			if err != nil {
				a.opts.OnError(w, r, err)
				return
			}
			if s != nil {
				u, err := a.store.FindUserByID(ctx, s.UserID)
				switch {
				case domain.ErrorCode(err) == domain.ENOTFOUND:
					s = nil
				case err == nil && !u.Active():
					// Deactivation ends the sessions; one that slipped
					// through signs nobody in.
					_ = a.store.DeleteSession(ctx, s.IDHash)
					s = nil
				case err != nil:
					a.opts.OnError(w, r, err)
					return
				default:
					id = &Identity{User: u, Session: s}
				}
			}
			if s == nil {
				if _, err := r.Cookie(CookieName); err == nil {
					a.ClearCookie(w, r) // stale: stop the browser sending it
				}
			}
			if id != nil && !safeMethod(r.Method) && !checkCSRF(r, s) {
				logging.SetUserID(ctx, id.User.ID)
				a.opts.OnError(w, r, domain.Errorf(domain.EFORBIDDEN, "Missing or wrong CSRF token; reload the page and try again."))
				return
			}
		}
		if id == nil {
			next.ServeHTTP(w, r)
			return
		}
		logging.SetUserID(ctx, id.User.ID)
		a.touch(ctx, id.User)
		r2 := r.WithContext(WithIdentity(ctx, id))
		next.ServeHTTP(w, r2)
		// The mux sets the route on the request it was given; hand it
		// back to the outer layers' copy.
		if r2.Pattern != "" && r.Pattern == "" {
			r.Pattern = r2.Pattern
		}
	})
}

// activeGranularity bounds how often a user's last activity is written:
// once per ten minutes of use, not on every request.
const activeGranularity = 10 * time.Minute

// touch records that u is active, at most once per activeGranularity.
func (a *Auth) touch(ctx context.Context, u *domain.User) {
	now := a.opts.Now()
	if u.LastActiveAt != nil && now.Sub(*u.LastActiveAt) < activeGranularity {
		return
	}
	_ = a.store.TouchUser(context.WithoutCancel(ctx), u.ID, now)
	u.LastActiveAt = &now
}

// bearer returns the token of "Bearer <token>"; the scheme is
// case-insensitive.
func bearer(h string) (string, bool) {
	const p = "bearer "
	if len(h) <= len(p) || !strings.EqualFold(h[:len(p)], p) {
		return "", false
	}
	t := strings.TrimSpace(h[len(p):])
	return t, t != ""
}
