// Package web is the time tracker's HTML interface: server-rendered pages
// for signing up and in, the running timer, entries, a timesheet week,
// clients, projects and tasks, reports with a bar chart, settings (profile, API tokens, privacy,
// export and account deletion), an admin page and the privacy policy.
//
// # Pages without a build step
//
// Templates ([html/template]), the stylesheet, one small script and the
// icon are embedded in the binary. Every page works without JavaScript; the
// script only makes the running timer's clock tick and points the timer's
// note suggestions at the project chosen. Nothing is inline, so
// the server's Content-Security-Policy ("script-src 'self'; style-src
// 'self'") holds, and nothing comes from a CDN. The report's chart is SVG
// drawn on the server, with a title and a description for screen readers.
//
// # Time zones and dates
//
// Each page is in the signed-in user's time zone (domain.User.TimeZone),
// else the server's (Config.Location): days and weeks are counted in it and
// times shown in it, and the page names it. The templates' date functions
// are bound to a zone, so a set of templates is parsed per zone the first
// time it is needed. Dates are written one way everywhere, ISO 8601
// (2006-01-02, with the weekday in front where a day heads a list), and
// times on the 24-hour clock (15:04), as the date and time inputs send them.
//
// # The timesheet
//
// /timesheet shows one week with a cell per project (or project and task)
// and day. The rules that turn a changed cell into entries, without ever
// dropping recorded detail, are written at the top of timesheet.go.
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
