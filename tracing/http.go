package tracing

import (
	"net"
	"net/http"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/discreet-dev/discreet/internal/reqctx"
)

// Middleware returns next wrapped in a server span per request (claim D2):
// named by the method and the route pattern, never the raw path
// ("GET /api/v1/entries/{id}"; "GET unmatched" when no pattern matched),
// with the method, the route, the status code and the signed-in user's
// internal ID, and the client address only with LOG_CLIENT_IP. An incoming
// W3C traceparent makes the span its child; the incoming tracestate is
// dropped, as it may carry any text. The span's trace and span IDs go into
// the shared request record, where the request's log record and its error
// reports find them.
//
// A disabled Tracing returns next itself. Inside the root package's
// pipeline (discreet.Pipeline.Tracing) it runs outermost, once.
func (t *Tracing) Middleware(next http.Handler) http.Handler {
	if !t.Enabled() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, r := reqctx.Ensure(w, r)
		if !info.Claim(reqctx.StageTrace) {
			next.ServeHTTP(w, r)
			return
		}
		rec, w := info.Record(w)
		ctx := r.Context()
		if sc := trace.SpanContextFromContext(t.prop.Extract(ctx, propagation.HeaderCarrier(r.Header))); sc.IsValid() {
			ctx = trace.ContextWithRemoteSpanContext(ctx, sc.WithTraceState(trace.TraceState{}))
		}
		method := Method(r.Method)
		attrs := make([]attribute.KeyValue, 0, 4)
		attrs = append(attrs, attribute.String("http.request.method", method))
		if r.TLS != nil {
			attrs = append(attrs, attribute.String("url.scheme", "https"))
		} else {
			attrs = append(attrs, attribute.String("url.scheme", "http"))
		}
		if t.keepIP {
			if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
				attrs = append(attrs, attribute.String("client.address", host))
			}
		}
		ctx, span := t.tracer.Start(ctx, method, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
		sc := span.SpanContext()
		info.SetTrace(sc.TraceID().String(), sc.SpanID().String())
		inner := r.WithContext(ctx) // the ServeMux sets its Pattern
		defer func() {
			p := recover()
			status := rec.Status()
			if status == 0 {
				status = http.StatusOK
				if p != nil {
					status = http.StatusInternalServerError
				}
			}
			route := RoutePath(reqctx.Route(inner))
			span.SetName(method + " " + route)
			span.SetAttributes(
				attribute.String("http.route", route),
				attribute.Int("http.response.status_code", status),
			)
			if uid := info.UserID(); uid > 0 {
				span.SetAttributes(attribute.Int64("enduser.id", uid))
			}
			if status >= 500 || p != nil {
				span.SetStatus(codes.Error, "")
			}
			span.End()
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(w, inner)
	})
}

// RoutePath returns the path part of a ServeMux pattern, the http.route of
// a span: "GET /entries/{id}" and "example.org/entries/{id}" both give
// "/entries/{id}". An empty pattern gives [reqctx.UnmatchedRoute].
func RoutePath(pattern string) string {
	if pattern == "" {
		return reqctx.UnmatchedRoute
	}
	if i := strings.IndexByte(pattern, '/'); i >= 0 {
		return pattern[i:]
	}
	return pattern
}

// Method returns the HTTP method as span names and attributes show it: one
// of the methods of RFC 9110 and PATCH, or "_OTHER", as the OpenTelemetry
// conventions say, since a client may send any token as its method.
func Method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete,
		http.MethodConnect, http.MethodOptions, http.MethodTrace, http.MethodPatch:
		return m
	}
	return "_OTHER"
}

// Transport returns rt wrapped so that every outbound request gets a
// client span (claim D2): the method, the server's host and port, the URL
// with its query values REDACTED and the status code. With
// Options.PropagateOutbound it also sends traceparent. nil rt means a
// clone of http.DefaultTransport; a disabled Tracing returns rt itself.
//
// Do not give the wrapped transport to [New] as Options.Transport: the
// exports would be traced, and each trace exported, without end.
func (t *Tracing) Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = defaultTransport()
	}
	if !t.Enabled() {
		return rt
	}
	return &transport{t: t, next: rt}
}

type transport struct {
	t    *Tracing
	next http.RoundTripper
}

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	method := Method(req.Method)
	attrs := []attribute.KeyValue{
		attribute.String("http.request.method", method),
		attribute.String("server.address", req.URL.Hostname()),
		// url.full is scrubbed on export like every attribute; it is
		// built without the query values here already.
		attribute.String("url.full", withoutQueryValues(req.URL.Scheme+"://"+req.URL.Host+req.URL.EscapedPath(), req.URL.RawQuery)),
	}
	if p := req.URL.Port(); p != "" {
		if n, err := strconv.Atoi(p); err == nil {
			attrs = append(attrs, attribute.Int("server.port", n))
		}
	}
	ctx, span := tr.t.tracer.Start(req.Context(), method, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	defer span.End()
	if tr.t.propagate {
		req = req.Clone(ctx)
		tr.t.prop.Inject(ctx, propagation.HeaderCarrier(req.Header))
	}
	res, err := tr.next.RoundTrip(req)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		return res, err
	}
	span.SetAttributes(attribute.Int("http.response.status_code", res.StatusCode))
	if res.StatusCode >= 400 {
		span.SetStatus(codes.Error, "")
	}
	return res, nil
}

// withoutQueryValues appends q to base with every value REDACTED.
func withoutQueryValues(base, q string) string {
	if q == "" {
		return base
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteByte('?')
	for i, p := range strings.Split(q, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		name, _, has := strings.Cut(p, "=")
		b.WriteString(name)
		if has {
			b.WriteString("=" + QueryRedacted)
		}
	}
	return b.String()
}
