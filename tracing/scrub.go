package tracing

import (
	"context"
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/discreet-dev/discreet/redact"
)

// QueryRedacted replaces the value of every query parameter in url.query
// and url.full, the marker the OpenTelemetry URL semantic conventions use.
const QueryRedacted = "REDACTED"

// ScrubOptions configure the scrubbing of [Exporter]. The zero value
// scrubs with the built-in sensitive keys and drops client addresses.
type ScrubOptions struct {
	// SensitiveKeys are extra attribute keys whose values become
	// "[redacted]", matched like the logs' keys (case, '-', '_' and '.'
	// folded; the last dotted segment counts too).
	SensitiveKeys []string
	// KeepClientIP keeps client.address and the other peer-address
	// attributes, when they hold an IP address. It is LOG_CLIENT_IP, the
	// one switch that lets client addresses into any sink; [New] sets it
	// from the settings.
	KeepClientIP bool
	// Logger receives export failures. nil means slog.Default().
	Logger *slog.Logger
}

// Exporter is a SpanExporter that scrubs every span, then hands it to the
// exporter it wraps. It runs the redaction engine (the one that scrubs the
// logs) over the span name, every string and string-slice attribute, the
// names and attributes of events (exception.message and
// exception.stacktrace included), link attributes, the status description,
// the resource and the instrumentation scope; values under sensitive keys
// become "[redacted]"; query parameter values become REDACTED; client
// addresses are dropped; trace state, which a caller can fill with any
// text, is removed.
//
// Why an exporter and not a span processor: a processor sees the finished
// span in OnEnd as a ReadOnlySpan, which cannot be changed, and attributes
// set after OnStart never pass through a processor that could change them.
// The exporter is the last place every span passes whatever instrumentation
// made it, and it runs on the batch processor's goroutine, so scrubbing
// costs the request nothing. Wrap each exporter of a TracerProvider built
// by hand.
type Exporter struct {
	next sdktrace.SpanExporter
	s    *scrubber
	log  *slog.Logger
}

// NewExporter returns an Exporter that scrubs spans before next sends them.
func NewExporter(next sdktrace.SpanExporter, opts ScrubOptions) *Exporter {
	l := opts.Logger
	if l == nil {
		l = slog.Default()
	}
	return &Exporter{next: next, s: newScrubber(opts), log: l}
}

// ExportSpans scrubs spans and passes the scrubbed copies on. The spans
// themselves are left as they are. A failed export is logged and reported
// as done, so that the batch processor goes on with the next batch.
func (e *Exporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	out := make([]sdktrace.ReadOnlySpan, len(spans))
	for i, sp := range spans {
		out[i] = e.s.span(sp)
	}
	if err := e.next.ExportSpans(ctx, out); err != nil {
		// Logged here, scrubbed, and not returned: the SDK would hand it
		// to OpenTelemetry's global error handler, which prints it
		// unscrubbed to standard error.
		e.log.LogAttrs(ctx, slog.LevelWarn, "tracing: export failed", slog.Int("spans", len(spans)), slog.String("error", e.s.eng.String(err.Error())))
	}
	return nil
}

// Shutdown shuts the wrapped exporter down.
func (e *Exporter) Shutdown(ctx context.Context) error { return e.next.Shutdown(ctx) }

// ScrubSpan returns the scrubbed copy of sp that [Exporter] would export,
// for tests and for exporters of other shapes.
func ScrubSpan(sp sdktrace.ReadOnlySpan, opts ScrubOptions) sdktrace.ReadOnlySpan {
	return newScrubber(opts).span(sp)
}

type scrubber struct {
	eng    *redact.Engine
	keepIP bool

	mu        sync.Mutex
	resources map[*resource.Resource]*resource.Resource // scrubbed, by original; resources are few
}

func newScrubber(o ScrubOptions) *scrubber {
	return &scrubber{
		eng:       redact.New(&redact.Options{Keys: o.SensitiveKeys}),
		keepIP:    o.KeepClientIP,
		resources: map[*resource.Resource]*resource.Resource{},
	}
}

func (s *scrubber) span(ro sdktrace.ReadOnlySpan) sdktrace.ReadOnlySpan {
	st := tracetest.SpanStubFromReadOnlySpan(ro)
	st.Name = s.name(st.Name)
	st.SpanContext = st.SpanContext.WithTraceState(trace.TraceState{})
	st.Parent = st.Parent.WithTraceState(trace.TraceState{})
	st.Attributes = s.attrs(st.Attributes)
	if len(st.Events) > 0 {
		events := make([]sdktrace.Event, len(st.Events))
		for i, ev := range st.Events {
			ev.Name = s.eng.String(ev.Name)
			ev.Attributes = s.attrs(ev.Attributes)
			events[i] = ev
		}
		st.Events = events
	}
	if len(st.Links) > 0 {
		links := make([]sdktrace.Link, len(st.Links))
		for i, l := range st.Links {
			l.SpanContext = l.SpanContext.WithTraceState(trace.TraceState{})
			l.Attributes = s.attrs(l.Attributes)
			links[i] = l
		}
		st.Links = links
	}
	st.Status.Description = s.eng.String(st.Status.Description)
	st.Resource = s.resource(st.Resource)
	st.InstrumentationScope = s.scope(st.InstrumentationScope)
	return st.Snapshot()
}

// name scrubs a span name. Instrumentation that names spans by raw URL
// puts the query there too; it is cut off before the engine runs.
func (s *scrubber) name(n string) string {
	if i := strings.IndexByte(n, '?'); i >= 0 {
		n = n[:i]
	}
	return s.eng.String(n)
}

func (s *scrubber) resource(r *resource.Resource) *resource.Resource {
	if r == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.resources[r]; ok {
		return c
	}
	c := resource.NewWithAttributes(r.SchemaURL(), s.attrs(r.Attributes())...)
	if len(s.resources) < 64 {
		s.resources[r] = c
	}
	return c
}

func (s *scrubber) scope(sc instrumentation.Scope) instrumentation.Scope {
	sc.Name = s.eng.String(sc.Name)
	sc.Version = s.eng.String(sc.Version)
	if sc.Attributes.Len() > 0 {
		sc.Attributes = attribute.NewSet(s.attrs(sc.Attributes.ToSlice())...)
	}
	return sc
}

// attrs returns a scrubbed copy of kvs, never kvs itself: the span's own
// slices are shared with the span.
func (s *scrubber) attrs(kvs []attribute.KeyValue) []attribute.KeyValue {
	if len(kvs) == 0 {
		return kvs
	}
	out := make([]attribute.KeyValue, 0, len(kvs))
	for _, kv := range kvs {
		if kv, ok := s.attr(kv); ok {
			out = append(out, kv)
		}
	}
	return out
}

// redacted is what a value under a sensitive key becomes, whatever its
// type, as in the logs.
func redacted(k attribute.Key) attribute.KeyValue { return k.String(redact.Redacted) }

// attr scrubs one attribute; false drops it.
func (s *scrubber) attr(kv attribute.KeyValue) (attribute.KeyValue, bool) {
	k := string(kv.Key)
	switch {
	case addressKey(k):
		// Claim D4: a client address only with LOG_CLIENT_IP, and then
		// only when it is an address and nothing else.
		if s.keepIP && kv.Value.Type() == attribute.STRING {
			if a, err := netip.ParseAddr(kv.Value.AsString()); err == nil {
				return kv.Key.String(a.Unmap().WithZone("").String()), true
			}
		}
		return kv, false
	case k == "enduser.id":
		// The internal numeric user ID, and nothing that could be a name
		// or an email.
		switch kv.Value.Type() {
		case attribute.INT64:
			return kv, true
		case attribute.STRING:
			if digits(kv.Value.AsString()) {
				return kv, true
			}
		}
		return redacted(kv.Key), true
	case strings.HasPrefix(k, "enduser."):
		return redacted(kv.Key), true
	case k == "url.query":
		return kv.Key.String(s.query(kv.Value.String())), true
	case k == "url.full" || k == "http.url" || k == "url.original" || k == "http.target":
		return kv.Key.String(s.url(kv.Value.String())), true
	case k == "db.statement" || k == "db.query.text" || strings.HasPrefix(k, "db.query.parameter."):
		return redacted(kv.Key), true
	case strings.HasPrefix(k, "http.request.header.") || strings.HasPrefix(k, "http.response.header."):
		name := strings.TrimPrefix(strings.TrimPrefix(k, "http.request.header."), "http.response.header.")
		if forwardedHeader(name) {
			if s.keepIP && onlyAddresses(kv) {
				return kv, true
			}
			return kv, false
		}
		if s.eng.IsSensitiveKey(name) {
			return redacted(kv.Key), true
		}
	case s.eng.IsSensitiveKey(k):
		return redacted(kv.Key), true
	}
	switch kv.Value.Type() {
	case attribute.STRING:
		v := kv.Value.AsString()
		if c := s.eng.String(v); c != v {
			return kv.Key.String(c), true
		}
	case attribute.STRINGSLICE:
		vs := kv.Value.AsStringSlice() // a copy
		for i, v := range vs {
			vs[i] = s.eng.String(v)
		}
		return kv.Key.StringSlice(vs), true
	}
	return kv, true
}

// addressKey reports the attributes that hold the address of the client
// or the peer: client.address, network.peer.address and their older names.
func addressKey(k string) bool {
	switch k {
	case "client.address", "client.socket.address", "network.peer.address",
		"net.peer.ip", "net.sock.peer.addr", "http.client_ip", "source.address":
		return true
	}
	return false
}

// forwardedHeader reports the request headers that carry client addresses.
func forwardedHeader(name string) bool {
	switch strings.ToLower(strings.ReplaceAll(name, "_", "-")) {
	case "x-forwarded-for", "x-real-ip", "forwarded", "true-client-ip", "cf-connecting-ip", "x-client-ip":
		return true
	}
	return false
}

// onlyAddresses reports whether every value of a forwarding header is a
// list of IP addresses and nothing else.
func onlyAddresses(kv attribute.KeyValue) bool {
	var vs []string
	switch kv.Value.Type() {
	case attribute.STRING:
		vs = []string{kv.Value.AsString()}
	case attribute.STRINGSLICE:
		vs = kv.Value.AsStringSlice()
	default:
		return false
	}
	for _, v := range vs {
		for _, a := range strings.Split(v, ",") {
			if _, err := netip.ParseAddr(strings.TrimSpace(a)); err != nil {
				return false
			}
		}
	}
	return true
}

func digits(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// query replaces every parameter's value by REDACTED and scrubs the names,
// as the OpenTelemetry URL conventions describe for sensitive parameters:
// here every parameter counts as sensitive, since the library cannot know
// which of an application's parameters carry personal data.
func (s *scrubber) query(q string) string {
	q = strings.TrimPrefix(q, "?")
	if q == "" {
		return ""
	}
	var b strings.Builder
	for i, p := range strings.Split(q, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		name, _, hasValue := strings.Cut(p, "=")
		if dec, err := url.QueryUnescape(name); err == nil && s.eng.String(dec) != dec {
			name = redact.Redacted
		}
		b.WriteString(s.eng.String(name))
		if hasValue {
			b.WriteString("=" + QueryRedacted)
		}
	}
	return b.String()
}

// url scrubs a URL: credentials become REDACTED:REDACTED, query values
// REDACTED, the fragment is dropped and the engine runs over the rest.
func (s *scrubber) url(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// Not a URL: at least the query is cut and the rest scrubbed.
		base, q, _ := strings.Cut(raw, "?")
		out := s.eng.String(base)
		if q != "" {
			out += "?" + s.query(q)
		}
		return out
	}
	user := u.User != nil
	q := u.RawQuery
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	out := s.eng.String(u.String())
	if user {
		if i := strings.Index(out, "://"); i >= 0 {
			out = out[:i+3] + QueryRedacted + ":" + QueryRedacted + "@" + out[i+3:]
		}
	}
	if q != "" {
		out += "?" + s.query(q)
	}
	return out
}
