package tracing

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/internal/endpoint"
)

// Defaults used when the matching Options field is zero.
const (
	// DefaultTimeout bounds one export to the collector, and Close when
	// its context has no deadline.
	DefaultTimeout = 5 * time.Second
	// DefaultQueueSize is how many ended spans may wait for export;
	// beyond it new spans are dropped rather than kept in memory.
	DefaultQueueSize = 2048
	// DefaultServiceName is the service.name resource attribute when
	// Options.ServiceName is empty.
	DefaultServiceName = "discreet-app"
	// instrumentationName names the tracer of the middleware and the
	// transport.
	instrumentationName = "github.com/discreet-dev/discreet/tracing"
)

// Options configure [New]. The zero value is usable.
type Options struct {
	// ServiceName, ServiceVersion and Environment become the resource
	// attributes service.name, service.version and
	// deployment.environment.name. Nothing else describes the process:
	// no host name, no process arguments, no environment.
	ServiceName    string
	ServiceVersion string
	Environment    string

	// Transport carries the exports to the collector. nil means a clone
	// of http.DefaultTransport. Pass the application's outbound transport
	// here, before wrapping it with [Tracing.Transport]: exports must not
	// themselves be traced.
	Transport http.RoundTripper
	// Timeout bounds one export (default DefaultTimeout) and Close when
	// its context has no deadline.
	Timeout time.Duration
	// QueueSize is how many ended spans may wait (default
	// DefaultQueueSize).
	QueueSize int

	// Sampler decides which traces are recorded. nil means every trace
	// whose parent does not say otherwise.
	Sampler sdktrace.Sampler

	// Scrub configures the scrubbing of every span before export. Its
	// KeepClientIP is forced from the settings' LOG_CLIENT_IP.
	Scrub ScrubOptions

	// PropagateOutbound sends a traceparent header with outbound requests
	// made through [Tracing.Transport]. Off by default: the application's
	// outbound requests usually go to third parties (Sentry, PostHog),
	// which have no use for the trace and should not get an identifier
	// they can join with anything.
	PropagateOutbound bool

	// Logger receives the package's own diagnostics (failed exports).
	// nil means slog.Default().
	Logger *slog.Logger
}

// Tracing owns the application's trace pipeline: a TracerProvider whose
// spans are scrubbed ([Exporter]) and exported over OTLP/HTTP, the HTTP
// middleware that starts a server span per request and the transport
// wrapper that adds client spans. Made from settings without an OTLP
// endpoint it does nothing: [Tracing.Provider] is a no-op provider, the
// middleware and the transport wrapper pass requests through untouched,
// and no connection is ever opened (claim C2).
type Tracing struct {
	tp        *sdktrace.TracerProvider // nil when disabled
	provider  trace.TracerProvider
	tracer    trace.Tracer
	prop      propagation.TraceContext
	keepIP    bool
	propagate bool
	timeout   time.Duration
}

// New returns the Tracing for s. Without s.TracesEndpoint it is disabled
// (claim D1). With one, the endpoint must be https, or http on a loopback
// address or on a host of s.PrivateHTTPHosts (claim C5); [consent.FromEnv]
// checks this already, and New again, for Settings built by hand.
func New(s consent.Settings, opts Options) (*Tracing, error) {
	t := &Tracing{
		keepIP:    s.LogClientIP,
		propagate: opts.PropagateOutbound,
		timeout:   opts.Timeout,
	}
	if t.timeout <= 0 {
		t.timeout = DefaultTimeout
	}
	if !s.Enabled(consent.Traces) {
		t.provider = noop.NewTracerProvider()
		t.tracer = t.provider.Tracer(instrumentationName)
		return t, nil
	}
	if err := endpoint.Check(s.TracesEndpoint, s.PrivateHTTPHosts); err != nil {
		return nil, fmt.Errorf("tracing: %s: %w", consent.OTLPTracesEndpointVar, err)
	}
	rt := opts.Transport
	if rt == nil {
		rt = defaultTransport()
	}
	client := &http.Client{
		Transport: rt,
		Timeout:   t.timeout,
		// A redirect could lead to a plain-http host; C5 allows none.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	exp, err := otlptracehttp.New(context.Background(),
		otlptracehttp.WithEndpointURL(s.TracesEndpoint),
		otlptracehttp.WithHeaders(s.TracesHeaders),
		otlptracehttp.WithHTTPClient(client),
		otlptracehttp.WithTimeout(t.timeout),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{
			Enabled: true, InitialInterval: 500 * time.Millisecond,
			MaxInterval: 2 * time.Second, MaxElapsedTime: t.timeout,
		}),
	)
	if err != nil {
		// The SDK's message may repeat the URL; the variable is enough.
		return nil, fmt.Errorf("tracing: the OTLP exporter refused %s", consent.OTLPTracesEndpointVar)
	}
	scrub := opts.Scrub
	scrub.KeepClientIP = s.LogClientIP
	if scrub.Logger == nil {
		scrub.Logger = opts.Logger
	}
	size := opts.QueueSize
	if size <= 0 {
		size = DefaultQueueSize
	}
	sampler := opts.Sampler
	if sampler == nil {
		sampler = sdktrace.ParentBased(sdktrace.AlwaysSample())
	}
	t.tp = sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(NewExporter(exp, scrub),
			sdktrace.WithMaxQueueSize(size),
			sdktrace.WithExportTimeout(t.timeout)),
		sdktrace.WithResource(newResource(opts)),
		sdktrace.WithSampler(sampler),
	)
	t.provider = t.tp
	t.tracer = t.tp.Tracer(instrumentationName)
	return t, nil
}

// defaultTransport is the fallback for a transport left nil.
func defaultTransport() http.RoundTripper { return http.DefaultTransport.(*http.Transport).Clone() }

// newResource describes the service, and nothing about the machine.
func newResource(o Options) *resource.Resource {
	name := o.ServiceName
	if name == "" {
		name = DefaultServiceName
	}
	attrs := []attribute.KeyValue{
		attribute.String("service.name", name),
		attribute.String("telemetry.sdk.language", "go"),
		attribute.String("telemetry.sdk.name", "opentelemetry"),
		attribute.String("telemetry.sdk.version", sdk.Version()),
	}
	if o.ServiceVersion != "" {
		attrs = append(attrs, attribute.String("service.version", o.ServiceVersion))
	}
	if o.Environment != "" {
		attrs = append(attrs, attribute.String("deployment.environment.name", o.Environment))
	}
	return resource.NewSchemaless(attrs...)
}

// Enabled reports whether spans are exported at all.
func (t *Tracing) Enabled() bool { return t != nil && t.tp != nil }

// Provider returns the TracerProvider for the application's own spans and
// for other instrumentation: the SDK's *sdktrace.TracerProvider when
// tracing is on, a no-op provider when it is off. Every span it makes is
// scrubbed before export.
func (t *Tracing) Provider() trace.TracerProvider { return t.provider }

// Close exports the spans still queued, waiting until ctx is done or, when
// ctx has no deadline, for at most Options.Timeout, then stops exporting.
// Spans ended afterwards are dropped. It returns an error when the queue
// could not be delivered in time (claim D5). Calling it on a disabled
// Tracing does nothing.
func (t *Tracing) Close(ctx context.Context) error {
	if !t.Enabled() {
		return nil
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
		defer cancel()
	}
	if err := t.tp.Shutdown(ctx); err != nil {
		return fmt.Errorf("tracing: shutdown: %w", err)
	}
	return nil
}
