package consent

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/discreet-dev/discreet/internal/endpoint"
	"github.com/discreet-dev/discreet/logging"
)

// Service names something discreet can do with data.
type Service int

// The services. Logs and Metrics are always on (they stay on the host);
// the others are on only when their variable is set.
const (
	Logs Service = iota + 1
	Metrics
	ErrorTracking
	ProductAnalytics
	InstallTelemetry
)

// String returns the service's name as used in the start-up record.
func (s Service) String() string {
	switch s {
	case Logs:
		return "logs"
	case Metrics:
		return "metrics"
	case ErrorTracking:
		return "error_tracking"
	case ProductAnalytics:
		return "product_analytics"
	case InstallTelemetry:
		return "install_telemetry"
	}
	return fmt.Sprintf("Service(%d)", int(s))
}

// DefaultPostHogHost is where product analytics go when POSTHOG_HOST is unset.
const DefaultPostHogHost = "https://us.i.posthog.com"

// DefaultLogDir is the log directory when LOG_DIR is unset: the logging
// package's [logging.DefaultDir], so that the two cannot disagree.
const DefaultLogDir = logging.DefaultDir

// Settings is what the operator chose, as read from the environment. The
// zero value has every optional service off.
type Settings struct {
	SentryDSN        string // SENTRY_DSN; empty: error tracking off
	PostHogAPIKey    string // POSTHOG_API_KEY; empty: product analytics off
	PostHogHost      string // POSTHOG_HOST; FromLookup fills in DefaultPostHogHost
	TelemetryEnabled bool   // ENABLE_TELEMETRY
	TelemetryURL     string // TELE_URL
	TelemetrySalt    string // TELE_SALT
	LogClientIP      bool   // LOG_CLIENT_IP
	LogDir           string // LOG_DIR; FromLookup fills in DefaultLogDir

	// PrivateHTTPHosts (PRIVATE_HTTP_HOSTS) are the host names that may be
	// reached over plain http because they sit on the same private network
	// as the application, such as sentry or posthog in a compose network
	// (claim C5). Every other non-loopback host needs https.
	PrivateHTTPHosts []string
}

// PrivateHTTPHostsVar is the variable that names the private-network hosts
// that may be reached over plain http (claim C5).
const PrivateHTTPHostsVar = endpoint.PrivateHostsVar

// FromEnv reads the settings from the process environment. See FromLookup.
func FromEnv() (Settings, error) { return FromLookup(os.LookupEnv) }

// FromLookup reads the settings through lookup, which has the shape of
// os.LookupEnv so tests and embedders can pass their own. Surrounding blanks
// are trimmed. Every variable that cannot be used is reported, together, in
// the returned error; the Settings are then the zero value, so that nothing
// starts half-configured.
func FromLookup(lookup func(string) (string, bool)) (Settings, error) {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	var s Settings
	var errs []error
	fail := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}

	// First: the other endpoints are checked against it.
	if hosts, err := ParsePrivateHTTPHosts(get(PrivateHTTPHostsVar)); err != nil {
		fail(PrivateHTTPHostsVar, "%v", err)
	} else {
		s.PrivateHTTPHosts = hosts
	}

	s.SentryDSN = get("SENTRY_DSN")
	if s.SentryDSN != "" {
		if err := s.checkDSN(s.SentryDSN); err != nil {
			fail("SENTRY_DSN", "%v", err)
		}
	}

	s.PostHogAPIKey = get("POSTHOG_API_KEY")
	s.PostHogHost = get("POSTHOG_HOST")
	if s.PostHogHost == "" {
		s.PostHogHost = DefaultPostHogHost
	} else if err := endpoint.Check(s.PostHogHost, s.PrivateHTTPHosts); err != nil {
		fail("POSTHOG_HOST", "%v", err)
	}

	var err error
	if s.TelemetryEnabled, err = parseBool(get("ENABLE_TELEMETRY")); err != nil {
		fail("ENABLE_TELEMETRY", "%v", err)
	}
	s.TelemetryURL = get("TELE_URL")
	if s.TelemetryURL != "" {
		if err := endpoint.Check(s.TelemetryURL, s.PrivateHTTPHosts); err != nil {
			fail("TELE_URL", "%v", err)
		}
	} else if s.TelemetryEnabled {
		fail("TELE_URL", "is required when ENABLE_TELEMETRY is on; set it to the telemetry server's https URL or turn telemetry off")
	}
	s.TelemetrySalt, _ = lookup("TELE_SALT") // a salt is used byte for byte, blanks included

	if s.LogClientIP, err = parseBool(get("LOG_CLIENT_IP")); err != nil {
		fail("LOG_CLIENT_IP", "%v", err)
	}
	s.LogDir = get("LOG_DIR")
	if s.LogDir == "" {
		s.LogDir = DefaultLogDir
	}

	if len(errs) > 0 {
		return Settings{}, errors.Join(errs...)
	}
	return s, nil
}

// Enabled reports whether the service is on. Logs and metrics always are.
func (s Settings) Enabled(svc Service) bool {
	switch svc {
	case Logs, Metrics:
		return true
	case ErrorTracking:
		return s.SentryDSN != ""
	case ProductAnalytics:
		return s.PostHogAPIKey != ""
	case InstallTelemetry:
		return s.TelemetryEnabled
	}
	return false
}

// Summary returns the attributes of the start-up record (claim C4): for
// each optional service whether it is on and, when it is, the host it sends
// to, as host[:port] exactly as configured (a [logging.Host], so the
// scrubbing handlers keep an IP address there). Keys, the DSN's
// credentials, paths, queries and the salt never appear.
//
//	logger.LogAttrs(ctx, slog.LevelInfo, "optional services", settings.Summary()...)
func (s Settings) Summary() []slog.Attr {
	svc := func(name string, on bool, endpoint string, extra ...slog.Attr) slog.Attr {
		attrs := []slog.Attr{slog.Bool("enabled", on)}
		if on {
			// A logging.Host: configuration, shown as written even when
			// it is an IP address, which scrubbing would otherwise hide.
			attrs = append(attrs, slog.Any("host", logging.Host(hostOf(endpoint))))
			attrs = append(attrs, extra...)
		}
		return slog.Attr{Key: name, Value: slog.GroupValue(attrs...)}
	}
	attrs := []slog.Attr{
		slog.Bool("logs", true),
		slog.Bool("metrics", true),
		svc(ErrorTracking.String(), s.Enabled(ErrorTracking), s.SentryDSN),
		svc(ProductAnalytics.String(), s.Enabled(ProductAnalytics), s.PostHogHost),
		svc(InstallTelemetry.String(), s.Enabled(InstallTelemetry), s.TelemetryURL),
		slog.Bool("client_ip_in_logs", s.LogClientIP),
	}
	if len(s.PrivateHTTPHosts) > 0 {
		// C5: the hosts allowed over plain http are part of the record, so
		// that an operator reading it sees every exception to https.
		attrs = append(attrs, slog.String("private_http_hosts", strings.Join(s.PrivateHTTPHosts, ",")))
	}
	return attrs
}

// hostOf returns only the host[:port] of an endpoint, dropping userinfo
// (where a Sentry DSN keeps its key), path and query.
func hostOf(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return "(invalid)"
	}
	return u.Host
}

// parseBool accepts the forms an operator is likely to type, in any case.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "false", "0", "no", "off":
		return false, nil
	case "true", "1", "yes", "on":
		return true, nil
	}
	return false, fmt.Errorf("%q is not a boolean; use true/false, 1/0, yes/no or on/off", v)
}

// ParsePrivateHTTPHosts parses the value of PRIVATE_HTTP_HOSTS: host names
// or IP addresses separated by commas or blanks, each without a scheme,
// port, path or wildcard. An IP address must be private (10/8, 172.16/12,
// 192.168/16, fc00::/7) or link-local: a public address is not on a private
// network, so it gets no exception from https. The names come back in
// lower case, duplicates removed, in their order.
func ParsePrivateHTTPHosts(v string) ([]string, error) {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
	var hosts []string
	var errs []string
	seen := map[string]bool{}
	for _, f := range fields {
		h := strings.ToLower(f)
		if err := checkPrivateHost(h); err != nil {
			errs = append(errs, fmt.Sprintf("%q %v", f, err))
			continue
		}
		if !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s; list bare host names such as sentry or posthog.internal, separated by commas", strings.Join(errs, "; "))
	}
	return hosts, nil
}

func checkPrivateHost(h string) error {
	if ip := net.ParseIP(strings.Trim(h, "[]")); ip != nil {
		if ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLoopback() {
			return nil
		}
		return errors.New("is a public IP address, not one on a private network")
	}
	if strings.ContainsAny(h, "*/:@?#[]") {
		return errors.New("is not a bare host name (no scheme, port, path or wildcard)")
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return errors.New("is not a valid host name")
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return errors.New("is not a valid host name")
			}
		}
	}
	return nil
}

// checkDSN validates a Sentry DSN of the form
// SCHEME://PUBLIC_KEY[:SECRET]@HOST[:PORT]/[PATH/]PROJECT_ID, the parts
// sentry-go reads from it. The messages never repeat the DSN, because it
// carries a key.
func (s Settings) checkDSN(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return errors.New("is not a URL; expected https://PUBLIC_KEY@HOST/PROJECT_ID")
	}
	if problem := dsnProblem(u); problem != "" {
		return fmt.Errorf("is not a valid Sentry DSN (%s); expected https://PUBLIC_KEY@HOST/PROJECT_ID", problem)
	}
	return endpoint.CheckScheme(u, s.PrivateHTTPHosts)
}

// dsnProblem says what is missing from a DSN, in sentry-go's words, or ""
// when nothing is.
func dsnProblem(u *url.URL) string {
	if u.Scheme != "http" && u.Scheme != "https" {
		return "invalid scheme"
	}
	if u.User.Username() == "" {
		return "empty username"
	}
	if u.Hostname() == "" {
		return "empty host"
	}
	if p := u.Port(); p != "" {
		if _, err := strconv.Atoi(p); err != nil {
			return "invalid port"
		}
	}
	if u.Path == "" || strings.HasSuffix(u.Path, "/") {
		return "empty project id"
	}
	return ""
}
