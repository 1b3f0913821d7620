package deploytest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// root is the repository root; deploy/ is under it.
var root = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}()

func deployFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "deploy", rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// buildFlags are the Dockerfile's: the test builds what the image runs.
const (
	buildEnv     = "CGO_ENABLED=0"
	buildLDFlags = `-ldflags "-s -w -X main.version=${VERSION}"`
	testVersion  = "9.9.9-deploytest"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// binary builds ./examples/<name> once per run with the Dockerfile's flags
// and returns its path.
func binary(t *testing.T, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "deploytest-bin-")
		if buildErr != nil {
			return
		}
		for _, n := range []string{"timetracker", "telemetry-server"} {
			ld := strings.ReplaceAll(strings.Trim(strings.TrimPrefix(buildLDFlags, "-ldflags "), `"`), "${VERSION}", testVersion)
			cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ld, "-o", filepath.Join(buildDir, n), "./examples/"+n)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), buildEnv)
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build %s: %v\n%s", n, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, name)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// needBin returns the program named by the variable, or skips.
func needBin(t *testing.T, env, pkg string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		t.Skipf("%s is not set; set it to Debian's %s binary (package %s) to run this test", env, filepath.Base(pkg), pkg)
	}
	return p
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// proc is a process the test started; it is stopped with SIGTERM at the
// end, and its output is shown if the test failed.
type proc struct {
	cmd *exec.Cmd
	out *syncBuf
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func start(t *testing.T, name string, env []string, bin string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	out := &syncBuf{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{cmd: cmd, out: out}
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("output of %s:\n%s", name, tail(out.String(), 3000))
		}
	})
	return p
}

// stop sends SIGTERM and waits up to 15 s.
func (p *proc) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// waitHTTP polls url until it answers 200.
func waitHTTP(t *testing.T, url string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer 200 within %s (last error %v)", url, within, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// eventually retries fn until it returns nil or the time is up.
func eventually(t *testing.T, within time.Duration, fn func() error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	var err error
	for {
		if err = fn(); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("not within %s: %v", within, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
