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
	// cPlain marks the letters and digits that start nothing inside a
	// word: all of them but 'b', 'B' ("bearer", "basic"), 'J' ("eyJ")
	// and 'A' (AWS and Google keys).
	cPlain
	cLabel // may appear inside an email domain label: cDomain but '.' and 0xEF
	cWord  // glues onto a token: letters, digits, '_' (isWordByte)
	cUpper // A-Z
)

var class [256]uint16

// trig holds, for the scanner's inner loop, tTrig for the bytes worth a
// closer look and tEsc for those that JSON cannot take as they are
// (quotes, backslashes, control characters and every byte of a non-ASCII
// character), so that a clean string without them can be copied whole.
var trig [256]uint8

const (
	tTrig = 1 << iota
	tEsc
)

func init() {
	for c := 0; c < 256; c++ {
		var f uint16
		b := byte(c)
		alnum := isAlnum(b)
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
			if b != '.' && b != 0xEF {
				f |= cLabel
			}
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
		// Digits start cards, phones, IBAN check digits and ID numbers;
		// '_', '-', 'A' and '.' end or start vendor token prefixes; '\\',
		// '&', '[', '(', '{' and 0xEF (fullwidth forms) start a disguised '@'.
		if isDigit(b) || strings.IndexByte(":=@%.bBJA_-\\&[({", b) >= 0 || b == 0xEF {
			f |= cTrig
		}
		if alnum && indexByte("bBJA", b) < 0 {
			f |= cPlain
		}
		if isWordByte(b) {
			f |= cWord
		}
		if isUpper(b) {
			f |= cUpper
		}
		class[c] = f
		if f&cTrig != 0 {
			trig[c] |= tTrig
		}
		if b < ' ' || b == '"' || b == '\\' || b >= 0x80 {
			trig[c] |= tEsc
		}
		if f&cToken != 0 && inQuiet[c] == 0 {
			quietToken[c] = 1
		}
	}
}

func isAlnum(c byte) bool { return isDigit(c) || isLower(c) || isUpper(c) }

// isWordByte reports bytes that glue onto a token: letters, digits, '_'.
func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

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

	kvEnd      int  // key=value checks are pointless inside a value already removed
	jwtEnd     int  // end of the last base64url run examined for a JWT
	v4End      int  // end of the last chain of dotted numbers examined
	v6End      int  // end of the last hex-and-colon run examined
	emailFloor int  // local parts do not reach back past the previous '@' or %40
	urlAt      int  // the '@' that ended URL userinfo; not an email
	skipTo     int  // digits before this index were judged with their run
	pemEnd     int  // end of the last private key block removed
	esc        bool // a byte that JSON must escape was seen
	tokEnd     int  // end of the last vendor token body read
	quietEnd   int  // end of a token being removed whose bytes need no second look; see quiet
	quietFrom  int  // no byte of that token before this one needs a look
}

func newScanner(e *Engine, s string) scanner {
	return scanner{e: e, s: s, urlAt: -1}
}

// firstTrig returns the index of the first byte of s that the scanner
// would look at, len(s) when there is none. The scanner's state does not
// change over the bytes before it, so a scan may start there, and a string
// without any needs no scanner at all: nothing to remove, nothing to
// escape.
func firstTrig(s string) int {
	i := 0
	for i+4 <= len(s) && trig[s[i]]|trig[s[i+1]]|trig[s[i+2]]|trig[s[i+3]] == 0 {
		i += 4
	}
	for i < len(s) && trig[s[i]] == 0 {
		i++
	}
	return i
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
	qe := sc.quietEnd
	for sc.outN == 0 && i < len(s) {
		if i < qe {
			// Inside a token already being removed only digits and '='
			// can start something that reaches past it (see quiet).
			i = max(i, sc.quietFrom)
			for i < qe {
				for i+4 <= qe && inQuiet[s[i]]|inQuiet[s[i+1]]|inQuiet[s[i+2]]|inQuiet[s[i+3]] == 0 {
					i += 4
				}
				for i < qe && inQuiet[s[i]] == 0 {
					i++
				}
				if i == qe || quietLooks(s, i, sc.skipTo) {
					break
				}
				// A digit inside a word that can start nothing: skip the
				// word as below, without the round trip.
				i = wordEnd(s, i+1)
			}
			if i >= qe {
				continue
			}
		} else {
			for i+4 <= len(s) && trig[s[i]]|trig[s[i+1]]|trig[s[i+2]]|trig[s[i+3]] == 0 {
				i += 4
			}
			for i < len(s) && trig[s[i]] == 0 {
				i++
			}
			if i == len(s) {
				break
			}
		}
		c := s[i]
		if trig[c]&tEsc != 0 {
			sc.esc = true
			if trig[c]&tTrig == 0 {
				i++
				continue
			}
		}
		if class[c]&cDigit == 0 {
			if startsNothing(s, i) || startsNothingInWords(s, i) {
				i++
				continue
			}
			if c == '@' {
				// The one trigger that always starts something, handled
				// here rather than through look's dispatch.
				if i != sc.urlAt {
					sc.email(i, i+1, false)
				}
				sc.emailFloor = i + 1
				qe = sc.quietEnd
				i++
				continue
			}
			sc.look(i)
			qe = sc.quietEnd
			i++
			continue
		}
		if i > 0 && isWordByte(s[i-1]) {
			// Digits inside a word (hashes, identifiers) start nothing but
			// an IBAN's check digits after two capitals. Skip the rest of
			// the word up to the next byte that may start something.
			if i >= 2 && isUpper(s[i-1]) && isUpper(s[i-2]) && i >= sc.skipTo {
				j := i + 1
				for j < len(s) && isDigit(s[j]) {
					j++
				}
				sc.digits(i, j)
			}
			i++
			for i < len(s) && class[s[i]]&cPlain != 0 {
				i++
			}
			continue
		}
		// A run of digits is judged once, at its first digit.
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if i >= sc.skipTo && (j-i >= 3 || i > 0 && (s[i-1] == '+' || s[i-1] == '(') || s[i] == '1') && numberCandidate(s, i, j) {
			sc.digits(i, j)
		}
		i = j
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

// numberCandidate is a cheap first look at the run of digits s[i:j]: can
// it begin an IBAN, a card, a phone number or an SSN at all? Most numbers
// in logs (counts, statuses, sizes, parts of hashes) cannot.
func numberCandidate(s string, i, j int) bool {
	var prev, next byte
	if i > 0 {
		prev = s[i-1]
	}
	if j < len(s) {
		next = s[j]
	}
	if isWordByte(prev) {
		return i >= 2 && isUpper(prev) && isUpper(s[i-2])
	}
	switch n := j - i; {
	case prev == '+' || prev == '(':
		return true
	case n >= 13:
		return true
	case n == 3:
		return next == '-' || next == '.'
	case n == 4:
		// Grouped card numbers start with four digits and a group of
		// at least four more ("4111 1111", "3782 822463"); a date
		// ("2026-12-01") does not.
		return (next == ' ' || next == '-') && j+5 <= len(s) &&
			isDigit(s[j+1]) && isDigit(s[j+2]) && isDigit(s[j+3]) && isDigit(s[j+4])
	case n == 1:
		return s[i] == '1' && next == '-'
	}
	return false
}

// startsNothing reports, for the commonest triggers in ordinary text, that
// look would find that the byte s[i] starts nothing, from its neighbours
// alone: 'b' before neither 'e' ("bearer") nor 'a' ("basic"), '.' after
// neither a digit nor 'G', a bracket before anything but "at". next calls
// look only when it is false, which saves a call and a dispatch for most
// of these bytes (it is small enough to be inlined there). Each test here
// is implied by the conditions of its case in look; a detector added there
// for one of these bytes must relax the test here too.
func startsNothing(s string, i int) bool {
	switch s[i] {
	case 'b', 'B':
		// 'a' and 'e' (any case) are the bytes that read as 'a' once
		// bits 0x20 and 0x04 are set and cleared.
		return i+1 < len(s) && (s[i+1]|0x20)&^0x04 != 'a'
	case '.':
		return i == 0 || !isDigit(s[i-1]) && s[i-1] != 'G'
	case '[', '(', '{':
		return i+1 == len(s) || s[i+1]|0x20 != 'a'
	}
	return false
}

// startsNothingInWords is startsNothing for the triggers common inside
// words, dates, UUIDs and hostnames: '_' or '-' after no vendor prefix's
// last letter (and '-' before anything but a second '-', which could open
// a PEM block). The same rule holds: each test is implied by its case in
// look.
func startsNothingInWords(s string, i int) bool {
	switch s[i] {
	case '_':
		return i < 2 || prefixEnd[s[i-1]]&endsUnderscore == 0
	case '-':
		return i >= 2 && prefixEnd[s[i-1]]&endsDash == 0 && (i+1 == len(s) || s[i+1] != '-')
	}
	return false
}

// look runs the detectors that the non-digit byte s[i] can start.
func (sc *scanner) look(i int) {
	s := sc.s
	switch s[i] {
	// '@' is handled in next.
	case '%':
		if i+2 < len(s) && s[i+1] == '4' && s[i+2] == '0' {
			sc.email(i, i+3, false)
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
			for k > 0 && (isDigit(s[k-1]) || s[k-1] == '.' && k > 1 && isDigit(s[k-2])) {
				k--
			}
			sc.ipv4(k)
		} else if i >= 2 && (s[i-1] == 'G' || s[i-1] == '9') {
			sc.dotToken(i) // "SG." or "ya29."
		}
	case 'b', 'B':
		sc.authScheme(i)
	case 'J':
		// "eyJ" opens every JWT: base64 of `{"`.
		if i >= 2 && i-2 >= sc.jwtEnd && s[i-2] == 'e' && s[i-1] == 'y' {
			sc.jwt(i - 2)
		}
	case 'A':
		if i == 0 || !isAlnum(s[i-1]) {
			sc.capsToken(i)
		}
	case '_':
		if i >= 2 && prefixEnd[s[i-1]]&endsUnderscore != 0 {
			sc.underscoreToken(i)
		}
	case '-':
		if i+10 < len(s) && s[i+1] == '-' && (i == 0 || s[i-1] != '-') {
			sc.pem(i)
		} else if i >= 2 && prefixEnd[s[i-1]]&endsDash != 0 {
			sc.dashToken(i)
		}
	case '\\':
		// A JSON or C escape of '@': \u0040, \x40.
		if hasPrefix(s[i:], `\u0040`) {
			sc.email(i, i+6, false)
		} else if hasPrefix(s[i:], `\x40`) {
			sc.email(i, i+4, false)
		}
	case '&':
		// HTML character references for '@'.
		for _, ref := range [...]string{"&#64;", "&#x40;", "&#X40;", "&commat;"} {
			if hasPrefix(s[i:], ref) {
				sc.email(i, i+len(ref), false)
				break
			}
		}
	case '[', '(', '{':
		// "[at]", "(at)", "{at}": an '@' spelled out.
		if i+3 < len(s) && s[i+1]|0x20 == 'a' && s[i+2]|0x20 == 't' && s[i+3] == closer(s[i]) {
			sc.email(i, i+4, true)
		}
	case 0xEF:
		// Fullwidth COMMERCIAL AT (U+FF20) and SMALL COMMERCIAL AT (U+FE6B).
		if hasPrefix(s[i:], "\uff20") || hasPrefix(s[i:], "\ufe6b") {
			sc.email(i, i+3, false)
			sc.emailFloor = i + 3
		}
	}
}

func closer(open byte) byte {
	switch open {
	case '[':
		return ']'
	case '(':
		return ')'
	}
	return '}'
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

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
		// A token that runs to the end of s needs no look inside. Where s
		// ends in a byte no token has, it cannot, and is not walked twice.
		if class[s[len(s)-1]]&cToken != 0 {
			if k := tokenEnd(s, j); k == len(s) {
				sc.add(j, k, Token)
				sc.quietToEnd(k)
				return
			}
		}
		k, stop := bearerToken(s, j, sc.skipTo)
		sc.add(j, k, Token)
		if sc.quiet(j, k) {
			sc.quietFrom = stop
		}
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
			if k == len(s) {
				sc.quietToEnd(k)
			}
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
	sc.jwtEnd = k // the "eyJ" of the payload starts nothing more
	sc.add(i, k, Token)
	if k == len(s) || class[s[k]]&cToken == 0 {
		sc.quiet(i, k)
	}
}

// bearerToken reads the run of token bytes that starts at s[j] and
// returns its end k. It also returns the first index in s[j:k] where the
// scanner, skipping the token as quiet describes, would have to stop and
// look (k when there is none), so that the token is walked once: the
// loop below takes the same steps as the quiet loop in next, with the
// token's end found on the way instead of known in advance.
func bearerToken(s string, j, skipTo int) (k, stop int) {
	i := j
	for {
		for i+4 <= len(s) && quietToken[s[i]]&quietToken[s[i+1]]&quietToken[s[i+2]]&quietToken[s[i+3]] != 0 {
			i += 4
		}
		for i < len(s) && quietToken[s[i]] != 0 {
			i++
		}
		if i == len(s) || class[s[i]]&cToken == 0 {
			return i, i
		}
		// s[i] is a digit or '='.
		if quietLooks(s, i, skipTo) {
			return tokenEnd(s, i), i
		}
		i = wordEnd(s, i+1)
	}
}

// quietLooks reports whether s[i], a digit or '=' inside a quiet token,
// needs the scanner's look: '=' always, a digit unless it sits inside a
// word and is not an IBAN's check digits after two capitals. next's quiet
// loop and bearerToken both ask it, so that they take the same steps.
func quietLooks(s string, i, skipTo int) bool {
	if i == 0 || class[s[i]]&cDigit == 0 {
		return true
	}
	p := class[s[i-1]]
	return p&cWord == 0 || i >= 2 && p&class[s[i-2]]&cUpper != 0 && i >= skipTo
}

// wordEnd returns the end of the letters and digits from s[i] on that
// start nothing inside a word (see cPlain).
func wordEnd(s string, i int) int {
	for i < len(s) && class[s[i]]&cPlain != 0 {
		i++
	}
	return i
}

// tokenEnd returns the end of the run of token bytes that starts at s[k].
// Tokens are long, so it takes eight bytes at a time, then four, where it can.
func tokenEnd(s string, k int) int {
	for k+8 <= len(s) {
		b := s[k : k+8]
		if class[b[0]]&class[b[1]]&class[b[2]]&class[b[3]]&class[b[4]]&class[b[5]]&class[b[6]]&class[b[7]]&cToken == 0 {
			break
		}
		k += 8
	}
	for k+4 <= len(s) && class[s[k]]&class[s[k+1]]&class[s[k+2]]&class[s[k+3]]&cToken != 0 {
		k += 4
	}
	for k < len(s) && class[s[k]]&cToken != 0 {
		k++
	}
	return k
}

// quietToken marks the token bytes that a quiet skip passes over: the
// token alphabet but those in inQuiet. init fills it, after class.
var quietToken [256]uint8

// inQuiet marks the bytes that the scanner still looks at inside a quiet
// token: digits (card, phone and IBAN groups may go on past the token) and
// '=' (a key=value pair may).
var inQuiet = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	t['='] = 1
	return t
}()

// quiet lets the scanner skip most of s[a:k], a token it has just marked
// for removal: a bearer token, or a JWT that no byte of the token
// alphabet follows. The caller makes sure of
// three things: every byte of the token is in the token alphabet (letters,
// digits, "-._~+/="), the byte after it is not, and the byte before it
// cannot extend a word or a number into it (the space after "Bearer", the
// start of "eyJ"). Then no byte inside can start
// an email, a URL, an IPv6 address or an escape, and what its letters, '.',
// '-' and '_' start (a JWT, a vendor token, a dotted number) reads only
// that alphabet, so it lies inside the token, which goes anyway; the state
// those detectors keep (jwtEnd, tokEnd, v4End) only concerns the same run.
// What could reach past the end keeps its full look: digits (a card,
// phone or IBAN whose groups go on), '=' (key=value), and, by giving up
// on the skip, a token ending in "bearer" or "basic" (a scheme before the
// next word) or in "BEGIN" (a private key block).
//
// It reports whether the skip was granted. The skip starts at a; a caller
// that knows the first byte worth a look (see bearerToken) sets quietFrom.
func (sc *scanner) quiet(a, k int) bool {
	s := sc.s[a:k]
	if len(s) == 0 || hasFoldSuffixLoose(s, "bearer") || hasFoldSuffixLoose(s, "basic") || len(s) >= 5 && s[len(s)-5:] == "BEGIN" {
		return false
	}
	sc.quietEnd = k
	sc.quietFrom = a
	return true
}

// quietToEnd skips the rest of s from k on, the end of what has just been
// marked for removal when it runs to the end of s: the credentials after
// "Bearer" or "Basic", or an email address. quiet's digits and '=' are
// looked at only for what could reach past a token's end; here there is
// nothing past it. What those bytes start cannot reach back before the
// span either: the credentials follow the space or tab after the scheme,
// and an address's domain follows its '@', so it would lie inside the
// span and merge with it.
func (sc *scanner) quietToEnd(k int) {
	sc.quietEnd, sc.quietFrom = k, k
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
	if ke > 0 && isDigit(s[ke-1]) && len(sc.e.keys) == 0 {
		return // no built-in key ends in a digit: "21:22:33", "port 80:"
	}
	ks := ke
	for ks > 0 && class[s[ks-1]]&cKey != 0 {
		ks--
	}
	if ks == ke || !sc.e.IsSensitiveKey(s[ks:ke]) || isAddressKey(s[ks:ke]) {
		return
	}
	v := i + 1
	for v < len(s) && (s[v] == ' ' || s[v] == '\t') {
		v++
	}
	if v >= len(s) {
		return
	}
	if s[i] == ':' && v > i+1 && errorPrefix(s, ks, v) {
		return
	}
	if s[i] == ':' && (ke == i || s[ke] != '"') && (sameFold(s[ks:ke], "pass") && v > i+1 || sameFold(s[ks:ke], "session") && v == i+1) {
		// "--- PASS: TestX", "session:command": with a colon, these
		// common words are keys only when quoted, as in JSON.
		return
	}
	if flagValue(s, v) {
		return // "using password: YES" says whether there is one, not what
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

// errorPrefix reports whether the key at s[ks:] and the words from s[v]
// on read as a step of an error chain or a trace rather than an
// assignment: the key is the last word of a phrase or follows another
// step ("find token: ", "debug3: mm_auth_password: "), and what follows is
// a lower-case word with more text after it ("context canceled",
// "entering [preauth]", "invalid signature: ..."). "password: hunter2",
// "user password: s3cret" and "token: abc" stay assignments.
func errorPrefix(s string, ks, v int) bool {
	if ks < 2 || s[ks-1] != ' ' || !isLower(s[ks-2]) && s[ks-2] != ':' {
		return false
	}
	k := v
	for k < len(s) && isLower(s[k]) {
		k++
	}
	if k-v < 2 || k >= len(s) {
		return false
	}
	switch s[k] {
	case ':':
		return true
	case ' ':
		return k+1 < len(s) && s[k+1] != ' '
	}
	return false
}

// sameFold reports whether s is w (lower case) in any case.
func sameFold(s, w string) bool { return len(s) == len(w) && hasFoldPrefix(s, w) }

// flagValue reports a value that only says whether a secret is there:
// yes, no, true, false, none, null, nil, set, unset, any case, standing
// alone.
func flagValue(s string, v int) bool {
	k := v
	for k < len(s) && (isLower(s[k]) || isUpper(s[k])) {
		k++
	}
	if k-v < 2 || k-v > 5 || k < len(s) && !endsValue(s[k]) {
		return false
	}
	for _, w := range [...]string{"yes", "no", "true", "false", "none", "null", "nil", "set", "unset"} {
		if len(w) == k-v && hasFoldPrefix(s[v:k], w) {
			return true
		}
	}
	return false
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

// String returns s with personal data and secrets replaced by markers. It
// returns s itself, without allocating, when there was nothing to replace.
func (e *Engine) String(s string) string {
	k := firstTrig(s)
	if k == len(s) {
		return s
	}
	sc := newScanner(e, s)
	sc.i = k
	sp, ok := sc.next()
	if !ok {
		return s
	}
	return replaced(&sc, s, sp)
}

// replaced builds the scrubbed s from its first span on. The bytes go to
// the stack when they fit, so the result is the one allocation; it is a
// function of its own so that clean strings never pay for the buffer.
func replaced(sc *scanner, s string, sp span) string {
	var stack [256]byte
	b := stack[:0]
	last, ok := 0, true
	for ok {
		b = append(b, s[last:sp.start]...)
		b = append(b, sp.marker...)
		last = sp.end
		sp, ok = sc.next()
	}
	b = append(b, s[last:]...)
	return string(b)
}

// AppendChanged appends the scrubbed s to dst, unquoted, when s holds
// something to replace, and reports whether it did. When there is nothing
// to replace it returns dst as it was and false, without copying s, so a
// caller can gather the changed values of a record in one buffer and keep
// the clean ones as they are.
func (e *Engine) AppendChanged(dst []byte, s string) ([]byte, bool) {
	k := firstTrig(s)
	if k == len(s) {
		return dst, false
	}
	sc := newScanner(e, s)
	sc.i = k
	sp, ok := sc.next()
	if !ok {
		return dst, false
	}
	last := 0
	for ok {
		dst = append(dst, s[last:sp.start]...)
		dst = append(dst, sp.marker...)
		last = sp.end
		sp, ok = sc.next()
	}
	return append(dst, s[last:]...), true
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
