package logging

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ExportUser writes to w every line of the logs in f's directory whose
// top-level user_id is userID (right of access, claim L8): rotated files
// first, gzipped or not, then app.jsonl. It reads the files without
// stopping f's writes, waiting only for a compression or erasure in
// progress, and returns how many lines it wrote.
//
// Rotated files are this package's app-<time>.jsonl[.gz] and logrotate's
// app.jsonl.N[.gz] and app.jsonl-DATE[.gz]. Lines match on the exact
// integer: user 7 does not match user 70, and a user_id nested in a group
// does not count.
func (f *File) ExportUser(userID int64, w io.Writer) (int, error) {
	f.files.Lock()
	defer f.files.Unlock()
	return exportDir(f.dir, newMatcher(userID), w)
}

// ExportUser is [File.ExportUser] for a maintenance run: it reads the logs
// in dir when the application is stopped or writes elsewhere. Reading is
// safe beside a running writer, but lines it writes meanwhile, or a
// rotation it makes, may be missed.
func ExportUser(dir string, userID int64, w io.Writer) (int, error) {
	return exportDir(dir, newMatcher(userID), w)
}

func exportDir(dir string, m matcher, w io.Writer) (int, error) {
	names, err := logFiles(dir)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, name := range names {
		n, err := exportFile(filepath.Join(dir, name), m, w)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func exportFile(path string, m matcher, w io.Writer) (int, error) {
	in, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil // rotated away or pruned since the listing
	}
	if err != nil {
		return 0, err
	}
	defer in.Close()
	r, err := lineReader(in)
	if err != nil {
		return 0, fmt.Errorf("logging: reading %s: %w", path, err)
	}
	n := 0
	for {
		line, err := r.ReadBytes('\n')
		// A line without its newline is still being written: skip it.
		if err == nil && m.match(line, false) {
			if _, werr := w.Write(line); werr != nil {
				return n, werr
			}
			n++
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("logging: reading %s: %w", path, err)
		}
	}
}

// EraseUser removes every line of the logs in f's directory whose
// top-level user_id is userID (right of erasure, claim L8), in app.jsonl
// and every rotated file, gzipped or not, and returns how many lines it
// removed. Each file that holds such a line is rewritten atomically: a
// temporary file in the same directory, synced, then renamed over the
// original.
//
// app.jsonl is erased in step with f's writes: what was written up to then
// is filtered without holding writes up, and only the short tail written
// meanwhile is filtered while writes wait, so no other line is lost. It
// works on a closed File too.
func (f *File) EraseUser(userID int64) (int, error) {
	f.files.Lock()
	defer f.files.Unlock()
	return eraseDir(f.dir, newMatcher(userID), f)
}

// EraseUser is [File.EraseUser] for a maintenance run, such as a command
// run while the application is stopped: it rewrites the files in dir
// without coordinating with any writer. Do not run it while a process
// writes to dir, or lines that process writes during the rewrite of
// app.jsonl are lost; erase through that process's [File] instead.
func EraseUser(dir string, userID int64) (int, error) {
	return eraseDir(dir, newMatcher(userID), nil)
}

// eraseDir erases from every log file in dir, from app.jsonl through live
// when it is not nil.
func eraseDir(dir string, m matcher, live *File) (int, error) {
	total := 0
	if live != nil {
		n, err := live.eraseLive(m)
		total += n
		if err != nil {
			return total, err
		}
	}
	// Listed after the live file, so a rotation during that step is seen.
	names, err := logFiles(dir)
	if err != nil {
		return total, err
	}
	for _, name := range names {
		if name == FileName && live != nil {
			continue // done above
		}
		n, err := eraseFile(filepath.Join(dir, name), m)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// eraseFile rewrites path without the matching lines; it leaves the file
// untouched when none match.
func eraseFile(path string, m matcher) (int, error) {
	in, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return 0, err
	}
	gz, err := isGzip(in)
	if err != nil {
		return 0, err
	}
	r, err := lineReader(in)
	if err != nil {
		return 0, fmt.Errorf("logging: reading %s: %w", path, err)
	}
	// First pass: is there anything to remove? Most files of a busy log
	// hold no line of a given user, and are then left alone.
	n, err := countMatches(r, m)
	if err != nil || n == 0 {
		return 0, err
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	if r, err = lineReader(in); err != nil {
		return 0, err
	}
	err = writeAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		var out io.Writer = bw
		var zw *gzip.Writer
		if gz {
			zw = gzip.NewWriter(bw)
			out = zw
		}
		if _, err := filterLines(r, out, m, nil); err != nil {
			return err
		}
		if zw != nil {
			if err := zw.Close(); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
	if err != nil {
		return 0, fmt.Errorf("logging: erasing from %s: %w", path, err)
	}
	// Keep the file's age, which logrotate's maxage and readers go by.
	_ = os.Chtimes(path, info.ModTime(), info.ModTime())
	return n, nil
}

func countMatches(r *bufio.Reader, m matcher) (int, error) {
	n := 0
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && m.match(line, true) {
			n++
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// filterLines copies r's lines to w except matching ones and returns how
// many it removed. With tail non-nil it stops at EOF without copying a
// last line that has no newline yet and stores it in *tail instead.
func filterLines(r *bufio.Reader, w io.Writer, m matcher, tail *[]byte) (int, error) {
	n := 0
	for {
		line, err := r.ReadBytes('\n')
		if err == io.EOF && tail != nil {
			*tail = append(*tail, line...)
			return n, nil
		}
		if len(line) > 0 {
			if m.match(line, true) {
				n++
			} else if _, werr := w.Write(line); werr != nil {
				return n, werr
			}
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// eraseLive erases from app.jsonl while f keeps writing to it. The bulk is
// filtered into a temporary file without the lock; then, holding the
// lock (writes wait), the tail written meanwhile is filtered, the result
// renamed over app.jsonl and f re-opened on it. A rotation or re-open in
// between starts the step again; the moved file is then a rotated one,
// erased by the caller.
func (f *File) eraseLive(m matcher) (int, error) {
	for range 5 {
		n, retry, err := f.eraseLiveOnce(m)
		if !retry {
			return n, err
		}
	}
	return 0, fmt.Errorf("logging: erasing from %s: the file kept rotating; try again", f.path)
}

func (f *File) eraseLiveOnce(m matcher) (n int, retry bool, err error) {
	f.mu.Lock()
	gen, closed := f.gen, f.closed
	f.mu.Unlock()
	if closed {
		n, err := eraseFile(f.path, m)
		return n, false, err
	}
	in, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(f.dir, ".app-*.tmp")
	if err != nil {
		return 0, false, err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	r := bufio.NewReaderSize(in, 64<<10)
	bw := bufio.NewWriterSize(tmp, 64<<10)
	var tail []byte
	n, err = filterLines(r, bw, m, &tail)
	if err != nil {
		return 0, false, err
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gen != gen || f.closed || !samePath(in, f.path) {
		return 0, true, nil
	}
	// Writes are held, so the rest of the file is whole lines.
	rest := io.MultiReader(bytes.NewReader(tail), in)
	k, err := filterLines(bufio.NewReader(rest), bw, m, nil)
	n += k
	if err != nil {
		return 0, false, err
	}
	if n == 0 {
		return 0, false, nil
	}
	if err := bw.Flush(); err != nil {
		return 0, false, err
	}
	if err := tmp.Chmod(FileMode); err != nil {
		return 0, false, err
	}
	if err := tmp.Sync(); err != nil {
		return 0, false, err
	}
	if err := tmp.Close(); err != nil {
		return 0, false, err
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return 0, false, err
	}
	done = true
	syncDir(f.dir)
	if err := f.reopenLocked(); err != nil {
		f.drop(err)
	}
	return n, false, nil
}

// samePath reports whether path still names the open file in, which it
// does not after an external tool moved it.
func samePath(in *os.File, path string) bool {
	a, err := in.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// logFiles lists the log files in dir: rotated ones by name, app.jsonl
// last.
func logFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("logging: listing log directory: %w", err)
	}
	var names []string
	live := false
	for _, e := range entries {
		name := e.Name()
		switch {
		case !e.Type().IsRegular():
		case name == FileName:
			live = true
		case isOwnBackup(name),
			strings.HasPrefix(name, FileName+"."),
			strings.HasPrefix(name, FileName+"-"):
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if live {
		names = append(names, FileName)
	}
	return names, nil
}

func isGzip(f *os.File) (bool, error) {
	var magic [2]byte
	n, err := f.ReadAt(magic[:], 0)
	if err != nil && err != io.EOF {
		return false, err
	}
	return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b, nil
}

// lineReader reads f from its start, decompressing when it is gzip
// (recognized by content, whatever the name).
func lineReader(f *os.File) (*bufio.Reader, error) {
	gz, err := isGzip(f)
	if err != nil {
		return nil, err
	}
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		return bufio.NewReaderSize(zr, 64<<10), nil
	}
	return bufio.NewReaderSize(f, 64<<10), nil
}

// matcher finds lines whose top-level user_id is one user's.
type matcher struct {
	pat  []byte // `"user_id":N`, as NewJSONHandler writes it
	want string
}

func newMatcher(userID int64) matcher {
	want := strconv.FormatInt(userID, 10)
	return matcher{pat: []byte(`"` + UserIDKey + `":` + want), want: want}
}

// match reports whether line belongs to the user. A line that does not
// parse (torn by a crash) but carries the user's ID counts when
// erasing, so erasure errs on the side of removal.
func (m matcher) match(line []byte, erasing bool) bool {
	if !m.mentions(line) {
		return false
	}
	var v struct {
		UserID json.RawMessage `json:"user_id"`
	}
	if err := json.Unmarshal(line, &v); err != nil {
		return erasing
	}
	return string(v.UserID) == m.want
}

// mentions is the cheap check done on every line: the pattern followed by
// something other than a digit.
func (m matcher) mentions(line []byte) bool {
	for rest := line; ; {
		i := bytes.Index(rest, m.pat)
		if i < 0 {
			return false
		}
		rest = rest[i+len(m.pat):]
		if len(rest) == 0 || rest[0] < '0' || rest[0] > '9' {
			return true
		}
	}
}
