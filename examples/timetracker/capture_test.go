package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// This file holds the instruments of the end-to-end privacy tests: capture
// servers that stand in for Sentry, PostHog and the telemetry receiver and
// keep every byte they are sent, and a search for seeded personal data in
// every form it could take on the way out.

// captured is one request a capture server received.
type captured struct {
	Method, URI string      // URI is the request target as sent, query included
	Header      http.Header // as received
	Raw         []byte      // the body as it came over the wire
	Body        []byte      // the body decoded: gunzipped when it was gzip
}

// captureServer records every request and every connection it accepts.
type captureServer struct {
	*httptest.Server
	name string

	mu    sync.Mutex
	reqs  []captured
	conns int // connections accepted
}

// newCaptureServer starts a recording server; reply writes the answer.
func newCaptureServer(t *testing.T, name string, reply func(w http.ResponseWriter, r *http.Request)) *captureServer {
	t.Helper()
	cs := &captureServer{name: name}
	cs.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("%s: reading a request body: %v", name, err)
		}
		c := captured{Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone(), Raw: raw, Body: raw}
		if r.Header.Get("Content-Encoding") == "gzip" || bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
			if c.Body, err = gunzipBytes(raw); err != nil {
				t.Errorf("%s: a gzip body that does not decompress: %v", name, err)
			}
		}
		cs.mu.Lock()
		cs.reqs = append(cs.reqs, c)
		cs.mu.Unlock()
		reply(w, r)
	}))
	cs.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			cs.mu.Lock()
			cs.conns++
			cs.mu.Unlock()
		}
	}
	cs.Start()
	t.Cleanup(cs.Close)
	return cs
}

// requests returns a copy of what was received so far.
func (cs *captureServer) requests() []captured {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return append([]captured(nil), cs.reqs...)
}

// accepted returns how many connections the server accepted.
func (cs *captureServer) accepted() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.conns
}

// hostPort is the address the app dials to reach the server.
func (cs *captureServer) hostPort() string { return strings.TrimPrefix(cs.URL, "http://") }

// docs turns every received request into searchable documents: the request
// line, the headers, the raw body and the decoded body.
func (cs *captureServer) docs() []sinkDoc {
	var out []sinkDoc
	for i, c := range cs.requests() {
		where := fmt.Sprintf("request %d (%s %s)", i, c.Method, c.URI)
		var hdr strings.Builder
		_ = c.Header.Write(&hdr)
		out = append(out,
			sinkDoc{cs.name, where + " request line", c.Method + " " + c.URI},
			sinkDoc{cs.name, where + " headers", hdr.String()},
			sinkDoc{cs.name, where + " raw body", string(c.Raw)},
		)
		if !bytes.Equal(c.Raw, c.Body) {
			out = append(out, sinkDoc{cs.name, where + " decoded body", string(c.Body)})
		}
	}
	return out
}

func gunzipBytes(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

// envelopeItem is one item of a Sentry envelope.
type envelopeItem struct {
	Type    string
	Payload []byte
}

// parseEnvelope splits a Sentry envelope: a header line, then per item a
// header line and a payload that is either length bytes long or runs to
// the next newline.
func parseEnvelope(b []byte) ([]envelopeItem, error) {
	rd := bufio.NewReader(bytes.NewReader(b))
	if _, err := rd.ReadBytes('\n'); err != nil {
		return nil, fmt.Errorf("envelope header: %w", err)
	}
	var items []envelopeItem
	for {
		line, err := rd.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) == 0 && err != nil {
			return items, nil
		}
		var h struct {
			Type   string `json:"type"`
			Length *int   `json:"length"`
		}
		if err := json.Unmarshal(line, &h); err != nil {
			return items, fmt.Errorf("item header %q: %w", line, err)
		}
		var payload []byte
		if h.Length != nil {
			payload = make([]byte, *h.Length)
			if _, err := io.ReadFull(rd, payload); err != nil {
				return items, fmt.Errorf("item payload: %w", err)
			}
			_, _ = rd.ReadByte() // the newline after it, if any
		} else {
			payload, _ = rd.ReadBytes('\n')
			payload = bytes.TrimRight(payload, "\n")
		}
		items = append(items, envelopeItem{Type: h.Type, Payload: payload})
	}
}

// logDocs reads every file in dir, gunzipping compressed ones, and returns
// one document per file.
func logDocs(t *testing.T, dir string) []sinkDoc {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("reading LOG_DIR: %v", err)
	}
	var out []sinkDoc
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatalf("reading log file %s: %v", e.Name(), err)
		}
		if strings.HasSuffix(e.Name(), ".gz") {
			if b, err = gunzipBytes(b); err != nil {
				t.Fatalf("log file %s does not decompress: %v", e.Name(), err)
			}
		}
		out = append(out, sinkDoc{"logs", e.Name(), string(b)})
	}
	return out
}

// sinkDoc is one searchable piece of what left the request path.
type sinkDoc struct {
	sink  string // logs, stderr, metrics, sentry, posthog, telemetry
	where string // which file or request
	text  string
}

// leakSeed is a piece of personal data (or a secret) planted in the session,
// which no sink may carry.
type leakSeed struct {
	label string // what it is, for the failure message
	value string
	// allowedIn names sinks that legitimately carry the value (the
	// PostHog project key goes to PostHog); empty means none.
	allowedIn []string
}

// leakForm is one encoding of a seeded value to look for.
type leakForm struct {
	name       string
	needle     string
	ignoreCase bool
}

// forms returns the encodings v could take on the way out: as is, escaped
// in JSON (Go's HTML-safe escaping and \u escapes of every non-ASCII
// rune), URL-encoded for a query and for a path, and base64 in the
// standard and URL alphabets, including the part of v's encoding that
// stays the same wherever v sits inside a longer encoded blob.
func leakForms(v string) []leakForm {
	out := []leakForm{{"plain", v, true}}
	add := func(name, needle string, ignoreCase bool) {
		for _, f := range out {
			if f.needle == needle {
				return
			}
		}
		out = append(out, leakForm{name, needle, ignoreCase})
	}
	j, _ := json.Marshal(v)
	add("JSON-escaped", string(j[1:len(j)-1]), true)
	var ascii strings.Builder
	for _, r := range string(j[1 : len(j)-1]) {
		if r < utf8.RuneSelf {
			ascii.WriteRune(r)
			continue
		}
		for _, u := range utf16Units(r) {
			fmt.Fprintf(&ascii, `\u%04x`, u)
		}
	}
	add("JSON \\u-escaped", ascii.String(), true)
	add("query-escaped", url.QueryEscape(v), true)
	add("path-escaped", url.PathEscape(v), true)
	for _, enc := range []struct {
		name string
		e    *base64.Encoding
	}{{"base64", base64.StdEncoding}, {"base64url", base64.URLEncoding}} {
		for k := 0; k < 3; k++ {
			s := enc.e.EncodeToString(append(make([]byte, k), v...))
			start := 0
			if k > 0 {
				start = 4 // the first group mixes v with whatever precedes it
			}
			end := 4 * ((k + len(v)) / 3) // the last partial group depends on what follows
			if end-start >= 8 {
				add(fmt.Sprintf("%s (offset %d in a blob)", enc.name, k), s[start:end], false)
			}
		}
	}
	return out
}

func utf16Units(r rune) []rune {
	if r < 0x10000 {
		return []rune{r}
	}
	r -= 0x10000
	return []rune{0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff}
}

// leak is one seeded value found in one document.
type leak struct {
	seed leakSeed
	form string
	doc  sinkDoc
	at   int // byte offset of the finding in doc.text (approximate when case was folded)
	n    int
}

func (l leak) String() string {
	return fmt.Sprintf("LEAK: %s (%q) found %s in %s, %s:\n    ...%s...",
		l.seed.label, l.seed.value, l.form, l.doc.sink, l.doc.where, leakSnippet(l.doc.text, l.at, l.n))
}

// findLeaks returns, for every seed and document, the first form of the
// seed found in it, unless the document's sink may carry that seed.
func findLeaks(docs []sinkDoc, seeds []leakSeed) []leak {
	lower := make([]string, len(docs))
	for i, d := range docs {
		lower[i] = strings.ToLower(d.text)
	}
	var out []leak
	for _, s := range seeds {
		fs := leakForms(s.value)
		for i, d := range docs {
			if hasString(s.allowedIn, d.sink) {
				continue
			}
			for _, f := range fs {
				hay, needle := d.text, f.needle
				if f.ignoreCase {
					hay, needle = lower[i], strings.ToLower(needle)
				}
				if at := strings.Index(hay, needle); at >= 0 {
					out = append(out, leak{s, f.name, d, at, len(needle)})
					break
				}
			}
		}
	}
	return out
}

// reportLeaks fails t with every leak found, the first 40 in full.
func reportLeaks(t *testing.T, docs []sinkDoc, seeds []leakSeed) {
	t.Helper()
	for _, s := range seeds {
		if len(s.value) < 6 {
			t.Fatalf("seed %s = %q is too short to search for without false alarms", s.label, s.value)
		}
	}
	leaks := findLeaks(docs, seeds)
	for i, l := range leaks {
		if i == 40 {
			t.Errorf("... and %d more leaks", len(leaks)-40)
			break
		}
		t.Error(l)
	}
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// snippet is the text around a finding, on one line.
func leakSnippet(text string, at, n int) string {
	from, to := max(0, at-120), min(len(text), at+n+120)
	return strings.NewReplacer("\n", "⏎", "\r", "␍", "\t", " ").Replace(strings.ToValidUTF8(text[from:to], "?"))
}

// TestLeakSearchFindsEncodedValues checks the instrument of the end-to-end
// privacy tests: a value hidden in each of the encodings they claim to
// search for is found, in the middle of unrelated text, and a sink that is
// allowed to carry the value is not searched for it.
func TestLeakSearchFindsEncodedValues(t *testing.T) {
	const v = "Zoë.Quagga+leak@example.org"
	blob := func(enc *base64.Encoding, prefix string) string {
		return "x " + enc.EncodeToString([]byte(prefix+"{\"email\":\""+v+"\"}")) + " y"
	}
	j, _ := json.Marshal(v)
	cases := []struct {
		name, text string
	}{
		{"plain", "msg=" + v + ";"},
		{"other case", "msg=" + strings.ToUpper(v)},
		{"JSON", `{"e":` + string(j) + `}`},
		{"JSON \\u-escaped", `{"e":"Zo\u00eb.Quagga+leak@example.org"}`},
		{"query-escaped", "/p?e=" + url.QueryEscape(v) + "&x=1"},
		{"path-escaped", "/p/" + url.PathEscape(v) + "/x"},
		{"base64", base64.StdEncoding.EncodeToString([]byte(v))},
		{"base64 in a blob, offset 0", blob(base64.StdEncoding, "")},
		{"base64 in a blob, offset 1", blob(base64.StdEncoding, "a")},
		{"base64url in a blob, offset 2", blob(base64.URLEncoding, "ab")},
		{"raw base64url", base64.RawURLEncoding.EncodeToString([]byte("--" + v))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			docs := []sinkDoc{{"logs", "probe", c.text}}
			if got := findLeaks(docs, []leakSeed{{label: "probe", value: v}}); len(got) != 1 {
				t.Fatalf("the search found %d leaks of %q in %q, want 1", len(got), v, c.text)
			}
			if got := findLeaks(docs, []leakSeed{{label: "probe", value: v, allowedIn: []string{"logs"}}}); len(got) != 0 {
				t.Fatalf("the search reported a value in a sink allowed to carry it: %v", got)
			}
		})
	}
	clean := []sinkDoc{{"logs", "clean", `{"email":"[email]","user_id":7}` + base64.StdEncoding.EncodeToString([]byte("[email]"))}}
	if got := findLeaks(clean, []leakSeed{{label: "probe", value: v}}); len(got) != 0 {
		t.Fatalf("false alarm: %v", got)
	}
}

// otlpDocs decodes what an OTLP/HTTP capture server received with the
// OTLP protobuf definitions and returns every string in it (span names,
// attribute keys and values, event names, status messages, resources),
// one document per export, beside the raw bytes that docs already holds.
func otlpDocs(t *testing.T, cs *captureServer) []sinkDoc {
	t.Helper()
	var out []sinkDoc
	for i, c := range cs.requests() {
		var req collectortrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(c.Body, &req); err != nil {
			t.Errorf("%s: request %d is not an OTLP trace export: %v", cs.name, i, err)
			continue
		}
		var b strings.Builder
		protoStrings(req.ProtoReflect(), &b)
		out = append(out, sinkDoc{cs.name, fmt.Sprintf("request %d decoded (OTLP strings)", i), b.String()})
	}
	return out
}

// otlpSpans returns the spans of every export cs received.
func otlpSpans(t *testing.T, cs *captureServer) []*tracepb.Span {
	t.Helper()
	var spans []*tracepb.Span
	for _, c := range cs.requests() {
		var req collectortrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(c.Body, &req); err != nil {
			t.Fatal(err)
		}
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				spans = append(spans, ss.Spans...)
			}
		}
	}
	return spans
}

// protoStrings writes every string field of m, at any depth, one a line.
func protoStrings(m protoreflect.Message, b *strings.Builder) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				protoValue(fd, l.Get(i), b)
			}
		case fd.IsMap():
		default:
			protoValue(fd, v, b)
		}
		return true
	})
}

func protoValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, b *strings.Builder) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		b.WriteString(v.String())
		b.WriteByte('\n')
	case protoreflect.BytesKind:
		b.Write(v.Bytes())
		b.WriteByte('\n')
	case protoreflect.MessageKind, protoreflect.GroupKind:
		protoStrings(v.Message(), b)
	}
}
