package redact

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// planted is one secret the fuzzer hides in arbitrary bytes, with the
// pieces of it that must not be readable afterwards. alone is set for
// values that are only what they are when they stand as a token of their
// own: a card number glued into an identifier is an identifier.
type planted struct {
	value  string
	pieces []string
	alone  bool
}

var plants = []planted{
	{"alice@example.com", []string{"alice@example.com", "alice@"}, false},
	{"Bob.Smith+tag@mail.example.co.uk", []string{"Bob.Smith+tag@mail.example.co.uk", "Bob.Smith+tag@", "Smith+tag@"}, false},
	{"x_y-z9@sub.domain.io", []string{"x_y-z9@sub.domain.io", "x_y-z9@"}, false},
	{"carol%40example.org", []string{"carol%40example.org", "carol%40"}, false},
	{"DAVE@EXAMPLE.COM", []string{"DAVE@EXAMPLE.COM", "DAVE@"}, false},
	{"mallory\uff20example.com", []string{"mallory\uff20"}, false},
	{`eve\u0040example.com`, []string{`eve\u0040`}, false},
	{"trent&#64;example.com", []string{"trent&#64;"}, false},
	{"Bearer abcDEF123._~+/=", []string{"abcDEF123._~+/="}, false},
	{"bearer 0123456789abcdef", []string{"0123456789abcdef"}, false},
	{"Authorization: Bearer tok-9f8e7d6c", []string{"tok-9f8e7d6c"}, false},
	{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
		[]string{"eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxMjM0In0", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"}, false},
	{"4111 1111 1111 1111", []string{"4111 1111 1111 1111", "1111 1111 1111"}, true},
	{"5555-5555-5555-4444", []string{"5555-5555-5555-4444", "5555-5555-4444"}, true},
	{"378282246310005", []string{"378282246310005"}, true},
	{"DE89 3704 0044 0532 0130 00", []string{"3704 0044 0532 0130"}, true},
	{"GB82WEST12345698765432", []string{"GB82WEST12345698765432", "12345698765432"}, true},
	{"+49 170 1234567", []string{"170 1234567"}, true},
	{"(415) 555-2671", []string{"555-2671"}, true},
	{"078-05-1120", []string{"078-05-1120"}, true},
	{"ghp_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6", []string{"aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6"}, true},
	{"AKIAIOSFODNN7EXAMPLE", []string{"IOSFODNN7EXAMPLE"}, true},
	{"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3\n-----END RSA PRIVATE KEY-----", []string{"MIIEowIBAAKCAQEA0Z3VS5JJcds3"}, false},
}

// ipv4Glued reports whether the bytes around an IPv4 address make it
// part of something longer: a further dot or digit on either side, or a
// version cue before it. The engine then rightly leaves it alone.
func ipv4Glued(before, after string) bool {
	if before != "" {
		c := before[len(before)-1]
		if isDigit(c) || c == '.' || versionCue(before+"1", len(before)) {
			return true
		}
	}
	if after != "" {
		if isDigit(after[0]) || after[0] == '.' && len(after) > 1 && isDigit(after[1]) {
			return true
		}
	}
	return false
}

// tokenGlued reports whether a value that must stand alone has bytes
// glued to it that continue it.
func tokenGlued(before, after string) bool {
	if before != "" {
		c := before[len(before)-1]
		if isWordByte(c) || c == '.' || c == '-' || c == '+' || c == '(' || c >= 0x80 {
			return true
		}
	}
	if after != "" {
		c := after[0]
		if isWordByte(c) || c == '.' || c == '-' || c == ' ' || c == '=' || c == '/' || c == '+' || c >= 0x80 {
			return true
		}
	}
	return false
}

// FuzzNoPlantedSecretSurvives hides an email (also disguised), a bearer
// token, a JWT, an IPv4 address, a card, an IBAN, a phone number, an SSN,
// a vendor token or a private key between arbitrary bytes and checks that
// neither String nor AppendJSONString lets it, or a telling piece of it,
// through. Bytes glued on either side may change what the secret looks
// like ("xalice@..." is a longer address), but what the secret was must be
// gone, unless the glued bytes make it something else by the engine's
// documented rules (a card number inside an identifier, an address in a
// longer dotted chain, a user name in a URL). A piece that the surrounding
// bytes contain by themselves is not held against the engine.
//
// claim: L5
func FuzzNoPlantedSecretSurvives(f *testing.F) {
	e := Default()
	f.Fuzz(func(t *testing.T, before, after string, which uint8, ip uint32) {
		var p planted
		isIP := false
		if i := int(which) % (len(plants) + 1); i < len(plants) {
			p = plants[i]
		} else {
			// Any IPv4 address the fuzzer likes.
			o := [4]uint32{ip >> 24, ip >> 16 & 0xff, ip >> 8 & 0xff, ip & 0xff}
			p.value = fmt.Sprintf("%d.%d.%d.%d", o[0], o[1], o[2], o[3])
			p.pieces = []string{p.value}
			isIP = true
		}
		in := before + p.value + after
		out := e.String(in)
		js := e.AppendJSONString(nil, in)
		checkConsistent(t, e, in, out, js)
		switch {
		case isIP && ipv4Glued(before, after),
			p.alone && tokenGlued(before, after),
			strings.Contains(before, "//"):
			// Glued into something longer, or inside a URL's userinfo:
			// only consistency is checked.
			return
		}
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
	})
}

// checkConsistent holds the three ways of scrubbing to one answer.
func checkConsistent(t *testing.T, e *Engine, in, out string, js []byte) {
	t.Helper()
	if got := string(e.AppendString(nil, in)); got != out {
		t.Errorf("AppendString(%q) = %q, String gave %q", in, got, out)
	}
	switch got, changed := e.AppendChanged([]byte("p:"), in); {
	case changed && string(got) != "p:"+out:
		t.Errorf("AppendChanged(%q) = %q, String gave %q", in, got, out)
	case !changed && (string(got) != "p:" || out != in):
		t.Errorf("AppendChanged(%q) = %q and unchanged, String gave %q", in, got, out)
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
	// The labelled corpus and a sample of the real logs seed the fuzzer
	// with every detector's positives and near misses.
	for _, c := range readCorpus(f) {
		f.Add(c.In)
	}
	for i, l := range readRealLogs(f) {
		if i%40 == 0 {
			f.Add(l.in)
		}
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
