// Package stack captures and formats stack traces the way every discreet
// package writes them: one "function\n\tfile:line" entry per frame, at most
// MaxFrames frames, without argument values (which could be data).
package stack

import (
	"runtime"
	"strconv"
	"strings"
)

// MaxFrames bounds a trace; the frames nearest the error are the useful
// ones.
const MaxFrames = 32

// Callers returns the program counters of the calling goroutine, skipping
// skip frames as runtime.Callers does.
func Callers(skip int) []uintptr {
	pcs := make([]uintptr, MaxFrames)
	return pcs[:runtime.Callers(skip+1, pcs)]
}

// Format writes pcs one frame per entry.
func Format(pcs []uintptr) string {
	var sb strings.Builder
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(f.Function)
		sb.WriteString("\n\t")
		sb.WriteString(f.File)
		sb.WriteByte(':')
		sb.WriteString(strconv.Itoa(f.Line))
		if !more {
			break
		}
	}
	return sb.String()
}
