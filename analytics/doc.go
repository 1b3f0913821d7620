// Package analytics sends product events to PostHog, and only the events and
// properties the application declared, only for users who did not opt out,
// and only when the operator turned it on.
//
// # Turning it on
//
// [New] reads the operator's choice from [consent.Settings]: without
// POSTHOG_API_KEY it returns a Client that does nothing and never opens a
// connection (claim C2), so callers need no "if enabled". With a key,
// events go to POSTHOG_HOST (https, or http on loopback only: claim C5)
// through posthog-go, with GeoIP enrichment disabled ($geoip_disable is set
// on every event and no $ip property is ever added).
//
// # Declared events only
//
// The application writes a [Schema]: each event it may send and, per event,
// the properties it may carry with their [Kind]: [Bool], [Int], a [Count]
// or [Duration] sent as a coarse bucket, or an [Enum] of fixed strings.
// Free text is not a kind, so a note, a project or client name, an email
// address or a token cannot be declared (claim A2). At send time:
//
//   - an event that is not declared is not sent;
//   - a property that is not declared for its event is dropped;
//   - a value outside its kind or enum is dropped;
//
// and every drop is counted on the OpenTelemetry counter [DropsMetric]
// (from Options.MeterProvider) and logged once per name at warning level,
// so a developer sees the mistake in development. [Schema.Clean] shows what
// would be sent, without a client.
//
// The redaction engine of package redact is the last line, applied where
// a string can still come from outside the schema: [Schema.Validate] (run
// by New) refuses event names, property names and enum values it would
// change, and [Client.PageView] refuses a route it would change. Because
// every other value is a bool, a number, a bucket label or a declared enum
// value, nothing is scanned per event. (A posthog-go BeforeSend hook was
// the alternative: it would copy every event and still miss $lib, $os and
// the other properties the SDK adds after the hook runs.)
//
// What posthog-go adds by itself is fixed and carries no personal data:
// $lib, $lib_version, $is_server, $geoip_disable, and the server's $os,
// $os_version, $os_distro and $go_version. Capture never passes the request
// context to the SDK, so the SDK's request properties ($current_url, $ip,
// $user_agent) are never merged in. PostHog still sees the TCP connection
// from the server, not from the user's browser.
//
// # Who is sent, and when not
//
// [Client.Capture] and [Client.PageView] use the decimal internal user ID as
// PostHog's distinct ID (claim A1). Before sending they check, in order:
// the Global Privacy Control signal recorded in the context by
// [consent.Middleware] or [consent.WithGPC] (claim C6); that the user ID is
// positive; that the event is declared; and Options.Preferences, the
// application's per-user opt-out (claim A3). A "no" or an error from
// Preferences means nothing is sent. Preferences runs on the caller's
// goroutine and may query the application's database: it is the only
// part of Capture that can wait, so it should be a fast indexed or cached
// lookup.
//
// PageView sends PostHog's "$pageview" with the route pattern (r.Pattern,
// such as "GET /projects/{id}") as $current_url and $pathname, without the
// method, host or any query: never the raw URL. A session is described by
// [SessionProperty], an HMAC-SHA256 of the session ID set with
// [WithSession] under Options.SessionKey, so sessions can be told apart
// without the ID itself leaving the process.
//
// # Bounded and in the background
//
// On the caller's goroutine, Capture and PageView only run the consent
// checks, check the properties against the schema, copy the declared values
// into a small fixed-size record and put it on a bounded queue without
// blocking, allocating nothing for an event of up to six properties. One
// goroutine per client takes the records in order, builds the PostHog
// messages (hashing the session, checking the page view's route) and hands
// them to the SDK, which serialises and uploads them. Nothing a caller does
// waits on that goroutine or the network (claim A5). At most Options.QueueSize events are
// held in memory, queued or being uploaded: posthog-go bounds its queue but
// not the uploads it starts, one goroutine per batch, which against a
// blackholed endpoint would pile up without limit. The client counts events
// until the SDK reports them sent or failed and drops (and counts) new ones
// beyond the bound. Failed uploads are retried by the SDK with backoff.
// [Client.Close] stops taking events, hands what is queued to the SDK and
// flushes, all within Options.ShutdownTimeout, or sooner if its context
// ends, whatever the endpoint does.
//
// # Deleting a user
//
// posthog-go has no deletion call, and PostHog deletes persons only
// through its private REST API. [Client.DeleteUser] (claim A4) uses the
// bulk deletion endpoint, which accepts distinct IDs directly and so needs
// one request and no lookup:
//
//	POST {APIHost}/api/projects/{ProjectID}/persons/bulk_delete/
//	Authorization: Bearer {PersonalAPIKey}
//	{"distinct_ids":["42"],"delete_events":true,"delete_recordings":true}
//
// It requires Options.PersonalAPIKey (a personal API key with the
// person:write scope) and Options.ProjectID; APIHost defaults to the
// private API host matching POSTHOG_HOST (us.posthog.com for
// us.i.posthog.com, eu.posthog.com for eu.i.posthog.com, the same host for
// self-hosted PostHog). Without them DeleteUser logs a warning and returns
// [ErrDeletionNotConfigured], and the person has to be deleted by hand in
// PostHog's People page. PostHog removes the person at once and their
// events asynchronously. Events of that user still queued in this process
// (at most Options.FlushInterval old) may arrive after the request; the
// application should make Preferences refuse the user first (deleting the
// user's row does that when the lookup then fails).
package analytics
