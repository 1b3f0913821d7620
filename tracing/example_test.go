package tracing_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/tracing"
)

// With no OTLP endpoint configured, tracing is off: the middleware passes
// requests through, the provider records nothing and nothing is sent.
func ExampleNew() {
	settings, _ := consent.FromLookup(func(string) (string, bool) { return "", false })
	tr, err := tracing.New(settings, tracing.Options{ServiceName: "timetracker"})
	if err != nil {
		panic(err)
	}
	defer tr.Close(context.Background())

	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hello") })
	rec := httptest.NewRecorder()
	tr.Middleware(mux).ServeHTTP(rec, httptest.NewRequest("GET", "/hello", nil))

	_, span := tr.Provider().Tracer("example").Start(context.Background(), "work")
	span.End()
	fmt.Println("enabled:", tr.Enabled(), "recording:", span.IsRecording(), "answer:", rec.Body.String())
	// Output: enabled: false recording: false answer: hello
}

// The span name of a request is its method and route pattern, never its
// path.
func ExampleRoutePath() {
	fmt.Println(tracing.Method("GET"), tracing.RoutePath("GET /entries/{id}"))
	fmt.Println(tracing.Method("BREW"), tracing.RoutePath(""))
	// Output:
	// GET /entries/{id}
	// _OTHER unmatched
}
