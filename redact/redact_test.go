package redact

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"
)

// claim: L5
// claim: S2
func TestStringRemoves(t *testing.T) {
	e := Default()
	tests := []struct{ name, in, want string }{
		// Emails.
		{"email", "login failed for alice@example.com", "login failed for [email]"},
		{"email plus addressing", "to bob+tag@example.org now", "to [email] now"},
		{"email subdomain", "x carol@mail.eu.example.co.uk y", "x [email] y"},
		{"email upper case", "DAVE.SMITH@EXAMPLE.COM", "[email]"},
		{"email double quoted", `user "erin@example.com" exists`, `user "[email]" exists`},
		{"email single quoted", `user 'erin@example.com'`, `user '[email]'`},
		{"email angle brackets", "From: Frank <frank@example.com>", "From: Frank <[email]>"},
		{"email quoted local part", `"john smith"@example.com`, "[email]"},
		{"email url encoded", "/invite?to=alice%40example.com&x=1", "/invite?to=[email]&x=1"},
		{"email url encoded plus", "alice%2Bwork%40example.com", "[email]"},
		{"email url encoded upper", "ALICE%40EXAMPLE.COM", "[email]"},
		{"email in json", `{"user":"alice@example.com"}`, `{"user":"[email]"}`},
		{"email end of sentence", "sent to alice@example.com.", "sent to [email]."},
		{"email after equals", "from=alice@example.com", "from=[email]"},
		{"email mailto", "mailto:alice@example.com", "mailto:[email]"},
		{"email unicode local", "josé@example.com", "[email]"},
		{"two emails", "a@example.com, b@example.com", "[email], [email]"},
		{"email in error chain", "create user: insert: duplicate key alice@example.com: conflict", "create user: insert: duplicate key [email]: conflict"},

		// Bearer and Basic.
		{"bearer", "Authorization header was Bearer abc.def-ghi_123", "Authorization header was Bearer [token]"},
		{"bearer lower", "got bearer 0123456789abcdef", "got bearer [token]"},
		{"bearer upper", "BEARER tok3n/with+slash==", "BEARER [token]"},
		{"bearer tab", "Bearer\tsecrettoken", "Bearer\t[token]"},
		{"basic", "Basic dXNlcjpwYXNzd29yZA==", "Basic [credentials]"},
		{"basic lower", "sent basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== to", "sent basic [credentials] to"},

		// JWT.
		{"jwt", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk ok",
			"token [token] ok"},
		{"jwt unsigned", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "[token]"},
		{"jwt glued", "xxeyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.sig", "xx[token]"},

		// Sensitive key=value pairs.
		{"query string", "GET /login?token=abc123&password=hunter2&page=2", "GET /login?token=[redacted]&password=[redacted]&page=2"},
		{"form body", "user=bob&passwd=s3cr3t&remember=on", "user=bob&passwd=[redacted]&remember=on"},
		{"message colon", "password: hunter2", "password: [redacted]"},
		{"message equals", "retry with password=hunter2 later", "retry with password=[redacted] later"},
		{"message spaced equals", "password = hunter2", "password = [redacted]"},
		{"json pair", `{"password":"hun ter2","name":"x"}`, `{"password":"[redacted]","name":"x"}`},
		{"json pair spaced", `{"api_key": "k-123", "n": 1}`, `{"api_key": "[redacted]", "n": 1}`},
		{"json escaped", `body={\"password\":\"x y\"}`, `body={\"password\":\"[redacted]\"}`},
		{"single quoted", `secret='a b c'`, `secret='[redacted]'`},
		{"header key", "X-Api-Key: 9f8e7d", "X-Api-Key: [redacted]"},
		{"suffix key", "csrf_token=abc&client_secret=def", "csrf_token=[redacted]&client_secret=[redacted]"},
		{"camel key", "accessToken=abc", "accessToken=[redacted]"},
		{"dotted key", "user.email=someone", "user.email=[redacted]"},
		{"authorization line", "Authorization: Token abc def\nnext", "Authorization: [redacted]\nnext"},
		{"cookie line", "Cookie: _ga=GA1.2; sid=xyz", "Cookie: [redacted]"},
		{"set-cookie", "set-cookie=session=abc; Path=/; HttpOnly", "set-cookie=[redacted]"},
		{"session", "session=abc123", "session=[redacted]"},
		{"note", "note: call mum", "note: [redacted] mum"},

		// URL userinfo.
		{"userinfo", "dial https://user:pass@example.com/path", "dial https://[credentials]@example.com/path"},
		{"userinfo postgres ip", "postgres://app:pw@10.0.0.5:5432/db", "postgres://[credentials]@[ip]:5432/db"},
		{"userinfo holding an email", "https://alice@example.com:pw@host.example/", "https://[credentials]/"},

		// IPv4.
		{"ipv4", "from 192.168.1.20 ok", "from [ip] ok"},
		{"ipv4 port", "dial 1.2.3.4:8080", "dial [ip]:8080"},
		{"ipv4 end", "client 8.8.8.8.", "client [ip]."},
		{"ipv4 glued letters", "abc10.0.0.1xyz", "abc[ip]xyz"},
		{"ipv4 in list", "10.0.0.1,10.0.0.2", "[ip],[ip]"},
		{"ipv4 xff", "X-Forwarded-For: 203.0.113.7, 70.41.3.18", "X-Forwarded-For: [ip], [ip]"},
		{"ipv4 dotted quad version", "1.2.3.4", "[ip]"},

		// IPv6.
		{"ipv6 full", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "[ip]"},
		{"ipv6 compressed", "from 2001:db8::1 ok", "from [ip] ok"},
		{"ipv6 loopback", "listen ::1", "listen [ip]"},
		{"ipv6 mapped", "from ::ffff:192.0.2.1 ok", "from [ip] ok"},
		{"ipv6 bracketed port", "dial [2001:db8::1]:443", "dial [ip]:443"},
		{"ipv6 link local", "fe80::1ff:fe23:4567:890a%eth0", "[ip]%eth0"},
		{"ipv6 upper", "2001:DB8::ABCD", "[ip]"},
		{"ipv6 trailing colon", "dial 2001:db8::1: refused", "dial [ip]: refused"},
		{"ipv6 ending compressed", "2001:db8::", "[ip]"},

		// The scanner skips most of a token it is removing already; what
		// starts inside one and goes on past its end is still found.
		{"scheme ending a bearer token", "Bearer xbearer secretvalue", "Bearer [token] [token]"},
		{"basic ending a bearer token", "Bearer xbasic dXNlcjpwYXNz", "Bearer [token] [credentials]"},
		{"key=value inside a bearer token", `Bearer x.password="hunter2 two"`, `Bearer [token]"[redacted]"`},
		{"private key after a bearer token", "Bearer x-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3\n-----END RSA PRIVATE KEY----- after", "Bearer [token] after"},
		{"IBAN starting in a bearer token", "Bearer DE89 3704 0044 0532 0130 00 after", "Bearer [token] after"},
		{"scheme ending a JWT", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlbearer abc123 after", "token [token] [token] after"},
		{"scheme ending an email domain", "mail alice@example.xbearer tok123", "mail [email] [token]"},
		{"scheme ending basic credentials", "Basic dXNlcjpwYXNzbearer tok123 after", "Basic [credentials] [token] after"},
		{"bearer token running to the end", "Bearer x-4111.GB82=5+1/eyJ9", "Bearer [token]"},
		{"basic credentials running to the end", "auth Basic dXNlcjpw+4111==", "auth Basic [credentials]"},
		{"email running to the end", "request by alice.smith@example.com", "request by [email]"},

		// Several kinds in one line.
		{"mixed", "login failed for alice@example.com from 10.1.2.3", "login failed for [email] from [ip]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.String(tt.in); got != tt.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if got := string(e.AppendString([]byte("p:"), tt.in)); got != "p:"+tt.want {
				t.Errorf("AppendString(%q) = %q, want %q", tt.in, got, "p:"+tt.want)
			}
			if got, changed := e.AppendChanged([]byte("p:"), tt.in); changed != (tt.in != tt.want) || changed && string(got) != "p:"+tt.want || !changed && string(got) != "p:" {
				t.Errorf("AppendChanged(%q) = %q, %v, want %q", tt.in, got, changed, "p:"+tt.want)
			}
			checkJSON(t, e, tt.in, tt.want)
		})
	}
}

// checkJSON compares AppendJSONString with slog's own encoding of want.
func checkJSON(t *testing.T, e *Engine, in, want string) {
	t.Helper()
	got := e.AppendJSONString(nil, in)
	if exp := slogJSON(t, want); string(got) != exp {
		t.Errorf("AppendJSONString(%q)\n got %s\nwant %s", in, got, exp)
	}
}

// slogJSON returns s as log/slog's JSON handler writes a string value.
func slogJSON(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	h := slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey || a.Key == slog.LevelKey || a.Key == slog.MessageKey {
			return slog.Attr{}
		}
		return a
	}})
	r := slog.NewRecord(timeZero, slog.LevelInfo, "", 0)
	r.AddAttrs(slog.String("v", s))
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	out := strings.TrimSuffix(buf.String(), "\n")
	out = strings.TrimPrefix(out, `{"v":`)
	return strings.TrimSuffix(out, "}")
}

func TestStringKeeps(t *testing.T) {
	e := Default()
	tests := []struct{ name, in string }{
		{"duration", "took 1.5s"},
		{"duration ms", "duration=250ms"},
		{"duration hms", "uptime 1h2m3s"},
		{"duration fraction", "elapsed 1.234567ms"},
		{"version", "version 1.2.3"},
		{"version v", "go version v1.26.8"},
		{"go module version", "honnef.co/go/tools/cmd/staticcheck@v0.8.2"},
		{"route", "/api/v1/projects/{id}"},
		{"method route", "GET /api/v1/entries/{id}"},
		{"uuid", "id 550e8400-e29b-41d4-a716-446655440000"},
		{"request id", "request_id=01J9ZK3Q8V6XABCDEF"},
		{"rfc3339", "at 2026-11-26T19:38:41Z"},
		{"rfc3339 nano offset", "at 2026-11-26T19:38:41.123+01:00"},
		{"clock", "at 19:38:41"},
		{"integer", "count 1234567890"},
		{"sha256", "sum e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"sha256 colon", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"package path", "github.com/discreet-dev/discreet/redact.(*Engine).String"},
		{"file line", "/work/main/internal/redact/scan.go:123"},
		{"plain key value", "status: 200 method: GET route: /x"},
		{"plain pairs", "status=200 user_id=42 bytes=512 session_count=3 key=abc"},
		{"mac", "hw 00:1a:2b:3c:4d:5e"},
		{"userinfo user only", "ssh://git@example.com/repo"},
		{"ipv4 glued digits", "1231.2.3.45"},
		{"ip key without an address", "IP: routing table full"},
		{"error prefix naming a noun", "store: find token: context canceled"},
		{"mention", "ping @alice please"},
		{"prose", "the courier of news; a basic plan; email me later"},
		{"basic word", "Basic tier selected"},
		{"double colon prose", "Error:: retry"},
		{"cpp scope", "std::vector"},
		{"three part", "10.0.0 and 1.2.3-rc.1"},
		{"big middle", "1.256.3.4"},
		{"url", "https://example.com/a?b=c#d"},
		{"json clean", `{"level":"INFO","msg":"ok","status":200}`},
		{"empty", ""},
		{"unicode", "Grüße, 世界 — ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.String(tt.in); got != tt.in {
				t.Errorf("String(%q) = %q, want it unchanged", tt.in, got)
			}
			checkJSON(t, e, tt.in, tt.in)
		})
	}
}

func TestStringCleanDoesNotAllocate(t *testing.T) {
	e := Default()
	s := cleanLine
	if n := testing.AllocsPerRun(100, func() { _ = e.String(s) }); n != 0 {
		t.Errorf("String on a clean line: %v allocs, want 0", n)
	}
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { buf = e.AppendJSONString(buf[:0], emailLine) }); n != 0 {
		t.Errorf("AppendJSONString with room: %v allocs, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = e.IsSensitiveKey("X-Api-Key") }); n != 0 {
		t.Errorf("IsSensitiveKey: %v allocs, want 0", n)
	}
}

func TestAppendJSONStringEscaping(t *testing.T) {
	e := Default()
	tests := []struct{ name, in string }{
		{"controls", "a\x00b\x01c\x1f\b\f\n\r\t"},
		{"quotes", `say "hi" \ there`},
		{"html", "<a href='x'>&amp;</a>"},
		{"invalid utf8", "bad \xff\xfe byte \xc3"},
		{"line separators", "a\u2028b\u2029c"},
		{"del", "x\x7fy"},
		{"emoji", "ok 🙂"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkJSON(t, e, tt.in, tt.in)
			got := e.AppendJSONString(nil, tt.in)
			var back string
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("not valid JSON: %s: %v", got, err)
			}
			if utf8.ValidString(tt.in) && back != tt.in {
				t.Errorf("round trip %q, want %q", back, tt.in)
			}
		})
	}
	t.Run("escaping next to markers", func(t *testing.T) {
		in := "\"alice@example.com\"\n\xff1.2.3.4\t"
		checkJSON(t, e, in, "\"[email]\"\n\xff[ip]\t")
	})
}

func TestIsSensitiveKey(t *testing.T) {
	e := Default()
	sensitive := []string{
		"password", "Password", "PASSWORD", "passwd", "pass", "secret", "token",
		"access_token", "refresh_token", "refreshToken", "api_key", "apikey",
		"X-Api-Key", "APIKey", "authorization", "Authorization",
		"proxy-authorization", "Proxy-Authorization", "cookie", "Cookie",
		"set-cookie", "Set-Cookie", "session", "sessionid", "session_id",
		"csrf", "email", "e-mail", "E_Mail", "mail", "note", "notes",
		"description", "ip", "IP", "ip_address", "client_ip", "remote_addr",
		"x-forwarded-for", "X-Forwarded-For", "x-real-ip", "X-Real-IP",
		"csrf_token", "github_token", "client_secret", "db_password",
		"private_key", "privateKey", "aws_secret_access_key", "X-Signing-Key", "passphrase", "user_phone", "credit_card_number", "creditCardNumber", "email_address", "user_email_address",
		"contactPhoneNumber", "card_cvv", "cvv2", "user_pin", "sms_otp", "date_of_birth", "user.email", "req.headers.cookie",
		"user.password", "contactEmail", "user_email", "remote_ip", "clientIP",
		"stripe.secret_key",
	}
	for _, k := range sensitive {
		if !e.IsSensitiveKey(k) {
			t.Errorf("IsSensitiveKey(%q) = false, want true", k)
		}
	}
	plain := []string{
		"", "status", "route", "method", "duration", "user_id", "request_id",
		"bytes", "version", "key", "session_count", "monkey", "MONKEY",
		"bypass", "zip", "ZIP", "VIP", "tooltip", "keys", "tokens_used",
		"password_changed_at", "email_verified", "level", "msg", "time",
		"error", "stack", "host", "path", "has_due_date", "description_length",
		"idempotency_key", "ErrorCodeKey", "FailingURLKey", "groupKey", "sort_key", "cache_key",
		"spin", "pinned", "phone_verified", "card_count", "topic", "ip_version",
	}
	for _, k := range plain {
		if e.IsSensitiveKey(k) {
			t.Errorf("IsSensitiveKey(%q) = true, want false", k)
		}
	}
	long := strings.Repeat("x", 100) + "_token"
	if !e.IsSensitiveKey(long) {
		t.Errorf("a long key ending in _token is not sensitive")
	}
}

func TestOptionsKeys(t *testing.T) {
	e := New(&Options{Keys: []string{"Passport", "tax-id"}})
	for _, k := range []string{"passport", "user.passport", "Tax_ID", "taxid"} {
		if !e.IsSensitiveKey(k) {
			t.Errorf("IsSensitiveKey(%q) = false with extra keys", k)
		}
	}
	if got, want := e.String("passport=X1234567 ok"), "passport=[redacted] ok"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if Default().IsSensitiveKey("passport") {
		t.Errorf("extra keys leaked into the default engine")
	}
	if !e.IsSensitiveKey("password") {
		t.Errorf("extra keys replaced the built-in ones")
	}
}

// claim: L6
func TestKeepIPs(t *testing.T) {
	keep := New(&Options{KeepIPs: true})
	tests := []struct{ in, def, kept string }{
		{"from 10.1.2.3", "from [ip]", "from 10.1.2.3"},
		{"dial [2001:db8::1]:443", "dial [ip]:443", "dial [2001:db8::1]:443"},
		{"client_ip=10.1.2.3", "client_ip=[ip]", "client_ip=10.1.2.3"},
		{"bob@example.com at 10.1.2.3", "[email] at [ip]", "[email] at 10.1.2.3"},
		{"password=x 10.1.2.3", "password=[redacted] [ip]", "password=[redacted] 10.1.2.3"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Default().String(tt.in); got != tt.def {
				t.Errorf("default: %q, want %q", got, tt.def)
			}
			if got := keep.String(tt.in); got != tt.kept {
				t.Errorf("KeepIPs: %q, want %q", got, tt.kept)
			}
		})
	}
	for _, k := range []string{"ip", "client_ip", "remote_addr", "X-Forwarded-For", "remote_ip"} {
		if keep.IsSensitiveKey(k) {
			t.Errorf("KeepIPs: IsSensitiveKey(%q) = true", k)
		}
	}
	if !keep.IsSensitiveKey("password") {
		t.Errorf("KeepIPs dropped other keys")
	}
}

func TestKeyValue(t *testing.T) {
	e := Default()
	tests := []struct{ k, v, want string }{
		{"password", "hunter2", Redacted},
		{"X-Api-Key", "abc", Redacted},
		{"route", "/api/v1/x", "/api/v1/x"},
		{"error", "no user alice@example.com", "no user [email]"},
	}
	for _, tt := range tests {
		t.Run(tt.k, func(t *testing.T) {
			if got := e.KeyValue(tt.k, tt.v); got != tt.want {
				t.Errorf("KeyValue(%q, %q) = %q, want %q", tt.k, tt.v, got, tt.want)
			}
		})
	}
}

// TestManySpansInOneRun covers a string that yields many separate spans,
// more than the scanner queues at once.
func TestManySpansInOneRun(t *testing.T) {
	in := strings.Repeat("1.1.1.1,4111111111111111 ", 50) + "1.1.1.1"
	want := strings.Repeat("[ip],[card] ", 50) + "[ip]"
	if got := Default().String(in); got != want {
		t.Errorf("String(%q)\n got %q\nwant %q", in, got, want)
	}
	checkJSON(t, Default(), in, want)
}

func TestDefaultIsShared(t *testing.T) {
	a, b := Default(), Default()
	if a != b {
		t.Fatal("Default returned two engines")
	}
}

// TestLinearTime guards against inputs that would make a detector rescan
// the same bytes again and again; a quadratic scan of 1 MB would not finish
// in the test's time limit.
func TestLinearTime(t *testing.T) {
	for _, unit := range []string{"password=", "eyJ", "a%40", "1.", "a:", "bearer ", "://", "Cookie:", "@a.", "\"", "a.",
		"sk-", "sk-1", "ghp_", "github_pat_", "glpat-", "xoxb-", "AKIA", "+1 ", "+1(", "4111 ", "4111-", "DE89", "DE89 ",
		"415-555-", "(415) ", "078-05-", "a [at] b [dot] ", "(at)", "\\u0040", "&#64;", "a＠", "-----BEGIN RSA PRIVATE KEY-----",
		"-----BEGIN CERTIFICATE-----", "-----", "a::", "::1:", "Chrome/1.", "x/1.", "token: a ", "a: password: b ", "1.2.3.4-"} {
		s := strings.Repeat(unit, 1<<20/len(unit))
		_ = Default().String(s)
		_ = Default().AppendJSONString(nil, s)
	}
}

// A session ID under another name is a session credential, and "Pwd" is
// the password of ODBC-style connection strings ("Uid=sa;Pwd=...").
//
// claim: L5
// claim: S2
func TestSessionIDAndPwdKeys(t *testing.T) {
	e := Default()
	for _, k := range []string{
		"X-Session-Id", "X-Session-ID", "x-session-id", "x_sessionid",
		"user_session_id", "userSessionId", "appSessionID", "SESSION_ID",
		"X_SESSION_ID", "pwd", "Pwd", "db.pwd",
	} {
		if !e.IsSensitiveKey(k) {
			t.Errorf("IsSensitiveKey(%q) = false, want true", k)
		}
	}
	for _, k := range []string{
		"id", "ID", "Id", "uid", "pid", "possession_id", "possessionid",
		"POSSESSION_ID", "session_count", "sessions", "idempotency",
	} {
		if e.IsSensitiveKey(k) {
			t.Errorf("IsSensitiveKey(%q) = true, want false", k)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"Server=db;Uid=sa;Pwd=hunter2;", "Server=db;Uid=sa;Pwd=[redacted];"},
		{"X-Session-Id: 5f2c9a77e1", "X-Session-Id: [redacted]"},
	} {
		if got := e.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Common personal data fields are hidden by name, in attributes and in
// key=value text alike.
// claim: L5
func TestPersonalDataKeys(t *testing.T) {
	e := Default()
	for _, k := range []string{
		"phone", "Phone_Number", "user.phone", "mobile", "SSN", "otp", "pin",
		"credit_card", "cardNumber", "cvv", "iban", "dob", "date_of_birth", "birthdate",
	} {
		if !e.IsSensitiveKey(k) {
			t.Errorf("IsSensitiveKey(%q) = false, want true", k)
		}
	}
	for _, k := range []string{"pinned", "spin", "mobile_app_version", "phones_count", "opinion"} {
		if e.IsSensitiveKey(k) {
			t.Errorf("IsSensitiveKey(%q) = true, want false", k)
		}
	}
	if got, want := e.String("signup phone=+4915112345678&plan=pro"), "signup phone=[redacted]&plan=pro"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
