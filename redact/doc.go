// Package redact is the one redaction engine behind every discreet sink:
// log records, Sentry events and PostHog properties are all scrubbed by an
// [Engine], so a rule fixed here is fixed everywhere and no sink can drift
// into leaking what another one hides.
//
// # What is removed
//
// By key: a value stored under a sensitive key becomes [Redacted]. Keys are
// compared after folding case and the characters '-', '_' and '.', so
// "X-Api-Key", "api_key" and "APIKEY" are one key. The built-in names are
// password, passwd, pass, pwd, secret, token, access_token, refresh_token,
// api_key, apikey, authorization, proxy-authorization, cookie, set-cookie,
// session, sessionid, csrf, email, e-mail, mail, note, notes, description,
// phone, phone_number, mobile, ssn, otp, pin, credit_card, card_number, cvv,
// cvc, iban, dob, date_of_birth, birthdate, ip, ip_address, client_ip, remote_addr, x-forwarded-for and x-real-ip. The
// last dotted segment counts ("user.email"), and so does a last word token,
// secret, password, passwd, key, apikey, email, authorization, cookie or ip
// after a separator or a camelCase boundary ("csrf_token", "accessToken",
// "remote_ip"), and a last session_id ("X-Session-Id"). [Options.Keys]
// adds names. See [Engine.IsSensitiveKey] for what is deliberately not
// matched ("key" alone, "session_count").
//
// By value, anywhere inside a string ([Engine.String]):
//
//   - email addresses, also plus-addressed, quoted, in any case and
//     URL-encoded ("alice%40example.com"): [Email];
//   - the credential after "Bearer " and JSON Web Tokens ("eyJ…"): [Token];
//   - the credential after "Basic " and URL userinfo
//     ("https://user:pass@host"): [Credentials];
//   - the value in key=value and key: value pairs whose key is sensitive, as
//     in query strings, form bodies, JSON text and messages
//     ("password: hunter2"): [Redacted]; Authorization and Cookie values run
//     to the end of the line;
//   - IPv4 and IPv6 addresses, compressed, IPv4-mapped, bracketed, with a
//     port (the port stays): [IP], unless [Options.KeepIPs].
//
// Only the match is replaced, so "login failed for alice@example.com from
// 10.1.2.3" reads "login failed for [email] from [ip]".
//
// # What is left alone
//
// Durations ("1.5s", "1h2m3s"), versions ("1.2.3", "v1.26.8", and
// "tool@v0.8.2"), route patterns, UUIDs, request IDs, RFC 3339 timestamps
// (the colons of a clock are not IPv6), integers, hex digests, Go package
// paths and key: value pairs whose key is not sensitive. Four dotted numbers
// are always treated as an IPv4 address, even when they are a version.
//
// Matches err on the side of removal: bytes glued to a secret go with it
// ("xalice@example.com" is one address), and "bearer" followed by any word
// is taken for a credential.
//
// # Speed
//
// A string is scanned once, left to right, with no regular expressions. Most
// bytes cost a table lookup; only bytes that can begin something worth
// removing ('@', "%40", digits, hex runs with colons, "Bearer ", "Basic ",
// "eyJ", '=' or ':' after a sensitive key, "://") get a closer look. A clean
// string is returned as is, without allocating, and [Engine.AppendJSONString]
// writes the quoted, escaped, scrubbed string straight into a log buffer.
//
// # Structured values
//
// [Engine.Value] walks errors, Stringers, structs, maps, slices and
// pointers and returns plain strings, map[string]any and []any with every
// string scrubbed and every sensitive field replaced, ready for any encoder.
package redact
