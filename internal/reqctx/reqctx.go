// Package reqctx holds the request-scoped record that every discreet
// middleware shares: the request ID, the route pattern and the internal user
// ID of the caller. It is set once per request by whichever discreet
// middleware runs first and read by the others (logging, metrics,
// errortrack, analytics), so a request is described the same way in every
// sink.
package reqctx

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"net/http"
	"sync"
	"sync/atomic"
)

// Header is the header that carries the request ID in and out.
const Header = "X-Request-ID"

// Info is the request-scoped record. The zero value is not used; New and
// Ensure build one. Its setters are safe for concurrent use because a
// handler may hand the context to goroutines.
type Info struct {
	requestID string
	userID    atomic.Int64

	mu    sync.Mutex
	route string
}

type ctxKey struct{}

// RequestID returns the request's ID.
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

// Ensure returns the Info already carried by r, or builds one from r's
// X-Request-ID header, sets the ID on the response header and returns a
// request that carries it. The returned request is r itself when an Info was
// already present.
func Ensure(w http.ResponseWriter, r *http.Request) (*Info, *http.Request) {
	if i := From(r.Context()); i != nil {
		return i, r
	}
	i := New(r.Header.Get(Header))
	w.Header().Set(Header, i.requestID)
	return i, r.WithContext(With(r.Context(), i))
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

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a random request ID of 128 bits, 26 lowercase characters.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return idEncoding.EncodeToString(b[:])
}
