package redact

import "strings"

// Token bodies: which bytes may follow a vendor prefix.
const (
	bodyAlnum    = iota // A-Z a-z 0-9
	bodyWord            // and '_'
	bodyDash            // and '-'
	bodyWordDash        // and '_' and '-'
	bodyB64             // base64 of either alphabet, with padding
	bodyUpper           // A-Z 0-9
	bodyHex             // 0-9 a-f
)

// prefixEnd marks the letters that end a vendor prefix before its '_' or
// '-', so that most underscores and dashes cost one lookup.
const (
	endsUnderscore = 1 << iota
	endsDash
)

var prefixEnd = func() (t [256]uint8) {
	for _, p := range []string{"ghp", "gho", "ghu", "ghs", "ghr", "github", "sk", "rk", "whsec", "npm",
		"phx", "phc", "sntrys", "sntryu", "shpat", "shpss", "shpca", "shppa", "hf", "dop"} {
		t[p[len(p)-1]] |= endsUnderscore
	}
	for _, p := range []string{"glpat", "xoxb", "xoxp", "xoxa", "xoxr", "xoxs", "xoxe", "xapp", "sk", "GOCSPX", "pypi"} {
		t[p[len(p)-1]] |= endsDash
	}
	return t
}()

func inBody(set int, c byte) bool {
	switch set {
	case bodyAlnum:
		return isAlnum(c)
	case bodyWord:
		return isWordByte(c)
	case bodyDash:
		return isAlnum(c) || c == '-'
	case bodyWordDash:
		return isWordByte(c) || c == '-'
	case bodyB64:
		return isWordByte(c) || c == '-' || c == '+' || c == '/' || c == '='
	case bodyUpper:
		return isUpper(c) || isDigit(c)
	case bodyHex:
		return isDigit(c) || 'a' <= c && c <= 'f'
	}
	return false
}

// vendorToken removes the token at s[w:] when, after its prefix of plen
// bytes, at least minLen bytes of the body set follow (exactly minLen when
// exact), with a digit among them when digit is set.
func (sc *scanner) vendorToken(w, plen, set, minLen int, exact, digit bool) {
	s := sc.s
	if w < sc.tokEnd {
		return // inside a token body already read ("sk-sk-sk-…")
	}
	k := w + plen
	hasDigit := false
	for k < len(s) && inBody(set, s[k]) {
		hasDigit = hasDigit || isDigit(s[k])
		k++
	}
	sc.tokEnd = k
	n := k - w - plen
	if n < minLen || exact && (n != minLen || k < len(s) && isAlnum(s[k])) || digit && !hasDigit {
		return
	}
	sc.add(w, k, Secret)
}

// wordBefore returns the start of the run of at most max letters and
// digits that ends at s[i], or -1 when there is none or it is glued to a
// longer word.
func wordBefore(s string, i, max int) int {
	w := i
	for w > 0 && i-w < max && isAlnum(s[w-1]) {
		w--
	}
	if w == i || w > 0 && isAlnum(s[w-1]) {
		return -1
	}
	return w
}

// underscoreToken looks for a vendor token whose prefix ends in the '_'
// at s[i]: GitHub, Stripe, npm, PostHog, Sentry, Shopify, Hugging Face and
// DigitalOcean tokens.
func (sc *scanner) underscoreToken(i int) {
	s := sc.s
	w := wordBefore(s, i, 6)
	if w < 0 {
		return
	}
	switch word := s[w:i]; word {
	case "ghp", "gho", "ghu", "ghs", "ghr":
		sc.vendorToken(w, 4, bodyAlnum, 30, false, false)
	case "github":
		if hasPrefix(s[i:], "_pat_") {
			sc.vendorToken(w, 11, bodyWord, 40, false, false)
		}
	case "sk", "rk":
		if hasPrefix(s[i:], "_live_") || hasPrefix(s[i:], "_test_") {
			sc.vendorToken(w, 8, bodyAlnum, 16, false, false)
		}
	case "whsec":
		sc.vendorToken(w, 6, bodyB64, 16, false, false)
	case "npm":
		sc.vendorToken(w, 4, bodyAlnum, 30, false, false)
	case "phx", "phc":
		sc.vendorToken(w, 4, bodyAlnum, 20, false, false)
	case "sntrys", "sntryu":
		sc.vendorToken(w, 7, bodyB64, 20, false, false)
	case "shpat", "shpss", "shpca", "shppa":
		sc.vendorToken(w, 6, bodyHex, 32, false, false)
	case "hf":
		sc.vendorToken(w, 3, bodyAlnum, 30, false, false)
	case "dop":
		if hasPrefix(s[i:], "_v1_") {
			sc.vendorToken(w, 7, bodyHex, 64, false, false)
		}
	}
}

// dashToken looks for a vendor token whose prefix ends in the '-' at
// s[i]: GitLab, Slack, OpenAI-style, Google OAuth client secrets and PyPI.
func (sc *scanner) dashToken(i int) {
	s := sc.s
	w := wordBefore(s, i, 6)
	if w < 0 {
		return
	}
	switch s[w:i] {
	case "glpat":
		sc.vendorToken(w, 6, bodyWordDash, 20, false, false)
	case "xoxb", "xoxp", "xoxa", "xoxr", "xoxs", "xoxe", "xapp":
		sc.vendorToken(w, 5, bodyDash, 10, false, false)
	case "sk":
		// OpenAI and Anthropic keys: "sk-proj-…", "sk-ant-…", or "sk-"
		// and 32 or more letters and digits. "sk-ssh-ed25519@openssh.com"
		// is an SSH algorithm.
		for _, p := range [...]string{"proj-", "ant-", "svcacct-", "admin-"} {
			if hasPrefix(s[i+1:], p) {
				sc.vendorToken(w, 3+len(p), bodyWordDash, 20, false, false)
				return
			}
		}
		sc.vendorToken(w, 3, bodyAlnum, 32, false, true)
	case "GOCSPX":
		sc.vendorToken(w, 7, bodyWordDash, 20, false, false)
	case "pypi":
		sc.vendorToken(w, 5, bodyWordDash, 50, false, false)
	}
}

// dotToken looks for a token whose prefix ends in the '.' at s[i]:
// SendGrid keys ("SG.<22>.<43>") and Google OAuth access tokens ("ya29.").
func (sc *scanner) dotToken(i int) {
	s := sc.s
	switch s[i-1] {
	case 'G':
		if w := wordBefore(s, i, 2); w >= 0 && s[w:i] == "SG" {
			k := i + 1
			for k < len(s) && (isWordByte(s[k]) || s[k] == '-') {
				k++
			}
			if k-i-1 != 22 || k >= len(s) || s[k] != '.' {
				return
			}
			k++
			e := k
			for e < len(s) && (isWordByte(s[e]) || s[e] == '-') {
				e++
			}
			if e-k == 43 {
				sc.add(w, e, Secret)
			}
		}
	case '9':
		if w := wordBefore(s, i, 4); w >= 0 && s[w:i] == "ya29" {
			sc.vendorToken(w, 5, bodyWordDash, 20, false, false)
		}
	}
}

// capsToken looks at a word starting with 'A' at s[i] for AWS access key
// IDs (AKIA or ASIA and 16 capitals or digits) and Google API keys (AIza
// and 35 more).
func (sc *scanner) capsToken(i int) {
	s := sc.s
	if i+4 > len(s) {
		return
	}
	switch s[i : i+4] {
	case "AKIA", "ASIA":
		sc.vendorToken(i, 4, bodyUpper, 16, true, false)
	case "AIza":
		sc.vendorToken(i, 4, bodyWordDash, 35, true, false)
	}
}

// pem removes a PEM private key block that begins at s[i], through its
// END line; a block cut short runs to the end of s. Certificates and
// public keys are not secrets and stay.
func (sc *scanner) pem(i int) {
	s := sc.s
	if i < sc.pemEnd {
		return
	}
	d := i
	for d < len(s) && s[d] == '-' {
		d++
	}
	if d-i < 5 || !hasPrefix(s[d:], "BEGIN ") {
		return
	}
	ls := d + len("BEGIN ")
	le := strings.Index(s[ls:min(len(s), ls+64)], "-----")
	if le < 0 || !strings.Contains(s[ls:ls+le], "PRIVATE KEY") {
		return
	}
	after := ls + le + 5
	end := len(s)
	if e := strings.Index(s[after:], "-----END "); e >= 0 {
		e += after + len("-----END ")
		if c := strings.Index(s[e:min(len(s), e+64)], "-----"); c >= 0 {
			end = e + c + 5
		}
	}
	sc.pemEnd = end
	sc.add(i, end, PrivateKey)
}
