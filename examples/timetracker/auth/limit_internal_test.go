package auth

import (
	"fmt"
	"testing"
)

// TestLimiterBounded floods the limiter with distinct accounts and
// clients: it keeps at most MaxKeys of them.
func TestLimiterBounded(t *testing.T) {
	l := NewLimiter(&LimitOptions{MaxKeys: 100})
	for i := range 10_000 {
		l.Failure(fmt.Sprintf("u%d@example.org", i), fmt.Sprintf("10.0.%d.%d", i/256, i%256))
		if n := len(l.accounts) + len(l.clients); n > 100+2 {
			t.Fatalf("after %d failures the limiter holds %d keys", i+1, n)
		}
	}
	if ok, _ := l.Allow("new@example.org", "192.0.2.1"); !ok {
		t.Fatal("a fresh account and client refused")
	}
}
