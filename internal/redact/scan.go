package redact

import "strings"

// The scanner walks a string once, left to right. Most bytes cost one table
// lookup; only bytes that can start or end something worth removing (a
// digit, a hex letter, ':', '=', '@', '%', 'b', 'e') make a detector look at
// their neighbourhood. Detectors are independent: each reports the span it
// would remove, and overlapping or touching spans are merged, so a secret
// that other bytes glue onto (letters before an email, a key before a
// token) is still removed whole. Detectors only start at the first byte of a
// run they care about, which keeps the total work linear in the input.

// Byte classes.
const (
	cDigit  = 1 << iota // 0-9
	cHex                // 0-9 a-f A-F
	cLocal              // may appear in an email local part
	cDomain             // may appear in an email domain
	cToken              // may appear in a bearer token (RFC 6750 b64token)
	cB64URL             // base64url alphabet (JWT parts)
	cKey                // may appear in a key name
	cTrig               // worth a closer look
)

var class [256]uint8

func init() {
	for c := 0; c < 256; c++ {
		var f uint8
		b := byte(c)
		alnum := isDigit(b) || isLower(b) || isUpper(b)
		if isDigit(b) {
			f |= cDigit
		}
		if isDigit(b) || ('a' <= b && b <= 'f') || ('A' <= b && b <= 'F') {
			f |= cHex
		}
		if alnum || strings.IndexByte("._%+-", b) >= 0 || b >= 0x80 {
			f |= cLocal
		}
		if alnum || b == '.' || b == '-' || b >= 0x80 {
			f |= cDomain
		}
		if alnum || strings.IndexByte("-._~+/=", b) >= 0 {
			f |= cToken
		}
		if alnum || b == '-' || b == '_' {
			f |= cB64URL
		}
		if alnum || b == '_' || b == '.' || b == '-' {
			f |= cKey
		}
		if strings.IndexByte(":=@%.bBJ", b) >= 0 {
			f |= cTrig
		}
		class[c] = f
	}
}

func isV6(c byte) bool { return class[c]&cHex != 0 || c == ':' || c == '.' }

type span struct {
	start, end int
	marker     string
}

// scanner yields the merged spans to replace, in order.
type scanner struct {
	e *Engine
	s string
	i int // next byte to examine

	flushed int // end of the last span handed out; nothing before it changes
	pend    span
	hasPend bool
	out     [4]span // spans ready to hand out
	outN    int
	outH    int

	kvEnd      int // key=value checks are pointless inside a value already removed
	jwtEnd     int // end of the last base64url run examined for a JWT
	v4End      int // end of the last chain of dotted numbers examined
	v4Floor    int // where a chain cut short resumes
	v6End      int // end of the last hex-and-colon run examined
	emailFloor int // local parts do not reach back past the previous '@' or %40
	urlAt      int // the '@' that ended URL userinfo; not an email
}

func newScanner(e *Engine, s string) scanner {
	return scanner{e: e, s: s, urlAt: -1}
}

// add records that s[start:end] must become marker.
func (sc *scanner) add(start, end int, marker string) {
	if start < sc.flushed {
		start = sc.flushed
	}
	if start >= end {
		return
	}
	if sc.hasPend {
		if start <= sc.pend.end {
			sc.pend.start = min(sc.pend.start, start)
			sc.pend.end = max(sc.pend.end, end)
			return
		}
		sc.push(sc.pend)
	}
	sc.pend = span{start, end, marker}
	sc.hasPend = true
}

func (sc *scanner) push(sp span) {
	sc.out[(sc.outH+sc.outN)%len(sc.out)] = sp
	sc.outN++
	sc.flushed = sp.end
}

func (sc *scanner) pop() span {
	sp := sc.out[sc.outH]
	sc.outH = (sc.outH + 1) % len(sc.out)
	sc.outN--
	return sp
}

// next returns the next span to replace; ok is false when there is none.
func (sc *scanner) next() (sp span, ok bool) {
	s := sc.s
	i := sc.i
	for sc.outN == 0 && i < len(s) {
		c := s[i]
		i++
		if class[c]&cTrig != 0 {
			sc.look(i - 1)
		}
	}
	sc.i = i
	if sc.outN > 0 {
		return sc.pop(), true
	}
	if sc.hasPend {
		sc.hasPend = false
		sc.flushed = sc.pend.end
		return sc.pend, true
	}
	return span{}, false
}

// look runs the detectors that byte i can start.
func (sc *scanner) look(i int) {
	s := sc.s
	switch s[i] {
	case '@':
		if i != sc.urlAt {
			sc.email(i, i+1)
		}
		sc.emailFloor = i + 1
	case '%':
		if i+2 < len(s) && s[i+1] == '4' && s[i+2] == '0' {
			sc.email(i, i+3)
			sc.emailFloor = i + 3
		}
	case '=':
		if i >= sc.kvEnd {
			sc.keyValue(i)
		}
	case ':':
		if i >= sc.kvEnd {
			sc.keyValue(i)
		}
		if i+2 < len(s) && s[i+1] == '/' && s[i+2] == '/' {
			sc.userinfo(i + 3)
		}
		if !sc.e.keepIPs && i >= sc.v6End {
			// An IPv6 address has a ':' within its first five bytes:
			// back up over the hex digits before the first one.
			k := i
			for k > 0 && i-k < 5 && class[s[k-1]]&cHex != 0 {
				k--
			}
			sc.ipv6(k)
		}
	case '.':
		// Two digits around a dot may be part of an IPv4 address: back
		// up to the first number of the chain, once per chain.
		if !sc.e.keepIPs && i >= sc.v4End && i > 0 && i+1 < len(s) && isDigit(s[i-1]) && isDigit(s[i+1]) {
			k := i - 1
			for k > sc.v4Floor && (isDigit(s[k-1]) || s[k-1] == '.' && k > 1 && isDigit(s[k-2])) {
				k--
			}
			sc.ipv4(k)
		}
	case 'b', 'B':
		sc.authScheme(i)
	case 'J':
		// "eyJ" opens every JWT: base64 of `{"`.
		if i >= 2 && i-2 >= sc.jwtEnd && s[i-2] == 'e' && s[i-1] == 'y' {
			sc.jwt(i - 2)
		}
	}
}

// email checks the address whose '@' (or "%40") spans s[at:after].
func (sc *scanner) email(at, after int) {
	s := sc.s
	floor := max(sc.flushed, sc.emailFloor)
	start := at
	for start > floor && class[s[start-1]]&cLocal != 0 {
		start--
	}
	if start == at && at > floor && s[at-1] == '"' {
		// A quoted local part: "john smith"@example.com.
		q := strings.LastIndexByte(s[max(floor, at-66):at-1], '"')
		if q >= 0 {
			q += max(floor, at-66)
			if q < at-2 && strings.IndexByte(s[q+1:at-1], '\n') < 0 {
				start = q
			}
		}
	}
	if start == at {
		return
	}
	end := after
	for end < len(s) && class[s[end]]&cDomain != 0 {
		end++
	}
	for end > after && (s[end-1] == '.' || s[end-1] == '-') {
		end--
	}
	if !mailDomain(s[after:end]) {
		return
	}
	sc.add(start, end, Email)
}

// mailDomain accepts a domain with a dot and a label after it that starts
// with a letter: "example.com", "mail.example.co.uk", but not "v1.2.3" (a Go
// module version after '@') nor a bare host.
func mailDomain(d string) bool {
	for i := 0; i+1 < len(d); i++ {
		if d[i] == '.' {
			c := d[i+1]
			if isLower(c) || isUpper(c) || c >= 0x80 {
				return i > 0
			}
		}
	}
	return false
}

// userinfo removes "user:password" from "scheme://user:password@host"; a is
// the first byte after "://".
func (sc *scanner) userinfo(a int) {
	s := sc.s
	at, ats := -1, 0
	for k := a; k < len(s); k++ {
		c := s[k]
		if c <= ' ' || strings.IndexByte("/?#\"'<>\\", c) >= 0 {
			break
		}
		if c == '@' {
			at = k
			ats++
		}
	}
	if at > a {
		sc.add(a, at, Credentials)
		// The host after a lone '@' is not an email domain. With more
		// than one '@' the userinfo may hold an address whose domain
		// ends up looking like the host: let the email rule take it too.
		if ats == 1 {
			sc.urlAt = at
		}
	}
}

// authScheme handles "Bearer <token>" and "Basic <base64>", any case, with
// or without letters glued before the scheme.
func (sc *scanner) authScheme(i int) {
	s := sc.s
	if i+6 < len(s) && hasFoldPrefix(s[i:], "bearer") {
		j := i + 6
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j == i+6 {
			return
		}
		k := j
		for k < len(s) && class[s[k]]&cToken != 0 {
			k++
		}
		sc.add(j, k, Token)
		return
	}
	if i+5 < len(s) && hasFoldPrefix(s[i:], "basic") {
		j := i + 5
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j == i+5 {
			return
		}
		k := j
		encoded := false
		for k < len(s) && (isDigit(s[k]) || isLower(s[k]) || isUpper(s[k]) || s[k] == '+' || s[k] == '/' || s[k] == '=') {
			c := s[k]
			if isDigit(c) || c == '+' || c == '/' || c == '=' || (k > j && isUpper(c)) {
				encoded = true
			}
			k++
		}
		// "Basic tier" is prose; "Basic dXNlcjpwYXNz" is not.
		if encoded && k-j >= 4 {
			sc.add(j, k, Credentials)
		}
	}
}

func hasFoldPrefix(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// jwt removes "eyJ<header>.<payload>.<signature>" starting at i.
func (sc *scanner) jwt(i int) {
	s := sc.s
	k := i
	for k < len(s) && class[s[k]]&cB64URL != 0 {
		k++
	}
	sc.jwtEnd = k
	if k-i < 5 || k >= len(s) || s[k] != '.' {
		return
	}
	k++
	p := k
	for k < len(s) && class[s[k]]&cB64URL != 0 {
		k++
	}
	if k == p || k >= len(s) || s[k] != '.' {
		return
	}
	k++
	for k < len(s) && class[s[k]]&cB64URL != 0 {
		k++
	}
	sc.add(i, k, Token)
}

// keyValue looks at the key before the separator s[i] ('=' or ':') and, when
// it is sensitive, removes the value after it.
func (sc *scanner) keyValue(i int) {
	s := sc.s
	ke := i
	for ke > 0 && (s[ke-1] == ' ' || s[ke-1] == '\t') {
		ke--
	}
	if ke > 0 && (s[ke-1] == '"' || s[ke-1] == '\'') {
		ke--
		if ke > 0 && s[ke-1] == '\\' {
			ke--
		}
	}
	ks := ke
	for ks > 0 && class[s[ks-1]]&cKey != 0 {
		ks--
	}
	if ks == ke || !sc.e.IsSensitiveKey(s[ks:ke]) {
		return
	}
	v := i + 1
	for v < len(s) && (s[v] == ' ' || s[v] == '\t') {
		v++
	}
	if v >= len(s) {
		return
	}
	var end int
	switch c := s[v]; {
	case c == '"' || c == '\'':
		v++
		end = closing(s, v, c)
	case c == '\\' && v+1 < len(s) && s[v+1] == '"':
		v += 2
		end = strings.Index(s[v:], `\"`)
		if end < 0 {
			end = lineEnd(s, v)
		} else {
			end += v
		}
	case c == '{' || c == '[':
		return // a nested object: its own keys decide
	case lineKey(s[ks:ke]):
		// Authorization and cookie values hold spaces and ';'.
		end = lineEnd(s, v)
	default:
		end = v
		for end < len(s) && !endsValue(s[end]) {
			end++
		}
	}
	if end > v {
		sc.add(v, end, Redacted)
		sc.kvEnd = end
	}
}

// closing finds the quote q that ends a quoted value starting at v,
// skipping backslash escapes; an unterminated value runs to the line end.
func closing(s string, v int, q byte) int {
	for k := v; k < len(s); k++ {
		switch s[k] {
		case '\\':
			k++
		case q:
			return k
		case '\n', '\r':
			return k
		}
	}
	return len(s)
}

func lineEnd(s string, v int) int {
	for k := v; k < len(s); k++ {
		if s[k] == '\n' || s[k] == '\r' {
			return k
		}
	}
	return len(s)
}

func endsValue(c byte) bool {
	return c <= ' ' || c == 0x7f || strings.IndexByte("&,;\"'<>)]}", c) >= 0
}

// lineKey reports header-like keys whose values contain spaces or ';'.
func lineKey(key string) bool {
	return hasFoldSuffixLoose(key, "authorization") || hasFoldSuffixLoose(key, "cookie")
}

// hasFoldSuffixLoose reports whether key ends with w, ignoring case.
func hasFoldSuffixLoose(key, w string) bool {
	return len(key) >= len(w) && hasFoldPrefix(key[len(key)-len(w):], w)
}

// ipv4 looks at the run of digits and dots starting at i. Any four
// dot-separated numbers whose middle two are at most 255 contain an IPv4
// address (the outer ones may have digits glued on), so the chain goes.
func (sc *scanner) ipv4(i int) {
	s := sc.s
	type group struct{ a, b int }
	var g [4]group
	n := 0
	j := i
	for {
		a := j
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		g[n%4] = group{a, j}
		n++
		if n >= 4 && octet(s[g[(n-3)%4].a:g[(n-3)%4].b]) && octet(s[g[(n-2)%4].a:g[(n-2)%4].b]) {
			sc.add(g[(n-4)%4].a, j, IP)
			if sc.outN > 0 {
				// A span is ready to hand out and the queue is small:
				// stop here. The next dot picks the chain up again from
				// its last three numbers, so no window is lost or seen
				// twice.
				sc.v4End = j
				sc.v4Floor = g[(n-3)%4].a
				return
			}
		}
		if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
			j++
			continue
		}
		sc.v4End = j
		return
	}
}

// octet reports whether d (all digits) is a number from 0 to 255.
func octet(d string) bool {
	if len(d) == 0 || len(d) > 3 {
		return false
	}
	v := 0
	for i := 0; i < len(d); i++ {
		v = v*10 + int(d[i]-'0')
	}
	return v <= 255
}

// ipv6 looks at the run of hex digits, colons and dots starting at i.
func (sc *scanner) ipv6(i int) {
	s := sc.s
	// Cheap rejection first: an IPv6 address has a ':' within its first
	// five bytes. This keeps words like "deadline" or "face" cheap.
	j := i
	for j < len(s) && j-i < 4 && class[s[j]]&cHex != 0 {
		j++
	}
	if j >= len(s) || s[j] != ':' {
		return
	}
	end := j
	for end < len(s) && isV6(s[end]) {
		end++
	}
	sc.v6End = end
	a, b := i, end
	for b > a && s[b-1] == '.' {
		b--
	}
	if b-a >= 2 && s[b-1] == ':' && s[b-2] != ':' {
		b-- // "addr 2001:db8::1: refused"
	}
	if b-a >= 2 && s[a] == ':' && s[a+1] != ':' {
		a++
	}
	if !ipv6Literal(s[a:b]) {
		return
	}
	if a > 0 && s[a-1] == '[' && b < len(s) && s[b] == ']' {
		a--
		b++
	}
	sc.add(a, b, IP)
}

// ipv6Literal validates an IPv6 address without a zone: eight groups, or
// fewer with one "::", optionally ending in an IPv4 address. A compressed
// address needs two groups unless it starts with "::" ("::1"), so "a::"
// or a lone "::" in prose are not taken.
func ipv6Literal(s string) bool {
	groups := 0
	dbl := false
	i := 0
	if strings.HasPrefix(s, "::") {
		dbl = true
		i = 2
		if i == len(s) {
			return false
		}
	} else if strings.HasPrefix(s, ":") {
		return false
	}
	for i < len(s) {
		j := i
		for j < len(s) && j-i < 5 && class[s[j]]&cHex != 0 {
			j++
		}
		if j < len(s) && s[j] == '.' {
			if !ipv4Literal(s[i:]) {
				return false
			}
			groups += 2
			break
		}
		if j == i || j-i > 4 {
			return false
		}
		groups++
		i = j
		if i == len(s) {
			break
		}
		if s[i] != ':' {
			return false
		}
		if i+1 < len(s) && s[i+1] == ':' {
			if dbl {
				return false
			}
			dbl = true
			i += 2
			if i == len(s) {
				break
			}
			continue
		}
		i++
		if i == len(s) {
			return false
		}
	}
	if dbl {
		return groups <= 7 && (groups >= 2 || strings.HasPrefix(s, "::"))
	}
	return groups == 8
}

func ipv4Literal(s string) bool {
	parts := 0
	for {
		k := 0
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if !octet(s[:k]) {
			return false
		}
		parts++
		s = s[k:]
		if len(s) == 0 {
			return parts == 4
		}
		if s[0] != '.' || parts == 4 {
			return false
		}
		s = s[1:]
	}
}

// String returns s with personal data and secrets replaced by markers. It
// returns s itself, without allocating, when there was nothing to replace.
func (e *Engine) String(s string) string {
	sc := newScanner(e, s)
	sp, ok := sc.next()
	if !ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	last := 0
	for ok {
		b.WriteString(s[last:sp.start])
		b.WriteString(sp.marker)
		last = sp.end
		sp, ok = sc.next()
	}
	b.WriteString(s[last:])
	return b.String()
}

// AppendString appends the scrubbed s to dst, unquoted.
func (e *Engine) AppendString(dst []byte, s string) []byte {
	sc := newScanner(e, s)
	last := 0
	for {
		sp, ok := sc.next()
		if !ok {
			break
		}
		dst = append(dst, s[last:sp.start]...)
		dst = append(dst, sp.marker...)
		last = sp.end
	}
	return append(dst, s[last:]...)
}
