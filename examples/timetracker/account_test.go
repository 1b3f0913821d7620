package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDeleteMeNeedsThePassword: a bearer token alone cannot delete the
// account; DELETE /api/v1/me needs the current password in the body, and
// wrong passwords there count against the sign-in limits.
func TestDeleteMeNeedsThePassword(t *testing.T) {
	app := newTestApp(t, nil)
	c, _ := app.register("del@example.org", "delete-password", "D")
	for _, tt := range []struct {
		name string
		body any
	}{
		{"no body", nil},
		{"no password", map[string]string{}},
		{"wrong password", map[string]string{"password": "not-the-password"}},
		{"too long", map[string]string{"password": "delete-password" + strings.Repeat("x", 300)}},
	} {
		r := c.do("DELETE", "/api/v1/me", tt.body)
		if r.status != http.StatusBadRequest {
			t.Fatalf("%s: status %d, want 400; %s", tt.name, r.status, r.body)
		}
		if e := r.apiError(t); e.Error.Field != "password" {
			t.Fatalf("%s: field %q, want password", tt.name, e.Error.Field)
		}
	}
	c.must(http.StatusOK, "GET", "/api/v1/me", nil, nil) // still there
	// Eight more wrong passwords reach the limit of ten per account and address.
	for range 8 {
		c.do("DELETE", "/api/v1/me", map[string]string{"password": "guess"})
	}
	if r := c.do("DELETE", "/api/v1/me", map[string]string{"password": "delete-password"}); r.status != http.StatusTooManyRequests {
		t.Fatalf("after ten wrong passwords: status %d, want 429", r.status)
	}
}

// TestPasswordChangeRevokesTokens: with revoke_tokens (the API field; the
// web form's checkbox, checked by default) a new password revokes the
// user's other API tokens; without it they keep working.
func TestPasswordChangeRevokesTokens(t *testing.T) {
	app := newTestApp(t, nil)
	c, _ := app.register("tok@example.org", "first-password", "T")
	other := app.client()
	var tok struct {
		Token string `json:"token"`
	}
	c.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "laptop"}, &tok)
	other.token = tok.Token

	// Without the field, the token survives the change.
	c.must(http.StatusOK, "PATCH", "/api/v1/me", map[string]any{"password": "second-password", "current_password": "first-password"}, nil)
	other.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)
	// With it, every token but the caller's stops working.
	c.must(http.StatusOK, "PATCH", "/api/v1/me", map[string]any{"password": "third-password", "current_password": "second-password", "revoke_tokens": true}, nil)
	other.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
	c.must(http.StatusOK, "GET", "/api/v1/me", nil, nil)
	if r := c.do("PATCH", "/api/v1/me", map[string]any{"revoke_tokens": true}); r.status != http.StatusBadRequest || r.apiError(t).Error.Field != "revoke_tokens" {
		t.Fatalf("revoke_tokens without a password: %d %s", r.status, r.body)
	}

	// The web form: the box is checked by default, and submitting it
	// revokes the tokens.
	c.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "desktop"}, &tok)
	other.token = tok.Token
	web := app.client()
	web.signIn("tok@example.org", "third-password")
	page := web.must(http.StatusOK, "GET", "/settings/profile", nil, nil)
	if !strings.Contains(string(page.body), `name="revoke_tokens" type="checkbox" checked`) {
		t.Fatal("the revoke-tokens box is not checked by default")
	}
	if !strings.Contains(string(page.body), "desktop") || !strings.Contains(string(page.body), "Last used") {
		t.Fatal("the profile page does not list the tokens with their last use")
	}
	form := url.Values{"csrf_token": {web.csrf}, "name": {"T"}, "email": {"tok@example.org"},
		"password": {"fourth-password"}, "password_confirm": {"fourth-password"}, "current_password": {"third-password"}, "revoke_tokens": {"on"}}
	web.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if r := web.doType("POST", "/settings/profile", form.Encode(), "application/x-www-form-urlencoded"); r.status != http.StatusSeeOther {
		t.Fatalf("profile form: status %d; %s", r.status, r.body)
	}
	other.must(http.StatusUnauthorized, "GET", "/api/v1/me", nil, nil)
}
