package discreet

import (
	"log/slog"
	"net/http"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/errortrack"
	"github.com/discreet-dev/discreet/internal/reqctx"
	"github.com/discreet-dev/discreet/logging"
	"github.com/discreet-dev/discreet/metrics"
	"github.com/discreet-dev/discreet/tracing"
)

// UnmatchedRoute is the route of a request that no ServeMux pattern
// matched (404, 405 and the ServeMux's own redirects), in request records
// and in metric labels alike. Raw paths are attacker-controlled and may
// carry IDs, emails or tokens, so they never stand in for a route. No
// pattern can equal it, as patterns always contain a "/".
const UnmatchedRoute = reqctx.UnmatchedRoute

// Pipeline is the request handling of every discreet package, put around a
// handler in one fixed order by [Pipeline.Handler]. Its fields are the
// pieces that are on; the zero value logs each request to [slog.Default],
// recovers panics and records the GPC signal.
type Pipeline struct {
	// Logger receives one scrubbed record per request
	// ([logging.Middleware]) and the recovered panics. nil means
	// slog.Default().
	Logger *slog.Logger

	// Log configures the request records (client IP, proxy trust).
	Log logging.MiddlewareOptions

	// Metrics counts requests and their latency by route and status
	// ([metrics.Metrics.Middleware]). nil counts nothing.
	Metrics *metrics.Metrics

	// Errors recovers panics, reports them to Sentry and keeps what
	// [errortrack.Tracker.Capture] needs ([errortrack.Tracker.Middleware]).
	// nil still recovers panics and answers 500, as a disabled Tracker does.
	Errors *errortrack.Tracker

	// Tracing starts a server span per request, outermost, so that its
	// trace and span IDs are on the request's log record and error reports
	// ([tracing.Tracing.Middleware]). nil, or a disabled Tracing, traces
	// nothing.
	Tracing *tracing.Tracing

	// Routes is the ServeMux whose patterns name the routes. When set, the
	// route is looked up before the handler runs, so a request that a
	// middleware between the pipeline and the ServeMux refuses (an
	// authentication layer, a CSRF check, a body limit) is still logged and
	// counted under its route. When nil, the route is the pattern the
	// ServeMux sets when it is the handler itself or is reached with the
	// request unchanged; otherwise [UnmatchedRoute].
	Routes *http.ServeMux
}

// Handler returns next wrapped in the pipeline. From the outside in:
//
//  1. the request record: a request ID (a well-formed X-Request-ID, or a
//     new one, set on the response) and the record that every layer reads
//     (route, user ID), with the one response recorder all layers share;
//     then the server span ([Pipeline.Tracing]), whose IDs every layer
//     inside records;
//  2. panic recovery and error capture ([Pipeline.Errors]): a panic is
//     reported and answered with a plain 500;
//  3. the request record in the log ([Pipeline.Logger]): it sees the
//     panic with its stack and the status the client gets;
//  4. metrics ([Pipeline.Metrics]), so the log's duration covers them;
//  5. the Global Privacy Control signal ([consent.Middleware]), read by
//     analytics;
//  6. the route: the ServeMux pattern, recorded for all the layers above.
//
// Each package's own middleware still works alone. Inside the pipeline it
// does no work twice: the logging, metrics and recovery layers notice that
// the pipeline already runs them for this request and pass the request on,
// so a request is logged and counted once.
func (p Pipeline) Handler(next http.Handler) http.Handler {
	l := p.Logger
	if l == nil {
		l = slog.Default()
	}
	h := routed(p.Routes, next)
	h = consent.Middleware(h)
	if p.Metrics != nil {
		h = p.Metrics.Middleware(h)
	}
	h = logging.Middleware(l, &p.Log)(h)
	t := p.Errors
	if t == nil {
		// A Tracker without a DSN is a disabled one: it cannot fail.
		t, _ = errortrack.New(consent.Settings{}, errortrack.Options{Logger: l})
	}
	h = t.Middleware(h)
	if p.Tracing != nil {
		h = p.Tracing.Middleware(h)
	}
	return h
}

// routed records the route: looked up in mux up front when mux is set, and
// taken from the request the ServeMux saw afterwards.
func routed(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := reqctx.From(r.Context())
		if info == nil { // only when routed is used outside Handler
			next.ServeHTTP(w, r)
			return
		}
		if mux != nil {
			if _, pattern := mux.Handler(r); pattern != "" {
				info.SetRoute(pattern)
			}
		}
		next.ServeHTTP(w, r)
		info.SetRoute(r.Pattern)
	})
}

// ResponseStatus returns the status sent so far on the response to r, as
// the response recorder of the discreet middleware around r saw it: 0 while
// nothing has been written, or when no discreet middleware is around r.
// Middleware inside the pipeline reads it after calling its handler instead
// of wrapping the ResponseWriter once more.
func ResponseStatus(r *http.Request) int {
	if info := reqctx.From(r.Context()); info != nil {
		if rec := info.Recorder(); rec != nil {
			return rec.Status()
		}
	}
	return 0
}
