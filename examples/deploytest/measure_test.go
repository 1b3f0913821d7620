package deploytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMeasureReplicas is the README's measurement, not a check: it runs
// wrk with a mix of API requests through the proxy, alternately against
// one replica and two (same machine, same database, same proxy template),
// and logs throughput and p99. Run it with
//
//	WRK_BIN=$(command -v wrk) go test ./examples/deploytest -run TestMeasureReplicas -v
//
// (plus the topology's variables). WRK_DURATION (default 10s) and
// WRK_CONNECTIONS (default 32) tune it.
func TestMeasureReplicas(t *testing.T) {
	wrk := os.Getenv("WRK_BIN")
	if wrk == "" {
		t.Skip("WRK_BIN is not set; this is the README's measurement, run on demand")
	}
	top := startTopology(t, 2)
	single := startNginx(t, top.nginx, filepath.Join(top.dir, "nginx-single"), top.apps[:1])

	// Some data: a user with a token, two projects and a few weeks of entries.
	jar, _ := cookiejar.New(nil)
	s := &session{t: t, base: top.proxy, hc: &http.Client{Jar: jar}}
	s.do("POST", "/api/v1/users", `{"email":"bench@example.org","password":"a long password","name":"Bench"}`, 201)
	_, b := s.do("POST", "/api/v1/sessions", `{"email":"bench@example.org","password":"a long password"}`, 200)
	var sess struct {
		CSRF string `json:"csrf_token"`
	}
	must(t, json.Unmarshal(b, &sess))
	s.csrf = sess.CSRF
	_, b = s.do("POST", "/api/v1/tokens", `{"name":"wrk"}`, 201)
	var tok struct {
		Token string `json:"token"`
	}
	must(t, json.Unmarshal(b, &tok))
	s = &session{t: t, base: top.proxy, hc: http.DefaultClient, hdr: map[string]string{"Authorization": "Bearer " + tok.Token}}
	var projects []int64
	for _, name := range []string{"Website", "App"} {
		_, b = s.do("POST", "/api/v1/projects", `{"name":"`+name+`","billable":true}`, 201)
		var p struct {
			ID int64 `json:"id"`
		}
		must(t, json.Unmarshal(b, &p))
		projects = append(projects, p.ID)
	}
	day := time.Now().UTC().Truncate(24 * time.Hour)
	for i := range 40 {
		st := day.Add(-time.Duration(i/2) * 24 * time.Hour).Add(time.Duration(9+i%2*4) * time.Hour)
		s.do("POST", "/api/v1/entries", fmt.Sprintf(`{"project_id":%d,"start":%q,"end":%q,"notes":"work"}`,
			projects[i%2], st.Format(time.RFC3339), st.Add(3*time.Hour).Format(time.RFC3339)), 201)
	}

	// The mix, per 20 requests: 8 timer reads, 5 entry lists, 3 report
	// summaries, 2 project lists, 2 new entries (dated a year back, so
	// that the lists being read do not grow during the runs).
	old := day.AddDate(-1, 0, 0)
	script := fmt.Sprintf(`
local token = %q
local reqs = {}
local function add(n, method, path, body)
  for i = 1, n do reqs[#reqs + 1] = {method, path, body} end
end
add(8, "GET", "/api/v1/timer")
add(5, "GET", "/api/v1/entries")
add(3, "GET", "/api/v1/reports/summary?group_by=project")
add(2, "GET", "/api/v1/projects")
add(2, "POST", "/api/v1/entries", '{"project_id":%d,"start":"%s","end":"%s"}')
local i = 0
request = function()
  i = i %% #reqs + 1
  local r = reqs[i]
  local h = {["Authorization"] = "Bearer " .. token}
  if r[3] then h["Content-Type"] = "application/json" end
  return wrk.format(r[1], r[2], h, r[3])
end
local errors = 0
response = function(status, headers, body)
  if status >= 400 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("status_errors %%d\n", summary.errors.status))
end
`, tok.Token, projects[0], old.Format(time.RFC3339), old.Add(time.Hour).Format(time.RFC3339))
	lua := filepath.Join(top.dir, "mix.lua")
	must(t, os.WriteFile(lua, []byte(script), 0o644))
	dur := envOr("WRK_DURATION", "10s")
	conns := envOr("WRK_CONNECTIONS", "32")

	type result struct{ rps, p99 float64 }
	run := func(base string) result {
		out, err := exec.Command(wrk, "-t2", "-c"+conns, "-d"+dur, "--latency", "-s", lua, base).CombinedOutput()
		if err != nil {
			t.Fatalf("wrk: %v\n%s", err, out)
		}
		o := string(out)
		if m := regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`).FindStringSubmatch(o); m != nil {
			t.Errorf("wrk saw %s error responses:\n%s", m[1], o)
		}
		rps := regexp.MustCompile(`Requests/sec:\s+([\d.]+)`).FindStringSubmatch(o)
		p99 := regexp.MustCompile(`\s99%\s+([\d.]+)(us|ms|s)`).FindStringSubmatch(o)
		if rps == nil || p99 == nil {
			t.Fatalf("cannot read wrk's output:\n%s", o)
		}
		r := result{}
		r.rps, _ = strconv.ParseFloat(rps[1], 64)
		r.p99, _ = strconv.ParseFloat(p99[1], 64)
		r.p99 *= map[string]float64{"us": 0.001, "ms": 1, "s": 1000}[p99[2]]
		return r
	}
	run(single) // warm-up, both replicas' pools and caches
	run(top.proxy)
	var one, two []result
	for range 3 {
		one = append(one, run(single))
		two = append(two, run(top.proxy))
	}
	med := func(rs []result, f func(result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		sort.Float64s(v)
		return v[len(v)/2]
	}
	rps := func(r result) float64 { return r.rps }
	p99 := func(r result) float64 { return r.p99 }
	t.Logf("one replica:  %v", one)
	t.Logf("two replicas: %v", two)
	t.Logf("medians: one %.0f req/s p99 %.1f ms; two %.0f req/s p99 %.1f ms; throughput x%.2f, p99 x%.2f",
		med(one, rps), med(one, p99), med(two, rps), med(two, p99), med(two, rps)/med(one, rps), med(two, p99)/med(one, p99))
	if b, err := exec.Command("nproc").Output(); err == nil {
		t.Logf("cores: %s, load: %s", strings.TrimSpace(string(b)), loadavg())
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(b))
}
