package redact

import "net/netip"

// ipv4 judges the chain of dotted numbers that starts at s[i]. It is an
// IPv4 address when it is exactly four numbers of 0 to 255, is not glued to
// a further dot or digit on either side (a dot that ends a sentence does
// not count), and does not follow a version cue. Longer chains are object
// identifiers, build strings or versions ("1.3.6.1.4.1", "6.2.9200.16384").
func (sc *scanner) ipv4(i int) {
	s := sc.s
	var ends [4]int
	starts := [4]int{i}
	n, j := 0, i
	for {
		a := j
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if n < 4 {
			starts[n], ends[n] = a, j
		}
		n++
		if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
			j++
			continue
		}
		break
	}
	sc.v4End = j
	if n != 4 || i > 0 && (s[i-1] == '.' || s[i-1] == '_') || j < len(s) && s[j] == '_' {
		return
	}
	for k := range 4 {
		if !octet(s[starts[k]:ends[k]]) {
			return
		}
	}
	if versionCue(s, i) || revision(s, j) {
		return
	}
	if i > 0 && s[i-1] == '[' && j < len(s) && s[j] == ']' {
		i--
		j++
	}
	sc.add(i, j, IP)
}

// revision reports a package revision glued after four dotted numbers,
// as in the Debian version "1.7.4.4-2": a '-' and digits that do not go
// on into another dotted number (as the end of a range "10.0.0.1-10.0.0.9"
// does).
func revision(s string, j int) bool {
	if j+1 >= len(s) || s[j] != '-' || !isDigit(s[j+1]) {
		return false
	}
	k := j + 1
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	return k >= len(s) || s[k] != '.'
}

// versionCue reports whether the number at s[i] is introduced as a
// version: "v1.2.3.4", "~6.1.1.0" (Windows component strings), "version
// 6.1.7601.0", "ver=1.0.0.1", `"version":"1.2.3.4"`.
func versionCue(s string, i int) bool {
	if i == 0 {
		return false
	}
	switch c := s[i-1]; {
	case c == '~':
		return true
	case c == 'v' || c == 'V':
		return i == 1 || !isLower(s[i-2]) && !isUpper(s[i-2])
	case c == '/':
		// A browser's product token in a User-Agent: "Chrome/156.0.0.0".
		w := i - 1
		for w > 0 && i-1-w < 24 && isAlnum(s[w-1]) {
			w--
		}
		return productToken(s[w : i-1])
	}
	j := i
	for n := 0; n < 3 && j > 0 && indexByte(" =:\"'", s[j-1]) >= 0; n++ {
		j--
	}
	if j == i {
		return false
	}
	w := j
	for w > 0 && (isLower(s[w-1]) || isUpper(s[w-1])) {
		w--
	}
	switch j - w {
	case 7:
		return hasFoldPrefix(s[w:j], "version")
	case 3:
		return hasFoldPrefix(s[w:j], "ver")
	}
	return false
}

// productToken reports the names that browsers and their engines put
// before a version in a User-Agent ("HeadlessChrome/156.0.0.0").
func productToken(w string) bool {
	for _, p := range [...]string{"Chrome", "Chromium", "Firefox", "Safari", "Version", "Edg", "Edge",
		"OPR", "Opera", "WebKit", "Gecko", "Trident", "Electron", "Browser", "CriOS", "FxiOS", "Vivaldi"} {
		if len(w) >= len(p) && w[len(w)-len(p):] == p {
			return true
		}
	}
	return false
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

// ipv6 looks at the run of hex digits, colons and dots starting at i. The
// run must parse as an IPv6 address and stand as a token of its own: glued
// to a letter, digit or '_' it is a scope operator ("Widget::drawFrame",
// "std::vector", "onEvent::0") or part of a longer word. A decimal port
// glued on with a ':' that makes the run invalid ("::1:59064") stays.
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
	colons, dbl, dots := 0, false, false
	for end < len(s) && isV6(s[end]) {
		switch s[end] {
		case ':':
			colons++
			dbl = dbl || end > 0 && s[end-1] == ':'
		case '.':
			dots = true
		}
		end++
	}
	sc.v6End = end
	// Without "::" an address has seven colons, or six before an IPv4
	// tail: clocks ("19:38:41.123") and MAC addresses end here.
	if !dbl && colons < 7 && !(dots && colons == 6) {
		return
	}
	a, b := i, end
	for b > a && s[b-1] == '.' {
		b--
	}
	if b-a >= 2 && s[b-1] == ':' && s[b-2] != ':' {
		b-- // "addr 2001:db8::1: refused"
	}
	if b-a >= 2 && s[a] == ':' && s[a+1] != ':' {
		a++ // "addr:2001:db8::1"
	}
	if a > 0 && isWordByte(s[a-1]) || b < len(s) && isWordByte(s[b]) {
		return
	}
	if !ipv6Address(s[a:b]) {
		// "::1:59064": an address with its port glued on by a ':'.
		p := b
		for p > a && isDigit(s[p-1]) {
			p--
		}
		if b-p != 5 || p-a < 3 || s[p-1] != ':' || s[p-2] == ':' || !ipv6Address(s[a:p-1]) {
			return
		}
		b = p - 1
	}
	if a > 0 && s[a-1] == '[' && b < len(s) && s[b] == ']' {
		a--
		b++
	}
	sc.add(a, b, IP)
}

// ipv6Address reports whether s is an IPv6 address by both the engine's
// own rules and net/netip's.
func ipv6Address(s string) bool {
	if !ipv6Literal(s) {
		return false
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// ipv6Literal validates an IPv6 address without a zone: eight groups, or
// fewer with one "::", optionally ending in an IPv4 address. A compressed
// address needs two groups unless it starts with "::" ("::1"), so "a::"
// or a lone "::" in prose are not taken.
func ipv6Literal(s string) bool {
	groups := 0
	dbl := false
	i := 0
	if hasPrefix(s, "::") {
		dbl = true
		i = 2
		if i == len(s) {
			return false
		}
	} else if hasPrefix(s, ":") {
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
		// One group before a final "::" is a network ("2001::/16") when it
		// is 3 or 4 digits long; "a::" or "ab::" is more likely prose.
		return groups <= 7 && (groups >= 2 || hasPrefix(s, "::") || len(s) >= 5)
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
