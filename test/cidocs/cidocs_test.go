// Package cidocs checks, without a container engine, that the CI examples of docs/ci.md,
// deploy/docker-compose.yml and the Dockerfile use the simulator's real names: listener
// ports, environment variables, flags and the health call.
package cidocs

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/panelsim/panelsim/internal/config"
	"github.com/panelsim/panelsim/simtest"
)

const root = "../.."

// doc is one YAML document under test: the compose file, or a code block of docs/ci.md.
type doc struct {
	name string
	node *yaml.Node
}

func TestComposeAndCIExamples(t *testing.T) {
	n := gatherNames(t)
	docs := []doc{parseYAML(t, "deploy/docker-compose.yml", read(t, "deploy/docker-compose.yml"))}
	blocks := yamlBlocks(read(t, "docs/ci.md"))
	if len(blocks) < 8 {
		t.Fatalf("docs/ci.md: %d yaml code blocks, want the 8 or more of its examples", len(blocks))
	}
	for _, b := range blocks {
		d := parseYAML(t, "docs/ci.md:"+strconv.Itoa(b.line), b.text)
		walk(d.node, func(y *yaml.Node) { y.Line += b.line }) // lines of docs/ci.md
		docs = append(docs, d)
	}
	controlPaths := map[string]bool{}
	for _, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			checkDoc(t, n, d, controlPaths)
		})
	}
	// Every /_sim path the examples call exists on a running simulator.
	c := n.sim.Client("virtfusion", simtest.DefaultToken)
	for p := range controlPaths {
		if res := c.Control("GET", p, nil); res.Status == 404 {
			t.Errorf("the examples call %s, which the simulator does not serve: %v", p, res)
		}
	}
	if !controlPaths["/_sim/health"] {
		t.Error("no example waits on /_sim/health")
	}
}

var (
	envName     = regexp.MustCompile(`PANELSIM_[A-Z0-9_]+`)
	urlWithPort = regexp.MustCompile(`https?://[A-Za-z0-9.\-\[\]:]+:(\d+)[^\s"']*`)
	urlAssign   = regexp.MustCompile(`(PANELSIM_[A-Z0-9]+_URL)[=:]\s*"?(https?://\S+?)"?(\s|$)`)
	simPath     = regexp.MustCompile(`/_sim/[a-z/]*[a-z]`)
	portFlag    = regexp.MustCompile(`(?:^|\s)-p\s+(\S+)`)
	simCommand  = regexp.MustCompile(`(?:cmd/simulator@\S+|/usr/local/bin/simulator|(?:^|\s)simulator)\s+(serve|health)\b([^\n]*)`)
)

// checkDoc checks one YAML document and adds the /_sim paths it calls to paths.
func checkDoc(t *testing.T, n *names, d doc, paths map[string]bool) {
	var scalars []*yaml.Node
	walk(d.node, func(y *yaml.Node) {
		if y.Kind == yaml.ScalarNode {
			scalars = append(scalars, y)
		}
	})
	health, tests := -1, -1
	for i, s := range scalars {
		v := s.Value
		for _, name := range envName.FindAllString(v, -1) {
			if !n.known(name) {
				t.Errorf("line %d: %s is neither read nor printed by the simulator", s.Line, name)
			}
		}
		for _, m := range urlWithPort.FindAllStringSubmatch(v, -1) {
			if port, _ := strconv.Atoi(m[1]); !n.ports[port] {
				t.Errorf("line %d: %s: port %d is no listener's (want one of %v)", s.Line, m[0], port, n.ports)
			}
		}
		for _, m := range urlAssign.FindAllStringSubmatch(v, -1) {
			checkURLVar(t, n, s.Line, m[1], m[2])
		}
		for _, p := range simPath.FindAllString(v, -1) {
			paths[p] = true
			if p == "/_sim/health" && health < 0 {
				health = i
			}
		}
		for _, m := range portFlag.FindAllStringSubmatch(v, -1) {
			checkPort(t, n, s.Line, m[1])
		}
		for _, m := range simCommand.FindAllStringSubmatch(joinContinued(v), -1) {
			checkCommand(t, s.Line, append([]string{m[1]}, shellArgs(m[2])...))
		}
		if strings.Contains(v, "--health-cmd") || v == "CMD-SHELL" {
			t.Errorf("line %d: a shell health check; the image has no shell (use the exec form of simulator health)", s.Line)
		}
		if strings.Contains(v, "integration-test") && tests < 0 {
			tests = i
		}
	}
	walkMaps(d.node, func(m *yaml.Node) {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if k := m.Content[i]; strings.HasPrefix(k.Value, "PANELSIM_") && strings.HasSuffix(k.Value, "_URL") {
				checkURLVar(t, n, k.Line, k.Value, m.Content[i+1].Value)
			}
		}
		if hc := pair(m, "healthcheck"); hc != nil {
			checkHealthcheck(t, hc)
		}
		if ports := pair(m, "ports"); ports != nil && ports.Kind == yaml.SequenceNode {
			for _, p := range ports.Content {
				checkPort(t, n, p.Line, p.Value)
			}
		}
		if cmd := pair(m, "command"); cmd != nil && pair(m, "healthcheck") != nil {
			checkCommand(t, cmd.Line, seq(t, cmd))
		}
	})
	if tests < 0 {
		return
	}
	// A document that runs the tests sets a listener's URL for them and waits on the health
	// call first: a /_sim/health request before the tests (workflows), or a test service that
	// depends on a healthy simulator (compose).
	if services := pair(d.node, "services"); services != nil && services.Kind == yaml.MappingNode {
		if !waitsForHealthy(services) {
			t.Errorf("no service waits for a healthy panelsim (depends_on: condition: service_healthy)")
		}
	} else if health < 0 || health > tests {
		t.Errorf("runs the tests (line %d) without waiting on /_sim/health first", scalars[tests].Line)
	}
	urlSet := false
	for _, s := range scalars {
		if _, ok := n.printed[s.Value]; ok {
			urlSet = true
		}
	}
	if !urlSet {
		t.Errorf("runs the tests without setting a PANELSIM_<PROVIDER>_URL for them")
	}
}

// waitsForHealthy reports whether a compose service depends on another's health check.
func waitsForHealthy(services *yaml.Node) bool {
	for i := 1; i < len(services.Content); i += 2 {
		deps := pair(services.Content[i], "depends_on")
		if deps == nil || deps.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(deps.Content); j += 2 {
			cond := pair(deps.Content[j+1], "condition")
			if cond != nil && cond.Value == "service_healthy" && pair(pair(services, deps.Content[j].Value), "healthcheck") != nil {
				return true
			}
		}
	}
	return false
}

// checkURLVar: PANELSIM_<PROVIDER>_URL holds a URL of that provider's port.
func checkURLVar(t *testing.T, n *names, line int, name, value string) {
	t.Helper()
	want, ok := n.printed[name]
	if !ok {
		t.Errorf("line %d: %s is not a name the simulator prints", line, name)
		return
	}
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Port() != strconv.Itoa(want) || strings.Trim(u.Path, "/") != "" {
		t.Errorf("line %d: %s=%s, want http://HOST:%d", line, name, value, want)
	}
}

// checkPort: a published port is a listener's, and the same on the host (so the URLs the
// docs give hold).
func checkPort(t *testing.T, n *names, line int, spec string) {
	t.Helper()
	parts := strings.Split(strings.TrimSuffix(spec, "/tcp"), ":")
	container, _ := strconv.Atoi(parts[len(parts)-1])
	if !n.ports[container] {
		t.Errorf("line %d: port %q: %d is no listener's port", line, spec, container)
	}
	if len(parts) >= 2 && parts[len(parts)-2] != strconv.Itoa(container) {
		t.Errorf("line %d: port %q: publish the listener on its own port", line, spec)
	}
}

// checkHealthcheck: a compose health check runs simulator health in exec form, on the health
// call.
func checkHealthcheck(t *testing.T, hc *yaml.Node) {
	t.Helper()
	test := pair(hc, "test")
	if test == nil {
		t.Errorf("line %d: healthcheck without test", hc.Line)
		return
	}
	args := seq(t, test)
	if len(args) < 3 || args[0] != "CMD" || path.Base(args[1]) != "simulator" {
		t.Errorf("line %d: healthcheck %q: want [\"CMD\", \"/usr/local/bin/simulator\", \"health\", …]", test.Line, args)
		return
	}
	checkCommand(t, test.Line, args[2:])
}

// checkCommand parses a simulator command line with the simulator's own parser.
func checkCommand(t *testing.T, line int, args []string) {
	t.Helper()
	cli, cmd, err := config.Parse(args, io.Discard, io.Discard, func(int) {})
	if err != nil {
		t.Errorf("line %d: simulator %q: %v", line, args, err)
		return
	}
	switch cmd {
	case "health":
		u, err := cli.Health.HealthURL()
		if err != nil || !strings.HasSuffix(u, config.HealthPath) {
			t.Errorf("line %d: simulator %q: %q %v", line, args, u, err)
		}
	case "serve":
		if _, err := cli.Serve.Options(io.Discard, io.Discard); err != nil {
			t.Errorf("line %d: simulator %q: %v", line, args, err)
		}
	default:
		t.Errorf("line %d: simulator %q: command %q", line, args, cmd)
	}
}

func TestDockerfile(t *testing.T) {
	n := gatherNames(t)
	env := map[string]string{}
	var expose []string
	var health, volumes string
	for _, ins := range dockerInstructions(read(t, "Dockerfile")) {
		word, rest, _ := strings.Cut(ins, " ")
		switch strings.ToUpper(word) {
		case "ENV":
			for _, kv := range strings.Fields(rest) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("ENV %q: want NAME=VALUE pairs", rest)
				}
				env[k] = v
			}
		case "EXPOSE":
			expose = append(expose, strings.Fields(rest)...)
		case "HEALTHCHECK":
			health = rest
		case "VOLUME":
			volumes += rest
		}
	}
	for k := range env {
		if !n.env[k] {
			t.Errorf("ENV %s: internal/config reads no such variable", k)
		}
	}
	for p, port := range n.provPort {
		addr := env["PANELSIM_"+strings.ToUpper(p)]
		host, got, err := net.SplitHostPort(addr)
		if err != nil || host != "0.0.0.0" || got != strconv.Itoa(port) {
			t.Errorf("ENV PANELSIM_%s=%q, want 0.0.0.0:%d", strings.ToUpper(p), addr, port)
		}
	}
	exposed := map[int]bool{}
	for _, e := range expose {
		p, _ := strconv.Atoi(strings.TrimSuffix(e, "/tcp"))
		exposed[p] = true
	}
	if len(exposed) != len(n.ports) {
		t.Errorf("EXPOSE %v, want the listeners' ports %v", expose, n.ports)
	}
	for p := range n.ports {
		if !exposed[p] {
			t.Errorf("EXPOSE %v lacks %d", expose, p)
		}
	}
	if dir := filepath.Dir(env["PANELSIM_DATA"]); env["PANELSIM_DATA"] == "" || !strings.Contains(volumes, `"`+dir+`"`) {
		t.Errorf("PANELSIM_DATA=%q is not in a VOLUME (%s)", env["PANELSIM_DATA"], volumes)
	}
	// HEALTHCHECK [options] CMD ["/usr/local/bin/simulator", "health", …]: exec form, since
	// the image has no shell.
	_, form, ok := strings.Cut(health, "CMD ")
	var args []string
	if !ok || json.Unmarshal([]byte(form), &args) != nil || len(args) < 2 || path.Base(args[0]) != "simulator" {
		t.Fatalf("HEALTHCHECK %q: want CMD [\"/usr/local/bin/simulator\", \"health\", …]", health)
	}
	checkCommand(t, 0, args[1:])
	// The compose file keeps the image's data directory on a volume.
	compose := parseYAML(t, "deploy/docker-compose.yml", read(t, "deploy/docker-compose.yml"))
	mounted := false
	walkMaps(compose.node, func(m *yaml.Node) {
		if v := pair(m, "volumes"); v != nil && v.Kind == yaml.SequenceNode && pair(m, "healthcheck") != nil {
			for _, e := range v.Content {
				if strings.HasSuffix(e.Value, ":"+filepath.Dir(env["PANELSIM_DATA"])) {
					mounted = true
				}
			}
		}
	})
	if !mounted {
		t.Errorf("deploy/docker-compose.yml mounts no volume on %s", filepath.Dir(env["PANELSIM_DATA"]))
	}
}

// dockerInstructions are the Dockerfile's instructions, continuation lines joined, comments
// dropped.
func dockerInstructions(text string) []string {
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}
