package redact

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// claim: L5
func TestJSONLines(t *testing.T) {
	e := Default()
	tests := []struct{ name, in, want string }{
		{"clean kept byte for byte", `{"level":"info", "msg":"ok",  "n":1.5e3,"a":[true,null]}`, `{"level":"info", "msg":"ok",  "n":1.5e3,"a":[true,null]}`},
		{"email in message", `{"msg":"login by alice@example.com"}`, `{"msg":"login by [email]"}`},
		{"sensitive key any value", `{"password":"x","token":123,"secret":{"a":1},"api_key":[1,2]}`, `{"password":"[redacted]","token":"[redacted]","secret":"[redacted]","api_key":"[redacted]"}`},
		{"nested", `{"req":{"headers":{"Authorization":"Bearer abc"},"ip":"10.0.0.1"}}`, `{"req":{"headers":{"Authorization":"[redacted]"},"ip":"[redacted]"}}`},
		{"escaped at", `{"msg":"eve\u0040example.com"}`, `{"msg":"[email]"}`},
		{"escaped key", `{"pass\u0077ord":"x"}`, `{"pass\u0077ord":"[redacted]"}`},
		{"card number as number", `{"card_ref":4111111111111111,"n":42}`, `{"card_ref":"[card]","n":42}`},
		{"card in array", `["4111 1111 1111 1111", "ok"]`, `["[card]", "ok"]`},
		{"not json", `plain text from bob@example.com`, `plain text from [email]`},
		{"broken json", `{"msg":"bob@example.com"`, `{"msg":"[email]"`},
		{"two lines", "{\"a\":\"x@example.com\"}\n{\"b\":1}\n", "{\"a\":\"[email]\"}\n{\"b\":1}\n"},
		{"unicode kept", `{"msg":"Grüße 世界 \ud83d\ude00"}`, `{"msg":"Grüße 世界 \ud83d\ude00"}`},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(e.JSONLines(nil, []byte(tt.in)))
			if got != tt.want {
				t.Errorf("JSONLines(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
			if json.Valid([]byte(strings.TrimSpace(tt.in))) && !json.Valid([]byte(strings.TrimSpace(got))) && !strings.Contains(tt.in, "\n") {
				t.Errorf("valid JSON in, invalid out: %s", got)
			}
		})
	}
}

// claim: L5
func TestWriter(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, nil)
	// A record split across writes, as a buffered logger may do.
	for _, p := range []string{`{"msg":"from al`, `ice@example.com"}` + "\n" + `{"token":"t`, `ok"}` + "\n"} {
		n, err := w.Write([]byte(p))
		if err != nil || n != len(p) {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if _, err := w.Write([]byte(`{"tail":"carol@example.com"}`)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := `{"msg":"from [email]"}` + "\n" + `{"token":"[redacted]"}` + "\n" + `{"tail":"[email]"}`
	if out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
}

func FuzzJSONLines(f *testing.F) {
	f.Add([]byte(`{"msg":"alice@example.com","n":4111111111111111,"password":{"x":[1]}}`))
	f.Add([]byte("{\"a\":\"\\u0040\\ud800\"}\nnot json 10.0.0.1\n"))
	e := Default()
	f.Fuzz(func(t *testing.T, in []byte) {
		out := e.JSONLines(nil, in)
		if bytes.Count(out, []byte("\n")) != bytes.Count(in, []byte("\n")) {
			t.Fatalf("line count changed: %q -> %q", in, out)
		}
		for i, line := range bytes.Split(in, []byte("\n")) {
			if json.Valid(line) && !json.Valid(bytes.Split(out, []byte("\n"))[i]) {
				t.Fatalf("line %d was JSON and is not: %q -> %q", i, line, out)
			}
		}
	})
}
