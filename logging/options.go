package logging

import (
	"context"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/discreet-dev/discreet/internal/reqctx"
	"github.com/discreet-dev/discreet/redact"
)

// Attribute keys this package writes and reads. They are fixed so that log
// queries, [File.ExportUser] and [File.EraseUser] can rely on them.
const (
	// RequestIDKey holds the request ID (claim L4).
	RequestIDKey = "request_id"
	// UserIDKey holds the internal numeric user ID; [File.ExportUser] and
	// [File.EraseUser] match on it.
	UserIDKey = "user_id"
	// ClientIPKey is the only key under which an IP address may appear,
	// and only when both [Options.KeepIPs] and [MiddlewareOptions.ClientIP]
	// are set (claim L6).
	ClientIPKey = "client_ip"
	// TraceIDKey and SpanIDKey hold the IDs of the request's server span
	// when the request is traced (package tracing), so a request record
	// joins its trace.
	TraceIDKey = "trace_id"
	SpanIDKey  = "span_id"
	// ErrorKey holds the error written by [Err].
	ErrorKey = "error"
)

// Options configure [NewHandler] and [NewJSONHandler]. A nil *Options, like
// the zero value, means: level Info, no source, the built-in sensitive keys
// and every IP address removed.
type Options struct {
	// Level is the minimum level logged; nil means slog.LevelInfo for
	// NewJSONHandler, and whatever the wrapped handler accepts for
	// NewHandler.
	Level slog.Leveler

	// AddSource adds a "source" group (function, file, line) to each
	// record written by NewJSONHandler. NewHandler leaves source to the
	// handler it wraps, which receives the record's PC untouched.
	AddSource bool

	// SensitiveKeys are extra attribute keys whose values are always
	// replaced by "[redacted]", matched like the built-in ones (case, '-',
	// '_' and '.' do not matter). The built-in list covers passwords,
	// tokens, API keys, cookies, sessions, authorization, emails, notes
	// and descriptions.
	SensitiveKeys []string

	// KeepIPs lets an IP address through under the key "client_ip" and
	// nowhere else. Without it (the default) "client_ip" is a sensitive
	// key and IP addresses are removed from every value. It is the switch
	// that LOG_CLIENT_IP=true turns on (consent.Settings.LogClientIP).
	KeepIPs bool

	// RepeatInterval bounds repeated identical error records, such as
	// every request failing the same way while a database is down.
	// Records at level Warn or above that carry an "error" attribute are
	// identical when their level, message and error text are. The first
	// is written in full (with its stack trace, for [Err]); the ones that
	// follow within the interval are counted and not written; once the
	// interval is over, one summary record stands for them: the same
	// level and message, the error text without the stack, "suppressed"
	// (how many) and "interval". The summary is written with the next
	// record the handler sees after the interval, so at most one per
	// interval per kind. Zero means [DefaultRepeatInterval]; a negative
	// value writes every record.
	RepeatInterval time.Duration

	// OmitTime leaves the time out of every record: for examples and
	// golden files whose output must not change from run to run.
	OmitTime bool
}

// scrubber is what both handlers share: the engine for everything, and a
// second one that keeps IPs, used only for the client_ip value.
type scrubber struct {
	eng     *redact.Engine
	ipEng   *redact.Engine // nil unless Options.KeepIPs
	hostEng *redact.Engine // keeps IPs, for Host values only

	// keys caches the verdict on clean attribute keys. Keys are nearly
	// always constants, so one lookup replaces a scan and a key-list
	// check on every attribute of every record. The map is replaced, never
	// changed, so readers need no lock; it is bounded because a program
	// may build keys from data.
	keys   atomic.Pointer[map[string]*keyEntry]
	keysMu sync.Mutex // serializes writers

	// clean holds string values found clean before (see cleanStrings).
	clean cleanStrings

	// recent holds entries of keys, found by the address of the key's
	// bytes: a constant key has the same address at every call, so a hit
	// costs a multiplication and a short comparison instead of hashing
	// the key. The address alone is not enough, since a program may reuse
	// a buffer's bytes for another key (a zero-copy string), so a hit also
	// compares the key with the entry's own copy of it; a key that misses
	// here still finds its verdict in keys.
	recent [recentSlots]atomic.Pointer[keyEntry]
}

// keyEntry is a cached verdict on a key.
type keyEntry struct {
	key     string // a private copy of the key, which nobody can change
	at      *byte  // where the key's bytes were when it was cached
	verdict keyVerdict
	eng     *redact.Engine // the engine for the verdict (see engineOf), looked up once
}

const recentSlots = 128

func recentSlot(key string) uintptr {
	p := uintptr(unsafe.Pointer(unsafe.StringData(key))) ^ uintptr(len(key))
	return p * 0x9E3779B97F4A7C15 >> (64 - 7) // the top 7 bits: 0 to recentSlots-1
}

type keyVerdict uint8

const (
	keyClean     keyVerdict = iota + 1 // write the value scrubbed
	keySensitive                       // write "[redacted]"
	keyClientIP                        // write the value scrubbed but IPs kept
)

const maxCachedKeys = 4096

func newScrubber(o *Options) *scrubber {
	s := &scrubber{eng: redact.New(&redact.Options{Keys: o.SensitiveKeys})}
	s.hostEng = redact.New(&redact.Options{Keys: o.SensitiveKeys, KeepIPs: true})
	if o.KeepIPs {
		s.ipEng = s.hostEng
	}
	return s
}

// key returns the scrubbed key and the engine for the value under it, nil
// when the value must be replaced whole by "[redacted]".
func (s *scrubber) key(key string) (string, *redact.Engine) {
	if cur := s.recent[recentSlot(key)].Load(); cur != nil && cur.at == unsafe.StringData(key) && cur.key == key {
		return key, cur.eng
	}
	return s.keySlow(key)
}

// keySlow is key for a key that its recent slot does not hold.
func (s *scrubber) keySlow(key string) (string, *redact.Engine) {
	slot := &s.recent[recentSlot(key)]
	cur := slot.Load()
	m := s.keys.Load()
	if m != nil {
		if e, ok := (*m)[key]; ok {
			if e != cur {
				slot.Store(e)
			}
			return key, e.eng
		}
	}
	verdict := keyClean
	switch {
	case s.ipEng != nil && key == ClientIPKey:
		verdict = keyClientIP
	case s.eng.IsSensitiveKey(key):
		verdict = keySensitive
	}
	clean := s.eng.String(key)
	if clean == key && (m == nil || len(*m) < maxCachedKeys) {
		s.keysMu.Lock()
		old := s.keys.Load()
		next := make(map[string]*keyEntry, 1+lenOf(old))
		if old != nil {
			maps.Copy(next, *old)
		}
		own := strings.Clone(key)
		next[own] = &keyEntry{key: own, at: unsafe.StringData(key), verdict: verdict, eng: s.engineOf(verdict)}
		s.keys.Store(&next)
		s.keysMu.Unlock()
	}
	return clean, s.engineOf(verdict)
}

func lenOf(m *map[string]*keyEntry) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

func (s *scrubber) engineOf(v keyVerdict) *redact.Engine {
	switch v {
	case keySensitive:
		return nil
	case keyClientIP:
		return s.ipEng
	}
	return s.eng
}

// requestAttrs returns the request ID and user ID carried by ctx, for
// records logged inside a request that do not name them already.
func requestInfo(ctx context.Context) *reqctx.Info {
	if ctx == nil {
		return nil
	}
	return reqctx.From(ctx)
}

// missingRequestKeys reports which of request_id and user_id the record's
// top-level attributes lack.
func missingRequestKeys(r slog.Record) (needID, needUser bool) {
	needID, needUser = true, true
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case RequestIDKey:
			needID = false
		case UserIDKey:
			needUser = false
		}
		return needID || needUser
	})
	return needID, needUser
}

func orDefault(o *Options) *Options {
	if o == nil {
		return &Options{}
	}
	return o
}
