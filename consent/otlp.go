package consent

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/discreet-dev/discreet/internal/endpoint"
)

// The OpenTelemetry exporter variables that turn tracing on and configure
// it, as the OpenTelemetry specification names them.
const (
	OTLPEndpointVar        = "OTEL_EXPORTER_OTLP_ENDPOINT"
	OTLPTracesEndpointVar  = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
	OTLPHeadersVar         = "OTEL_EXPORTER_OTLP_HEADERS"
	OTLPTracesHeadersVar   = "OTEL_EXPORTER_OTLP_TRACES_HEADERS"
	OTLPProtocolVar        = "OTEL_EXPORTER_OTLP_PROTOCOL"
	OTLPTracesProtocolVar  = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
	OTLPProtocolHTTPBinary = "http/protobuf" // the one protocol discreet speaks

	// OTelSDKDisabledVar set to true turns tracing off whatever the
	// endpoint variables say, as the specification's general switch.
	OTelSDKDisabledVar = "OTEL_SDK_DISABLED"
	// OTelTracesExporterVar set to none turns tracing off the same way;
	// otlp (the default) is the only exporter.
	OTelTracesExporterVar = "OTEL_TRACES_EXPORTER"
)

// readTraces fills in the tracing settings: off unless an endpoint
// variable is set (claim C2), and then an https URL, or plain http on a
// loopback address or a host of PRIVATE_HTTP_HOSTS (claim C5).
func (s *Settings) readTraces(get func(string) string, fail func(name, format string, args ...any)) {
	for _, name := range []string{OTLPProtocolVar, OTLPTracesProtocolVar} {
		switch p := get(name); p {
		case "", OTLPProtocolHTTPBinary:
		case "grpc":
			fail(name, "grpc is not supported; use http/protobuf (the collector's port 4318)")
		case "http/json":
			fail(name, "http/json is not supported; use http/protobuf")
		default:
			fail(name, "%q is not an OTLP protocol; use http/protobuf", p)
		}
	}

	headers := map[string]string{}
	for _, name := range []string{OTLPHeadersVar, OTLPTracesHeadersVar} {
		h, err := ParseOTLPHeaders(get(name))
		if err != nil {
			fail(name, "%v", err)
			continue
		}
		for k, v := range h {
			headers[k] = v
		}
	}

	off := false
	switch v := strings.ToLower(strings.TrimSpace(get(OTelSDKDisabledVar))); v {
	case "", "false":
	case "true":
		off = true
	default:
		fail(OTelSDKDisabledVar, "%q is neither true nor false", get(OTelSDKDisabledVar))
	}
	switch v := strings.TrimSpace(get(OTelTracesExporterVar)); v {
	case "", "otlp":
	case "none":
		off = true
	default:
		fail(OTelTracesExporterVar, "%q is not supported; use otlp, or none to turn traces off", v)
	}
	if off {
		return // switched off: the endpoint is not even read
	}

	var where, raw string
	if v := get(OTLPTracesEndpointVar); v != "" {
		where, raw = OTLPTracesEndpointVar, v
	} else if v := get(OTLPEndpointVar); v != "" {
		where, raw = OTLPEndpointVar, v
	}
	if raw == "" {
		return // headers without an endpoint send nothing anywhere
	}
	if err := endpoint.Check(raw, s.PrivateHTTPHosts); err != nil {
		fail(where, "%v", err)
		return
	}
	u, _ := url.Parse(raw) // Check parsed it already
	if u.User != nil {
		// Credentials in a URL end up in proxies' and collectors' logs;
		// the headers variable is the place for them.
		fail(where, "must not carry credentials in the URL; put them in %s", OTLPHeadersVar)
		return
	}
	if where == OTLPEndpointVar {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
	}
	s.TracesEndpoint = u.String()
	if len(headers) > 0 {
		s.TracesHeaders = headers
	}
}

// ParseOTLPHeaders parses the value of OTEL_EXPORTER_OTLP_HEADERS: a
// comma-separated list of key=value pairs whose values may be
// percent-encoded ("api-key=abc%20def,x-tenant=7"). An error names the
// entry by its position and never repeats a value, which is usually a key.
func ParseOTLPHeaders(v string) (map[string]string, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	out := map[string]string{}
	for i, entry := range strings.Split(v, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		k, val, ok := strings.Cut(entry, "=")
		k = strings.TrimSpace(k)
		if !ok || !headerName(k) {
			return nil, fmt.Errorf("entry %d is not key=value with a header name as key (values are not shown here)", i+1)
		}
		dec, err := url.PathUnescape(strings.TrimSpace(val))
		if err != nil {
			return nil, fmt.Errorf("entry %d (%s): the value is not valid percent-encoding", i+1, k)
		}
		out[k] = dec
	}
	return out, nil
}

// headerName reports whether k is a valid HTTP header name (an RFC 9110
// token).
func headerName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
