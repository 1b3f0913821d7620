// Package tracing sends OpenTelemetry traces over OTLP/HTTP, behind the
// operator's consent, with every span scrubbed inside the process before it
// is exported.
//
// # The switch
//
// Tracing is off unless the operator names a collector with the standard
// OpenTelemetry variables, which [consent.FromEnv] reads and checks like
// the other switches:
//
//	OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  the traces URL, used as written
//	OTEL_EXPORTER_OTLP_ENDPOINT         a base URL; /v1/traces is appended
//	OTEL_EXPORTER_OTLP_HEADERS          key=value,... sent with every export
//	OTEL_EXPORTER_OTLP_TRACES_HEADERS   the same, for traces only
//	OTEL_EXPORTER_OTLP_PROTOCOL         http/protobuf (the default and the only one)
//	OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER  true, or none: off whatever the rest says
//
// Off, [New] returns a Tracing whose provider is a no-op and that opens no
// connection. On, the endpoint must be https, or plain http on a loopback
// address or a host listed in PRIVATE_HTTP_HOSTS, and the start-up record
// names its host but never its headers.
//
// # What a span may carry
//
// [Exporter] scrubs every span, whatever instrumentation made it, with the
// redaction engine the logs use (package redact): names, attributes,
// events (exception messages and stack traces), links, status and
// resource. Values under sensitive keys become "[redacted]"
// (http.request.header.authorization, cookies, db.statement and
// db.query.text, enduser.* apart from a numeric enduser.id); query
// parameter values become REDACTED; client addresses are dropped unless
// LOG_CLIENT_IP is on; trace state is removed.
//
// # Requests
//
// [Tracing.Middleware] starts a server span per request, named by method
// and route pattern, following an incoming W3C traceparent; its IDs go to
// the request's log record (trace_id, span_id) and to its Sentry events, so
// the three can be joined. Use it through discreet.Pipeline's Tracing
// field, or alone. [Tracing.Transport] gives outbound requests client
// spans.
package tracing
