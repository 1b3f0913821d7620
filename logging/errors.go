package logging

import (
	"fmt"
	"log/slog"

	"github.com/discreet-dev/discreet/internal/stack"
)

// Err returns the attribute "error" for err: a group holding its message
// ("message") and the stack trace of the goroutine at the call to Err
// ("stack", one "function\n\tfile:line" entry per frame), as claim L3 asks.
//
//	logger.ErrorContext(ctx, "saving entry failed", logging.Err(err))
//
// The message goes through the redaction engine like every other value.
// Err(nil) returns the empty attribute, which handlers leave out.
func Err(err error) slog.Attr {
	if err == nil {
		return slog.Attr{}
	}
	return slog.Any(ErrorKey, &stackError{msg: err.Error(), pcs: callers(3)})
}

// stackError defers formatting the trace until a handler resolves it, so a
// disabled level costs only the runtime.Callers call.
type stackError struct {
	msg string
	pcs []uintptr
}

func (e *stackError) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("message", e.msg),
		slog.String("stack", formatStack(e.pcs)),
	)
}

func callers(skip int) []uintptr { return stack.Callers(skip) }

func formatStack(pcs []uintptr) string { return stack.Format(pcs) }

// panicValue describes a recovered panic value as Err does an error.
func panicValue(p any, pcs []uintptr) slog.Value {
	var msg string
	switch p := p.(type) {
	case error:
		msg = p.Error()
	case string:
		msg = p
	default:
		msg = fmt.Sprint(p)
	}
	return (&stackError{msg: msg, pcs: pcs}).LogValue()
}
