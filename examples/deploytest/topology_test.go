package deploytest

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// topology is the compose stack without Docker: two app processes on one
// PostgreSQL database, Debian's nginx with deploy/'s template in front,
// a telemetry receiver, and Debian's Prometheus with deploy/'s
// configuration and rules.
type topology struct {
	proxy, prom string   // base URLs
	apps        []string // host:port of each replica
	nginx, dir  string   // the nginx binary and the test's directory
	promAPI     func(t *testing.T, path string, q url.Values) json.RawMessage
}

// startTopology builds it, or skips when a program is missing.
func startTopology(t *testing.T, replicas int) *topology {
	t.Helper()
	pgURL := os.Getenv("TEST_POSTGRES_URL")
	if pgURL == "" {
		t.Skip("TEST_POSTGRES_URL is not set; set it (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the scaled topology")
	}
	nginx := needBin(t, "NGINX_BIN", "nginx")
	prom := needBin(t, "PROMETHEUS_BIN", "prometheus")
	dir := t.TempDir()
	const token = "deploytest-metrics-token"

	// A database of the test's own.
	admin, err := sql.Open("pgx", pgURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	dbName := fmt.Sprintf("tt_deploy_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE DATABASE " + dbName); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)") })
	u, _ := url.Parse(pgURL)
	u.Path = "/" + dbName
	dsn := u.String()

	top := &topology{nginx: nginx, dir: dir}
	tt := binary(t, "timetracker")
	for i := range replicas {
		addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
		start(t, fmt.Sprintf("app %d", i+1), []string{"LISTEN_ADDR=" + addr, "DATABASE_URL=" + dsn, "TRUST_PROXY=true",
			"METRICS_TOKEN=" + token, "DATA_DIR=" + filepath.Join(dir, "data", strconv.Itoa(i)),
			"LOG_DIR=" + filepath.Join(dir, "logs", strconv.Itoa(i)), "LOG_STDERR=false"}, tt)
		top.apps = append(top.apps, addr)
	}
	teleAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	start(t, "telemetry-server", []string{"LISTEN_ADDR=" + teleAddr, "METRICS_TOKEN=" + token,
		"DATABASE_URL=" + filepath.Join(dir, "telemetry.db")}, binary(t, "telemetry-server"))
	for _, a := range append(top.apps, teleAddr) {
		waitHTTP(t, "http://"+a+"/healthz", 60*time.Second)
	}

	top.proxy = startNginx(t, nginx, filepath.Join(dir, "nginx"), top.apps)

	// Prometheus: the compose configuration, with only the marked lines
	// changed, beside the same rules and a token file.
	pdir := filepath.Join(dir, "prometheus")
	must(t, os.MkdirAll(filepath.Join(pdir, "rules"), 0o755))
	cfg := promConfig(t, map[string][]string{"timetracker": top.apps, "telemetry-server": {teleAddr}})
	must(t, os.WriteFile(filepath.Join(pdir, "prometheus.yml"), []byte(cfg), 0o644))
	must(t, os.WriteFile(filepath.Join(pdir, "metrics_token"), []byte(token+"\n"), 0o600))
	rules, _ := filepath.Glob(filepath.Join(root, "deploy", "prometheus", "rules", "*.yml"))
	for _, r := range rules {
		b, err := os.ReadFile(r)
		must(t, err)
		must(t, os.WriteFile(filepath.Join(pdir, "rules", filepath.Base(r)), b, 0o644))
	}
	promAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	start(t, "prometheus", nil, prom, "--config.file="+filepath.Join(pdir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(pdir, "data"), "--web.listen-address="+promAddr)
	top.prom = "http://" + promAddr
	waitHTTP(t, top.prom+"/-/ready", 60*time.Second)
	top.promAPI = func(t *testing.T, path string, q url.Values) json.RawMessage {
		t.Helper()
		res, err := http.Get(top.prom + "/api/v1/" + path + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var r struct {
			Status string          `json:"status"`
			Data   json.RawMessage `json:"data"`
			Error  string          `json:"error"`
		}
		if err := json.NewDecoder(res.Body).Decode(&r); err != nil || r.Status != "success" {
			t.Fatalf("Prometheus %s %v: %s %s (%v)", path, q, r.Status, r.Error, err)
		}
		return r.Data
	}
	return top
}

// promConfig is deploy/prometheus/prometheus.yml with each marked
// discovery block replaced by static targets and the marked intervals set
// to 1s; the test fails if a marker is missing.
func promConfig(t *testing.T, targets map[string][]string) string {
	t.Helper()
	cfg := deployFile(t, "prometheus/prometheus.yml")
	interval := regexp.MustCompile(`(?m)^(\s*\w+_interval:) \S+ # deploytest:interval$`)
	if n := len(interval.FindAllString(cfg, -1)); n != 2 {
		t.Fatalf("prometheus.yml has %d deploytest:interval lines, want 2", n)
	}
	cfg = interval.ReplaceAllString(cfg, "$1 1s")
	for job, addrs := range targets {
		block := regexp.MustCompile(`(?s)( *)# deploytest:discovery:begin ` + regexp.QuoteMeta(job) + `\n.*?# deploytest:discovery:end\n`)
		m := block.FindStringSubmatch(cfg)
		if m == nil {
			t.Fatalf("prometheus.yml has no discovery block for %s", job)
		}
		quoted := make([]string, len(addrs))
		for i, a := range addrs {
			quoted[i] = strconv.Quote(a)
		}
		cfg = strings.Replace(cfg, m[0], m[1]+"static_configs:\n"+m[1]+"  - targets: ["+strings.Join(quoted, ", ")+"]\n", 1)
	}
	if strings.Contains(cfg, "dns_sd_configs") {
		t.Fatalf("a discovery block was not replaced:\n%s", cfg)
	}
	return cfg
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// session is a user's browser and API client through the proxy.
type session struct {
	t    *testing.T
	base string
	hc   *http.Client
	csrf string
	hdr  map[string]string
}

func (s *session) do(method, path, body string, want int) (http.Header, []byte) {
	s.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, s.base+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.csrf != "" {
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	for k, v := range s.hdr {
		req.Header.Set(k, v)
	}
	res, err := s.hc.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if want != 0 && res.StatusCode != want {
		s.t.Fatalf("%s %s through the proxy: %d, want %d: %.300s", method, path, res.StatusCode, want, b)
	}
	return res.Header, b
}

// play is a short, realistic session: sign up, sign in with a cookie,
// create a client and a project, run a timer, look at reports and pages.
func play(t *testing.T, base, email string) {
	jar, _ := cookiejar.New(nil)
	s := &session{t: t, base: base, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	s.do("POST", "/api/v1/users", `{"email":"`+email+`","password":"a long password","name":"Ada"}`, 201)
	_, b := s.do("POST", "/api/v1/sessions", `{"email":"`+email+`","password":"a long password"}`, 200)
	var sess struct {
		CSRF string `json:"csrf_token"`
	}
	must(t, json.Unmarshal(b, &sess))
	s.csrf = sess.CSRF
	_, b = s.do("POST", "/api/v1/clients", `{"name":"Acme"}`, 201)
	var obj struct {
		ID int64 `json:"id"`
	}
	must(t, json.Unmarshal(b, &obj))
	_, b = s.do("POST", "/api/v1/projects", fmt.Sprintf(`{"name":"Website","client_id":%d,"billable":true}`, obj.ID), 201)
	must(t, json.Unmarshal(b, &obj))
	for range 3 {
		s.do("POST", "/api/v1/timer/start", fmt.Sprintf(`{"project_id":%d}`, obj.ID), 201)
		s.do("GET", "/api/v1/timer", "", 200)
		s.do("POST", "/api/v1/timer/stop", "", 200)
	}
	s.do("POST", "/api/v1/timer/start", fmt.Sprintf(`{"project_id":%d}`, obj.ID), 201) // left running
	for range 3 {
		s.do("GET", "/api/v1/entries", "", 200)
		s.do("GET", "/api/v1/reports/summary?group_by=day", "", 200)
		s.do("GET", "/", "", 200)
		s.do("GET", "/reports", "", 200)
		s.do("GET", "/api/v1/projects/999999", "", 404)
	}
}

// TestScaledTopology is issue 18's end-to-end check of the deployment.
func TestScaledTopology(t *testing.T) {
	top := startTopology(t, 2)

	// The proxy sets the forwarding headers itself: a client claiming
	// https gets no HSTS over plain http, and /metrics is not served.
	s := &session{t: t, base: top.proxy, hc: http.DefaultClient, hdr: map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}}
	if h, _ := s.do("GET", "/healthz", "", 200); h.Get("Strict-Transport-Security") != "" {
		t.Error("a client's X-Forwarded-Proto reached the app through the proxy (HSTS over plain http)")
	}
	s.do("GET", "/metrics", "", 404)

	for i := range 3 {
		play(t, top.proxy, fmt.Sprintf("user%d@example.org", i))
	}

	// Both replicas up, each with per-route series from this session.
	eventually(t, 60*time.Second, func() error {
		var targets struct {
			ActiveTargets []struct {
				Labels    map[string]string `json:"labels"`
				Health    string            `json:"health"`
				LastError string            `json:"lastError"`
			} `json:"activeTargets"`
		}
		must(t, json.Unmarshal(top.promAPI(t, "targets", url.Values{"state": {"active"}}), &targets))
		up := map[string]int{}
		for _, tg := range targets.ActiveTargets {
			if tg.Health == "up" {
				up[tg.Labels["job"]]++
			} else if tg.LastError != "" {
				return fmt.Errorf("target %v: %s", tg.Labels, tg.LastError)
			}
		}
		if up["timetracker"] != 2 || up["telemetry-server"] != 1 {
			return fmt.Errorf("targets up: %v, want 2 timetracker and 1 telemetry-server", up)
		}
		return nil
	})
	query := func(expr string) []struct {
		Metric map[string]string `json:"metric"`
		Value  []any             `json:"value"`
	} {
		var r struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  []any             `json:"value"`
			} `json:"result"`
		}
		must(t, json.Unmarshal(top.promAPI(t, "query", url.Values{"query": {expr}}), &r))
		return r.Result
	}
	routes := []string{"/api/v1/sessions", "/api/v1/timer/start", "/api/v1/reports/summary", "/{$}", "/api/v1/projects/{id}"}
	eventually(t, 60*time.Second, func() error {
		for _, route := range routes {
			res := query(`count by (http_route) (http_server_request_duration_seconds_count{job="timetracker",http_route="` + route + `"})`)
			if len(res) != 1 || res[0].Value[1] != "2" {
				// Each instance exports its own series; 2 means both served the route.
				all := query(`count by (instance, http_route) (http_server_request_duration_seconds_count{job="timetracker"})`)
				return fmt.Errorf("route %s: series from %v instances, want 2; all: %v", route, res, all)
			}
		}
		return nil
	})

	// Every alert rule of deploy/ is loaded and evaluates without error.
	var want []string
	rules, _ := filepath.Glob(filepath.Join(root, "deploy", "prometheus", "rules", "*.yml"))
	for _, r := range rules {
		b, _ := os.ReadFile(r)
		for _, m := range regexp.MustCompile(`(?m)^\s*- alert: (\S+)`).FindAllStringSubmatch(string(b), -1) {
			want = append(want, m[1])
		}
	}
	eventually(t, 30*time.Second, func() error {
		var data struct {
			Groups []struct {
				Rules []struct {
					Name, Health, LastError string
				} `json:"rules"`
			} `json:"groups"`
		}
		must(t, json.Unmarshal(top.promAPI(t, "rules", url.Values{"type": {"alert"}}), &data))
		loaded := map[string]string{}
		for _, g := range data.Groups {
			for _, r := range g.Rules {
				loaded[r.Name] = r.Health + " " + r.LastError
			}
		}
		for _, name := range want {
			if h, ok := loaded[name]; !ok || strings.TrimSpace(h) != "ok" {
				return fmt.Errorf("alert %s: loaded %v, health %q", name, ok, h)
			}
		}
		if len(loaded) != len(want) {
			return fmt.Errorf("loaded %d alerts, the rule files have %d", len(loaded), len(want))
		}
		return nil
	})
	// Nothing should be firing on a healthy stack (pending is fine).
	if res := query(`ALERTS{alertstate="firing"}`); len(res) > 0 {
		t.Errorf("alerts firing on a healthy stack: %v", res)
	}

	// Every PromQL expression of every dashboard panel parses and returns
	// data, with Grafana's variables as Grafana would fill them in.
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	must(t, json.Unmarshal([]byte(deployFile(t, "grafana/dashboards/timetracker.json")), &dash))
	grafana := strings.NewReplacer("$__rate_interval", "1m", "$instance", ".+")
	n := 0
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			expr := grafana.Replace(tg.Expr)
			if strings.Contains(expr, "$") {
				t.Errorf("panel %q: an unknown variable in %s", p.Title, tg.Expr)
				continue
			}
			n++
			eventually(t, 60*time.Second, func() error {
				if len(query(expr)) == 0 {
					return fmt.Errorf("panel %q: %s returns no data", p.Title, expr)
				}
				return nil
			})
		}
	}
	if n < 20 {
		t.Errorf("only %d panel expressions checked", n)
	}
	t.Logf("2 replicas up, %d routes on both, %d alert rules loaded, %d panel expressions return data", len(routes), len(want), n)
}

// startNginx runs Debian's nginx with the compose template in front of
// apps and returns its base URL.
func startNginx(t *testing.T, nginx, ndir string, apps []string) string {
	t.Helper()
	// The compose template, filled in as the nginx image's entrypoint
	// does, inside a minimal main configuration.
	proxyAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	var servers strings.Builder
	for _, a := range apps {
		servers.WriteString("server " + a + " max_fails=1 fail_timeout=5s; ")
	}
	site := os.Expand(deployFile(t, "nginx/default.conf.template"), func(v string) string {
		switch v {
		case "NGINX_UPSTREAM_SERVERS":
			return servers.String()
		case "NGINX_LISTEN":
			return proxyAddr
		}
		return "$" + v // nginx's own variables stay as they are
	})
	must(t, os.MkdirAll(filepath.Join(ndir, "logs"), 0o755))
	must(t, os.WriteFile(filepath.Join(ndir, "default.conf"), []byte(site), 0o644))
	main := fmt.Sprintf(`daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include %[1]s/default.conf;
}
`, ndir)
	if os.Geteuid() == 0 {
		main = "user root;\n" + main // the workers must read the test's directory
	}
	must(t, os.WriteFile(filepath.Join(ndir, "nginx.conf"), []byte(main), 0o644))
	if out, err := exec.Command(nginx, "-t", "-p", ndir, "-c", filepath.Join(ndir, "nginx.conf")).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	start(t, "nginx "+filepath.Base(ndir), nil, nginx, "-p", ndir, "-c", filepath.Join(ndir, "nginx.conf"))
	base := "http://" + proxyAddr
	waitHTTP(t, base+"/healthz", 20*time.Second)
	return base
}
