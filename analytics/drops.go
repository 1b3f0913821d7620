package analytics

import (
	"context"
	"log/slog"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"

	"github.com/discreet-dev/discreet/redact"
)

// DropsMetric is the name of the OpenTelemetry counter of everything the
// client chose not to send. Its attribute "reason" is one of the Reason
// constants; "event" names the event when it is declared (or "$pageview"),
// so the attribute values stay a small, fixed set.
const DropsMetric = "discreet.analytics.dropped"

// Reasons a whole event or one property was dropped, as recorded in the
// "reason" attribute of [DropsMetric].
const (
	ReasonUndeclaredEvent    = "undeclared_event"    // event not in the schema: whole event
	ReasonUndeclaredProperty = "undeclared_property" // property not declared for its event
	ReasonInvalidValue       = "invalid_value"       // value outside its kind or enum
	ReasonOptedOut           = "opted_out"           // Preferences said no: whole event
	ReasonPreferencesError   = "preferences_error"   // Preferences failed: whole event
	ReasonGPC                = "gpc"                 // request sent Sec-GPC: 1: whole event
	ReasonNoUser             = "no_user"             // user ID not positive: whole event
	ReasonInvalidRoute       = "invalid_route"       // PageView route empty, not a pattern, or carrying personal data
	ReasonQueueFull          = "queue_full"          // bounded queue full (endpoint slow or down): whole event
	ReasonClosed             = "closed"              // Capture after Close: whole event
)

var reasons = [...]string{
	ReasonUndeclaredEvent, ReasonUndeclaredProperty, ReasonInvalidValue,
	ReasonOptedOut, ReasonPreferencesError, ReasonGPC, ReasonNoUser,
	ReasonInvalidRoute, ReasonQueueFull, ReasonClosed,
}

type reason uint8

const (
	rUndeclaredEvent reason = iota
	rUndeclaredProperty
	rInvalidValue
	rOptedOut
	rPreferencesError
	rGPC
	rNoUser
	rInvalidRoute
	rQueueFull
	rClosed
	numReasons
)

// dropOpts holds the precomputed attribute sets of one event, so counting
// a drop allocates nothing.
type dropOpts [numReasons]metric.AddOption

func newDropOpts(event string) *dropOpts {
	var o dropOpts
	for r := range numReasons {
		attrs := []attribute.KeyValue{attribute.String("reason", reasons[r])}
		if event != "" {
			attrs = append(attrs, attribute.String("event", event))
		}
		o[r] = metric.WithAttributeSet(attribute.NewSet(attrs...))
	}
	return &o
}

// maxLogged bounds the set of names already logged: property names come
// from application code, but a map built from user input could bring an
// endless supply, and neither the memory nor the log should grow with it.
const maxLogged = 1024

// drops counts every drop and logs developer mistakes (undeclared events
// and properties, values of the wrong kind) once per name, so they are seen
// in development without flooding production logs.
type drops struct {
	counter   metric.Int64Counter
	anonymous *dropOpts // for events that are not declared
	log       *slog.Logger

	mu     sync.Mutex
	logged map[string]struct{}
	full   bool
}

func newDrops(mp metric.MeterProvider, log *slog.Logger) (*drops, error) {
	if mp == nil {
		mp = noop.NewMeterProvider()
	}
	counter, err := mp.Meter("github.com/discreet-dev/discreet/analytics").Int64Counter(DropsMetric,
		metric.WithDescription("Analytics events and properties not sent, by reason"),
		metric.WithUnit("{drop}"))
	if err != nil {
		return nil, err
	}
	return &drops{counter: counter, anonymous: newDropOpts(""), log: log, logged: make(map[string]struct{})}, nil
}

// count records one drop; opts is the event's attribute sets (nil for an
// undeclared event).
func (d *drops) count(opts *dropOpts, r reason) {
	if opts == nil {
		opts = d.anonymous
	}
	d.counter.Add(context.Background(), 1, opts[r])
}

// once logs msg the first time key is seen. Names are passed through the
// redaction engine first: an undeclared name is, by definition, not vetted.
func (d *drops) once(key, msg string, attrs ...slog.Attr) {
	d.mu.Lock()
	_, seen := d.logged[key]
	if !seen {
		if len(d.logged) >= maxLogged {
			if d.full {
				d.mu.Unlock()
				return
			}
			d.full = true
			d.mu.Unlock()
			d.log.LogAttrs(context.Background(), slog.LevelWarn, "analytics: too many distinct drops; further ones are counted but not logged")
			return
		}
		d.logged[key] = struct{}{}
	}
	d.mu.Unlock()
	if seen {
		return
	}
	eng := redact.Default()
	for i := range attrs {
		if attrs[i].Value.Kind() == slog.KindString {
			attrs[i].Value = slog.StringValue(eng.String(attrs[i].Value.String()))
		}
	}
	d.log.LogAttrs(context.Background(), slog.LevelWarn, msg, attrs...)
}
