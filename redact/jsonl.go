package redact

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// maxJSONDepth bounds how deeply JSONLines follows nested objects and
// arrays; a deeper line is scrubbed as plain text instead.
const maxJSONDepth = 64

// JSONLines appends to dst a scrubbed copy of src, a run of JSON Lines
// such as any JSON logger writes (zap, zerolog, log/slog, logrus), and
// returns the extended buffer. Each line that is a JSON value is walked:
// a member whose name [Engine.IsSensitiveKey] reports gets the value
// "[redacted]" whatever it held, every other string is scrubbed like
// [Engine.String] after its escapes are decoded (so "\u0040" is an '@'),
// and a number that is really a card or phone number becomes the
// matching marker as a string. Everything else, white space and escapes
// included, is copied as it was. A line that is not JSON is scrubbed as
// text. Line ends are kept. dst and src must not overlap.
func (e *Engine) JSONLines(dst, src []byte) []byte {
	for len(src) > 0 {
		n := bytes.IndexByte(src, '\n')
		line := src
		if n >= 0 {
			line = src[:n]
		}
		dst = e.appendLine(dst, line)
		if n < 0 {
			break
		}
		dst = append(dst, '\n')
		src = src[n+1:]
	}
	return dst
}

// appendLine scrubs one line, as JSON when it parses and as text when not.
func (e *Engine) appendLine(dst, line []byte) []byte {
	mark := len(dst)
	w := jsonWalker{e: e, src: line, dst: dst}
	w.ws()
	if w.i < len(line) {
		w.flush(w.i)
		if w.value(0) {
			w.ws()
			if w.i == len(line) {
				w.flush(w.i)
				return w.dst
			}
		}
	}
	return e.AppendString(dst[:mark], string(line))
}

// jsonWalker copies src to dst value by value, replacing what it must.
type jsonWalker struct {
	e      *Engine
	src    []byte
	dst    []byte
	i      int // next byte of src to read
	copied int // src[:copied] is already in dst
}

func (w *jsonWalker) flush(to int) {
	w.dst = append(w.dst, w.src[w.copied:to]...)
	w.copied = to
}

func (w *jsonWalker) ws() {
	for w.i < len(w.src) {
		switch w.src[w.i] {
		case ' ', '\t', '\r', '\n':
			w.i++
		default:
			return
		}
	}
}

// value reads one JSON value at w.i; it reports false on a syntax error.
func (w *jsonWalker) value(depth int) bool {
	if depth > maxJSONDepth || w.i >= len(w.src) {
		return false
	}
	switch c := w.src[w.i]; {
	case c == '{':
		return w.object(depth)
	case c == '[':
		w.i++
		w.ws()
		if w.i < len(w.src) && w.src[w.i] == ']' {
			w.i++
			return true
		}
		for {
			w.ws()
			if !w.value(depth + 1) {
				return false
			}
			if more, ok := w.next(']'); !more {
				return ok
			}
		}
	case c == '"':
		start := w.i
		s, ok := w.str()
		if !ok {
			return false
		}
		if out := w.e.String(s); out != s {
			w.flush(start)
			w.dst = w.e.AppendJSONString(w.dst, out)
			w.copied = w.i
		}
		return true
	case c == '-' || isDigit(c):
		start := w.i
		for w.i < len(w.src) && bytes.IndexByte([]byte("+-.eE0123456789"), w.src[w.i]) >= 0 {
			w.i++
		}
		num := view(w.src[start:w.i])
		if !jsonNumber(num) {
			return false
		}
		if out := w.e.String(num); out != num {
			w.flush(start)
			w.dst = w.e.AppendJSONString(w.dst, out)
			w.copied = w.i
		}
		return true
	default:
		for _, lit := range [...]string{"true", "false", "null"} {
			if bytes.HasPrefix(w.src[w.i:], []byte(lit)) {
				w.i += len(lit)
				return true
			}
		}
		return false
	}
}

func (w *jsonWalker) object(depth int) bool {
	w.i++ // '{'
	w.ws()
	if w.i < len(w.src) && w.src[w.i] == '}' {
		w.i++
		return true
	}
	for {
		w.ws()
		if w.i >= len(w.src) || w.src[w.i] != '"' {
			return false
		}
		key, ok := w.str()
		if !ok {
			return false
		}
		w.ws()
		if w.i >= len(w.src) || w.src[w.i] != ':' {
			return false
		}
		w.i++
		w.ws()
		start := w.i
		if w.e.IsSensitiveKey(key) {
			// Read the value to find its end, then put the marker in
			// its place, whatever it was.
			saved, savedCopied := len(w.dst), w.copied
			if !w.value(depth + 1) {
				return false
			}
			w.dst, w.copied = w.dst[:saved], savedCopied
			w.flush(start)
			w.dst = append(w.dst, `"`+Redacted+`"`...)
			w.copied = w.i
		} else if !w.value(depth + 1) {
			return false
		}
		if more, ok := w.next('}'); !more {
			return ok
		}
	}
}

// next reads what follows a member of an array or object: a ',' (more
// members follow) or the closing byte (ok, no more); anything else is a
// syntax error.
func (w *jsonWalker) next(closing byte) (more, ok bool) {
	w.ws()
	if w.i >= len(w.src) {
		return false, false
	}
	switch w.src[w.i] {
	case ',':
		w.i++
		return true, true
	case closing:
		w.i++
		return false, true
	}
	return false, false
}

// str reads the string at w.i and returns it decoded.
func (w *jsonWalker) str() (string, bool) {
	w.i++ // opening quote
	start := w.i
	escaped := false
	for w.i < len(w.src) {
		switch c := w.src[w.i]; {
		case c == '"':
			raw := w.src[start:w.i]
			w.i++
			if !escaped {
				return view(raw), true
			}
			return unescape(raw)
		case c == '\\':
			escaped = true
			w.i += 2
		case c < ' ':
			return "", false
		default:
			w.i++
		}
	}
	return "", false
}

// unescape decodes the body of a JSON string.
func unescape(raw []byte) (string, bool) {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		if i >= len(raw) {
			return "", false
		}
		switch raw[i] {
		case '"', '\\', '/':
			b = append(b, raw[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(raw[i+1:])
			if !ok {
				return "", false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(raw[min(i+3, len(raw)):]); ok && i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", false
		}
	}
	return string(b), true
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case isDigit(c):
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// view returns the bytes of b as a string without copying them. The
// walker only looks at such a string while it reads src, which nothing
// writes to meanwhile; what it keeps, it copies into dst.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// jsonNumber reports whether s is a number by JSON's grammar.
func jsonNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i == len(s)
}
