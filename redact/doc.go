// Package redact finds personal data and secrets in text and replaces
// them with markers, at the speed of a logger. It is the one engine behind
// every discreet sink (log records, Sentry events, PostHog properties), and
// it is public so that any Go program can use it: on a string
// ([Engine.String]), on the JSON Lines any JSON logger writes
// ([Engine.JSONLines]), as an [io.Writer] filter in front of zap, zerolog
// or logrus ([NewWriter]), or on structured values ([Engine.Value]).
//
// Only the sensitive span changes; everything around it comes through
// byte for byte:
//
//	login failed for alice@example.com from 10.1.2.3
//	login failed for [email] from [ip]
//
// # Markers
//
// Each marker says what was there, so a scrubbed line stays readable:
// [Email], [Card], [IBAN], [Phone], [IDNumber], [Secret], [PrivateKey],
// [Token], [Credentials], [IP] and, for a value under a sensitive key,
// [Redacted].
//
// # What is found in text
//
// Payment cards ([Card]): 13 to 19 digits, together or in groups split by
// one space or one dash (the same throughout; the first group has four
// digits), accepted only when the Luhn checksum holds and the issuer
// prefix fits the length: Visa, Mastercard (also the 2-series), American
// Express, Discover, JCB, Diners Club, UnionPay, Maestro and Mir. The
// number must stand alone: glued to letters, digits or '_', or after a
// '-', it is an identifier ("blk_-5105105105105100", "job_1514038535000").
// Unix timestamps in seconds to nanoseconds start with 1, which no card
// brand above does, so they stay.
//
// IBANs ([IBAN]): two capital letters, two check digits and the account
// number, together or in groups of four, exactly as long as that
// country's IBANs are and passing the ISO 13616 mod-97 check.
//
// Phone numbers ([Phone]): international numbers written with '+' and a
// country code that does not start with 0, then groups split by spaces,
// dashes, dots or a bracketed group, 8 to 15 digits in all, or 10 to 15
// written together ("+49 170 1234567", "+44 (0)20 7946 0958",
// "+4917012345678"); and North American numbers "(415) 555-2671",
// "415-555-2671" and "415.555.2671", whose area code and exchange start
// with 2 to 9. Everything else with digits is left alone on purpose:
// national numbers without '+' ("030 1234567") cannot be told from
// counts, ports or IDs; dates have 4-2-2 digits, times use ':', time zone
// offsets start with 0 or have four digits, and a signed count under ten
// digits ("+52428800 bytes") is too short to be a number written together.
//
// National ID numbers ([IDNumber]): US social security numbers written
// with their dashes, "078-05-1120", except the impossible areas 000, 666
// and 900 to 999, group 00 and serial 0000. Without dashes nine digits are
// anybody's ID.
//
// Secrets ([Secret]), by their vendor's prefix and shape: GitHub (ghp_,
// gho_, ghu_, ghs_, ghr_, github_pat_), GitLab (glpat-), Stripe (sk_live_,
// sk_test_, rk_live_, rk_test_, whsec_), Slack (xoxb-, xoxp-, xoxa-, xoxr-,
// xoxs-, xoxe-, xapp-), AWS access key IDs (AKIA, ASIA and 16 capitals or
// digits), Google API keys (AIza and 35 more) and OAuth tokens (ya29.,
// GOCSPX-), OpenAI and Anthropic keys (sk-proj-, sk-ant-, or sk- and 32
// letters and digits), npm (npm_), PostHog (phx_, phc_), Sentry (sntrys_,
// sntryu_), SendGrid (SG.), Shopify (shpat_ and kin), Hugging Face (hf_),
// DigitalOcean (dop_v1_) and PyPI (pypi-). The token must begin a word
// and have the length its vendor gives it.
//
// Private keys ([PrivateKey]): a PEM block "-----BEGIN … PRIVATE KEY-----"
// of any key type (RSA, EC, DSA, OpenSSH, PKCS #8, encrypted, PGP) through
// its END line, also when its line breaks are written "\n"; a block cut
// short runs to the end of the string. Certificates and public keys stay.
//
// Emails ([Email]): a local part, an '@' and a domain with at least two
// labels whose last kept label starts with a letter; Unicode local parts
// and internationalised domains count ("josé@bücher.de", "用户@例子.广告").
// The '@' may be disguised: URL-encoded (%40), fullwidth (＠, ﹫), escaped
// (\u0040, \x40), an HTML reference (&#64;, &#x40;, &commat;) or spelled
// ("[at]", "(at)", "{at}", with "[dot]" and kin for the dots). Not
// addresses: "tool@v0.8.2" (a module version), "com.example.Foo@1a2b3c"
// (a Java object), SSH algorithm names under openssh.com and libssh.org,
// and one-label names whose ending is a file extension or a systemd unit
// type and no top-level domain ("rabbit@localhost.log",
// "getty@tty1.service"). After a domain of several labels such an ending
// is taken as glued on, and the address is still removed
// ("bob@mail.example.co.uk.xml").
//
// Tokens and credentials: the credential after "Bearer" and JSON Web
// Tokens ("eyJ…") become [Token]; the credential after "Basic" and URL
// userinfo with a password ("https://user:pass@host") become
// [Credentials]. A URL user name without a password is a system's name
// and stays ("amqp://queue@broker:5672",
// "akka.tcp://ExecutorSystem@worker-07:51000"), unless it is an email.
//
// IP addresses ([IP], unless [Options.KeepIPs]): an IPv4 address is
// exactly four numbers of 0 to 255 split by dots, not glued to a further
// dot, digit or '_' on either side (a dot that ends a sentence is fine,
// letters are too: "abc10.0.0.1xyz" loses its address), and not
// introduced as a version: after 'v', '~', "version" or "ver" (with ' ',
// '=' or ':'), a browser's product token ("Chrome/156.0.0.0"), or followed
// by a package revision ("1.7.4.4-2"). So object identifiers
// ("1.3.6.1.4.1.2021.10"), five-part versions ("6.2.9200.16384"), DB2
// timestamps ("2006-01-02-03.04.05.123456") and build strings
// ("kernel-2.6.0.12345_smp") stay. An IPv6 address must parse as one
// (by the engine's rules and net/netip's) and stand as a token of its own,
// so scope operators ("Widget::drawFrame", "std::vector", "onEvent::0")
// and MAC addresses stay; a lone "::" stays too. Brackets go with the
// address ("[::1]:443" becomes "[ip]:443"), a zone stays after it
// ("[ip]%eth0"), and so does a port glued on with a colon ("::1:59064").
//
// Assignments ([Redacted]): in key=value, key: value, "key":"value" and
// key = "value" inside text, the value goes when the key is sensitive
// (see below). Authorization and Cookie values run to the end of the line.
// Three kinds of look-alike are not assignments: a step of an error chain
// or a trace, where the key ends a phrase or follows another step and a
// lower-case word with more text follows ("store: find token: context
// canceled", "debug3: mm_auth_password: entering"); a value that only says
// whether a secret is there ("using password: YES"); and, before a colon,
// the common words pass and session unless quoted ("--- PASS: TestX",
// "session:command"). Keys that name a network address (ip, client_ip,
// remote_addr, x-forwarded-for, …) leave their value to the IP rule in
// text, so "IP: routing table full" keeps its words.
//
// Where detectors overlap, the spans merge into one marker; bytes glued to
// an email go with it ("xalice@example.com" is one address).
//
// # Sensitive keys
//
// A value stored under a sensitive key becomes [Redacted] whatever it is,
// in [Engine.Value], [Engine.JSONLines], [Engine.KeyValue] and assignments
// in text. Keys are compared after folding case and the characters '-',
// '_' and '.', so "X-Api-Key", "api_key" and "APIKEY" are one key. The
// built-in names: password, passwd, pass, pwd, passphrase, secret,
// client_secret, token, access_token, refresh_token, id_token, api_key,
// apikey, access_key, secret_key, private_key, authorization,
// proxy-authorization, cookie, set-cookie, session, sessionid, csrf,
// email, e-mail, mail, note, notes, description, phone, phone_number,
// mobile, ssn, otp, pin, credit_card, card_number, cvv, cvc, iban, dob,
// date_of_birth and birthdate, and the address keys ip, ip_address,
// client_ip, remote_addr, x-forwarded-for and x-real-ip. The last dotted
// segment counts ("user.email"), and so does a last word after a
// separator or a camelCase boundary: token, secret, password, passwd,
// passphrase, apikey, email, authorization, cookie, phone, iban, ssn,
// session_id and ip ("csrf_token", "accessToken", "remote_ip"), and key
// when a word that makes it a credential comes before it ("apiKey",
// "aws_secret_access_key", "privateKey", "X-Signing-Key"; not
// "ErrorCodeKey", "groupKey", "sort_key" or "idempotency_key").
// [Options.Keys] adds names of your own. See [Engine.IsSensitiveKey].
//
// # How it is checked
//
// Two corpora in testdata hold the engine to its rules. testdata/corpus
// has 800 labelled cases, every category above with its near misses, in
// nine languages; the test prints recall and precision per category and
// fails on any case that does not come out exactly as labelled.
// testdata/reallogs has 39,129 lines that 27 programs wrote on a Debian
// machine (PostgreSQL, MariaDB, Redis, RabbitMQ, NATS, Mosquitto, nginx,
// OpenSSH, Prometheus, Chromium, the JVM, Maven, the Go toolchain, cargo,
// npm, git, dpkg, apt, the kernel, valgrind and the time tracker), with
// their true addresses and emails labelled by hand; the test fails on any
// change that is not a labelled span. Both seed the fuzz tests, which also
// plant every kind of secret between random bytes.
//
// # Speed
//
// A string is scanned once, left to right, with no regular expressions.
// Most bytes cost a table lookup; only bytes that can begin something
// worth removing get a closer look, and most of those are turned away by
// a byte or two of context (a digit run inside a word, a dash after a
// digit, a clock's colon). The bytes of a bearer token or a JWT that is
// being removed anyway get no second look, but for the digits and '='
// that could start something reaching past its end, and a token, Basic
// credentials or an email address that runs to the end of the string ends
// the scan there. A clean string is
// returned as it is, without allocating, and [Engine.AppendJSONString]
// writes the quoted, escaped, scrubbed string straight into a log buffer. Measured in one run on two
// cores, before and after in alternating rounds (go test -bench, medians
// of five; before is the engine of the previous release, which knew only
// emails, IPs, tokens and credentials):
//
//	                                        before    now
//	clean 200-byte line, vs two Go regexps   0.064x   0.073x
//	1 KiB of prose, no personal data         1.00x    1.24x
//	real-log corpus, AppendJSONString        1.00x    1.08x
//	real-log corpus, NewJSONHandler vs slog  1.50x    1.50x
//	request record, NewJSONHandler vs slog   0.92x    0.90x
//
// The clean line costs no allocation; a line with something to remove
// costs one.
//
// # Structured values
//
// [Engine.Value] walks errors, Stringers, structs, maps, slices and
// pointers and returns plain strings, map[string]any and []any with every
// string scrubbed and every sensitive field replaced, ready for any encoder.
package redact
