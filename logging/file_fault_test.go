//go:build unix

package logging

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// everyLineParses fails on a line of path that is not a JSON object.
func everyLineParses(t *testing.T, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for i, l := range readLines(t, path) {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%s line %d is not a JSON object (%v): %q", filepath.Base(path), i+1, err, l)
		}
		out = append(out, m)
	}
	return out
}

// A disk that fills up in the middle of a line (the write returns ENOSPC
// after part of it reached the file) leaves no broken line behind: the
// part is cut off again, the lines are counted as dropped, and when the
// disk has room again the first line written says how many were lost.
//
// claim: L1
func TestFullDiskMidLineLeavesNoPartialLine(t *testing.T) {
	dir := t.TempDir()
	var full atomic.Bool
	hook := func(fh *os.File, p []byte) (int, error) {
		if full.Load() {
			n, _ := fh.Write(p[:len(p)/3]) // a third reaches the disk
			return n, &os.PathError{Op: "write", Path: fh.Name(), Err: syscall.ENOSPC}
		}
		return fh.Write(p)
	}
	l, f, err := openLogger(FileOptions{Dir: dir, IgnoreSIGHUP: true, notices: io.Discard, writeHook: hook})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l.Info("before", "seq", 0)
	full.Store(true)
	for i := 1; i <= 5; i++ {
		l.Info("lost", "seq", i)
	}
	full.Store(false)
	l.Info("after", "seq", 6)
	f.Close()

	recs := everyLineParses(t, filepath.Join(dir, FileName))
	var got []int
	var resumed []map[string]any
	for _, m := range recs {
		if s, ok := m["seq"].(float64); ok {
			got = append(got, int(s))
		}
		if strings.Contains(fmt.Sprint(m["msg"]), "writing has resumed") {
			resumed = append(resumed, m)
		}
	}
	if fmt.Sprint(got) != "[0 6]" {
		t.Errorf("seqs %v, want [0 6]", got)
	}
	if f.Dropped() != 5 {
		t.Errorf("Dropped = %d, want 5", f.Dropped())
	}
	if len(resumed) != 1 || resumed[0]["dropped"] != float64(5) {
		t.Errorf("resume records %v, want one with dropped 5", resumed)
	}
}

// app.jsonl removed (rm on a full disk) or replaced by another file under
// a running writer: the writer notices within its check interval, lets
// the old file go and writes to the path again.
//
// claim: L7
func TestFileRemovedOrReplacedUnderWriter(t *testing.T) {
	for _, tc := range []struct {
		name string
		act  func(t *testing.T, live string)
	}{
		{"removed", func(t *testing.T, live string) {
			if err := os.Remove(live); err != nil {
				t.Fatal(err)
			}
		}},
		{"replaced", func(t *testing.T, live string) {
			other := live + ".new"
			if err := os.WriteFile(other, nil, FileMode); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(other, live); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			l, f, err := openLogger(FileOptions{Dir: dir, IgnoreSIGHUP: true, notices: io.Discard, checkEvery: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			live := filepath.Join(dir, FileName)
			l.Info("first", "seq", 0)
			tc.act(t, live)
			seq := 1
			deadline := time.Now().Add(3 * time.Second)
			for {
				l.Info("next", "seq", seq)
				seq++
				if info, err := os.Stat(live); err == nil && info.Size() > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the writer never let go of the removed or replaced file")
				}
				time.Sleep(time.Millisecond)
			}
			l.Info("last", "seq", seq)
			f.Close()
			recs := everyLineParses(t, live)
			if last := recs[len(recs)-1]["seq"]; last != float64(seq) {
				t.Errorf("last line of the new file has seq %v, want %d", last, seq)
			}
		})
	}
}

// logrotate's copytruncate: the file is copied, then truncated in place.
// The writer notices the truncation and resets its size counter, so the
// next rotation happens at the configured size, not early.
//
// claim: L7
func TestCopyTruncateResetsSize(t *testing.T) {
	dir := t.TempDir()
	l, f, err := openLogger(FileOptions{Dir: dir, IgnoreSIGHUP: true, notices: io.Discard, maxBytes: 8 << 10, checkEvery: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	live := filepath.Join(dir, FileName)
	pad := strings.Repeat("x", 100)
	fill := func(from int) int {
		for i := from; ; i++ {
			l.Info("fill", "seq", i, "pad", pad)
			if info, _ := os.Stat(live); info.Size() > 6<<10 {
				return i + 1
			}
		}
	}
	next := fill(0)
	if err := os.Truncate(live, 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	next = fill(next)
	f.mu.Lock()
	size := f.size
	f.mu.Unlock()
	info, _ := os.Stat(live)
	if size != info.Size() {
		t.Errorf("size counter %d, file %d bytes", size, info.Size())
	}
	if b := f.ownBackups(); len(b) != 0 {
		t.Errorf("rotated early, after a truncation: %v", b)
	}
	f.Close()
	recs := everyLineParses(t, live)
	if last := recs[len(recs)-1]["seq"]; last != float64(next-1) {
		t.Errorf("last seq %v, want %d", last, next-1)
	}
}
