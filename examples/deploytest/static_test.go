package deploytest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite deploy/.env.example from the README's tables")

// TestDockerfile checks what a linter would and what the image promises
// (static build, non-root distroless, volumes, health check through the
// binary, version through -ldflags), then builds the binaries with the
// Dockerfile's very flags and runs them: version is stamped, and the
// healthcheck subcommand passes against the running server.
func TestDockerfile(t *testing.T) {
	df := deployFile(t, "Dockerfile")
	for _, want := range []string{
		"ENV " + buildEnv,
		"go build -trimpath " + buildLDFlags + " -o /out/timetracker ./examples/timetracker",
		"go build -trimpath " + buildLDFlags + " -o /out/telemetry-server ./examples/telemetry-server",
		"FROM gcr.io/distroless/static-debian12:nonroot AS timetracker",
		"FROM gcr.io/distroless/static-debian12:nonroot AS telemetry-server",
		`VOLUME ["/data", "/logs"]`,
		"ENV LISTEN_ADDR=:8080 DATA_DIR=/data LOG_DIR=/logs",
		`CMD ["/usr/local/bin/timetracker", "healthcheck"]`,
		`CMD ["/usr/local/bin/telemetry-server", "healthcheck"]`,
	} {
		if !strings.Contains(df, want) {
			t.Errorf("deploy/Dockerfile lacks %q", want)
		}
	}
	// Every final stage runs as a non-root user, and nothing runs as root
	// after it; no final stage has a shell to run curl with.
	stages := regexp.MustCompile(`(?m)^FROM `).Split(df, -1)
	for _, st := range stages[2:] {
		if !regexp.MustCompile(`(?m)^USER 65532:65532$`).MatchString(st) {
			t.Errorf("a final stage does not switch to the non-root user:\n%s", st)
		}
		if strings.Contains(st, "curl") || strings.Contains(st, "wget") || regexp.MustCompile(`(?m)^RUN `).MatchString(st) {
			t.Errorf("a final stage runs commands or needs curl:\n%s", st)
		}
	}
	if !strings.HasSuffix(strings.TrimSpace(stages[len(stages)-1]), `CMD ["serve"]`) {
		t.Error("the last stage (the default target) is not the time tracker")
	}

	tt := binary(t, "timetracker")
	out, err := exec.Command(tt, "version").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "timetracker "+testVersion {
		t.Errorf("timetracker version = %q, %v; want the -ldflags version", out, err)
	}
	out, err = exec.Command(binary(t, "telemetry-server"), "version").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "telemetry-server "+testVersion {
		t.Errorf("telemetry-server version = %q, %v", out, err)
	}
	// A static binary: no dynamic section, so no libc needed in the image.
	if out, err := exec.Command("file", tt).CombinedOutput(); err == nil && !strings.Contains(string(out), "statically linked") {
		t.Errorf("the binary is not static: %s", out)
	}

	port := freePort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	start(t, "timetracker", []string{"LISTEN_ADDR=" + addr, "DATA_DIR=" + t.TempDir(), "LOG_DIR=" + t.TempDir(), "LOG_STDERR=false"}, tt)
	waitHTTP(t, "http://"+addr+"/healthz", 30*time.Second)
	hc := exec.Command(tt, "healthcheck")
	hc.Env = []string{"LISTEN_ADDR=:" + strconv.Itoa(port)} // as in the image: every address
	if out, err := hc.CombinedOutput(); err != nil {
		t.Errorf("healthcheck against the running server: %v\n%s", err, out)
	}
	hc = exec.Command(tt, "healthcheck")
	hc.Env = []string{"LISTEN_ADDR=:" + strconv.Itoa(freePort(t))}
	if err := hc.Run(); err == nil {
		t.Error("healthcheck passed with nothing listening")
	}
}

// TestDockerImage builds and runs the image where a Docker daemon answers.
func TestDockerImage(t *testing.T) {
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("no docker CLI")
	}
	if err := exec.Command("docker", "info").Run(); err != nil {
		t.Skip("docker info fails: no Docker daemon here (CI has none); TestDockerfile builds the same binaries with the same flags instead")
	}
	tag := "timetracker:deploytest"
	build := exec.Command("docker", "build", "-f", "deploy/Dockerfile", "--build-arg", "VERSION="+testVersion, "-t", tag, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, tail(string(out), 3000))
	}
	out, err := exec.Command("docker", "run", "--rm", "--network=none", tag, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), testVersion) {
		t.Errorf("docker run version: %q, %v", out, err)
	}
}

// readmeVars returns the variables of the README table under heading, in
// order, with their default and effect cells.
type envVar struct{ name, def, effect string }

func readmeVars(t *testing.T, readme, heading string) []envVar {
	t.Helper()
	i := strings.Index(readme, heading+"\n")
	if i < 0 {
		t.Fatalf("README has no %q", heading)
	}
	rest := readme[i:]
	start := strings.Index(rest, "| variable | default | effect |")
	if start < 0 {
		t.Fatalf("no variable table under %q", heading)
	}
	var vars []envVar
	name := regexp.MustCompile("`([A-Z][A-Z0-9_]+)`")
	for _, line := range strings.Split(rest[start:], "\n")[2:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("README row %q does not have three cells", line)
		}
		for _, m := range name.FindAllStringSubmatch(cells[0], -1) {
			vars = append(vars, envVar{m[1], strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])})
		}
	}
	return vars
}

// envExample renders .env.example from the README's two tables.
func envExample(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	clean := strings.NewReplacer("`", "", "**", "").Replace
	var w bytes.Buffer
	w.WriteString(`# The compose stack's settings: copy to .env and fill in the three
# required values. Generated from the README's tables ("Compose in four
# commands" and "Configuration") by
#   go test ./examples/deploytest -run TestEnvExample -update
# do not edit by hand. A commented line leaves the default; compose.yaml
# sets LISTEN_ADDR, DATA_DIR, LOG_DIR, DATABASE_URL and TRUST_PROXY itself.
`)
	seen := map[string]bool{}
	section := func(title string, vars []envVar) {
		w.WriteString("\n# ---- " + title + "\n")
		for _, v := range vars {
			if seen[v.name] {
				continue
			}
			seen[v.name] = true
			w.WriteString("\n# " + v.name + ": " + clean(v.effect) + "\n")
			w.WriteString("# default: " + clean(v.def) + "\n")
			if v.def == "required" {
				w.WriteString(v.name + "=\n")
			} else {
				w.WriteString("#" + v.name + "=\n")
			}
		}
	}
	section("the stack", readmeVars(t, readme, "### Compose in four commands"))
	section("the time tracker (README: Configuration)", readmeVars(t, readme, "### Configuration"))
	return w.String()
}

// TestEnvExample: deploy/.env.example is what the README's tables say,
// so that neither can drift; every variable compose.yaml reads from .env
// is in it.
func TestEnvExample(t *testing.T) {
	want := envExample(t)
	path := filepath.Join(root, "deploy", ".env.example")
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("deploy/.env.example differs from the README's tables; run go test ./examples/deploytest -run TestEnvExample -update\n--- want\n%s", want)
	}
	compose := deployFile(t, "compose.yaml")
	for _, m := range regexp.MustCompile(`\$\{([A-Z_]+)`).FindAllStringSubmatch(compose, -1) {
		if !strings.Contains(want, "\n# "+m[1]+": ") {
			t.Errorf("compose.yaml reads ${%s}, which .env.example (the README) does not list", m[1])
		}
	}
	for _, v := range []string{"LISTEN_ADDR", "DATA_DIR", "LOG_DIR", "DATABASE_URL", "TRUST_PROXY"} {
		if !regexp.MustCompile(`(?m)^  ` + v + `: `).MatchString(compose) {
			t.Errorf("compose.yaml does not set %s for the app, as .env.example says it does", v)
		}
	}
}

// TestComposeInStep: what compose.yaml mounts exists, and the proxy
// template uses only the variables compose fills in (and deploytest too).
func TestComposeInStep(t *testing.T) {
	compose := deployFile(t, "compose.yaml")
	for _, m := range regexp.MustCompile(`- \./([^:]+):`).FindAllStringSubmatch(compose, -1) {
		if _, err := os.Stat(filepath.Join(root, "deploy", m[1])); err != nil {
			t.Errorf("compose.yaml mounts ./%s: %v", m[1], err)
		}
	}
	tmpl := deployFile(t, "nginx/default.conf.template")
	vars := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{([A-Z_]+)\}`).FindAllStringSubmatch(tmpl, -1) {
		vars[m[1]] = true
	}
	if len(vars) != 2 || !vars["NGINX_UPSTREAM_SERVERS"] || !vars["NGINX_LISTEN"] {
		t.Errorf("the nginx template uses %v; compose.yaml and deploytest fill in NGINX_UPSTREAM_SERVERS and NGINX_LISTEN", vars)
	}
	for v := range vars {
		if !strings.Contains(compose, "      "+v+": ") {
			t.Errorf("compose.yaml does not set %s for the proxy", v)
		}
	}
	var dash map[string]any
	if err := json.Unmarshal([]byte(deployFile(t, "grafana/dashboards/timetracker.json")), &dash); err != nil {
		t.Errorf("the dashboard is not JSON: %v", err)
	}
}

// TestSystemdUnit: the hardening the issue asks for is there, and
// systemd-analyze accepts the unit.
func TestSystemdUnit(t *testing.T) {
	unit := deployFile(t, "systemd/timetracker.service")
	for _, want := range []string{"DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "StateDirectory=timetracker",
		"LogsDirectory=timetracker", "ProtectHome=yes", "CapabilityBoundingSet=\n", "ExecReload=/bin/kill -HUP $MAINPID",
		"DATA_DIR=/var/lib/timetracker", "LOG_DIR=/var/log/timetracker"} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit lacks %q", want)
		}
	}
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed; the unit was checked by text only")
	}
	// Verified with the binary where it would be installed.
	dir := t.TempDir()
	bin := binary(t, "timetracker")
	patched := strings.ReplaceAll(unit, "/usr/local/bin/timetracker", bin)
	p := filepath.Join(dir, "timetracker.service")
	if err := os.WriteFile(p, []byte(patched), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sa, "verify", p)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	// Outside a booted systemd, verify also complains about the host's
	// other units; only lines about ours count.
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "timetracker.service") {
			t.Errorf("systemd-analyze verify: %s", line)
		}
	}
	if err != nil && !strings.Contains(out.String(), "timetracker.service") {
		t.Logf("systemd-analyze verify exited with %v, about other units only:\n%s", err, tail(out.String(), 1000))
	}
}
