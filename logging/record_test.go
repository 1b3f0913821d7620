package logging

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The request record carries its user ID and request ID itself, so it
// keeps them behind any slog handler, not only behind this package's,
// which also add them from the context.
//
// claim: L2
func TestRequestRecordCarriesItsIDsBehindAnyHandler(t *testing.T) {
	var buf syncBuffer
	l := slog.New(slog.NewJSONHandler(&buf, nil))
	srv := httptest.NewServer(testApp(l, nil))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/entries/7")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	recs := buf.records(t)
	rec := recs[len(recs)-1]
	if rec["msg"] != "request" || rec["user_id"] != 42.0 || rec["request_id"] != resp.Header.Get("X-Request-ID") || rec["duration"] == nil {
		t.Errorf("request record behind slog.JSONHandler: %v", rec)
	}
}
