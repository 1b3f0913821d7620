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
//	logger, closer, err := logging.Open(logging.FileOptions{Dir: settings.LogDir, KeepIPs: settings.LogClientIP})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer closer.Close()
//	logger.LogAttrs(ctx, slog.LevelInfo, "optional services", settings.Summary()...)
//
//	m, err := metrics.New()
//	if err != nil {
//		log.Fatal(err)
//	}
//	tracker, err := errortrack.New(settings, errortrack.Options{Release: version})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer tracker.Close(ctx)
//
//	mux := http.NewServeMux()
//	mux.Handle("GET /metrics", m.Handler(metrics.HandlerOptions{Token: os.Getenv("METRICS_TOKEN")}))
//	mux.HandleFunc("GET /hello/{name}", hello)
//	handler := logging.Middleware(logger, nil)(tracker.Middleware(m.Middleware(mux)))
//	log.Fatal(http.ListenAndServe(":8080", handler))
//
// The reference application in examples/timetracker, a complete time
// tracker, uses every package together.
package discreet
