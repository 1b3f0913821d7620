package discreet_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/discreet-dev/discreet"
	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/errortrack"
	"github.com/discreet-dev/discreet/logging"
)

// BenchmarkRequestPath measures one GET through a ServeMux route with the
// whole stack on (request record, recovery, logging, metrics, GPC):
// "separate" wraps each package's middleware around the mux by hand, as
// applications did before the pipeline; "pipeline" is [discreet.Pipeline].
func BenchmarkRequestPath(b *testing.B) {
	l := slog.New(logging.NewJSONHandler(io.Discard, nil))
	m := newMetrics(b)
	tr, err := errortrack.New(consent.Settings{}, errortrack.Options{Logger: l})
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	})
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"separate", m.Middleware(tr.Middleware(logging.Middleware(l, nil)(consent.Middleware(mux))))},
		{"pipeline", discreet.Pipeline{Logger: l, Metrics: m, Errors: tr}.Handler(mux)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/items/42", nil)
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				w.Body.Reset()
				clear(w.Header())
				bc.h.ServeHTTP(w, r)
			}
		})
	}
}
