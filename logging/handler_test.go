package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/internal/reqctx"
)

var fixedTime = time.Date(2026, 3, 4, 5, 6, 7, 890123456, time.UTC)

// logRecord logs one record with a fixed time through h (with the
// attributes and groups given) and returns what it wrote.
func logRecord(h slog.Handler, level slog.Level, msg string, attrs ...slog.Attr) error {
	r := slog.NewRecord(fixedTime, level, msg, 0)
	r.AddAttrs(attrs...)
	return h.Handle(context.Background(), r)
}

type point struct{ X, Y int }

func (p point) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("x", p.X), slog.Int("y", p.Y))
}

// The fast handler must write what slog.JSONHandler writes for clean input,
// so that tools reading either file see the same shape.
func TestJSONHandlerMatchesSlog(t *testing.T) {
	type step func(slog.Handler) slog.Handler
	with := func(as ...slog.Attr) step { return func(h slog.Handler) slog.Handler { return h.WithAttrs(as) } }
	group := func(name string) step { return func(h slog.Handler) slog.Handler { return h.WithGroup(name) } }
	tests := []struct {
		name  string
		steps []step
		level slog.Level
		attrs []slog.Attr
	}{
		{name: "no attrs"},
		{name: "kinds", level: slog.LevelWarn, attrs: []slog.Attr{
			slog.String("s", "a \"quoted\" <html> & tab\t line\n"), slog.Int("i", -3), slog.Uint64("u", 7),
			slog.Float64("f", 1.5), slog.Float64("tiny", 1e-9), slog.Float64("huge", 1e22), slog.Bool("b", true),
			slog.Duration("d", 1500*time.Millisecond), slog.Time("t", fixedTime),
			slog.Any("nil", nil), slog.Any("slice", []int{1, 2}), slog.Any("map", map[string]int{"b": 2, "a": 1}),
		}},
		{name: "groups", level: slog.LevelError, attrs: []slog.Attr{
			slog.Group("g", slog.Int("a", 1), slog.Group("h", slog.String("b", "x"))),
			slog.Group("empty"), slog.Group("", slog.Int("inlined", 2)), {},
			slog.Any("valuer", point{1, 2}),
		}},
		{name: "with and groups", steps: []step{with(slog.Int("w", 1)), group("g"), with(slog.String("x", "y")), group("h")},
			attrs: []slog.Attr{slog.Int("r", 2)}},
		{name: "open group without record attrs", steps: []step{group("g"), with(slog.Int("w", 1)), group("h")}},
		{name: "unused group", steps: []step{group("g")}},
		{name: "level above error", level: slog.LevelError + 2, attrs: []slog.Attr{slog.Int("n", 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want, got bytes.Buffer
			var hw slog.Handler = slog.NewJSONHandler(&want, nil)
			var hg slog.Handler = NewJSONHandler(&got, nil)
			for _, s := range tt.steps {
				hw, hg = s(hw), s(hg)
			}
			if err := logRecord(hw, tt.level, "hello", tt.attrs...); err != nil {
				t.Fatal(err)
			}
			if err := logRecord(hg, tt.level, "hello", tt.attrs...); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("NewJSONHandler wrote\n%s\nslog.JSONHandler wrote\n%s", got.String(), want.String())
			}
		})
	}
}

type account struct {
	Name    string
	Contact struct{ Email string }
	Note    string `json:"comment"`
}

type wrapErr struct{ err error }

func (e wrapErr) Error() string { return "layer: " + e.err.Error() }
func (e wrapErr) Unwrap() error { return e.err }

// handlersUnderTest builds each scrubbing handler over a buffer.
func handlersUnderTest(opts *Options) map[string]func(*bytes.Buffer) slog.Handler {
	return map[string]func(*bytes.Buffer) slog.Handler{
		"NewJSONHandler": func(b *bytes.Buffer) slog.Handler { return NewJSONHandler(b, opts) },
		"NewHandler":     func(b *bytes.Buffer) slog.Handler { return NewHandler(slog.NewJSONHandler(b, nil), opts) },
	}
}

// Planted secrets must be gone from the bytes written, whatever route
// they take into the record, while the request's context stays readable.
//
// claim: L5
func TestTrickyInputs(t *testing.T) {
	const (
		email = "alice.smith@example.com"
		jwt   = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
		token = "s3cr3tT0kenValue99"
		pass  = "hunter2-Correct-Horse"
		ipv6  = "2001:db8::8a2e:370:7334"
	)
	acct := account{Name: "team"}
	acct.Contact.Email = email
	acct.Note = "note " + email
	wrapped := wrapErr{fmt.Errorf("saving: %w", fmt.Errorf("user %s: %w", email, errors.New("duplicate")))}

	tests := []struct {
		name    string
		msg     string
		attrs   []slog.Attr
		secrets []string
	}{
		{name: "email in message", msg: "signup by " + email, secrets: []string{email}},
		{name: "error wrapped three times", attrs: []slog.Attr{slog.Any("err", wrapped)}, secrets: []string{email}},
		{name: "Err with stack", attrs: []slog.Attr{Err(wrapped)}, secrets: []string{email}},
		{name: "struct field", attrs: []slog.Attr{slog.Any("account", acct)}, secrets: []string{email}},
		{name: "pointer to struct", attrs: []slog.Attr{slog.Any("account", &acct)}, secrets: []string{email}},
		{name: "map value", attrs: []slog.Attr{slog.Any("m", map[string]any{"contact": email, "n": 1})}, secrets: []string{email}},
		{name: "string slice", attrs: []slog.Attr{slog.Any("to", []string{"x", email})}, secrets: []string{email}},
		{name: "bearer in header map", attrs: []slog.Attr{slog.Any("headers", map[string][]string{"Authorization": {"Bearer " + token}, "Accept": {"*/*"}})}, secrets: []string{token}},
		{name: "bearer in plain string", attrs: []slog.Attr{slog.String("hdr", "Authorization: Bearer "+token)}, secrets: []string{token}},
		{name: "token and password in URL", attrs: []slog.Attr{slog.String("url", "https://x.test/cb?token="+token+"&password="+pass)}, secrets: []string{token, pass}},
		{name: "JWT", attrs: []slog.Attr{slog.String("detail", "got "+jwt)}, secrets: []string{jwt, "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"}},
		{name: "IPv6 with port", attrs: []slog.Attr{slog.String("peer", "["+ipv6+"]:443")}, secrets: []string{ipv6, "8a2e:370:7334"}},
		{name: "IPv4 in error", attrs: []slog.Attr{slog.Any("err", errors.New("dial 203.0.113.9:5432: refused"))}, secrets: []string{"203.0.113.9"}},
		{name: "key Password", attrs: []slog.Attr{slog.String("Password", pass)}, secrets: []string{pass}},
		{name: "key user.email", attrs: []slog.Attr{slog.String("user.email", "bob")}, secrets: []string{`"bob"`}},
		{name: "key X-Api-Key", attrs: []slog.Attr{slog.String("X-Api-Key", token)}, secrets: []string{token}},
		{name: "sensitive key holding a number", attrs: []slog.Attr{slog.Int("password", 123456789)}, secrets: []string{"123456789"}},
		{name: "sensitive group", attrs: []slog.Attr{slog.Group("session", slog.String("id", token))}, secrets: []string{token}},
		{name: "nested group", attrs: []slog.Attr{slog.Group("req", slog.Group("user", slog.String("email", email)))}, secrets: []string{email}},
		{name: "LogValuer", attrs: []slog.Attr{slog.Any("who", valuer{email})}, secrets: []string{email}},
		{name: "Stringer", attrs: []slog.Attr{slog.Any("who", stringer{email})}, secrets: []string{email}},
		{name: "time entry description", attrs: []slog.Attr{slog.String("description", "call with the lawyer about divorce")}, secrets: []string{"lawyer"}},
		{name: "email as key", attrs: []slog.Attr{slog.Int(email, 1)}, secrets: []string{email}},
	}
	context := []slog.Attr{
		slog.String("route", "GET /api/v1/entries/{id}"), slog.Int("status", 200),
		slog.Duration("duration", 1234567), slog.Int64("user_id", 42), slog.String("request_id", "req-abc.123"),
	}
	for hname, mk := range handlersUnderTest(nil) {
		for _, tt := range tests {
			t.Run(hname+"/"+tt.name, func(t *testing.T) {
				msg := tt.msg
				if msg == "" {
					msg = "request"
				}
				// Once as record attributes, once through With inside a group.
				var buf bytes.Buffer
				h := mk(&buf)
				if err := logRecord(h, slog.LevelInfo, msg, append(tt.attrs, context...)...); err != nil {
					t.Fatal(err)
				}
				if err := logRecord(h.WithAttrs(tt.attrs).WithGroup("g").WithAttrs(tt.attrs), slog.LevelInfo, msg, context...); err != nil {
					t.Fatal(err)
				}
				out := buf.String()
				for _, s := range tt.secrets {
					if strings.Contains(out, s) {
						t.Errorf("secret %q survived:\n%s", s, out)
					}
				}
				lines := strings.Split(strings.TrimSpace(out), "\n")
				if len(lines) != 2 {
					t.Fatalf("want 2 lines, got %d:\n%s", len(lines), out)
				}
				for i, line := range lines {
					var m map[string]any
					if err := json.Unmarshal([]byte(line), &m); err != nil {
						t.Fatalf("line %d is not JSON: %v\n%s", i, err, line)
					}
					if i == 1 {
						m, _ = m["g"].(map[string]any)
					}
					if m["route"] != "GET /api/v1/entries/{id}" || m["status"] != 200.0 || m["duration"] != 1234567.0 ||
						m["user_id"] != 42.0 || m["request_id"] != "req-abc.123" {
						t.Errorf("line %d lost the request context: %s", i, line)
					}
				}
			})
		}
	}
}

type valuer struct{ email string }

func (v valuer) LogValue() slog.Value { return slog.StringValue("user " + v.email) }

type stringer struct{ email string }

func (s stringer) String() string { return "<" + s.email + ">" }

// Users add their own keys; the built-in ones stay.
func TestSensitiveKeys(t *testing.T) {
	for hname, mk := range handlersUnderTest(&Options{SensitiveKeys: []string{"iban"}}) {
		t.Run(hname, func(t *testing.T) {
			var buf bytes.Buffer
			logRecord(mk(&buf), slog.LevelInfo, "m", slog.String("IBAN", "DE89370400440532013000"),
				slog.String("password", "pw-value"), slog.String("plan", "pro"))
			out := buf.String()
			if strings.Contains(out, "DE89") || strings.Contains(out, "pw-value") || !strings.Contains(out, `"plan":"pro"`) {
				t.Errorf("got %s", out)
			}
		})
	}
}

// An IP reaches a log only as client_ip, only with KeepIPs; everywhere
// else, and without KeepIPs, it is removed.
//
// claim: L6
func TestClientIPNeedsKeepIPs(t *testing.T) {
	const ip = "198.51.100.23"
	attrs := []slog.Attr{slog.String(ClientIPKey, ip), slog.String("peer", ip+":5555"), slog.String("remote_addr", ip)}
	for _, keep := range []bool{false, true} {
		for hname, mk := range handlersUnderTest(&Options{KeepIPs: keep}) {
			t.Run(fmt.Sprintf("%s/KeepIPs=%v", hname, keep), func(t *testing.T) {
				var buf bytes.Buffer
				logRecord(mk(&buf), slog.LevelInfo, "from "+ip, attrs...)
				var m map[string]any
				if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
					t.Fatal(err)
				}
				if want := map[bool]any{false: "[redacted]", true: ip}[keep]; m[ClientIPKey] != want {
					t.Errorf("client_ip = %v, want %v", m[ClientIPKey], want)
				}
				if n := strings.Count(buf.String(), ip); n != map[bool]int{false: 0, true: 1}[keep] {
					t.Errorf("IP appears %d times:\n%s", n, buf.String())
				}
			})
		}
	}
}

// Err carries the message and the stack trace of the caller.
//
// claim: L3
func TestErrHasMessageAndStack(t *testing.T) {
	for hname, mk := range handlersUnderTest(nil) {
		t.Run(hname, func(t *testing.T) {
			var buf bytes.Buffer
			err := fmt.Errorf("saving entry: %w", errors.New("disk on fire"))
			logRecord(mk(&buf), slog.LevelError, "failed", Err(err))
			var m struct {
				Error struct{ Message, Stack string }
			}
			if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			if m.Error.Message != "saving entry: disk on fire" {
				t.Errorf("message = %q", m.Error.Message)
			}
			if !strings.Contains(m.Error.Stack, "logging.TestErrHasMessageAndStack") || !strings.Contains(m.Error.Stack, "handler_test.go:") {
				t.Errorf("stack does not show the caller:\n%s", m.Error.Stack)
			}
		})
	}
	if a := Err(nil); !a.Equal(slog.Attr{}) {
		t.Errorf("Err(nil) = %v, want the empty attribute", a)
	}
}

func TestLevelAndSource(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(NewJSONHandler(&buf, &Options{Level: slog.LevelWarn, AddSource: true, OmitTime: true}))
	l.Info("hidden")
	l.Warn("shown")
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatalf("%v: %s", err, buf.String())
	}
	src, _ := m["source"].(map[string]any)
	if m["msg"] != "shown" || m["time"] != nil || src == nil || !strings.HasSuffix(src["file"].(string), "handler_test.go") {
		t.Errorf("got %s", buf.String())
	}
	if NewHandler(slog.NewJSONHandler(&buf, nil), &Options{Level: slog.LevelError}).Enabled(context.Background(), slog.LevelWarn) {
		t.Error("NewHandler ignores Options.Level")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// A writer that fails makes Handle return the error; nothing panics.
func TestJSONHandlerWriterFails(t *testing.T) {
	if err := logRecord(NewJSONHandler(failingWriter{}, nil), slog.LevelInfo, "m"); err == nil {
		t.Error("want the write error")
	}
}

// A record with more attributes than the handler copies to the stack
// takes another path through NewHandler: what changes must change there
// too, what does not must stay, and nothing of one record may show up in
// the next.
func TestHandlerManyAttributes(t *testing.T) {
	const email, token = "alice.smith@example.com", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXZhbHVl"
	for _, n := range []int{maxStackAttrs - 1, maxStackAttrs, maxStackAttrs + 1, 3 * maxStackAttrs} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var got, want bytes.Buffer
			h := NewHandler(slog.NewJSONHandler(&got, nil), nil)
			plain := slog.NewJSONHandler(&want, nil)
			for round, dirty := range []bool{true, false, true} {
				var in, out []slog.Attr
				for i := range n {
					key := fmt.Sprintf("k%d", i)
					switch {
					case dirty && i == 1:
						in, out = append(in, slog.String(key, "by "+email)), append(out, slog.String(key, "by [email]"))
					case dirty && i == n-1:
						in, out = append(in, slog.String(key, "Bearer "+token)), append(out, slog.String(key, "Bearer [token]"))
					case dirty && i == n-2:
						in, out = append(in, slog.Int("pin", 1234)), append(out, slog.String("pin", "[redacted]"))
					default:
						in, out = append(in, slog.Int(key, round*100+i)), append(out, slog.Int(key, round*100+i))
					}
				}
				if err := logRecord(h, slog.LevelInfo, "request by "+email, in...); err != nil {
					t.Fatal(err)
				}
				if err := logRecord(plain, slog.LevelInfo, "request by [email]", out...); err != nil {
					t.Fatal(err)
				}
			}
			if got.String() != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
			}
		})
	}
}

// A changed record whose own attributes fit on the stack but do not once
// the request's ID and user ID are added is rebuilt from a borrowed slice:
// the scrubbed values, the untouched ones and the request's attributes
// must all be there, in order.
func TestHandlerRequestAttrsPastTheStack(t *testing.T) {
	const email = "alice.smith@example.com"
	info := reqctx.New("")
	info.SetUserID(42)
	ctx := reqctx.With(context.Background(), info)
	for _, n := range []int{maxStackAttrs - 2, maxStackAttrs - 1, maxStackAttrs} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var got, want bytes.Buffer
			l := slog.New(NewHandler(slog.NewJSONHandler(&got, &slog.HandlerOptions{ReplaceAttr: dropTime}), nil))
			plain := slog.New(slog.NewJSONHandler(&want, &slog.HandlerOptions{ReplaceAttr: dropTime}))
			var in, out []slog.Attr
			for i := range n {
				key := fmt.Sprintf("k%d", i)
				if i == n-1 {
					in, out = append(in, slog.String(key, "by "+email)), append(out, slog.String(key, "by [email]"))
				} else {
					in, out = append(in, slog.Int(key, i)), append(out, slog.Int(key, i))
				}
			}
			out = append(out, slog.String(RequestIDKey, info.RequestID()), slog.Int64(UserIDKey, 42))
			l.LogAttrs(ctx, slog.LevelInfo, "m", in...)
			plain.LogAttrs(ctx, slog.LevelInfo, "m", out...)
			if got.String() != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
			}
		})
	}
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
