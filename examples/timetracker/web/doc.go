// Package web is the time tracker's HTML interface: server-rendered pages
// for signing up and in, the running timer, entries, clients, projects and
// tasks, reports with a bar chart, settings (profile, API tokens, privacy,
// export and account deletion), an admin page and the privacy policy.
//
// # Pages without a build step
//
// Templates ([html/template]), the stylesheet, one small script and the
// icon are embedded in the binary. Every page works without JavaScript; the
// script only makes the running timer's clock tick. Nothing is inline, so
// the server's Content-Security-Policy ("script-src 'self'; style-src
// 'self'") holds, and nothing comes from a CDN. The report's chart is SVG
// drawn on the server, with a title and a description for screen readers.
//
// # Forms
//
// Every form that changes something carries the session's CSRF token
// (field csrf_token, checked by [auth.Auth.Middleware]). A form with a
// mistake is shown again with the message beside its field and the input
// kept (passwords excepted); a form that succeeded redirects with 303 See
// Other, so reloading the next page sends nothing again, and a short-lived
// cookie carries the code of the success message (never text the user
// typed). Another user's objects answer 404, as missing ones do.
//
// # Privacy
//
// The privacy page renders the project's PRIVACY.md
// ([discreet.PrivacyPolicy]) with a small Markdown renderer that escapes
// everything it does not know, so users read the promise the tests check.
// Product events of actions done here use the API's declared schema
// ([app.Schema]) with source "web"; page views are sent by the server's
// middleware, by route pattern. Deleting an account runs
// [app.EraseAccount], the same erasure as the API's DELETE /me.
//
// # Use
//
//	srv, err := web.New(web.Config{Store: db, Auth: a, Analytics: ac, Consent: settings, Telemetry: rep, Version: version})
//	...
//	srv.Register(mux) // then wrap mux in the auth middleware
package web
