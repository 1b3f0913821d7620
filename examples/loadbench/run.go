package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection that creates the benchmark's database

	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// sample is one wrk run against one app process.
type sample struct {
	RPS      float64
	P50, P99 time.Duration
	RSSKiB   int64 // the app's peak resident set during the round
	Requests int64
	Status4  int64 // 4xx answers (a timer already running or already stopped)
	Status5  int64 // 5xx answers: there must be none
	Captured int64 // requests the capture servers received (sinks on)
}

// results holds every round's samples by engine and sinks on or off.
type results map[string]map[bool][]sample

// run builds the app, seeds each engine and runs the alternating rounds.
func run(ctx context.Context, c config, log io.Writer) (results, error) {
	c.defaults()
	dir, err := os.MkdirTemp("", "loadbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "timetracker")
	fmt.Fprintln(log, "building the time tracker")
	if err := build(ctx, bin); err != nil {
		return nil, err
	}
	cap := newCapture()
	defer cap.Close()

	res := results{}
	type target struct{ engine, dsn string }
	var targets []target
	for _, e := range c.Engines {
		switch e = strings.TrimSpace(e); e {
		case "sqlite":
			targets = append(targets, target{e, filepath.Join(dir, "sqlite", "timetracker.db")})
		case "postgres":
			if c.PostgresURL == "" {
				return nil, errors.New("engine postgres: set TEST_POSTGRES_URL to an admin URL (the benchmark creates its own database)")
			}
			dsn, drop, err := createDatabase(ctx, c.PostgresURL)
			if err != nil {
				return nil, err
			}
			defer drop()
			targets = append(targets, target{e, dsn})
		default:
			return nil, fmt.Errorf("-engines: %q is neither sqlite nor postgres", e)
		}
	}
	for _, t := range targets {
		fmt.Fprintf(log, "seeding %s: %d users, %d years of entries each\n", t.engine, c.Users, c.Years)
		tokens, project, err := seed(ctx, bin, dir, t.dsn, c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.engine, err)
		}
		lua := filepath.Join(dir, t.engine+".lua")
		if err := os.WriteFile(lua, []byte(mixScript(tokens, project, c.Years)), 0o644); err != nil {
			return nil, err
		}
		res[t.engine] = map[bool][]sample{}
		for r := range c.Rounds {
			order := []bool{false, true}
			if r%2 == 1 {
				order = []bool{true, false}
			}
			for _, on := range order {
				s, err := round(ctx, bin, dir, t.dsn, lua, on, cap, c)
				if err != nil {
					return nil, fmt.Errorf("%s, sinks %s, round %d: %w", t.engine, onOff(on), r+1, err)
				}
				fmt.Fprintf(log, "%s sinks %-3s round %d: %.0f req/s, p50 %v, p99 %v, peak RSS %d MiB, %d 4xx, %d 5xx, %d captured\n",
					t.engine, onOff(on), r+1, s.RPS, s.P50, s.P99, s.RSSKiB/1024, s.Status4, s.Status5, s.Captured)
				res[t.engine][on] = append(res[t.engine][on], s)
			}
		}
	}
	return res, nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// build compiles examples/timetracker, found through the module system so
// that the command works from any directory of the repository.
func build(ctx context.Context, bin string) error {
	out, err := exec.CommandContext(ctx, "go", "list", "-f", "{{.Dir}}", "github.com/discreet-dev/discreet/examples/timetracker").Output()
	if err != nil {
		return fmt.Errorf("finding the time tracker's sources: %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = strings.TrimSpace(string(out))
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, b)
	}
	return nil
}

// createDatabase makes a database of the benchmark's own beside the one
// admin names and returns its URL and a function that drops it.
func createDatabase(ctx context.Context, admin string) (string, func(), error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", nil, fmt.Errorf("TEST_POSTGRES_URL: %w", err)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("loadbench_%d_%d", os.Getpid(), time.Now().Unix())
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("TEST_POSTGRES_URL: creating the benchmark's database: %w", err)
	}
	u.Path = "/" + name
	return u.String(), func() {
		db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		db.Close()
	}, nil
}

// app is one running time tracker process.
type app struct {
	cmd  *exec.Cmd
	base string
	out  bytes.Buffer
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// start runs the app on a free loopback port with env added to a minimal
// environment, and waits until it is ready.
func start(ctx context.Context, bin, dir, dsn string, env []string) (*app, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	data := filepath.Dir(dsn)
	if strings.HasPrefix(dsn, "postgres") {
		data = filepath.Join(dir, "pgdata")
	}
	a := &app{base: "http://" + addr}
	a.cmd = exec.Command(bin, "serve")
	a.cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"LISTEN_ADDR=" + addr, "DATA_DIR=" + data, "DATABASE_URL=" + dsn,
		"LOG_DIR=" + filepath.Join(dir, "logs"), "APP_ENV=production",
	}, env...)
	a.cmd.Stdout, a.cmd.Stderr = &a.out, &a.out
	if err := a.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(a.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return a, nil
			}
		}
		if ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	a.stop()
	return nil, fmt.Errorf("the app did not become ready:\n%s", a.out.String())
}

// peakRSS reads the process's high-water resident set from /proc.
func (a *app) peakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", a.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return n
}

// stop asks the app to shut down (it flushes its sinks) and waits.
func (a *app) stop() error {
	a.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- a.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		a.cmd.Process.Kill()
		return fmt.Errorf("the app did not stop within 30 s:\n%s", a.out.String())
	}
}

// seed starts the app once with every sink off, signs up c.Users users with
// an API token and three projects each, and writes c.Years years of
// entries for them straight into the database: about six per working day,
// up to an hour and a half each, a third of them billable.
func seed(ctx context.Context, bin, dir, dsn string, c config) (tokens []string, firstProject []int64, err error) {
	if !strings.HasPrefix(dsn, "postgres") {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o755); err != nil {
			return nil, nil, err
		}
	}
	a, err := start(ctx, bin, dir, dsn, nil)
	if err != nil {
		return nil, nil, err
	}
	defer a.stop()
	for i := range c.Users {
		tok, pid, err := signUp(a.base, i)
		if err != nil {
			return nil, nil, fmt.Errorf("user %d: %w", i, err)
		}
		tokens = append(tokens, tok)
		firstProject = append(firstProject, pid)
	}
	sdsn := dsn
	if !strings.HasPrefix(dsn, "postgres") {
		sdsn = "sqlite:" + dsn
	}
	db, err := store.Open(ctx, sdsn)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	now := time.Now().UTC().Truncate(24 * time.Hour)
	from := now.AddDate(-c.Years, 0, 0)
	perUser := c.Years * 250 * 6
	step := int64(now.Sub(from)/time.Second) / int64(perUser)
	var q string
	if db.Dialect() == store.Postgres {
		q = `INSERT INTO entries (user_id, project_id, start_at, end_at, notes, billable, created_at, updated_at)
			SELECT u.id, $1 + (u.id - $2) * 3 + i % 3, to_timestamp($3 + i * $4), to_timestamp($3 + i * $4 + 900 + i * 7919 % 4500),
				'worked on it', i % 3 = 0, now(), now()
			FROM users u, generate_series(CAST(0 AS BIGINT), CAST($5 AS BIGINT) - 1) AS i`
	} else {
		q = `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?5 - 1)
			INSERT INTO entries (user_id, project_id, start_at, end_at, notes, billable, created_at, updated_at)
			SELECT u.id, ?1 + (u.id - ?2) * 3 + i % 3,
				strftime('%Y-%m-%dT%H:%M:%S', ?3 + i * ?4, 'unixepoch') || '.000000Z',
				strftime('%Y-%m-%dT%H:%M:%S', ?3 + i * ?4 + 900 + i * 7919 % 4500, 'unixepoch') || '.000000Z',
				'worked on it', i % 3 = 0, '2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z'
			FROM users u, seq`
	}
	// Projects were created three per user in sign-up order, so user u's
	// first project is firstProject[0] + (u - first user's ID) * 3.
	var firstUser int64
	if err := db.SQL().QueryRowContext(ctx, "SELECT MIN(id) FROM users").Scan(&firstUser); err != nil {
		return nil, nil, err
	}
	for i, p := range firstProject {
		if p != firstProject[0]+int64(i)*3 {
			return nil, nil, fmt.Errorf("project IDs are not consecutive: user %d's first is %d", i, p)
		}
	}
	if _, err := db.SQL().ExecContext(ctx, q, firstProject[0], firstUser, from.Unix(), step, perUser); err != nil {
		return nil, nil, fmt.Errorf("seeding entries: %w", err)
	}
	analyze := "ANALYZE"
	if db.Dialect() == store.Postgres {
		analyze = "VACUUM ANALYZE entries"
	}
	if _, err := db.SQL().ExecContext(ctx, analyze); err != nil {
		return nil, nil, err
	}
	return tokens, firstProject, nil
}

// signUp registers user i through the API, signs in, creates an API token
// and three projects, and returns the token and the first project's ID.
func signUp(base string, i int) (string, int64, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	csrf := ""
	call := func(method, path, body string, want int, out any) error {
		req, _ := http.NewRequest(method, base+"/api/v1"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		res, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != want {
			return fmt.Errorf("%s %s: %d, want %d: %.300s", method, path, res.StatusCode, want, b)
		}
		if out != nil {
			return json.Unmarshal(b, out)
		}
		return nil
	}
	email := fmt.Sprintf("load%d@example.org", i)
	creds := fmt.Sprintf(`{"email":%q,"password":"a long password for load","name":"Load %d"}`, email, i)
	if err := call("POST", "/users", creds, 201, nil); err != nil {
		return "", 0, err
	}
	var sess struct {
		CSRF string `json:"csrf_token"`
	}
	login := fmt.Sprintf(`{"email":%q,"password":"a long password for load"}`, email)
	if err := call("POST", "/sessions", login, 200, &sess); err != nil {
		return "", 0, err
	}
	csrf = sess.CSRF
	var tok struct {
		Token string `json:"token"`
	}
	if err := call("POST", "/tokens", `{"name":"wrk"}`, 201, &tok); err != nil {
		return "", 0, err
	}
	var first int64
	for j, name := range []string{"Website", "App", "Support"} {
		var p struct {
			ID int64 `json:"id"`
		}
		if err := call("POST", "/projects", fmt.Sprintf(`{"name":%q,"billable":true}`, name), 201, &p); err != nil {
			return "", 0, err
		}
		if j == 0 {
			first = p.ID
		}
	}
	return tok.Token, first, nil
}

// mixScript is wrk's Lua script. Per 20 requests: 2 timer starts and 2
// stops, 2 timer reads, 3 new entries (dated before the seeded years, so
// that the lists and reports being read do not grow), 6 entry lists, 4
// one-year summaries (by project or by day) and 1 CSV of a month. Users
// take turns, request by request; a start on a running timer (409) or a
// stop on a stopped one (404) happens when connections overlap and is
// counted apart from 5xx answers.
func mixScript(tokens []string, firstProject []int64, years int) string {
	now := time.Now().UTC()
	yearAgo := now.AddDate(-1, 0, 0).Format(time.DateOnly)
	monthAgo := now.AddDate(0, -1, 0).Format(time.DateOnly)
	old := now.AddDate(-years-1, 0, 0).Truncate(24 * time.Hour).Add(9 * time.Hour)
	var toks, projs []string
	for i, t := range tokens {
		toks = append(toks, strconv.Quote(t))
		projs = append(projs, strconv.FormatInt(firstProject[i], 10))
	}
	return fmt.Sprintf(`
local tokens = {%s}
local projects = {%s}
local reqs = {}
local function add(n, method, path, body)
  for i = 1, n do reqs[#reqs + 1] = {method, path, body} end
end
add(1, "POST", "/api/v1/timer/start", "project")
add(3, "GET", "/api/v1/entries")
add(1, "GET", "/api/v1/reports/summary?group_by=project&from=%[3]s")
add(1, "POST", "/api/v1/entries", "entry")
add(1, "GET", "/api/v1/timer")
add(1, "POST", "/api/v1/timer/stop")
add(1, "GET", "/api/v1/reports/summary?group_by=day&from=%[3]s")
add(1, "POST", "/api/v1/entries", "entry")
add(3, "GET", "/api/v1/entries")
add(1, "POST", "/api/v1/timer/start", "project")
add(1, "GET", "/api/v1/reports/entries.csv?from=%[4]s")
add(1, "GET", "/api/v1/timer")
add(1, "POST", "/api/v1/timer/stop")
add(2, "GET", "/api/v1/reports/summary?group_by=project&from=%[3]s")
add(1, "POST", "/api/v1/entries", "entry")
local i, n, minute = 0, 0, 0
request = function()
  i = i %% #reqs + 1
  n = n + 1
  local u = n %% #tokens + 1
  local r = reqs[i]
  local h = {["Authorization"] = "Bearer " .. tokens[u]}
  local body = nil
  if r[3] == "project" then
    body = string.format('{"project_id":%%d}', projects[u])
  elseif r[3] == "entry" then
    minute = (minute + 7) %% 500000
    local s = %[5]d + minute * 60
    body = string.format('{"project_id":%%d,"start":"%%s","end":"%%s","notes":"load"}', projects[u],
      os.date("!%%Y-%%m-%%dT%%H:%%M:%%SZ", s), os.date("!%%Y-%%m-%%dT%%H:%%M:%%SZ", s + 300))
  end
  if body then h["Content-Type"] = "application/json" end
  return wrk.format(r[1], r[2], h, body)
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
s4, s5 = 0, 0
response = function(status, headers, body)
  if status >= 500 then s5 = s5 + 1 elseif status >= 400 then s4 = s4 + 1 end
end
done = function(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("s4"); b = b + t:get("s5") end
  io.write(string.format("LOADBENCH requests=%%d s4=%%d s5=%%d p50=%%d p99=%%d\n",
    summary.requests, a, b, latency:percentile(50), latency:percentile(99)))
end
`, strings.Join(toks, ","), strings.Join(projs, ","), yearAgo, monthAgo, old.Unix())
}

var doneLine = regexp.MustCompile(`LOADBENCH requests=(\d+) s4=(\d+) s5=(\d+) p50=(\d+) p99=(\d+)`)
var rpsLine = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)

// round starts the app with the sinks on or off, runs wrk once and stops
// the app, so that the peak RSS is this round's and the sinks flush.
func round(ctx context.Context, bin, dir, dsn, lua string, on bool, cap *capture, c config) (sample, error) {
	var env []string
	if on {
		env = cap.env()
	}
	before := cap.count()
	a, err := start(ctx, bin, dir, dsn, env)
	if err != nil {
		return sample{}, err
	}
	threads := min(2, c.Connections)
	out, err := exec.CommandContext(ctx, c.Wrk, "-t"+strconv.Itoa(threads), "-c"+strconv.Itoa(c.Connections),
		"-d"+c.Duration.String(), "--timeout", "10s", "-s", lua, a.base).CombinedOutput()
	rss := a.peakRSS()
	if serr := a.stop(); err == nil && serr != nil && !strings.Contains(serr.Error(), "signal") {
		err = serr
	}
	if err != nil {
		return sample{}, fmt.Errorf("wrk: %w\n%s", err, out)
	}
	m, r := doneLine.FindSubmatch(out), rpsLine.FindSubmatch(out)
	if m == nil || r == nil {
		return sample{}, fmt.Errorf("cannot read wrk's output:\n%s", out)
	}
	s := sample{RSSKiB: rss, Captured: cap.count() - before}
	s.RPS, _ = strconv.ParseFloat(string(r[1]), 64)
	s.Requests, _ = strconv.ParseInt(string(m[1]), 10, 64)
	s.Status4, _ = strconv.ParseInt(string(m[2]), 10, 64)
	s.Status5, _ = strconv.ParseInt(string(m[3]), 10, 64)
	p50, _ := strconv.ParseInt(string(m[4]), 10, 64)
	p99, _ := strconv.ParseInt(string(m[5]), 10, 64)
	s.P50, s.P99 = time.Duration(p50)*time.Microsecond, time.Duration(p99)*time.Microsecond
	if s.Status5 > 0 {
		return s, fmt.Errorf("%d answers were 5xx; the app's output:\n%.3000s", s.Status5, a.out.String())
	}
	return s, nil
}

// capture stands in for Sentry, PostHog and the telemetry server on one
// loopback listener, counting what each receives.
type capture struct {
	srv                        *http.Server
	addr                       string
	sentry, posthog, telemetry atomic.Int64
}

func newCapture() *capture {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	c := &capture{addr: l.Addr().String()}
	c.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/42/"):
			c.sentry.Add(1)
			w.Write([]byte(`{"id":"00000000000000000000000000000000"}`))
		case strings.HasPrefix(r.URL.Path, "/posthog/"):
			c.posthog.Add(1)
			w.Write([]byte(`{"status":1}`))
		default:
			c.telemetry.Add(1)
			w.Write([]byte(`{"latest":"0.0.0"}`))
		}
	})}
	go c.srv.Serve(l)
	return c
}

func (c *capture) count() int64 { return c.sentry.Load() + c.posthog.Load() + c.telemetry.Load() }

// env turns every optional sink on, pointed at the capture server.
func (c *capture) env() []string {
	return []string{
		"SENTRY_DSN=http://publickey@" + c.addr + "/42",
		"POSTHOG_API_KEY=phc_loadbench",
		"POSTHOG_HOST=http://" + c.addr + "/posthog",
		"ENABLE_TELEMETRY=true",
		"TELE_URL=http://" + c.addr + "/telemetry",
		"TELE_SALT=a salt long enough for the load benchmark",
	}
}

func (c *capture) Close() error { return c.srv.Close() }

func median[T int64 | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		var z T
		return z
	}
	return s[len(s)/2]
}

// printTable writes the medians per engine and sinks setting, with the
// on/off ratio of each figure.
func printTable(w io.Writer, c config, res results) {
	fmt.Fprintf(w, "wrk %s, %d connections, %d alternating rounds, median of rounds\n\n", c.Duration, c.Connections, c.Rounds)
	fmt.Fprintln(w, "| engine | sinks | req/s | p50 | p99 | peak RSS |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, e := range c.Engines {
		e = strings.TrimSpace(e)
		r, ok := res[e]
		if !ok {
			continue
		}
		type m struct {
			rps      float64
			p50, p99 time.Duration
			rss      int64
		}
		get := func(on bool) m {
			var rps []float64
			var p50, p99 []time.Duration
			var rss []int64
			for _, s := range r[on] {
				rps, p50, p99, rss = append(rps, s.RPS), append(p50, s.P50), append(p99, s.P99), append(rss, s.RSSKiB)
			}
			return m{median(rps), median(p50), median(p99), median(rss)}
		}
		off, on := get(false), get(true)
		fmt.Fprintf(w, "| %s | off | %.0f | %v | %v | %d MiB |\n", e, off.rps, off.p50, off.p99, off.rss/1024)
		fmt.Fprintf(w, "| %s | on | %.0f | %v | %v | %d MiB |\n", e, on.rps, on.p50, on.p99, on.rss/1024)
		ratio := func(a, b float64) string {
			if b == 0 {
				return "-"
			}
			return fmt.Sprintf("%.2fx", a/b)
		}
		fmt.Fprintf(w, "| %s | on/off | %s | %s | %s | %s |\n", e, ratio(on.rps, off.rps),
			ratio(float64(on.p50), float64(off.p50)), ratio(float64(on.p99), float64(off.p99)), ratio(float64(on.rss), float64(off.rss)))
	}
}
