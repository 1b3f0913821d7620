package logging_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/discreet-dev/discreet/logging"
)

// Personal data in a message, an error or a sensitive key never reaches the
// output; the rest of the record stays as it was.
func ExampleNewJSONHandler() {
	logger := slog.New(logging.NewJSONHandler(os.Stdout, &logging.Options{OmitTime: true}))
	err := fmt.Errorf("sending reset mail to %s: %w", "ann@example.com", errors.New("mailbox full"))
	logger.Warn("password reset failed",
		"user_id", 42,
		"password", "hunter2",
		"callback", "https://app.example/reset?token=abc123",
		"err", err,
	)
	// Output:
	// {"level":"WARN","msg":"password reset failed","user_id":42,"password":"[redacted]","callback":"https://app.example/reset?token=[redacted]","err":"sending reset mail to [email]: mailbox full"}
}

// NewHandler scrubs records on their way to any other handler.
func ExampleNewHandler() {
	text := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	})
	logger := slog.New(logging.NewHandler(text, nil))
	logger.Info("login", "email", "ann@example.com", "from", "203.0.113.9")
	// Output:
	// level=INFO msg=login email=[redacted] from=[ip]
}

// Middleware writes one record per request, with the route pattern rather
// than the path, and the user the handler signed in.
func ExampleMiddleware() {
	// A text handler that leaves out what changes from run to run.
	text := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	})
	logger := slog.New(logging.NewHandler(text, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /projects/{id}", func(w http.ResponseWriter, r *http.Request) {
		logging.SetUserID(r.Context(), 7)
		fmt.Fprint(w, "ok")
	})
	h := logging.Middleware(logger, nil)(mux)

	req := httptest.NewRequest("GET", "/projects/12?q=secret", nil)
	req.Header.Set("X-Request-ID", "req-1")
	h.ServeHTTP(httptest.NewRecorder(), req)
	// Output:
	// level=INFO msg=request method=GET route="GET /projects/{id}" status=200 bytes=2 request_id=req-1 user_id=7
}

// OpenFile opens LOG_DIR/app.jsonl for a JSON handler to write; the File
// erases one user's lines from it and its rotated files, in step with the
// writes, and exports another's.
func ExampleFile_EraseUser() {
	dir, _ := os.MkdirTemp("", "logs")
	defer os.RemoveAll(dir)

	file, err := logging.OpenFile(logging.FileOptions{Dir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer file.Close()
	logger := slog.New(logging.NewJSONHandler(file, nil))
	logger.Info("timer started", "user_id", 7)
	logger.Info("timer started", "user_id", 8)

	erased, err := file.EraseUser(7)
	fmt.Println("erased:", erased, err)
	var export strings.Builder
	exported, err := file.ExportUser(8, &export)
	fmt.Println("exported:", exported, err)
	// Output:
	// erased: 1 <nil>
	// exported: 1 <nil>
}

// EraseUser, the package function, is the offline form for a maintenance
// run while the application is stopped: it takes the log directory.
func ExampleEraseUser() {
	dir, _ := os.MkdirTemp("", "logs")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, logging.FileName), []byte(
		`{"msg":"timer started","user_id":7}`+"\n"+
			`{"msg":"timer started","user_id":8}`+"\n"), logging.FileMode)

	erased, err := logging.EraseUser(dir, 7)
	fmt.Println("erased:", erased, err)
	// Output:
	// erased: 1 <nil>
}
