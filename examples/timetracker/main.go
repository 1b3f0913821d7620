// Command timetracker is the reference application of discreet: a
// self-hosted time tracker with every discreet package wired in. main.go
// holds the configuration and the wiring; server.go the HTTP middleware
// chain and the routes.
//
// Usage:
//
//	timetracker [serve]          run the server (the default)
//	timetracker migrate          apply database migrations and exit
//	timetracker telemetry-preview print the install-telemetry payload (T5)
//	timetracker healthcheck      GET /healthz on LISTEN_ADDR locally; exit 1 unless 200 (a container HEALTHCHECK)
//	timetracker copy-sqlite PATH copy the SQLite database at PATH into the empty PostgreSQL database at DATABASE_URL
//	timetracker version          print the version
//
// Configuration comes from the environment; see the README for the table.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/errortrack"
	"github.com/discreet-dev/discreet/examples/timetracker/api"
	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
	"github.com/discreet-dev/discreet/examples/timetracker/web"
	"github.com/discreet-dev/discreet/logging"
	"github.com/discreet-dev/discreet/metrics"
	"github.com/discreet-dev/discreet/telemetry"
	"github.com/discreet-dev/discreet/tracing"
)

// version is the application version, set at build time with
// -ldflags "-X main.version=1.2.3". It is the release in error reports and
// the version in install telemetry.
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "timetracker:", err)
		stop()
		os.Exit(1)
	}
}

// run is the whole program, minus the process: tests call it with their
// own arguments, environment and writers. It returns when the subcommand is
// done, or for serve when ctx is cancelled and shutdown has finished.
func run(ctx context.Context, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) error {
	return runWith(ctx, args, lookup, stdout, stderr, runOptions{})
}

// runOptions are the hooks tests use; the zero value is what main runs.
type runOptions struct {
	// ready is called with the address the server listens on, once it
	// accepts connections (LISTEN_ADDR=127.0.0.1:0 picks a free port).
	ready func(addr string)
	// metricsReady is the same for METRICS_ADDR.
	metricsReady func(addr string)
	// onDial sees every outbound connection the app opens (claim C2).
	onDial func(network, addr string)
	// passwords overrides the argon2id cost, so tests run quickly.
	passwords auth.Params
	// now is the pages' and the API's clock (nil: time.Now), and location
	// the server's time zone (nil: time.Local), so that tests can stand
	// at a chosen moment in a chosen zone.
	now      func() time.Time
	location *time.Location
}

func runWith(ctx context.Context, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer, ro runOptions) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	var source string // copy-sqlite's one argument
	if cmd == "copy-sqlite" {
		if len(args) != 1 {
			return fmt.Errorf("copy-sqlite: give the SQLite database file to copy, for example: DATABASE_URL=postgres://… timetracker copy-sqlite data/timetracker.db")
		}
		source, args = args[0], nil
	}
	if len(args) > 0 {
		return fmt.Errorf("%s: unexpected arguments %q", cmd, args)
	}
	switch cmd {
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "timetracker", version)
		return nil
	case "serve", "migrate", "telemetry-preview", "healthcheck", "copy-sqlite":
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}

	cfg, err := loadConfig(lookup)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	switch cmd {
	case "healthcheck":
		return healthcheck(ctx, cfg.listenAddr, stdout)
	case "copy-sqlite":
		return copySQLite(ctx, source, cfg.databaseURL, stdout)
	case "migrate":
		db, err := store.Open(ctx, cfg.databaseURL)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		v, _ := db.SchemaVersion(ctx)
		fmt.Fprintf(stdout, "database schema is at version %d\n", v)
		return nil
	case "telemetry-preview":
		rep, err := newReporter(cfg, nil, slog.New(slog.DiscardHandler))
		if err != nil {
			return err
		}
		body, err := rep.Preview()
		if err != nil {
			return err
		}
		if !rep.Enabled() {
			fmt.Fprintln(stderr, "Install telemetry is off (ENABLE_TELEMETRY is not true): nothing is sent. This is what would be sent if it were on:")
		}
		fmt.Fprintf(stdout, "%s\n", body)
		return nil
	}
	return serve(ctx, cfg, stderr, ro)
}

const usage = `usage: timetracker [serve|migrate|telemetry-preview|healthcheck|version]
       timetracker copy-sqlite SQLITE_FILE   (into the PostgreSQL database at DATABASE_URL)`

// healthcheck asks the server on listenAddr for /healthz over loopback:
// the image has no curl, so its HEALTHCHECK runs the binary itself. It
// fails unless the answer is 200 within 3 seconds.
func healthcheck(ctx context.Context, listenAddr string, stdout io.Writer) error {
	host, port, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return fmt.Errorf("healthcheck: LISTEN_ADDR %q: %w", listenAddr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1" // listening on every address: loopback is one
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	// The app's one transport (C2); it never sends loopback requests to a
	// proxy from the environment.
	res, err := (&http.Client{Transport: outboundTransport(nil)}).Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s: %s", url, res.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// copySQLite copies the SQLite database at path into the empty PostgreSQL
// database at dsn (see store.Copy).
func copySQLite(ctx context.Context, path, dsn string, stdout io.Writer) error {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return errors.New("copy-sqlite: DATABASE_URL must name the PostgreSQL database to copy into (postgres://…)")
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("copy-sqlite: %w", err)
	}
	src, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer dst.Close()
	stats, err := store.Copy(ctx, src, dst)
	if err != nil {
		return err
	}
	for _, t := range stats.Tables {
		fmt.Fprintf(stdout, "%-20s %d rows\n", t, stats.Rows[t])
	}
	fmt.Fprintln(stdout, "copied; point DATABASE_URL at PostgreSQL and start the application")
	return nil
}

// config is everything read from the environment.
type config struct {
	consent consent.Settings // the privacy switches (SENTRY_DSN, POSTHOG_*, ENABLE_TELEMETRY, TELE_*, LOG_CLIENT_IP, LOG_DIR)

	listenAddr   string        // LISTEN_ADDR
	dataDir      string        // DATA_DIR
	databaseURL  string        // DATABASE_URL
	logStderr    bool          // LOG_STDERR
	logMaxSizeMB int           // LOG_MAX_SIZE_MB
	logBackups   int           // LOG_MAX_BACKUPS
	metricsToken string        // METRICS_TOKEN
	metricsAddr  string        // METRICS_ADDR
	appEnv       string        // APP_ENV
	registration string        // REGISTRATION: open or closed
	maxEntry     time.Duration // MAX_ENTRY_HOURS: the longest an entry may be
	// refuseOverlaps is OVERLAPS=refuse: an entry overlapping another of
	// the user's is refused rather than accepted with a warning.
	refuseOverlaps bool
	currency       string // CURRENCY: ISO 4217 code of rates and amounts
	trustProxy     bool   // TRUST_PROXY
	secureCookie   bool   // SECURE_COOKIES

	posthogPersonalKey string // POSTHOG_PERSONAL_API_KEY, for deletions (A4)
	posthogProjectID   string // POSTHOG_PROJECT_ID
}

// loadConfig reads the environment through lookup. Every unusable value is
// reported, each naming its variable, and nothing starts half-configured.
func loadConfig(lookup func(string) (string, bool)) (config, error) {
	get := func(name, def string) string {
		if v, ok := lookup(name); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	var errs []error
	boolVar := func(name string, def bool) bool {
		v := strings.ToLower(get(name, ""))
		switch v {
		case "":
			return def
		case "true", "1", "yes", "on":
			return true
		case "false", "0", "no", "off":
			return false
		}
		errs = append(errs, fmt.Errorf("%s: %q is not a boolean; use true/false, 1/0, yes/no or on/off", name, v))
		return def
	}

	intVar := func(name string, def int) int {
		v := get(name, "")
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			errs = append(errs, fmt.Errorf("%s: %q is not a whole number from 1 to 100000", name, v))
			return def
		}
		return n
	}

	var c config
	var err error
	if c.consent, err = consent.FromLookup(lookup); err != nil {
		errs = append(errs, err)
	}
	c.listenAddr = get("LISTEN_ADDR", ":8080")
	if _, _, err := net.SplitHostPort(c.listenAddr); err != nil {
		errs = append(errs, fmt.Errorf("LISTEN_ADDR: %q is not host:port (for example :8080 or 127.0.0.1:8080)", c.listenAddr))
	}
	c.dataDir = get("DATA_DIR", "data")
	c.databaseURL = get("DATABASE_URL", "")
	if c.databaseURL == "" {
		c.databaseURL = filepath.Join(c.dataDir, "timetracker.db")
	}
	// Anything else would be taken for an SQLite file path: a mistyped
	// scheme (mysql://, postgress://) would quietly start a new database.
	// The error names the scheme only; the URL may carry a password.
	if scheme, _, ok := strings.Cut(c.databaseURL, "://"); ok && scheme != "postgres" && scheme != "postgresql" && scheme != "sqlite" {
		errs = append(errs, fmt.Errorf("DATABASE_URL: the scheme %q is not supported; use postgres://… for PostgreSQL, or an SQLite file path", scheme))
	}
	// Off by default: erasure (L8) cannot reach a copy on stderr.
	c.logStderr = boolVar("LOG_STDERR", false)
	c.logMaxSizeMB = intVar("LOG_MAX_SIZE_MB", 100)
	c.logBackups = intVar("LOG_MAX_BACKUPS", 5)
	c.metricsToken = get("METRICS_TOKEN", "")
	c.metricsAddr = get("METRICS_ADDR", "")
	if c.metricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.metricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("METRICS_ADDR: %q is not host:port (for example 127.0.0.1:9090)", c.metricsAddr))
		}
	}
	c.appEnv = get("APP_ENV", "production")
	c.registration = strings.ToLower(get("REGISTRATION", "open"))
	if c.registration != "open" && c.registration != "closed" {
		errs = append(errs, fmt.Errorf("REGISTRATION: %q is neither open nor closed", c.registration))
	}
	c.maxEntry = time.Duration(intVar("MAX_ENTRY_HOURS", int(domain.DefaultMaxEntry/time.Hour))) * time.Hour
	if c.currency, err = app.CheckCurrency(get("CURRENCY", app.DefaultCurrency)); err != nil {
		errs = append(errs, fmt.Errorf("CURRENCY: %w", err))
	}
	switch v := strings.ToLower(get("OVERLAPS", "warn")); v {
	case "warn":
	case "refuse":
		c.refuseOverlaps = true
	default:
		errs = append(errs, fmt.Errorf("OVERLAPS: %q is neither warn nor refuse", v))
	}
	c.trustProxy = boolVar("TRUST_PROXY", false)
	c.secureCookie = boolVar("SECURE_COOKIES", false)
	c.posthogPersonalKey = get("POSTHOG_PERSONAL_API_KEY", "")
	c.posthogProjectID = get("POSTHOG_PROJECT_ID", "")
	if (c.posthogPersonalKey == "") != (c.posthogProjectID == "") {
		errs = append(errs, errors.New("POSTHOG_PERSONAL_API_KEY and POSTHOG_PROJECT_ID: set both (to let account deletion delete the person in PostHog) or neither"))
	}
	if err := errors.Join(errs...); err != nil {
		return config{}, err
	}
	return c, nil
}

// metricsOpenWarning is logged at start-up, and the admin page says the
// same, while /metrics answers anyone on a non-loopback address.
const metricsOpenWarning = "/metrics is open to anyone on a non-loopback address: set METRICS_TOKEN, or METRICS_ADDR to a private address"

// metricsOpen reports whether /metrics answers without a token on an
// address other than loopback: LISTEN_ADDR, or METRICS_ADDR when set. An
// empty or unspecified host (":8080", "0.0.0.0:8080") listens everywhere.
func (c config) metricsOpen() bool {
	if c.metricsToken != "" {
		return false
	}
	addr := c.listenAddr
	if c.metricsAddr != "" {
		addr = c.metricsAddr
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return true
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// outboundTransport is the one http.RoundTripper behind every connection
// the application opens to another host: Sentry, PostHog and the telemetry
// server all get it (claim C2). onDial, when set, sees each dial before it
// happens, which is how the tests prove that with no optional service
// configured the process connects nowhere.
func outboundTransport(onDial func(network, addr string)) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	dial := t.DialContext
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if onDial != nil {
			onDial(network, addr)
		}
		return dial(ctx, network, addr)
	}
	return t
}

// newReporter builds install telemetry; its state lives in the data
// directory so that "first start" survives restarts (T3).
func newReporter(cfg config, transport http.RoundTripper, log *slog.Logger) (*telemetry.Reporter, error) {
	return telemetry.New(cfg.consent, telemetry.Options{
		Version:   version,
		StatePath: filepath.Join(cfg.dataDir, "telemetry.json"),
		Transport: transport,
		Logger:    log,
	})
}

// deps is everything the server is made of, built by wire and taken apart
// by close.
type deps struct {
	cfg       config
	log       *slog.Logger
	logFile   *logging.File
	db        *store.DB
	health    *dbHealth
	metrics   *metrics.Metrics
	errors    *errortrack.Tracker
	analytics *analytics.Client
	telemetry *telemetry.Reporter
	tracing   *tracing.Tracing
	auth      *auth.Auth
	api       *api.API
	web       *web.Server
}

// wire builds every part from cfg. On error, what was built is closed.
func wire(ctx context.Context, cfg config, stderr io.Writer, ro runOptions) (d *deps, err error) {
	d = &deps{cfg: cfg}
	defer func() {
		if err != nil {
			d.close(context.Background())
			d = nil
		}
	}()

	// Logs: LOG_DIR/app.jsonl, and stderr too with LOG_STDERR=true (L1),
	// a copy erasure cannot reach, as the deletion pages then say (L8).
	// Client IPs survive scrubbing only with LOG_CLIENT_IP=true (L6).
	file, err := logging.OpenFile(logging.FileOptions{
		Dir:        cfg.consent.LogDir,
		MaxSizeMB:  cfg.logMaxSizeMB,
		MaxBackups: cfg.logBackups,
		Compress:   true,
	})
	if err != nil {
		return d, err
	}
	d.logFile = file
	var w io.Writer = file
	if cfg.logStderr && stderr != nil {
		w = io.MultiWriter(file, stderr)
	}
	d.log = slog.New(logging.NewJSONHandler(w, &logging.Options{KeepIPs: cfg.consent.LogClientIP}))

	// The start-up record (C4): which optional services are on, and
	// where they send; never a key, a DSN secret or a salt.
	summary := cfg.consent.Summary()
	summary = append(summary, slog.String("version", version), slog.String("environment", cfg.appEnv))
	if cfg.metricsOpen() {
		summary = append(summary, slog.String("metrics_warning", metricsOpenWarning))
	}
	d.log.LogAttrs(ctx, slog.LevelInfo, "optional services", summary...)
	if cfg.metricsOpen() {
		d.log.LogAttrs(ctx, slog.LevelWarn, metricsOpenWarning)
	}

	if d.db, err = store.Open(ctx, cfg.databaseURL); err != nil {
		return d, err
	}
	d.db.MaxEntry = cfg.maxEntry
	d.db.RefuseOverlaps = cfg.refuseOverlaps
	if err = d.db.Migrate(ctx); err != nil {
		return d, err
	}
	d.health = newDBHealth(d.db.Ping, d.log)

	if d.metrics, err = metrics.New(metrics.WithLogger(d.log), metrics.WithService("timetracker", version)); err != nil {
		return d, err
	}
	if err = d.metrics.ObserveDB(d.db.SQL(), "timetracker"); err != nil {
		return d, err
	}
	// The running-timers gauge (M1): timetracker.active_timers, exported
	// to Prometheus as timetracker_active_timers.
	if err = d.metrics.ObserveGauge(activeTimersGauge, "Running timers, all users together.", d.db.CountRunningTimers); err != nil {
		return d, err
	}
	// Lines the log file could not write (disk full, file unwritable):
	// discreet_log_dropped_lines_total, the name the alert rules and the
	// dashboard in deploy/ read, so that an alert can say what the log cannot.
	if err = d.metrics.ObserveCounter(droppedLinesCounter, "Log lines that could not be written to the log file (disk full, file unwritable).",
		func(context.Context) (int64, error) { return int64(d.logFile.Dropped()), nil }); err != nil {
		return d, err
	}

	out := outboundTransport(ro.onDial)
	// Traces (D1-D5): exported through the app's transport, which then
	// gives every other outbound call a client span.
	if d.tracing, err = tracing.New(cfg.consent, tracing.Options{
		ServiceName: "timetracker", ServiceVersion: version, Environment: cfg.appEnv,
		Transport: out, Logger: d.log,
	}); err != nil {
		return d, err
	}
	out = d.tracing.Transport(out)
	if d.errors, err = errortrack.New(cfg.consent, errortrack.Options{
		Release:     version,
		Environment: cfg.appEnv,
		Transport:   out,
		Logger:      d.log,
	}); err != nil {
		return d, err
	}
	if d.analytics, err = analytics.New(cfg.consent, analytics.Options{
		Schema: app.Schema,
		Preferences: consent.PreferencesFunc(func(ctx context.Context, userID int64) (bool, error) {
			u, err := d.db.FindUserByID(ctx, userID)
			if err != nil {
				return false, err
			}
			return !u.AnalyticsOptOut, nil
		}),
		// One session-hash key for the installation, kept in the database
		// and rotated weekly, so that a session hashes alike on every
		// replica and across restarts.
		SessionKeyFunc: store.NewSessionKeys(d.db, nil).Key,
		Transport:      out,
		MeterProvider:  d.metrics.MeterProvider(),
		Logger:         d.log,
		PersonalAPIKey: cfg.posthogPersonalKey,
		ProjectID:      cfg.posthogProjectID,
	}); err != nil {
		return d, err
	}
	if d.telemetry, err = newReporter(cfg, out, d.log); err != nil {
		return d, err
	}
	if d.telemetry.Enabled() && d.telemetry.GeneratedSalt() {
		d.log.LogAttrs(ctx, slog.LevelInfo, "install telemetry: TELE_SALT is empty or shorter than 16 characters, so a random salt is generated once and kept in the telemetry state file")
	}

	if d.auth, err = auth.New(auth.Options{
		Store:              d.db,
		Params:             ro.passwords,
		SecureCookies:      cfg.secureCookie,
		TrustProxy:         cfg.trustProxy,
		RegistrationClosed: cfg.registration == "closed",
		OnError:            func(w http.ResponseWriter, r *http.Request, err error) { d.authError(w, r, err) },
	}); err != nil {
		return d, err
	}
	// Through the open File, so erasure keeps step with the live writer.
	eraseLogs := func(_ context.Context, userID int64) error {
		_, err := d.logFile.EraseUser(userID)
		return err
	}
	if d.api, err = api.New(api.Options{
		Store:     d.db,
		Auth:      d.auth,
		Analytics: d.analytics,
		Errors:    d.errors,
		Logger:    d.log,
		EraseLogs: eraseLogs,
		Classify:  d.health.classify,
		Currency:  cfg.currency,
		Now:       ro.now,
		Location:  ro.location,
	}); err != nil {
		return d, err
	}
	if d.web, err = web.New(web.Config{
		Currency:    cfg.currency,
		Store:       d.db,
		Auth:        d.auth,
		Analytics:   d.analytics,
		Logger:      d.log,
		Consent:     cfg.consent,
		Telemetry:   d.telemetry,
		Version:     version,
		Errors:      d.errors,
		EraseLogs:   eraseLogs,
		MetricsOpen: cfg.metricsOpen(),
		// LOG_STDERR=true copies every line where erasure cannot reach.
		LogCopyElsewhere: cfg.logStderr,
		Classify:         d.health.classify,
		RefuseOverlaps:   cfg.refuseOverlaps,
		Now:              ro.now,
		Location:         ro.location,
	}); err != nil {
		return d, err
	}
	return d, nil
}

// activeTimersGauge is the OTel name of the running-timers gauge;
// Prometheus shows it as timetracker_active_timers.
const activeTimersGauge = "timetracker.active_timers"

// droppedLinesCounter is the OTel name of logging.File.Dropped; Prometheus
// shows it as discreet_log_dropped_lines_total, the name the alert rules
// and the dashboard in deploy/ use.
const droppedLinesCounter = "discreet.log.dropped_lines"

// close flushes and closes everything, each within its bound: Sentry,
// PostHog and the traces in parallel (at most 5 s), then metrics, the database and last
// the log file.
func (d *deps) close(ctx context.Context) {
	if d == nil {
		return
	}
	flushCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	done := make(chan struct{}, 3)
	go func() {
		if d.errors != nil {
			if err := d.errors.Close(flushCtx); err != nil && d.log != nil {
				d.log.Warn("error tracking: shutdown", "error", err)
			}
		}
		done <- struct{}{}
	}()
	go func() {
		if d.analytics != nil {
			if err := d.analytics.Close(flushCtx); err != nil && d.log != nil {
				d.log.Warn("product analytics: shutdown", "error", err)
			}
		}
		done <- struct{}{}
	}()
	go func() {
		if d.tracing != nil {
			if err := d.tracing.Close(flushCtx); err != nil && d.log != nil {
				d.log.Warn("traces: shutdown", "error", err)
			}
		}
		done <- struct{}{}
	}()
	<-done
	<-done
	<-done
	if d.metrics != nil {
		_ = d.metrics.Close(ctx)
	}
	d.health.close()
	if d.db != nil {
		if err := d.db.Close(); err != nil && d.log != nil {
			d.log.Warn("closing the database", "error", err)
		}
	}
	if d.log != nil {
		d.log.Info("stopped")
	}
	if d.logFile != nil {
		_ = d.logFile.Close()
	}
}
