package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestErrorStatuses sends bad input of every kind the API refuses and
// checks the status, the error code and, for 400, the field named.
func TestErrorStatuses(t *testing.T) {
	app := newTestApp(t, nil)
	admin, _ := app.register("admin@example.org", "password-admin", "Admin")
	c, _ := app.register("user@example.org", "password-user", "User")
	anon := app.client()
	var pr idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P"}, &pr)
	pid := strconv.FormatInt(pr.ID, 10)

	bad := app.client()
	bad.token = "ttk_" + strings.Repeat("A", 43)

	tests := []struct {
		name        string
		c           *client
		method      string
		path        string
		body        any
		contentType string
		status      int
		code        string
		field       string
	}{
		{"empty name", c, "POST", "/api/v1/clients", `{"name":"  "}`, "", 400, "invalid", "name"},
		{"unknown field", c, "POST", "/api/v1/clients", `{"name":"x","colour":"red"}`, "", 400, "invalid", "colour"},
		{"wrong type", c, "POST", "/api/v1/clients", `{"name":5}`, "", 400, "invalid", "name"},
		{"wrong type nested in nullable", c, "PATCH", "/api/v1/projects/" + pid, `{"client_id":"x"}`, "", 400, "invalid", "client_id"},
		{"not JSON", c, "POST", "/api/v1/clients", `{"name":`, "", 400, "invalid", ""},
		{"two values", c, "POST", "/api/v1/clients", `{"name":"a"}{"name":"b"}`, "", 400, "invalid", ""},
		{"empty body", c, "POST", "/api/v1/clients", "", "", 400, "invalid", ""},
		{"bad email", anon, "POST", "/api/v1/users", `{"email":"not-an-email","password":"long enough","name":"n"}`, "", 400, "invalid", "email"},
		{"short password", anon, "POST", "/api/v1/users", `{"email":"n@example.org","password":"short","name":"n"}`, "", 400, "invalid", "password"},
		{"end before start", c, "POST", "/api/v1/entries", `{"project_id":` + pid + `,"start":"2026-01-02T10:00:00Z","end":"2026-01-02T09:00:00Z"}`, "", 400, "invalid", "end"},
		{"bad time", c, "POST", "/api/v1/entries", `{"project_id":` + pid + `,"start":"yesterday","end":"2026-01-02T09:00:00Z"}`, "", 400, "invalid", "start"},
		{"missing project", c, "POST", "/api/v1/timer/start", `{}`, "", 400, "invalid", "project_id"},
		{"bad query time", c, "GET", "/api/v1/entries?from=last-week", nil, "", 400, "invalid", "from"},
		{"bad group_by", c, "GET", "/api/v1/reports/summary?group_by=year", nil, "", 400, "invalid", "group_by"},
		{"email change without password", c, "PATCH", "/api/v1/me", `{"email":"new@example.org"}`, "", 400, "invalid", "current_password"},
		{"privacy without value", c, "PUT", "/api/v1/me/privacy", `{}`, "", 400, "invalid", "analytics_opt_out"},

		{"anonymous", anon, "GET", "/api/v1/clients", nil, "", 401, "unauthorized", ""},
		{"invalid token", bad, "GET", "/api/v1/clients", nil, "", 401, "unauthorized", ""},
		{"wrong password", anon, "POST", "/api/v1/sessions", `{"email":"user@example.org","password":"not the password"}`, "", 401, "unauthorized", ""},
		{"unknown email", anon, "POST", "/api/v1/sessions", `{"email":"nobody@example.org","password":"not the password"}`, "", 401, "unauthorized", ""},

		{"test error as non-admin", c, "POST", "/api/v1/admin/test-error", nil, "", 403, "forbidden", ""},

		{"unknown id", c, "GET", "/api/v1/clients/999999", nil, "", 404, "not_found", ""},
		{"malformed id", c, "GET", "/api/v1/clients/abc", nil, "", 404, "not_found", ""},
		{"unknown route", c, "GET", "/api/v1/nothing-here", nil, "", 404, "not_found", ""},
		{"no timer", c, "POST", "/api/v1/timer/stop", nil, "", 404, "not_found", ""},

		{"email taken", anon, "POST", "/api/v1/users", `{"email":"USER@example.org","password":"long enough","name":"n"}`, "", 409, "conflict", "email"},

		{"body over 1 MiB", c, "POST", "/api/v1/clients", `{"name":"` + strings.Repeat("x", 1<<20) + `"}`, "", 413, "too_large", ""},
		{"text/plain", c, "POST", "/api/v1/clients", `{"name":"x"}`, "text/plain", 415, "unsupported", ""},
		{"form", c, "POST", "/api/v1/clients", `name=x`, "application/x-www-form-urlencoded", 415, "unsupported", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := tt.contentType
			if ct == "" {
				ct = "application/json"
			}
			r := tt.c.doType(tt.method, tt.path, tt.body, ct)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d; body %.300s", r.status, tt.status, r.body)
			}
			if got := r.header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
				t.Fatalf("Content-Type %q, want JSON", got)
			}
			e := r.apiError(t)
			if e.Error.Code != tt.code || e.Error.Field != tt.field || e.Error.Message == "" {
				t.Fatalf("error %+v, want code %q field %q and a message", e.Error, tt.code, tt.field)
			}
		})
	}

	// 409: a second timer.
	c.must(http.StatusCreated, "POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID}, nil)
	if e := c.must(http.StatusConflict, "POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID}, nil).apiError(t); e.Error.Code != "conflict" {
		t.Fatalf("second timer: %+v", e)
	}
	// The admin may send the test error (error tracking is off here).
	var te struct {
		Reported bool `json:"reported"`
	}
	admin.must(http.StatusAccepted, "POST", "/api/v1/admin/test-error", nil, &te)
	if te.Reported {
		t.Fatal("test error reported with error tracking off")
	}
}

// TestSignInRateLimit: after ten failed sign-ins for one account from one
// address, the eleventh attempt from that address is refused with 429 and
// Retry-After, even with the right password; other accounts are not
// affected.
func TestSignInRateLimit(t *testing.T) {
	app := newTestApp(t, nil)
	app.register("target@example.org", "the-right-password", "T")
	app.register("other@example.org", "other-password", "O")
	anon := app.client()
	for i := range 10 {
		r := anon.do("POST", "/api/v1/sessions", map[string]string{"email": "target@example.org", "password": "guess " + strconv.Itoa(i)})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i+1, r.status)
		}
	}
	r := anon.do("POST", "/api/v1/sessions", map[string]string{"email": "target@example.org", "password": "the-right-password"})
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("after 10 failures: status %d, want 429; %s", r.status, r.body)
	}
	if e := r.apiError(t); e.Error.Code != "too_many" {
		t.Fatalf("error %+v", e)
	}
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra <= 0 {
		t.Fatalf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	anon.must(http.StatusOK, "POST", "/api/v1/sessions", map[string]string{"email": "other@example.org", "password": "other-password"}, nil)
}

// TestInternalErrorShowsNothing: when the database is gone, the API
// answers 500 with a generic message, and the cause goes to the log only.
func TestInternalErrorShowsNothing(t *testing.T) {
	app := newTestApp(t, nil)
	c, _ := app.register("u@example.org", "password-u", "U")
	if err := app.d.db.SQL().Close(); err != nil {
		t.Fatal(err)
	}
	r := c.do("GET", "/api/v1/clients", nil)
	if r.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500; %s", r.status, r.body)
	}
	e := r.apiError(t)
	if e.Error.Code != "internal" || e.Error.Message != "Internal error." {
		t.Fatalf("500 body %s shows more than a generic message", r.body)
	}
	if bytes.Contains(r.body, []byte("sql")) || bytes.Contains(r.body, []byte("store")) {
		t.Fatalf("500 body leaks internals: %s", r.body)
	}
	var ready struct {
		Status string `json:"status"`
	}
	app.client().must(http.StatusServiceUnavailable, "GET", "/readyz", nil, &ready)
}

// TestCSRF: a cookie-authenticated request that changes state needs the
// session's CSRF token; a bearer-token request needs none; a cross-site
// browser request is refused whatever it carries.
func TestCSRF(t *testing.T) {
	app := newTestApp(t, nil)
	bearer, _ := app.register("csrf@example.org", "password-csrf", "C")
	web := app.client()
	web.signIn("csrf@example.org", "password-csrf")
	token := web.csrf

	tests := []struct {
		name   string
		csrf   string
		hdr    map[string]string
		status int
	}{
		{"no token", "", nil, 403},
		{"wrong token", strings.Repeat("x", len(token)), nil, 403},
		{"right token", token, nil, 201},
		{"right token, cross-site", token, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"right token, foreign origin", token, map[string]string{"Origin": "https://evil.example"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			web.csrf = tt.csrf
			web.hdr = http.Header{}
			for k, v := range tt.hdr {
				web.hdr.Set(k, v)
			}
			r := web.do("POST", "/api/v1/clients", map[string]string{"name": "c"})
			if r.status != tt.status {
				t.Fatalf("status %d, want %d; %s", r.status, tt.status, r.body)
			}
		})
	}
	web.csrf, web.hdr = "", http.Header{}
	web.must(http.StatusOK, "GET", "/api/v1/clients", nil, nil) // reading needs no token
	bearer.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]string{"name": "by token"}, nil)

	// Signing out needs the token too, and ends the session.
	web.must(http.StatusForbidden, "DELETE", "/api/v1/sessions/current", nil, nil)
	web.csrf = token
	web.must(http.StatusNoContent, "DELETE", "/api/v1/sessions/current", nil, nil)
	web.csrf = ""
	web.must(http.StatusUnauthorized, "GET", "/api/v1/clients", nil, nil)
}

// TestSessionCookie checks the cookie's attributes: HttpOnly and
// SameSite=Lax always, Secure behind a TLS proxy the app trusts.
func TestSessionCookie(t *testing.T) {
	for _, tt := range []struct {
		name   string
		env    map[string]string
		proto  string
		secure bool
	}{
		{"plain http", nil, "", false},
		{"untrusted proxy header", nil, "https", false},
		{"trusted TLS proxy", map[string]string{"TRUST_PROXY": "true"}, "https", true},
		{"forced", map[string]string{"SECURE_COOKIES": "true"}, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			app := newTestApp(t, tt.env)
			anon := app.client()
			anon.must(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": "k@example.org", "password": "cookie-password", "name": "K"}, nil)
			if tt.proto != "" {
				anon.hdr.Set("X-Forwarded-Proto", tt.proto)
			}
			r := anon.must(http.StatusOK, "POST", "/api/v1/sessions", map[string]string{"email": "k@example.org", "password": "cookie-password"}, nil)
			res := http.Response{Header: r.header}
			cs := res.Cookies()
			if len(cs) != 1 {
				t.Fatalf("cookies %v, want one", cs)
			}
			ck := cs[0]
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != tt.secure || ck.Path != "/" || len(ck.Value) < 40 {
				t.Fatalf("cookie %+v: want HttpOnly, SameSite=Lax, Secure=%v", ck, tt.secure)
			}
		})
	}
}

// A new password signs out every other browser of the user; the one that
// made the change stays signed in.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	app := newTestApp(t, nil)
	app.register("grace@example.org", "first password 1", "Grace")
	here, there := app.client(), app.client()
	here.signIn("grace@example.org", "first password 1")
	there.signIn("grace@example.org", "first password 1")
	there.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)

	here.must(http.StatusOK, "PATCH", "/api/v1/me",
		map[string]string{"password": "second password 2", "current_password": "first password 1"}, nil)

	here.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)
	there.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
	again := app.client()
	again.signIn("grace@example.org", "second password 2")
	again.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)
}

// A request the auth layer refuses never reaches the mux, yet its record
// names the route it was meant for, not "unmatched".
// claim: L2
func TestRefusedRequestsKeepTheirRoute(t *testing.T) {
	app := newTestApp(t, nil)
	bogus := app.client()
	bogus.token = "ttk_not-a-real-token"
	bogus.must(http.StatusUnauthorized, "GET", "/api/v1/projects/7", nil, nil)
	app.client().must(http.StatusNotFound, "GET", "/no/such/page", nil, nil)

	raw, err := os.ReadFile(filepath.Join(app.logDir, "app.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	routes := map[int]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var rec struct {
			Msg    string `json:"msg"`
			Route  string `json:"route"`
			Status int    `json:"status"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not JSON: %s", line)
		}
		if rec.Msg == "request" {
			routes[rec.Status] = rec.Route
		}
	}
	if routes[401] != "GET /api/v1/projects/{id}" {
		t.Errorf("refused request logged under route %q", routes[401])
	}
	if routes[404] == "" {
		t.Errorf("no record for the unknown page: %v", routes)
	}
}
