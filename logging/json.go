package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/discreet-dev/discreet/redact"
)

// NewJSONHandler returns a handler that writes each record to w as one JSON
// object per line, in the shape slog.NewJSONHandler writes (time, level,
// optional source, msg, then the attributes and groups), with scrubbing
// fused into the encoding: every string is scanned once as it is escaped,
// and nothing is copied when it is clean. Attributes given to With are
// encoded and scrubbed once, when added. What is scrubbed is described at
// [NewHandler]; request_id and user_id from a request's context are written
// at the top level, right after msg.
//
// Each record is written with a single Write call, serialized across the
// handlers derived from this one. nil opts means the defaults described at
// [Options].
func NewJSONHandler(w io.Writer, opts *Options) *JSONHandler {
	o := orDefault(opts)
	return &JSONHandler{
		w:         w,
		mu:        new(sync.Mutex),
		s:         newScrubber(o),
		level:     o.Level,
		addSource: o.AddSource,
		omitTime:  o.OmitTime,
		rep:       newRepeats(o.RepeatInterval),
	}
}

// JSONHandler is the scrubbing JSON Lines handler returned by
// [NewJSONHandler].
type JSONHandler struct {
	w         io.Writer
	mu        *sync.Mutex
	s         *scrubber
	level     slog.Leveler
	addSource bool
	omitTime  bool
	rep       *repeats // shared with the handlers derived from this one; nil: no limit

	pre       []byte   // encoded With attributes, inside the groups opened so far
	groups    [][]byte // encoded openers (`"name":{`) of every WithGroup group
	nOpen     int      // how many of groups pre has opened
	redactAll bool     // inside a group whose name is a sensitive key
}

// Enabled reports whether l reaches [Options.Level] (Info when nil).
func (h *JSONHandler) Enabled(_ context.Context, l slog.Level) bool {
	min := slog.LevelInfo
	if h.level != nil {
		min = h.level.Level()
	}
	return l >= min
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Handle writes r as one scrubbed JSON line, subject to
// [Options.RepeatInterval].
func (h *JSONHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.rep != nil {
		write, summaries := h.rep.admit(&r)
		writeSummaries(summaries, h.handle)
		if !write {
			return nil
		}
	}
	return h.handle(ctx, r)
}

func (h *JSONHandler) handle(ctx context.Context, r slog.Record) error {
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]

	b = append(b, '{')
	if !h.omitTime && !r.Time.IsZero() {
		b = append(b, `"time":"`...)
		b = r.Time.Round(0).AppendFormat(b, time.RFC3339Nano)
		b = append(b, `",`...)
	}
	b = append(b, `"level":`...)
	b = appendLevel(b, r.Level)
	if h.addSource && r.PC != 0 {
		fs := runtime.CallersFrames([]uintptr{r.PC})
		f, _ := fs.Next()
		b = append(b, `,"source":{"function":`...)
		b = h.s.eng.AppendJSONString(b, f.Function)
		b = append(b, `,"file":`...)
		b = h.s.eng.AppendJSONString(b, f.File)
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, int64(f.Line), 10)
		b = append(b, '}')
	}
	b = append(b, `,"msg":`...)
	b = h.s.eng.AppendJSONString(b, r.Message)

	if info := requestInfo(ctx); info != nil {
		needID, needUser := missingRequestKeys(r)
		if needID {
			b = append(b, `,"request_id":`...)
			b = h.s.eng.AppendJSONString(b, info.RequestID())
		}
		if uid := info.UserID(); needUser && uid > 0 {
			b = append(b, `,"user_id":`...)
			b = strconv.AppendInt(b, uid, 10)
		}
	}

	b = append(b, h.pre...)
	if r.NumAttrs() > 0 {
		mark := len(b)
		for _, g := range h.groups[h.nOpen:] {
			b = appendSep(b)
			b = append(b, g...)
		}
		wrote := false
		r.Attrs(func(a slog.Attr) bool {
			var ok bool
			b, ok = h.appendAttr(b, a, h.redactAll)
			wrote = wrote || ok
			return true
		})
		if wrote {
			for range h.groups[h.nOpen:] {
				b = append(b, '}')
			}
		} else {
			b = b[:mark]
		}
	}
	for range h.nOpen {
		b = append(b, '}')
	}
	b = append(b, '}', '\n')

	h.mu.Lock()
	_, err := h.w.Write(b)
	h.mu.Unlock()

	if cap(b) <= 64<<10 { // let rare huge records go to the collector
		*bp = b
		bufPool.Put(bp)
	}
	return err
}

// WithAttrs returns a JSONHandler that writes as, encoded and scrubbed
// once, in every record.
func (h *JSONHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	b := slices.Clone(h.pre)
	if len(b) == 0 {
		b = append(b, ',') // pre follows "msg" in every record
	}
	for _, g := range h.groups[h.nOpen:] {
		b = appendSep(b)
		b = append(b, g...)
	}
	wrote := false
	for _, a := range as {
		var ok bool
		b, ok = h.appendAttr(b, a, h.redactAll)
		wrote = wrote || ok
	}
	if !wrote {
		return h
	}
	h2 := *h
	h2.pre = b
	h2.nOpen = len(h.groups)
	return &h2
}

// WithGroup returns a JSONHandler that nests what follows under name;
// members of a group named like a sensitive key are all "[redacted]".
func (h *JSONHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	g := h.s.eng.AppendJSONString(nil, name)
	g = append(g, ':', '{')
	h2 := *h
	h2.groups = append(slices.Clip(h.groups), g)
	h2.redactAll = h.redactAll || h.s.eng.IsSensitiveKey(name)
	return &h2
}

// appendSep writes the comma between members unless b has just opened an
// object or already ends in a comma.
func appendSep(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] != '{' && b[n-1] != ',' {
		b = append(b, ',')
	}
	return b
}

// appendAttr encodes a as one JSON member (or several, for an inlined
// group) and reports whether it wrote anything; like slog, it elides empty
// attributes and empty groups.
func (h *JSONHandler) appendAttr(b []byte, a slog.Attr, redactAll bool) ([]byte, bool) {
	v := a.Value.Resolve()
	if a.Key == "" && v.Kind() == slog.KindAny && v.Any() == nil {
		return b, false
	}
	key, eng := h.s.key(a.Key)
	if redactAll {
		eng = nil
	}
	if v.Kind() == slog.KindGroup {
		attrs := v.Group()
		if len(attrs) == 0 {
			return b, false
		}
		if a.Key == "" {
			wrote := false
			for _, ga := range attrs {
				var ok bool
				b, ok = h.appendAttr(b, ga, redactAll)
				wrote = wrote || ok
			}
			return b, wrote
		}
		if eng != nil {
			mark := len(b)
			b = appendSep(b)
			b = appendJSONString(b, key)
			b = append(b, ':', '{')
			wrote := false
			for _, ga := range attrs {
				var ok bool
				b, ok = h.appendAttr(b, ga, false)
				wrote = wrote || ok
			}
			if !wrote {
				return b[:mark], false
			}
			return append(b, '}'), true
		}
	}
	b = appendSep(b)
	b = appendJSONString(b, key)
	b = append(b, ':')
	if eng == nil {
		return append(b, `"`+redact.Redacted+`"`...), true
	}
	if host, ok := hostOf(v); ok {
		return appendJSONString(b, h.s.hostString(eng, host)), true
	}
	return appendValue(b, eng, v), true
}

func appendValue(b []byte, eng *redact.Engine, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		return eng.AppendJSONString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		return appendFloat(b, v.Float64())
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return strconv.AppendInt(b, int64(v.Duration()), 10) // as slog and encoding/json do
	case slog.KindTime:
		b = append(b, '"')
		b = v.Time().Round(0).AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	default: // KindAny; groups and LogValuers were handled by the caller
		if v.Any() == nil {
			return append(b, "null"...)
		}
		return appendPlain(b, eng, eng.Value(v.Any()))
	}
}

// appendPlain encodes what Engine.Value returns: strings, numbers, bools,
// nil, map[string]any and []any, already scrubbed. Anything else goes
// through encoding/json and is kept only if the engine finds nothing in the
// encoded text; otherwise that text is written as a scrubbed string.
func appendPlain(b []byte, eng *redact.Engine, x any) []byte {
	switch x := x.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return eng.AppendJSONString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case float64:
		return appendFloat(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPlain(b, eng, e)
		}
		return append(b, ']')
	case map[string]any:
		b = append(b, '{')
		for i, k := range slices.Sorted(maps.Keys(x)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = eng.AppendJSONString(b, k)
			b = append(b, ':')
			b = appendPlain(b, eng, x[k])
		}
		return append(b, '}')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return eng.AppendJSONString(b, "!ERROR:"+err.Error())
	}
	text := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
	if s := string(text); eng.String(s) != s {
		return eng.AppendJSONString(b, s)
	}
	return append(b, text...)
}

// appendFloat writes f the way encoding/json does; NaN and infinities,
// which JSON cannot hold, become strings.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		b = append(b, '"')
		b = strconv.AppendFloat(b, f, 'g', -1, 64)
		return append(b, '"')
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendJSONString quotes a string the scrubber already cleaned (an
// attribute key). Plain ASCII keys, nearly all of them, are copied as they
// are; anything else is left to the engine's escaper.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return redact.Default().AppendJSONString(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendLevel writes the level as slog.Level.String names it, quoted; the
// four standard levels are written without formatting anything.
func appendLevel(b []byte, l slog.Level) []byte {
	switch l {
	case slog.LevelDebug:
		return append(b, `"DEBUG"`...)
	case slog.LevelInfo:
		return append(b, `"INFO"`...)
	case slog.LevelWarn:
		return append(b, `"WARN"`...)
	case slog.LevelError:
		return append(b, `"ERROR"`...)
	}
	return strconv.AppendQuote(b, l.String())
}
