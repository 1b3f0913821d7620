package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/discreet-dev/discreet/analytics"
)

// posthogServer records what a PostHog endpoint receives.
type posthogServer struct {
	*httptest.Server
	mu      sync.Mutex
	events  []map[string]any
	deletes []string // bodies of person deletions
	raw     strings.Builder
}

func newPostHogServer(t *testing.T) *posthogServer {
	ps := &posthogServer{}
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rd io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				t.Errorf("gzip: %v", err)
				return
			}
			rd = zr
		}
		b, _ := io.ReadAll(rd)
		ps.mu.Lock()
		defer ps.mu.Unlock()
		ps.raw.Write(b)
		switch {
		case strings.HasSuffix(r.URL.Path, "/batch/"):
			var batch struct {
				Batch []map[string]any `json:"batch"`
			}
			if err := json.Unmarshal(b, &batch); err != nil {
				t.Errorf("batch body %q: %v", b, err)
			}
			ps.events = append(ps.events, batch.Batch...)
		case strings.Contains(r.URL.Path, "/persons/bulk_delete/"):
			ps.deletes = append(ps.deletes, string(b))
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":1}`)
	}))
	t.Cleanup(ps.Close)
	return ps
}

// byUser returns the event names received per distinct ID.
func (ps *posthogServer) byUser() map[string][]string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	m := map[string][]string{}
	for _, e := range ps.events {
		id, _ := e["distinct_id"].(string)
		name, _ := e["event"].(string)
		m[id] = append(m[id], name)
	}
	return m
}

// TestAnalyticsWiring runs a session with product analytics on: the
// declared events of one user arrive under their internal ID with no names
// or notes; a user who opted out, and requests that send GPC, produce
// nothing; deleting an account asks PostHog to delete the person.
// claim: A1
// claim: A3
// claim: A4
// claim: C6
func TestAnalyticsWiring(t *testing.T) {
	ps := newPostHogServer(t)
	s := startRun(t, map[string]string{
		"POSTHOG_API_KEY":          "phc_testkey",
		"POSTHOG_HOST":             ps.URL,
		"POSTHOG_PERSONAL_API_KEY": "phx_personal",
		"POSTHOG_PROJECT_ID":       "42",
	}, runOptions{})
	app := &testApp{t: t, srv: &httptest.Server{URL: "http://" + s.addr}}

	play := func(c *client) {
		var cl, pr idOnly
		c.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]string{"name": "Secret Client Name"}, &cl)
		c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "Secret Project Name", "client_id": cl.ID, "billable": true}, &pr)
		c.must(http.StatusCreated, "POST", "/api/v1/timer/start", map[string]any{"project_id": pr.ID, "notes": "secret notes"}, nil)
		c.must(http.StatusOK, "POST", "/api/v1/timer/stop", nil, nil)
		c.must(http.StatusOK, "GET", "/api/v1/reports/summary?group_by=client", nil, nil)
		c.must(http.StatusOK, "GET", "/api/v1/reports/entries.csv", nil, nil)
		c.must(http.StatusOK, "GET", "/api/v1/me/export", nil, nil)
	}
	tracked, tu := app.register("tracked@example.org", "tracked-password", "Tracked")
	play(tracked)
	optedOut, ou := app.register("optout@example.org", "optout-password", "Opted Out")
	optedOut.must(http.StatusOK, "PUT", "/api/v1/me/privacy", map[string]bool{"analytics_opt_out": true}, nil)
	play(optedOut)
	gpc, gu := app.register("gpc@example.org", "gpc-password", "GPC")
	gpc.hdr.Set("Sec-GPC", "1")
	play(gpc)
	gone, du := app.register("gone@example.org", "gone-password", "Gone")
	gone.must(http.StatusNoContent, "DELETE", "/api/v1/me", map[string]string{"password": "gone-password"}, nil)
	s.stop(t) // flushes the queue

	got := ps.byUser()
	want := []string{"timer.started", "timer.stopped", "client.created", "project.created", "report.viewed", "csv.exported", "data.exported"}
	for _, ev := range want {
		if !slices.Contains(got[strconv.FormatInt(tu.ID, 10)], ev) {
			t.Errorf("no %s for the tracked user; got %v", ev, got)
		}
	}
	if evs := got[strconv.FormatInt(ou.ID, 10)]; len(evs) > 1 || (len(evs) == 1 && evs[0] != "user.signed_up") {
		t.Errorf("the opted-out user sent %v after opting out", evs)
	}
	if evs := got[strconv.FormatInt(gu.ID, 10)]; len(evs) > 1 || (len(evs) == 1 && evs[0] != "user.signed_up") {
		t.Errorf("GPC requests sent %v", evs)
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, secret := range []string{"Secret Client Name", "Secret Project Name", "secret notes", "@example.org", "password"} {
		if strings.Contains(ps.raw.String(), secret) {
			t.Errorf("PostHog received %q", secret)
		}
	}
	if len(ps.deletes) != 1 || !strings.Contains(ps.deletes[0], `"`+strconv.FormatInt(du.ID, 10)+`"`) {
		t.Errorf("person deletions = %q, want one for user %d", ps.deletes, du.ID)
	}
}

// TestSessionHashSharedByReplicas: two replicas on one database, and a
// restart, hash one cookie session to the same marker, because the key is
// the installation's (kept in the database) rather than each process's;
// the session cookie itself never reaches PostHog.
// claim: A1
func TestSessionHashSharedByReplicas(t *testing.T) {
	ps := newPostHogServer(t)
	env := map[string]string{
		"POSTHOG_API_KEY": "phc_testkey",
		"POSTHOG_HOST":    ps.URL,
		"DATABASE_URL":    filepath.Join(t.TempDir(), "shared.db"),
	}
	r1 := newTestApp(t, env)
	r2 := newTestApp(t, env)
	c := r1.client()
	c.must(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": "ada@example.org", "password": "ada-password", "name": "Ada"}, nil)
	c.signIn("ada@example.org", "ada-password")
	var cookie string
	u, _ := url.Parse(r1.srv.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		cookie += ck.Value
	}
	for i, app := range []*testApp{r1, r2, newTestApp(t, env)} { // the third: a restart
		c.app = app // the cookie jar is by host, so the session follows
		c.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]string{"name": "client " + strconv.Itoa(i)}, nil)
		if err := app.d.analytics.Close(context.Background()); err != nil { // flushes PostHog
			t.Fatal(err)
		}
	}

	ps.mu.Lock()
	defer ps.mu.Unlock()
	var markers []any
	for _, e := range ps.events {
		if e["event"] == "client.created" {
			props, _ := e["properties"].(map[string]any)
			markers = append(markers, props[analytics.SessionProperty])
		}
	}
	if len(markers) != 3 || markers[0] == nil || markers[0] != markers[1] || markers[1] != markers[2] {
		t.Errorf("session markers from two replicas and a restart = %v, want three equal ones", markers)
	}
	if cookie == "" || strings.Contains(ps.raw.String(), cookie) {
		t.Errorf("the session cookie (%d bytes) reached PostHog, or there was none", len(cookie))
	}
}
