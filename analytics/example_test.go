package analytics_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/consent"
)

// The schema keeps declared properties, converts counts to buckets and
// drops everything else: here the client's name never leaves the process.
func ExampleSchema_Clean() {
	schema := analytics.Schema{
		"report.viewed": {
			"group_by": analytics.Enum("project", "client", "day"),
			"rows":     analytics.Count,
		},
	}
	props, ok := schema.Clean("report.viewed", analytics.Properties{
		"group_by":    "client",
		"rows":        7,
		"client_name": "Acme Holdings",
	})
	fmt.Println(ok, props)

	_, ok = schema.Clean("client.renamed", analytics.Properties{"to": "Acme Holdings"})
	fmt.Println(ok)
	// Output:
	// true map[group_by:client rows:6-10]
	// false
}

// A client sends declared events to PostHog in the background; here a
// stand-in PostHog on the loopback address (where plain http is allowed)
// prints what arrives. The undeclared note and the client's name never
// leave the process, and the count goes out as a bucket.
func ExampleNew() {
	posthog := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := io.Reader(r.Body)
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = zr
		}
		var batch struct {
			Batch []struct {
				Event      string         `json:"event"`
				DistinctID string         `json:"distinct_id"`
				Properties map[string]any `json:"properties"`
			} `json:"batch"`
		}
		if err := json.NewDecoder(body).Decode(&batch); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, e := range batch.Batch {
			declared := map[string]any{}
			for k, v := range e.Properties {
				if !strings.HasPrefix(k, "$") { // the SDK's own $lib, $os, ...
					declared[k] = v
				}
			}
			fmt.Println(r.URL.Path, e.Event, e.DistinctID, declared)
		}
	}))
	defer posthog.Close()

	settings := consent.Settings{PostHogAPIKey: "phc_example", PostHogHost: posthog.URL}
	client, err := analytics.New(settings, analytics.Options{
		Schema: analytics.Schema{
			"timer.started": {"has_task": analytics.Bool, "entries_today": analytics.Count},
		},
		Preferences: consent.PreferencesFunc(func(ctx context.Context, userID int64) (bool, error) {
			return true, nil // the user's choice, from the application's database
		}),
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	client.Capture(context.Background(), 42, "timer.started", analytics.Properties{
		"has_task":      true,
		"entries_today": 3,
		"notes":         "call Acme about the invoice",
		"client_name":   "Acme Holdings",
	})
	if err := client.Close(context.Background()); err != nil { // flushes, within Options.ShutdownTimeout
		fmt.Println(err)
	}
	// Output:
	// /batch/ timer.started 42 map[entries_today:2-5 has_task:true]
}
