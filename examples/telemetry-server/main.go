// Command telemetry-server is the reference receiver for discreet's install
// telemetry: it accepts pings at /ping, keeps one row per installation in
// SQLite or PostgreSQL, forgets installations silent for 12 months, and
// never stores or logs a sender's IP address.
//
// Usage:
//
//	telemetry-server [flags]            serve (the default)
//	telemetry-server versions [flags]   print installations by version
//	telemetry-server healthcheck        GET /healthz on LISTEN_ADDR locally; exit 1 unless 200
//	telemetry-server version            print the version
//
// Flags, each defaulting to its environment variable:
//
//	-listen   LISTEN_ADDR     listen address (default ":8090")
//	-db       DATABASE_URL    postgres://… for PostgreSQL, otherwise a SQLite
//	                          file path (default "data/telemetry.db")
//	-latest   LATEST_VERSION  newest release, sent back to every ping
//
// GET /metrics serves Prometheus metrics (requests by route and status,
// so the pings received, and the Go runtime); with METRICS_TOKEN set it
// requires Authorization: Bearer <token>.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/discreet-dev/discreet"
	"github.com/discreet-dev/discreet/logging"
	"github.com/discreet-dev/discreet/metrics"
	"github.com/discreet-dev/discreet/telemetry"
	"github.com/discreet-dev/discreet/telemetry/receiver"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

const (
	defaultListen   = ":8090"
	defaultDatabase = "data/telemetry.db"
	// retention is how long an installation that stopped pinging is kept
	// (claim T6).
	retentionMonths = 12
	purgeEvery      = 24 * time.Hour
	shutdownWithin  = 10 * time.Second
)

// version is set at build time with -ldflags "-X main.version=1.2.3".
var version = "0.1.0-dev"

func main() {
	logger := newLogger(os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, logger)
	stop()
	if err != nil {
		logger.Error("telemetry-server: " + err.Error())
		os.Exit(1)
	}
}

type config struct {
	command  string // "serve" or "versions"
	listen   string
	database string
	latest   string
}

// parseConfig reads the flags, each defaulting to its environment variable.
func parseConfig(args []string, lookup func(string) (string, bool)) (config, error) {
	env := func(name, def string) string {
		if v, ok := lookup(name); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	cfg := config{command: "serve"}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cfg.command, args = args[0], args[1:]
	}
	if cfg.command != "serve" && cfg.command != "versions" && cfg.command != "healthcheck" && cfg.command != "version" {
		return cfg, fmt.Errorf("unknown command %q; use serve, versions, healthcheck or version", cfg.command)
	}
	fs := flag.NewFlagSet("telemetry-server "+cfg.command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.listen, "listen", env("LISTEN_ADDR", defaultListen), "listen address (LISTEN_ADDR)")
	fs.StringVar(&cfg.database, "db", env("DATABASE_URL", defaultDatabase), "postgres:// URL or SQLite file path (DATABASE_URL)")
	fs.StringVar(&cfg.latest, "latest", env("LATEST_VERSION", ""), "newest released version sent back to pings (LATEST_VERSION)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if len(cfg.latest) > telemetry.MaxVersionLen {
		return cfg, fmt.Errorf("LATEST_VERSION is longer than %d characters", telemetry.MaxVersionLen)
	}
	return cfg, nil
}

// run is the program: it serves, with the purge running beside it, until
// ctx is done (main cancels it on SIGINT or SIGTERM).
func run(ctx context.Context, args []string, lookup func(string) (string, bool), stdout io.Writer, logger *slog.Logger) error {
	cfg, err := parseConfig(args, lookup)
	if err != nil {
		return err
	}
	switch cfg.command {
	case "version":
		fmt.Fprintln(stdout, "telemetry-server", version)
		return nil
	case "healthcheck":
		return healthcheck(ctx, cfg.listen, stdout)
	}

	db, store, err := openStore(ctx, cfg.database)
	if err != nil {
		return err
	}
	defer db.Close()

	if cfg.command == "versions" {
		return printVersions(ctx, store, stdout)
	}

	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	logger.Info("telemetry-server listening", "addr", ln.Addr().String(),
		"database", describeDatabase(cfg.database), "latest", cfg.latest)
	go purgeLoop(ctx, store, time.Now, purgeEvery, logger)
	token, _ := lookup("METRICS_TOKEN")
	h, m, err := withMetrics(newHandler(db, store, cfg.latest, time.Now, logger), strings.TrimSpace(token), logger)
	if err != nil {
		return err
	}
	defer m.Close(context.Background())
	return serve(ctx, ln, h, logger)
}

// withMetrics serves GET /metrics beside h, all of it inside discreet's
// request pipeline: a request ID, one scrubbed record per request, panic
// recovery, and requests counted by route and status (the alert on pings
// that stopped arriving reads the count of /ping). The labels are route
// patterns and status codes, never an address.
func withMetrics(h http.Handler, token string, logger *slog.Logger) (http.Handler, *metrics.Metrics, error) {
	m, err := metrics.New(metrics.WithLogger(logger), metrics.WithService("telemetry-server", version))
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler(metrics.HandlerOptions{Token: token}))
	mux.Handle("/", h)
	return discreet.Pipeline{Logger: logger, Metrics: m}.Handler(mux), m, nil
}

// healthcheck asks the server on listen for /healthz over loopback: the
// container image has no curl, so its HEALTHCHECK runs the binary.
func healthcheck(ctx context.Context, listen string, stdout io.Writer) error {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("healthcheck: LISTEN_ADDR %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s: %s", url, res.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// openStore opens the database named by dsn, checks it answers and
// creates the table if needed.
func openStore(ctx context.Context, dsn string) (*sql.DB, *SQLStore, error) {
	var (
		db      *sql.DB
		dialect Dialect
		err     error
	)
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		dialect = Postgres
		db, err = sql.Open("pgx", dsn)
	} else {
		dialect = SQLite
		if dir := filepath.Dir(dsn); dir != "." {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, nil, err
			}
		}
		// WAL and a busy timeout let the purge and the pings share the file.
		db, err = sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
		if err == nil {
			db.SetMaxOpenConns(1) // SQLite writes one at a time anyway
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("opening the database: %w", err)
	}
	store, err := NewStore(db, dialect)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err == nil {
		err = store.Migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("opening the %s database: %w", dialect, err)
	}
	return db, store, nil
}

// describeDatabase names the database for the start-up record without the
// password a URL may carry.
func describeDatabase(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			rest = rest[at+1:]
		}
		if q := strings.IndexAny(rest, "?"); q >= 0 {
			rest = rest[:q]
		}
		return "postgres " + rest
	}
	return "sqlite " + dsn
}

// newHandler routes /ping to the receiver and /healthz to a database
// check. Nothing here reads a client address.
func newHandler(db *sql.DB, store *SQLStore, latest string, now func() time.Time, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/ping", receiver.New(store, receiver.Options{Latest: latest, Now: now, Logger: logger}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := db.PingContext(ctx); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	return mux
}

// serve runs an HTTP server on ln until ctx is done, then shuts it down,
// letting requests in flight finish within shutdownWithin.
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    8 << 10,
		// net/http's own messages can name the peer ("http: panic serving
		// 203.0.113.7:…"); the logger's handler removes addresses before
		// they are written (claim T6).
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("telemetry-server shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownWithin)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newLogger returns the server's logger: JSON lines on w, scrubbed of IP
// addresses and other personal data by discreet's handler (claim T6).
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(logging.NewJSONHandler(w, nil))
}

// purgeOnce deletes installations not heard from in 12 months.
func purgeOnce(ctx context.Context, store *SQLStore, now time.Time) (int64, error) {
	return store.Purge(ctx, now.AddDate(0, -retentionMonths, 0))
}

// purgeLoop runs purgeOnce at start and then every interval until ctx is
// done.
func purgeLoop(ctx context.Context, store *SQLStore, now func() time.Time, every time.Duration, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := purgeOnce(ctx, store, now())
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("telemetry-server: purge failed", "error", err.Error())
		case err == nil:
			logger.Info("telemetry-server: purged installations silent for 12 months", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// printVersions writes the version distribution as a table.
func printVersions(ctx context.Context, store *SQLStore, w io.Writer) error {
	counts, err := store.VersionCounts(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tINSTALLATIONS")
	for _, c := range counts {
		fmt.Fprintf(tw, "%s\t%d\n", c.Version, c.Installations)
	}
	return tw.Flush()
}
