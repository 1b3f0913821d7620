package redact

import "testing"

// The categories the engine finds by value, each with the cases an issue
// or a user reported; the labelled corpus (TestCorpus) holds many more.

// claim: L5
func TestPaymentCardsAndBankAccounts(t *testing.T) {
	checkAll(t, []struct{ in, want string }{
		{"card 4111 1111 1111 1111 declined", "card [card] declined"},
		{"mc 5555-5555-5555-4444", "mc [card]"},
		{"mc 2-series 2223003122003222 ok", "mc 2-series [card] ok"},
		{"amex 3782 822463 10005", "amex [card]"},
		{"diners 3056 9309 0259 04", "diners [card]"},
		{"jcb 3530111333300000", "jcb [card]"},
		{"discover 6011111111111117.", "discover [card]."},
		{"unionpay 6200000000000005", "unionpay [card]"},
		{"IBAN DE89 3704 0044 0532 0130 00 ok", "IBAN [iban] ok"},
		{"iban=GB82WEST12345698765432", "iban=[redacted]"},
		{"an: NL91ABNA0417164300, x", "an: [iban], x"},
		// Near misses stay.
		{"ts 1764620441000 ms", "ts 1764620441000 ms"},
		{"order 4111 1111 1111 1112", "order 4111 1111 1111 1112"},
		{"blk_-5105105105105100", "blk_-5105105105105100"},
		{"job_1514038535000_0042", "job_1514038535000_0042"},
		{"isbn 978-3-16-148410-0", "isbn 978-3-16-148410-0"},
		{"DE89 3704 0044 0532 0130 01 bad check", "DE89 3704 0044 0532 0130 01 bad check"},
	})
}

// claim: L5
func TestPhonesAndNationalIDs(t *testing.T) {
	checkAll(t, []struct{ in, want string }{
		{"call +49 170 1234567 now", "call [phone] now"},
		{"(415) 555-2671", "[phone]"},
		{"tel 415-555-2671.", "tel [phone]."},
		{"+44 (0)20 7946 0958", "[phone]"},
		{"+1 (415) 555-2671", "[phone]"},
		{"+4917012345678", "[phone]"},
		{"ssn 078-05-1120", "ssn [id-number]"},
		{"ssn=078-05-1120", "ssn=[redacted]"},
		{"id 078-05-1120 on file", "id [id-number] on file"},
		// Dates, times, offsets, versions, counts and impossible SSNs stay.
		{"2026-11-26 19:38:41 +0100", "2026-11-26 19:38:41 +0100"},
		{"range 8080-8090", "range 8080-8090"},
		{"123-456-7890", "123-456-7890"},
		{"rss +52428800 bytes", "rss +52428800 bytes"},
		{"666-12-3456 and 000-12-3456", "666-12-3456 and 000-12-3456"},
		{"unix 1764620441", "unix 1764620441"},
	})
}

// claim: L5
func TestSecretsAndPrivateKeys(t *testing.T) {
	checkAll(t, []struct{ in, want string }{
		{"token ghp_0123456789abcdefghijABCDEFGHIJ012345 leaked", "token [secret] leaked"},
		{"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN", "[secret]"},
		{"glpat-abcdefghij0123456789", "[secret]"},
		{"stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc!", "stripe [secret]!"},
		{"slack xoxb-123456789012-1234567890123-AbCdEfGhIjKl", "slack [secret]"},
		{"aws AKIAIOSFODNN7EXAMPLE key", "aws [secret] key"},
		{"aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key=[redacted]"},
		{"google AIzaSyA1234567890abcdefghijklmnopqrstuv", "google [secret]"},
		{"openai sk-proj-abcdefghij0123456789_-XYZ", "openai [secret]"},
		{"npm_abcdefghijklmnopqrstuvwxyz0123456789", "[secret]"},
		{"phx_abcdefghijklmnopqrstuvwxyz012345", "[secret]"},
		{"sntrys_eyJpYXQiOjE2ODQ4MjQ3NjEuMzIxMjE5", "[secret]"},
		{"passphrase=correct-horse", "passphrase=[redacted]"},
		{"key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK==\n-----END RSA PRIVATE KEY-----\nok", "key:\n[private-key]\nok"},
		{`{"k":"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----"}`, `{"k":"[private-key]"}`},
		{"-----BEGIN PRIVATE KEY-----\nMIIE cut short", "[private-key]"},
		// Look-alikes stay.
		{"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"},
		{"sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519@openssh.com"},
		{"task-runner sk-learn AKIA1234", "task-runner sk-learn AKIA1234"},
	})
}

// claim: L5
func TestDisguisedEmails(t *testing.T) {
	checkAll(t, []struct{ in, want string }{
		{"mallory＠example.com", "[email]"},
		{`eve\u0040example.com`, "[email]"},
		{"trent&#64;example.com", "[email]"},
		{"trent&#x40;example.com", "[email]"},
		{"peggy [at] example.com", "[email]"},
		{"peggy (at) example (dot) com!", "[email]!"},
		{"用户@例子.广告", "[email]"},
		{"josé@bücher.de", "[email]"},
		{"mail alice@example.comまで", "mail [email]まで"},
		// Look-alikes stay.
		{"look [at] this", "look [at] this"},
		{"getty@tty1.service", "getty@tty1.service"},
		{"rabbit@localhost.log", "rabbit@localhost.log"},
		{"com.example.Foo@1a2b3c4d", "com.example.Foo@1a2b3c4d"},
	})
}

// claim: L5
func TestOperationalContextSurvives(t *testing.T) {
	keep := []string{
		"2006-01-02-03.04.05.123456",
		"oid 1.3.6.1.4.1.2021.10",
		"kernel-2.6.0.12345_smp",
		"build 6.2.9200.16384",
		"version 6.1.7601.0",
		"~amd64~~6.1.1.0",
		"socat (1.7.4.4-2)",
		"HeadlessChrome/156.0.0.0 Safari/537.36",
		"Widget::drawFrame Txn::Commit onEvent::0 std::vector",
		"ErrorCodeKey=-21 FailingURLKey=https://example.org/x groupKey=ChannelA",
		"IP: routing table full",
		"akka.tcp://ExecutorSystem@worker-07:51000",
		"amqp://queue@broker:5672",
		"store: find token: context canceled",
		"--- PASS: TestParseAddr (0.00s)",
		"using password: YES",
		"traceparent 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"go1.26.8 v1.2.3 1.234ms 1h2m3s",
	}
	for _, s := range keep {
		if got := Default().String(s); got != s {
			t.Errorf("String(%q) = %q, want it unchanged", s, got)
		}
	}
	// What the narrowed rules still catch.
	checkAll(t, []struct{ in, want string }{
		{"from 10.0.0.1 to 10.0.0.9", "from [ip] to [ip]"},
		{"range 10.0.0.1-10.0.0.9", "range [ip]-[ip]"},
		{"ip=10.1.2.3", "ip=[ip]"},
		{"abc10.0.0.1xyz", "abc[ip]xyz"},
		{"[127.0.0.1]:80 and [::1]:80", "[ip]:80 and [ip]:80"},
		{"from ::1:59064 on", "from [ip]:59064 on"},
		{"mongodb://app:s3cret@db:27017", "mongodb://[credentials]@db:27017"},
		{"token: abc123", "token: [redacted]"},
		{"user password: hunter2", "user password: [redacted]"},
		{"pass=hunter2", "pass=[redacted]"},
	})
}

func checkAll(t *testing.T, cases []struct{ in, want string }) {
	t.Helper()
	e := Default()
	for _, c := range cases {
		if got := e.String(c.in); got != c.want {
			t.Errorf("String(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		checkJSON(t, e, c.in, c.want)
	}
}
