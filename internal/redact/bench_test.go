package redact

import (
	"encoding/json"
	"regexp"
	"strconv"
	"testing"
	"time"
)

var timeZero time.Time

// cleanLine is a realistic request-log message of about 200 bytes with
// nothing to remove: a method, a route, durations, a version, a request ID
// and a timestamp, all of which look a little like something we remove.
const cleanLine = `request completed method=GET route=/api/v1/projects/{id}/entries status=200 duration=12.5ms bytes=5120 request_id=01J9ZK3Q8V6XHB user_id=42 version=v1.26.8 at=2026-11-26T19:38:41.123+01:00`

// emailLine is cleanLine with one email address in it.
const emailLine = `request completed method=GET route=/api/v1/projects/{id}/entries status=409 duration=12.5ms bytes=5120 request_id=01J9ZK3Q8V6XHB err="user alice@example.com exists" at=2026-11-26T19:38:41Z`

var (
	baselineEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	baselineIPv4  = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)
)

func baseline(s string) string {
	s = baselineEmail.ReplaceAllString(s, Email)
	return baselineIPv4.ReplaceAllString(s, IP)
}

var sink string

// BenchmarkString compares the engine with two regexps (an email pattern
// and an IPv4 pattern) over the same strings. The engine also looks for
// tokens, keys, IPv6 and userinfo, which the baseline does not.
func BenchmarkString(b *testing.B) {
	e := Default()
	for _, c := range []struct{ name, in string }{{"clean", cleanLine}, {"email", emailLine}} {
		b.Run(c.name+"/engine", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.in)))
			for b.Loop() {
				sink = e.String(c.in)
			}
		})
		b.Run(c.name+"/regexp", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.in)))
			for b.Loop() {
				sink = baseline(c.in)
			}
		})
	}
}

var bufSink []byte

// BenchmarkAppendJSONString compares the scrubbing JSON encoder with plain
// string encoders that do no scrubbing at all.
func BenchmarkAppendJSONString(b *testing.B) {
	e := Default()
	for _, c := range []struct{ name, in string }{{"clean", cleanLine}, {"email", emailLine}} {
		b.Run(c.name+"/engine", func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 512)
			for b.Loop() {
				buf = e.AppendJSONString(buf[:0], c.in)
			}
			bufSink = buf
		})
		b.Run(c.name+"/strconv.AppendQuote", func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 512)
			for b.Loop() {
				buf = strconv.AppendQuote(buf[:0], c.in)
			}
			bufSink = buf
		})
		b.Run(c.name+"/json.Marshal", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bufSink, _ = json.Marshal(c.in)
			}
		})
	}
}

func BenchmarkIsSensitiveKey(b *testing.B) {
	e := Default()
	b.ReportAllocs()
	for b.Loop() {
		_ = e.IsSensitiveKey("request_id")
		_ = e.IsSensitiveKey("X-Api-Key")
	}
}
