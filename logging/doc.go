// Package logging gives log/slog handlers that cannot leak personal data,
// a JSON Lines file sink with rotation, one log record per HTTP request,
// and export and erasure of one user's log lines. It keeps claims L1 to L8
// of PRIVACY.md.
//
// # Handlers
//
// [NewJSONHandler] writes JSON Lines in the shape of slog.JSONHandler, with
// scrubbing fused into the encoding; [NewHandler] scrubs records on their
// way to any other slog.Handler (text, Sentry, OpenTelemetry). Both use the
// one redaction engine that discreet's other packages share: emails,
// tokens, JWTs, credentials in URLs and IP addresses are replaced by
// markers such as "[email]" wherever they occur (message, attribute,
// error text, fmt.Stringer, slog.LogValuer, or deep inside a struct, map
// or slice passed with slog.Any), and whatever is stored under a sensitive
// key (password, token, api_key, authorization, cookie, session, email,
// note, description, and the keys in [Options.SensitiveKeys]) becomes
// "[redacted]" (claim L5). [Err] logs an error with its message and stack
// trace (claim L3).
//
// # Repeated errors
//
// When a dependency is down, every request fails the same way. Both
// handlers write the first of a run of identical error records in full,
// with its stack, then at most one summary per [Options.RepeatInterval]
// (10 s by default) with the count of those left out, so an outage cannot
// flood the disk and rotate the earlier logs away.
//
// # Client IP addresses
//
// An IP address reaches a log only as the "client_ip" attribute of a
// request record, and only when both switches are on: [MiddlewareOptions.ClientIP],
// which makes [Middleware] add it, and [Options.KeepIPs] (or
// [FileOptions.KeepIPs]), which lets the handler keep it. Both follow
// LOG_CLIENT_IP. With KeepIPs off, "client_ip" is a sensitive key and every
// IP address in any value is replaced by "[ip]"; with it on, IPs elsewhere
// (an error message, a "peer" attribute) are still replaced (claim L6).
// The address is the connection's, unless [MiddlewareOptions.TrustProxy]
// says a reverse proxy's X-Forwarded-For is to be believed.
//
// # Files
//
// [OpenFile] returns the [File] that a handler writes to, as slog's
// handlers write to an io.Writer:
//
//	f, err := logging.OpenFile(logging.FileOptions{Dir: settings.LogDir})
//	...
//	defer f.Close()
//	logger := slog.New(logging.NewJSONHandler(f, &logging.Options{KeepIPs: settings.LogClientIP}))
//
// It writes LOG_DIR/app.jsonl (claim L1) with mode 0640 in a
// directory of mode 0750, rotates it by size into app-<UTC time>.jsonl,
// keeps a bounded number of those, optionally gzipped in the background,
// and re-opens app.jsonl on SIGHUP, so logrotate's move-then-signal
// rotation loses no line (claim L7). A full disk or an unwritable file
// never blocks or fails the application: lines are dropped, counted in
// [File.Dropped], and one notice goes to standard error; a write cut short
// by a full disk is undone, so every line in the file parses, and when
// writing resumes the first line says how many were lost. A removed or
// replaced app.jsonl is noticed within a second and re-opened (so its
// space is freed), and a truncation in place (logrotate's copytruncate)
// resets the size that rotation counts.
//
// # Requests
//
// [Middleware] writes one record per completed request (claim L2) with the
// method, the route pattern (never the raw path or query), status,
// duration, response size, request ID (claim L4) and the user ID set with
// [SetUserID]. Records logged with the request's context through this
// package's handlers carry request_id and user_id too, so a user's lines
// can be found, exported with [File.ExportUser] and erased with
// [File.EraseUser] (claim L8), which coordinate with the File's writes.
// For a maintenance run while the application is stopped, the package
// functions [ExportUser] and [EraseUser] do the same given the directory.
//
// # Speed
//
// BenchmarkRequestRecord logs the request record of [Middleware] (method,
// route, status, duration, user_id, request_id, bytes) to io.Discard, and
// BenchmarkRequestRecordRatio gives each handler's time over
// slog.NewJSONHandler's from batches of the same record logged through
// both in turn, which holds on a shared machine where separate benchmarks
// drift apart:
//
//	go test -run '^$' -bench BenchmarkRequestRecord -benchmem ./logging
//
// Measured on a shared 2-core machine (Go 1.26, ten runs of the ratio
// benchmark, median and the middle half of the runs):
//
//	record       handler                       x-slog            allocs
//	clean        NewJSONHandler                0.87 (0.86-0.88)  1 (slog's own)
//	clean        NewHandler(slog.JSONHandler)  1.28 (1.26-1.29)  1
//	pii_message  NewHandler(slog.JSONHandler)  1.40 (1.38-1.42)  2
//	pii          NewJSONHandler                0.95 (0.94-0.95)  1
//	pii          NewHandler(slog.JSONHandler)  1.45 (1.43-1.46)  3
//
// The "pii" record has an email in its message and a bearer JWT as its
// request ID; "pii_message" has only the email. Every record gets its own
// request ID, as real requests do. Most of the time above slog's is the
// redaction engine's scan of each string. NewHandler passes a clean
// record on as it is and sets a changed message in place; for a record
// whose attributes change it builds a new record once, with every changed
// string cut from a single allocation, and the new record's own attribute
// slice (slog keeps five attributes inline) is the third allocation.
// NewHandler also remembers a few hundred strings it found clean, by the
// address of their bytes and with its own copy to compare them with, so
// a string logged again from the same memory, such as a route pattern or
// a constant message, is not scanned again; a string with something to
// remove is scanned every time. NewJSONHandler, which scrubs as it
// encodes, costs no more than slog itself.
package logging
