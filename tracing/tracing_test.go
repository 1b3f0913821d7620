package tracing_test

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/logging"
	"github.com/discreet-dev/discreet/tracing"
)

// on returns settings that send traces to c.
func on(c *collector) consent.Settings {
	return consent.Settings{TracesEndpoint: c.url(), TracesHeaders: map[string]string{"Api-Key": "collector-key-1"}}
}

func newTracing(t *testing.T, s consent.Settings, o tracing.Options) *tracing.Tracing {
	t.Helper()
	tr, err := tracing.New(s, o)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// flush delivers every ended span and stops the Tracing.
func flush(t *testing.T, tr *tracing.Tracing) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tr.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// claim: C2
// claim: D1
func TestOffByDefaultOpensNoConnection(t *testing.T) {
	c := newCollector(t)
	s, err := consent.FromLookup(func(k string) (string, bool) {
		// Everything but an endpoint.
		v, ok := map[string]string{consent.OTLPHeadersVar: "api-key=x", consent.OTLPProtocolVar: "http/protobuf"}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	tr := newTracing(t, s, tracing.Options{})
	if tr.Enabled() {
		t.Fatal("tracing on without an endpoint")
	}
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	if h := tr.Middleware(inner); h == nil || trace.SpanFromContext(context.Background()).IsRecording() {
		t.Fatal("no handler")
	}
	_, sp := tr.Provider().Tracer("t").Start(context.Background(), "x")
	if sp.IsRecording() {
		t.Error("the provider of a disabled Tracing records spans")
	}
	sp.End()
	rec := httptest.NewRecorder()
	tr.Middleware(inner).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	res, err := (&http.Client{Transport: tr.Transport(http.DefaultTransport)}).Get(c.srv.URL + "/other")
	if err == nil {
		res.Body.Close()
	}
	c.conns.Store(0) // the transport's own request above was the application's
	if err := tr.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := c.conns.Load(); n != 0 {
		t.Errorf("%d connections to the collector with tracing off", n)
	}
	if spans, _ := c.all(); len(spans) != 0 {
		t.Errorf("spans exported with tracing off: %v", spans)
	}
}

// claim: C5
// claim: D1
func TestNewRefusesPlainHTTPToOtherHosts(t *testing.T) {
	_, err := tracing.New(consent.Settings{TracesEndpoint: "http://otel.example.org:4318/v1/traces"}, tracing.Options{})
	if err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Fatalf("err = %v", err)
	}
	if _, err := tracing.New(consent.Settings{TracesEndpoint: "http://collector:4318/v1/traces", PrivateHTTPHosts: []string{"collector"}}, tracing.Options{}); err != nil {
		t.Fatal(err)
	}
}

func findSpan(t *testing.T, spans []*tracepb.Span, kind tracepb.Span_SpanKind) *tracepb.Span {
	t.Helper()
	for _, s := range spans {
		if s.Kind == kind {
			return s
		}
	}
	t.Fatalf("no span of kind %v among %d", kind, len(spans))
	return nil
}

// claim: D2
func TestServerSpanNamedByRoute(t *testing.T) {
	c := newCollector(t)
	tr := newTracing(t, on(c), tracing.Options{ServiceName: "tt", ServiceVersion: "1.2.3"})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) {
		logging.SetUserID(r.Context(), 42)
		w.WriteHeader(http.StatusTeapot)
	})
	h := tr.Middleware(mux)

	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	req := httptest.NewRequest("GET", "/users/alice@example.com?token=querysecret", nil)
	req.Header.Set("traceparent", parent)
	req.Header.Set("tracestate", "vendor=carol@example.com")
	h.ServeHTTP(httptest.NewRecorder(), req)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/nowhere/bob@example.com", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("BREW", "/users/1", nil))
	flush(t, tr)

	spans, raw := c.all()
	if len(spans) != 3 {
		t.Fatalf("%d spans, want 3", len(spans))
	}
	byName := map[string]*tracepb.Span{}
	for _, s := range spans {
		byName[s.Name] = s
		if s.Kind != tracepb.Span_SPAN_KIND_SERVER {
			t.Errorf("%s: kind %v", s.Name, s.Kind)
		}
		if s.TraceState != "" {
			t.Errorf("%s: trace state %q exported", s.Name, s.TraceState)
		}
	}
	s := byName["GET /users/{id}"]
	if s == nil {
		t.Fatalf("no span named by the route: %v", byName)
	}
	if got := hex.EncodeToString(s.TraceId); got != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("trace ID %s: traceparent not followed", got)
	}
	if got := hex.EncodeToString(s.ParentSpanId); got != "00f067aa0ba902b7" {
		t.Errorf("parent %s", got)
	}
	a := attrMap(s.Attributes)
	for k, want := range map[string]string{"http.route": "/users/{id}", "http.response.status_code": "418", "http.request.method": "GET", "enduser.id": "42"} {
		if a[k] != want {
			t.Errorf("%s = %q, want %q (all: %v)", k, a[k], want, a)
		}
	}
	if byName["GET unmatched"] == nil || byName["_OTHER unmatched"] == nil {
		t.Errorf("unmatched requests not named by method and %q: %v", "unmatched", byName)
	}
	for _, leak := range []string{"alice", "bob", "carol", "querysecret", "/nowhere", "BREW"} {
		if strings.Contains(string(raw), leak) {
			t.Errorf("export carries %q", leak)
		}
	}
	if !strings.Contains(string(raw), "tt") || !strings.Contains(string(raw), "1.2.3") {
		t.Error("service name and version missing from the resource")
	}
	c.mu.Lock()
	if got := c.headers[0].Get("Api-Key"); got != "collector-key-1" {
		t.Errorf("collector header = %q", got)
	}
	c.mu.Unlock()
}

// claim: D3
// claim: D4
func TestEverySpanPartIsScrubbed(t *testing.T) {
	c := newCollector(t)
	tr := newTracing(t, on(c), tracing.Options{Environment: "prod for erin@example.com"})
	tracer := tr.Provider().Tracer("other-instrumentation")
	_, linked := tracer.Start(context.Background(), "linked")
	linked.End()
	_, sp := tracer.Start(context.Background(), "GET /users/frank@example.com?token=namesecret",
		trace.WithLinks(trace.Link{SpanContext: linked.SpanContext(), Attributes: []attribute.KeyValue{attribute.String("note", "link for gina@example.com")}}))
	sp.SetAttributes(
		attribute.StringSlice("http.request.header.authorization", []string{"Bearer sk_live_headersecret123456"}),
		attribute.StringSlice("http.request.header.cookie", []string{"session=cookiesecret"}),
		attribute.StringSlice("http.request.header.user-agent", []string{"curl for hank@example.com"}),
		attribute.String("url.query", "q=querysecret&email=ivan%40example.com"),
		attribute.String("url.full", "https://user:urlpassword@api.example.org/p/judy@example.com?code=codesecret#frag"),
		attribute.String("db.statement", "SELECT * FROM users WHERE email = 'kate@example.com'"),
		attribute.String("enduser.id", "leo@example.com"),
		attribute.String("enduser.role", "admin of mike@example.com"),
		attribute.String("app.password", "pwsecret"),
		attribute.StringSlice("app.mails", []string{"ok", "nina@example.com"}),
		attribute.String("client.address", "203.0.113.9"),
		attribute.String("message", "card 4111 1111 1111 1111"),
	)
	sp.RecordError(errors.New("lookup failed for oscar@example.com"), trace.WithStackTrace(true))
	sp.AddEvent("mail sent to pat@example.com", trace.WithAttributes(attribute.String("to", "pat@example.com")))
	sp.SetStatus(codes.Error, "no account for quinn@example.com")
	sp.End()
	flush(t, tr)

	spans, raw := c.all()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	for _, leak := range []string{"erin", "frank", "namesecret", "gina", "headersecret", "cookiesecret", "hank",
		"querysecret", "ivan", "urlpassword", "judy", "codesecret", "frag", "kate", "leo", "mike", "pwsecret", "nina",
		"203.0.113.9", "4111", "oscar", "pat@", "quinn"} {
		if strings.Contains(string(raw), leak) {
			t.Errorf("export carries %q", leak)
		}
	}
	var s *tracepb.Span
	for _, x := range spans {
		if x.Name != "linked" {
			s = x
		}
	}
	a := attrMap(s.Attributes)
	for k, want := range map[string]string{
		"url.query":                         "q=REDACTED&email=REDACTED",
		"url.full":                          "https://REDACTED:REDACTED@api.example.org/p/[email]?code=REDACTED",
		"http.request.header.authorization": "[redacted]",
		"db.statement":                      "[redacted]",
		"enduser.id":                        "[redacted]",
		"app.mails":                         "ok|[email]",
		"message":                           "card [card]",
	} {
		if a[k] != want {
			t.Errorf("%s = %q, want %q", k, a[k], want)
		}
	}
	if _, ok := a["client.address"]; ok {
		t.Error("client.address exported without LOG_CLIENT_IP")
	}
	if s.Name != "GET /users/[email]" {
		t.Errorf("name %q", s.Name)
	}
	// What is kept: the exception's type and a stack trace with its frames.
	var st string
	for _, ev := range s.Events {
		if ev.Name == "exception" {
			st = attrMap(ev.Attributes)["exception.stacktrace"]
		}
	}
	if !strings.Contains(st, "TestEverySpanPartIsScrubbed") {
		t.Errorf("stack trace lost its frames: %q", st)
	}
}

// claim: D4
func TestClientAddressOnlyWithLogClientIP(t *testing.T) {
	for _, keep := range []bool{false, true} {
		c := newCollector(t)
		s := on(c)
		s.LogClientIP = keep
		tr := newTracing(t, s, tracing.Options{})
		h := tr.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			trace.SpanFromContext(r.Context()).SetAttributes(
				attribute.String("network.peer.address", "198.51.100.7"),
				attribute.StringSlice("http.request.header.x-forwarded-for", []string{"198.51.100.8"}))
		}))
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = "198.51.100.6:5555"
		h.ServeHTTP(httptest.NewRecorder(), req)
		flush(t, tr)
		_, raw := c.all()
		for _, ip := range []string{"198.51.100.6", "198.51.100.7", "198.51.100.8"} {
			if got := strings.Contains(string(raw), ip); got != keep {
				t.Errorf("LOG_CLIENT_IP=%v: address %s exported: %v", keep, ip, got)
			}
		}
	}
}

// claim: D2
func TestOutboundCallsGetClientSpans(t *testing.T) {
	for _, propagate := range []bool{false, true} {
		c := newCollector(t)
		var got string
		upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = r.Header.Get("traceparent")
		}))
		tr := newTracing(t, on(c), tracing.Options{PropagateOutbound: propagate})
		client := &http.Client{Transport: tr.Transport(nil)}
		res, err := client.Get(upstream.URL + "/batch/?api_key=phc_querykey")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		upstream.Close()
		flush(t, tr)
		spans, raw := c.all()
		s := findSpan(t, spans, tracepb.Span_SPAN_KIND_CLIENT)
		a := attrMap(s.Attributes)
		if s.Name != "GET" || a["http.response.status_code"] != "200" || !strings.HasSuffix(a["url.full"], "/batch/?api_key=REDACTED") {
			t.Errorf("client span %q %v", s.Name, a)
		}
		if strings.Contains(string(raw), "phc_querykey") {
			t.Error("the query value was exported")
		}
		if (got != "") != propagate {
			t.Errorf("PropagateOutbound=%v: traceparent %q sent", propagate, got)
		}
	}
}

// claim: D5
func TestUnreachableCollectorNeverHoldsRequestsOrShutdown(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer slow.Close()
	defer close(release)
	tr := newTracing(t, consent.Settings{TracesEndpoint: slow.URL + "/v1/traces"}, tracing.Options{Timeout: 300 * time.Millisecond})
	h := tr.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	start := time.Now()
	for range 20 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("20 requests took %v with a hanging collector", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start = time.Now()
	_ = tr.Close(ctx)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v, its bound was 500ms", d)
	}
}
