package logging

import (
	"context"
	"log/slog"
	"slices"
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
	return h.handleRec(ctx, r)
}

func (h *Handler) handle(ctx context.Context, r slog.Record) error { return h.handleRec(ctx, r) }

// handleRec scrubs r and passes it on.
//
// The attributes are scrubbed as the record hands them out; only those
// that change are noted, and a record is rebuilt only when one does. The
// scrubbed strings that differ from the record's (the message and string
// attribute values) are written one after the other into one buffer, on
// the stack while they fit, and become one string at the end: a record
// with personal data in a few places costs one allocation for all of
// them, and a clean one none.
func (h *Handler) handleRec(ctx context.Context, r slog.Record) error {
	var stack [256]byte
	var changeStack [4]attrChange
	buf, msgChanged := h.s.appendChanged(h.s.eng, stack[:0], r.Message)
	msgEnd := len(buf)
	changes := changeStack[:0]
	// The attributes are kept on the stack as they go by, when they fit,
	// for the rebuild below.
	var attrStack [maxStackAttrs]slog.Attr
	n := 0
	r.Attrs(func(a slog.Attr) bool {
		if n < len(attrStack) {
			attrStack[n] = a
		}
		buf, changes = h.scrubTop(buf, changes, n, a)
		n++
		return true
	})
	var extra [2]slog.Attr
	ctxAttrs := extra[:0]
	if info := requestInfo(ctx); info != nil {
		needID, needUser := missingRequestKeys(r)
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
	if len(changes) == 0 {
		// No attribute changed. The message and the time are fields of the
		// record, so they are set in place, and the context's attributes
		// go on a clone: a clean record is passed on as it is, and one with
		// personal data only in its message costs that message.
		if len(ctxAttrs) > 0 {
			r = r.Clone()
			r.AddAttrs(ctxAttrs...)
		}
		if msgChanged {
			r.Message = string(buf)
		}
		r.Time = t
		return h.next.Handle(ctx, r)
	}

	// An attribute changed, and a record's attributes cannot be replaced:
	// build a new one.
	all := string(buf)
	msg := r.Message
	if msgChanged {
		msg = all[:msgEnd]
	}
	var attrs []slog.Attr
	var pooled *[]slog.Attr
	if n+len(ctxAttrs) <= maxStackAttrs {
		attrs = attrStack[:n+len(ctxAttrs)]
	} else {
		pooled = largeAttrs.Get().(*[]slog.Attr)
		*pooled = slices.Grow((*pooled)[:0], n+len(ctxAttrs))
		attrs = (*pooled)[:n+len(ctxAttrs)]
		j := 0
		r.Attrs(func(a slog.Attr) bool {
			attrs[j] = a
			j++
			return true
		})
	}
	for k := range changes {
		c := &changes[k]
		attrs[c.i] = c.a
		if c.end > 0 {
			attrs[c.i].Value = slog.StringValue(all[c.start:c.end])
		}
	}
	copy(attrs[n:], ctxAttrs)
	nr := slog.NewRecord(t, r.Level, msg, r.PC)
	nr.AddAttrs(attrs...)
	err := h.next.Handle(ctx, nr)
	if pooled != nil {
		clear(attrs)
		largeAttrs.Put(pooled)
	}
	return err
}

// maxStackAttrs is how many attributes a record may have for the handler
// to keep them on the stack; a larger record that changes borrows a slice
// from largeAttrs to be rebuilt.
const maxStackAttrs = 16

var largeAttrs = sync.Pool{New: func() any { return new([]slog.Attr) }}

// attrChange says that the record's attribute i becomes a; when end is
// not zero, a holds only the key and its string value is buf[start:end],
// once that is a string (a scrubbed value is never empty).
type attrChange struct {
	i          int
	a          slog.Attr
	start, end int
}

// scrubTop scrubs a, the record's attribute i. A string value that
// changes is appended to buf; every attribute that changes is noted in
// changes.
func (h *Handler) scrubTop(buf []byte, changes []attrChange, i int, a slog.Attr) ([]byte, []attrChange) {
	switch a.Value.Kind() {
	case slog.KindString:
		key, eng := h.s.key(a.Key)
		if eng == nil || h.redactAll {
			return buf, append(changes, attrChange{i: i, a: slog.String(key, redact.Redacted)})
		}
		start := len(buf)
		var c bool
		if buf, c = h.s.appendChanged(eng, buf, a.Value.String()); c {
			changes = append(changes, attrChange{i: i, a: slog.Attr{Key: key}, start: start, end: len(buf)})
		} else if key != a.Key {
			changes = append(changes, attrChange{i: i, a: slog.Attr{Key: key, Value: a.Value}})
		}
	case slog.KindAny, slog.KindGroup, slog.KindLogValuer:
		if b, c := h.attr(a); c {
			changes = append(changes, attrChange{i: i, a: b})
		}
	default:
		// A number, a boolean, a duration or a time: only its key can
		// make it change.
		if key, eng := h.s.key(a.Key); eng == nil || h.redactAll || key != a.Key {
			if b, c := h.attr(a); c {
				changes = append(changes, attrChange{i: i, a: b})
			}
		}
	}
	return buf, changes
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
