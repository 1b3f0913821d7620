package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/internal/endpoint"
)

// Defaults for [Options].
const (
	DefaultInterval   = 24 * time.Hour
	DefaultTimeout    = 30 * time.Second
	DefaultBackoff    = time.Minute
	DefaultMaxBackoff = 6 * time.Hour
)

// maxReplyBytes bounds how much of a reply is read; a real reply is a few
// dozen bytes.
const maxReplyBytes = 4 << 10

// Clock is the reporter's view of time. The zero [Options] use the system
// clock; tests pass a fake one to run days of schedule in microseconds.
type Clock interface {
	Now() time.Time
	// After behaves like time.After.
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Options configure a [Reporter]. Only Version and StatePath are required.
type Options struct {
	// Version is the application's version as it should appear in pings,
	// at most MaxVersionLen printable characters, and nothing the
	// redaction engine would remove (an email address or a token stamped
	// in by a build script): New refuses such a version.
	Version string
	// StatePath is the state file, for example "data/telemetry.json". It
	// remembers the installation across restarts (claim T3) and, when
	// needed, the generated salt (T2).
	StatePath string
	// Interval between update checks; default DefaultInterval (24 h). Each
	// wait is jittered by up to a tenth either way so that many
	// installations started together do not ping together.
	Interval time.Duration

	// HTTPClient, when set, is used as it is. Otherwise the reporter builds
	// one from Transport and Timeout that does not follow redirects.
	HTTPClient *http.Client
	// Transport carries the pings; nil means a clone of
	// http.DefaultTransport. An application routes every outbound
	// connection through one hook by passing the same transport everywhere.
	Transport http.RoundTripper
	// Timeout bounds each attempt; default DefaultTimeout.
	Timeout time.Duration
	// Backoff is the wait before the first retry of a failed ping, doubled
	// on each further failure up to MaxBackoff; defaults DefaultBackoff and
	// DefaultMaxBackoff. Each wait is jittered, between half and all of it.
	Backoff    time.Duration
	MaxBackoff time.Duration

	// Clock defaults to the system clock.
	Clock Clock
	// Hostname defaults to os.Hostname. Only its hash with the salt ever
	// leaves the process.
	Hostname func() (string, error)
	// Logger receives the reporter's own records (failed pings, a corrupt
	// state file); default slog.Default().
	Logger *slog.Logger
}

// Reporter sends the install ping and the update checks. Build it with
// [New], run [Reporter.Run] in its own goroutine, and read
// [Reporter.Latest] whenever the application wants to show that an update
// is available. A Reporter built while telemetry is off does nothing at all.
type Reporter struct {
	enabled  bool
	endpoint string
	teleSalt string
	opts     Options
	client   *http.Client
	log      *slog.Logger
	running  atomic.Bool

	mu     sync.Mutex
	st     *state // set by Run once the state file is read
	latest string
}

// New returns a Reporter for the settings s. When install telemetry is off
// (ENABLE_TELEMETRY not true) the Reporter is a no-op: Run returns at once,
// and nothing opens a connection or writes a file (claim C2); only
// [Reporter.Preview] still works, so an operator can see what would be sent
// before turning it on.
//
// When telemetry is on, New checks that TELE_URL is https, or http on a
// loopback address (claim C5, already enforced by [consent.FromEnv] and
// checked again here for Settings built by hand), and that Version and
// StatePath are usable. New itself does no I/O.
func New(s consent.Settings, opts Options) (*Reporter, error) {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Backoff <= 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxBackoff < opts.Backoff {
		opts.MaxBackoff = opts.Backoff
	}
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	if opts.Hostname == nil {
		opts.Hostname = os.Hostname
	}
	r := &Reporter{
		enabled:  s.Enabled(consent.InstallTelemetry),
		teleSalt: s.TelemetrySalt,
		opts:     opts,
		log:      opts.Logger,
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	if !r.enabled {
		return r, nil
	}

	if err := checkURL(s, s.TelemetryURL); err != nil {
		return nil, fmt.Errorf("telemetry: TELE_URL: %w", err)
	}
	r.endpoint = s.TelemetryURL
	if err := checkVersion(opts.Version); err != nil {
		return nil, fmt.Errorf("telemetry: Options.Version: %w", err)
	}
	if opts.StatePath == "" {
		return nil, errors.New("telemetry: Options.StatePath is required so that the first-run ping is sent once per installation")
	}
	r.client = opts.HTTPClient
	if r.client == nil {
		tr := opts.Transport
		if tr == nil {
			tr = http.DefaultTransport.(*http.Transport).Clone()
		}
		r.client = &http.Client{
			Transport: tr,
			Timeout:   opts.Timeout,
			// A redirect could lead a ping to a plain-http or unexpected
			// host (claim C5); a receiver has no reason to send one, so it
			// counts as a failed attempt.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return r, nil
}

// checkURL accepts an absolute https URL, or http on a loopback host or a
// host named in PRIVATE_HTTP_HOSTS.
func checkURL(s consent.Settings, raw string) error {
	if raw == "" {
		return errors.New("is required when install telemetry is on")
	}
	return endpoint.Check(raw, s.PrivateHTTPHosts)
}

// Enabled reports whether install telemetry is on.
func (r *Reporter) Enabled() bool { return r.enabled }

// GeneratedSalt reports whether the fingerprint uses a random salt that the
// reporter generates once and keeps in its state file, because TELE_SALT
// is empty or shorter than [MinSaltLen] (claim T2). The application says so
// in its start-up record; Run also logs it when it generates the salt.
func (r *Reporter) GeneratedSalt() bool { return len(r.teleSalt) < MinSaltLen }

// Latest returns the newest version named by the last answered ping, or ""
// before any answer (and always when telemetry is off). An application
// compares it with its own version to show an "update available" notice.
func (r *Reporter) Latest() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.latest
}

// Run sends the first-run ping if this installation has never sent one,
// then an update check every interval, until ctx is done. It is meant to
// run in its own goroutine (go r.Run(ctx)) and never delays the caller's
// start-up (claim T4). Failed pings are retried with exponential backoff and
// jitter for as long as ctx lives; nothing the server does stops the
// reporter or makes it panic. When telemetry is off Run returns at once.
// Run must not be called twice at the same time; a second call logs and
// returns.
func (r *Reporter) Run(ctx context.Context) {
	if !r.enabled {
		return
	}
	if !r.running.CompareAndSwap(false, true) {
		r.log.LogAttrs(ctx, slog.LevelError, "telemetry: Run called while already running; ignoring the second call")
		return
	}
	defer r.running.Store(false)

	st := r.loadForRun(ctx)
	host := r.hostname(ctx)
	r.mu.Lock()
	r.st = st
	r.mu.Unlock()

	saveFailed := false
	for {
		r.mu.Lock()
		kind := KindUpdateCheck
		if !st.FirstPingSent {
			kind = KindInstall
		}
		lastCheck := st.LastCheckAt
		r.mu.Unlock()

		if kind == KindUpdateCheck {
			if !r.sleep(ctx, r.untilNextCheck(lastCheck)) {
				return
			}
		}
		r.mu.Lock()
		body, _ := json.Marshal(r.ping(st, kind, host))
		r.mu.Unlock()

		reply, ok := r.sendWithRetry(ctx, kind, body)
		if !ok {
			return
		}
		now := r.now()
		r.mu.Lock()
		r.latest = reply.Latest
		if kind == KindInstall {
			st.FirstPingSent = true
			st.FirstPingAt = now
		}
		st.LastCheckAt = now
		snapshot := *st
		r.mu.Unlock()
		if err := saveState(r.opts.StatePath, &snapshot); err != nil && !saveFailed {
			saveFailed = true // once is enough; the next save may well work
			r.log.LogAttrs(ctx, slog.LevelError, "telemetry: could not save the state file",
				slog.String("path", r.opts.StatePath), slog.String("error", err.Error()))
		}
	}
}

// Preview returns the exact JSON body the next ping would send (claim T5),
// without sending anything; it works whether telemetry is on or off. It
// reads the state file when there is one. When there is none yet, it shows
// the install ping of a new installation.
//
// The fingerprint in the preview is the one that will be used, with or
// without TELE_SALT: when the salt has to be generated (TELE_SALT empty or
// shorter than [MinSaltLen]) and the state file holds none yet, Preview
// generates it and writes the state file, salt and installation time
// included, as the first run would; the first run, the admin page and
// every later preview then use the same salt. Otherwise Preview writes
// nothing.
func (r *Reporter) Preview() ([]byte, error) {
	if err := checkVersion(r.opts.Version); err != nil {
		return nil, fmt.Errorf("telemetry: Options.Version: %w", err)
	}
	r.mu.Lock()
	var st state
	loaded := r.st != nil
	if loaded {
		st = *r.st
	} else {
		st = *r.previewState()
	}
	r.mu.Unlock()
	kind := KindUpdateCheck
	if !st.FirstPingSent {
		kind = KindInstall
	}
	host, err := r.opts.Hostname()
	if err != nil {
		host = ""
	}
	return json.Marshal(r.ping(&st, kind, host))
}

// previewState is the state a preview shows before Run has loaded it:
// what the file holds, brought up to date. When that needs a salt the
// file does not have, the state is written (see Preview). r.mu is held.
func (r *Reporter) previewState() *state {
	if r.opts.StatePath == "" {
		return r.advance(nil, r.now())
	}
	old, err := loadState(r.opts.StatePath) // an unreadable file is replaced, as Run replaces it
	st := r.advance(old, r.now())
	if !r.GeneratedSalt() || (old != nil && old.Salt != "") {
		return st
	}
	if errors.Is(err, errNoState) {
		// Created, never replaced: a Run starting at the same time in
		// another process may have written its own state first.
		if cerr := createState(r.opts.StatePath, st); errors.Is(cerr, fs.ErrExist) {
			if again, lerr := loadState(r.opts.StatePath); lerr == nil {
				return r.advance(again, r.now())
			}
		} else if cerr != nil {
			r.log.Warn("telemetry: could not keep the generated salt in the state file; the preview's fingerprint may differ from the first ping's",
				slog.String("path", r.opts.StatePath), slog.String("error", cerr.Error()))
		}
		return st
	}
	if serr := saveState(r.opts.StatePath, st); serr != nil {
		r.log.Warn("telemetry: could not keep the generated salt in the state file; the preview's fingerprint may differ from the first ping's",
			slog.String("path", r.opts.StatePath), slog.String("error", serr.Error()))
	}
	return st
}

// loadForRun reads the state file, or starts a new one, brings it up to
// date with this process's version and salt, and saves it.
func (r *Reporter) loadForRun(ctx context.Context) *state {
	old, err := loadState(r.opts.StatePath)
	if err != nil && !errors.Is(err, errNoState) {
		r.log.LogAttrs(ctx, slog.LevelWarn, "telemetry: the state file is unreadable or corrupt; replacing it with a new one",
			slog.String("path", r.opts.StatePath), slog.String("error", err.Error()))
	}
	created := false
	if errors.Is(err, errNoState) {
		// A preview in another process may create the file at the same
		// moment: the first to create it wins, the other adopts it.
		cerr := createState(r.opts.StatePath, r.advance(nil, r.now()))
		created = cerr == nil
		if created || errors.Is(cerr, fs.ErrExist) {
			if again, lerr := loadState(r.opts.StatePath); lerr == nil {
				old = again
			}
		}
	}
	hadSalt := old != nil && old.Salt != "" && !created
	st := r.advance(old, r.now())
	if r.GeneratedSalt() && !hadSalt {
		r.log.LogAttrs(ctx, slog.LevelInfo, "telemetry: TELE_SALT is empty or shorter than 16 characters; generated a random salt and kept it in the state file",
			slog.String("path", r.opts.StatePath))
	}
	if err := saveState(r.opts.StatePath, st); err != nil {
		r.log.LogAttrs(ctx, slog.LevelError, "telemetry: could not save the state file; the first-run ping may repeat after a restart",
			slog.String("path", r.opts.StatePath), slog.String("error", err.Error()))
	}
	return st
}

// advance returns the state this process works with: a copy of old (or a
// new installation when old is nil) with this version recorded and a salt
// generated if one is needed and missing. A version change makes an update
// check due at once, so an upgrade is reported promptly.
func (r *Reporter) advance(old *state, now time.Time) *state {
	var st state
	if old != nil {
		st = *old
	} else {
		st = state{InstalledAt: now, Version: r.opts.Version, UpdatedAt: now}
	}
	if st.Version != r.opts.Version {
		st.Version = r.opts.Version
		st.UpdatedAt = now
		st.LastCheckAt = time.Time{}
	}
	if r.GeneratedSalt() && st.Salt == "" {
		st.Salt = newSalt()
	}
	return &st
}

// ping builds the payload from st. Only these six fields exist (claim T1).
func (r *Reporter) ping(st *state, kind, host string) Ping {
	salt := r.teleSalt
	if r.GeneratedSalt() {
		salt = st.Salt
	}
	return Ping{
		Schema:      SchemaVersion,
		Kind:        kind,
		Fingerprint: Fingerprint(host, salt),
		Version:     st.Version,
		InstalledAt: st.InstalledAt,
		UpdatedAt:   st.UpdatedAt,
	}
}

func (r *Reporter) hostname(ctx context.Context) string {
	host, err := r.opts.Hostname()
	if err != nil {
		r.log.LogAttrs(ctx, slog.LevelWarn, "telemetry: cannot read the hostname; the fingerprint uses the salt alone",
			slog.String("error", err.Error()))
		return ""
	}
	return host
}

// now is the clock's time in UTC, to the second: the resolution of every
// time in a ping.
func (r *Reporter) now() time.Time { return r.opts.Clock.Now().UTC().Truncate(time.Second) }

// untilNextCheck returns how long to wait before the next update check: a
// jittered interval after the last answered ping, or nothing when that is
// already past. A clock set back never stretches the wait beyond one
// interval.
func (r *Reporter) untilNextCheck(last time.Time) time.Duration {
	if last.IsZero() {
		return 0
	}
	iv := r.opts.Interval
	next := iv - iv/10 + rand.N(iv/5+1)
	wait := last.Add(next).Sub(r.opts.Clock.Now())
	return min(wait, next)
}

// backoff returns the wait after the given number of consecutive failures
// (1 for the first): Backoff doubled per failure, capped at MaxBackoff,
// then jittered to between half and all of that.
func (r *Reporter) backoff(failures int) time.Duration {
	d := r.opts.Backoff
	for i := 1; i < failures && d < r.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, r.opts.MaxBackoff)
	return d/2 + rand.N(d/2+1)
}

// sleep waits d on the reporter's clock, or until ctx is done; it reports
// whether the wait ran its course.
func (r *Reporter) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	select {
	case <-r.opts.Clock.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}

// sendWithRetry posts body until a well-formed reply comes back or ctx is
// done (then ok is false).
func (r *Reporter) sendWithRetry(ctx context.Context, kind string, body []byte) (reply Reply, ok bool) {
	for failures := 1; ; failures++ {
		reply, err := r.send(ctx, body)
		if err == nil {
			return reply, true
		}
		if ctx.Err() != nil {
			return Reply{}, false
		}
		wait := r.backoff(failures)
		r.log.LogAttrs(ctx, slog.LevelWarn, "telemetry: ping failed; will retry",
			slog.String("kind", kind), slog.Int("failures", failures),
			slog.Duration("retry_in", wait), slog.String("error", err.Error()))
		if !r.sleep(ctx, wait) {
			return Reply{}, false
		}
	}
}

// send makes one attempt. Anything but a 2xx answer carrying a JSON object
// with a sensible "latest" is a failure.
func (r *Reporter) send(ctx context.Context, body []byte) (reply Reply, err error) {
	defer func() {
		// A broken transport or server must never take the application
		// down with it.
		if p := recover(); p != nil {
			err = fmt.Errorf("panic while sending: %v", p)
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.endpoint, bytes.NewReader(body))
	if err != nil {
		return Reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	// The default User-Agent names the Go version, which is not one of
	// the facts a ping carries.
	req.Header.Set("User-Agent", "discreet-telemetry")
	resp, err := r.client.Do(req)
	if err != nil {
		return Reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes+1))
	if err != nil {
		return Reply{}, fmt.Errorf("reading the reply: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Reply{}, fmt.Errorf("the server answered %s", resp.Status)
	}
	if len(b) > maxReplyBytes {
		return Reply{}, errors.New("malformed reply: larger than 4 KiB")
	}
	if b = bytes.TrimSpace(b); len(b) == 0 || b[0] != '{' {
		return Reply{}, errors.New("malformed reply: not a JSON object")
	}
	if err := json.Unmarshal(b, &reply); err != nil {
		return Reply{}, fmt.Errorf("malformed reply: %w", err)
	}
	if reply.Latest != "" {
		if err := checkVersion(reply.Latest); err != nil {
			return Reply{}, fmt.Errorf("malformed reply: latest: %w", err)
		}
	}
	return reply, nil
}
