package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"time"
)

// SessionKeyRotation is how long one session-hash key is in force: a key
// per week, the week starting Monday 00:00 UTC. The key of the week
// before is kept one more week (a replica whose clock lags a little still
// finds it); older keys are deleted, so that once a week has passed nobody,
// not even whoever holds the database, can recompute that week's hashes.
const SessionKeyRotation = 7 * 24 * time.Hour

// SessionKeyPeriod returns the start of the rotation period holding t.
func SessionKeyPeriod(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	// time.Weekday counts from Sunday; weeks start on Monday.
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

// SessionHashKey returns the installation's 32-byte session-hash key for
// the rotation period holding now. The first process to ask for a period
// makes its key; every other process, on any replica, reads the same one
// (the insert does nothing when the period has a key already). Keys of
// periods before the previous one are deleted.
func (db *DB) SessionHashKey(ctx context.Context, now time.Time) ([]byte, error) {
	period := SessionKeyPeriod(now)
	name := period.Format(time.DateOnly)
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails on supported platforms
	x := db.q()
	if _, err := x.exec(ctx, "INSERT INTO session_hash_keys (period, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (period) DO NOTHING",
		name, secret, x.ts(norm(db.now()))); err != nil {
		return nil, fmt.Errorf("store: session-hash key: %w", err)
	}
	var key []byte
	if err := x.row(ctx, "SELECT secret FROM session_hash_keys WHERE period = ?", name).Scan(&key); err != nil {
		return nil, fmt.Errorf("store: session-hash key: %w", err)
	}
	// Period names are ISO dates, so text order is time order.
	expired := period.Add(-SessionKeyRotation).Format(time.DateOnly)
	if _, err := x.exec(ctx, "DELETE FROM session_hash_keys WHERE period < ?", expired); err != nil {
		return nil, fmt.Errorf("store: session-hash key: delete expired: %w", err)
	}
	return key, nil
}

// SessionKeys caches [DB.SessionHashKey] for the current period, so that
// hashing a session costs the database one query a week per process. Its
// Key method is the shape of analytics.Options.SessionKeyFunc.
type SessionKeys struct {
	db  *DB
	now func() time.Time

	mu     sync.Mutex
	period time.Time
	key    []byte
}

// NewSessionKeys returns a cache over db. A nil now means time.Now.
func NewSessionKeys(db *DB, now func() time.Time) *SessionKeys {
	if now == nil {
		now = time.Now
	}
	return &SessionKeys{db: db, now: now}
}

// Key returns the session-hash key in force now.
func (k *SessionKeys) Key(ctx context.Context) ([]byte, error) {
	period := SessionKeyPeriod(k.now())
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil && k.period.Equal(period) {
		return k.key, nil
	}
	key, err := k.db.SessionHashKey(ctx, period)
	if err != nil {
		return nil, err
	}
	k.key, k.period = key, period
	return key, nil
}
