package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/logging"
)

// Store is the storage auth needs: accounts, sessions, tokens and the
// rate-limit counters.
type Store interface {
	domain.UserService
	domain.SessionService
	domain.TokenService
	domain.AttemptService
}

// Options configure [New]. Only Store is required.
type Options struct {
	Store Store

	// Params are the argon2id costs for new hashes; zero means DefaultParams.
	Params Params
	// SessionTTL is how long a session lasts; default 30 days.
	SessionTTL time.Duration
	// SecureCookies marks the session cookie Secure on every response, for
	// deployments behind a TLS proxy that does not send X-Forwarded-Proto.
	// Without it the cookie is Secure when the request came over TLS, or
	// over a trusted proxy that says X-Forwarded-Proto: https.
	SecureCookies bool
	// TrustProxy makes X-Forwarded-For and X-Forwarded-Proto count: the
	// client address for rate limiting is the last X-Forwarded-For entry
	// (the one the proxy added). Set it only behind a proxy that sets them.
	TrustProxy bool
	// RegistrationClosed refuses new accounts, except the very first one
	// (who becomes the admin).
	RegistrationClosed bool
	// Limits are the sign-in and sign-up limits; the zero value means
	// the defaults (see LimitOptions).
	Limits LimitOptions
	// OnError answers a request the middleware refuses: an invalid bearer
	// token (a domain.EUNAUTHORIZED error) or a missing or wrong CSRF token
	// (domain.EFORBIDDEN). The default writes a plain-text status.
	OnError func(w http.ResponseWriter, r *http.Request, err error)
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Auth authenticates requests and manages passwords, sessions and tokens.
// Its methods are safe for concurrent use.
type Auth struct {
	store  Store
	opts   Options
	limits LimitOptions

	dummyOnce sync.Once
	dummy     string
}

// Names shared with the web pages.
const (
	// CookieName is the session cookie.
	CookieName = "tt_session"
	// CSRFHeader carries the CSRF token on API requests.
	CSRFHeader = "X-CSRF-Token"
	// CSRFField carries the CSRF token in HTML forms.
	CSRFField = "csrf_token"
	// TokenPrefix starts every personal API token.
	TokenPrefix = "ttk_"
)

// New returns an Auth over opts.Store.
func New(opts Options) (*Auth, error) {
	if opts.Store == nil {
		return nil, errors.New("auth: Options.Store is required")
	}
	if opts.Params == (Params{}) {
		opts.Params = DefaultParams
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 30 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.OnError == nil {
		opts.OnError = plainError
	}
	return &Auth{store: opts.Store, opts: opts, limits: opts.Limits.withDefaults()}, nil
}

func plainError(w http.ResponseWriter, _ *http.Request, err error) {
	code := http.StatusUnauthorized
	if domain.ErrorCode(err) == domain.EFORBIDDEN {
		code = http.StatusForbidden
	}
	http.Error(w, domain.ErrorMessage(err), code)
}

// randomSecret returns 256 random bits, base64url without padding.
func randomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// secretLen is the length of randomSecret's output.
const secretLen = 43

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// NormalizeEmail trims and lower-cases an email address and checks that it
// is one. The error names the field "email".
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", domain.FieldError("email", "Email is required.")
	}
	if len(s) > 254 {
		return "", domain.FieldError("email", "Email is too long.")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", domain.FieldError("email", "Email does not look like an email address.")
	}
	return s, nil
}

// NormalizeName trims a display name and checks its length.
func NormalizeName(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", domain.FieldError("name", "Name is required.")
	case n > 100:
		return "", domain.FieldError("name", "Name is longer than 100 characters.")
	}
	return s, nil
}

func checkPasswordRules(field, pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case n < MinPasswordLen:
		return domain.FieldError(field, "Password must be at least %d characters.", MinPasswordLen)
	case len(pw) > MaxPasswordLen:
		return domain.FieldError(field, "Password is longer than %d bytes.", MaxPasswordLen)
	}
	return nil
}

// Registration is what a new user gives.
type Registration struct {
	Email    string
	Password string
	Name     string
	// Client is the address the sign-up comes from (see [Auth.ClientAddr]),
	// which sign-ups are limited by.
	Client string
}

// Register validates reg, hashes the password and creates the account. The
// first account is an admin. When registration is closed, only the first
// account may be created; later attempts get domain.EFORBIDDEN before
// anything else is looked at, so the answer is the same for every email.
// Sign-ups are limited per address (LimitOptions.SignUpsPerAddress); over
// the limit the error is a *LimitedError.
func (a *Auth) Register(ctx context.Context, reg Registration) (*domain.User, error) {
	closed := func() error { return domain.Errorf(domain.EFORBIDDEN, "Registration is closed on this server.") }
	if a.opts.RegistrationClosed {
		n, err := a.store.CountUsers(ctx)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, closed()
		}
	}
	email, err := NormalizeEmail(reg.Email)
	if err != nil {
		return nil, err
	}
	name, err := NormalizeName(reg.Name)
	if err != nil {
		return nil, err
	}
	if err := checkPasswordRules("password", reg.Password); err != nil {
		return nil, err
	}
	// Counted before the hash, so a burst cannot outrun the limit. Only
	// well-formed sign-ups get here: a typo in a form costs nothing.
	if _, err := a.reserveSignUp(ctx, reg.Client); err != nil {
		return nil, err
	}
	hash, err := HashPassword(reg.Password, a.opts.Params)
	if err != nil {
		return nil, err
	}
	u := &domain.User{Email: email, Name: name, PasswordHash: hash}
	if err := a.store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	// Two sign-ups racing on an empty, closed server both pass the count
	// above; the store makes exactly one of them the admin, and the other
	// is taken back.
	if a.opts.RegistrationClosed && u.Role != domain.RoleAdmin {
		if err := a.store.DeleteUser(ctx, u.ID); err != nil {
			return nil, err
		}
		return nil, closed()
	}
	return u, nil
}

// SignIn checks an email and password from client (see [Auth.ClientAddr]).
// Wrong credentials give domain.EUNAUTHORIZED without saying which part was
// wrong; an attempt over a limit gives a *LimitedError (see LimitOptions).
//
// The attempt is counted before the password is checked and given back
// when it succeeds, so concurrent guesses cannot outrun the limits. Every
// failure costs the same work: one argon2id derivation over at most
// MaxPasswordLen bytes, for an unknown email (against a dummy hash) as for
// a known one, whatever the length of the password.
func (a *Auth) SignIn(ctx context.Context, email, password, client string) (*domain.User, error) {
	email = normEmail(email)
	res, err := a.reserveSignIn(ctx, email, client)
	if err != nil {
		return nil, err
	}
	u, ok, err := a.verify(ctx, email, password)
	if err != nil {
		a.release(ctx, res)
		return nil, err
	}
	if !ok {
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "Wrong email or password.") // the hits stay: a failure
	}
	if !u.Active() {
		// Said only to someone who knows the password.
		a.release(ctx, res)
		return nil, domain.Errorf(domain.EFORBIDDEN, "This account has been deactivated. Ask an administrator to reactivate it.")
	}
	a.signedIn(ctx, res, email, client)
	a.touch(ctx, u)
	if NeedsRehash(u.PasswordHash, a.opts.Params) {
		if h, err := HashPassword(password, a.opts.Params); err == nil {
			if nu, err := a.store.UpdateUser(ctx, u.ID, domain.UserUpdate{PasswordHash: &h}); err == nil {
				u = nu
			}
		}
	}
	return u, nil
}

// verify looks the account up and checks the password with constant work:
// exactly one derivation, with the account's hash or the dummy one, over
// the password cut to MaxPasswordLen bytes. A longer password never
// matches, but it is not refused before the work is done: that shortcut
// told known emails from unknown ones.
func (a *Auth) verify(ctx context.Context, email, password string) (*domain.User, bool, error) {
	u, err := a.store.FindUserByEmail(ctx, email)
	found := err == nil
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		return nil, false, err
	}
	hash := a.dummyHash()
	if found {
		hash = u.PasswordHash
	}
	pw, tooLong := password, len(password) > MaxPasswordLen
	if tooLong {
		pw = pw[:MaxPasswordLen]
	}
	switch err := CheckPassword(hash, pw); {
	case errors.Is(err, ErrMismatch):
		return nil, false, nil
	case err != nil && found:
		return nil, false, fmt.Errorf("auth: stored hash of user %d: %w", u.ID, err)
	case err != nil:
		return nil, false, err
	}
	if !found || tooLong {
		return nil, false, nil
	}
	return u, true, nil
}

func (a *Auth) dummyHash() string {
	a.dummyOnce.Do(func() {
		a.dummy, _ = HashPassword(randomSecret(), a.opts.Params)
	})
	return a.dummy
}

// ProfileUpdate is a change a user makes to their own account (R3). Nil
// fields stay as they are. Changing the email or the password requires
// the current password.
type ProfileUpdate struct {
	Name            *string
	Email           *string
	Password        *string
	CurrentPassword *string
	// RevokeTokens, with a new Password, also revokes every API token of
	// the user but the one making the request: whoever knew the old
	// password may have made one.
	RevokeTokens bool
	// Client is the address of the request (see [Auth.ClientAddr]): wrong
	// current passwords count against the sign-in limits.
	Client string
}

// ConfirmPassword checks the signed-in user's current password before an
// act that cannot be undone, such as deleting the account. A missing or
// wrong password is EINVALID on field; the checks count against the
// sign-in limits of the account and address, so a stolen token or
// session cannot be used to guess the password.
func (a *Auth) ConfirmPassword(ctx context.Context, u *domain.User, field, password, client string) error {
	if password == "" {
		return domain.FieldError(field, "Enter your current password to confirm.")
	}
	res, err := a.reserveReauth(ctx, u.Email, client)
	if err != nil {
		return err
	}
	pw, tooLong := password, len(password) > MaxPasswordLen
	if tooLong {
		pw = pw[:MaxPasswordLen]
	}
	switch err := CheckPassword(u.PasswordHash, pw); {
	case errors.Is(err, ErrMismatch) || (err == nil && tooLong):
		return domain.FieldError(field, "The current password is wrong.")
	case err != nil:
		a.release(ctx, res)
		return fmt.Errorf("auth: stored hash of user %d: %w", u.ID, err)
	}
	a.release(ctx, res)
	return nil
}

// UpdateProfile validates and applies upd to u's account. Changing the
// password ends every other session of the user and, with
// upd.RevokeTokens, revokes their API tokens.
func (a *Auth) UpdateProfile(ctx context.Context, u *domain.User, upd ProfileUpdate) (*domain.User, error) {
	var du domain.UserUpdate
	if upd.Name != nil {
		n, err := NormalizeName(*upd.Name)
		if err != nil {
			return nil, err
		}
		du.Name = &n
	}
	if upd.Email != nil {
		e, err := NormalizeEmail(*upd.Email)
		if err != nil {
			return nil, err
		}
		if e != u.Email {
			du.Email = &e
		}
	}
	if upd.Password != nil {
		if err := checkPasswordRules("password", *upd.Password); err != nil {
			return nil, err
		}
	}
	if du.Email != nil || upd.Password != nil {
		if upd.CurrentPassword == nil || *upd.CurrentPassword == "" {
			return nil, domain.FieldError("current_password", "Enter your current password to change your email or password.")
		}
		if err := a.ConfirmPassword(ctx, u, "current_password", *upd.CurrentPassword, upd.Client); err != nil {
			return nil, err
		}
	}
	if upd.Password != nil {
		h, err := HashPassword(*upd.Password, a.opts.Params)
		if err != nil {
			return nil, err
		}
		du.PasswordHash = &h
	}
	nu, err := a.store.UpdateUser(ctx, u.ID, du)
	if err != nil || upd.Password == nil {
		return nu, err
	}
	// A new password signs out every other browser: whoever knew the old
	// one may be holding a session. The session making the change stays.
	var keep []byte
	var keepToken int64
	if id := IdentityFrom(ctx); id != nil && id.Session != nil {
		keep = id.Session.IDHash
	} else if id != nil && id.Token != nil {
		keepToken = id.Token.ID
	}
	if _, err := a.store.DeleteUserSessions(ctx, u.ID, keep); err != nil {
		return nil, err
	}
	if upd.RevokeTokens {
		if _, err := a.store.DeleteUserTokens(ctx, u.ID, keepToken); err != nil {
			return nil, err
		}
	}
	return nu, nil
}

// ClientAddr returns the address rate limits are counted against: the
// connection's peer, or with TrustProxy the last X-Forwarded-For entry. It
// is [logging.ClientIP], so that the limits and the request log's
// client_ip name the same client.
func (a *Auth) ClientAddr(r *http.Request) string {
	if ip := logging.ClientIP(r, a.opts.TrustProxy); ip != "" {
		return ip
	}
	return r.RemoteAddr
}

// Secure reports whether the request reached the app over HTTPS, and so
// whether the cookies set in reply are marked Secure and the reply carries
// Strict-Transport-Security. It is the app's one answer to that question,
// used by the session cookie, the pages' flash cookie and the HSTS header:
//
//   - with SecureCookies, always (a TLS proxy that sends no
//     X-Forwarded-Proto);
//   - when the connection itself is TLS;
//   - with TrustProxy, when the last X-Forwarded-Proto value (the one the
//     proxy in front set or appended) is https.
//
// Without TrustProxy the header is ignored: any client can send it, and
// a cookie marked Secure on plain HTTP would never come back.
func (a *Auth) Secure(r *http.Request) bool {
	if a.opts.SecureCookies || r.TLS != nil {
		return true
	}
	if !a.opts.TrustProxy {
		return false
	}
	vs := r.Header.Values("X-Forwarded-Proto")
	if len(vs) == 0 {
		return false
	}
	last := vs[len(vs)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(last), "https")
}
