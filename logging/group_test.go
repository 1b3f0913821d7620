package logging

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// A group named by a sensitive key (WithGroup("session"), or a
// slog.Group("auth_token", …) attribute) hides every value inside it,
// whatever the inner keys are called: "id" is harmless on its own, not
// inside "session".
//
// claim: L5
func TestSensitiveGroupRedactsItsMembers(t *testing.T) {
	const secret = "tok-ABC123"
	for hname, mk := range handlersUnderTest(nil) {
		t.Run(hname, func(t *testing.T) {
			for name, log := range map[string]func(h slog.Handler){
				"WithGroup": func(h slog.Handler) {
					slog.New(h).WithGroup("session").Info("x", "id", secret)
				},
				"WithGroup then With": func(h slog.Handler) {
					slog.New(h).WithGroup("session").With("id", secret).Info("x")
				},
				"nested WithGroup": func(h slog.Handler) {
					slog.New(h).WithGroup("session").WithGroup("inner").Info("x", "id", secret)
				},
				"Group attribute": func(h slog.Handler) {
					slog.New(h).Info("x", slog.Group("auth_token", "value", secret, "n", 3))
				},
			} {
				var buf bytes.Buffer
				log(mk(&buf))
				out := buf.String()
				if strings.Contains(out, secret) {
					t.Errorf("%s: the value inside a sensitive group was written: %s", name, out)
				}
				if !strings.Contains(out, "[redacted]") {
					t.Errorf("%s: no [redacted] marker where the value was: %s", name, out)
				}
			}
			// A group with an ordinary name keeps its members.
			var buf bytes.Buffer
			slog.New(mk(&buf)).WithGroup("job").Info("x", "id", "job-42")
			if !strings.Contains(buf.String(), `"id":"job-42"`) {
				t.Errorf("an ordinary group lost its member: %s", buf.String())
			}
		})
	}
}
