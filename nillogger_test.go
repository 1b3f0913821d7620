package discreet_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/discreet-dev/discreet"
	"github.com/discreet-dev/discreet/logging"
)

// A nil logger means slog.Default(), for the pipeline's zero value and
// for logging.Middleware alike: the request record and a recovered
// panic reach the default logger rather than vanishing. (Not parallel:
// it swaps the default logger.)
func TestNilLoggerMeansDefault(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })

	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"Pipeline{}", discreet.Pipeline{}.Handler(mux)},
		{"logging.Middleware(nil, nil)", logging.Middleware(nil, nil)(mux)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf.Reset()
			tc.h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/ok", nil))
			if !strings.Contains(buf.String(), `"route":"GET /ok"`) {
				t.Errorf("no request record on the default logger: %q", buf.String())
			}
		})
	}
	buf.Reset()
	w := httptest.NewRecorder()
	discreet.Pipeline{}.Handler(mux).ServeHTTP(w, httptest.NewRequest("GET", "/panic", nil))
	if w.Code != http.StatusInternalServerError || !strings.Contains(buf.String(), "boom") {
		t.Errorf("a recovered panic: status %d, default logger got %q", w.Code, buf.String())
	}
}
