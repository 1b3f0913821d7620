package logging

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// realLogLines reads the lines of the redaction engine's real-log corpus
// (../redact/testdata/reallogs: lines that PostgreSQL, Chromium, the JVM,
// nginx, OpenSSH and twenty other programs wrote).
func realLogLines(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob("../redact/testdata/reallogs/*.log.gz")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no real logs: %v", err)
	}
	var lines []string
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			tb.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		f.Close()
	}
	return lines
}

// TestRealLogsThroughTheHandler logs every real line as a message and as
// an attribute through NewJSONHandler and checks that both come out as the
// engine's String gives them: the handler adds no change of its own (the
// engine's corpus test checks that String changes only true spans).
//
// claim: L5
func TestRealLogsThroughTheHandler(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(NewJSONHandler(&buf, &Options{}))
	var plain bytes.Buffer
	ref := slog.New(slog.NewJSONHandler(&plain, nil))
	eng := newScrubber(&Options{}).eng
	for _, line := range realLogLines(t) {
		buf.Reset()
		plain.Reset()
		r := slog.NewRecord(time.Time{}, slog.LevelInfo, line, 0)
		r.AddAttrs(slog.String("detail", line))
		if err := l.Handler().Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		want := eng.String(line)
		r2 := slog.NewRecord(time.Time{}, slog.LevelInfo, want, 0)
		r2.AddAttrs(slog.String("detail", want))
		if err := ref.Handler().Handle(context.Background(), r2); err != nil {
			t.Fatal(err)
		}
		if buf.String() != plain.String() {
			t.Fatalf("line %q\n got %s\nwant %s", line, buf.String(), plain.String())
		}
	}
}

// BenchmarkRealLogs logs the real-log corpus, each line as the message of
// one record, through NewJSONHandler (every detector on) and through a
// bare slog.NewJSONHandler; the ratio of their times is the cost of
// scrubbing on logs as real software writes them.
func BenchmarkRealLogs(b *testing.B) {
	lines := realLogLines(b)
	var size int64
	for _, l := range lines {
		size += int64(len(l))
	}
	for _, h := range []struct {
		name string
		h    slog.Handler
	}{
		{"slog.JSONHandler", slog.NewJSONHandler(io.Discard, nil)},
		{"NewJSONHandler", NewJSONHandler(io.Discard, nil)},
	} {
		b.Run(h.name, func(b *testing.B) {
			l := slog.New(h.h)
			ctx := context.Background()
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				for _, line := range lines {
					l.LogAttrs(ctx, slog.LevelInfo, line)
				}
			}
		})
	}
}
