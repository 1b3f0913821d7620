package logging

import (
	"bytes"
	"log/slog"
	"strings"
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
	l := slog.New(NewHandler(slog.NewJSONHandler(&out, nil), nil))
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
