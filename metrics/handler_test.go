package metrics

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// claim: M3
func TestHandlerToken(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	m.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	const token = "s3cret-scrape-token"
	srv := httptest.NewServer(m.Handler(HandlerOptions{Token: token}))
	defer srv.Close()
	open := httptest.NewServer(m.Handler(HandlerOptions{}))
	defer open.Close()

	tests := []struct {
		name   string
		url    string
		auth   string
		status int
	}{
		{"no token", srv.URL, "", http.StatusUnauthorized},
		{"wrong token", srv.URL, "Bearer wrong", http.StatusUnauthorized},
		{"token prefix", srv.URL, "Bearer s3cret", http.StatusUnauthorized},
		{"token with extra", srv.URL, "Bearer " + token + "x", http.StatusUnauthorized},
		{"basic scheme", srv.URL, "Basic " + token, http.StatusUnauthorized},
		{"bare token", srv.URL, token, http.StatusUnauthorized},
		{"empty bearer", srv.URL, "Bearer ", http.StatusUnauthorized},
		{"right token", srv.URL, "Bearer " + token, http.StatusOK},
		{"scheme in lower case", srv.URL, "bearer " + token, http.StatusOK},
		{"no token configured", open.URL, "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", tt.url+"/metrics", nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			hasMetrics := strings.Contains(string(body), durationName)
			if tt.status == http.StatusOK {
				if !hasMetrics {
					t.Errorf("no metrics in the answer:\n%s", body)
				}
				return
			}
			if hasMetrics {
				t.Error("metrics served without the token")
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="metrics"` {
				t.Errorf("WWW-Authenticate = %q", got)
			}
		})
	}
}

// claim: M3
func TestServeSeparateListener(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, ln, HandlerOptions{Token: "tok"}) }()
	base := "http://" + ln.Addr().String()

	tests := []struct {
		method, path, auth string
		status             int
	}{
		{"GET", "/metrics", "Bearer tok", http.StatusOK},
		{"GET", "/metrics", "", http.StatusUnauthorized},
		{"GET", "/", "Bearer tok", http.StatusNotFound},
		{"GET", "/debug/pprof/", "Bearer tok", http.StatusNotFound},
		{"POST", "/metrics", "Bearer tok", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path+" "+tt.auth, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, base+tt.path, nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve returned %v after the context ended", err)
	}
	if _, err := http.Get(base + "/metrics"); err == nil {
		t.Error("listener still answers after shutdown")
	}
}

func TestListenAndServeBadAddress(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	if err := m.ListenAndServe(t.Context(), "127.0.0.1:notaport", HandlerOptions{}); err == nil {
		t.Error("no error for a bad address")
	}
}
