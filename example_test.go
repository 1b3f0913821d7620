package discreet_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"

	"github.com/discreet-dev/discreet"
	"github.com/discreet-dev/discreet/logging"
)

// The privacy policy travels with the library, so an application can show
// its users the same promises the tests check.
func Example_privacyPolicy() {
	ids := regexp.MustCompile(`(?m)^- \*\*([A-Z][0-9]+)\*\*`).FindAllStringSubmatch(discreet.PrivacyPolicy, -1)
	fmt.Println(len(ids), "promises, from", ids[0][1], "to", ids[len(ids)-1][1])
	// Output: 39 promises, from C1 to R3
}

// The pipeline puts the packages around a mux in one fixed order; here
// only logging is configured, so the request record goes to logger, under
// the route pattern rather than the path with the email in it.
func ExamplePipeline() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello/{name}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello")
	})
	var buf bytes.Buffer
	logger := slog.New(logging.NewJSONHandler(&buf, nil))
	h := discreet.Pipeline{Logger: logger}.Handler(mux)

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/hello/ada@example.org", nil))
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		panic(err)
	}
	fmt.Println(w.Code, rec["route"], rec["status"], rec["request_id"] == w.Header().Get("X-Request-ID"))
	// Output: 200 GET /hello/{name} 200 true
}
