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

// freeText is about 1 KiB of operational prose with no personal data: the
// kind of message a service logs when something goes wrong.
const freeText = `worker pool drained after 3 retries: job 7f3c2a91 of queue "exports" ` +
	`took 2.481s (limit 2s) while writing 1048576 bytes to /var/lib/app/exports/2026-11-26/part-0003.csv; ` +
	`upstream answered 503 Service Unavailable at 2026-11-26T19:38:41.123+01:00 and the circuit opened for 30s. ` +
	`Build v1.26.8 (commit 4f9d2c1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e, go1.26.8 linux/amd64) on node worker-07 ` +
	`reports heap 182.4MiB, 412 goroutines, GC pause p99 1.234ms; route GET /api/v1/projects/{id}/entries ` +
	`served 1289 requests with status 200 and 17 with status 499 in the last minute. Trace 4bf92f3577b34da6a3ce929d0e0e4736 ` +
	`span 00f067aa0ba902b7 request 01J9ZK3Q8V6XHB; content-type application/json; charset=utf-8; ` +
	`query SELECT id, started_at FROM entries WHERE user_id = $1 AND started_at >= $2 ORDER BY started_at LIMIT 500 ` +
	`returned 500 rows in 12.5ms. Retrying in 1m30s with backoff factor 2.0 and jitter 0.2; ` +
	`next attempt scheduled for 19:40:11 UTC, attempt 4 of 10, uuid 3f2504e0-4f89-11d3-9a0c-0305e82c3301, ` +
	`digest sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, port 8443, pid 31337.`

// BenchmarkFreeText scrubs about 1 KiB of prose that holds nothing to remove.
func BenchmarkFreeText(b *testing.B) {
	e := Default()
	b.ReportAllocs()
	b.SetBytes(int64(len(freeText)))
	for b.Loop() {
		sink = e.String(freeText)
	}
}

// BenchmarkRealLogs scrubs every line of the real-log corpus once per
// iteration (see TestRealLogPrecision for what the lines are).
func BenchmarkRealLogs(b *testing.B) {
	lines := readRealLogs(b)
	var size int64
	for _, l := range lines {
		size += int64(len(l.in))
	}
	e := Default()
	buf := make([]byte, 0, 1<<16)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			buf = e.AppendJSONString(buf[:0], l.in)
		}
	}
	bufSink = buf
}
