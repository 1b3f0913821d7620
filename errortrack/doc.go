// Package errortrack reports errors and panics to Sentry (or a self-hosted
// Sentry) when, and only when, the operator has set SENTRY_DSN, and scrubs
// every event before it leaves the process.
//
// # Consent
//
// [New] takes the [consent.Settings] read at start-up. Without a DSN it
// returns a Tracker whose methods do nothing and which never opens a
// connection; with one it builds a sentry-go client and hub of its own
// (never the SDK's global hub), reaching Sentry over https, or plain http
// on a loopback address only. The application uses the Tracker the same
// way in both cases:
//
//	tracker, err := errortrack.New(settings, errortrack.Options{Release: version, Environment: "production"})
//	if err != nil { ... }
//	defer tracker.Close(shutdownCtx)
//	handler := tracker.Middleware(mux)
//
// # What is sent
//
// An event carries the error message and stack trace, the request method,
// route pattern and URL path, a few harmless request headers (Accept,
// Accept-Language, Content-Type, Content-Length, User-Agent, X-Request-ID),
// the request ID as the tag request_id, the internal numeric user ID, the
// release, the environment and the server name.
//
// # What is never sent
//
// [Scrub], which every Tracker installs as the SDK's BeforeSend, removes
// whatever the SDK, its integrations or the application put in that does
// not belong there: query strings, request bodies, cookies and all other
// headers (Authorization, Cookie, API keys, X-Forwarded-For), the request
// environment, every user field but the numeric ID, and a server name that
// is an IP address. Messages, exception values, breadcrumbs, tags and
// contexts pass through the redaction engine shared with the logs, which
// replaces email addresses, tokens and IP addresses wherever they occur,
// also inside a sentence, and hides values under sensitive keys such as
// password or token. Transactions, logs and metrics are not sent at all.
//
// # Never in the way
//
// [Tracker.Capture] and [Tracker.Middleware] queue an event and return;
// delivery happens on one background worker with a short per-request
// timeout, and a full queue drops new events instead of growing. An
// unreachable or failing Sentry therefore never slows a request, and
// [Tracker.Close] returns by its deadline whatever the endpoint does.
//
// # Request context
//
// The middleware calls reqctx.Ensure first, so the request ID is the one
// the logs show, taken from a well-formed X-Request-ID header or generated,
// and the user ID and route are those the other discreet middlewares see.
// [Tracker.Capture] reads the same record from the context it is given.
package errortrack
