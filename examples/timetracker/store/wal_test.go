package store_test

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// TestWALStaysBounded: a burst of writes with readers running all the
// time (which keeps SQLite's passive auto-checkpoint from ever resetting
// the log) must not grow the WAL file without bound.
func TestWALStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("a write burst of a few seconds")
	}
	b := newSQLite(t)
	db := b.migrated(t)
	f := seed(t, db)
	ctx := t.Context()
	wal := b.dsn + "-wal"
	deadline := time.Now().Add(3 * time.Second)
	var wg sync.WaitGroup
	var maxWAL int64
	var mu sync.Mutex
	for range 4 {
		wg.Go(func() { // writers
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for i := 0; time.Now().Before(deadline); i++ {
				end := start.Add(time.Minute)
				e := &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: start, End: &end, Notes: "burst"}
				if err := db.CreateEntry(ctx, e); err != nil {
					t.Error(err)
					return
				}
				start = end
			}
		})
		wg.Go(func() { // readers, overlapping all the time
			for time.Now().Before(deadline) {
				if _, err := db.FindEntries(ctx, f.a.ID, domain.EntryFilter{Limit: 200}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for time.Now().Before(deadline) {
			if info, err := os.Stat(wal); err == nil {
				mu.Lock()
				maxWAL = max(maxWAL, info.Size())
				mu.Unlock()
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	wg.Wait()
	time.Sleep(2 * store.WALCheckpointInterval)
	info, err := os.Stat(wal)
	if err != nil {
		t.Fatal(err)
	}
	dbInfo, _ := os.Stat(b.dsn)
	t.Logf("database %d bytes; WAL at most %d bytes during the burst, %d after", dbInfo.Size(), maxWAL, info.Size())
	if maxWAL > 2*store.WALSizeLimit || info.Size() > store.WALSizeLimit {
		t.Errorf("WAL grew to %d bytes (%d after the burst); the bound is %d", maxWAL, info.Size(), store.WALSizeLimit)
	}
}
