package deploytest

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLogrotate runs deploy/logrotate/timetracker with Debian's logrotate
// -f, three times, against a running app under load: every request's
// record is in one of the files (nothing lost, none twice), and after each
// rotation the app writes to a fresh app.jsonl (it re-opened the file on
// the postrotate SIGHUP).
func TestLogrotate(t *testing.T) {
	lr := os.Getenv("LOGROTATE_BIN")
	if lr == "" {
		t.Skip("LOGROTATE_BIN is not set; set it to Debian's logrotate (package logrotate) to run this test")
	}
	snippet := deployFile(t, "logrotate/timetracker")
	const logPath, signal = "/var/log/timetracker", "systemctl kill --signal=HUP --kill-whom=main timetracker.service"
	for _, s := range []string{logPath + "/app.jsonl {", signal} {
		if !strings.Contains(snippet, s) {
			t.Fatalf("the logrotate snippet no longer has %q, which this test replaces", s)
		}
	}
	dir := t.TempDir()
	logDir := filepath.Join(dir, "logs")
	if err := os.Mkdir(logDir, 0o750); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(freePort(t))
	app := start(t, "timetracker", []string{"LISTEN_ADDR=127.0.0.1:" + port, "DATA_DIR=" + filepath.Join(dir, "data"),
		"LOG_DIR=" + logDir, "LOG_STDERR=false"}, binary(t, "timetracker"))
	base := "http://127.0.0.1:" + port
	waitHTTP(t, base+"/healthz", 30*time.Second)

	// The snippet with the test's directory and a kill of the test's
	// process in place of systemctl; everything else as shipped.
	conf := strings.ReplaceAll(snippet, logPath, logDir)
	conf = strings.ReplaceAll(conf, signal, "kill -HUP "+strconv.Itoa(app.cmd.Process.Pid))
	confPath := filepath.Join(dir, "logrotate.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}

	var sent atomic.Int64
	ids := sync.Map{}
	send := func(prefix string) {
		n := sent.Add(1)
		id := fmt.Sprintf("%s-%06d", prefix, n)
		req, _ := http.NewRequest("GET", base+"/healthz", nil)
		req.Header.Set("X-Request-ID", id)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("request %s: %v", id, err)
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		ids.Store(id, true)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					send("load" + strconv.Itoa(w))
				}
			}
		})
	}
	for round := 1; round <= 3; round++ {
		time.Sleep(300 * time.Millisecond)
		out, err := exec.Command(lr, "-f", "-s", filepath.Join(dir, "state"), confPath).CombinedOutput()
		if err != nil {
			t.Fatalf("logrotate -f (round %d): %v\n%s", round, err, out)
		}
		// The app re-opens on SIGHUP: a fresh app.jsonl appears and takes
		// the next request.
		marker := fmt.Sprintf("after-rotation-%d", round)
		eventually(t, 5*time.Second, func() error {
			send(marker)
			b, _ := os.ReadFile(filepath.Join(logDir, "app.jsonl"))
			if !strings.Contains(string(b), marker) {
				return fmt.Errorf("round %d: app.jsonl does not get new lines after rotation", round)
			}
			return nil
		})
	}
	close(stop)
	wg.Wait()
	app.stop() // flushes and closes the file

	// Read back every file: app.jsonl, app.jsonl.1 and app.jsonl.N.gz.
	seen := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(logDir, "app.jsonl*"))
	if len(files) < 3 {
		t.Errorf("after three rotations only %v exist", files)
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = fh
		if strings.HasSuffix(f, ".gz") {
			if r, err = gzip.NewReader(fh); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var rec struct {
				RequestID string `json:"request_id"`
				Route     string `json:"route"`
			}
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Errorf("%s: a line that is not JSON: %.200s", f, sc.Text())
				continue
			}
			if rec.RequestID != "" && rec.Route != "" {
				seen[rec.RequestID]++
			}
		}
		fh.Close()
	}
	total := 0
	ids.Range(func(k, _ any) bool {
		total++
		if n := seen[k.(string)]; n != 1 {
			t.Errorf("request %s has %d records, want 1", k, n)
		}
		return true
	})
	if total < 20 {
		t.Errorf("only %d requests were sent", total)
	}
	t.Logf("%d requests, %d files, every record found once", total, len(files))
}
