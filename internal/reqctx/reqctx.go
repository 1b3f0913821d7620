// Package reqctx holds the request-scoped record that every discreet
// middleware shares: the request ID, the route pattern and the internal user
// ID of the caller. It is set once per request by whichever discreet
// middleware runs first and read by the others (logging, metrics,
// errortrack, analytics), so a request is described the same way in every
// sink.
package reqctx

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
)

// Header is the header that carries the request ID in and out.
const Header = "X-Request-ID"

// UnmatchedRoute is the route of a request that no ServeMux pattern
// matched (404, 405 and the ServeMux's own redirects), in request records
// and metric labels alike: raw paths are attacker-controlled and may carry
// IDs, emails or tokens, so they never stand in for a route. No pattern can
// equal it, as patterns always contain a "/". The root package exports it.
const UnmatchedRoute = "unmatched"

// canonicalHeader is Header as http.Header stores it, so that setting it
// on every response costs no canonicalisation.
const canonicalHeader = "X-Request-Id"

// Info is the request-scoped record. The zero value is not used; New and
// Ensure build one. Its setters are safe for concurrent use because a
// handler may hand the context to goroutines.
//
// An Info built by Ensure is itself the request's context (it embeds the
// parent and answers its own key), which saves an allocation on a path
// that every request takes.
type Info struct {
	context.Context // the parent, when the Info serves as the context

	requestID string
	userID    atomic.Int64
	header    [1]string // backing array of the response header's value

	rec    Recorder // the one response recorder of the request; see Record
	stages Stage    // the pipeline stages that have run; see Claim

	panicLogged atomic.Bool

	mu      sync.Mutex
	route   string
	traceID string // set by tracing when the request has a span
	spanID  string
}

// Stage names a piece of request handling that must run at most once per
// request, whichever discreet middleware or pipeline reaches it first.
type Stage uint8

// The stages a discreet middleware claims.
const (
	StageRecover Stage = 1 << iota // errortrack's panic recovery
	StageLog                       // logging's request record
	StageMetrics                   // metrics' request count and latency
	StageTrace                     // tracing's server span
)

// Claim marks s as done for this request and reports whether it was still
// free: a middleware that gets false passes the request on untouched, so
// nesting a package's middleware inside the pipeline (or inside itself)
// logs and counts a request once. Claim runs on the request's goroutine.
func (i *Info) Claim(s Stage) bool {
	if i.stages&s != 0 {
		return false
	}
	i.stages |= s
	return true
}

// Record returns the request's response recorder and the writer to pass
// on: the first call wraps w and returns the recorder itself, later calls
// (by middleware further in) return w unchanged, which already writes
// through the recorder. So every discreet middleware reads one status, one
// byte count and one "response begun" from one wrapper.
func (i *Info) Record(w http.ResponseWriter) (*Recorder, http.ResponseWriter) {
	if i.rec.ResponseWriter == nil {
		i.rec.ResponseWriter = w
		return &i.rec, &i.rec
	}
	return &i.rec, w
}

// Recorder returns the request's response recorder, or nil when no
// discreet middleware has installed one yet.
func (i *Info) Recorder() *Recorder {
	if i.rec.ResponseWriter == nil {
		return nil
	}
	return &i.rec
}

// MarkPanicLogged records that a panic of this request has been logged
// with its stack, so that a recovery layer further out logs no second
// record of it.
func (i *Info) MarkPanicLogged() { i.panicLogged.Store(true) }

// PanicLogged reports whether MarkPanicLogged was called.
func (i *Info) PanicLogged() bool { return i.panicLogged.Load() }

type ctxKey struct{}

// RequestID returns the request's ID, or "" when only Attach has run.
func (i *Info) RequestID() string { return i.requestID }

// UserID returns the internal user ID, or 0 when nobody is signed in.
func (i *Info) UserID() int64 { return i.userID.Load() }

// SetUserID records the signed-in user's internal ID.
func (i *Info) SetUserID(id int64) { i.userID.Store(id) }

// Route returns the route pattern recorded so far, or "".
func (i *Info) Route() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.route
}

// SetRoute records the route pattern that matched the request.
func (i *Info) SetRoute(pattern string) {
	if pattern == "" {
		return
	}
	i.mu.Lock()
	i.route = pattern
	i.mu.Unlock()
}

// Trace returns the IDs of the request's server span (lowercase hex), or
// "" when the request is not traced.
func (i *Info) Trace() (traceID, spanID string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.traceID, i.spanID
}

// SetTrace records the IDs of the request's server span, so that the
// request's log record and error reports carry them and the three can be
// joined.
func (i *Info) SetTrace(traceID, spanID string) {
	i.mu.Lock()
	i.traceID, i.spanID = traceID, spanID
	i.mu.Unlock()
}

// Value answers the Info's own key with the Info and defers every other key
// to the parent context.
func (i *Info) Value(key any) any {
	if key == (ctxKey{}) {
		return i
	}
	if i.Context == nil {
		return nil
	}
	return i.Context.Value(key)
}

// From returns the Info in ctx, or nil when there is none.
func From(ctx context.Context) *Info {
	if ctx == nil {
		return nil
	}
	i, _ := ctx.Value(ctxKey{}).(*Info)
	return i
}

// With returns a context that carries i.
func With(ctx context.Context, i *Info) context.Context {
	return context.WithValue(ctx, ctxKey{}, i)
}

// New returns an Info whose request ID is incoming when that is well formed
// (see ValidID) and a fresh random one otherwise.
func New(incoming string) *Info {
	id := incoming
	if !ValidID(id) {
		id = NewID()
	}
	return &Info{requestID: id}
}

// Attach returns the Info already carried by r, or a new one without a
// request ID and a request that carries it. Middleware that only needs the
// shared route (metrics) attaches; middleware that shows the request ID
// (logging, error tracking) calls Ensure, which fills it in.
func Attach(r *http.Request) (*Info, *http.Request) {
	if i := From(r.Context()); i != nil {
		return i, r
	}
	i := &Info{Context: r.Context()}
	return i, r.WithContext(i)
}

// Ensure returns the request's Info with its request ID: the one already
// there, or one taken from r's X-Request-ID header when that is well formed
// (see ValidID), or a fresh random one. The first call that sets the ID
// also sets it on the response header. The returned request is r itself
// when an Info was already present. Ensure runs on the request's goroutine,
// before the handler hands the context to others.
func Ensure(w http.ResponseWriter, r *http.Request) (*Info, *http.Request) {
	i, r := Attach(r)
	if i.requestID == "" {
		i.requestID = r.Header.Get(Header)
		if !ValidID(i.requestID) {
			i.requestID = NewID()
		}
		i.header[0] = i.requestID
		w.Header()[canonicalHeader] = i.header[:]
	}
	return i, r
}

// Route returns the route pattern for r after routing: r.Pattern when the
// ServeMux set it on this request, else what an inner middleware recorded in
// the Info, else "".
func Route(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	if i := From(r.Context()); i != nil {
		return i.Route()
	}
	return ""
}

// ValidID reports whether s is acceptable as an incoming request ID: 1 to
// 128 characters from [A-Za-z0-9._-]. Anything else could carry injected
// text or personal data into every sink, so it is replaced.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz" // Crockford's base32, lower case

// NewID returns a random request ID of 128 bits as 26 lowercase base32
// characters. A request ID needs to be unique and unguessable enough not to
// collide, not secret: it is drawn from math/rand/v2's ChaCha8 generator,
// seeded from the operating system, which costs no system call.
func NewID() string {
	hi, lo := rand.Uint64(), rand.Uint64()
	var b [26]byte
	// 26 characters of 5 bits cover the 128 bits; the first carries 3.
	for i := 25; i >= 0; i-- {
		b[i] = idAlphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(b[:])
}
