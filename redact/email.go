package redact

import "unicode/utf8"

// email checks the address whose '@', in any of its disguises, spans
// s[at:after]. spelled is set for "[at]" and its kin, where spaces may
// stand around the '@' and the domain's dots may be spelled too.
func (sc *scanner) email(at, after int, spelled bool) {
	s := sc.s
	floor := max(sc.flushed, sc.emailFloor)
	lend := at // end of the local part
	if spelled && lend > floor && s[lend-1] == ' ' {
		lend--
	}
	start := lend
	for start > floor && class[s[start-1]]&cLocal != 0 {
		start--
	}
	if !spelled && start == at && at > floor && s[at-1] == '"' {
		// A quoted local part: "john smith"@example.com.
		lo := max(floor, at-66)
		if q := lastIndexByte(s[lo:at-1], '"'); q >= 0 {
			q += lo
			if q < at-2 && indexByte(s[q+1:at-1], '\n') < 0 {
				start = q
			}
		}
	}
	if start == lend {
		return
	}
	d := after
	if spelled && d < len(s) && s[d] == ' ' {
		d++
	}
	end, ok := mailDomain(s, d, spelled)
	if !ok {
		return
	}
	sc.add(start, end, Email)
	if end == len(s) {
		// What the domain's bytes could start lies after the '@' and
		// inside the address: nothing is left to find.
		sc.quietToEnd(end)
	}
}

// mailDomain reads the domain that starts at s[d] and returns where it
// ends. It is a mail domain when it has at least two labels and its last
// label starts with a letter: "example.com", "bücher.de", "例子.广告", but
// not "v1.2.3" (a Go module version after '@'), a bare host, or an IPv4
// address. Labels are separated by '.', the fullwidth '．', and, when
// spelled, by "[dot]", "(dot)" or "{dot}" with optional spaces.
func mailDomain(s string, d int, spelled bool) (int, bool) {
	k := d
	labels, last, end := 0, -1, -1
	goodLast, goodEnd, goodLabels := -1, -1, 0
	for {
		if labels >= 2 {
			// The domain so far ends with a label that starts with a letter.
			if c := s[last]; c >= utf8.RuneSelf || isLower(c) || isUpper(c) {
				goodLast, goodEnd, goodLabels = last, end, labels
			}
		}
		ls := k
		for k < len(s) {
			if class[s[k]]&cLabel != 0 {
				k++
				continue
			}
			if s[k] != 0xEF || hasPrefix(s[k:], "\uff0e") || hasPrefix(s[k:], "\uff20") || hasPrefix(s[k:], "\ufe6b") {
				break // not a label byte, a fullwidth dot, or the next address's fullwidth '@'
			}
			k++
		}
		if k == ls {
			break
		}
		labels++
		last, end = ls, k
		switch {
		case k < len(s) && s[k] == '.':
			k++
			continue
		case k < len(s) && s[k] == 0xEF && hasPrefix(s[k:], "\uff0e"):
			k += 3
			continue
		case spelled:
			j := k
			if j < len(s) && s[j] == ' ' {
				j++
			}
			if j+4 < len(s) && (s[j] == '[' || s[j] == '(' || s[j] == '{') &&
				hasFoldPrefix(s[j+1:], "dot") && s[j+4] == closer(s[j]) {
				j += 5
				if j < len(s) && s[j] == ' ' {
					j++
				}
				k = j
				continue
			}
		}
		break
	}
	if labels >= 2 {
		if c := s[last]; c >= utf8.RuneSelf || isLower(c) || isUpper(c) {
			goodLast, goodEnd, goodLabels = last, end, labels
		}
	}
	// Labels after the last one that starts with a letter are not part
	// of the domain ("example.org.0").
	if goodEnd < 0 {
		return 0, false
	}
	last, end = goodLast, goodEnd
	// A trailing '-' is punctuation, and so is text glued after an ASCII
	// top-level domain ("example.comまで").
	for end > last && s[end-1] == '-' {
		end--
	}
	if end == last {
		return 0, false
	}
	// A file extension ends a one-label name ("rabbit@localhost.log"); after
	// a domain of several labels it is glued to an address
	// ("bob@mail.example.co.uk.XML"), which is still removed.
	if (notMailTLD(s[last:end]) && goodLabels < 3) || sshName(s[d:end]) {
		return 0, false
	}
	if s[last] < utf8.RuneSelf {
		for j := last; j < end; j++ {
			if s[j] >= utf8.RuneSelf {
				end = j
				break
			}
		}
	}
	return end, true
}

// userinfo removes "user:password" from "scheme://user:password@host"; a is
// the first byte after "://". A user name without a password is a system's
// name ("amqp://queue@broker", "akka.tcp://System@host") and stays, unless
// it is an email address, which the email rule removes.
func (sc *scanner) userinfo(a int) {
	s := sc.s
	at, ats, colon := -1, 0, -1
	for k := a; k < len(s); k++ {
		c := s[k]
		if c <= ' ' || indexByte("/?#\"'<>\\", c) >= 0 {
			break
		}
		switch c {
		case '@':
			at = k
			ats++
		case ':':
			if colon < 0 {
				colon = k
			}
		}
	}
	if at <= a {
		return
	}
	if colon < 0 || colon > at {
		if ats == 1 {
			sc.urlAt = at // the host after a lone user is not an email domain
		}
		return
	}
	sc.add(a, at, Credentials)
	// The host after a lone '@' is not an email domain. With more than one
	// '@' the userinfo may hold an address whose domain ends up looking like
	// the host: let the email rule take it too.
	if ats == 1 {
		sc.urlAt = at
	}
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// notMailTLD reports endings that are file extensions or systemd unit
// types and no top-level domain, so that "rabbit@localhost.log" (an
// Erlang node's log file) and "getty@tty1.service" (a unit) are not taken
// for addresses. Endings that are real top-level domains (.sh, .zip,
// .target) are not in the list: an address there is still removed.
func notMailTLD(tld string) bool {
	if len(tld) > 9 {
		return false
	}
	var buf [9]byte
	for i := 0; i < len(tld); i++ {
		c := tld[i]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(tld)]) {
	case "log", "txt", "json", "yaml", "yml", "toml", "conf", "cfg", "ini", "xml",
		"htm", "js", "css", "go", "rb", "java", "class", "jar", "dll", "exe", "bin",
		"dat", "db", "sql", "lock", "pid", "sock", "tmp", "bak", "gz", "tar", "deb",
		"rpm", "md", "c", "h", "cc", "cpp", "hpp", "o", "service", "socket", "mount",
		"automount", "timer", "slice", "scope", "path", "device", "swap":
		return true
	}
	return false
}

// sshName reports the domains under which SSH names its own algorithms
// and extensions ("chacha20-poly1305@openssh.com", RFC 4250 §4.6.1).
func sshName(domain string) bool {
	return domain == "openssh.com" || domain == "libssh.org"
}
