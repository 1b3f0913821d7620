package metrics

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// HandlerOptions configures [Metrics.Handler]. The zero value serves
// /metrics to anyone who can reach it.
type HandlerOptions struct {
	// Token, when not empty, is the bearer token a scraper must send as
	// "Authorization: Bearer <Token>". Other requests get 401 Unauthorized.
	Token string
}

// Handler serves the registry in the Prometheus text format, or in
// OpenMetrics when the scraper's Accept header asks for it (Prometheus does).
// With opts.Token set, the token is compared in constant time and a request
// without the right one gets 401 with a WWW-Authenticate header and no
// metrics.
func (m *Metrics) Handler(opts HandlerOptions) http.Handler {
	serve := promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		EnableOpenMetrics: true,
		// A collector that fails should cost its own series, not the scrape.
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      slogPrinter{m.logger},
	})
	if opts.Token == "" {
		return serve
	}
	// Hashing both sides first makes the comparison take the same time
	// whatever the length of the guess.
	want := sha256.Sum256([]byte(opts.Token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := bearer(r.Header.Get("Authorization"))
		sum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 || !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		serve.ServeHTTP(w, r)
	})
}

// bearer returns the token of an "Authorization: Bearer <token>" value; the
// scheme is case-insensitive (RFC 9110, section 11.1).
func bearer(h string) (string, bool) {
	const prefix = "bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", false
	}
	return strings.TrimSpace(h[len(prefix):]), true
}

// ListenAndServe serves [Metrics.Handler] at /metrics on its own listener
// at addr, for scrapers only, until ctx is done; then it shuts the server
// down, giving scrapes in progress up to five seconds, and returns nil.
// Every other path answers 404.
func (m *Metrics) ListenAndServe(ctx context.Context, addr string, opts HandlerOptions) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return m.Serve(ctx, ln, opts)
}

// Serve is [Metrics.ListenAndServe] on a listener the caller opened. It
// closes ln.
func (m *Metrics) Serve(ctx context.Context, ln net.Listener, opts HandlerOptions) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler(opts))
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.logger.Handler(), slog.LevelWarn),
	}
	served := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		case <-served:
		}
	}()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-stopped // Shutdown returns once scrapes in progress are done
		return nil
	}
	close(served)
	<-stopped
	return err
}

// slogPrinter lets promhttp report encoding and gathering errors to slog.
type slogPrinter struct{ l *slog.Logger }

func (p slogPrinter) Println(v ...any) {
	p.l.Warn("metrics: /metrics handler", slog.String("error", strings.TrimSpace(fmt.Sprintln(v...))))
}
