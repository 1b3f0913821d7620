package analytics

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"maps"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posthog/posthog-go"
	"go.opentelemetry.io/otel/metric"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/internal/endpoint"
	"github.com/discreet-dev/discreet/redact"
)

// SessionProperty is the property that carries the keyed hash of the
// session ID set with [WithSession].
const SessionProperty = "session"

// PageViewEvent is the event [Client.PageView] sends, PostHog's own name
// for a page view.
const PageViewEvent = "$pageview"

// Defaults used when the matching Options field is zero.
const (
	DefaultShutdownTimeout = 5 * time.Second
	DefaultFlushInterval   = 5 * time.Second
	DefaultQueueSize       = 1000
)

// Options configure a [Client]. The zero value works: no events are
// declared (so only page views are sent), every signed-in user counts as
// allowed unless the request sent GPC, and the defaults below apply.
type Options struct {
	// Schema declares the events and their properties. New refuses a schema
	// that fails [Schema.Validate].
	Schema Schema

	// Preferences is asked before every event whether the user allows
	// product analytics (claim C6). An error counts as "no". The call is
	// made on the caller's goroutine, so it should be quick (a cached or
	// indexed lookup); it is the one part of Capture that may wait. Nil
	// means there is no per-user opt-out, and New logs a warning saying so.
	Preferences consent.Preferences

	// Transport carries every request to PostHog. Nil means a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper

	// SessionKey is the HMAC-SHA256 key for session hashes; at least 16
	// bytes. Nil means a random key per process, so the same session hashes
	// differently after a restart or on another replica: set it (or
	// SessionKeyFunc) when sessions should line up across those.
	SessionKey []byte

	// SessionKeyFunc, when set, is asked for the session-hash key each
	// time an event with a session is captured, and SessionKey is ignored.
	// It is how every replica of an installation hashes a session alike
	// while the key rotates: the application returns the key in force now,
	// shared through its database, for example. It runs on the capturing
	// goroutine, so it must be quick (cache the key). When it fails or
	// returns fewer than 16 bytes, the event is sent without
	// SessionProperty: the session ID itself never leaves.
	SessionKeyFunc func(ctx context.Context) ([]byte, error)

	// ShutdownTimeout bounds Close. Zero means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration

	// FlushInterval is how often queued events are sent when fewer than a
	// batch have accumulated. Zero means DefaultFlushInterval.
	FlushInterval time.Duration

	// QueueSize bounds the events held in memory, queued or being uploaded.
	// When it is reached (PostHog slow, down or unreachable) new events are
	// dropped and counted. Zero means DefaultQueueSize.
	QueueSize int

	// MeterProvider receives the counter of dropped events and properties
	// (see DropsMetric). Nil means no metrics.
	MeterProvider metric.MeterProvider

	// Logger receives the SDK's warnings and one warning per kind of drop
	// (an undeclared event or property, a value of the wrong kind). Nil
	// means slog.Default().
	Logger *slog.Logger

	// PersonalAPIKey and ProjectID enable DeleteUser: a PostHog personal API
	// key with the person:write scope, and the numeric ID of the project
	// that POSTHOG_API_KEY belongs to. Without both, DeleteUser logs a
	// warning and returns ErrDeletionNotConfigured.
	PersonalAPIKey string
	ProjectID      string

	// APIHost is PostHog's private API base URL, used by DeleteUser. Empty
	// means it is derived from POSTHOG_HOST: the US and EU cloud ingestion
	// hosts (us.i.posthog.com, eu.i.posthog.com) map to us.posthog.com and
	// eu.posthog.com; any other host (self-hosted) serves both.
	APIHost string
}

// Client sends declared product events to PostHog, in the background. A
// Client from a disabled configuration does nothing and never opens a
// connection, so callers never check whether analytics is on. Its methods
// are safe for concurrent use.
type Client struct {
	ph      posthog.Client // nil when disabled
	events  map[string]*eventSpec
	pageOps *dropOpts
	prefs   consent.Preferences
	drops   *drops
	log     *slog.Logger

	// hashers pools the HMACs keyed with the session key in force; with
	// SessionKeyFunc it is replaced when the key changes.
	hashers atomic.Pointer[hasherPool]
	keyFunc func(ctx context.Context) ([]byte, error)

	pending atomic.Int64 // events queued here or in the SDK and not yet reported sent or failed
	limit   int64
	closed  atomic.Bool
	senders atomic.Int64  // Capture and PageView calls between their closed check and their send
	queue   chan job      // to the goroutine that builds messages and hands them to the SDK
	done    chan struct{} // closed when that goroutine has emptied queue after Close

	shutdownTimeout time.Duration
	del             *deleter
	// own is the transport New made when Options.Transport was nil; Close
	// closes its idle connections, which nobody else can reach.
	own *http.Transport
}

// eventSpec is one declared event, ready for the hot path.
type eventSpec struct {
	name  string
	props Event
	opts  *dropOpts
}

// New returns a Client for the settings the operator chose. Without
// POSTHOG_API_KEY (s.PostHogAPIKey empty) it returns a no-op Client and
// opens no connection, now or later (claim C2). Otherwise events go to
// s.PostHogHost (claim C5: consent.FromEnv has already refused plain http
// to anything but loopback), with GeoIP enrichment disabled, a bounded
// queue and a bounded Close.
//
// New fails on a schema that does not validate and on unusable options,
// whether or not analytics is on, so a mistake shows in development.
func New(s consent.Settings, opts Options) (*Client, error) {
	c, err := newClient(s, opts)
	if err == nil && c.ph != nil {
		go c.run()
	}
	return c, err
}

// newClient is New without starting the goroutine that sends, which the
// benchmarks start themselves to time Capture alone.
func newClient(s consent.Settings, opts Options) (*Client, error) {
	if err := opts.Schema.Validate(); err != nil {
		return nil, fmt.Errorf("analytics: invalid schema: %w", err)
	}
	if opts.SessionKey != nil && len(opts.SessionKey) < 16 {
		return nil, fmt.Errorf("analytics: SessionKey is %d bytes; use at least 16", len(opts.SessionKey))
	}
	if opts.QueueSize < 0 || opts.ShutdownTimeout < 0 || opts.FlushInterval < 0 {
		return nil, errors.New("analytics: QueueSize, ShutdownTimeout and FlushInterval must not be negative")
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	d, err := newDrops(opts.MeterProvider, log)
	if err != nil {
		return nil, fmt.Errorf("analytics: creating the drop counter: %w", err)
	}
	c := &Client{
		events:          make(map[string]*eventSpec, len(opts.Schema)),
		pageOps:         newDropOpts(PageViewEvent),
		prefs:           opts.Preferences,
		drops:           d,
		log:             log,
		limit:           int64(orDefault(opts.QueueSize, DefaultQueueSize)),
		shutdownTimeout: orDefault(opts.ShutdownTimeout, DefaultShutdownTimeout),
	}
	for name, props := range opts.Schema {
		// A copy, so the application changing its map later races with nothing.
		c.events[name] = &eventSpec{name: name, props: maps.Clone(props), opts: newDropOpts(name)}
	}
	if !s.Enabled(consent.ProductAnalytics) {
		return c, nil
	}

	apiHost := strings.TrimRight(strings.TrimSpace(s.PostHogHost), "/")
	if apiHost == "" {
		apiHost = consent.DefaultPostHogHost
	}
	if err := endpoint.Check(apiHost, s.PrivateHTTPHosts); err != nil {
		return nil, fmt.Errorf("analytics: POSTHOG_HOST: %w", err)
	}
	transport := opts.Transport
	var own *http.Transport
	if transport == nil {
		own = http.DefaultTransport.(*http.Transport).Clone()
		own.MaxIdleConnsPerHost = 10 // as posthog-go does: several uploads may run at once
		transport = own
	}
	c.own = own
	c.keyFunc = opts.SessionKeyFunc
	if c.keyFunc == nil {
		key := opts.SessionKey
		if key == nil {
			key = make([]byte, 32)
			_, _ = rand.Read(key) // crypto/rand.Read never fails on supported platforms
		}
		c.hashers.Store(newHasherPool(key))
	}

	if c.del, err = newDeleter(s, apiHost, opts, transport); err != nil {
		return nil, err
	}
	if c.prefs == nil {
		log.Warn("analytics: no Preferences given, so users cannot opt out of product analytics; only GPC is honoured")
	}

	queue := int(c.limit)
	c.ph, err = posthog.NewWithConfig(s.PostHogAPIKey, posthog.Config{
		Endpoint:        apiHost,
		Transport:       transport,
		Logger:          sdkLogger{log},
		DisableGeoIP:    posthog.Ptr(true),
		Interval:        orDefault(opts.FlushInterval, DefaultFlushInterval),
		BatchSize:       min(100, queue),
		MaxQueueSize:    queue,
		ShutdownTimeout: c.shutdownTimeout,
		Callback:        (*settled)(c),
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: configuring PostHog: %w", err)
	}
	// The channel holds what the sender has not reached yet; the bound on
	// everything held is pending, so a large QueueSize need not be
	// allocated up front.
	c.queue = make(chan job, min(queue, maxChannel))
	c.done = make(chan struct{})
	return c, nil
}

// maxChannel caps the channel between Capture and the sending goroutine.
const maxChannel = 4096

// orDefault returns v, or def when v is zero.
func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// Enabled reports whether the client sends anything at all.
func (c *Client) Enabled() bool { return c.ph != nil }

// Capture sends event for the user userID, with the declared subset of
// props. It returns at once: the event is queued and sent in the
// background, or dropped and counted. In order, nothing is sent when:
// the request behind ctx sent GPC (claim C6), userID is not positive,
// event is not declared, or Preferences does not allow it (claim A3).
// Undeclared properties and values outside their kind are dropped (claim
// A2) and the rest is sent. The distinct ID is the decimal userID (claim
// A1), and a session set with [WithSession] adds [SessionProperty].
//
// Capture never reads PostHog's own request context from ctx, so nothing
// the SDK could gather from a request (URL, IP, user agent) is added.
func (c *Client) Capture(ctx context.Context, userID int64, event string, props Properties) {
	if c.ph == nil {
		return
	}
	spec := c.events[event]
	var opts *dropOpts
	if spec != nil {
		opts = spec.opts
	}
	if !c.allowed(ctx, userID, opts) {
		return
	}
	if spec == nil {
		c.drops.count(nil, rUndeclaredEvent)
		c.drops.once("e\x00"+event, "analytics: event not declared in the schema; not sent", slog.String("event", event))
		return
	}
	if !c.userAllows(ctx, userID, opts) {
		return
	}
	// Only the declared values are copied, into a job sent by value: the
	// caller's map is not kept, and nothing here allocates unless an event
	// carries more than maxInlineProps properties.
	j := job{userID: userID, spec: spec}
	for name, v := range props {
		k, ok := spec.props[name]
		if !ok {
			c.drops.count(opts, rUndeclaredProperty)
			c.drops.once("p\x00"+event+"\x00"+name, "analytics: property not declared for this event; dropped",
				slog.String("event", event), slog.String("property", name))
			continue
		}
		p, ok := k.prop(name, v)
		if !ok {
			c.drops.count(opts, rInvalidValue)
			c.drops.once("v\x00"+event+"\x00"+name, "analytics: property value outside its kind; dropped",
				slog.String("event", event), slog.String("property", name), slog.String("kind", k.String()),
				slog.String("type", fmt.Sprintf("%T", v)))
			continue
		}
		j.add(p)
	}
	c.submit(ctx, &j, opts)
}

// PageView sends a "$pageview" for userID on route, which must be a route
// pattern as registered on an http.ServeMux (r.Pattern, such as
// "GET /projects/{id}"), never a raw URL. The method and host parts are
// removed and the path pattern is sent as $current_url and $pathname.
// Anything from a '?' or '#' on is cut off, and a route that the redaction
// engine would change (an email, a token, an IP in it) is not sent at all.
// The same consent checks as Capture apply.
func (c *Client) PageView(ctx context.Context, userID int64, route string) {
	if c.ph == nil {
		return
	}
	if !c.allowed(ctx, userID, c.pageOps) || !c.userAllows(ctx, userID, c.pageOps) {
		return
	}
	// The route is checked on the sending goroutine (see pagePath).
	c.submit(ctx, &job{userID: userID, route: route}, c.pageOps)
}

// pagePath returns the path a page view on route sends, or counts and logs
// why there is none.
func (c *Client) pagePath(route string) (string, bool) {
	path, ok := routePath(route)
	if !ok {
		c.drops.count(c.pageOps, rInvalidRoute)
		c.drops.once("r\x00"+route, "analytics: PageView needs a route pattern such as \"GET /projects/{id}\"; not sent",
			slog.String("route", route))
		return "", false
	}
	if redact.Default().String(path) != path {
		// Logged without the route: it carries what the engine removes.
		c.drops.count(c.pageOps, rInvalidRoute)
		c.drops.once("r\x00redacted", "analytics: PageView route looked like it carried personal data (a raw URL?); not sent")
		return "", false
	}
	return path, true
}

// routePath returns the path of a ServeMux pattern "[METHOD ][HOST]/PATH",
// cut at '?' or '#'.
func routePath(route string) (string, bool) {
	route = strings.TrimSpace(route)
	if i := strings.IndexAny(route, " \t"); i >= 0 {
		route = strings.TrimSpace(route[i+1:])
	}
	i := strings.IndexByte(route, '/')
	if i < 0 {
		return "", false
	}
	route = route[i:]
	if j := strings.IndexAny(route, "?#"); j >= 0 {
		route = route[:j]
	}
	return route, true
}

// allowed runs the checks that need no lookup: an open client, GPC and a
// real user.
func (c *Client) allowed(ctx context.Context, userID int64, opts *dropOpts) bool {
	if c.closed.Load() {
		c.drops.count(opts, rClosed)
		return false
	}
	if consent.GPCFromContext(ctx) {
		c.drops.count(opts, rGPC)
		return false
	}
	if userID <= 0 {
		c.drops.count(opts, rNoUser)
		return false
	}
	return true
}

// userAllows asks the application's Preferences; an error means no.
func (c *Client) userAllows(ctx context.Context, userID int64, opts *dropOpts) bool {
	if c.prefs == nil {
		return true
	}
	ok, err := c.prefs.AnalyticsAllowed(ctx, userID)
	if err != nil {
		c.drops.count(opts, rPreferencesError)
		c.drops.once("prefs-error", "analytics: Preferences failed, so the event was not sent", slog.String("error", err.Error()))
		return false
	}
	if !ok {
		c.drops.count(opts, rOptedOut)
		return false
	}
	return true
}

// reserve takes a queue slot, or counts a drop when none is left. The
// SDK's own queue is bounded, but batches being uploaded are not, and a
// blackholed endpoint would let them pile up; the slot is released by the
// SDK's callback when it reports the event sent or failed, or when the
// event is dropped before it gets there.
func (c *Client) reserve(opts *dropOpts) bool {
	if c.pending.Add(1) > c.limit {
		c.pending.Add(-1)
		c.drops.count(opts, rQueueFull)
		c.drops.once("queue-full", "analytics: queue full (PostHog slow or unreachable); events are being dropped")
		return false
	}
	return true
}

// maxInlineProps is how many properties a job holds without allocating.
const maxInlineProps = 6

// prop is one declared property, checked and converted: val is what is
// sent, or nil when the value is the integer num (boxed only when the
// message is built, off the caller's goroutine).
type prop struct {
	name string
	val  any
	num  int64
}

// job is one event on its way from Capture or PageView to the SDK.
type job struct {
	userID  int64
	spec    *eventSpec // nil for a page view
	route   string     // page view only: the route as given
	session string     // the session ID from WithSession, hashed when sent
	n       int
	props   [maxInlineProps]prop
	more    []prop
}

func (j *job) add(p prop) {
	if j.n < len(j.props) {
		j.props[j.n] = p
		j.n++
		return
	}
	j.more = append(j.more, p)
}

// submit reserves a slot and queues j without waiting; the event is
// dropped and counted when the client is closed or the queue is full.
func (c *Client) submit(ctx context.Context, j *job, opts *dropOpts) {
	if s, ok := ctx.Value(sessionKey{}).(string); ok {
		j.session = s
	}
	if !c.reserve(opts) {
		return
	}
	c.senders.Add(1)
	defer c.senders.Add(-1)
	if c.closed.Load() {
		c.pending.Add(-1)
		c.drops.count(opts, rClosed)
		return
	}
	select {
	case c.queue <- *j:
	default: // only when the channel is smaller than QueueSize
		c.pending.Add(-1)
		c.drops.count(opts, rQueueFull)
		c.drops.once("queue-full", "analytics: queue full (PostHog slow or unreachable); events are being dropped")
	}
}

// run builds the message of each queued event and hands it to the SDK,
// until Close closes the queue and it is empty.
func (c *Client) run() {
	defer close(c.done)
	for j := range c.queue {
		c.send(&j)
	}
}

// send hands one event to the SDK, which serialises it on this goroutine
// and queues it without blocking.
func (c *Client) send(j *job) {
	event, opts := PageViewEvent, c.pageOps
	var props posthog.Properties
	if j.spec == nil {
		path, ok := c.pagePath(j.route)
		if !ok {
			c.pending.Add(-1)
			return
		}
		props = posthog.Properties{"$current_url": path, "$pathname": path}
	} else {
		event, opts = j.spec.name, j.spec.opts
		props = make(posthog.Properties, j.n+len(j.more)+1)
		for _, p := range j.props[:j.n] {
			props[p.name] = p.value()
		}
		for _, p := range j.more {
			props[p.name] = p.value()
		}
	}
	if j.session != "" {
		// The installation's key is not the request's to give: no
		// request context here, off the caller's goroutine.
		if h, ok := c.sessionHash(context.Background(), j.session); ok {
			props[SessionProperty] = h
		}
	}
	err := c.ph.Enqueue(posthog.Capture{
		DistinctId: strconv.FormatInt(j.userID, 10),
		Event:      event,
		Properties: props,
	})
	if err != nil {
		c.pending.Add(-1)
		switch {
		case errors.Is(err, posthog.ErrClosed):
			c.drops.count(opts, rClosed)
		case errors.Is(err, posthog.ErrQueueFull):
			c.drops.count(opts, rQueueFull)
		default:
			c.drops.count(opts, rInvalidValue)
			c.drops.once("enqueue\x00"+event, "analytics: PostHog refused the event", slog.String("event", event), slog.String("error", err.Error()))
		}
	}
}

func (p prop) value() any {
	if p.val == nil {
		return p.num
	}
	return p.val
}

// sessionHasher is pooled so hashing a session allocates only its result.
type sessionHasher struct {
	mac hash.Hash
	buf []byte
	sum [sha256.Size]byte
}

// hasherPool is the pool of hashers for one key.
type hasherPool struct {
	key  []byte
	pool sync.Pool
}

func newHasherPool(key []byte) *hasherPool {
	p := &hasherPool{key: append([]byte(nil), key...)}
	p.pool.New = func() any { return &sessionHasher{mac: hmac.New(sha256.New, p.key)} }
	return p
}

// sessionHash is the hex of the first 16 bytes of HMAC-SHA256(key, id):
// stable for one session and key, unlinkable to its ID without the key.
// It reports false when SessionKeyFunc gives no usable key.
func (c *Client) sessionHash(ctx context.Context, id string) (string, bool) {
	p := c.hashers.Load()
	if c.keyFunc != nil {
		key, err := c.keyFunc(ctx)
		if err != nil || len(key) < 16 {
			if err == nil {
				err = fmt.Errorf("the key is %d bytes; at least 16 are needed", len(key))
			}
			c.drops.once("session-key", "analytics: no session-hash key; events are sent without the session marker", slog.String("error", err.Error()))
			return "", false
		}
		if p == nil || !bytes.Equal(p.key, key) {
			p = newHasherPool(key)
			c.hashers.Store(p)
		}
	}
	h := p.pool.Get().(*sessionHasher)
	h.mac.Reset()
	h.buf = append(h.buf[:0], id...)
	h.mac.Write(h.buf)
	sum := h.mac.Sum(h.sum[:0])
	out := hex.EncodeToString(sum[:16])
	p.pool.Put(h)
	return out, true
}

// Close sends what is queued and stops the client. It returns within
// Options.ShutdownTimeout, or sooner when ctx ends, whatever the endpoint
// does; events still unsent then are dropped and an error says so. Capture
// after Close drops events. Close on a disabled client returns nil.
func (c *Client) Close(ctx context.Context) error {
	if c.ph == nil || !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.shutdownTimeout)
	defer cancel()
	if c.own != nil {
		defer c.own.CloseIdleConnections()
	}
	// A sender that counted itself before closed was set finishes its
	// non-blocking send; any later one sees closed. Then nobody sends on
	// the queue again and it can be closed.
	for c.senders.Load() > 0 {
		runtime.Gosched()
	}
	close(c.queue)
	select {
	case <-c.done:
	case <-ctx.Done():
		// The sender goes on emptying the queue into the closed SDK,
		// which refuses each event, counted as dropped (closed).
		_ = c.ph.CloseWithContext(ctx)
		return fmt.Errorf("analytics: close: gave up handing queued events to PostHog: %w", ctx.Err())
	}
	if err := c.ph.CloseWithContext(ctx); err != nil {
		if errors.Is(err, posthog.ErrClosed) {
			return nil
		}
		return fmt.Errorf("analytics: close: %w", err)
	}
	return nil
}

type sessionKey struct{}

// WithSession returns a context that carries the application's session ID.
// Events captured with it carry [SessionProperty]: the keyed hash of the
// ID (see Options.SessionKey), never the ID itself.
func WithSession(ctx context.Context, sessionID string) context.Context {
	return context.WithValue(ctx, sessionKey{}, sessionID)
}

// settled is the SDK callback that releases a queue slot per event.
type settled Client

func (s *settled) Success(posthog.APIMessage)        { s.pending.Add(-1) }
func (s *settled) Failure(posthog.APIMessage, error) { s.pending.Add(-1) }

// sdkLogger hands the SDK's messages to slog. Debug messages are formatted
// only when debug is enabled: the SDK logs one per queued event.
type sdkLogger struct{ l *slog.Logger }

func (s sdkLogger) logf(level slog.Level, format string, args []any) {
	if !s.l.Enabled(context.Background(), level) {
		return
	}
	s.l.Log(context.Background(), level, "posthog: "+fmt.Sprintf(format, args...))
}

func (s sdkLogger) Debugf(format string, args ...any) { s.logf(slog.LevelDebug, format, args) }
func (s sdkLogger) Logf(format string, args ...any)   { s.logf(slog.LevelInfo, format, args) }
func (s sdkLogger) Warnf(format string, args ...any)  { s.logf(slog.LevelWarn, format, args) }
func (s sdkLogger) Errorf(format string, args ...any) { s.logf(slog.LevelError, format, args) }
