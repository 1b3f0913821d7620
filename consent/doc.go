// Package consent is the one place that decides which discreet services are
// on, from the environment and from the user.
//
// # Two kinds of consent
//
// Logs and metrics are needed to run a service, stay on the host, and are
// always on: that is implied consent. Error tracking (Sentry), product
// analytics (PostHog), traces (OTLP) and install telemetry leave the host, so each is off
// until the operator sets its variable: that is explicit consent. The
// variables are read once at start-up by [FromEnv]:
//
//	SENTRY_DSN        empty: error tracking off
//	POSTHOG_API_KEY   empty: product analytics off
//	POSTHOG_HOST      PostHog base URL (default https://us.i.posthog.com)
//	ENABLE_TELEMETRY  true/1/yes/on (any case): install telemetry on
//	TELE_URL          the telemetry server; required when telemetry is on
//	TELE_SALT         salt for the install fingerprint
//	LOG_CLIENT_IP     true: request logs may carry the client IP
//	LOG_DIR           where app.jsonl lives (default "logs")
//	PRIVATE_HTTP_HOSTS hosts on a private network allowed over plain http
//	OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
//	                  the OTLP/HTTP collector; empty: traces off
//	OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_TRACES_HEADERS
//	                  key=value,... sent with exports (never logged)
//	OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
//	                  http/protobuf, the only one accepted
//	OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER
//	                  true, or none: traces off even with an endpoint
//
// A value that cannot be parsed is an error naming the variable and the
// accepted forms; every bad variable is reported in one joined error, so an
// operator can fix them all in one go and nothing starts half-configured.
// Endpoints must use https, except on a loopback address (localhost,
// 127.0.0.0/8, ::1) for local and self-hosted testing, or on a host named
// in PRIVATE_HTTP_HOSTS, for a service on the same private network (a
// compose or cluster network: http://sentry:9000). See
// [FromLookup].
//
// # The start-up record
//
// [Settings.Summary] returns the attributes of the one log record that says
// which optional services are on and where they send data. It names hosts
// but never an API key, the DSN's key or the salt.
//
// # Users and browsers
//
// A user may refuse product analytics for themselves: the application
// implements [Preferences] and the analytics package asks it before sending
// anything. A browser that sends the Global Privacy Control header
// (Sec-GPC: 1) is treated as opted out for that request: [GPC] reads the
// header, and [Middleware] or [WithGPC] carry the decision in the request
// context where [GPCFromContext] finds it.
package consent
