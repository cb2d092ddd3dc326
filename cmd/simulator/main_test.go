package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// build compiles the simulator once per test run.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "simulator")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// run starts the binary and waits for its URL line.
func run(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	// The tests name the VirtFusion listener; the others take free ports.
	cmd.Env = append(os.Environ(), "PANELSIM_OPENSCALER=127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "PANELSIM_VIRTFUSION_URL="); ok {
				found <- u
			}
		}
	}()
	select {
	case u := <-found:
		return cmd, u
	case <-time.After(20 * time.Second):
		t.Fatal("no PANELSIM_VIRTFUSION_URL line")
	}
	return nil, ""
}

func get(t *testing.T, c *http.Client, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// stop sends SIGTERM and expects a clean exit.
func stop(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit within 10 s of SIGTERM")
	}
}

func TestServeStopAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := build(t)
	data := filepath.Join(t.TempDir(), "state.db")
	cmd, url := run(t, bin, "--data", data, "--virtfusion", "127.0.0.1:0", "--clock", "manual", "--token", "ci")
	c := http.DefaultClient
	if code := get(t, c, url+"/api/v1/connect", "ci"); code != 200 {
		t.Fatalf("connect: %d", code)
	}
	if code := get(t, c, url+"/api/v1/connect", "panelsim"); code != 200 {
		t.Fatalf("default token: %d", code)
	}
	if code := get(t, c, url+"/api/v1/connect", "stranger"); code != 401 {
		t.Fatalf("unknown token: %d", code)
	}
	stop(t, cmd)
	if _, err := os.Stat(data); err != nil {
		t.Fatal(err)
	}
	// The same file opens again with the same worlds.
	cmd, url = run(t, bin, "--data", data, "--virtfusion", "127.0.0.1:0", "--clock", "manual")
	if code := get(t, c, url+"/api/v1/connect", "ci"); code != 200 {
		t.Fatalf("token declared before the restart: %d", code)
	}
	stop(t, cmd)
}

func TestTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := build(t)
	t.Setenv("PANELSIM_TLS", "true")
	cmd, url := run(t, bin, "serve", "--data", filepath.Join(t.TempDir(), "s.db"), "--virtfusion", "127.0.0.1:0")
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("URL line %q is not https", url)
	}
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	if code := get(t, insecure, url+"/api/v1/connect", "panelsim"); code != 200 {
		t.Fatalf("connect over TLS: %d", code)
	}
	stop(t, cmd)
}

// TestKillDuringWrites: killed with SIGKILL in the middle of a write load and restarted,
// the file opens cleanly and every request that got a 2xx is still there.
func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := build(t)
	data := filepath.Join(t.TempDir(), "state.db")
	cmd, url := run(t, bin, "--data", data, "--virtfusion", "127.0.0.1:0", "--clock", "manual")
	var mu sync.Mutex
	var acked []int
	var next atomic.Int64
	stopLoad := make(chan struct{})
	enough := make(chan struct{}, 1)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 5 * time.Second}
			for {
				select {
				case <-stopLoad:
					return
				default:
				}
				n := int(next.Add(1))
				body := fmt.Sprintf(`{"name":"U%d","email":"u%d@example.com","extRelationId":%d}`, n, n, n)
				req, _ := http.NewRequest("POST", url+"/api/v1/users", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer panelsim")
				req.Header.Set("Content-Type", "application/json")
				res, err := c.Do(req)
				if err != nil {
					return // the process is gone
				}
				res.Body.Close()
				if res.StatusCode == 201 {
					mu.Lock()
					acked = append(acked, n)
					if len(acked) == 500 {
						enough <- struct{}{}
					}
					mu.Unlock()
				}
			}
		}()
	}
	<-enough // 500 writes in, 16 more in flight: the kill lands in the middle of the load
	cmd.Process.Kill()
	close(stopLoad)
	wg.Wait()
	cmd.Wait()
	cmd, url = run(t, bin, "--data", data, "--virtfusion", "127.0.0.1:0", "--clock", "manual")
	for _, n := range acked {
		if code := get(t, http.DefaultClient, fmt.Sprintf("%s/api/v1/users/%d/byExtRelation", url, n), "panelsim"); code != 200 {
			t.Fatalf("user %d was acknowledged with 201 but is gone after the kill (%d)", n, code)
		}
	}
	t.Logf("%d acknowledged writes survived SIGKILL", len(acked))
	stop(t, cmd)
}
