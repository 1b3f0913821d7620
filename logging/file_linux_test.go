//go:build linux

package logging

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A full disk (/dev/full answers every write with ENOSPC): lines are
// dropped and counted, one notice is written, nothing fails or blocks.
func TestDiskFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	dir := t.TempDir()
	if err := os.Symlink("/dev/full", filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	var notices bytes.Buffer
	l, f, err := openLogger(FileOptions{Dir: dir, IgnoreSIGHUP: true, notices: &notices})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i := range 100 {
		l.Info("no room", "seq", i)
	}
	if f.Dropped() != 100 {
		t.Errorf("Dropped = %d, want 100", f.Dropped())
	}
	if strings.Count(notices.String(), "\n") != 1 || !strings.Contains(notices.String(), "no space left") {
		t.Errorf("notices:\n%s", notices.String())
	}
}
