package errortrack_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/getsentry/sentry-go"

	"github.com/discreet-dev/discreet/errortrack"
)

// TestScrub feeds Scrub events filled the way the SDK, its integrations or
// a careless caller could fill them, in the fields the Tracker's own API
// never sets, and checks the serialised result (what the SDK would send).
//
// claim: S2
func TestScrub(t *testing.T) {
	frames := func() *sentry.Stacktrace {
		return &sentry.Stacktrace{Frames: []sentry.Frame{{
			Function:    "save",
			Vars:        map[string]any{"password": "frame-var-secret"},
			ContextLine: `login("erin@example.com")`,
			PreContext:  []string{"// mail frank@example.com"},
		}}}
	}
	tests := []struct {
		name   string
		event  *sentry.Event
		absent []string
		keep   []string
	}{
		{
			name: "request",
			event: &sentry.Event{Request: &sentry.Request{
				Method:      "PATCH",
				URL:         "https://user:pw-in-url@app.example.com/users/erin@example.com/edit?token=url-token-1#frag-secret",
				QueryString: "token=url-token-1",
				Data:        `{"notes":"body-notes-1"}`,
				Cookies:     "session=cookie-val-1",
				Headers: map[string]string{
					"authorization": "Basic dXNlcjpwYXNz", "Set-Cookie": "sid=cookie-val-2",
					"X-Api-Key": "hdr-key-1", "X-Real-Ip": "192.0.2.44", "Host": "10.1.1.1:8080",
					"accept-language": "de-CH", "Content-Length": "27",
				},
				Env: map[string]string{"REMOTE_ADDR": "192.0.2.45", "REMOTE_PORT": "555"},
			}},
			absent: []string{"pw-in-url", "erin@example.com", "url-token-1", "frag-secret", "body-notes-1", "cookie-val-1",
				"cookie-val-2", "dXNlcjpwYXNz", "hdr-key-1", "192.0.2.44", "10.1.1.1", "192.0.2.45", "REMOTE_PORT"},
			keep: []string{`"method":"PATCH"`, `"url":"https://app.example.com/users/`, `"Accept-Language":"de-CH"`, `"Content-Length":"27"`},
		},
		{
			name:   "request on an IP host",
			event:  &sentry.Event{Request: &sentry.Request{Method: "GET", URL: "http://192.0.2.80:8080/healthz?x=1"}},
			absent: []string{"192.0.2.80", "x=1"},
			keep:   []string{`"url":"/healthz"`},
		},
		{
			name:   "user",
			event:  &sentry.Event{User: sentry.User{ID: "17", Email: "gina@example.com", Username: "gina", Name: "Gina Q", IPAddress: "192.0.2.9", Data: map[string]string{"k": "v-user-data"}}},
			absent: []string{"gina", "Gina Q", "192.0.2.9", "v-user-data"},
			keep:   []string{`"user":{"id":"17"}`},
		},
		{
			name:   "user ID that is not numeric",
			event:  &sentry.Event{User: sentry.User{ID: "hank@example.com"}},
			absent: []string{"hank"},
		},
		{
			name: "exceptions, threads and mechanism",
			event: &sentry.Event{
				Exception: []sentry.Exception{{Type: "*errors.errorString", Value: "token Bearer exc-bearer-1 for ivan@example.com",
					Stacktrace: frames(), Mechanism: &sentry.Mechanism{Type: "generic", Data: map[string]any{"email": "mech@example.com"}}}},
				Threads: []sentry.Thread{{Stacktrace: frames()}},
			},
			absent: []string{"exc-bearer-1", "ivan@example.com", "frame-var-secret", "erin@example.com", "frank@example.com", "mech@example.com"},
			keep:   []string{`"function":"save"`, `"value":"token Bearer`},
		},
		{
			name: "tags, contexts, fingerprint, modules, server",
			event: &sentry.Event{
				ServerName:  "192.0.2.200",
				Tags:        map[string]string{"api_key": "tag-key-1", "who": "judy@example.com", "route": "GET /x"},
				Contexts:    map[string]sentry.Context{"app": {"password": "ctx-pw-1", "owner": "kim@example.com", "n": 3}, "trace": {"trace_id": "0123abcd", "note": "trace-note-1"}},
				Fingerprint: []string{"{{ default }}", "leo@example.com"},
				Modules:     map[string]string{"example.com/secret-module": "v1 => /home/someone/src"},
				Message:     "client 192.0.2.201 sent eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
			},
			absent: []string{"192.0.2.200", "tag-key-1", "judy@example.com", "ctx-pw-1", "kim@example.com", "trace-note-1",
				"leo@example.com", "secret-module", "/home/someone", "192.0.2.201", "eyJhbGciOiJIUzI1NiJ9"},
			keep: []string{`"route":"GET /x"`, `"trace_id":"0123abcd"`, `"n":3`, `"message":"client `},
		},
		{
			name: "breadcrumbs",
			event: &sentry.Event{Breadcrumbs: []*sentry.Breadcrumb{
				{Category: "http", Message: "GET /a?session=crumb-sess-1 by mia@example.com", Data: map[string]any{"cookie": "crumb-cookie-1", "status": 200}},
			}},
			absent: []string{"mia@example.com", "crumb-cookie-1", "crumb-sess-1"},
			keep:   []string{`"status":200`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := json.Marshal(errortrack.Scrub(tc.event))
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range tc.absent {
				if strings.Contains(string(out), a) {
					t.Errorf("%q survived: %s", a, out)
				}
			}
			for _, k := range tc.keep {
				if !strings.Contains(string(out), k) {
					t.Errorf("%q lost: %s", k, out)
				}
			}
		})
	}
	if errortrack.Scrub(nil) != nil {
		t.Error("Scrub(nil) != nil")
	}
}
