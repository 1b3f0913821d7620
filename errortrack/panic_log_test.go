package errortrack_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/errortrack"
	"github.com/discreet-dev/discreet/logging"
)

func panicking() http.Handler {
	return http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panicHereForTheLog() })
}

func panicHereForTheLog() { panic("the handler broke") }

// panicRecords returns the records of buf that describe a panic with a
// stack trace in which the panicking function appears.
func panicRecords(t *testing.T, buf *bytes.Buffer) (withStack, all int) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		p, ok := m["panic"].(map[string]any)
		if !ok {
			continue
		}
		all++
		if st, _ := p["stack"].(string); strings.Contains(st, "panicHereForTheLog") && p["message"] == "the handler broke" {
			withStack++
		}
	}
	return withStack, all
}

// A recovered panic is logged once with its stack trace whatever is
// configured: with no Sentry DSN and nil Options the record goes to
// slog.Default().
//
// claim: L3
func TestPanicLoggedWithNilOptions(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	defer slog.SetDefault(old)

	tr, err := errortrack.New(consent.Settings{}, errortrack.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	tr.Middleware(panicking()).ServeHTTP(w, httptest.NewRequest("GET", "/boom", nil))
	if w.Code != http.StatusInternalServerError {
		t.Errorf("status %d", w.Code)
	}
	if withStack, all := panicRecords(t, &buf); withStack != 1 || all != 1 {
		t.Errorf("%d panic records, %d with the stack; want one with it:\n%s", all, withStack, buf.String())
	}
}

// With logging.Middleware inside the recovery layer, as in the time
// tracker's chain, the panic is still logged exactly once.
//
// claim: L3
func TestPanicLoggedOnceWithLoggingMiddleware(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(logging.NewJSONHandler(&buf, nil))
	tr, err := errortrack.New(consent.Settings{}, errortrack.Options{Logger: l})
	if err != nil {
		t.Fatal(err)
	}
	h := tr.Middleware(logging.Middleware(l, nil)(panicking()))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/boom", nil))
	if withStack, all := panicRecords(t, &buf); withStack != 1 || all != 1 {
		t.Errorf("%d panic records, %d with the stack; want one with it:\n%s", all, withStack, buf.String())
	}

	// Alone, with a logger set, the recovery layer's record has the stack.
	buf.Reset()
	tr.Middleware(panicking()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/boom", nil))
	if withStack, all := panicRecords(t, &buf); withStack != 1 || all != 1 {
		t.Errorf("alone: %d panic records, %d with the stack:\n%s", all, withStack, buf.String())
	}
}
