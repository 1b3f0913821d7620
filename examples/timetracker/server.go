package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/discreet-dev/discreet"
	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/api"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/logging"
	"github.com/discreet-dev/discreet/metrics"
)

// shutdownGrace is how long requests in flight may take to finish once
// shutdown starts.
const shutdownGrace = 10 * time.Second

// serve runs the HTTP server until ctx is done, then shuts down: stop
// accepting, let requests in flight finish (at most shutdownGrace), stop
// the background work, flush error tracking and analytics within their
// bounds and close the database.
func serve(ctx context.Context, cfg config, stderr io.Writer, ro runOptions) error {
	d, err := wire(ctx, cfg, stderr, ro)
	if err != nil {
		return err
	}
	defer d.close(context.Background())

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.listenAddr)
	if err != nil {
		return err
	}
	var draining atomic.Bool
	srv := &http.Server{
		Handler:           newHandler(d, &draining),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(d.log.Handler(), slog.LevelWarn),
		// Requests keep their context when the process is told to stop:
		// they get shutdownGrace to finish rather than being cut off.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}

	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBG()
	var wg sync.WaitGroup
	wg.Go(func() { d.telemetry.Run(bg) })
	wg.Go(func() { sweepSessions(bg, d) })
	if cfg.metricsAddr != "" {
		mln, err := lc.Listen(ctx, "tcp", cfg.metricsAddr)
		if err != nil {
			ln.Close()
			return err
		}
		wg.Go(func() {
			if err := d.metrics.Serve(bg, mln, metrics.HandlerOptions{Token: cfg.metricsToken}); err != nil {
				d.log.Error("metrics listener stopped", logging.Err(err))
			}
		})
		d.log.Info("serving metrics on a separate listener", listenAttrs(mln.Addr())...)
		if ro.metricsReady != nil {
			ro.metricsReady(mln.Addr().String())
		}
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	d.log.Info("listening", append(listenAttrs(ln.Addr()), slog.String("version", version))...)
	if ro.ready != nil {
		ro.ready(ln.Addr().String())
	}

	select {
	case <-ctx.Done():
		err = nil
	case err = <-errc:
	}
	draining.Store(true)
	d.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil {
		d.log.Warn("requests still running at the shutdown deadline were cut off", logging.Err(serr))
		srv.Close()
	}
	stopBG()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// listenAttrs describes a listening address for the log. The log scrubs
// every IP address, the server's own included, so the record names the
// port, and a URL to open when the server is reachable as localhost.
func listenAttrs(a net.Addr) []any {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return []any{slog.String("network", a.Network())}
	}
	attrs := []any{slog.Int("port", tcp.Port)}
	if tcp.IP == nil || tcp.IP.IsUnspecified() || tcp.IP.IsLoopback() {
		attrs = append(attrs, slog.String("url", fmt.Sprintf("http://localhost:%d/", tcp.Port)))
	}
	return attrs
}

// sweepSessions deletes expired sessions and rate-limit counters whose
// window has ended, every hour.
func sweepSessions(ctx context.Context, d *deps) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := d.db.DeleteExpiredSessions(ctx, time.Now()); err != nil && ctx.Err() == nil {
			d.log.Warn("deleting expired sessions", logging.Err(err))
		}
		if _, err := d.db.DeleteExpiredAttempts(ctx, time.Now()); err != nil && ctx.Err() == nil {
			d.log.Warn("deleting expired sign-in counters", logging.Err(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// newHandler returns the routes wrapped in the middleware chain. From the
// outside in:
//
//	pipeline     discreet.Pipeline: request ID and record; a server span per
//	             request when traces are on (D2); errortrack recovers
//	             panics, reports them, answers a plain 500 (S1); logging writes
//	             one scrubbed record per request, panics with their stack
//	             (L2-L6); metrics count requests by route and status (M1, M2);
//	             Sec-GPC: 1 recorded in the context (C6); the route, looked up
//	             in mux first so refusals below are logged under it
//	headers      CSP, nosniff, Referrer-Policy, frame-ancestors
//	/metrics     here, beside the rest, when METRICS_ADDR is not set (M3)
//	cross-origin refuses state changes from other sites (Sec-Fetch-Site, Origin)
//	body limit   1 MiB; larger bodies get 413
//	auth         resolves the session cookie or bearer token; CSRF check
//	analytics    session hash for events; page views of HTML pages by route
//	mux          the routes
func newHandler(d *deps, draining *atomic.Bool) http.Handler {
	mux := http.NewServeMux()
	d.api.Register(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if draining.Load() {
			writeStatus(w, http.StatusServiceUnavailable, "shutting down")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := d.db.Ping(ctx); err != nil {
			// An outage is logged once, when it begins and when it ends
			// (dbHealth), not on every probe.
			if !errors.Is(d.health.classify(r.Context(), err), errUnavailable) {
				d.log.WarnContext(r.Context(), "readiness: database unreachable", logging.Err(err))
			}
			writeStatus(w, http.StatusServiceUnavailable, "database unreachable")
			return
		}
		writeStatus(w, http.StatusOK, "ok")
	})
	// The web interface: the HTML pages, outside /api/, /healthz, /readyz
	// and /metrics.
	d.web.Register(mux)

	var h http.Handler = mux
	h = analyticsContext(d.analytics, h)
	h = d.auth.Middleware(h)
	h = limitBody(h, d.authError)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.authError(w, r, domain.Errorf(domain.EFORBIDDEN, "Cross-origin requests may not change anything."))
	}))
	h = cop.Handler(h)
	if d.cfg.metricsAddr == "" {
		// Scrapers authenticate with METRICS_TOKEN, not as users, so
		// /metrics is served beside the auth layer rather than behind it.
		mm := http.NewServeMux()
		mm.Handle("GET /metrics", d.metrics.Handler(metrics.HandlerOptions{Token: d.cfg.metricsToken}))
		h = beside("/metrics", mm, h)
	}
	h = securityHeaders(d.auth.Secure, h)
	return discreet.Pipeline{
		Logger:  d.log,
		Log:     logging.MiddlewareOptions{ClientIP: d.cfg.consent.LogClientIP, TrustProxy: d.cfg.trustProxy},
		Metrics: d.metrics,
		Errors:  d.errors,
		Tracing: d.tracing,
		Routes:  mux,
	}.Handler(h)
}

// beside sends requests for path to special and all others to next. It
// is not a ServeMux on purpose: a mux would set its own catch-all pattern
// on the request the outer middlewares read the route from.
func beside(path string, special, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			special.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authError answers a request the auth layer (or the cross-origin check)
// refused, in the request's kind: the API's JSON under /api/, a page
// elsewhere (app.Errors).
func (d *deps) authError(w http.ResponseWriter, r *http.Request, err error) {
	var e app.Errors
	if d.api != nil {
		e.JSON = d.api.Error
	}
	if d.web != nil {
		e.HTML = d.web.Error
	}
	e.Error(w, r, err)
}

func writeStatus(w http.ResponseWriter, code int, status string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, `{"status":"`+status+`"}`+"\n")
}

// limitBody caps every request body at api.MaxBodyBytes, HTML forms
// included; reading past it fails, and the handlers answer 413. An
// import's upload may be larger (app.ImportBodyLimit); the import itself
// refuses a file over domain.MaxImportBytes.
//
// An import whose declared length is over its limit is refused at once,
// with the usual error for the API or the pages (refuse), before the CSRF
// check would read the body and fail on it.
func limitBody(next http.Handler, refuse func(http.ResponseWriter, *http.Request, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			limit := int64(api.MaxBodyBytes)
			if r.Method == http.MethodPost && app.IsImportPath(r.URL.Path) {
				limit = app.ImportBodyLimit
				if r.ContentLength > limit {
					refuse(w, r, domain.Errorf(domain.ETOOLARGE, "The file is larger than %d MB; export a shorter range and import it in parts.", domain.MaxImportBytes>>20))
					return
				}
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only the app's own scripts, styles and
// images: no inline script, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries, and HSTS when
// secure (the app's one HTTPS decision, auth.Auth.Secure) says the request
// came over HTTPS.
func securityHeaders(secure func(*http.Request) bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if secure(r) {
			h.Set("Strict-Transport-Security", "max-age=63072000")
		}
		next.ServeHTTP(w, r)
	})
}

// analyticsContext gives product events the session they belong to, as a
// hash analytics keys again (never the session ID), and sends a page view,
// by route pattern only, for each HTML page a signed-in user is shown. The
// consent checks (GPC, the user's opt-out) are the analytics client's.
func analyticsContext(a *analytics.Client, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := auth.IdentityFrom(r.Context())
		if id == nil || !a.Enabled() {
			next.ServeHTTP(w, r)
			return
		}
		if id.Session != nil {
			r = r.WithContext(analytics.WithSession(r.Context(), hex.EncodeToString(id.Session.IDHash)))
		}
		if r.Method != http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
		if discreet.ResponseStatus(r) == http.StatusOK && r.Pattern != "" && strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			a.PageView(r.Context(), id.User.ID, r.Pattern)
		}
	})
}
