package redact

import "sync"

// Markers replace what was removed. Each says what kind of thing was there,
// so a scrubbed line stays useful to the person reading it.
const (
	// Email replaces an email address.
	Email = "[email]"
	// Token replaces a bearer token or a JSON Web Token.
	Token = "[token]"
	// IP replaces an IPv4 or IPv6 address.
	IP = "[ip]"
	// Redacted replaces a value stored under a sensitive key.
	Redacted = "[redacted]"
	// Credentials replaces URL userinfo (user:password@) and the
	// base64 part of a Basic authorization.
	Credentials = "[credentials]"
	// Card replaces a payment card number.
	Card = "[card]"
	// IBAN replaces an international bank account number.
	IBAN = "[iban]"
	// Phone replaces a telephone number.
	Phone = "[phone]"
	// IDNumber replaces a national identity number (a US social security
	// number).
	IDNumber = "[id-number]"
	// Secret replaces a credential of a well-known service, recognised by
	// its vendor prefix (GitHub, GitLab, Stripe, Slack, AWS, Google, ...).
	Secret = "[secret]"
	// PrivateKey replaces a PEM private key block.
	PrivateKey = "[private-key]"
)

// Options configure an [Engine]. The zero value (or a nil *Options) gives
// the defaults: the built-in key list and IP addresses removed.
type Options struct {
	// Keys are extra sensitive key names, matched like the built-in ones
	// (case, '-', '_' and '.' folded; the last dotted segment counts too).
	Keys []string
	// KeepIPs leaves IP addresses in place and stops treating the IP keys
	// (ip, client_ip, remote_addr, x-forwarded-for, ...) as sensitive. It
	// exists for LOG_CLIENT_IP=true, the one way an IP may reach a log.
	KeepIPs bool
}

// Engine scrubs personal data and secrets out of strings and values. It is
// immutable after [New] and safe for concurrent use.
type Engine struct {
	keys    map[string]struct{} // the caller's extra names, folded
	keepIPs bool
}

// New returns an engine configured by opts; nil means defaults.
func New(opts *Options) *Engine {
	if opts == nil {
		opts = &Options{}
	}
	e := &Engine{keepIPs: opts.KeepIPs}
	for _, k := range opts.Keys {
		var buf [maxFold]byte
		if f, ok := fold(buf[:0], k); ok && len(f) > 0 {
			if e.keys == nil {
				e.keys = make(map[string]struct{})
			}
			e.keys[string(f)] = struct{}{}
		}
	}
	return e
}

var defaultEngine = sync.OnceValue(func() *Engine { return New(nil) })

// Default returns the shared engine with default options.
func Default() *Engine { return defaultEngine() }

// maxFold bounds the folded key length looked up in the key set; longer
// keys are judged by their last segment and their suffix only.
const maxFold = 64

// foldTab maps a key byte to its folded form, or to 0 when folding drops it.
var foldTab = func() (t [256]byte) {
	for c := range 256 {
		b := byte(c)
		switch {
		case b == '-' || b == '_' || b == '.':
		case isUpper(b):
			t[c] = b + 'a' - 'A'
		default:
			t[c] = b
		}
	}
	t[0] = 0xff // keep NUL distinct from "dropped"; no name contains it
	return t
}()

// fold appends the lower-cased key without '-', '_' and '.' to dst. It
// reports false when the result would not fit in maxFold bytes.
func fold(dst []byte, key string) ([]byte, bool) {
	for i := 0; i < len(key); i++ {
		c := foldTab[key[i]]
		if c == 0 {
			continue
		}
		if len(dst) == maxFold {
			return dst, false
		}
		dst = append(dst, c)
	}
	return dst, true
}

// IsSensitiveKey reports whether values stored under key must never be
// shown. Case, '-', '_' and '.' are folded before the lookup, so
// "X-Api-Key", "api_key" and "APIKEY" are the same key. The rule, in order:
//
//   - the whole folded key is a known name ("password", "x-forwarded-for");
//   - the last dotted segment is a known name ("user.email", "req.headers.cookie");
//   - the folded key ends in the name of a kind of personal data written
//     in several words: card number, credit card, phone number, mobile
//     number, email address, date of birth, birth date, social security
//     number ("credit_card_number", "user_email_address", "contactPhoneNumber");
//   - the key ends in a sensitive word after a separator or a camelCase
//     boundary: token, secret, password, passwd, passphrase, apikey, email,
//     authorization, cookie, phone, iban, ssn, cvv, cvc, otp, pin, and ip
//     unless KeepIPs ("csrf_token", "accessToken", "remote_ip", "card_cvv"),
//     or in session_id ("X-Session-Id", "userSessionID"), a session
//     credential by another name; or in key after a word that makes it a
//     credential ("apiKey", "aws_secret_access_key", "privateKey").
//
// "key" alone is not sensitive (cache and sort keys are everywhere), nor is
// a key that merely ends in Key ("groupKey", "ErrorCodeKey", "sort_key",
// "idempotency_key"), nor a word that merely contains a sensitive one:
// "session_count", "monkey", "bypass", "zip", "user_id", "status", "route".
func (e *Engine) IsSensitiveKey(key string) bool {
	if key == "" {
		return false
	}
	var buf [maxFold]byte
	if f, ok := fold(buf[:0], key); ok && (e.known(f) || personalSuffix(f)) {
		return true
	}
	if dot := lastIndexByte(key, '.'); dot > 0 && dot+1 < len(key) {
		if f, ok := fold(buf[:0], key[dot+1:]); ok && e.known(f) {
			return true
		}
	}
	// Only the suffix words ending in the key's last letter can match.
	switch key[len(key)-1] | 0x20 {
	case 'n':
		return hasWordSuffix(key, "token") || hasWordSuffix(key, "authorization") ||
			hasWordSuffix(key, "iban") || hasWordSuffix(key, "ssn") || hasWordSuffix(key, "pin")
	case 'v':
		return hasWordSuffix(key, "cvv")
	case 'c':
		return hasWordSuffix(key, "cvc")
	case '2':
		return hasWordSuffix(key, "cvv2")
	case 't':
		return hasWordSuffix(key, "secret")
	case 'd':
		return hasWordSuffix(key, "password") || hasWordSuffix(key, "passwd") ||
			sessionIDSuffix(key)
	case 'y':
		return hasWordSuffix(key, "apikey") || qualifiedKey(key)
	case 'l':
		return hasWordSuffix(key, "email")
	case 'e':
		return hasWordSuffix(key, "cookie") || hasWordSuffix(key, "passphrase") ||
			hasWordSuffix(key, "phone")
	case 'p':
		return !e.keepIPs && hasWordSuffix(key, "ip") || hasWordSuffix(key, "otp")
	}
	return false
}

// qualifiedKey reports a key that ends in the word "key" after a word that
// makes it a credential: "apiKey", "aws_secret_access_key", "privateKey",
// "X-Signing-Key". A key that merely ends in Key names a lookup key
// ("ErrorCodeKey", "groupKey", "sort_key", "cache_key") and is not one.
func qualifiedKey(key string) bool {
	if !hasWordSuffix(key, "key") {
		return false
	}
	q := key[:len(key)-3]
	for len(q) > 0 && (q[len(q)-1] == '-' || q[len(q)-1] == '_' || q[len(q)-1] == '.' || q[len(q)-1] == ' ') {
		q = q[:len(q)-1]
	}
	for _, w := range keyQualifiers {
		if len(q) == len(w) && hasFoldPrefix(q, w) || hasWordSuffix(q, w) {
			return true
		}
	}
	return false
}

// keyQualifiers are the words that make a "…key" a credential.
var keyQualifiers = [...]string{
	"api", "access", "secret", "private", "signing", "sign", "encryption",
	"master", "auth", "client", "license", "licence", "account", "storage",
	"ssh", "deploy", "session", "hmac", "jwt", "app", "consumer", "write",
	"subscription", "service", "crypto", "decryption", "root", "server",
}

// isAddressKey reports the keys that name a network address. In free text
// their value is left to the IP rule, so "IP: routing table full" keeps
// its words while "ip=10.0.0.1" still loses the address.
func isAddressKey(key string) bool {
	var buf [maxFold]byte
	f, ok := fold(buf[:0], key)
	if !ok {
		return false
	}
	switch string(f) {
	case "ip", "ipaddress", "clientip", "remoteaddr", "xforwardedfor", "xrealip":
		return true
	}
	return hasWordSuffix(key, "ip")
}

// known reports whether the folded key f is a sensitive name. The built-in
// names are a switch, which the compiler turns into a fast search; the map
// holds only the caller's extra names.
func (e *Engine) known(f []byte) bool {
	switch string(f) {
	case "password", "passwd", "pass", "pwd", "passphrase", "secret", "token",
		"accesstoken", "refreshtoken", "idtoken", "apikey", "accesskey",
		"secretkey", "privatekey", "clientsecret", "authorization", "proxyauthorization",
		"cookie", "setcookie", "session", "sessionid", "csrf", "email", "mail",
		"note", "notes", "description",
		// personal data that no log needs, whatever the application
		"phone", "phonenumber", "mobile", "ssn", "otp", "pin", "creditcard",
		"cardnumber", "cvv", "cvv2", "cvc", "iban", "dob", "dateofbirth", "birthdate":
		return true
	case "ip", "ipaddress", "clientip", "remoteaddr", "xforwardedfor", "xrealip":
		if !e.keepIPs {
			return true
		}
	}
	if len(e.keys) == 0 {
		return false
	}
	_, hit := e.keys[string(f)]
	return hit
}

// personalSuffix reports a folded key that ends in the name of a kind of
// personal data written in several words.
func personalSuffix(f []byte) bool {
	for _, w := range [...]string{"cardnumber", "creditcard", "phonenumber", "mobilenumber",
		"emailaddress", "dateofbirth", "birthdate", "socialsecuritynumber"} {
		if len(f) >= len(w) && string(f[len(f)-len(w):]) == w {
			return true
		}
	}
	return false
}

func lastIndexByte(s string, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// hasWordSuffix reports whether key ends with the lower-case word w (any
// case) and that word starts a new word: after '-', '_', '.', ' ', or at a
// camelCase boundary ("apiKey", "APIKey", "clientIP"). A key that is only w
// does not count; whole names are the key set's business.
func hasWordSuffix(key, w string) bool {
	n := len(key) - len(w)
	if n <= 0 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := key[n+i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	prev, first := key[n-1], key[n]
	switch {
	case prev == '-' || prev == '_' || prev == '.' || prev == ' ':
		return true
	case isUpper(first):
		// "apiKey", "user1Email": lower or digit before an upper.
		if isLower(prev) || isDigit(prev) {
			return true
		}
		// "APIKey": an upper followed by a lower starts a word.
		// "clientIP" was caught above; "VIP", "MONKEY" are one word.
		return len(w) > 1 && isLower(key[n+1])
	}
	return false
}

// sessionIDSuffix reports whether key ends in the words session and id,
// with or without a separator between them ("X-Session-Id",
// "user_session_id", "appSessionID"), after a word boundary; "session_id"
// alone is a known name already.
func sessionIDSuffix(key string) bool {
	n := len(key)
	if n < 3 || key[n-2]|0x20 != 'i' || key[n-1]|0x20 != 'd' {
		return false
	}
	k := key[:n-2]
	switch c := k[len(k)-1]; {
	case c == '-' || c == '_' || c == '.':
		return hasWordSuffix(k[:len(k)-1], "session")
	case key[n-2] == 'I':
		return hasWordSuffix(k, "session") // "SessionId", "SessionID"
	}
	return hasWordSuffix(key, "sessionid") // "x-sessionid"; "possessionid" is one word
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// KeyValue returns Redacted when key is sensitive, otherwise the scrubbed
// value.
func (e *Engine) KeyValue(key, value string) string {
	if e.IsSensitiveKey(key) {
		return Redacted
	}
	return e.String(value)
}
