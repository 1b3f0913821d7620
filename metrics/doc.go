// Package metrics exports OpenTelemetry metrics to Prometheus for a Go HTTP
// service: request counts and latency by route and status, requests in
// flight, database pool figures and application gauges read at scrape time,
// served at a /metrics that can be protected.
//
// Metrics are always on and never leave the host by themselves: Prometheus
// pulls them (claim C1 of PRIVACY.md). Their labels come from bounded sets
// chosen by the application, never from the request (claim M2).
//
// # Setting up
//
// [New] builds an OpenTelemetry [go.opentelemetry.io/otel/sdk/metric.MeterProvider]
// whose reader is the OTel Prometheus exporter, registered on a
// [github.com/prometheus/client_golang/prometheus.Registry] of its own, never
// on the global default. The Go runtime (go_*) and process (process_*)
// collectors are registered too unless [WithoutRuntimeMetrics] is given. The
// target_info series and the otel_scope_* labels are off unless
// [WithTargetInfo] or [WithScopeLabels] ask for them.
//
// Instruments of the application's own can be created from
// [Metrics.MeterProvider]; they appear on the same /metrics.
//
// # HTTP requests
//
// [Metrics.Middleware] wraps the ServeMux and records the semantic-convention
// histogram http.server.request.duration, exported as
//
//	http_server_request_duration_seconds{http_request_method, http_route, http_response_status_code}
//
// Its _count series are the request counts by endpoint and status, its
// buckets the latency by endpoint (claim M1). http_route is the ServeMux
// pattern that matched, without its method ("GET /items/{id}" is counted as
// "/items/{id}"); a request that matched no pattern is counted under
// [github.com/discreet-dev/discreet.UnmatchedRoute], and a method outside the standard nine under
// [OtherMethod]. The Host header, raw path, query, user and client IP never
// become label values. Requests in flight are the gauge
// http_server_active_requests{http_request_method, url_scheme}.
//
// The attribute sets are built once per (method, route, status) and cached,
// so a request adds one allocation of the middleware's own to the work of
// the shared request record.
//
// # Database pools and gauges
//
// [Metrics.ObserveDB] reports [database/sql.DBStats] of a pool under the
// names of the semantic conventions for database client connections (see
// there for the Prometheus names). [Metrics.ObserveGauge] reports any value
// the application can compute, such as the number of running timers,
// exported as a gauge named after the instrument:
//
//	m.ObserveGauge("timetracker.timers.running", "Timers running now.", store.CountRunningTimers)
//	// timetracker_timers_running 3
//
// # Serving /metrics
//
// [Metrics.Handler] serves the Prometheus text format, and OpenMetrics to a
// scraper whose Accept header asks for it. [HandlerOptions.Token] makes it
// require "Authorization: Bearer <token>" (claim M3). To keep scrapers off
// the public port, serve it on a listener of its own with
// [Metrics.ListenAndServe].
//
// The reference application wires both through two environment variables:
// METRICS_TOKEN, when set, is the bearer token; METRICS_ADDR, when set (for
// example 127.0.0.1:9090), is the address of a separate listener that
// serves only /metrics, and the public server then has no /metrics at all:
//
//	opts := metrics.HandlerOptions{Token: os.Getenv("METRICS_TOKEN")}
//	if addr := os.Getenv("METRICS_ADDR"); addr != "" {
//		go func() {
//			if err := m.ListenAndServe(ctx, addr, opts); err != nil {
//				slog.Error("metrics listener", "addr", addr, "error", err)
//			}
//		}()
//	} else {
//		mux.Handle("GET /metrics", m.Handler(opts))
//	}
//	srv := &http.Server{Addr: ":8080", Handler: m.Middleware(mux)}
//
// The matching Prometheus scrape configuration carries the token:
//
//	scrape_configs:
//	  - job_name: timetracker
//	    authorization:
//	      type: Bearer
//	      credentials_file: /etc/prometheus/timetracker.token
//	    static_configs:
//	      - targets: ["127.0.0.1:9090"]
package metrics
