package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/discreet-dev/discreet/examples/timetracker/api"
	shared "github.com/discreet-dev/discreet/examples/timetracker/app"
)

// TestAuthorizationMatrix is generated from the route tables the API and
// the pages register from, so a new route cannot be added without being
// checked: every route that needs a user refuses anonymous callers, every
// admin route refuses plain users, every state-changing page refuses a
// cookie without its CSRF token, and the callers who are allowed are not
// refused.
func TestAuthorizationMatrix(t *testing.T) {
	app := newTestApp(t, nil)
	admin, _ := app.register("boss@example.org", "boss-password", "Boss")
	plain, _ := app.register("plain@example.org", "plain-password", "Plain")

	routes := append(app.d.api.Routes(), app.d.web.Routes()...)
	if len(routes) < 60 {
		t.Fatalf("only %d routes in the tables", len(routes))
	}
	path := func(pattern string) (method, p string) {
		method, p, ok := strings.Cut(pattern, " ")
		if !ok {
			method, p = "GET", pattern
		}
		p = strings.NewReplacer("{id}", "999999", "{file}", "app.css", "{$}", "").Replace(p)
		return method, p
	}
	refused := func(status int) bool { return status == http.StatusUnauthorized || status == http.StatusForbidden }
	for _, rt := range routes {
		method, p := path(rt.Pattern)
		isAPI := strings.HasPrefix(p, api.Prefix+"/")
		t.Run(rt.Pattern, func(t *testing.T) {
			anon := app.client()
			anon.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			r := anon.do(method, p, nil)
			switch {
			case rt.Access == shared.Public:
				if r.status >= 500 {
					t.Fatalf("anonymous: %d", r.status)
				}
			case isAPI || method != "GET":
				if r.status != http.StatusUnauthorized {
					t.Fatalf("anonymous: %d, want 401", r.status)
				}
			default:
				if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/signin") {
					t.Fatalf("anonymous: %d to %q, want a redirect to /signin", r.status, r.header.Get("Location"))
				}
			}
			if rt.Access == shared.Public {
				return
			}
			// Signed in: with a token for the API, with a session cookie
			// and its CSRF token for the pages.
			as := func(who *client, email, password string) *response {
				if isAPI {
					return who.do(method, p, nil)
				}
				c := webAs(app, email, password)
				if method == "GET" {
					return c.do(method, p, nil)
				}
				return c.post(p, map[string][]string{})
			}
			r = as(plain, "plain@example.org", "plain-password")
			if rt.Access == shared.Admin {
				if r.status != http.StatusForbidden {
					t.Fatalf("plain user on an admin route: %d, want 403", r.status)
				}
			} else if refused(r.status) || r.status >= 500 {
				t.Fatalf("plain user: %d", r.status)
			}
			r = as(admin, "boss@example.org", "boss-password")
			if refused(r.status) || r.status >= 500 {
				t.Fatalf("admin: %d", r.status)
			}
			if !isAPI && method != "GET" {
				c := webAs(app, "boss@example.org", "boss-password")
				c.csrf = ""
				if r := c.doType(method, p, "", "application/x-www-form-urlencoded"); r.status != http.StatusForbidden {
					t.Fatalf("a cookie without its CSRF token: %d, want 403", r.status)
				}
			}
		})
	}
}
