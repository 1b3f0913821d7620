package consent

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

// claim: D1
func TestTracesOffUntilAnEndpointIsSet(t *testing.T) {
	s, err := FromLookup(env(map[string]string{
		// Headers and a protocol alone name no place to send to.
		OTLPHeadersVar:  "api-key=collectorsecret",
		OTLPProtocolVar: "http/protobuf",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if s.Enabled(Traces) || s.TracesEndpoint != "" {
		t.Errorf("traces on without an endpoint: %+v", s)
	}
}

// claim: D1
func TestTracesSwitchedOffWithAnEndpointSet(t *testing.T) {
	for _, off := range []map[string]string{
		{OTelSDKDisabledVar: "true"},
		{OTelSDKDisabledVar: "TRUE"},
		{OTelTracesExporterVar: "none"},
	} {
		vars := map[string]string{OTLPEndpointVar: "https://otel.example.org"}
		for k, v := range off {
			vars[k] = v
		}
		s, err := FromLookup(env(vars))
		if err != nil {
			t.Fatalf("%v: %v", off, err)
		}
		if s.Enabled(Traces) || s.TracesEndpoint != "" {
			t.Errorf("%v: traces still on (%q)", off, s.TracesEndpoint)
		}
	}
	for _, on := range []map[string]string{{OTelSDKDisabledVar: "false"}, {OTelTracesExporterVar: "otlp"}} {
		vars := map[string]string{OTLPEndpointVar: "https://otel.example.org"}
		for k, v := range on {
			vars[k] = v
		}
		s, err := FromLookup(env(vars))
		if err != nil || !s.Enabled(Traces) {
			t.Errorf("%v: traces off (err %v)", on, err)
		}
	}
}

// claim: D1
func TestTracesEndpoints(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"base URL gets the traces path", map[string]string{OTLPEndpointVar: "https://otel.example.org"}, "https://otel.example.org/v1/traces"},
		{"base URL with a path", map[string]string{OTLPEndpointVar: "https://otel.example.org/otlp/"}, "https://otel.example.org/otlp/v1/traces"},
		{"traces URL used as written", map[string]string{OTLPTracesEndpointVar: "https://otel.example.org/custom"}, "https://otel.example.org/custom"},
		{"traces URL wins", map[string]string{OTLPEndpointVar: "https://a.example.org", OTLPTracesEndpointVar: "https://b.example.org/t"}, "https://b.example.org/t"},
		{"loopback over http", map[string]string{OTLPEndpointVar: "http://127.0.0.1:4318"}, "http://127.0.0.1:4318/v1/traces"},
		{"private host over http", map[string]string{OTLPEndpointVar: "http://collector:4318", PrivateHTTPHostsVar: "collector"}, "http://collector:4318/v1/traces"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := FromLookup(env(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			if !s.Enabled(Traces) || s.TracesEndpoint != tc.want {
				t.Errorf("TracesEndpoint = %q (on: %v), want %q", s.TracesEndpoint, s.Enabled(Traces), tc.want)
			}
		})
	}
}

// claim: D1
// claim: C5
func TestTracesBadValuesStopStartUp(t *testing.T) {
	for _, tc := range []struct {
		env      map[string]string
		wantVar  string
		wantText string
	}{
		{map[string]string{OTLPEndpointVar: "http://otel.example.org:4318"}, OTLPEndpointVar, "plain http"},
		{map[string]string{OTLPTracesEndpointVar: "http://otel.example.org/v1/traces"}, OTLPTracesEndpointVar, "plain http"},
		{map[string]string{OTLPEndpointVar: "otel.example.org:4318"}, OTLPEndpointVar, "not an absolute URL"},
		{map[string]string{OTLPEndpointVar: "https://user:urlsecret@otel.example.org"}, OTLPEndpointVar, "credentials"},
		{map[string]string{OTLPEndpointVar: "https://otel.example.org", OTLPProtocolVar: "grpc"}, OTLPProtocolVar, "grpc is not supported"},
		{map[string]string{OTLPEndpointVar: "https://otel.example.org", OTLPTracesProtocolVar: "http/json"}, OTLPTracesProtocolVar, "http/json"},
		{map[string]string{OTLPEndpointVar: "https://otel.example.org", OTLPHeadersVar: "api-key=ok,headersecret"}, OTLPHeadersVar, "entry 2"},
		{map[string]string{OTLPEndpointVar: "https://otel.example.org", OTelSDKDisabledVar: "yes"}, OTelSDKDisabledVar, "neither true nor false"},
		{map[string]string{OTLPEndpointVar: "https://otel.example.org", OTelTracesExporterVar: "console"}, OTelTracesExporterVar, "not supported"},
		{map[string]string{OTLPEndpointVar: "https://otel.example.org", OTLPTracesHeadersVar: "bad key=headersecret"}, OTLPTracesHeadersVar, "entry 1"},
	} {
		s, err := FromLookup(env(tc.env))
		if err == nil {
			t.Errorf("%v: accepted: %+v", tc.env, s)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.wantVar+":") || !strings.Contains(msg, tc.wantText) {
			t.Errorf("%v: error %q does not name %s with %q", tc.env, msg, tc.wantVar, tc.wantText)
		}
		for _, secret := range []string{"urlsecret", "headersecret"} {
			if strings.Contains(msg, secret) {
				t.Errorf("error repeats a secret: %q", msg)
			}
		}
		if s.Enabled(Traces) {
			t.Errorf("%v: traces on after an error", tc.env)
		}
	}
}

func TestOTLPHeaders(t *testing.T) {
	s, err := FromLookup(env(map[string]string{
		OTLPEndpointVar:      "https://otel.example.org",
		OTLPHeadersVar:       "api-key=general, x-tenant=a%20b",
		OTLPTracesHeadersVar: "api-key=traces",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if s.TracesHeaders["api-key"] != "traces" || s.TracesHeaders["x-tenant"] != "a b" || len(s.TracesHeaders) != 2 {
		t.Errorf("headers = %v", s.TracesHeaders)
	}
}

// claim: C4
// claim: D1
func TestSummaryNamesTheCollectorButNoHeaders(t *testing.T) {
	s, err := FromLookup(env(map[string]string{
		OTLPEndpointVar: "https://otel.example.org:4318/otlp",
		OTLPHeadersVar:  "authorization=Bearer%20collectorsecret",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	slog.New(slog.NewJSONHandler(&buf, nil)).LogAttrs(context.Background(), slog.LevelInfo, "optional services", s.Summary()...)
	out := buf.String()
	if !strings.Contains(out, `"traces":{"enabled":true,"host":"otel.example.org:4318"}`) {
		t.Errorf("summary lacks the traces host: %s", out)
	}
	for _, secret := range []string{"collectorsecret", "authorization", "/otlp"} {
		if strings.Contains(out, secret) {
			t.Errorf("summary leaks %q: %s", secret, out)
		}
	}
	off, _ := FromLookup(env(nil))
	buf.Reset()
	slog.New(slog.NewJSONHandler(&buf, nil)).LogAttrs(context.Background(), slog.LevelInfo, "optional services", off.Summary()...)
	if !strings.Contains(buf.String(), `"traces":{"enabled":false}`) {
		t.Errorf("summary with traces off: %s", buf.String())
	}
}
