package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/discreet-dev/discreet/examples/timetracker/auth"
)

// testParams make password hashing cheap in tests; real hashes use
// auth.DefaultParams.
var testParams = auth.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

// testApp is the real application (wire and newHandler, as serve uses
// them) on a fresh SQLite database and log directory, behind httptest.
type testApp struct {
	t      *testing.T
	srv    *httptest.Server
	d      *deps
	logDir string
}

// newTestApp starts the app with env on top of a temporary DATA_DIR and
// LOG_DIR. It is closed when the test ends.
func newTestApp(t *testing.T, env map[string]string) *testApp {
	t.Helper()
	return newTestAppWith(t, env, runOptions{})
}

// newTestAppWith is newTestApp with hooks (a clock, the server's zone);
// ro.passwords is always the cheap test cost.
func newTestAppWith(t *testing.T, env map[string]string, ro runOptions) *testApp {
	t.Helper()
	logDir := t.TempDir()
	full := map[string]string{"DATA_DIR": t.TempDir(), "LOG_DIR": logDir, "LOG_STDERR": "false"}
	for k, v := range env {
		full[k] = v
	}
	cfg, err := loadConfig(mapLookup(full))
	if err != nil {
		t.Fatalf("loadConfig: %v", err)
	}
	ro.passwords = testParams
	d, err := wire(context.Background(), cfg, io.Discard, ro)
	if err != nil {
		t.Fatalf("wire: %v", err)
	}
	var draining atomic.Bool
	srv := httptest.NewServer(newHandler(d, &draining))
	t.Cleanup(func() {
		srv.Close()
		d.close(context.Background())
	})
	return &testApp{t: t, srv: srv, d: d, logDir: logDir}
}

func mapLookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// client talks to a testApp as one user: with a bearer token, or with the
// session cookie (and then the CSRF token) after signIn.
type client struct {
	t     *testing.T
	app   *testApp
	hc    *http.Client
	token string
	csrf  string
	hdr   http.Header // extra headers for every request
}

func (a *testApp) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: a.t, app: a, hc: &http.Client{Jar: jar}, hdr: http.Header{}}
}

// response is what came back.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// apiError is the API's error shape.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

func (r *response) apiError(t *testing.T) apiError {
	t.Helper()
	var e apiError
	r.decode(t, &e)
	return e
}

// do sends a request; body is JSON-encoded unless it is a string or
// []byte, which are sent as they are with Content-Type application/json.
func (c *client) do(method, path string, body any) *response {
	c.t.Helper()
	return c.doType(method, path, body, "application/json")
}

func (c *client) doType(method, path string, body any, contentType string) *response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.app.srv.URL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.csrf != "" {
		req.Header.Set(auth.CSRFHeader, c.csrf)
	}
	for k, vs := range c.hdr {
		req.Header[k] = vs
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return &response{status: res.StatusCode, header: res.Header, body: b}
}

// must sends a request and fails the test unless the status is want.
func (c *client) must(want int, method, path string, body any, out any) *response {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.status != want {
		c.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.status, want, r.body)
	}
	if out != nil {
		r.decode(c.t, out)
	}
	return r
}

// user is the JSON of a user.
type user struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// register creates an account and returns a client signed in with a fresh
// API token.
func (a *testApp) register(email, password, name string) (*client, user) {
	a.t.Helper()
	c := a.client()
	var u user
	c.must(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": email, "password": password, "name": name}, &u)
	c.signIn(email, password)
	var tok struct {
		Token string `json:"token"`
	}
	c.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "test"}, &tok)
	// From here on the token alone authenticates.
	c.token, c.csrf = tok.Token, ""
	jar, _ := cookiejar.New(nil)
	c.hc.Jar = jar
	return c, u
}

// signIn signs in with the session cookie and keeps the CSRF token.
func (c *client) signIn(email, password string) {
	c.t.Helper()
	var s struct {
		CSRFToken string `json:"csrf_token"`
	}
	c.must(http.StatusOK, "POST", "/api/v1/sessions", map[string]string{"email": email, "password": password}, &s)
	if s.CSRFToken == "" {
		c.t.Fatal("sign-in returned no csrf_token")
	}
	c.csrf = s.CSRFToken
}
