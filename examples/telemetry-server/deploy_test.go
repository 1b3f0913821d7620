package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestMetricsCountPings: /metrics needs the token and shows /ping by
// route and status, which the "no telemetry ping" alert reads; the
// healthcheck subcommand passes against the server and fails without it.
func TestMetricsCountPings(t *testing.T) {
	db, store := openSQLite(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, m, err := withMetrics(newHandler(db, store, "", time.Now, logger), "tok", logger)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	srv := httptest.NewServer(h)
	defer srv.Close()
	res, err := http.Post(srv.URL+"/ping", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res, _ = http.Get(srv.URL + "/metrics")
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics without the token = %d, want 401", res.StatusCode)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer tok")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="400",http_route="/ping"} 1`) {
		t.Errorf("/metrics does not count the ping by route:\n%s", body)
	}

	addr := strings.TrimPrefix(srv.URL, "http://")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck", "-listen", addr}, func(string) (string, bool) { return "", false }, &out, logger); err != nil || out.String() != "ok\n" {
		t.Errorf("healthcheck: %q, %v", out.String(), err)
	}
	srv.Close()
	if err := run(context.Background(), []string{"healthcheck", "-listen", addr}, func(string) (string, bool) { return "", false }, io.Discard, logger); err == nil {
		t.Error("healthcheck passed with the server stopped")
	}
}
