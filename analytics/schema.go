package analytics

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/redact"
)

// Properties are the values an application passes with one event. Only the
// properties its [Schema] declares for that event, holding values of the
// declared [Kind], leave the process.
type Properties map[string]any

// Schema lists every event the application may send and, per event, the
// properties it may carry. An event that is not listed is never sent.
//
//	analytics.Schema{
//		"timer.started":   {"has_task": analytics.Bool, "has_notes": analytics.Bool},
//		"project.created": {"billable": analytics.Bool, "has_client": analytics.Bool},
//		"report.viewed":   {"group_by": analytics.Enum("project", "client", "day")},
//	}
type Schema map[string]Event

// Event maps the name of each property one event may carry to its kind.
// An event that carries no properties is declared with an empty (or nil)
// Event.
type Event map[string]Kind

// Kind says what a property may hold. There is deliberately no kind for
// free text: a string property is an [Enum] whose values are fixed in the
// schema, so a note, a name or an email address has nowhere to go.
//
// The zero Kind is invalid; use [Bool], [Int], [Count], [Duration] or
// [Enum].
type Kind struct {
	code   kindCode
	values []string // Enum only, in declaration order
	boxed  []any    // values, already converted to interfaces
}

type kindCode uint8

const (
	kindInvalid kindCode = iota
	kindBool
	kindInt
	kindCount
	kindDuration
	kindEnum
)

var (
	// Bool accepts a bool and sends it as is.
	Bool = Kind{code: kindBool}
	// Int accepts any Go integer type (int, int64, uint8, ...) and sends it
	// as a JSON number. Use it for small closed ranges such as a weekday or
	// a plan tier; use [Count] for anything that grows.
	Int = Kind{code: kindInt}
	// Count accepts a non-negative integer of any Go integer type and sends
	// the bucket it falls in, one of "0", "1", "2-5", "6-10", "11-50",
	// "51-100" and "101+": enough to tell usage patterns apart, too coarse
	// to single anyone out.
	Count = Kind{code: kindCount}
	// Duration accepts a non-negative time.Duration and sends the bucket it
	// falls in, one of "<1m", "1-5m", "5-15m", "15-30m", "30-60m", "1-2h",
	// "2-4h", "4-8h" and "8h+".
	Duration = Kind{code: kindDuration}
)

// Enum returns a kind that accepts a string equal to one of values and
// sends it. The values are fixed when the schema is written; [Schema.Validate]
// refuses an empty list, an empty value, and a value the redaction engine
// would change (one that looks like an email address, a token or an IP).
func Enum(values ...string) Kind {
	k := Kind{code: kindEnum, values: append([]string(nil), values...), boxed: make([]any, len(values))}
	for i, v := range k.values {
		k.boxed[i] = v
	}
	return k
}

// String describes the kind, for error messages and documentation.
func (k Kind) String() string {
	switch k.code {
	case kindBool:
		return "bool"
	case kindInt:
		return "int"
	case kindCount:
		return "count"
	case kindDuration:
		return "duration"
	case kindEnum:
		return "enum(" + strings.Join(k.values, ", ") + ")"
	}
	return "invalid"
}

// accept converts v to the value sent for this kind, or reports false when
// v is outside the kind. Enum values are returned from the schema itself,
// so the string that leaves the process is always the declared one.
func (k Kind) accept(v any) (any, bool) {
	switch k.code {
	case kindBool:
		b, ok := v.(bool)
		return b, ok
	case kindInt:
		return asInt(v)
	case kindCount:
		n, ok := asInt(v)
		if !ok || n < 0 {
			return nil, false
		}
		return countBucket(n), true
	case kindDuration:
		d, ok := v.(time.Duration)
		if !ok || d < 0 {
			return nil, false
		}
		return durationBucket(d), true
	case kindEnum:
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		for i, allowed := range k.values {
			if s == allowed {
				return k.boxed[i], true
			}
		}
	}
	return nil, false
}

// prop is accept for the queue: an integer stays unboxed in num, so that
// checking a property on the caller's goroutine allocates nothing.
func (k Kind) prop(name string, v any) (prop, bool) {
	if k.code == kindInt {
		n, ok := asInt(v)
		return prop{name: name, num: n}, ok
	}
	val, ok := k.accept(v)
	return prop{name: name, val: val}, ok
}

// asInt accepts every Go integer type; a uint64 beyond MaxInt64 is refused
// rather than wrapped.
func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case int32:
		return int64(n), true
	case int16:
		return int64(n), true
	case int8:
		return int64(n), true
	case uint:
		if uint64(n) > math.MaxInt64 {
			return 0, false
		}
		return int64(n), true
	case uint64:
		if n > math.MaxInt64 {
			return 0, false
		}
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint8:
		return int64(n), true
	}
	return 0, false
}

// Bucket labels are boxed once, so sending one allocates nothing.
var (
	countLabels    = []any{"0", "1", "2-5", "6-10", "11-50", "51-100", "101+"}
	countUpper     = []int64{0, 1, 5, 10, 50, 100}
	durationLabels = []any{"<1m", "1-5m", "5-15m", "15-30m", "30-60m", "1-2h", "2-4h", "4-8h", "8h+"}
	durationUpper  = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour}
)

// countBucket returns the label of the first bucket whose upper bound
// (inclusive) holds n.
func countBucket(n int64) any {
	for i, upper := range countUpper {
		if n <= upper {
			return countLabels[i]
		}
	}
	return countLabels[len(countLabels)-1]
}

// durationBucket returns the label of the first bucket whose upper bound
// (exclusive) is above d.
func durationBucket(d time.Duration) any {
	for i, upper := range durationUpper {
		if d < upper {
			return durationLabels[i]
		}
	}
	return durationLabels[len(durationLabels)-1]
}

// maxNameLen bounds event, property and enum value names; PostHog accepts
// longer ones, but anything this long is more likely data than a name.
const maxNameLen = 200

// Validate reports every problem with the schema in one joined error: an
// empty or over-long name, a name starting with "$" (PostHog reserves
// those), the property name [SessionProperty] (the client sets it), a
// property without a kind, an enum without values, and a name or enum value
// that the redaction engine would change. [New] calls it and refuses a
// schema that fails.
func (s Schema) Validate() error {
	var errs []error
	eng := redact.Default()
	checkName := func(what, name string) {
		switch {
		case name == "":
			errs = append(errs, fmt.Errorf("%s name is empty", what))
		case len(name) > maxNameLen:
			errs = append(errs, fmt.Errorf("%s name %q... is longer than %d bytes", what, eng.String(name[:40]), maxNameLen))
		case strings.HasPrefix(name, "$"):
			errs = append(errs, fmt.Errorf("%s name %q starts with \"$\", which PostHog reserves", what, name))
		case eng.String(name) != name:
			errs = append(errs, fmt.Errorf("%s name %q looks like it carries personal data or a secret", what, eng.String(name)))
		}
	}
	for _, ev := range sortedKeys(s) {
		checkName("event", ev)
		props := s[ev]
		for _, p := range sortedKeys(props) {
			checkName(fmt.Sprintf("event %q: property", ev), p)
			if p == SessionProperty {
				errs = append(errs, fmt.Errorf("event %q: property name %q is set by the client from WithSession; declare another name", ev, p))
			}
			k := props[p]
			switch k.code {
			case kindBool, kindInt, kindCount, kindDuration:
			case kindEnum:
				if len(k.values) == 0 {
					errs = append(errs, fmt.Errorf("event %q: property %q: Enum needs at least one value", ev, p))
				}
				for _, v := range k.values {
					checkName(fmt.Sprintf("event %q: property %q: enum value", ev, p), v)
				}
			default:
				errs = append(errs, fmt.Errorf("event %q: property %q has no kind; use Bool, Int, Count, Duration or Enum", ev, p))
			}
		}
	}
	return errors.Join(errs...)
}

// Clean returns the properties of event that would be sent: declared
// properties whose values fit their kind, converted ([Count] and [Duration]
// values become their bucket). ok is false when the event is not declared,
// in which case nothing would be sent at all. Clean does not count or log
// the drops; the [Client] does that when it sends.
func (s Schema) Clean(event string, props Properties) (clean Properties, ok bool) {
	decl, ok := s[event]
	if !ok {
		return nil, false
	}
	clean = make(Properties, len(props))
	for name, v := range props {
		k, declared := decl[name]
		if !declared {
			continue
		}
		if out, fits := k.accept(v); fits {
			clean[name] = out
		}
	}
	return clean, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
