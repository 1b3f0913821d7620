package metrics

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkMiddleware measures one GET through a ServeMux route, bare and
// behind the middleware, in the same run so the two can be compared.
// "behind-reqctx" runs the middleware inside another layer that already
// set up the request record, which is how it runs next to the logging
// middleware: that shows the cost of the metrics alone.
func BenchmarkMiddleware(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
	m, err := New(WithoutRuntimeMetrics())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close(b.Context()) })

	withInfo := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, r = ensureForBench(w, r)
			next.ServeHTTP(w, r)
		})
	}
	cases := []struct {
		name string
		h    http.Handler
	}{
		{"bare", mux},
		{"discreet", m.Middleware(mux)},
		{"reqctx-only", withInfo(mux)},
		{"behind-reqctx", withInfo(m.Middleware(mux))},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/items/42", nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				c.h.ServeHTTP(w, req)
			}
		})
	}
}
