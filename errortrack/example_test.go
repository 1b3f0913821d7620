package errortrack_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/getsentry/sentry-go"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/errortrack"
)

// Without SENTRY_DSN the Tracker is off: it sends nothing and opens no
// connection, but its middleware still turns a panic into a plain 500, so
// the application behaves the same either way.
func Example() {
	noEnv := func(string) (string, bool) { return "", false }
	settings, err := consent.FromLookup(noEnv)
	if err != nil {
		panic(err)
	}
	tracker, err := errortrack.New(settings, errortrack.Options{Release: "1.4.0", Environment: "production"})
	if err != nil {
		panic(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) {
		panic("database password rejected")
	})
	rec := httptest.NewRecorder()
	tracker.Middleware(mux).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))

	fmt.Println("enabled:", tracker.Enabled())
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// enabled: false
	// 500 Internal Server Error
}

// Scrub is what every Tracker runs before an event leaves the process.
func ExampleScrub() {
	event := &sentry.Event{
		Message: "reset link sent to alice@example.com",
		User:    sentry.User{ID: "42", Email: "alice@example.com", Username: "alice", IPAddress: "203.0.113.9"},
		Request: &sentry.Request{
			Method:      "POST",
			URL:         "https://app.example.com/reset?token=s3cr3t",
			QueryString: "token=s3cr3t",
			Data:        `{"password":"hunter2"}`,
			Cookies:     "session=abc123",
			Headers:     map[string]string{"Authorization": "Bearer s3cr3t", "User-Agent": "curl/8.5.0"},
			Env:         map[string]string{"REMOTE_ADDR": "203.0.113.9"},
		},
		Tags: map[string]string{"csrf_token": "abc123", "plan": "team"},
	}
	errortrack.Scrub(event)

	r := event.Request
	fmt.Println(event.Message)
	fmt.Printf("user: %+v\n", event.User)
	fmt.Println(r.Method, r.URL, r.Headers)
	fmt.Printf("query %q, body %q, cookies %q, env %v\n", r.QueryString, r.Data, r.Cookies, r.Env)
	fmt.Println(event.Tags)
	// Output:
	// reset link sent to [email]
	// user: {ID:42 Email: IPAddress: Username: Name: Data:map[]}
	// POST https://app.example.com/reset map[User-Agent:curl/8.5.0]
	// query "", body "", cookies "", env map[]
	// map[csrf_token:[redacted] plan:team]
}
