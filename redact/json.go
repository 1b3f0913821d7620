package redact

import "unicode/utf8"

// AppendJSONString appends s to dst as a quoted JSON string, scrubbed. The
// escaping is the one log/slog's JSON handler uses: '"', '\\' and control
// characters escaped (\n, \r, \t by name, the others as \u00XX), invalid
// UTF-8 as \ufffd, U+2028 and U+2029 escaped, and '<', '>', '&' left as
// they are. It does not allocate when dst has room.
//
// Spans to replace always begin and end on ASCII bytes, so escaping the
// pieces between them gives the same bytes as escaping the whole.
func (e *Engine) AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	k := firstTrig(s)
	if k == len(s) {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	sc := newScanner(e, s)
	sc.i = k
	sp, ok := sc.next()
	if !ok && !sc.esc {
		// Nothing to remove and nothing to escape: the common case.
		dst = append(dst, s...)
		return append(dst, '"')
	}
	last := 0
	for ; ok; sp, ok = sc.next() {
		dst = appendEscaped(dst, s[last:sp.start])
		dst = append(dst, sp.marker...)
		last = sp.end
	}
	dst = appendEscaped(dst, s[last:])
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// jsonSafe marks the ASCII bytes that need no escaping.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainJSON marks the bytes that JSON takes as they are: printable ASCII
// other than '"' and '\\'.
var plainJSON = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func appendEscaped(dst []byte, s string) []byte {
	// Most log text is plain ASCII: find the first byte that is not, eight
	// at a time, and copy what comes before it in one go.
	i := 0
	for i+8 <= len(s) && plainJSON[s[i]] && plainJSON[s[i+1]] && plainJSON[s[i+2]] && plainJSON[s[i+3]] &&
		plainJSON[s[i+4]] && plainJSON[s[i+5]] && plainJSON[s[i+6]] && plainJSON[s[i+7]] {
		i += 8
	}
	for i < len(s) && plainJSON[s[i]] {
		i++
	}
	if i == len(s) {
		return append(dst, s...)
	}
	dst = append(dst, s[:i]...)
	s = s[i:]
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if jsonSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}
