package redact

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// realLine is one line of testdata/reallogs with what it must become.
type realLine struct {
	source string
	n      int
	in     string
	want   string
}

// label is one hand-checked sensitive span of a real log line.
type label struct{ marker, span string }

// readRealLogs reads every source of testdata/reallogs (log lines that
// real software wrote on a machine like this one; see its README) and
// applies labels.tsv to work out each line's expected output: the line
// with its labelled spans, and nothing else, replaced by their markers.
func readRealLogs(t testing.TB) []realLine {
	t.Helper()
	labels := map[string]map[int][]label{}
	lf, err := os.ReadFile("testdata/reallogs/labels.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range strings.Split(strings.TrimRight(string(lf), "\n"), "\n") {
		f := strings.SplitN(row, "\t", 4)
		if len(f) != 4 {
			t.Fatalf("labels.tsv:%d: want 4 tab-separated fields", i+1)
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			t.Fatalf("labels.tsv:%d: line number: %v", i+1, err)
		}
		src := strings.TrimSuffix(f[0], ".log")
		if labels[src] == nil {
			labels[src] = map[int][]label{}
		}
		labels[src][n] = append(labels[src][n], label{f[2], f[3]})
	}
	files, err := filepath.Glob("testdata/reallogs/*.log.gz")
	if err != nil || len(files) == 0 {
		t.Fatalf("no real logs: %v", err)
	}
	var lines []realLine
	for _, name := range files {
		src := strings.TrimSuffix(filepath.Base(name), ".log.gz")
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(nil, 1<<20)
		for n := 1; sc.Scan(); n++ {
			in := sc.Text()
			want := in
			ls := labels[src][n]
			// Longer spans first, so that "10.0.0.1" is not taken out of
			// "10.0.0.12" by a shorter label of the same line.
			sort.Slice(ls, func(a, b int) bool { return len(ls[a].span) > len(ls[b].span) })
			for _, l := range ls {
				if !strings.Contains(want, l.span) {
					t.Fatalf("%s.log:%d: label %q is not in the line", src, n, l.span)
				}
				if l.marker == IP {
					// Brackets around an address go with it: "[::1]:80"
					// becomes "[ip]:80".
					want = strings.ReplaceAll(want, "["+l.span+"]", l.marker)
				}
				want = strings.ReplaceAll(want, l.span, l.marker)
			}
			lines = append(lines, realLine{src, n, in, want})
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		zr.Close()
		f.Close()
	}
	return lines
}

// TestRealLogPrecision scrubs lines that real software wrote (PostgreSQL,
// Prometheus, Chromium, the Go toolchain, dpkg and apt, the kernel, the
// JVM, MariaDB, Redis, NATS, Mosquitto, RabbitMQ, OpenSSH, nginx, git, npm,
// cargo, valgrind and the time tracker) as a log message and as an
// attribute value, and fails on any change that is not a labelled span:
// timestamps, IDs, versions and code names must come through as written.
// It prints, per source, the lines changed, the lines changed wrongly and
// the markers put in by kind.
//
// claim: L5
func TestRealLogPrecision(t *testing.T) {
	lines := readRealLogs(t)
	if len(lines) < 10000 {
		t.Fatalf("%d real log lines, want at least 10,000", len(lines))
	}
	type tally struct {
		lines, changed, wrong int
		markers               map[string]int
	}
	per := map[string]*tally{}
	e := Default()
	var buf []byte
	shown := 0
	for _, l := range lines {
		st := per[l.source]
		if st == nil {
			st = &tally{markers: map[string]int{}}
			per[l.source] = st
		}
		st.lines++
		got := e.String(l.in)
		buf = e.AppendJSONString(buf[:0], l.in)
		if got != l.in {
			st.changed++
			for _, m := range allMarkers {
				if d := strings.Count(got, m) - strings.Count(l.in, m); d > 0 {
					st.markers[m] += d
				}
			}
		}
		if got != l.want || string(buf) != strconv.Quote(l.want) && !jsonEqual(buf, l.want) {
			st.wrong++
			if shown < 4000 {
				shown++
				t.Errorf("%s.log:%d\n  in  %q\n  got %q\n want %q", l.source, l.n, l.in, got, l.want)
			}
		}
	}
	srcs := make([]string, 0, len(per))
	for s := range per {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	var b strings.Builder
	total, wrong := 0, 0
	fmt.Fprintf(&b, "%-20s %6s %8s %6s  %s\n", "source", "lines", "changed", "wrong", "markers")
	for _, s := range srcs {
		st := per[s]
		total += st.lines
		wrong += st.wrong
		var ms []string
		for m, n := range st.markers {
			ms = append(ms, fmt.Sprintf("%s %d", m, n))
		}
		sort.Strings(ms)
		fmt.Fprintf(&b, "%-20s %6d %8d %6d  %s\n", s, st.lines, st.changed, st.wrong, strings.Join(ms, ", "))
	}
	fmt.Fprintf(&b, "%d sources, %d lines, %d changed wrongly", len(srcs), total, wrong)
	t.Logf("real-log precision:\n%s", b.String())
	if len(srcs) < 10 {
		t.Errorf("%d sources, want at least 10", len(srcs))
	}
}
