package redact

import (
	"io"
	"sync"
)

// maxPending bounds the bytes a [Writer] holds while it waits for the end
// of a line; a longer line is scrubbed and passed on in pieces.
const maxPending = 1 << 20

// Writer is an [io.Writer] that scrubs JSON Lines on their way to another
// writer, so that any logger that writes JSON, such as zap or zerolog, gets
// the same removal as discreet's own handlers without a change to how it
// builds its records. Each complete line is scrubbed by
// [Engine.JSONLines] and written to the underlying writer in one Write. A
// write that ends inside a line keeps that part until the rest arrives (or
// [Writer.Flush] is called). A Writer is safe for concurrent use.
type Writer struct {
	e   *Engine
	w   io.Writer
	mu  sync.Mutex
	buf []byte // the unfinished line
	out []byte // scratch space for the scrubbed lines
}

// NewWriter returns a Writer that scrubs with e (nil means [Default]) and
// writes to w.
func NewWriter(w io.Writer, e *Engine) *Writer {
	if e == nil {
		e = Default()
	}
	return &Writer{e: e, w: w}
}

// Write scrubs the complete lines of p and writes them on. It reports
// len(p) when the underlying writer took every byte written so far.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	end := lastNewline(p)
	if end < 0 {
		w.buf = append(w.buf, p...)
		if len(w.buf) < maxPending {
			return len(p), nil
		}
		return len(p), w.flushLocked()
	}
	var src []byte
	if len(w.buf) > 0 {
		w.buf = append(w.buf, p[:end+1]...)
		src = w.buf
	} else {
		src = p[:end+1]
	}
	w.out = w.e.JSONLines(w.out[:0], src)
	w.buf = append(w.buf[:0], p[end+1:]...)
	if _, err := w.w.Write(w.out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush scrubs and writes the part of a line still held, if any.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushLocked()
}

func (w *Writer) flushLocked() error {
	if len(w.buf) == 0 {
		return nil
	}
	w.out = w.e.JSONLines(w.out[:0], w.buf)
	w.buf = w.buf[:0]
	_, err := w.w.Write(w.out)
	return err
}

func lastNewline(p []byte) int {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '\n' {
			return i
		}
	}
	return -1
}
