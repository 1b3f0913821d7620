package redact

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"
)

type address struct {
	City   string
	Street string `json:"street_line"`
}

type profile struct {
	ID       int64
	Name     string `json:"name"`
	Email    string `json:"email"`
	Password string
	Hidden   string `json:"-"`
	Bio      string `json:"bio,omitempty"`
	Home     *address
	Tags     []string
	Extra    map[string]any
	Raw      []byte
	Created  time.Time
	Took     time.Duration
	secret   string
}

type user struct {
	profile
	Token string `json:"api_token"`
}

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

type level int

func (l level) String() string { return "level-from-alice@example.com" }

type node struct {
	Name string
	Next *node
}

type nilErr struct{ msg string }

func (e *nilErr) Error() string { return e.msg }

// claim: L5
// claim: S2
// claim: A2
func TestValue(t *testing.T) {
	e := Default()
	created := time.Date(2026, 11, 26, 19, 38, 41, 0, time.UTC)
	base := errors.New("no row for alice@example.com")
	wrapped := fmt.Errorf("handler: %w", fmt.Errorf("service: %w", fmt.Errorf("store from 10.0.0.7: %w", base)))
	var nilPtrErr *nilErr
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"nil", nil, nil},
		{"string", "hi bob@example.com", "hi [email]"},
		{"bytes", []byte("token=abc"), "token=[redacted]"},
		{"int", 42, 42},
		{"float", 1.5, 1.5},
		{"bool", true, true},
		{"time", created, created},
		{"duration", 1500 * time.Millisecond, 1500 * time.Millisecond},
		{"error", errors.New("dial 10.0.0.1:5432"), "dial [ip]:5432"},
		{"error wrapped three times", wrapped, "handler: service: store from [ip]: no row for [email]"},
		{"nil error pointer", error(nilPtrErr), nil},
		{"stringer", stringer{"user carol@example.com"}, "user [email]"},
		{"stringer pointer", &stringer{"Bearer abcdef123"}, "Bearer [token]"},
		{"number with String", level(3), level(3)},
		{"named string", reflect.ValueOf(struct{ S myString }{"x@example.com"}).Field(0).Interface(), "[email]"},
		{"slice", []string{"a@example.com", "ok"}, []any{"[email]", "ok"}},
		{"array", [2]int{1, 2}, []any{1, 2}},
		{"nil slice", []string(nil), nil},
		{"map", map[string]any{
			"password": "hunter2",
			"Email":    "x@example.com",
			"count":    3,
			"msg":      "from 1.2.3.4",
			"nested":   map[string]string{"api_key": "k", "route": "/x"},
			"list":     []any{map[string]any{"token": "t"}, "b@example.com"},
		}, map[string]any{
			"password": Redacted,
			"Email":    Redacted,
			"count":    3,
			"msg":      "from [ip]",
			"nested":   map[string]any{"api_key": Redacted, "route": "/x"},
			"list":     []any{map[string]any{"token": Redacted}, "[email]"},
		}},
		{"map with email keys", map[string]int{"alice@example.com": 2}, map[string]any{"[email]": 2}},
		{"map int keys", map[int]string{1: "a"}, map[string]any{"1": "a"}},
		{"struct", user{
			profile: profile{
				ID: 7, Name: "Dana", Email: "dana@example.com", Password: "pw", Hidden: "h",
				Bio: "reach me at dana@example.com", Home: &address{City: "Lyon", Street: "1 rue x"},
				Tags: []string{"x"}, Extra: map[string]any{"note": "private"},
				Raw: []byte("ip 10.0.0.1"), Created: created, Took: time.Second, secret: "s",
			},
			Token: "tok",
		}, map[string]any{
			"ID": int64(7), "name": "Dana", "email": Redacted, "Password": Redacted,
			"bio": "reach me at [email]", "Home": map[string]any{"City": "Lyon", "street_line": "1 rue x"},
			"Tags": []any{"x"}, "Extra": map[string]any{"note": Redacted},
			"Raw": "ip [ip]", "Created": created, "Took": time.Second,
			"api_token": Redacted,
		}},
		{"pointer to pointer", ptr(ptr("e@example.com")), "[email]"},
		{"nil pointer", (*profile)(nil), nil},
		{"interface slice", []any{nil, 1, "Bearer abcdefgh", errors.New("x@example.com")}, []any{nil, 1, "Bearer [token]", "[email]"}},
		{"func", func() {}, "func()"},
		{"chan", make(chan int), "chan int"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.Value(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Value(%#v)\n got %#v\nwant %#v", tt.in, got, tt.want)
			}
		})
	}
}

type myString string

func ptr[T any](v T) *T { return &v }

type selfEmbed struct {
	*selfEmbed
	Name string
}

func TestValueCycles(t *testing.T) {
	e := Default()
	t.Run("pointer ring", func(t *testing.T) {
		a := &node{Name: "a@example.com"}
		b := &node{Name: "b", Next: a}
		a.Next = b
		got := e.Value(a)
		want := map[string]any{"Name": "[email]", "Next": map[string]any{"Name": "b", "Next": Cycle}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %#v, want %#v", got, want)
		}
	})
	t.Run("map containing itself", func(t *testing.T) {
		m := map[string]any{"k": "v"}
		m["self"] = m
		got := e.Value(m)
		want := map[string]any{"k": "v", "self": Cycle}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %#v, want %#v", got, want)
		}
	})
	t.Run("slice containing itself", func(t *testing.T) {
		s := []any{"x", nil}
		s[1] = s
		got := e.Value(s)
		want := []any{"x", Cycle}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %#v, want %#v", got, want)
		}
	})
	t.Run("embedded pointer to itself", func(t *testing.T) {
		v := &selfEmbed{Name: "n"}
		v.selfEmbed = v
		got, ok := e.Value(v).(map[string]any)
		if !ok || got["Name"] != "n" {
			t.Errorf("got %#v", got)
		}
	})
	t.Run("deep", func(t *testing.T) {
		var n *node
		for i := 0; i < 100; i++ {
			n = &node{Name: "n", Next: n}
		}
		v := e.Value(n)
		depth := 0
		for {
			m, ok := v.(map[string]any)
			if !ok {
				break
			}
			v = m["Next"]
			depth++
		}
		if v != TooDeep {
			t.Errorf("deep chain ends in %#v after %d levels, want %q", v, depth, TooDeep)
		}
	})
}

// url.Userinfo prints "user:password" with nothing the scanner can tell
// from ordinary text, http.Cookie prints "name=value" under any name, and
// a url.URL held by value has no String method of its own: each was
// passed through in clear before.
//
// claim: L5
// claim: S2
func TestValueStdlibSecrets(t *testing.T) {
	e := Default()
	u, err := url.Parse("https://bob:hunter2@db.example.com/x?q=1")
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Cookie{Name: "sid", Value: "sessVALUE456", Path: "/"}
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"userinfo pointer", u.User, Credentials},
		{"userinfo value", *u.User, Credentials},
		{"username only", url.User("alice"), Credentials},
		{"nil userinfo", (*url.Userinfo)(nil), nil},
		{"url pointer", u, "https://[credentials]@db.example.com/x?q=1"},
		{"url value", *u, "https://[credentials]@db.example.com/x?q=1"},
		{"url in a map", map[string]any{"target": *u}, map[string]any{"target": "https://[credentials]@db.example.com/x?q=1"}},
		{"cookie pointer", c, "sid=" + Redacted},
		{"cookie value", *c, "sid=" + Redacted},
		{"cookie slice", []*http.Cookie{c, {Name: "theme", Value: "dark"}}, []any{"sid=" + Redacted, "theme=" + Redacted}},
		{"struct with userinfo", struct{ User *url.Userinfo }{u.User}, map[string]any{"User": Credentials}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.Value(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Value(%#v)\n got %#v\nwant %#v", tt.in, got, tt.want)
			}
		})
	}
}
