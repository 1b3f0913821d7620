package metrics

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/discreet-dev/discreet/internal/reqctx"
)

// OtherMethod is the http.request.method label of requests whose method is
// not one of the nine of RFC 9110 and RFC 5789, as the OpenTelemetry
// semantic conventions prescribe.
const OtherMethod = "_OTHER"

// maxAttrSets bounds the cache of attribute sets. Routes come from the
// application's patterns and statuses from its handlers, so a real service
// stays far below; past the bound sets are built per request, which is
// slower but still correct.
const maxAttrSets = 4096

// durationBuckets are the boundaries the semantic conventions recommend for
// http.server.request.duration, in seconds.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// methods lists the known methods; an index into it stands for the method,
// and len(methods) stands for OtherMethod.
var methods = [...]string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete,
	http.MethodConnect, http.MethodOptions, http.MethodTrace, http.MethodPatch,
}

func methodIndex(m string) uint8 {
	switch m {
	case http.MethodGet:
		return 0
	case http.MethodHead:
		return 1
	case http.MethodPost:
		return 2
	case http.MethodPut:
		return 3
	case http.MethodDelete:
		return 4
	case http.MethodConnect:
		return 5
	case http.MethodOptions:
		return 6
	case http.MethodTrace:
		return 7
	case http.MethodPatch:
		return 8
	}
	return uint8(len(methods))
}

func methodName(i uint8) string {
	if int(i) < len(methods) {
		return methods[i]
	}
	return OtherMethod
}

type attrKey struct {
	method uint8
	status int32
	route  string // the pattern as the ServeMux reports it
}

type httpInstruments struct {
	duration metric.Float64Histogram

	// inFlight counts requests in flight by method and by scheme (0 http,
	// 1 https). An atomic add costs a few nanoseconds where an OTel
	// UpDownCounter.Add costs a map lookup, so the gauge is an observable
	// one that reads these at scrape time.
	inFlight [len(methods) + 1][2]atomic.Int64
	// activeOpts are the observation options of each cell, built once.
	activeOpts [len(methods) + 1][2][]metric.ObserveOption
	// seenMask has one bit per cell that has had a request (20 cells).
	seenMask atomic.Uint32

	// sets is a copy-on-write map: the hot path reads it with one atomic
	// load and no lock; misses are rare and bounded, so copying is cheap.
	sets   atomic.Pointer[map[attrKey][]metric.RecordOption]
	setsMu sync.Mutex
}

func newHTTPInstruments(meter metric.Meter) (*httpInstruments, error) {
	h := &httpInstruments{}
	var err error
	h.duration, err = meter.Float64Histogram("http.server.request.duration",
		metric.WithUnit("s"),
		metric.WithDescription("Duration of HTTP server requests."),
		metric.WithExplicitBucketBoundaries(durationBuckets...),
	)
	if err != nil {
		return nil, fmt.Errorf("metrics: http.server.request.duration: %w", err)
	}
	for i := range h.activeOpts {
		for s, scheme := range []string{"http", "https"} {
			set := attribute.NewSet(
				attribute.String("http.request.method", methodName(uint8(i))),
				attribute.String("url.scheme", scheme),
			)
			h.activeOpts[i][s] = []metric.ObserveOption{metric.WithAttributeSet(set)}
		}
	}
	_, err = meter.Int64ObservableUpDownCounter("http.server.active_requests",
		metric.WithUnit("{request}"),
		metric.WithDescription("Number of active HTTP server requests."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			for i := range h.inFlight {
				for s := range h.inFlight[i] {
					// A cell that never saw a request stays out of the
					// exposition, as it would with an UpDownCounter.
					if n := h.inFlight[i][s].Load(); n != 0 || h.seen(i, s) {
						o.Observe(n, h.activeOpts[i][s]...)
					}
				}
			}
			return nil
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("metrics: http.server.active_requests: %w", err)
	}
	empty := map[attrKey][]metric.RecordOption{}
	h.sets.Store(&empty)
	return h, nil
}

func (h *httpInstruments) markSeen(method uint8, scheme int) {
	bit := uint32(1) << (uint32(method)*2 + uint32(scheme))
	if h.seenMask.Load()&bit == 0 {
		h.seenMask.Or(bit)
	}
}

func (h *httpInstruments) seen(method, scheme int) bool {
	return h.seenMask.Load()&(uint32(1)<<(uint32(method)*2+uint32(scheme))) != 0
}

func (h *httpInstruments) recordOpts(k attrKey) []metric.RecordOption {
	if opts, ok := (*h.sets.Load())[k]; ok {
		return opts
	}
	opts := []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(
		attribute.String("http.request.method", methodName(k.method)),
		attribute.String("http.route", routeLabel(k.route)),
		attribute.Int("http.response.status_code", int(k.status)),
	))}
	h.setsMu.Lock()
	defer h.setsMu.Unlock()
	old := *h.sets.Load()
	if _, ok := old[k]; ok || len(old) >= maxAttrSets {
		return opts
	}
	next := make(map[attrKey][]metric.RecordOption, len(old)+1)
	for key, v := range old {
		next[key] = v
	}
	next[k] = opts
	h.sets.Store(&next)
	return opts
}

// routeLabel turns a ServeMux pattern into the http.route value: the
// pattern without its method, which is a label of its own ("GET
// /items/{id}" becomes "/items/{id}"; a host in the pattern stays). An
// empty pattern is reqctx.UnmatchedRoute.
func routeLabel(pattern string) string {
	if pattern == "" {
		return reqctx.UnmatchedRoute
	}
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		return strings.TrimLeft(pattern[i:], " \t")
	}
	return pattern
}

// Middleware records every request in the histogram
// http.server.request.duration (Prometheus:
// http_server_request_duration_seconds) with the labels
// http_request_method, http_route and http_response_status_code, and
// counts requests in flight in http.server.active_requests (Prometheus:
// http_server_active_requests, labels http_request_method and url_scheme).
//
// Place it outside the ServeMux: the route is read after the ServeMux has
// set [http.Request.Pattern]. A request no pattern matched is counted under
// [github.com/discreet-dev/discreet.UnmatchedRoute]; an unknown method under [OtherMethod]. When next panics
// the request is recorded with status 500 and the panic goes on unchanged,
// for a recovery middleware further out to answer.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	h := m.http
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, r := reqctx.Attach(r)
		if !info.Claim(reqctx.StageMetrics) {
			next.ServeHTTP(w, r) // a discreet layer outside counts it
			return
		}
		start := time.Now()
		ctx := r.Context()
		mi := methodIndex(r.Method)
		scheme := 0
		if r.TLS != nil {
			scheme = 1
		}
		inFlight := &h.inFlight[mi][scheme]
		inFlight.Add(1)
		h.markSeen(mi, scheme)

		rec, w := info.Record(w)
		completed := false
		// A deferred function that does not recover sees a panic without
		// stopping it, so the recovery middleware outside still gets the
		// original value and stack.
		defer func() {
			status := rec.Status()
			switch {
			case !completed:
				status = http.StatusInternalServerError
			case status == 0:
				status = http.StatusOK
			}
			if r.Pattern != "" {
				info.SetRoute(r.Pattern)
			}
			k := attrKey{method: mi, status: int32(status), route: reqctx.Route(r)}
			h.duration.Record(ctx, time.Since(start).Seconds(), h.recordOpts(k)...)
			inFlight.Add(-1)
		}()
		next.ServeHTTP(w, r)
		completed = true
	})
}
