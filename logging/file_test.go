package logging

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// readLines returns the lines of a log file, decompressing gzip.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := lineReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// allLines returns every line of every log file in dir, in file order.
func allLines(t *testing.T, dir string) []string {
	t.Helper()
	names, err := logFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, n := range names {
		lines = append(lines, readLines(t, filepath.Join(dir, n))...)
	}
	return lines
}

// seqs returns the "seq" attribute of each line, failing on a line that
// is not a JSON object.
func seqs(t *testing.T, lines []string) []int {
	t.Helper()
	var out []int
	for _, l := range lines {
		var m struct{ Seq *int }
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %v: %q", err, l)
		}
		if m.Seq != nil {
			out = append(out, *m.Seq)
		}
	}
	return out
}

// Logs go to LOG_DIR/app.jsonl, one JSON object per line, with modes
// 0640 and 0750.
//
// claim: L1
func TestOpenWritesJSONLines(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	l, f, err := openLogger(FileOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		l.Info("hello", "seq", i, "who", "carol@example.com")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	names, _ := os.ReadDir(dir)
	if len(names) != 1 || names[0].Name() != "app.jsonl" {
		t.Fatalf("files in the log directory: %v", names)
	}
	lines := readLines(t, filepath.Join(dir, "app.jsonl"))
	if got := seqs(t, lines); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("seqs = %v", got)
	}
	if strings.Contains(strings.Join(lines, "\n"), "carol@") {
		t.Error("the file sink does not scrub")
	}
	for path, want := range map[string]os.FileMode{dir: DirMode, filepath.Join(dir, "app.jsonl"): FileMode} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, info.Mode().Perm(), want)
		}
	}
	_, f, err = openLogger(FileOptions{Dir: dir, IgnoreSIGHUP: true})
	if err != nil {
		t.Fatalf("re-opening after Close: %v", err)
	}
	f.Close()
}

func TestOpenUnusableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plainfile")
	os.WriteFile(file, nil, 0o600)
	if _, _, err := openLogger(FileOptions{Dir: file}); err == nil {
		t.Error("want an error for a directory that is a file")
	}
}

// Files rotate by size, keep a bounded number of old files, gzip them
// when asked, and lose no line on the way.
//
// claim: L7
func TestRotation(t *testing.T) {
	for _, compress := range []bool{false, true} {
		t.Run(fmt.Sprintf("compress=%v", compress), func(t *testing.T) {
			dir := t.TempDir()
			l, f, err := openLogger(FileOptions{Dir: dir, Compress: compress, MaxBackups: 3, IgnoreSIGHUP: true, maxBytes: 2000})
			if err != nil {
				t.Fatal(err)
			}
			const n = 100 // about 100 bytes each: a rotation every 20 lines
			for i := range n {
				l.Info("rotating", "seq", i)
			}
			f.Close() // waits for compression
			entries, _ := os.ReadDir(dir)
			var backups []string
			for _, e := range entries {
				if e.Name() == FileName {
					continue
				}
				backups = append(backups, e.Name())
				if !isOwnBackup(e.Name()) || strings.HasSuffix(e.Name(), ".gz") != compress {
					t.Errorf("unexpected file %s", e.Name())
				}
				info, _ := e.Info()
				if info.Mode().Perm() != FileMode {
					t.Errorf("%s has mode %v", e.Name(), info.Mode().Perm())
				}
				if info.Size() > 2000 && !compress {
					t.Errorf("%s is %d bytes, over the limit", e.Name(), info.Size())
				}
			}
			if len(backups) != 3 {
				t.Errorf("want 3 rotated files kept, got %v", backups)
			}
			got := seqs(t, allLines(t, dir))
			// The oldest files were pruned; what remains is the newest run of
			// lines, complete and in order.
			if len(got) == 0 || got[len(got)-1] != n-1 || len(got) < 3*15 {
				t.Fatalf("lines kept: %v", got)
			}
			for i := 1; i < len(got); i++ {
				if got[i] != got[i-1]+1 {
					t.Fatalf("line %d missing or out of order: %v", got[i-1]+1, got)
				}
			}
		})
	}
}

// A writer that cannot write drops the line, counts it and says so once;
// the logger never fails and never panics.
func TestFileDropsWhenUnwritable(t *testing.T) {
	dir := t.TempDir()
	var notices bytes.Buffer
	l, f, err := openLogger(FileOptions{Dir: dir, IgnoreSIGHUP: true, notices: &notices})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l.Info("before")
	// The directory disappears: app.jsonl cannot be re-created.
	os.RemoveAll(dir)
	os.WriteFile(dir, nil, 0o600) // a file where the directory was
	if err := f.Reopen(); err == nil {
		t.Fatal("re-opening into a file should fail")
	}
	for range 5 {
		l.Info("lost")
	}
	if got := f.Dropped(); got != 5 {
		t.Errorf("Dropped = %d, want 5", got)
	}
	if n := strings.Count(notices.String(), "\n"); n != 1 {
		t.Errorf("want one notice, got:\n%s", notices.String())
	}
}

func TestWriteAfterClose(t *testing.T) {
	l, f, err := openLogger(FileOptions{Dir: t.TempDir(), IgnoreSIGHUP: true, notices: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	f.Close()
	l.Info("late")
	if f.Dropped() != 1 {
		t.Errorf("Dropped = %d", f.Dropped())
	}
}

// Compress also finishes what an earlier run left uncompressed.
func TestCompressLeftovers(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "app-2020-01-01T00-00-00.000000000.jsonl")
	os.WriteFile(old, []byte(`{"msg":"old"}`+"\n"), 0o640)
	_, f, err := openLogger(FileOptions{Dir: dir, Compress: true, IgnoreSIGHUP: true})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("leftover not compressed")
	}
	zf, err := os.Open(old + ".gz")
	if err != nil {
		t.Fatal(err)
	}
	defer zf.Close()
	zr, err := gzip.NewReader(zf)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if string(b) != `{"msg":"old"}`+"\n" {
		t.Errorf("content %q", b)
	}
}

var _ slog.Handler = NewJSONHandler(io.Discard, nil)

// The modes are the documented numbers, not whatever the package's
// constants say: app.jsonl, the rotated files and a file rewritten by
// erasure are 0640 (no access for others), the directory 0750.
//
// claim: L1
func TestLogFilesAreNotWorldReadable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	l, f, err := openLogger(FileOptions{Dir: dir, Compress: true, MaxBackups: 10, IgnoreSIGHUP: true, maxBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		l.Info("work", "seq", i, "user_id", 3+i%2)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := EraseUser(dir, 3); err != nil {
		t.Fatal(err)
	}
	want := map[string]os.FileMode{dir: 0o750}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		want[filepath.Join(dir, e.Name())] = 0o640
	}
	if len(want) < 3 {
		t.Fatalf("want app.jsonl and rotated files, got %v", entries)
	}
	for path, mode := range want {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != mode {
			t.Errorf("%s has mode %v, want %v", path, info.Mode().Perm(), mode)
		}
	}
}

// openLogger opens a File as the package's users do, with a JSON handler
// over it.
func openLogger(opts FileOptions) (*slog.Logger, *File, error) {
	f, err := OpenFile(opts)
	if err != nil {
		return nil, nil, err
	}
	return slog.New(NewJSONHandler(f, nil)), f, nil
}
