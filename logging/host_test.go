package logging

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// A Host is written as given, IP included; anything that is not a bare
// host is scrubbed as usual, and a sensitive key still wins.
//
// claim: C4
// claim: L6
func TestHostKeepsConfiguredAddressesOnly(t *testing.T) {
	tests := []struct {
		key  string
		host Host
		want string
	}{
		{"host", "10.1.2.3:8090", `"host":"10.1.2.3:8090"`},
		{"host", "[2001:db8::1]:443", `"host":"[2001:db8::1]:443"`},
		{"host", "sentry.internal", `"host":"sentry.internal"`},
		{"host", "ada@example.com", `"host":"[email]"`},
		{"host", "10.1.2.3/path?token=abc", `"host":"[ip]/path?token=[redacted]"`},
		// not a bare host: the IP is scrubbed as in any other string
		{"host", "user:pw@10.1.2.3", `"host":"user:pw@[ip]"`},
		{"password", "10.1.2.3", `"password":"[redacted]"`},
	}
	for _, tt := range tests {
		for name, mk := range map[string]func(*bytes.Buffer) slog.Handler{
			"json":    func(b *bytes.Buffer) slog.Handler { return NewJSONHandler(b, nil) },
			"wrapped": func(b *bytes.Buffer) slog.Handler { return NewHandler(slog.NewJSONHandler(b, nil), nil) },
		} {
			var buf bytes.Buffer
			slog.New(mk(&buf)).Info("x", slog.Any(tt.key, tt.host), "ip", "10.1.2.3")
			out := buf.String()
			if !strings.Contains(out, tt.want) || !strings.Contains(out, `"ip":"[redacted]"`) && !strings.Contains(out, `"ip":"[ip]"`) {
				t.Errorf("%s %s=%q: %s, want %s", name, tt.key, tt.host, out, tt.want)
			}
		}
	}
}
