package store_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

func TestSessionKeyPeriod(t *testing.T) {
	for in, want := range map[string]string{
		"2026-03-02T00:00:00Z":      "2026-03-02", // a Monday
		"2026-03-08T23:59:59Z":      "2026-03-02", // the Sunday after
		"2026-03-09T00:00:00Z":      "2026-03-09",
		"2026-03-09T00:30:00+01:00": "2026-03-02", // Sunday 23:30 UTC
	} {
		at, _ := time.Parse(time.RFC3339, in)
		if got := store.SessionKeyPeriod(at).Format(time.DateOnly); got != want {
			t.Errorf("SessionKeyPeriod(%s) = %s, want %s", in, got, want)
		}
	}
}

// Two replicas (two handles on one database) get the same key, a new week
// brings a new one, and the key of the week before last is gone.
func TestSessionHashKeySharedAndRotated(t *testing.T) {
	both(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		r1, r2 := b.migrated(t), b.open(t)
		week1 := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
		k1, err := r1.SessionHashKey(ctx, week1)
		must(t, err)
		k1b, err := r2.SessionHashKey(ctx, week1.Add(48*time.Hour))
		must(t, err)
		if len(k1) != 32 || !bytes.Equal(k1, k1b) {
			t.Fatalf("replicas got different keys in one week: %x and %x", k1, k1b)
		}
		k2, err := r2.SessionHashKey(ctx, week1.Add(store.SessionKeyRotation))
		must(t, err)
		if bytes.Equal(k1, k2) {
			t.Fatal("the key did not rotate after a week")
		}
		// A lagging replica still finds last week's key...
		again, err := r1.SessionHashKey(ctx, week1)
		must(t, err)
		if !bytes.Equal(again, k1) {
			t.Error("last week's key changed while it should still be kept")
		}
		// ...but two weeks on, week 1's key is deleted for good.
		_, err = r1.SessionHashKey(ctx, week1.Add(2*store.SessionKeyRotation))
		must(t, err)
		var n int
		must(t, r1.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM session_hash_keys WHERE period = '2026-03-02'").Scan(&n))
		if n != 0 {
			t.Errorf("the key of the week before last is still stored")
		}

		// The cache asks the database once per period.
		now := week1
		keys := store.NewSessionKeys(r2, func() time.Time { return now })
		c1, err := keys.Key(ctx)
		must(t, err)
		now = now.Add(store.SessionKeyRotation)
		c2, err := keys.Key(ctx)
		must(t, err)
		if bytes.Equal(c1, c2) {
			t.Error("cached key did not follow the rotation")
		}
	})
}
