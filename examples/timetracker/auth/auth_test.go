package auth_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

var cheap = auth.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestPasswords(t *testing.T) {
	h, err := auth.HashPassword("correct horse", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") || strings.Contains(h, "correct horse") {
		t.Fatalf("hash %q", h)
	}
	h2, _ := auth.HashPassword("correct horse", cheap)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	tests := []struct {
		name, hash, pw string
		want           error
	}{
		{"right", h, "correct horse", nil},
		{"wrong", h, "correct horsE", auth.ErrMismatch},
		{"empty", h, "", auth.ErrMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := auth.CheckPassword(tt.hash, tt.pw); !errors.Is(err, tt.want) {
				t.Fatalf("CheckPassword = %v, want %v", err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "plain", "$2a$10$bcrypt", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5"} {
		if err := auth.CheckPassword(bad, "x"); err == nil || errors.Is(err, auth.ErrMismatch) {
			t.Errorf("CheckPassword(%q) = %v, want a malformed-hash error", bad, err)
		}
	}
	if auth.NeedsRehash(h, cheap) || !auth.NeedsRehash(h, auth.DefaultParams) {
		t.Error("NeedsRehash does not compare the parameters")
	}
}

func newAuth(t *testing.T, opts auth.Options) (*auth.Auth, *store.DB) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	opts.Store = db
	opts.Params = cheap
	a, err := auth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return a, db
}

// TestMiddleware resolves cookies and tokens and enforces CSRF on
// cookie-authenticated state changes.
func TestMiddleware(t *testing.T) {
	ctx := context.Background()
	a, db := newAuth(t, auth.Options{})
	u, err := a.Register(ctx, auth.Registration{Email: "m@example.org", Password: "middleware", Name: "M"})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := a.CreateToken(ctx, u.ID, "ci")
	if err != nil {
		t.Fatal(err)
	}
	// The database holds the hash only.
	var n int
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM tokens WHERE hash = ?", []byte(secret)).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the token secret is stored as is (%d, %v)", n, err)
	}
	rec := httptest.NewRecorder()
	s, err := a.StartSession(ctx, rec, httptest.NewRequest("POST", "/", nil), u)
	if err != nil {
		t.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]

	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := auth.IdentityFrom(r.Context())
		switch {
		case id == nil:
			w.Write([]byte("anonymous"))
		case id.Token != nil:
			w.Write([]byte("token"))
		default:
			w.Write([]byte("session " + auth.CSRFToken(r.Context())))
		}
	}))
	tests := []struct {
		name   string
		method string
		setup  func(r *http.Request)
		status int
		body   string
	}{
		{"nothing", "GET", func(*http.Request) {}, 200, "anonymous"},
		{"token", "POST", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) }, 200, "token"},
		{"token, lower-case scheme", "GET", func(r *http.Request) { r.Header.Set("Authorization", "bearer "+secret) }, 200, "token"},
		{"wrong token", "GET", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret[:len(secret)-1]+"x") }, 401, ""},
		{"basic auth", "GET", func(r *http.Request) { r.SetBasicAuth("m", "middleware") }, 401, ""},
		{"cookie read", "GET", func(r *http.Request) { r.AddCookie(cookie) }, 200, "session " + s.CSRFToken},
		{"cookie write without CSRF", "POST", func(r *http.Request) { r.AddCookie(cookie) }, 403, ""},
		{"cookie write with header", "DELETE", func(r *http.Request) { r.AddCookie(cookie); r.Header.Set(auth.CSRFHeader, s.CSRFToken) }, 200, "session"},
		{"cookie form with field", "POST", func(r *http.Request) {
			r.AddCookie(cookie)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Body = io.NopCloser(strings.NewReader(auth.CSRFField + "=" + s.CSRFToken))
		}, 200, "session"},
		{"cookie form with wrong field", "POST", func(r *http.Request) {
			r.AddCookie(cookie)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Body = io.NopCloser(strings.NewReader(auth.CSRFField + "=wrong"))
		}, 403, ""},
		{"unknown cookie", "GET", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: auth.CookieName, Value: strings.Repeat("A", 43)})
		}, 200, "anonymous"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/", nil)
			tt.setup(r)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status || !strings.HasPrefix(w.Body.String(), tt.body) {
				t.Fatalf("%d %q, want %d %q", w.Code, w.Body.String(), tt.status, tt.body)
			}
		})
	}

	// Signed out, the cookie no longer works.
	w := httptest.NewRecorder()
	r := httptest.NewRequest("DELETE", "/", nil)
	r.AddCookie(cookie)
	if err := a.EndSession(ctx, w, r); err != nil {
		t.Fatal(err)
	}
	if c := w.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Fatalf("EndSession did not clear the cookie: %v", c)
	}
	w = httptest.NewRecorder()
	r = httptest.NewRequest("GET", "/", nil)
	r.AddCookie(cookie)
	h.ServeHTTP(w, r)
	if w.Body.String() != "anonymous" {
		t.Fatalf("after sign-out: %q", w.Body.String())
	}
}

func TestSessionExpiry(t *testing.T) {
	now := time.Now()
	a, db := newAuth(t, auth.Options{SessionTTL: time.Hour, Now: func() time.Time { return now }})
	ctx := context.Background()
	u, err := a.Register(ctx, auth.Registration{Email: "e@example.org", Password: "expiring", Name: "E"})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if _, err := a.StartSession(ctx, rec, httptest.NewRequest("POST", "/", nil), u); err != nil {
		t.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]
	if cookie.MaxAge != 3600 {
		t.Fatalf("MaxAge %d", cookie.MaxAge)
	}
	who := func() string {
		var got string
		h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u := auth.UserFrom(r.Context()); u != nil {
				got = u.Email
			}
		}))
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(cookie)
		h.ServeHTTP(httptest.NewRecorder(), r)
		return got
	}
	if who() != "e@example.org" {
		t.Fatal("fresh session not recognised")
	}
	later := now.Add(2 * time.Hour)
	now = later
	db.Now = func() time.Time { return later }
	if who() != "" {
		t.Fatal("expired session still signs in")
	}
}

func TestSignIn(t *testing.T) {
	ctx := context.Background()
	a, _ := newAuth(t, auth.Options{Limits: auth.LimitOptions{PerAccountAddress: 2}})
	if _, err := a.Register(ctx, auth.Registration{Email: "s@example.org", Password: "sign-in-pw", Name: "S"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Register(ctx, auth.Registration{Email: "S@example.org", Password: "sign-in-pw", Name: "S"}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("second registration of the same email: %v", err)
	}
	u, err := a.SignIn(ctx, " S@Example.org", "sign-in-pw", "192.0.2.1")
	if err != nil || u.Email != "s@example.org" {
		t.Fatalf("SignIn = %v, %v", u, err)
	}
	for range 2 {
		if _, err := a.SignIn(ctx, "s@example.org", "nope-nope", "192.0.2.1"); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Fatalf("wrong password: %v", err)
		}
	}
	_, err = a.SignIn(ctx, "s@example.org", "sign-in-pw", "192.0.2.1")
	var le *auth.LimitedError
	if !errors.As(err, &le) || domain.ErrorCode(err) != domain.ETOOMANY || le.RetryAfter <= 0 {
		t.Fatalf("over the limit: %v", err)
	}
}

func TestClientAddr(t *testing.T) {
	for _, tt := range []struct {
		trust bool
		xff   string
		want  string
	}{
		{false, "203.0.113.9", "192.0.2.1"},
		{true, "203.0.113.9", "203.0.113.9"},
		{true, "198.51.100.1, 203.0.113.9", "203.0.113.9"},
		{true, "garbage", "192.0.2.1"},
	} {
		a, _ := newAuth(t, auth.Options{TrustProxy: tt.trust})
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "192.0.2.1:5555"
		r.Header.Set("X-Forwarded-For", tt.xff)
		if got := a.ClientAddr(r); got != tt.want {
			t.Errorf("trust=%v xff=%q: %q, want %q", tt.trust, tt.xff, got, tt.want)
		}
	}
}

// Secure is the one HTTPS decision behind the session cookie, the flash
// cookie and HSTS: X-Forwarded-Proto counts only with TrustProxy, and then
// only the value the proxy added last.
func TestSecure(t *testing.T) {
	for _, tt := range []struct {
		name          string
		secureCookies bool
		trust         bool
		tls           bool
		xfp           []string
		want          bool
	}{
		{"plain HTTP", false, false, false, nil, false},
		{"TLS connection", false, false, true, nil, true},
		{"SECURE_COOKIES", true, false, false, nil, true},
		{"header from an untrusted client", false, false, false, []string{"https"}, false},
		{"header from the trusted proxy", false, true, false, []string{"HTTPS"}, true},
		{"trusted proxy says http", false, true, false, []string{"http"}, false},
		{"trusted proxy without the header", false, true, false, nil, false},
		{"client's https before the proxy's http", false, true, false, []string{"https, http"}, false},
		{"client's header line before the proxy's", false, true, false, []string{"https", "http"}, false},
		{"proxy appended https", false, true, false, []string{"http, https"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := newAuth(t, auth.Options{SecureCookies: tt.secureCookies, TrustProxy: tt.trust})
			r := httptest.NewRequest("GET", "/", nil)
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for _, v := range tt.xfp {
				r.Header.Add("X-Forwarded-Proto", v)
			}
			if got := a.Secure(r); got != tt.want {
				t.Errorf("Secure = %v, want %v", got, tt.want)
			}
		})
	}
}
