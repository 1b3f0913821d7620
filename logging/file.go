package logging

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// File names and modes of the log directory (claims L1 and L7).
const (
	// FileName is the live log file inside the log directory.
	FileName = "app.jsonl"
	// FileMode is the mode of the log files this package creates: the
	// owner writes, the group (an operator or a log shipper) reads.
	FileMode fs.FileMode = 0o640
	// DirMode is the mode of a log directory this package creates.
	DirMode fs.FileMode = 0o750
)

// Defaults for [FileOptions].
const (
	DefaultDir        = "logs"
	DefaultMaxSizeMB  = 100
	DefaultMaxBackups = 5
)

// FileOptions configure [OpenFile]. The zero value writes logs/app.jsonl,
// rotated at 100 MB with 5 old files kept uncompressed, re-opened on
// SIGHUP. What the lines say (level, scrubbing, client IPs) is the
// handler's business: see [Options].
type FileOptions struct {
	// Dir is the log directory (LOG_DIR; consent.Settings.LogDir);
	// "" means [DefaultDir]. It is created with mode 0750 when missing.
	Dir string
	// MaxSizeMB is the size in megabytes at which app.jsonl is rotated;
	// 0 means 100.
	MaxSizeMB int
	// MaxBackups is how many rotated files are kept; older ones are
	// deleted. 0 means 5. Files that an external logrotate made are its
	// own business and are not counted.
	MaxBackups int
	// Compress gzips rotated files in the background.
	Compress bool
	// IgnoreSIGHUP leaves SIGHUP alone. By default OpenFile re-opens
	// app.jsonl on SIGHUP until Close, which is what logrotate's
	// move-then-signal rotation (no copytruncate) expects.
	IgnoreSIGHUP bool

	maxBytes   int64                               // tests: rotation size in bytes, overriding MaxSizeMB
	notices    io.Writer                           // tests: where the drop notice goes, instead of os.Stderr
	checkEvery time.Duration                       // tests: how often the path is compared with the open file
	writeHook  func(*os.File, []byte) (int, error) // tests: a disk that fails part-way
}

// checkEvery is how often a File compares its path with the file it has
// open: two stat calls a second at most, whatever the rate of lines.
const checkEvery = time.Second

// File is the rotating log file that [OpenFile] returns, to be written
// through a handler: slog.New(logging.NewJSONHandler(f, opts)). It is an
// io.Writer that
// never fails and never blocks on a broken disk: when a line cannot be
// written (disk full, file removed and not re-creatable, permissions) it is
// dropped and counted ([File.Dropped]), one notice goes to standard error,
// and writing resumes by itself once the file can be written again; the
// first line written then is a record saying how many lines were lost.
//
// Every line in the file parses: a write that fails part-way (ENOSPC in the
// middle of a line) is cut off again before anything else is written.
//
// About once a second File also compares the path with the file it holds
// open. When app.jsonl was removed or replaced (rm on a full disk, a move
// without SIGHUP) it lets the old file go, which frees its space, and goes
// on in a new app.jsonl; when the file was truncated in place (logrotate's
// copytruncate) it resets its size, so the next rotation comes on time.
type File struct {
	dir, path  string
	maxSize    int64
	maxBackups int
	compress   bool
	notices    io.Writer
	checkEvery time.Duration
	write      func(*os.File, []byte) (int, error)

	// files serializes rewriting the directory's files: compression and
	// pruning of rotated files, export and erasure.
	files sync.Mutex

	mu          sync.Mutex
	f           *os.File // nil while the file cannot be opened
	size        int64
	gen         uint64 // bumped each time f changes; lets erasure notice
	closed      bool
	failing     bool      // dropping lines since the last notice
	streakStart uint64    // Dropped when the current run of failures began
	torn        bool      // a failed write left part of a line that could not be cut off yet
	tornAt      int64     // where to cut it, or -1 when unknown
	lastRetry   time.Time // last attempt to re-open while f is nil
	lastCheck   time.Time // last comparison of the path with f

	dropped atomic.Uint64

	work      chan struct{} // wakes the background compressor and pruner
	sig       chan os.Signal
	done      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// OpenFile opens (creating as needed) the JSON Lines log file
// Dir/app.jsonl, to be closed on shutdown. It fails only when the
// directory or file cannot be created at all; later write failures drop
// lines instead (see [File]). Open at most one File per directory: two
// would rotate over each other.
func OpenFile(opts FileOptions) (*File, error) {
	dir := opts.Dir
	if dir == "" {
		dir = DefaultDir
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, DirMode); err != nil {
			return nil, fmt.Errorf("logging: creating log directory: %w", err)
		}
		_ = os.Chmod(dir, DirMode) // the umask may have narrowed it
	}
	f := &File{
		dir:        dir,
		path:       filepath.Join(dir, FileName),
		maxSize:    int64(opts.MaxSizeMB) << 20,
		maxBackups: opts.MaxBackups,
		compress:   opts.Compress,
		notices:    opts.notices,
		checkEvery: opts.checkEvery,
		write:      opts.writeHook,
		work:       make(chan struct{}, 1),
		done:       make(chan struct{}),
	}
	if f.checkEvery <= 0 {
		f.checkEvery = checkEvery
	}
	if f.write == nil {
		f.write = (*os.File).Write
	}
	if f.maxSize <= 0 {
		f.maxSize = DefaultMaxSizeMB << 20
	}
	if opts.maxBytes > 0 {
		f.maxSize = opts.maxBytes
	}
	if f.maxBackups <= 0 {
		f.maxBackups = DefaultMaxBackups
	}
	if f.notices == nil {
		f.notices = os.Stderr
	}
	fh, size, err := openLive(f.path)
	if err != nil {
		return nil, fmt.Errorf("logging: opening log file: %w", err)
	}
	f.f, f.size = fh, size
	f.lastCheck = time.Now()

	f.wg.Add(1)
	go f.housekeep()
	f.work <- struct{}{} // compress and prune what an earlier run left
	if !opts.IgnoreSIGHUP {
		f.sig = make(chan os.Signal, 1)
		signal.Notify(f.sig, syscall.SIGHUP)
		f.wg.Add(1)
		go f.reopenOnSignal()
	}
	return f, nil
}

// openLive opens path for appending, creating it with FileMode when it
// does not exist, and returns its current size.
func openLive(path string) (*os.File, int64, error) {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, FileMode)
	if err == nil {
		_ = fh.Chmod(FileMode) // the umask may have narrowed it
		return fh, 0, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, 0, err
	}
	fh, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, 0, err
	}
	info, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, 0, err
	}
	return fh, info.Size(), nil
}

// Write appends p, which should be whole lines, rotating first when p
// would take the file past its size limit. It always reports success: a
// line that cannot be written is dropped and counted in [File.Dropped].
func (f *File) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		f.drop(os.ErrClosed)
		return len(p), nil
	}
	if f.f != nil {
		if now := time.Now(); now.Sub(f.lastCheck) >= f.checkEvery {
			f.lastCheck = now
			f.checkLocked()
		}
	}
	if f.f == nil {
		// Re-try opening at most once a second, not on every line.
		if now := time.Now(); now.Sub(f.lastRetry) >= time.Second {
			f.lastRetry = now
			if err := f.reopenLocked(); err != nil {
				f.drop(err)
				return len(p), nil
			}
		} else {
			f.drop(nil)
			return len(p), nil
		}
	}
	if f.size > 0 && f.size+int64(len(p)) > f.maxSize {
		// Believe the file rather than the counter: copytruncate may have
		// emptied it since the last check.
		if info, err := f.f.Stat(); err == nil && info.Size() < f.size {
			f.size = info.Size()
		}
		if f.size > 0 && f.size+int64(len(p)) > f.maxSize {
			f.rotateLocked()
			if f.f == nil {
				return len(p), nil // counted by rotateLocked
			}
		}
	}
	if f.torn {
		if err := f.untearLocked(); err != nil {
			f.drop(err)
			return len(p), nil
		}
	}
	if f.failing {
		// Writing works again (or may): say first what was lost.
		lost := f.dropped.Load() - f.streakStart
		if err := f.writeLocked(resumeRecord(lost, f.dropped.Load())); err != nil {
			f.drop(err)
			return len(p), nil
		}
		f.failing = false
		fmt.Fprintf(f.notices, "logging: writing %s again; %d log lines were dropped\n", f.path, lost)
	}
	if err := f.writeLocked(p); err != nil {
		f.drop(err)
	}
	return len(p), nil
}

// writeLocked writes p whole or not at all: when the write fails part-way,
// the part that reached the file is cut off again.
func (f *File) writeLocked(p []byte) error {
	n, err := f.write(f.f, p)
	f.size += int64(n)
	if err == nil || n == 0 {
		return err
	}
	f.torn, f.tornAt = true, -1
	if info, serr := f.f.Stat(); serr == nil && info.Size() >= int64(n) {
		f.tornAt = info.Size() - int64(n)
	}
	_ = f.untearLocked() // if this fails, the next write tries again first
	return err
}

// untearLocked removes the part of a line a failed write left. When where
// it began is unknown, it ends the part with a newline instead, which
// keeps the lines after it whole.
func (f *File) untearLocked() error {
	if f.tornAt < 0 {
		if _, err := f.f.Write([]byte{'\n'}); err != nil {
			return err
		}
		f.size++
		f.torn = false
		return nil
	}
	if err := f.f.Truncate(f.tornAt); err != nil {
		return err
	}
	f.size = f.tornAt
	f.torn = false
	return nil
}

// checkLocked compares the path with the open file: a removed or replaced
// file is let go and the path re-opened; a file truncated in place has its
// size counter reset.
func (f *File) checkLocked() {
	open, err := f.f.Stat()
	if err != nil {
		return
	}
	now, err := os.Stat(f.path)
	// Gone (or its directory gone or replaced), or another file now.
	if (err != nil && !errors.Is(err, fs.ErrPermission)) || (err == nil && !os.SameFile(open, now)) {
		if err := f.reopenLocked(); err != nil {
			f.drop(err)
		}
		return
	}
	if open.Size() < f.size {
		f.size = open.Size()
		f.torn = false // what was torn went with the truncation
	}
}

// resumeRecord is the line File writes itself when writing resumes after
// lines were dropped: in the shape of the JSON handler's records, with
// nothing in it but counts.
func resumeRecord(lost, total uint64) []byte {
	b := make([]byte, 0, 160)
	b = append(b, `{"time":"`...)
	b = time.Now().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"WARN","msg":"logging: log lines were dropped; writing has resumed","dropped":`...)
	b = strconv.AppendUint(b, lost, 10)
	b = append(b, `,"dropped_total":`...)
	b = strconv.AppendUint(b, total, 10)
	return append(b, "}\n"...)
}

// drop counts one lost line and writes the notice once per run of
// failures, so a full disk cannot flood standard error.
func (f *File) drop(err error) {
	if !f.failing {
		f.streakStart = f.dropped.Load()
	}
	f.dropped.Add(1)
	if f.failing {
		return
	}
	f.failing = true
	if err == nil {
		err = errors.New("file not open")
	}
	fmt.Fprintf(f.notices, "logging: cannot write %s (%v); dropping log lines until it can be written again\n", f.path, err)
}

// Dropped returns how many lines could not be written since OpenFile.
func (f *File) Dropped() uint64 { return f.dropped.Load() }

// Reopen closes and re-opens app.jsonl by name, as SIGHUP does: after an
// external tool moved the file away, writing continues in a new file.
func (f *File) Reopen() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return os.ErrClosed
	}
	return f.reopenLocked()
}

func (f *File) reopenLocked() error {
	if f.f != nil {
		_ = f.f.Close()
		f.f = nil
	}
	f.gen++
	fh, size, err := openLive(f.path)
	if err != nil {
		return err
	}
	f.f, f.size, f.torn = fh, size, false
	f.lastCheck = time.Now()
	return nil
}

// rotateLocked renames the live file to app-<UTC time>.jsonl and starts a
// new one. If the rename fails the old file is kept and grows past its
// limit rather than losing lines.
func (f *File) rotateLocked() {
	backup := filepath.Join(f.dir, backupName(time.Now()))
	_ = f.f.Close()
	f.f = nil
	f.gen++
	if err := os.Rename(f.path, backup); err != nil {
		fmt.Fprintf(f.notices, "logging: cannot rotate %s: %v\n", f.path, err)
	}
	if err := f.reopenLocked(); err != nil {
		f.drop(err)
		return
	}
	select {
	case f.work <- struct{}{}:
	default: // already pending
	}
}

// backupName names a rotated file so that names sort by age.
func backupName(t time.Time) string {
	return "app-" + t.UTC().Format("2006-01-02T15-04-05.000000000") + ".jsonl"
}

func isOwnBackup(name string) bool {
	return strings.HasPrefix(name, "app-") &&
		(strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".jsonl.gz"))
}

func (f *File) reopenOnSignal() {
	defer f.wg.Done()
	for {
		select {
		case <-f.sig:
			f.mu.Lock()
			if !f.closed {
				if err := f.reopenLocked(); err != nil {
					f.drop(err)
				}
			}
			f.mu.Unlock()
		case <-f.done:
			return
		}
	}
}

// housekeep compresses and prunes rotated files, off the write path so a
// slow gzip never holds up a request. It works under the directory's
// file lock, which erasure also takes.
func (f *File) housekeep() {
	defer f.wg.Done()
	for range f.work {
		f.files.Lock()
		if f.compress {
			f.compressBackups()
		}
		f.pruneBackups()
		f.files.Unlock()
	}
}

func (f *File) ownBackups() []string {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && isOwnBackup(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

func (f *File) compressBackups() {
	for _, name := range f.ownBackups() {
		if strings.HasSuffix(name, ".gz") {
			continue
		}
		src := filepath.Join(f.dir, name)
		if _, err := os.Stat(src + ".gz"); err == nil {
			// A crash came between writing the .gz and removing this.
			_ = os.Remove(src)
			continue
		}
		if err := gzipFile(src); err != nil {
			fmt.Fprintf(f.notices, "logging: cannot compress %s: %v\n", src, err)
		}
	}
}

// gzipFile writes src.gz atomically, then removes src.
func gzipFile(src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	err = writeAtomic(src+".gz", func(w io.Writer) error {
		zw := gzip.NewWriter(w)
		if _, err := io.Copy(zw, in); err != nil {
			return err
		}
		return zw.Close()
	})
	if err != nil {
		return err
	}
	return os.Remove(src)
}

// writeAtomic writes path through a temporary file in the same directory:
// written, synced, given FileMode, then renamed over path.
func writeAtomic(path string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".app-*.tmp")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fill(tmp); err != nil {
		return err
	}
	if err := tmp.Chmod(FileMode); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	ok = true
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a rename durable; not every platform can sync a directory.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func (f *File) pruneBackups() {
	names := f.ownBackups()
	// A name and its .gz count once: strip the suffix and deduplicate.
	var stems []string
	for _, n := range names {
		stems = append(stems, strings.TrimSuffix(n, ".gz"))
	}
	stems = slices.Compact(stems)
	for len(stems) > f.maxBackups {
		_ = os.Remove(filepath.Join(f.dir, stems[0]))
		_ = os.Remove(filepath.Join(f.dir, stems[0]+".gz"))
		stems = stems[1:]
	}
}

// Close stops SIGHUP handling and background compression (finishing the
// file in progress) and closes app.jsonl. Lines written after Close are
// dropped. Close is safe to call more than once.
func (f *File) Close() error {
	var err error
	f.closeOnce.Do(func() {
		f.mu.Lock()
		f.closed = true
		if f.f != nil {
			err = f.f.Close()
			f.f = nil
		}
		f.mu.Unlock()
		if f.sig != nil {
			signal.Stop(f.sig)
		}
		close(f.done)
		close(f.work)
		f.wg.Wait()
	})
	return err
}
