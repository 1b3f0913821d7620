// Package discreet is privacy-first observability for Go services: logs,
// metrics, error tracking, product analytics and install telemetry that do
// not leak the personal data of the people who use your service.
//
// The root package holds only this overview and [PrivacyPolicy]; the work is
// done by the packages below, each usable on its own.
//
// # Packages
//
//   - [github.com/discreet-dev/discreet/consent] decides what is on: it reads
//     the environment (SENTRY_DSN, POSTHOG_API_KEY, ENABLE_TELEMETRY, ...),
//     refuses bad values with a clear error, and carries each user's choice
//     and the browser's Global Privacy Control signal.
//   - [github.com/discreet-dev/discreet/logging] is a log/slog handler that
//     scrubs emails, tokens, passwords, notes and IP addresses from every
//     record, writes JSON Lines to logs/app.jsonl with rotation, logs one
//     record per HTTP request with a request ID, and exports or erases one
//     user's lines.
//   - [github.com/discreet-dev/discreet/metrics] exports OpenTelemetry
//     metrics to Prometheus at /metrics: requests by route and status,
//     latency, database pool figures, application gauges; no personal labels.
//   - [github.com/discreet-dev/discreet/errortrack] reports errors and panics
//     to Sentry once SENTRY_DSN is set, scrubbed before they are queued.
//   - [github.com/discreet-dev/discreet/analytics] sends declared product
//     events to PostHog once POSTHOG_API_KEY is set, honouring each user's
//     opt-out.
//   - [github.com/discreet-dev/discreet/telemetry] sends opt-in install pings
//     with an anonymous fingerprint; its subpackage receiver is the
//     receiving server's handler.
//
// Logs and metrics stay on the host and are always on. Everything that
// leaves the host is off until the operator sets its variable. PRIVACY.md
// states each promise under an ID, and the tests check every one.
//
// # Quick start
//
//	settings, err := consent.FromEnv() // stops on ENABLE_TELEMETRY=maybe & co.
//	if err != nil {
//		log.Fatal(err)
//	}
//	file, err := logging.OpenFile(logging.FileOptions{Dir: settings.LogDir})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer file.Close()
//	logger := slog.New(logging.NewJSONHandler(file, &logging.Options{KeepIPs: settings.LogClientIP}))
//	logger.LogAttrs(ctx, slog.LevelInfo, "optional services", settings.Summary()...)
//
//	m, err := metrics.New()
//	if err != nil {
//		log.Fatal(err)
//	}
//	tracker, err := errortrack.New(settings, errortrack.Options{Release: version, Logger: logger})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer tracker.Close(ctx)
//
//	mux := http.NewServeMux()
//	mux.Handle("GET /metrics", m.Handler(metrics.HandlerOptions{Token: os.Getenv("METRICS_TOKEN")}))
//	mux.HandleFunc("GET /hello/{name}", hello)
//	handler := discreet.Pipeline{
//		Logger:  logger,
//		Log:     logging.MiddlewareOptions{ClientIP: settings.LogClientIP},
//		Metrics: m,
//		Errors:  tracker,
//	}.Handler(mux)
//	log.Fatal(http.ListenAndServe(":8080", handler))
//
// # The request pipeline
//
// [Pipeline.Handler] puts every package's request handling around a
// handler once, in a fixed order, from the outside in: the request ID and
// the request-scoped record (route, user ID) with one response recorder for
// every layer; panic recovery and error capture (errortrack); one request
// record in the log (logging); request counts and latency (metrics); the
// Global Privacy Control signal (consent); and the route, the ServeMux
// pattern, recorded for all of them ([UnmatchedRoute] when none matched).
// Each package's middleware also works alone, and inside the pipeline it
// does nothing twice.
//
// # Conventions
//
// Every package follows the same rules, so learning one teaches the rest:
//
//   - Options are value structs whose zero value is useful
//     ([errortrack.Options], [logging.Options], [analytics.Options]);
//     metrics alone takes functional options (metrics.New(opts ...Option)),
//     because its options configure an OpenTelemetry provider the same way
//     the OpenTelemetry SDK does.
//   - A nil *slog.Logger means [slog.Default].
//   - Whatever has background work to stop is closed with Close(ctx) error,
//     bounded by ctx, and with nothing else ([errortrack.Tracker.Close],
//     [analytics.Client.Close], [metrics.Metrics.Close]); a [logging.File],
//     an io.Writer, closes with Close() error as an *os.File does.
//   - Constructors return concrete types; a disabled service is a value with
//     the same methods that does nothing, so callers never write "if enabled".
//   - Middleware is func(http.Handler) http.Handler or a method taking and
//     returning an http.Handler; request-scoped data travels in the context.
//   - A package imports an SDK only if it owns it: errortrack owns sentry-go,
//     analytics owns posthog-go, metrics owns OpenTelemetry.
//
// The reference application in examples/timetracker, a complete time
// tracker, uses every package together through [Pipeline].
package discreet
