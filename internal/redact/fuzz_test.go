package redact

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// planted is one secret the fuzzer hides in arbitrary bytes, with the
// pieces of it that must not be readable afterwards.
type planted struct {
	value  string
	pieces []string
}

var plants = []planted{
	{"alice@example.com", []string{"alice@example.com", "alice@"}},
	{"Bob.Smith+tag@mail.example.co.uk", []string{"Bob.Smith+tag@mail.example.co.uk", "Bob.Smith+tag@", "Smith+tag@"}},
	{"x_y-z9@sub.domain.io", []string{"x_y-z9@sub.domain.io", "x_y-z9@"}},
	{"carol%40example.org", []string{"carol%40example.org", "carol%40"}},
	{"DAVE@EXAMPLE.COM", []string{"DAVE@EXAMPLE.COM", "DAVE@"}},
	{"Bearer abcDEF123._~+/=", []string{"abcDEF123._~+/="}},
	{"bearer 0123456789abcdef", []string{"0123456789abcdef"}},
	{"Authorization: Bearer tok-9f8e7d6c", []string{"tok-9f8e7d6c"}},
	{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
		[]string{"eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxMjM0In0", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"}},
	{"192.168.10.20", []string{"192.168.10.20", "192.168.10", "168.10.20"}},
	{"8.8.4.4", []string{"8.8.4.4", "8.8.4", "8.4.4"}},
	{"255.255.255.255", []string{"255.255.255.255", "255.255.255"}},
	{"10.0.0.1", []string{"10.0.0.1", "10.0.0", "0.0.1"}},
}

// FuzzNoPlantedSecretSurvives hides an email, a bearer token, a JWT or an
// IPv4 address between arbitrary bytes and checks that neither String nor
// AppendJSONString lets it, or a telling piece of it, through. Bytes glued
// on either side may change what the secret looks like ("xalice@..." is a
// longer address), but what the secret was must be gone. A piece that the
// surrounding bytes contain by themselves is not held against the engine.
//
// For an email the telling piece is the local part with its '@'. The domain
// alone may stay: "https://" glued before "alice@example.com" makes a URL
// whose userinfo is "alice" and whose host is example.com, and a host name
// is kept for the reader ("https://[credentials]@example.com").
//
// claim: L5
func FuzzNoPlantedSecretSurvives(f *testing.F) {
	e := Default()
	f.Fuzz(func(t *testing.T, before, after string, which uint8, ip uint32) {
		var p planted
		if i := int(which) % (len(plants) + 1); i < len(plants) {
			p = plants[i]
		} else {
			// Any IPv4 address the fuzzer likes.
			o := [4]uint32{ip >> 24, ip >> 16 & 0xff, ip >> 8 & 0xff, ip & 0xff}
			p.value = fmt.Sprintf("%d.%d.%d.%d", o[0], o[1], o[2], o[3])
			p.pieces = []string{p.value, fmt.Sprintf("%d.%d.%d", o[0], o[1], o[2]), fmt.Sprintf("%d.%d.%d", o[1], o[2], o[3])}
		}
		in := before + p.value + after
		out := e.String(in)
		js := e.AppendJSONString(nil, in)
		for _, piece := range p.pieces {
			if strings.Contains(before, piece) || strings.Contains(after, piece) {
				continue
			}
			if strings.Contains(out, piece) {
				t.Errorf("String(%q) = %q: %q survived", in, out, piece)
			}
			if strings.Contains(string(js), piece) {
				t.Errorf("AppendJSONString(%q) = %s: %q survived", in, js, piece)
			}
		}
		checkConsistent(t, e, in, out, js)
	})
}

// checkConsistent holds the three ways of scrubbing to one answer.
func checkConsistent(t *testing.T, e *Engine, in, out string, js []byte) {
	t.Helper()
	if got := string(e.AppendString(nil, in)); got != out {
		t.Errorf("AppendString(%q) = %q, String gave %q", in, got, out)
	}
	if !utf8.ValidString(in) {
		return
	}
	var back string
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatalf("AppendJSONString(%q) = %s is not JSON: %v", in, js, err)
	}
	if back != out {
		t.Errorf("AppendJSONString(%q) decodes to %q, String gave %q", in, back, out)
	}
}

// FuzzString checks that any input scrubs without panicking, the same way
// through every entry point, and that a clean input comes back as it was.
func FuzzString(f *testing.F) {
	for _, s := range []string{cleanLine, emailLine, "a@b.co 1.2.3.4 ::1 Bearer x eyJa.b.c password=1"} {
		f.Add(s)
	}
	e := Default()
	f.Fuzz(func(t *testing.T, in string) {
		out := e.String(in)
		checkConsistent(t, e, in, out, e.AppendJSONString(nil, in))
		if again := e.String(out); again != out && !strings.Contains(out, "[") {
			t.Errorf("String(%q) = %q, but scrubbing that again gives %q", in, out, again)
		}
	})
}
