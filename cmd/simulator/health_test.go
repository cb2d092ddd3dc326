package main

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/config"
	"github.com/panelsim/panelsim/simtest"
)

func probe(url string, insecure bool) (string, error) {
	var out bytes.Buffer
	err := probeHealth(&config.Health{URL: url, Timeout: 5 * time.Second, Insecure: insecure}, &out)
	return out.String(), err
}

// closedPort is a loopback URL on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	return url
}

func TestProbeHealth(t *testing.T) {
	s := simtest.New(t)
	for _, p := range []string{"virtfusion", "openscaler"} {
		for _, url := range []string{s.URL(p), s.URL(p) + "/", s.URL(p) + "/_sim/health"} {
			out, err := probe(url, false)
			if err != nil || !strings.Contains(out, `"status":"ok"`) {
				t.Errorf("%s: %q %v", url, out, err)
			}
		}
	}
	if _, err := probe(closedPort(t), false); err == nil {
		t.Error("nothing listening, yet healthy")
	}
}

func TestProbeHealthTLS(t *testing.T) {
	s := simtest.New(t, simtest.WithTLS())
	url := s.URL("virtfusion")
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("URL %q is not https", url)
	}
	if _, err := probe(url, false); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("self-signed certificate without --insecure: %v", err)
	}
	if out, err := probe(url, true); err != nil || !strings.Contains(out, `"status":"ok"`) {
		t.Errorf("--insecure: %q %v", out, err)
	}
}

// TestProbeHealthOtherAnswers: whatever is not panelsim's 200 {"status":"ok"} is unhealthy,
// and a listener that does not answer is given up on after --timeout.
func TestProbeHealthOtherAnswers(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"unavailable", 503, `{"status":"ok"}`, "503"},
		{"another server", 200, "<html>hello</html>", "not a healthy panelsim answer"},
		{"not ok", 200, `{"status":"starting"}`, "not a healthy panelsim answer"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(c.status)
			w.Write([]byte(c.body))
		}))
		if _, err := probe(srv.URL, false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.name, err, c.want)
		}
		srv.Close()
	}
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer slow.Close()
	defer close(release)
	start := time.Now()
	err := probeHealth(&config.Health{URL: slow.URL, Timeout: 200 * time.Millisecond}, &bytes.Buffer{})
	if err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("silent listener: %v after %v", err, time.Since(start))
	}
}

// TestHealthCommand runs the binary as a container's health check does: exit 0 while the
// simulator answers, 1 when it does not.
func TestHealthCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := build(t)
	s := simtest.New(t)
	out, err := exec.Command(bin, "health", "--url", s.URL("tenantos")).Output()
	if err != nil || !strings.Contains(string(out), `"status":"ok"`) {
		t.Fatalf("healthy simulator: %q %v", out, err)
	}
	for _, args := range [][]string{{"health", "--url", closedPort(t)}, {"health", "--url", s.URL("tenantos") + "/api"}} {
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.HasPrefix(stderr.String(), "simulator: ") {
			t.Errorf("%v: %v, stderr %q", args, err, stderr.String())
		}
	}
}
