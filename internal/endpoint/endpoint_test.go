package endpoint

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	private := []string{"posthog.internal", "10.0.0.5"}
	for _, tt := range []struct {
		url     string
		ok      bool
		message string // part of the error
	}{
		{"https://eu.posthog.com", true, ""},
		{"https://sentry.example.com:8443/api/1", true, ""},
		{"http://127.0.0.1:9000", true, ""},
		{"http://127.8.9.10", true, ""},
		{"http://localhost:8000", true, ""},
		{"http://LOCALHOST", true, ""},
		{"http://[::1]:4318", true, ""},
		{"http://posthog.internal", true, ""},
		{"http://PostHog.Internal:8000", true, ""},
		{"http://10.0.0.5", true, ""},
		{"http://eu.posthog.com", false, "plain http to eu.posthog.com is refused"},
		{"http://evil.posthog.internal", false, PrivateHostsVar},
		{"http://10.0.0.6", false, "plain http"},
		{"http://localhost.evil.example", false, "plain http"},
		{"ftp://example.com", false, `scheme "ftp" is not supported`},
		{"eu.posthog.com", false, "not an absolute URL"},
		{"https://", false, "not an absolute URL"},
		{"://bad", false, "not an absolute URL"},
	} {
		err := Check(tt.url, private)
		if tt.ok != (err == nil) {
			t.Errorf("Check(%q) = %v, want ok=%v", tt.url, err, tt.ok)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), tt.message) {
			t.Errorf("Check(%q) = %q, want it to say %q", tt.url, err, tt.message)
		}
	}
}

// A value that does not parse is shown so the operator can find the typo,
// but scrubbed: it may carry a key.
func TestCheckScrubsTheValue(t *testing.T) {
	err := Check("not a url alice@example.com", nil)
	if err == nil || strings.Contains(err.Error(), "alice@example.com") {
		t.Fatalf("Check = %v, want an error without the email", err)
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "127.255.0.1": true, "::1": true, "[::1]": true,
		"": false, "example.com": false, "10.0.0.1": false, "::": false, "0.0.0.0": false, "localhost.example": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}
