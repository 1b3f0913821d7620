package errortrack

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getsentry/sentry-go"

	"github.com/discreet-dev/discreet/redact"
)

// maxText bounds a message or an exception value, so one huge error string
// cannot make every queued event large.
const maxText = 8 << 10

// allowedHeaders are the only request headers an event may carry (claim
// S1: non-sensitive headers); everything else is dropped, not masked, so
// an unusual header with a secret in it never leaves (claim S2).
var allowedHeaders = []string{
	"Accept",
	"Accept-Language",
	"Content-Type",
	"Content-Length",
	"User-Agent",
	"X-Request-ID",
}

// Scrub enforces claim S2 on e in place and returns it: it is what every
// Tracker runs as the SDK's BeforeSend, exported so that an application
// with its own sentry.Client can apply the same rules. It removes the query
// string, request body, cookies, environment and every header outside a
// short allow-list; keeps the URL's path without its query; reduces the
// user to a numeric ID; drops a server name that is an IP address; and runs
// the message, exception values, breadcrumbs, tags, contexts and
// fingerprint through the redaction engine, which replaces email
// addresses, tokens and IP addresses and values under sensitive keys. A
// nil event stays nil.
func Scrub(e *sentry.Event) *sentry.Event { return scrubEvent(redact.Default(), e) }

func scrubEvent(red *redact.Engine, e *sentry.Event) *sentry.Event {
	if e == nil {
		return nil
	}
	e.Message = clip(red.String(e.Message))
	e.Transaction = red.String(e.Transaction)
	e.Logger = red.String(e.Logger)
	if e.ServerName != "" && looksLikeIP(e.ServerName) {
		e.ServerName = ""
	}
	e.ServerName = red.String(e.ServerName)
	e.User = scrubUser(e.User)
	e.Modules = nil
	e.Attachments = nil
	e.Request = scrubRequest(red, e.Request)
	for i := range e.Exception {
		x := &e.Exception[i]
		x.Value = clip(red.String(x.Value))
		x.Type = red.String(x.Type)
		x.Module = red.String(x.Module)
		scrubStack(red, x.Stacktrace)
		if m := x.Mechanism; m != nil {
			m.Description = red.String(m.Description)
			m.HelpLink = ""
			m.Data = scrubMap(red, m.Data)
		}
	}
	for i := range e.Threads {
		e.Threads[i].Name = red.String(e.Threads[i].Name)
		scrubStack(red, e.Threads[i].Stacktrace)
	}
	if len(e.Breadcrumbs) > 0 {
		// The pointers are shared with the scope, which other events read
		// at the same time: scrub copies, never the originals.
		kept := make([]*sentry.Breadcrumb, 0, len(e.Breadcrumbs))
		for _, b := range e.Breadcrumbs {
			if b == nil {
				continue
			}
			c := *b
			kept = append(kept, scrubBreadcrumb(red, &c))
		}
		e.Breadcrumbs = kept
	}
	for k, v := range e.Tags {
		e.Tags[k] = scrubKeyed(red, k, v)
	}
	for i, f := range e.Fingerprint {
		e.Fingerprint[i] = red.String(f)
	}
	for name, c := range e.Contexts {
		if name == "trace" {
			e.Contexts[name] = scrubTrace(c)
			continue
		}
		e.Contexts[name] = scrubMap(red, c)
	}
	return e
}

// scrubBreadcrumb passes a breadcrumb's message and data through the
// redaction engine.
func scrubBreadcrumb(red *redact.Engine, b *sentry.Breadcrumb) *sentry.Breadcrumb {
	if b == nil {
		return nil
	}
	b.Message = clip(red.String(b.Message))
	b.Category = red.String(b.Category)
	b.Data = scrubMap(red, b.Data)
	return b
}

// scrubUser keeps only a numeric internal ID (claim S2: no usernames, no
// emails, no IPs).
func scrubUser(u sentry.User) sentry.User {
	if u.ID == "" {
		return sentry.User{}
	}
	if _, err := strconv.ParseInt(u.ID, 10, 64); err != nil {
		return sentry.User{}
	}
	return sentry.User{ID: u.ID}
}

// scrubRequest keeps the method, the URL without query or fragment and the
// allowed headers.
func scrubRequest(red *redact.Engine, r *sentry.Request) *sentry.Request {
	if r == nil {
		return nil
	}
	out := &sentry.Request{
		Method: scrubMethod(r.Method),
		URL:    scrubURL(red, r.URL),
	}
	for k, v := range r.Headers {
		if name, ok := allowedHeader(k); ok {
			if out.Headers == nil {
				out.Headers = make(map[string]string, len(allowedHeaders))
			}
			out.Headers[name] = red.String(v)
		}
	}
	return out
}

// scrubMethod keeps a method made of letters only; anything else is a
// client's invention and is dropped.
func scrubMethod(m string) string {
	if m == "" || len(m) > 16 {
		return ""
	}
	for i := 0; i < len(m); i++ {
		if c := m[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return ""
		}
	}
	return m
}

func allowedHeader(k string) (string, bool) {
	for _, h := range allowedHeaders {
		if strings.EqualFold(h, k) {
			return h, true
		}
	}
	return "", false
}

// scrubURL returns raw without userinfo, query and fragment, its host
// dropped when it is an IP address and its path redacted (a path can hold
// an email or a token too).
func scrubURL(red *redact.Engine, raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		// Not parseable: keep what precedes any query or fragment.
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			raw = raw[:i]
		}
		return red.String(raw)
	}
	path := red.String(u.EscapedPath())
	if u.Host == "" || looksLikeIP(u.Host) {
		return path
	}
	scheme := u.Scheme
	if scheme != "http" && scheme != "https" {
		scheme = "https"
	}
	return scheme + "://" + red.String(u.Host) + path
}

// scrubStack drops frame variables and redacts source lines, should an SDK
// version or a caller ever fill them.
func scrubStack(red *redact.Engine, st *sentry.Stacktrace) {
	if st == nil {
		return
	}
	for i := range st.Frames {
		f := &st.Frames[i]
		f.Vars = nil
		if f.ContextLine != "" {
			f.ContextLine = red.String(f.ContextLine)
		}
		for j, l := range f.PreContext {
			f.PreContext[j] = red.String(l)
		}
		for j, l := range f.PostContext {
			f.PostContext[j] = red.String(l)
		}
	}
}

// scrubKeyed redacts a string value, hiding it entirely under a sensitive
// key.
func scrubKeyed(red *redact.Engine, key, v string) string {
	if red.IsSensitiveKey(key) {
		return redact.Redacted
	}
	return red.String(v)
}

// scrubMap deep-scrubs a map through the redaction engine, which also hides
// values under sensitive keys.
func scrubMap(red *redact.Engine, m map[string]any) map[string]any {
	if len(m) == 0 {
		return m
	}
	if out, ok := red.Value(m).(map[string]any); ok {
		return out
	}
	return nil
}

// scrubTrace keeps the SDK's random trace identifiers, which link an event
// to its trace and carry nothing about anyone, and drops whatever else a
// caller put into the trace context.
func scrubTrace(c map[string]any) map[string]any {
	out := make(map[string]any, 3)
	for _, k := range []string{"trace_id", "span_id", "parent_span_id"} {
		if v, ok := c[k]; ok {
			if s, ok := v.(string); ok && isHex(s) {
				out[k] = s
				continue
			}
			if st, ok := v.(interface{ String() string }); ok && isHex(st.String()) {
				out[k] = st.String()
			}
		}
	}
	return out
}

func isHex(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// clip cuts s to maxText bytes on a rune boundary.
func clip(s string) string {
	if len(s) <= maxText {
		return s
	}
	n := maxText
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
