package logging

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// A key whose bytes are reused for another key (a zero-copy string over a
// buffer, as some decoders hand out) must not inherit the verdict cached
// for what those bytes said before: "password" written where "username"
// was is still a sensitive key.
//
// claim: L5
func TestKeyVerdictFollowsTheKeysBytes(t *testing.T) {
	var out bytes.Buffer
	l := wrappedJSON(&out)
	buf := []byte("username")
	key := unsafe.String(&buf[0], len(buf))
	for range 3 {
		l.Info("login", slog.String(key, "hunter2-plain"))
	}
	copy(buf, "password")
	out.Reset()
	l.Info("login", slog.String(key, "hunter2-plain"))
	if strings.Contains(out.String(), "hunter2-plain") {
		t.Fatalf("a password under reused key bytes was logged: %s", out.String())
	}
}

// wrappedJSON logs through NewHandler, with default options, to a JSON
// handler writing to out.
func wrappedJSON(out *bytes.Buffer) *slog.Logger {
	return slog.New(NewHandler(slog.NewJSONHandler(out, nil), nil))
}

// A string value found clean and remembered by the address of its bytes
// must be scanned again when those bytes are reused for something else: an
// email written where a route pattern was is removed.
//
// claim: L5
func TestCleanVerdictFollowsTheStringsBytes(t *testing.T) {
	var out bytes.Buffer
	l := wrappedJSON(&out)
	buf := []byte("GET /api/v1/entries/{id}/notes")
	v := unsafe.String(&buf[0], len(buf))
	for range 3 {
		l.Info(v, slog.String("route", v))
	}
	copy(buf, "mail from alice@example.com ok")
	out.Reset()
	l.Info(v, slog.String("route", v))
	if strings.Contains(out.String(), "alice@") {
		t.Fatalf("an email in reused string bytes was logged: %s", out.String())
	}
	if got := strings.Count(out.String(), "[email]"); got != 2 {
		t.Fatalf("want the message and the route scrubbed, got %d of them: %s", got, out.String())
	}
}

// Only clean verdicts are remembered: the same string with personal data,
// logged again and again from the same memory, is scrubbed every time.
//
// claim: L5
func TestChangedStringsAreNotRemembered(t *testing.T) {
	var out bytes.Buffer
	l := wrappedJSON(&out)
	const msg = "password reset for alice.smith@example.com"
	for range 5 {
		l.Info(msg, slog.String("event", msg))
	}
	if strings.Contains(out.String(), "alice.smith") {
		t.Fatalf("a repeated string with an email was logged: %s", out.String())
	}
	if got := strings.Count(out.String(), "[email]"); got != 10 {
		t.Fatalf("want 10 emails removed, got %d: %s", got, out.String())
	}
}

// Clean strings logged from many goroutines at once, some from the same
// memory and some new each time, come out as they went in (run it with
// -race).
func TestCleanStringsConcurrently(t *testing.T) {
	var out syncBuffer
	l := slog.New(NewHandler(slog.NewJSONHandler(&out, &slog.HandlerOptions{ReplaceAttr: dropTime}), nil))
	routes := []string{"GET /api/v1/entries/{id}", "POST /api/v1/timers/start", "GET /api/v1/reports/summary"}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				l.Info("request", slog.String("route", routes[(g+i)%len(routes)]), slog.String("request_id", fmt.Sprintf("req-%d-%d-abcdefgh", g, i)))
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSpace(out.b.String()), "\n")
	if len(lines) != 8*200 {
		t.Fatalf("want %d lines, got %d", 8*200, len(lines))
	}
	for _, line := range lines {
		ok := false
		for _, r := range routes {
			ok = ok || strings.Contains(line, `"route":"`+r+`"`)
		}
		if !ok || !strings.Contains(line, `"request_id":"req-`) {
			t.Fatalf("a clean record changed: %s", line)
		}
	}
}
