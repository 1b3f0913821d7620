package logging

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/discreet-dev/discreet/redact"
)

// NewHandler returns a handler that scrubs every record and passes it on to
// next: a JSON or text handler, or a bridge to Sentry or OpenTelemetry. The
// message, every attribute value (strings, errors, fmt.Stringers, structs,
// maps and slices passed with slog.Any, slog.LogValuer results) and the
// attributes and group names given to With and WithGroup are scrubbed by
// the shared redaction engine; values under sensitive keys become
// "[redacted]". Attributes added with With are scrubbed once, when added.
//
// A record logged with a request's context (see [Middleware]) gets the
// request_id and user_id attributes when it does not carry them already.
// They are added like the record's own attributes, so they land inside the
// groups opened with WithGroup; [NewJSONHandler] puts them at the top level.
//
// A record that needs no change is passed on as it is, so wrapping costs
// little for clean records. nil opts means the defaults described at
// [Options].
func NewHandler(next slog.Handler, opts *Options) *Handler {
	o := orDefault(opts)
	return &Handler{next: next, s: newScrubber(o), level: o.Level, omitTime: o.OmitTime, rep: newRepeats(o.RepeatInterval)}
}

// Handler is the scrubbing slog.Handler returned by [NewHandler]; it
// passes records on to the handler it wraps.
type Handler struct {
	next      slog.Handler
	s         *scrubber
	level     slog.Leveler
	omitTime  bool
	redactAll bool     // inside a group whose name is a sensitive key
	rep       *repeats // shared with the handlers derived from this one; nil: no limit
}

// Enabled reports whether l reaches both [Options.Level] and the wrapped
// handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool {
	if h.level != nil && l < h.level.Level() {
		return false
	}
	return h.next.Enabled(ctx, l)
}

// Handle scrubs r and passes it on, subject to [Options.RepeatInterval].
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if h.rep != nil {
		write, summaries := h.rep.admit(&r)
		writeSummaries(summaries, h.handle)
		if !write {
			return nil
		}
	}
	return h.handleRec(ctx, &r)
}

func (h *Handler) handle(ctx context.Context, r slog.Record) error { return h.handleRec(ctx, &r) }

// handleRec scrubs *r, which it may change, and passes it on.
func (h *Handler) handleRec(ctx context.Context, r *slog.Record) error {
	// The attributes are copied out once, to the stack when they fit, and
	// scrubbed in a plain loop. The scrubbed strings that differ from the
	// record's (the message and string attribute values) are written one
	// after the other into buf, on the stack while they fit, and become
	// one string at the end: a record with personal data in a few places
	// costs one allocation for all of them, and a clean one none.
	if r.NumAttrs() > maxStackAttrs {
		p := largeAttrs.Get().(*[]slog.Attr)
		r.Attrs(func(a slog.Attr) bool {
			*p = append(*p, a)
			return true
		})
		err := h.handleAttrs(ctx, r, *p)
		clear((*p)[:cap(*p)])
		*p = (*p)[:0]
		largeAttrs.Put(p)
		return err
	}
	var attrStack [maxStackAttrs]slog.Attr
	n := 0
	r.Attrs(func(a slog.Attr) bool {
		attrStack[n] = a
		n++
		return true
	})
	return h.handleAttrs(ctx, r, attrStack[:n])
}

// handleAttrs is handle once the attributes of r are copied to attrs,
// which it changes.
func (h *Handler) handleAttrs(ctx context.Context, r *slog.Record, attrs []slog.Attr) error {
	var stack [256]byte
	var refStack [4]strRef
	buf, refs := stack[:0], refStack[:0]
	buf, msgChanged := h.s.eng.AppendChanged(buf, r.Message)
	msgEnd := len(buf)
	changed := false
	for j, a := range attrs {
		var b slog.Attr
		var c bool
		switch a.Value.Kind() {
		case slog.KindString:
			var nb []byte
			if b, c, nb = h.stringAttr(buf, a); len(nb) > len(buf) {
				refs = append(refs, strRef{j, len(buf), len(nb)})
				buf = nb
			}
		case slog.KindAny, slog.KindGroup, slog.KindLogValuer:
			b, c = h.attr(a)
		default:
			// A number, a boolean, a duration or a time: only its key
			// can make it change.
			if key, eng := h.s.key(a.Key); eng == nil || h.redactAll || key != a.Key {
				b, c = h.attr(a)
			}
		}
		if c {
			attrs[j], changed = b, true
		}
	}
	var extra [2]slog.Attr
	ctxAttrs := extra[:0]
	if info := requestInfo(ctx); info != nil {
		needID, needUser := missingRequestKeys(*r)
		if needID {
			ctxAttrs = append(ctxAttrs, h.scrubAttr(slog.String(RequestIDKey, info.RequestID())))
		}
		if uid := info.UserID(); needUser && uid > 0 {
			ctxAttrs = append(ctxAttrs, slog.Int64(UserIDKey, uid))
		}
	}
	t := r.Time
	if h.omitTime {
		t = time.Time{}
	}
	if !changed {
		// No attribute changed. The message and the time are fields of the
		// record, so they are set in place, and the context's attributes
		// go on a clone: a clean record is passed on as it is, and one with
		// personal data only in its message costs that message.
		if len(ctxAttrs) > 0 {
			*r = r.Clone()
			r.AddAttrs(ctxAttrs...)
		}
		if msgChanged {
			r.Message = string(buf)
		}
		r.Time = t
		return h.next.Handle(ctx, *r)
	}

	// An attribute changed, and a record's attributes cannot be replaced:
	// build a new one.
	all := string(buf)
	msg := r.Message
	if msgChanged {
		msg = all[:msgEnd]
	}
	for _, ref := range refs {
		attrs[ref.i] = slog.String(attrs[ref.i].Key, all[ref.start:ref.end])
	}
	nr := slog.NewRecord(t, r.Level, msg, r.PC)
	nr.AddAttrs(append(attrs, ctxAttrs...)...)
	return h.next.Handle(ctx, nr)
}

// maxStackAttrs is how many attributes a record may have for the handler
// to copy them to the stack; larger records borrow a slice from largeAttrs.
const maxStackAttrs = 16

var largeAttrs = sync.Pool{New: func() any { return new([]slog.Attr) }}

// strRef says that the value of the record's attribute i is
// buf[start:end] of the handler's scratch buffer, once that is a string.
type strRef struct{ i, start, end int }

// stringAttr scrubs a, whose value is a string, like attr. A value that
// changes is appended to buf, and the attribute returned then has the
// scrubbed key and no value yet: the caller finds the value in what was
// appended (a scrubbed value is never empty).
func (h *Handler) stringAttr(buf []byte, a slog.Attr) (slog.Attr, bool, []byte) {
	key, eng := h.s.key(a.Key)
	if eng == nil || h.redactAll {
		return slog.String(key, redact.Redacted), true, buf
	}
	v := a.Value.String()
	buf, c := eng.AppendChanged(buf, v)
	switch {
	case c:
		return slog.Attr{Key: key}, true, buf
	case key != a.Key:
		return slog.String(key, v), true, buf
	}
	return a, false, buf
}

// WithAttrs returns a Handler whose wrapped handler has the scrubbed as.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = h.scrubAttr(a)
	}
	h2 := *h
	h2.next = h.next.WithAttrs(out)
	return &h2
}

// WithGroup returns a Handler that opens the group name (scrubbed); members
// of a group named like a sensitive key are all "[redacted]".
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.next = h.next.WithGroup(h.s.eng.String(name))
	h2.redactAll = h.redactAll || h.s.eng.IsSensitiveKey(name)
	return &h2
}

func (h *Handler) scrubAttr(a slog.Attr) slog.Attr {
	b, _ := h.attr(a)
	return b
}

// attr returns a scrubbed and resolved and whether it differs from a.
func (h *Handler) attr(a slog.Attr) (slog.Attr, bool) {
	return scrubAttr(h.s, a, h.redactAll)
}

func scrubAttr(s *scrubber, a slog.Attr, redactAll bool) (slog.Attr, bool) {
	v := a.Value.Resolve()
	changed := a.Value.Kind() == slog.KindLogValuer
	key, eng := s.key(a.Key)
	changed = changed || key != a.Key
	if redactAll {
		eng = nil
	}
	if eng == nil {
		if v.Kind() == slog.KindGroup && len(v.Group()) == 0 {
			return slog.Attr{Key: key, Value: v}, changed // empty groups are elided anyway
		}
		if a.Key == "" && v.Kind() == slog.KindAny && v.Any() == nil {
			return a, false // the empty attribute, elided by handlers
		}
		return slog.String(key, redact.Redacted), true
	}
	switch v.Kind() {
	case slog.KindString:
		str := eng.String(v.String())
		if str != v.String() {
			return slog.String(key, str), true
		}
	case slog.KindGroup:
		g := v.Group()
		var out []slog.Attr
		for i, ga := range g {
			b, c := scrubAttr(s, ga, false)
			if c && out == nil {
				out = make([]slog.Attr, len(g))
				copy(out, g[:i])
			}
			if out != nil {
				out[i] = b
			}
		}
		if out != nil {
			return slog.Attr{Key: key, Value: slog.GroupValue(out...)}, true
		}
	case slog.KindAny:
		x := v.Any()
		if x == nil {
			break
		}
		if host, ok := x.(Host); ok {
			return slog.String(key, s.hostString(eng, host)), true
		}
		return slog.Any(key, eng.Value(x)), true
	}
	if changed {
		return slog.Attr{Key: key, Value: v}, true
	}
	return a, false
}
