package reqctx

import (
	"bufio"
	"io"
	"net"
	"net/http"
)

// Recorder is the one http.ResponseWriter wrapper of a request: it notes
// the final status, the body bytes written and whether the connection was
// hijacked. It implements Flusher, Hijacker and ReaderFrom by delegating
// through http.ResponseController, and Unwrap, so code that asserts those
// interfaces or uses a ResponseController keeps working behind it.
type Recorder struct {
	http.ResponseWriter
	status   int
	bytes    int64
	hijacked bool
}

// Status returns the final status sent so far: the first non-informational
// code, 101 after a hijack, or 0 while nothing has been sent.
func (w *Recorder) Status() int {
	if w.status == 0 && w.hijacked {
		return http.StatusSwitchingProtocols
	}
	return w.status
}

// Bytes returns the number of body bytes written.
func (w *Recorder) Bytes() int64 { return w.bytes }

// Began reports whether the response has begun (a status line, body bytes,
// a flush or a hijack), after which nothing else may be written.
func (w *Recorder) Began() bool { return w.status != 0 || w.hijacked }

// WriteHeader notes the first final status and passes code on.
func (w *Recorder) WriteHeader(code int) {
	// 1xx other than 101 are informational: the final status comes later.
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols || code < 100) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write counts the bytes written; the first write implies status 200.
func (w *Recorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// ReadFrom keeps the sendfile path of the underlying writer for
// http.ServeContent and io.Copy.
func (w *Recorder) ReadFrom(src io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		n, err = io.Copy(writerOnly{w.ResponseWriter}, src)
	}
	w.bytes += n
	return n, err
}

// writerOnly hides a ReadFrom method so io.Copy does not recurse.
type writerOnly struct{ io.Writer }

// Flush implements http.Flusher for handlers that type-assert it.
func (w *Recorder) Flush() { _ = w.FlushError() }

// FlushError is what [http.ResponseController.Flush] calls: it passes the
// underlying writer's error on.
func (w *Recorder) FlushError() error {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack implements http.Hijacker for handlers that type-assert it.
func (w *Recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.hijacked = true
	}
	return c, rw, err
}

// Unwrap returns the wrapped writer, for [http.ResponseController].
func (w *Recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
