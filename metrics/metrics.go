package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/otlptranslator"
	"go.opentelemetry.io/otel/attribute"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/exemplar"
	"go.opentelemetry.io/otel/sdk/resource"
)

// scopeName is the instrumentation scope of every instrument this package
// creates.
const scopeName = "github.com/discreet-dev/discreet/metrics"

// Metrics owns a MeterProvider whose only reader is the OTel Prometheus
// exporter, and the Prometheus registry that exporter feeds. Its methods are
// safe for concurrent use.
type Metrics struct {
	provider *sdkmetric.MeterProvider
	registry *prometheus.Registry
	meter    metric.Meter
	logger   *slog.Logger

	http *httpInstruments

	mu      sync.Mutex
	dbNames map[string]bool
	regs    []metric.Registration
}

type config struct {
	registry       *prometheus.Registry
	serviceName    string
	serviceVersion string
	targetInfo     bool
	scopeLabels    bool
	runtime        bool
	logger         *slog.Logger
}

// Option configures [New].
type Option func(*config)

// WithRegistry makes New register everything on reg instead of a registry
// of its own. It takes a [prometheus.Registry] rather than any Registerer
// because [Metrics.Handler] must gather from the very registry the
// instruments were registered on. Use it to expose metrics of other
// libraries on the same /metrics.
func WithRegistry(reg *prometheus.Registry) Option {
	return func(c *config) { c.registry = reg }
}

// WithService sets service.name and service.version on the OTel resource.
// They are exported only together with [WithTargetInfo].
func WithService(name, version string) Option {
	return func(c *config) { c.serviceName, c.serviceVersion = name, version }
}

// WithTargetInfo adds the target_info series that carries the resource
// attributes. It is off by default: Prometheus already knows its targets,
// and the series only adds to what is stored.
func WithTargetInfo() Option {
	return func(c *config) { c.targetInfo = true }
}

// WithScopeLabels adds the otel_scope_name and otel_scope_version labels to
// every series. Off by default: every series would carry the same values.
func WithScopeLabels() Option {
	return func(c *config) { c.scopeLabels = true }
}

// WithoutRuntimeMetrics leaves out the Go runtime (go_*) and process
// (process_*) collectors that New registers by default.
func WithoutRuntimeMetrics() Option {
	return func(c *config) { c.runtime = false }
}

// WithLogger sets where failures of gauge callbacks and of the /metrics
// handler are logged. The default is [slog.Default].
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// New returns a Metrics whose instruments are exported to a Prometheus
// registry of its own (never [prometheus.DefaultRegisterer]), with the Go
// runtime and process collectors registered on it unless
// [WithoutRuntimeMetrics] is given.
func New(opts ...Option) (*Metrics, error) {
	c := config{runtime: true}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.registry == nil {
		c.registry = prometheus.NewRegistry()
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}

	expOpts := []otelprom.Option{
		otelprom.WithRegisterer(c.registry),
		// Spelled out so a change of the exporter's default cannot rename
		// series: dots become underscores, units and _total are appended.
		otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithSuffixes),
	}
	if !c.targetInfo {
		expOpts = append(expOpts, otelprom.WithoutTargetInfo())
	}
	if !c.scopeLabels {
		expOpts = append(expOpts, otelprom.WithoutScopeInfo())
	}
	exp, err := otelprom.New(expOpts...)
	if err != nil {
		return nil, fmt.Errorf("metrics: prometheus exporter: %w", err)
	}

	var attrs []attribute.KeyValue
	if c.serviceName != "" {
		attrs = append(attrs, attribute.String("service.name", c.serviceName))
	}
	if c.serviceVersion != "" {
		attrs = append(attrs, attribute.String("service.version", c.serviceVersion))
	}
	provider := sdkmetric.NewMeterProvider(
		sdkmetric.WithReader(exp),
		sdkmetric.WithResource(resource.NewSchemaless(attrs...)),
		// No traces are recorded here, so exemplars could never be filled;
		// turning them off also keeps the recording path short.
		sdkmetric.WithExemplarFilter(exemplar.AlwaysOffFilter),
	)

	if c.runtime {
		err := errors.Join(
			c.registry.Register(collectors.NewGoCollector()),
			c.registry.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})),
		)
		if err != nil {
			_ = provider.Shutdown(context.Background())
			return nil, fmt.Errorf("metrics: runtime collectors: %w", err)
		}
	}

	m := &Metrics{
		provider: provider,
		registry: c.registry,
		meter:    provider.Meter(scopeName),
		logger:   c.logger,
		dbNames:  map[string]bool{},
	}
	if m.http, err = newHTTPInstruments(m.meter); err != nil {
		_ = provider.Shutdown(context.Background())
		return nil, err
	}
	return m, nil
}

// MeterProvider returns the provider, for instruments of the application's
// own; they appear on the same /metrics.
func (m *Metrics) MeterProvider() metric.MeterProvider { return m.provider }

// Registry returns the Prometheus registry the exporter and collectors are
// registered on and that [Metrics.Handler] serves.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Close unregisters the callbacks of [Metrics.ObserveDB] (so the pools
// can be closed) and shuts the MeterProvider down. Afterwards the OTel
// instruments record nothing and /metrics serves only the runtime
// collectors.
func (m *Metrics) Close(ctx context.Context) error {
	m.mu.Lock()
	regs := m.regs
	m.regs = nil
	m.mu.Unlock()
	var errs []error
	for _, r := range regs {
		errs = append(errs, r.Unregister())
	}
	errs = append(errs, m.provider.Shutdown(ctx))
	return errors.Join(errs...)
}

func (m *Metrics) keep(r metric.Registration) {
	m.mu.Lock()
	m.regs = append(m.regs, r)
	m.mu.Unlock()
}
