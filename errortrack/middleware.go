package errortrack

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/discreet-dev/discreet/internal/reqctx"
	"github.com/discreet-dev/discreet/internal/stack"
)

// stateKey finds the request state of one Tracker; the Tracker is part of
// the key so that two Trackers in one handler chain keep apart.
type stateKey struct{ t *Tracker }

// reqState is what the middleware keeps per request for later reports.
type reqState struct {
	req *http.Request // the request as passed on, so r.Pattern is seen once routed

	mu  sync.Mutex
	hub *sentry.Hub // cloned on the first breadcrumb, so requests do not share them
}

func (t *Tracker) state(ctx context.Context) *reqState {
	if ctx == nil {
		return nil
	}
	st, _ := ctx.Value(stateKey{t}).(*reqState)
	return st
}

// hubFor returns the hub whose scope an event or breadcrumb of ctx belongs
// to; create asks for a per-request hub when there is none yet.
func (t *Tracker) hubFor(ctx context.Context, create bool) *sentry.Hub {
	st := t.state(ctx)
	if st == nil {
		return t.hub
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.hub == nil {
		if !create {
			return t.hub
		}
		st.hub = t.hub.Clone()
	}
	return st.hub
}

// Middleware returns next wrapped so that a panic in it is recovered,
// reported with its stack trace, the request's method, route and URL path,
// its request ID (tag request_id) and the signed-in user's internal ID, and
// answered with a plain 500 that shows nothing internal. When the response
// had already begun, nothing more is written and the connection is aborted
// instead. [http.ErrAbortHandler] passes through untouched.
//
// It also keeps what [Tracker.Capture] needs for errors handled further in,
// and sets up the request record (request ID, route, user) and the response
// recorder every discreet middleware shares, unless a discreet layer outside
// did, so the request ID is the one every other sink sees. When a layer
// outside already recovers panics (the pipeline in the root package, or
// another Tracker's Middleware), this one only keeps the Capture state. A
// disabled Tracker recovers and answers the same way, so an application
// behaves the same with error tracking on or off.
func (t *Tracker) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, r := reqctx.Ensure(w, r)
		if t.Enabled() {
			st := &reqState{}
			r = r.WithContext(context.WithValue(r.Context(), stateKey{t}, st))
			st.req = r
		}
		if !info.Claim(reqctx.StageRecover) {
			next.ServeHTTP(w, r) // a discreet layer outside recovers
			return
		}
		rec, w := info.Record(w)
		defer func() {
			info.SetRoute(r.Pattern)
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // the sentinel is compared, not wrapped
				panic(v)
			}
			t.recovered(r, info, v)
			if rec.Began() {
				// A status line is out already; a clean abort is all that is
				// left, so the client sees a broken response, not a short one.
				panic(http.ErrAbortHandler)
			}
			h := w.Header()
			keep := http.CanonicalHeaderKey(reqctx.Header)
			for k := range h {
				if k != keep {
					delete(h, k)
				}
			}
			h.Set("Content-Type", "text/plain; charset=utf-8")
			h.Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte("Internal Server Error\n"))
		}()
		next.ServeHTTP(w, r)
	})
}

// recovered logs and reports a panic value. It runs inside the deferred
// function, so the stack it records is the panicking one. The panic is
// logged once, with its stack: here, unless a logging middleware inside
// has logged it already (logging.Middleware marks the request record).
func (t *Tracker) recovered(r *http.Request, info *reqctx.Info, v any) {
	var msg string
	err, isErr := v.(error)
	if isErr {
		msg = t.red.String(err.Error())
	} else {
		msg = t.red.String(fmt.Sprint(t.red.Value(v)))
	}
	if !info.PanicLogged() {
		info.MarkPanicLogged()
		t.log.LogAttrs(r.Context(), slog.LevelError, "errortrack: recovered panic",
			slog.Group("panic",
				slog.String("message", msg),
				slog.String("stack", stack.Format(stack.Callers(3)))),
			slog.String("request_id", info.RequestID()),
			slog.String("route", reqctx.Route(r)))
	}
	if !t.Enabled() || t.closed.Load() || t.queue.full() {
		return
	}
	var event *sentry.Event
	if isErr {
		event = t.client.EventFromException(err, sentry.LevelFatal)
	} else {
		event = sentry.NewEvent()
		event.Level = sentry.LevelFatal
		event.Exception = []sentry.Exception{{Type: "panic", Value: msg, Stacktrace: sentry.NewStacktrace()}}
	}
	if n := len(event.Exception); n > 0 {
		m := event.Exception[n-1].Mechanism
		if m == nil {
			m = &sentry.Mechanism{Type: "generic"}
			event.Exception[n-1].Mechanism = m
		}
		m.SetUnhandled()
	}
	t.send(r.Context(), event)
}

// Capture reports a handled error with the request-scoped data in ctx: the
// request ID as tag request_id, the internal user ID, and, when ctx comes
// from a request that went through [Tracker.Middleware], the method, route
// and URL path. It returns the event's ID, or "" when nothing was queued
// (a nil error, a disabled or closed Tracker, or a full queue). It never
// waits on the network (claim S3).
func (t *Tracker) Capture(ctx context.Context, err error) string {
	if err == nil || !t.Enabled() || t.closed.Load() || t.queue.full() {
		return ""
	}
	return t.send(ctx, t.client.EventFromException(err, sentry.LevelError))
}

// AddBreadcrumb records a step that led up to a later error: it is sent
// with the next event of the same request (or, outside a request, of the
// process). The message and data are scrubbed like the events themselves.
func (t *Tracker) AddBreadcrumb(ctx context.Context, category, message string, data map[string]any) {
	if !t.Enabled() || t.closed.Load() {
		return
	}
	t.hubFor(ctx, true).AddBreadcrumb(&sentry.Breadcrumb{
		Category:  category,
		Message:   message,
		Data:      data,
		Level:     sentry.LevelInfo,
		Timestamp: time.Now(),
	}, nil)
}

// send decorates event with what ctx knows about its request and queues it.
func (t *Tracker) send(ctx context.Context, event *sentry.Event) string {
	if event.Tags == nil {
		event.Tags = make(map[string]string, 2)
	}
	route := ""
	if info := reqctx.From(ctx); info != nil {
		event.Tags["request_id"] = info.RequestID()
		if uid := info.UserID(); uid != 0 {
			event.User = sentry.User{ID: strconv.FormatInt(uid, 10)}
		}
		route = info.Route()
	}
	if st := t.state(ctx); st != nil && st.req != nil {
		if p := reqctx.Route(st.req); p != "" {
			route = p
		}
		event.Request = requestOf(st.req)
	}
	if route != "" {
		event.Tags["route"] = route
		event.Transaction = route
	}
	hint := &sentry.EventHint{Context: ctx}
	id := t.client.CaptureEvent(event, hint, t.hubFor(ctx, false).Scope())
	if id == nil {
		return ""
	}
	return string(*id)
}

// withTrace puts the IDs of the request's server span (package tracing)
// into the event's trace context and tags, replacing the SDK's own
// propagation IDs, so that the event, the request's log record and its
// trace can be joined.
func withTrace(e *sentry.Event, ctx context.Context) {
	info := reqctx.From(ctx)
	if info == nil {
		return
	}
	tid, sid := info.Trace()
	if tid == "" {
		return
	}
	if e.Contexts == nil {
		e.Contexts = map[string]sentry.Context{}
	}
	c := e.Contexts["trace"]
	if c == nil {
		c = sentry.Context{}
	}
	c["trace_id"], c["span_id"] = tid, sid
	delete(c, "parent_span_id") // the SDK's, from another trace
	e.Contexts["trace"] = c
	if e.Tags == nil {
		e.Tags = map[string]string{}
	}
	e.Tags["trace_id"] = tid
}

// requestOf builds the request part of an event from r, copying only the
// allowed headers; BeforeSend then scrubs it like any other.
func requestOf(r *http.Request) *sentry.Request {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	out := &sentry.Request{
		Method: r.Method,
		URL:    scheme + "://" + r.Host + r.URL.EscapedPath(),
	}
	for _, name := range allowedHeaders {
		if vs := r.Header.Values(name); len(vs) > 0 {
			if out.Headers == nil {
				out.Headers = make(map[string]string, len(allowedHeaders))
			}
			v := vs[0]
			for _, more := range vs[1:] {
				v += "," + more
			}
			out.Headers[name] = v
		}
	}
	return out
}
