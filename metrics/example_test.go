package metrics_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/discreet-dev/discreet/metrics"
)

// A ServeMux wrapped in the middleware, a gauge read at scrape time and a
// /metrics protected by a token.
func Example() {
	m, err := metrics.New(metrics.WithoutRuntimeMetrics())
	if err != nil {
		panic(err)
	}
	defer m.Close(context.Background())

	running := int64(2)
	if err := m.ObserveGauge("timetracker.timers.running", "Timers running now.", func(context.Context) (int64, error) {
		return running, nil
	}); err != nil {
		panic(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /projects/{id}", func(w http.ResponseWriter, r *http.Request) {})
	mux.Handle("GET /metrics", m.Handler(metrics.HandlerOptions{Token: "let-me-scrape"}))
	srv := httptest.NewServer(m.Middleware(mux))
	defer srv.Close()

	for _, path := range []string{"/projects/1", "/projects/2", "/wp-login.php"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
	}

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("without token:", resp.StatusCode)

	req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer let-me-scrape")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "http_server_request_duration_seconds_count") || strings.HasPrefix(line, "timetracker_timers_running") {
			fmt.Println(line)
		}
	}
	// Output:
	// without token: 401
	// http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200",http_route="/projects/{id}"} 2
	// http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="401",http_route="/metrics"} 1
	// http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="404",http_route="unmatched"} 1
	// timetracker_timers_running 2
}
