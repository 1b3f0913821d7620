package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// webAs signs a browser client in and lets it see redirects.
func webAs(app *testApp, email, password string) *client {
	c := app.client()
	c.signIn(email, password)
	c.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

func (c *client) post(path string, form url.Values) *response {
	c.t.Helper()
	form.Set("csrf_token", c.csrf)
	return c.doType("POST", path, form.Encode(), "application/x-www-form-urlencoded")
}

// TestLastAdmin: the only admin can delete neither their account (API and
// page, with a clear message) nor be demoted or deactivated; once another
// admin exists they can.
func TestLastAdmin(t *testing.T) {
	app := newTestApp(t, nil)
	admin, au := app.register("boss@example.org", "boss-password", "Boss")
	_, uu := app.register("staff@example.org", "staff-password", "Staff")
	if au.Role != "admin" {
		t.Fatal("the first account is not the admin")
	}
	r := admin.do("DELETE", "/api/v1/me", map[string]string{"password": "boss-password"})
	if r.status != http.StatusConflict || !strings.Contains(r.apiError(t).Error.Message, "only administrator") {
		t.Fatalf("the only admin deleting themselves by the API: %d %s", r.status, r.body)
	}
	web := webAs(app, "boss@example.org", "boss-password")
	r = web.post("/settings/delete", url.Values{"password": {"boss-password"}})
	if r.status != http.StatusConflict || !strings.Contains(string(r.body), "You are the only administrator") {
		t.Fatalf("the only admin deleting themselves on the page: %d", r.status)
	}
	me := "/admin/users/" + strconv.FormatInt(au.ID, 10)
	for _, p := range []struct {
		path string
		form url.Values
	}{{me + "/role", url.Values{"role": {"user"}}}, {me + "/active", url.Values{"active": {"false"}}}} {
		r := web.post(p.path, p.form)
		if r.status != http.StatusSeeOther || !hasFlash(r, "last-admin", "not-yourself") {
			t.Fatalf("%s %v: %d %v", p.path, p.form, r.status, r.header["Set-Cookie"])
		}
	}
	admin.must(http.StatusOK, "GET", "/api/v1/me", nil, nil) // still there, still admin
	// Promote the other user; now the first may step down and leave.
	if r := web.post("/admin/users/"+strconv.FormatInt(uu.ID, 10)+"/role", url.Values{"role": {"admin"}}); !hasFlash(r, "user-promoted") {
		t.Fatalf("promote: %d %v", r.status, r.header["Set-Cookie"])
	}
	admin.must(http.StatusNoContent, "DELETE", "/api/v1/me", map[string]string{"password": "boss-password"}, nil)
}

func hasFlash(r *response, codes ...string) bool {
	for _, c := range r.header["Set-Cookie"] {
		for _, code := range codes {
			if strings.HasPrefix(c, "tt_flash="+code+";") {
				return true
			}
		}
	}
	return false
}

// TestAdminUserList: the admin sees every user with role, creation and
// last activity, and can deactivate one: that user can no longer sign in,
// and their session and token stop working; reactivated, they work again.
func TestAdminUserList(t *testing.T) {
	app := newTestApp(t, nil)
	app.register("boss@example.org", "boss-password", "Boss")
	staff, su := app.register("staff@example.org", "staff-password", "Staff")
	staffWeb := webAs(app, "staff@example.org", "staff-password")
	web := webAs(app, "boss@example.org", "boss-password")

	page := web.must(http.StatusOK, "GET", "/admin", nil, nil)
	body := string(page.body)
	for _, want := range []string{`id="users"`, "boss@example.org", "staff@example.org", "Administrator", "Last active"} {
		if !strings.Contains(body, want) {
			t.Fatalf("the admin page lacks %q", want)
		}
	}
	// A plain user may neither see the list nor act on it.
	staffWeb.must(http.StatusForbidden, "GET", "/admin", nil, nil)
	if r := staffWeb.post("/admin/users/"+strconv.FormatInt(su.ID, 10)+"/role", url.Values{"role": {"admin"}}); r.status != http.StatusForbidden {
		t.Fatalf("a user promoting themselves: %d", r.status)
	}
	// Without the CSRF token the admin's own form is refused.
	noCSRF := url.Values{"active": {"false"}}.Encode()
	saved := web.csrf
	web.csrf = ""
	if r := web.doType("POST", "/admin/users/"+strconv.FormatInt(su.ID, 10)+"/active", noCSRF, "application/x-www-form-urlencoded"); r.status != http.StatusForbidden {
		t.Fatalf("deactivating without CSRF: %d", r.status)
	}
	web.csrf = saved

	if r := web.post("/admin/users/"+strconv.FormatInt(su.ID, 10)+"/active", url.Values{"active": {"false"}}); !hasFlash(r, "user-deactivated") {
		t.Fatalf("deactivate: %d %v", r.status, r.header["Set-Cookie"])
	}
	staff.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)       // token
	staffWeb.must(http.StatusSeeOther, "GET", "/settings/profile", nil, nil) // session gone: sent to sign in
	if r := app.client().do("POST", "/api/v1/sessions", map[string]string{"email": "staff@example.org", "password": "staff-password"}); r.status != http.StatusForbidden {
		t.Fatalf("a deactivated user signing in: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(web.must(http.StatusOK, "GET", "/admin", nil, nil).body), "deactivated") {
		t.Fatal("the list does not show the deactivation")
	}
	web.post("/admin/users/"+strconv.FormatInt(su.ID, 10)+"/active", url.Values{"active": {"true"}})
	staff.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)
}

// TestMetricsOpenWarning: with /metrics on the main port of a
// non-loopback address and no token, the start-up record and the admin
// page warn; with METRICS_TOKEN or a loopback address they do not.
func TestMetricsOpenWarning(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		open bool
	}{
		{map[string]string{"LISTEN_ADDR": ":8080"}, true},
		{map[string]string{"LISTEN_ADDR": "0.0.0.0:8080"}, true},
		{map[string]string{"LISTEN_ADDR": "127.0.0.1:8080"}, false},
		{map[string]string{"LISTEN_ADDR": ":8080", "METRICS_TOKEN": "t"}, false},
		{map[string]string{"LISTEN_ADDR": ":8080", "METRICS_ADDR": "127.0.0.1:9090"}, false},
		{map[string]string{"LISTEN_ADDR": "127.0.0.1:8080", "METRICS_ADDR": "10.0.0.5:9090"}, true},
	} {
		cfg, err := loadConfig(mapLookup(tt.env))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.metricsOpen() != tt.open {
			t.Errorf("%v: open = %v, want %v", tt.env, !tt.open, tt.open)
		}
	}
	app := newTestApp(t, map[string]string{"LISTEN_ADDR": ":8080"})
	app.register("boss@example.org", "boss-password", "Boss")
	web := webAs(app, "boss@example.org", "boss-password")
	if !strings.Contains(string(web.must(http.StatusOK, "GET", "/admin", nil, nil).body), `id="metrics-open"`) {
		t.Fatal("the admin page does not warn about open metrics")
	}
	logs := readLogs(t, app)
	first, _, _ := strings.Cut(logs, "\n")
	if !strings.Contains(first, `"metrics_warning"`) || !strings.Contains(logs, `"level":"WARN"`) {
		t.Fatalf("the start-up record does not warn: %s", first)
	}
	closed := newTestApp(t, map[string]string{"LISTEN_ADDR": ":8080", "METRICS_TOKEN": "scrape"})
	if strings.Contains(readLogs(t, closed), "metrics_warning") {
		t.Fatal("warned with METRICS_TOKEN set")
	}
}

func readLogs(t *testing.T, app *testApp) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(app.logDir, "app.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
