package errortrack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/internal/endpoint"
	"github.com/discreet-dev/discreet/redact"
)

// Defaults used when the matching Options field is zero.
const (
	// DefaultTimeout bounds one delivery attempt to Sentry, and Close when
	// its context has no deadline. The SDK's own default is 30 s, long
	// enough for a blackholed endpoint to hold its one worker for a long
	// time.
	DefaultTimeout = 5 * time.Second
	// DefaultQueueSize is how many events may wait for delivery. Beyond
	// it new events are dropped rather than kept in memory.
	DefaultQueueSize = 100
	// maxBreadcrumbs keeps each scope's breadcrumb ring small.
	maxBreadcrumbs = 30
)

// Options configure a [Tracker]. The zero value is usable: every field has a
// default.
type Options struct {
	// Release is the application version reported with every event.
	Release string
	// Environment names the deployment, such as "production".
	Environment string
	// ServerName identifies this instance. Empty means the host name; an
	// IP address is never sent, whichever way it was set.
	ServerName string
	// Transport carries every request to Sentry, so an application can route
	// all outbound traffic through one hook. nil means a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Timeout bounds one delivery attempt (default DefaultTimeout). It is
	// also Close's bound when Close's context has no deadline.
	Timeout time.Duration
	// QueueSize is the number of events that may wait for delivery
	// (default DefaultQueueSize). Events beyond it are dropped.
	QueueSize int
	// Logger receives the package's own diagnostics and the recovered
	// panics, scrubbed, with their stack traces. nil means slog.Default():
	// a panic is logged whatever is configured, with error tracking on or
	// off.
	Logger *slog.Logger
}

// Tracker reports errors to Sentry. A Tracker made from settings without a
// DSN does nothing and never opens a connection, so callers use it the
// same way whether error tracking is on or off. Its methods are safe for
// concurrent use.
type Tracker struct {
	client  *sentry.Client // nil when disabled
	hub     *sentry.Hub    // nil when disabled; the process-wide scope of this Tracker
	queue   *queueTransport
	red     *redact.Engine
	log     *slog.Logger
	timeout time.Duration
	closed  atomic.Bool
}

// New returns a Tracker for s. Without s.SentryDSN it returns a working
// Tracker that reports nothing (claim C2). With one it builds a Sentry
// client and hub of its own, not the SDK's global hub, so two Trackers in
// one process never mix their events.
//
// The DSN must use https, or http on a loopback address (claim C5);
// [consent.FromEnv] already checks this, and New checks again so that
// Settings built by hand get the same rule. Errors never repeat the DSN,
// which carries a key.
func New(s consent.Settings, opts Options) (*Tracker, error) {
	t := &Tracker{red: redact.Default(), log: opts.Logger, timeout: opts.Timeout}
	if t.log == nil {
		t.log = slog.Default()
	}
	if t.timeout <= 0 {
		t.timeout = DefaultTimeout
	}
	if !s.Enabled(consent.ErrorTracking) {
		return t, nil
	}
	if err := checkDSN(s, s.SentryDSN); err != nil {
		return nil, err
	}

	size := opts.QueueSize
	if size <= 0 {
		size = DefaultQueueSize
	}
	rt := opts.Transport
	if rt == nil {
		rt = http.DefaultTransport.(*http.Transport).Clone()
	}
	t.queue = newQueueTransport(size, t.timeout)

	client, err := sentry.NewClient(sentry.ClientOptions{
		Dsn:         s.SentryDSN,
		Release:     opts.Release,
		Environment: opts.Environment,
		ServerName:  serverName(opts.ServerName),
		HTTPClient: &http.Client{
			Transport: rt,
			Timeout:   t.timeout,
			// A redirect could lead to a plain-http host; C5 allows none.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		Transport: t.queue,
		// The SDK's own collection is switched off entirely (the modern
		// form of SendDefaultPII=false, which alone still keeps queries,
		// headers and bodies); the Tracker builds the request part itself
		// and Scrub checks it.
		DataCollection: &sentry.DataCollection{
			UserInfo:    sentry.Set(false),
			Cookies:     collectionOff(),
			HTTPHeaders: &sentry.HeaderCollectionConfig{Request: collectionOff(), Response: collectionOff()},
			HTTPBodies:  []sentry.BodyType{},
			QueryParams: collectionOff(),
		},
		MaxBreadcrumbs: maxBreadcrumbs,
		// Client reports only count dropped events; skipping them keeps the
		// traffic to one request per event.
		DisableClientReports: true,
		BeforeSend: func(e *sentry.Event, h *sentry.EventHint) *sentry.Event {
			if h != nil {
				withTrace(e, h.Context)
			}
			return scrubEvent(t.red, e)
		},
		BeforeBreadcrumb: func(b *sentry.Breadcrumb, _ *sentry.BreadcrumbHint) *sentry.Breadcrumb {
			return scrubBreadcrumb(t.red, b)
		},
		// The Tracker starts no transactions, sends no logs and no
		// metrics; anything of that kind that appears anyway is dropped
		// rather than sent unscrubbed.
		BeforeSendTransaction: func(*sentry.Event, *sentry.EventHint) *sentry.Event { return nil },
		BeforeSendLog:         func(*sentry.Log) *sentry.Log { return nil },
		BeforeSendMetric:      func(*sentry.Metric) *sentry.Metric { return nil },
		Integrations:          withoutModules,
	})
	if err != nil {
		return nil, errors.New("errortrack: the Sentry DSN was refused by the SDK")
	}
	t.client = client
	t.hub = sentry.NewHub(client, sentry.NewScope())
	return t, nil
}

// Enabled reports whether the Tracker sends anything at all.
func (t *Tracker) Enabled() bool { return t != nil && t.client != nil }

// flush waits until queued events are delivered, at most timeout. It
// reports whether everything was delivered in time (always true for a
// disabled or closed Tracker, which have nothing pending). An unreachable
// Sentry makes it return false at the deadline, never later (claim S3).
// Applications shut down with Close; tests reach flush through
// export_test.go.
func (t *Tracker) flush(timeout time.Duration) bool {
	if !t.Enabled() || t.closed.Load() {
		return true
	}
	return t.client.Flush(timeout)
}

// Close delivers what is queued, waiting until ctx is done or, when ctx has
// no deadline, for at most Options.Timeout, then stops the Tracker. Events
// captured afterwards are dropped. It returns an error when events were
// still queued at the deadline (claim S3). Calling Close again does
// nothing.
func (t *Tracker) Close(ctx context.Context) error {
	if !t.Enabled() || !t.closed.CompareAndSwap(false, true) {
		return nil
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
		defer cancel()
	}
	flushed := t.client.FlushWithContext(ctx)
	// Client.Close aborts the request in flight and returns; it is kept
	// off the caller's path all the same, so that nothing in the SDK can
	// hold shutdown past ctx.
	done := make(chan struct{})
	go func() {
		defer close(done)
		t.client.Close()
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
	if !flushed {
		t.log.Warn("errortrack: events still queued at shutdown were dropped")
		return fmt.Errorf("errortrack: queued events not delivered before the deadline: %w", context.Cause(ctx))
	}
	return nil
}

// checkDSN re-applies claim C5: https, or http on a loopback address or a
// host named in PRIVATE_HTTP_HOSTS only.
func checkDSN(s consent.Settings, dsn string) error {
	if err := endpoint.Check(dsn, s.PrivateHTTPHosts); err != nil {
		return fmt.Errorf("errortrack: SENTRY_DSN: %w", err)
	}
	return nil
}

// serverName returns name unless it is an IP address or a host name built
// from one; then it returns a placeholder, so the SDK does not fall back to
// the kernel's host name either.
func serverName(name string) string {
	if name == "" || !looksLikeIP(name) {
		return name
	}
	return "unknown"
}

func collectionOff() *sentry.KeyValueCollectionBehavior {
	return &sentry.KeyValueCollectionBehavior{Mode: sentry.CollectionOff}
}

// withoutModules drops the SDK's Modules integration: the dependency list is
// the same on every event, and replace directives in it can show local
// paths.
func withoutModules(in []sentry.Integration) []sentry.Integration {
	out := in[:0]
	for _, i := range in {
		if i.Name() != "Modules" {
			out = append(out, i)
		}
	}
	return out
}

// looksLikeIP reports whether s is an IP address, possibly with a port or
// in brackets, or a cloud host name that spells one ("ip-10-0-0-1").
func looksLikeIP(s string) bool {
	if h, _, err := net.SplitHostPort(s); err == nil {
		s = h
	}
	if len(s) > 1 && s[0] == '[' && s[len(s)-1] == ']' {
		s = s[1 : len(s)-1]
	}
	if net.ParseIP(s) != nil {
		return true
	}
	// ip-10-0-0-1, ip-10-0-0-1.ec2.internal
	if len(s) > 3 && (s[:3] == "ip-" || s[:3] == "IP-") {
		rest := s[3:]
		for i := 0; i < len(rest); i++ {
			if rest[i] == '.' {
				rest = rest[:i]
				break
			}
		}
		dashed := []byte(rest)
		for i, c := range dashed {
			if c == '-' {
				dashed[i] = '.'
			}
		}
		return net.ParseIP(string(dashed)) != nil
	}
	return false
}
