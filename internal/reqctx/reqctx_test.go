package reqctx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// claim: L4
func TestValidID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"abc-123_X.y", true},
		{strings.Repeat("a", 128), true},
		{strings.Repeat("a", 129), false},
		{"", false},
		{"has space", false},
		{"ada@example.org", false},
		{"line\nbreak", false},
		{"ünïcode", false},
		{"<script>", false},
	} {
		if got := ValidID(tc.id); got != tc.want {
			t.Errorf("ValidID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func TestNewIDIsRandomAndValid(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if len(id) != 26 || !ValidID(id) {
			t.Fatalf("NewID() = %q: want 26 valid characters (128 bits)", id)
		}
		if seen[id] {
			t.Fatalf("NewID repeated %q", id)
		}
		seen[id] = true
	}
}

// claim: L4
func TestEnsure(t *testing.T) {
	t.Run("keeps a well-formed incoming ID and returns it", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set(Header, "req-42.a_b")
		w := httptest.NewRecorder()
		info, r2 := Ensure(w, r)
		if info.RequestID() != "req-42.a_b" || w.Header().Get(Header) != "req-42.a_b" {
			t.Fatalf("id %q, response header %q", info.RequestID(), w.Header().Get(Header))
		}
		if From(r2.Context()) != info {
			t.Fatal("the returned request does not carry the Info")
		}
		again, r3 := Ensure(httptest.NewRecorder(), r2)
		if again != info || r3 != r2 {
			t.Fatal("a second Ensure built a new Info")
		}
	})
	t.Run("replaces a malformed one", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set(Header, "ada@example.org")
		w := httptest.NewRecorder()
		info, _ := Ensure(w, r)
		if info.RequestID() == "ada@example.org" || !ValidID(info.RequestID()) || w.Header().Get(Header) != info.RequestID() {
			t.Fatalf("id %q, header %q", info.RequestID(), w.Header().Get(Header))
		}
	})
}

func TestRouteAndUser(t *testing.T) {
	info := New("")
	ctx := With(context.Background(), info)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { info.SetUserID(int64(i + 1)); _ = info.Route() })
	}
	wg.Wait()
	if info.UserID() == 0 {
		t.Fatal("user ID lost")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(http.ResponseWriter, *http.Request) {})
	r := httptest.NewRequest("GET", "/items/7", nil).WithContext(ctx)
	outer := r.Clone(ctx) // what a middleware further out holds
	mux.ServeHTTP(httptest.NewRecorder(), r)
	if Route(outer) != "" {
		t.Fatalf("route known before anyone recorded it: %q", Route(outer))
	}
	info.SetRoute(r.Pattern)
	info.SetRoute("") // an empty pattern never overwrites
	if got := Route(outer); got != "GET /items/{id}" {
		t.Fatalf("Route = %q", got)
	}
	if From(context.Background()) != nil || Route(httptest.NewRequest("GET", "/", nil)) != "" {
		t.Fatal("a bare request has a route or Info")
	}
}

// BenchmarkEnsure is the cost every request pays for its record when it
// arrives without an X-Request-ID.
func BenchmarkEnsure(b *testing.B) {
	r := httptest.NewRequest("GET", "/items/7", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		clear(w.Header())
		info, r2 := Ensure(w, r)
		if info == nil || r2 == r {
			b.Fatal("no record")
		}
	}
}

// Metrics attaches a record without an ID; logging, further in, fills the
// ID in on the same record and sets the response header once.
// claim: L4
func TestAttachThenEnsure(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set(Header, "from-the-client")
	w := httptest.NewRecorder()
	a, r2 := Attach(r)
	if a.RequestID() != "" || w.Header().Get(Header) != "" {
		t.Fatal("Attach set a request ID")
	}
	e, r3 := Ensure(w, r2)
	if e != a || r3 != r2 {
		t.Fatal("Ensure built a second record")
	}
	if e.RequestID() != "from-the-client" || w.Header().Get(Header) != "from-the-client" {
		t.Fatalf("id %q, header %q", e.RequestID(), w.Header().Get(Header))
	}
	if r2.Context().Value(struct{}{}) != nil || From(r2.Context()) != a {
		t.Fatal("the record does not serve as the context")
	}
}
