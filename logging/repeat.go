package logging

import (
	"context"
	"hash/maphash"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultRepeatInterval is the [Options.RepeatInterval] used when it is
// zero.
const DefaultRepeatInterval = 10 * time.Second

// maxRepeatKeys bounds how many distinct error records are remembered;
// past it, new ones are written as they come.
const maxRepeatKeys = 1024

// repeats limits repeated identical error records for one handler and
// every handler derived from it with With and WithGroup. A dependency
// that is down makes every request fail the same way; without a limit
// each failure writes its record and stack, and an outage of a minute can
// rotate away the evidence an operator needs.
type repeats struct {
	interval time.Duration
	seed     maphash.Seed

	due atomic.Int64 // unix nanoseconds when the next summary is due; 0: none pending

	mu sync.Mutex
	m  map[uint64]*repeat
}

// repeat is one kind of record: its first time in full, then counted.
type repeat struct {
	level      slog.Level
	msg, err   string
	since      time.Time // start of the current interval
	suppressed int       // records not written in it
}

// newRepeats returns the limiter for interval (0: the default), or nil
// when interval is negative (no limit).
func newRepeats(interval time.Duration) *repeats {
	if interval < 0 {
		return nil
	}
	if interval == 0 {
		interval = DefaultRepeatInterval
	}
	return &repeats{interval: interval, seed: maphash.MakeSeed(), m: make(map[uint64]*repeat)}
}

// admit decides about r: whether to write it, and the summary records
// that are due before it (of r's kind or of others whose interval ended).
// Only records at Warn or above with an "error" attribute are limited;
// two are identical when level, message and error text are.
func (rp *repeats) admit(r *slog.Record) (write bool, summaries []slog.Record) {
	if rp == nil {
		return true, nil
	}
	now := r.Time
	if now.IsZero() {
		now = time.Now()
	}
	if due := rp.due.Load(); due != 0 && now.UnixNano() >= due {
		summaries = rp.flush(now)
	}
	if r.Level < slog.LevelWarn {
		return true, summaries
	}
	errText, ok := errorText(*r)
	if !ok {
		return true, summaries
	}
	var h maphash.Hash
	h.SetSeed(rp.seed)
	h.WriteString(r.Level.String())
	h.WriteByte(0)
	h.WriteString(r.Message)
	h.WriteByte(0)
	h.WriteString(errText)
	key := h.Sum64()

	rp.mu.Lock()
	defer rp.mu.Unlock()
	e := rp.m[key]
	switch {
	case e == nil:
		if len(rp.m) >= maxRepeatKeys {
			return true, summaries // too many kinds to tell apart: write them all
		}
		rp.m[key] = &repeat{level: r.Level, msg: r.Message, err: errText, since: now}
		return true, summaries
	case now.Sub(e.since) < rp.interval:
		e.suppressed++
		if end := e.since.Add(rp.interval).UnixNano(); rp.due.Load() == 0 || end < rp.due.Load() {
			rp.due.Store(end)
		}
		return false, summaries
	case e.suppressed > 0:
		// The interval is over and repeats went on: this one is counted
		// in the summary, which starts the next interval.
		e.suppressed++
		summaries = append(summaries, e.summary(now, rp.interval))
		e.since, e.suppressed = now, 0
		return false, summaries
	default:
		e.since = now // quiet for a whole interval: a fresh occurrence
		return true, summaries
	}
}

// flush returns the summaries whose interval has ended by now, forgets the
// kinds that were quiet for a whole interval, and sets the next due time.
func (rp *repeats) flush(now time.Time) []slog.Record {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	var out []slog.Record
	var next time.Time
	for k, e := range rp.m {
		end := e.since.Add(rp.interval)
		switch {
		case now.Before(end):
			if e.suppressed > 0 && (next.IsZero() || end.Before(next)) {
				next = end
			}
		case e.suppressed > 0:
			out = append(out, e.summary(now, rp.interval))
			e.since, e.suppressed = now, 0
		default:
			delete(rp.m, k)
		}
	}
	if next.IsZero() {
		rp.due.Store(0)
	} else {
		rp.due.Store(next.UnixNano())
	}
	return out
}

// summary is the record that stands for the suppressed ones: the same
// level and message, the error text without a stack, and the count.
func (e *repeat) summary(now time.Time, interval time.Duration) slog.Record {
	r := slog.NewRecord(now, e.level, e.msg, 0)
	r.AddAttrs(
		slog.String(ErrorKey, e.err),
		slog.Int("suppressed", e.suppressed),
		slog.Duration("interval", interval),
	)
	return r
}

// errorText returns the text of r's top-level "error" attribute without
// resolving a stack trace, and whether there is one.
func errorText(r slog.Record) (text string, ok bool) {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != ErrorKey {
			return true
		}
		ok = true
		v := a.Value
		if v.Kind() == slog.KindLogValuer {
			if se, isStack := v.LogValuer().(*stackError); isStack {
				text = se.msg
				return false
			}
			v = v.Resolve()
		}
		switch v.Kind() {
		case slog.KindGroup:
			for _, g := range v.Group() {
				if g.Key == "message" {
					text = g.Value.String()
				}
			}
		case slog.KindAny:
			if err, isErr := v.Any().(error); isErr && err != nil {
				text = err.Error()
				return false
			}
			text = v.String()
		default:
			text = v.String()
		}
		return false
	})
	return text, ok
}

// writeSummaries hands the summaries to write, with a context of their
// own: they belong to no single request.
func writeSummaries(summaries []slog.Record, write func(context.Context, slog.Record) error) {
	for _, s := range summaries {
		_ = write(context.Background(), s)
	}
}
