// Package api is the time tracker's JSON API under /api/v1.
//
// # Requests and answers
//
// Bodies are JSON in and out. A request body must be sent with
// Content-Type: application/json (otherwise 415), be at most
// [MaxBodyBytes] (otherwise 413) and hold one JSON object without unknown
// fields (otherwise 400 naming the field). Times are RFC 3339 in UTC;
// days (the summary's day rows and default range, dates without a time in
// from and to) are the caller's, in their time_zone (GET /me), else the
// server's (Options.Location).
// Callers authenticate with "Authorization: Bearer <token>" or with the
// session cookie of POST /api/v1/sessions; see package auth.
//
// # Errors
//
// Every error has one shape,
//
//	{"error":{"code":"invalid","message":"Name is required.","field":"name"}}
//
// and one status per domain error code, mapped in one place ([Status]):
// invalid 400, unauthorized 401, forbidden 403, not_found 404, conflict 409,
// too_large 413, unsupported 415, too_many 429, unavailable 503 (with
// Retry-After: the database cannot be reached), internal 500, and canceled
// 499 (nginx's "client closed request": the client hung up; recorded in
// the request log and the metrics, never logged as a failure or reported).
// Another
// user's object is not_found, never forbidden, so nobody learns it exists.
// A 500 shows a generic message; the cause is logged with its stack and
// reported to error tracking ([API.Error]).
//
// # Product events
//
// [Schema] declares every product event the API sends and the properties
// each may carry (booleans, enums, buckets: never free text). Sending is
// the analytics package's business, including the user's opt-out and the
// browser's Global Privacy Control.
//
// # Accounts
//
// [EraseAccount] deletes a user's rows, asks product analytics to delete
// the person and removes their log lines (claim R2); DELETE /api/v1/me and
// the web page for account deletion both call it.
package api
