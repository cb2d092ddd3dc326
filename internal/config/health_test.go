package config

import (
	"strings"
	"testing"
	"time"
)

func TestHealthDefaults(t *testing.T) {
	cli, cmd, err := parse(t, "health")
	if err != nil || cmd != "health" {
		t.Fatalf("health: %q %v", cmd, err)
	}
	u, err := cli.Health.HealthURL()
	if err != nil || u != "http://127.0.0.1:8081/_sim/health" {
		t.Fatalf("default URL: %q %v", u, err)
	}
	if cli.Health.Timeout != 5*time.Second || cli.Health.Insecure {
		t.Fatalf("defaults: %+v", cli.Health)
	}
}

func TestHealthFlagsAndEnvironment(t *testing.T) {
	cli, _, err := parse(t, "health", "--url", "https://panelsim:9082/", "--timeout", "2s", "--insecure")
	if err != nil {
		t.Fatal(err)
	}
	if u, err := cli.Health.HealthURL(); err != nil || u != "https://panelsim:9082/_sim/health" || cli.Health.Timeout != 2*time.Second || !cli.Health.Insecure {
		t.Fatalf("flags: %q %v %+v", u, err, cli.Health)
	}
	t.Setenv("PANELSIM_HEALTH_URL", "http://127.0.0.1:8084/_sim/health")
	t.Setenv("PANELSIM_HEALTH_TIMEOUT", "750ms")
	t.Setenv("PANELSIM_HEALTH_INSECURE", "true")
	cli, _, err = parse(t, "health")
	if err != nil {
		t.Fatal(err)
	}
	if u, err := cli.Health.HealthURL(); err != nil || u != "http://127.0.0.1:8084/_sim/health" || cli.Health.Timeout != 750*time.Millisecond || !cli.Health.Insecure {
		t.Fatalf("environment: %q %v %+v", u, err, cli.Health)
	}
}

func TestHealthBadURL(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"127.0.0.1:8081", "want http://HOST:PORT"},
		{"ftp://127.0.0.1:8081", "want http://HOST:PORT"},
		{"http://", "want http://HOST:PORT"},
		{"http://127.0.0.1:8081/api/v1", "base URL or its /_sim/health URL"},
		{"http://127.0.0.1:8081/_sim/clock", "base URL or its /_sim/health URL"},
		{"http://[::1", "missing ']'"},
	} {
		h := Health{URL: c.url, Timeout: time.Second}
		if _, err := h.HealthURL(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--url %q: got %v, want an error with %q", c.url, err, c.want)
		}
	}
	h := Health{URL: "http://127.0.0.1:8081", Timeout: 0}
	if _, err := h.HealthURL(); err == nil {
		t.Error("--timeout 0 accepted")
	}
}
