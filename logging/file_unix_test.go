//go:build unix

package logging

import (
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// waitFor polls cond; the limit only turns a hang into a failure.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// logrotate's way: move the file, then send SIGHUP. Lines written before
// the signal land in the moved file, later ones in a new app.jsonl; none
// is lost and none is written twice.
//
// claim: L7
func TestMoveThenSIGHUP(t *testing.T) {
	dir := t.TempDir()
	l, f, err := openLogger(FileOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var wg sync.WaitGroup
	stop := make(chan struct{})
	var written int
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				written = i
				return
			default:
				l.Info("tick", "seq", i)
			}
		}
	}()
	live := filepath.Join(dir, FileName)
	moved := filepath.Join(dir, FileName+".1")
	waitFor(t, "some lines", func() bool { info, err := os.Stat(live); return err == nil && info.Size() > 1000 })
	if err := os.Rename(live, moved); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the re-opened file", func() bool { info, err := os.Stat(live); return err == nil && info.Size() > 1000 })
	close(stop)
	wg.Wait()
	f.Close()

	got := seqs(t, append(readLines(t, moved), readLines(t, live)...))
	if len(got) != written {
		t.Fatalf("wrote %d lines, found %d", written, len(got))
	}
	for i, s := range got {
		if s != i {
			t.Fatalf("line %d: seq %d", i, s)
		}
	}
	if info, _ := os.Stat(live); info.Mode().Perm() != FileMode {
		t.Errorf("new file has mode %v", info.Mode().Perm())
	}
}
