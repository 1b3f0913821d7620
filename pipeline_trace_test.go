package discreet_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/discreet-dev/discreet"
	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/errortrack"
	"github.com/discreet-dev/discreet/logging"
	"github.com/discreet-dev/discreet/tracing"
)

// bodies is a local server that keeps every request body it gets.
type bodies struct {
	mu  sync.Mutex
	got [][]byte
}

func (b *bodies) handler(answer []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		b.got = append(b.got, body)
		b.mu.Unlock()
		_, _ = w.Write(answer)
	}
}

func (b *bodies) all() [][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([][]byte(nil), b.got...)
}

// A traced request's log record and its Sentry event carry the IDs of its
// server span, and the span the user's internal ID, so the three join.
//
// claim: D2
func TestPipelineJoinsTraceLogAndErrorReport(t *testing.T) {
	var otlp, sentry bodies
	okResp, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	col := httptest.NewServer(otlp.handler(okResp))
	defer col.Close()
	sen := httptest.NewServer(sentry.handler([]byte(`{}`)))
	defer sen.Close()

	var logBuf bytes.Buffer
	log := slog.New(logging.NewJSONHandler(&logBuf, nil))
	settings := consent.Settings{
		TracesEndpoint: col.URL + "/v1/traces",
		SentryDSN:      strings.Replace(sen.URL, "http://", "http://key@", 1) + "/42",
	}
	tr, err := tracing.New(settings, tracing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	et, err := errortrack.New(settings, errortrack.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /entries/{id}", func(w http.ResponseWriter, r *http.Request) {
		logging.SetUserID(r.Context(), 77)
		et.Capture(r.Context(), errors.New("entry failed"))
		w.WriteHeader(http.StatusInternalServerError)
	})
	h := discreet.Pipeline{Logger: log, Errors: et, Tracing: tr, Routes: mux}.Handler(mux)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/entries/12345", nil))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tr.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := et.Close(ctx); err != nil {
		t.Fatal(err)
	}

	var req collectortrace.ExportTraceServiceRequest
	got := otlp.all()
	if len(got) != 1 {
		t.Fatalf("%d exports", len(got))
	}
	if err := proto.Unmarshal(got[0], &req); err != nil {
		t.Fatal(err)
	}
	span := req.ResourceSpans[0].ScopeSpans[0].Spans[0]
	tid, sid := hex.EncodeToString(span.TraceId), hex.EncodeToString(span.SpanId)
	if span.Name != "GET /entries/{id}" {
		t.Errorf("span name %q", span.Name)
	}
	var uid int64
	for _, kv := range span.Attributes {
		if kv.Key == "enduser.id" {
			uid = kv.Value.GetIntValue()
		}
	}
	if uid != 77 {
		t.Errorf("enduser.id = %d, want 77", uid)
	}

	recs := records(t, &logBuf)
	if len(recs) != 1 || recs[0]["trace_id"] != tid || recs[0]["span_id"] != sid {
		t.Errorf("request record %v lacks trace %s span %s", recs, tid, sid)
	}
	events := sentry.all()
	if len(events) != 1 {
		t.Fatalf("%d Sentry envelopes", len(events))
	}
	if !bytes.Contains(events[0], []byte(`"trace_id":"`+tid+`"`)) || !bytes.Contains(events[0], []byte(`"span_id":"`+sid+`"`)) {
		t.Errorf("Sentry event lacks trace %s span %s: %s", tid, sid, events[0])
	}
	if bytes.Contains(got[0], []byte("12345")) {
		t.Error("the raw path reached the trace")
	}
}
