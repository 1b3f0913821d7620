package consent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/discreet-dev/discreet/internal/endpoint"
	"github.com/discreet-dev/discreet/logging"
)

// env builds a lookup over a fixed map, like os.LookupEnv over a clean environment.
func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

// claim: C1
// claim: C2
func TestDefaultsTurnEveryOptionalServiceOff(t *testing.T) {
	s, err := FromLookup(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	for svc, want := range map[Service]bool{
		Logs: true, Metrics: true,
		ErrorTracking: false, ProductAnalytics: false, InstallTelemetry: false,
	} {
		if got := s.Enabled(svc); got != want {
			t.Errorf("Enabled(%v) = %v, want %v", svc, got, want)
		}
	}
	if s.PostHogHost != DefaultPostHogHost || s.LogDir != DefaultLogDir || s.LogClientIP {
		t.Errorf("defaults = %+v", s)
	}
}

func TestEachVariableSwitchesItsServiceOn(t *testing.T) {
	s, err := FromLookup(env(map[string]string{
		"SENTRY_DSN":       "https://pub@o1.ingest.sentry.io/42",
		"POSTHOG_API_KEY":  "phc_abc",
		"POSTHOG_HOST":     "https://eu.i.posthog.com",
		"ENABLE_TELEMETRY": "YES",
		"TELE_URL":         "https://tele.example.org/ping",
		"TELE_SALT":        "  a salt with blanks ",
		"LOG_CLIENT_IP":    "on",
		"LOG_DIR":          "/var/log/tt",
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range []Service{ErrorTracking, ProductAnalytics, InstallTelemetry} {
		if !s.Enabled(svc) {
			t.Errorf("%v is off", svc)
		}
	}
	if !s.LogClientIP || s.LogDir != "/var/log/tt" || s.PostHogHost != "https://eu.i.posthog.com" {
		t.Errorf("settings = %+v", s)
	}
	if s.TelemetrySalt != "  a salt with blanks " {
		t.Errorf("salt was altered: %q", s.TelemetrySalt)
	}
}

// claim: C3
func TestClearingAVariableTurnsItsServiceOff(t *testing.T) {
	on := map[string]string{
		"SENTRY_DSN":       "https://pub@sentry.example.org/1",
		"POSTHOG_API_KEY":  "phc_abc",
		"ENABLE_TELEMETRY": "true",
		"TELE_URL":         "https://tele.example.org",
		// A self-hosted PostHog stays configured when its key is cleared.
		"POSTHOG_HOST": "https://posthog.example.org",
	}
	cases := []struct {
		name   string
		change func(map[string]string)
		off    Service
	}{
		{"SENTRY_DSN cleared", func(m map[string]string) { m["SENTRY_DSN"] = "" }, ErrorTracking},
		{"SENTRY_DSN unset", func(m map[string]string) { delete(m, "SENTRY_DSN") }, ErrorTracking},
		{"POSTHOG_API_KEY cleared", func(m map[string]string) { m["POSTHOG_API_KEY"] = " " }, ProductAnalytics},
		{"ENABLE_TELEMETRY=false", func(m map[string]string) { m["ENABLE_TELEMETRY"] = "false" }, InstallTelemetry},
		{"ENABLE_TELEMETRY=OFF", func(m map[string]string) { m["ENABLE_TELEMETRY"] = "OFF" }, InstallTelemetry},
		{"ENABLE_TELEMETRY unset", func(m map[string]string) { delete(m, "ENABLE_TELEMETRY") }, InstallTelemetry},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := map[string]string{}
			for k, v := range on {
				m[k] = v
			}
			tc.change(m)
			s, err := FromLookup(env(m))
			if err != nil {
				t.Fatal(err)
			}
			if s.Enabled(tc.off) {
				t.Errorf("%v still on", tc.off)
			}
		})
	}
}

func TestBooleanForms(t *testing.T) {
	for _, v := range []string{"true", "TRUE", "True", "1", "yes", "Yes", "on", "ON"} {
		s, err := FromLookup(env(map[string]string{"ENABLE_TELEMETRY": v, "TELE_URL": "https://t.example"}))
		if err != nil || !s.TelemetryEnabled {
			t.Errorf("ENABLE_TELEMETRY=%q: on=%v err=%v", v, s.TelemetryEnabled, err)
		}
	}
	for _, v := range []string{"", "false", "FALSE", "0", "no", "off", "Off"} {
		s, err := FromLookup(env(map[string]string{"ENABLE_TELEMETRY": v}))
		if err != nil || s.TelemetryEnabled {
			t.Errorf("ENABLE_TELEMETRY=%q: on=%v err=%v", v, s.TelemetryEnabled, err)
		}
	}
}

// claim: C5
func TestBadValuesAreNamedAndStopStartUp(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want []string // every fragment must be in the error
	}{
		{"telemetry maybe", map[string]string{"ENABLE_TELEMETRY": "maybe"}, []string{"ENABLE_TELEMETRY", `"maybe"`, "true/false"}},
		{"client ip maybe", map[string]string{"LOG_CLIENT_IP": "sometimes"}, []string{"LOG_CLIENT_IP", "sometimes"}},
		{"telemetry without url", map[string]string{"ENABLE_TELEMETRY": "1"}, []string{"TELE_URL", "required"}},
		{"tele url not a url", map[string]string{"TELE_URL": "tele.example.org"}, []string{"TELE_URL", "absolute URL"}},
		{"tele url plain http", map[string]string{"TELE_URL": "http://tele.example.org/ping"}, []string{"TELE_URL", "plain http", "https"}},
		{"tele url ftp", map[string]string{"TELE_URL": "ftp://tele.example.org"}, []string{"TELE_URL", `"ftp"`}},
		{"posthog plain http", map[string]string{"POSTHOG_HOST": "http://posthog.internal"}, []string{"POSTHOG_HOST", "plain http"}},
		{"posthog private ip http", map[string]string{"POSTHOG_HOST": "http://10.0.0.5:8000"}, []string{"POSTHOG_HOST", "plain http"}},
		{"posthog relative", map[string]string{"POSTHOG_HOST": "/posthog"}, []string{"POSTHOG_HOST", "absolute URL"}},
		{"dsn garbage", map[string]string{"SENTRY_DSN": "not a dsn"}, []string{"SENTRY_DSN", "expected https://PUBLIC_KEY@HOST/PROJECT_ID"}},
		{"dsn without key", map[string]string{"SENTRY_DSN": "https://sentry.example.org/42"}, []string{"SENTRY_DSN", "empty username"}},
		{"dsn without project", map[string]string{"SENTRY_DSN": "https://key@sentry.example.org/"}, []string{"SENTRY_DSN", "Sentry DSN"}},
		{"dsn plain http", map[string]string{"SENTRY_DSN": "http://key@sentry.example.org/42"}, []string{"SENTRY_DSN", "plain http"}},
		{"private host listed elsewhere", map[string]string{"PRIVATE_HTTP_HOSTS": "sentry", "POSTHOG_HOST": "http://posthog:8000"}, []string{"POSTHOG_HOST", "plain http", "PRIVATE_HTTP_HOSTS"}},
		{"private host with scheme", map[string]string{"PRIVATE_HTTP_HOSTS": "http://sentry"}, []string{"PRIVATE_HTTP_HOSTS", `"http://sentry"`, "bare host name"}},
		{"private host with port", map[string]string{"PRIVATE_HTTP_HOSTS": "sentry:9000"}, []string{"PRIVATE_HTTP_HOSTS", "bare host name"}},
		{"private host wildcard", map[string]string{"PRIVATE_HTTP_HOSTS": "*"}, []string{"PRIVATE_HTTP_HOSTS", "bare host name"}},
		{"private host suffix wildcard", map[string]string{"PRIVATE_HTTP_HOSTS": "*.internal"}, []string{"PRIVATE_HTTP_HOSTS", "bare host name"}},
		{"private host public ip", map[string]string{"PRIVATE_HTTP_HOSTS": "8.8.8.8"}, []string{"PRIVATE_HTTP_HOSTS", "public IP"}},
		{"private host empty label", map[string]string{"PRIVATE_HTTP_HOSTS": "sentry..internal"}, []string{"PRIVATE_HTTP_HOSTS", "valid host name"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := FromLookup(env(tc.env))
			if err == nil {
				t.Fatalf("accepted: %+v", s)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if !reflect.DeepEqual(s, Settings{}) {
				t.Errorf("half-configured settings returned: %+v", s)
			}
		})
	}
}

func TestDSNErrorNeverEchoesTheKey(t *testing.T) {
	for _, dsn := range []string{"https://supersecretkey@/42", "http://supersecretkey@sentry.example.org/42", "https://supersecretkey:pw@exa mple.org/1"} {
		_, err := FromLookup(env(map[string]string{"SENTRY_DSN": dsn}))
		if err == nil {
			t.Fatalf("%q accepted", dsn)
		}
		if strings.Contains(err.Error(), "supersecretkey") {
			t.Errorf("error repeats the DSN key: %v", err)
		}
	}
}

// A malformed POSTHOG_HOST or TELE_URL is shown in the error so the
// operator can spot the typo, but never with the credentials or key it
// may carry: that error is the first line of the log.
//
// claim: C4
func TestEndpointErrorNeverEchoesASecret(t *testing.T) {
	for _, v := range []string{
		"https://robot:supersecretpw@tele example.org/ping",
		"https://tele.example.org/%zz?token=supersecrettoken",
		"https://ph.example.org/%zz?api_key=supersecretkey",
	} {
		for _, name := range []string{"TELE_URL", "POSTHOG_HOST"} {
			_, err := FromLookup(env(map[string]string{name: v}))
			if err == nil {
				t.Fatalf("%s=%q accepted", name, v)
			}
			if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "absolute URL") {
				t.Errorf("error %q does not say what is wrong with %s", err, name)
			}
			if strings.Contains(err.Error(), "supersecret") {
				t.Errorf("error repeats a secret: %v", err)
			}
		}
	}
}

func TestAllBadVariablesReportedTogether(t *testing.T) {
	_, err := FromLookup(env(map[string]string{
		"ENABLE_TELEMETRY": "maybe",
		"POSTHOG_HOST":     "http://example.com",
		"SENTRY_DSN":       "nope",
	}))
	if err == nil {
		t.Fatal("accepted")
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 3 {
		t.Fatalf("want three joined errors, got %v", err)
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != 3 {
		t.Errorf("want one line per variable, got %q", lines)
	}
}

// claim: C5
func TestLoopbackMayUsePlainHTTP(t *testing.T) {
	for _, u := range []string{"http://localhost:8000", "http://127.0.0.1:9", "http://127.8.9.10", "http://[::1]:8000/x", "http://LOCALHOST"} {
		if _, err := FromLookup(env(map[string]string{"POSTHOG_HOST": u, "TELE_URL": u})); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	if _, err := FromLookup(env(map[string]string{"SENTRY_DSN": "http://k@127.0.0.1:9000/42"})); err != nil {
		t.Errorf("loopback DSN refused: %v", err)
	}
	for _, u := range []string{"http://localhost.evil.example", "http://128.0.0.1", "http://[::2]"} {
		if _, err := FromLookup(env(map[string]string{"TELE_URL": u})); err == nil {
			t.Errorf("%s accepted as loopback", u)
		}
	}
}

// claim: C5
func TestPrivateHTTPHostsMayUsePlainHTTP(t *testing.T) {
	s, err := FromLookup(env(map[string]string{
		"PRIVATE_HTTP_HOSTS": " Sentry, posthog.internal  tele 10.0.0.5 sentry",
		"SENTRY_DSN":         "http://key@sentry:9000/42",
		"POSTHOG_API_KEY":    "phc_x",
		"POSTHOG_HOST":       "http://POSTHOG.internal:8000",
		"ENABLE_TELEMETRY":   "true",
		"TELE_URL":           "http://tele:8080/ping",
	}))
	if err != nil {
		t.Fatalf("private hosts refused: %v", err)
	}
	if want := []string{"sentry", "posthog.internal", "tele", "10.0.0.5"}; !reflect.DeepEqual(s.PrivateHTTPHosts, want) {
		t.Errorf("PrivateHTTPHosts = %q, want %q (lower case, duplicates removed, in order)", s.PrivateHTTPHosts, want)
	}
	for _, u := range []string{"http://10.0.0.5:8000", "http://[::1]:1", "https://anything.example"} {
		if err := endpoint.Check(u, s.PrivateHTTPHosts); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	// Everything else is refused as before: no suffix or prefix matches,
	// no other private address, and the package-level check (no list)
	// still refuses the listed names.
	for _, u := range []string{"http://sentry.evil.example", "http://evil-sentry", "http://internal", "http://10.0.0.6", "http://posthog"} {
		if err := endpoint.Check(u, s.PrivateHTTPHosts); err == nil || !strings.Contains(err.Error(), "PRIVATE_HTTP_HOSTS") {
			t.Errorf("%s: err = %v, want a refusal naming PRIVATE_HTTP_HOSTS", u, err)
		}
	}
	if err := endpoint.Check("http://sentry:9000", nil); err == nil {
		t.Error("the check without a list accepted a private host it was never told about")
	}
	if _, err := FromLookup(env(map[string]string{"SENTRY_DSN": "http://key@sentry:9000/42"})); err == nil {
		t.Error("a private host was accepted without PRIVATE_HTTP_HOSTS")
	}
}

// claim: C4
// claim: C5
func TestSummaryListsPrivateHTTPHosts(t *testing.T) {
	s, err := FromLookup(env(map[string]string{"PRIVATE_HTTP_HOSTS": "sentry,posthog", "SENTRY_DSN": "http://publickey123@sentry:9000/42"}))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range s.Summary() {
		got[a.Key] = a.Value.String()
	}
	if got["private_http_hosts"] != "sentry,posthog" {
		t.Errorf("start-up record private_http_hosts = %q, want sentry,posthog; record: %v", got["private_http_hosts"], got)
	}
	if strings.Contains(fmt.Sprint(got), "publickey123") {
		t.Errorf("start-up record carries the DSN key: %v", got)
	}
	none, _ := FromLookup(env(nil))
	for _, a := range none.Summary() {
		if a.Key == "private_http_hosts" {
			t.Errorf("start-up record names private hosts when none are set: %v", a)
		}
	}
}

// claim: C4
func TestSummaryNamesHostsButNoSecrets(t *testing.T) {
	s, err := FromLookup(env(map[string]string{
		"SENTRY_DSN":       "https://publickey123:secretkey456@o7.ingest.sentry.io/42",
		"POSTHOG_API_KEY":  "phc_apikey789",
		"POSTHOG_HOST":     "https://eu.i.posthog.com/some/path?x=1",
		"ENABLE_TELEMETRY": "true",
		"TELE_URL":         "https://tele.example.org/v1/ping?k=querysecret",
		"TELE_SALT":        "saltsaltsaltsalt99",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	l := slog.New(slog.NewJSONHandler(&buf, nil))
	l.LogAttrs(context.Background(), slog.LevelInfo, "optional services", s.Summary()...)
	out := buf.String()
	for _, secret := range []string{"publickey123", "secretkey456", "phc_apikey789", "saltsaltsaltsalt99", "querysecret", "/42", "/some/path"} {
		if strings.Contains(out, secret) {
			t.Errorf("summary leaks %q: %s", secret, out)
		}
	}
	for _, want := range []string{
		`"error_tracking":{"enabled":true,"host":"o7.ingest.sentry.io"}`,
		`"product_analytics":{"enabled":true,"host":"eu.i.posthog.com"}`,
		`"install_telemetry":{"enabled":true,"host":"tele.example.org"}`,
		`"logs":true`, `"metrics":true`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %s: %s", want, out)
		}
	}
}

// claim: C4
func TestSummaryWithEverythingOff(t *testing.T) {
	s, _ := FromLookup(env(nil))
	var buf strings.Builder
	slog.New(slog.NewJSONHandler(&buf, nil)).LogAttrs(context.Background(), slog.LevelInfo, "optional services", s.Summary()...)
	for _, want := range []string{`"error_tracking":{"enabled":false}`, `"product_analytics":{"enabled":false}`, `"install_telemetry":{"enabled":false}`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("summary lacks %s: %s", want, buf.String())
		}
	}
}

// claim: C6
func TestGPC(t *testing.T) {
	cases := []struct {
		header string
		want   bool
	}{{"1", true}, {" 1 ", true}, {"0", false}, {"", false}, {"true", false}}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%q", tc.header), func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tc.header != "" {
				r.Header.Set("Sec-GPC", tc.header)
			}
			if GPC(r) != tc.want {
				t.Errorf("GPC = %v", !tc.want)
			}
			var seen bool
			Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = GPCFromContext(r.Context())
			})).ServeHTTP(httptest.NewRecorder(), r)
			if seen != tc.want {
				t.Errorf("GPCFromContext after Middleware = %v", seen)
			}
		})
	}
	if GPCFromContext(context.Background()) {
		t.Error("GPC on for a bare context")
	}
}

func TestPreferencesFunc(t *testing.T) {
	var p Preferences = PreferencesFunc(func(_ context.Context, id int64) (bool, error) { return id != 7, nil })
	if ok, _ := p.AnalyticsAllowed(context.Background(), 7); ok {
		t.Error("user 7 opted out but allowed")
	}
}

// Hosts in the start-up record are configuration the operator wrote, not
// personal data: through the scrubbing log handler they appear as written,
// IP addresses and ports included, and still without keys or credentials.
//
// claim: C4
func TestSummaryShowsIPHostsThroughTheScrubbingHandler(t *testing.T) {
	s, err := FromLookup(env(map[string]string{
		"SENTRY_DSN":       "https://publickey123:secretkey456@10.1.2.4:9000/42",
		"POSTHOG_API_KEY":  "phc_apikey789",
		"POSTHOG_HOST":     "https://[2001:db8::7]:8443/ingest?k=querysecret",
		"ENABLE_TELEMETRY": "true",
		"TELE_URL":         "https://10.1.2.3:8090/ping",
		"TELE_SALT":        "saltsaltsaltsalt99",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	l := slog.New(logging.NewJSONHandler(&buf, nil))
	l.LogAttrs(context.Background(), slog.LevelInfo, "optional services", s.Summary()...)
	// Other IP addresses are still scrubbed, in the same record and elsewhere.
	l.Info("peer", "addr", "10.1.2.3:8090", "host", "10.9.9.9")
	out := buf.String()
	for _, want := range []string{
		`"error_tracking":{"enabled":true,"host":"10.1.2.4:9000"}`,
		`"product_analytics":{"enabled":true,"host":"[2001:db8::7]:8443"}`,
		`"install_telemetry":{"enabled":true,"host":"10.1.2.3:8090"}`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{"publickey123", "secretkey456", "phc_apikey789", "saltsaltsaltsalt99", "querysecret", "10.9.9.9", `"addr":"10.1.2.3`} {
		if strings.Contains(out, secret) {
			t.Errorf("log leaks %q:\n%s", secret, out)
		}
	}
}
