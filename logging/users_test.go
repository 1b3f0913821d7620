package logging

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// userOf returns the top-level user_id of a line, or 0.
func userOf(t *testing.T, line string) int64 {
	t.Helper()
	var m struct {
		UserID int64 `json:"user_id"`
	}
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("not JSON: %q", line)
	}
	return m.UserID
}

// One user's lines can be exported and erased across app.jsonl, our
// rotated files (gzipped) and logrotate's, matching the exact ID.
//
// claim: L8
func TestExportAndEraseAcrossRotatedFiles(t *testing.T) {
	dir := t.TempDir()
	// A file logrotate rotated earlier, with a nested user_id that must
	// not count and a torn last line.
	os.WriteFile(filepath.Join(dir, "app.jsonl.1"), []byte(
		`{"msg":"old","user_id":7}`+"\n"+
			`{"msg":"nested","g":{"user_id":7},"user_id":8}`+"\n"+
			`{"msg":"torn","user_id":7,"x`), 0o640)
	l, f, err := openLogger(FileOptions{Dir: dir, Compress: true, MaxBackups: 100, IgnoreSIGHUP: true, maxBytes: 1500})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i := range 60 {
		uid := []int64{7, 70, 17, 8}[i%4]
		if uid == 7 {
			want++
		}
		l.Info("work", "seq", i, "user_id", uid)
	}
	f.Close()
	if gz, _ := filepath.Glob(filepath.Join(dir, "app-*.jsonl.gz")); len(gz) < 2 {
		t.Fatalf("want several gzipped rotated files, got %v", gz)
	}
	_, f, err = openLogger(FileOptions{Dir: dir, Compress: true, MaxBackups: 100, IgnoreSIGHUP: true, maxBytes: 1500})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var out bytes.Buffer
	n, err := f.ExportUser(7, &out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if n != want+1 || len(lines) != n { // +1: the "old" line
		t.Fatalf("exported %d lines (%d written), want %d:\n%s", n, len(lines), want+1, out.String())
	}
	for _, line := range lines {
		if userOf(t, line) != 7 {
			t.Errorf("exported another user's line: %s", line)
		}
	}

	before := allLines(t, dir)
	n, err = f.EraseUser(7)
	if err != nil {
		t.Fatal(err)
	}
	if n != want+2 { // +2: "old" and the torn line
		t.Errorf("erased %d lines, want %d", n, want+2)
	}
	after := allLines(t, dir)
	var kept []string
	for _, line := range before {
		if !strings.Contains(line, `"user_id":7,`) && !strings.Contains(line, `"user_id":7}`) || strings.Contains(line, `"nested"`) {
			kept = append(kept, line)
		}
	}
	if !slices.Equal(after, kept) {
		t.Errorf("after erasure:\n%s\nwant:\n%s", strings.Join(after, "\n"), strings.Join(kept, "\n"))
	}
	if n, _ := f.ExportUser(7, &out); n != 0 {
		t.Errorf("%d lines left after erasure", n)
	}
	if n, _ := f.EraseUser(99); n != 0 {
		t.Errorf("erased %d lines of a user with none", n)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, _ := e.Info(); info.Mode().Perm() != FileMode {
			t.Errorf("%s has mode %v after erasure", e.Name(), info.Mode().Perm())
		}
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// Erasing while the application writes (and rotates) loses no other
// user's line: every line of the other writers is there exactly once.
//
// claim: L8
func TestEraseWithConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	l, f, err := openLogger(FileOptions{Dir: dir, Compress: true, MaxBackups: 1000, IgnoreSIGHUP: true, maxBytes: 8000})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		l.Info("before", "user_id", 7, "i", i)
		l.Info("before", "user_id", 5, "w", -1, "seq", i)
	}

	const writers, perWriter = 4, 400
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				l.Info("during", "user_id", int64(100+w), "w", w, "seq", i)
			}
		}()
	}
	var erased int
	var eraseErr error
	for range 3 { // erase repeatedly while they write
		n, err := f.EraseUser(7)
		erased += n
		if err != nil {
			eraseErr = err
		}
	}
	wg.Wait()
	f.Close()
	if eraseErr != nil {
		t.Fatal(eraseErr)
	}
	if erased != 300 {
		t.Errorf("erased %d lines, want 300", erased)
	}

	seen := map[string]int{}
	for _, line := range allLines(t, dir) {
		var m struct {
			UserID  int64 `json:"user_id"`
			W, Seq  int
			Message string `json:"msg"`
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		if m.UserID == 7 {
			t.Fatalf("line of the erased user survived: %s", line)
		}
		seen[fmt.Sprintf("%d/%d", m.W, m.Seq)]++
	}
	for i := range 300 {
		if k := fmt.Sprintf("-1/%d", i); seen[k] != 1 {
			t.Errorf("line %s seen %d times", k, seen[k])
		}
	}
	for w := range writers {
		for i := range perWriter {
			if k := fmt.Sprintf("%d/%d", w, i); seen[k] != 1 {
				t.Errorf("line %s seen %d times", k, seen[k])
			}
		}
	}
}

// Without an open File (the application stopped), the live file is
// rewritten like any other.
func TestEraseWithoutWriter(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FileName), []byte(`{"user_id":3}`+"\n"+`{"user_id":4}`+"\n"), 0o640)
	n, err := EraseUser(dir, 3)
	if err != nil || n != 1 {
		t.Fatalf("EraseUser = %d, %v", n, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, FileName))
	if string(b) != `{"user_id":4}`+"\n" {
		t.Errorf("left %q", b)
	}
	if n, err := ExportUser(filepath.Join(dir, "missing"), 3, &bytes.Buffer{}); n != 0 || err != nil {
		t.Errorf("missing dir: %d, %v", n, err)
	}
}

// Files rotated by logrotate with dateext (app.jsonl-20260101, gzipped
// or not) are exported and erased like every other rotated file.
//
// claim: L8
func TestExportAndEraseLogrotateDateextFiles(t *testing.T) {
	dir := t.TempDir()
	lines := `{"msg":"a","user_id":7}` + "\n" + `{"msg":"b","user_id":8}` + "\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(lines))
	zw.Close()
	files := map[string][]byte{
		"app.jsonl-20260101":    []byte(lines),
		"app.jsonl-20251231.gz": gz.Bytes(),
		"app.jsonl":             []byte(lines),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if n, err := ExportUser(dir, 7, &out); err != nil || n != 3 {
		t.Fatalf("ExportUser = %d, %v; want 3 lines (one per file):\n%s", n, err, out.String())
	}
	if n, err := EraseUser(dir, 7); err != nil || n != 3 {
		t.Fatalf("EraseUser = %d, %v; want 3 lines", n, err)
	}
	for name := range files {
		got := readLines(t, filepath.Join(dir, name))
		if len(got) != 1 || userOf(t, got[0]) != 8 {
			t.Errorf("%s after erasure: %q, want only user 8's line", name, got)
		}
	}
}
