// Package reliability drives a built panelsim binary the way a shared CI backend is used: it
// kills it with SIGKILL under concurrent writes on every provider and checks what survived,
// pushes on every bound a careless client could grow (journal, scenarios, snapshots, worlds,
// connections) and watches the process's memory, CPU and disk writes from /proc. Figures go
// to the test log (go test -v) and to BENCHMARKS.md.
package reliability

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/panelsim/panelsim/test/testbin"
)

// binary is the simulator built from this checkout.
func binary(t *testing.T) string { return testbin.Simulator(t) }

// proc is one running simulator.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	urls map[string]string // provider -> base URL
	done chan struct{}
}

// start runs the binary on data with every provider on a free loopback port.
func start(t *testing.T, data string, args ...string) *proc {
	t.Helper()
	all := append([]string{"serve", "--data", data, "--virtfusion", "127.0.0.1:0", "--e24cloud", "127.0.0.1:0",
		"--openscaler", "127.0.0.1:0", "--log-level", "error"}, args...)
	cmd := exec.Command(binary(t), all...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if os.Getenv("RELIABILITY_STDERR") != "" {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, urls: map[string]string{}, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(p.kill)
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(30 * time.Second)
	for len(p.urls) < len(providers) {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the simulator exited before listening")
			}
			if name, url, ok := strings.Cut(l, "_URL="); ok {
				p.urls[strings.ToLower(strings.TrimPrefix(name, "PANELSIM_"))] = url
			}
		case <-deadline:
			t.Fatal("no URL lines within 30 s")
		}
	}
	go func() {
		for range lines {
		}
	}()
	return p
}

// providers are the listeners every simulator the suite starts opens, each announced in a
// PANELSIM_<PROVIDER>_URL line.
var providers = []string{"virtfusion", "tenantos", "e24cloud", "openscaler"}

// kill ends the process with SIGKILL, as a crash would.
func (p *proc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop ends the process with SIGTERM and waits for a clean exit.
func (p *proc) stop() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if !p.cmd.ProcessState.Success() {
			p.t.Fatalf("SIGTERM: exit %v", p.cmd.ProcessState)
		}
	case <-time.After(15 * time.Second):
		p.t.Fatal("no exit within 15 s of SIGTERM")
	}
}

// procStatus reads a field of /proc/<pid>/status in kB (VmRSS, VmHWM).
func (p *proc) status(field string) int {
	raw, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}

// cpu is the process's user and system CPU time so far.
func (p *proc) cpu() time.Duration {
	raw, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

// written is how many bytes the process has caused to be written to storage.
func (p *proc) written() int64 {
	raw, _ := os.ReadFile(fmt.Sprintf("/proc/%d/io", p.cmd.Process.Pid))
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "write_bytes:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return -1
}

// answer is an HTTP answer; err is set when there was none.
type answer struct {
	status int
	body   []byte
	err    error
}

func (a answer) json(path ...string) any {
	var v any
	json.Unmarshal(a.body, &v)
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func (a answer) str(path ...string) string { s, _ := a.json(path...).(string); return s }

var client = &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// call sends a request with a bearer token (VirtFusion, OpenScaler), an e24cloud signature
// (sign set) or the control token header (control set).
func call(method, url, token string, body any, how string) answer {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		raw, _ = json.Marshal(b)
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(raw))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	switch how {
	case "e24cloud":
		date := time.Now().UTC().Format(http.TimeFormat)
		req.Header.Set("X-Date", date)
		mac := hmac.New(sha256.New, []byte("panelsim-secret"))
		mac.Write([]byte(method + "\n" + req.URL.Host + "\n" + date + "\n" + req.URL.RequestURI() + "\n"))
		mac.Write(raw)
		req.Header.Set("Authorization", token+":"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	case "control":
		req.Header.Set("X-Panelsim-Token", token)
	default:
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, body: b, err: err}
}
