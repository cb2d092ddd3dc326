package scaleout

import (
	"bufio"
	"bytes"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/panelsim/panelsim/test/testbin"
)

func simulatorBinary(t *testing.T) string { return testbin.Simulator(t) }

// freePort is a free port on 127.0.0.1 (free when asked: another process may take it).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// process is a child process the test started, stopped in t.Cleanup at the latest.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	logs *bytes.Buffer
	mu   sync.Mutex
}

// start runs bin with args in a process group of its own; lines of its standard output go
// to onLine (when set), its standard error to the process's logs.
func start(t *testing.T, name, bin string, args []string, onLine func(string)) *process {
	t.Helper()
	p := &process{name: name, done: make(chan struct{}), logs: &bytes.Buffer{}}
	p.cmd = exec.Command(bin, args...)
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p.cmd.Stderr = lockedWriter{p}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if onLine != nil {
				onLine(sc.Text())
			}
			p.write([]byte(sc.Text() + "\n"))
		}
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(syscall.SIGKILL)
		if t.Failed() {
			t.Logf("%s output (last 2 KiB):\n%s", p.name, p.tail(2048))
		}
	})
	return p
}

type lockedWriter struct{ p *process }

func (w lockedWriter) Write(b []byte) (int, error) { return w.p.write(b) }

func (p *process) write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.Write(b)
}

func (p *process) tail(n int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.logs.Bytes()
	return string(b[max(0, len(b)-n):])
}

// stop sends sig to the process (SIGTERM lets nginx's master stop its workers), waits up to
// 5 s, then kills its whole group.
func (p *process) stop(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// waitListening waits until every port accepts connections on 127.0.0.1, or fails.
func waitListening(t *testing.T, p *process, ports ...int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for _, port := range ports {
		for {
			c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-p.done:
				t.Fatalf("%s exited:\n%s", p.name, p.tail(2048))
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: nothing listens on %d: %v\n%s", p.name, port, err, p.tail(2048))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// simInstance is one panelsim process with its data file and ports.
type simInstance struct {
	name  string
	data  string
	ports map[string]int
	relay int // nginx's relay for the instance, on the proxy's side
	proc  *process
}

// startInstance runs the simulator as one instance behind the proxy: any token, the admin
// token, a manual clock, its own data file and name, and the other instances as peers. With
// ports nil it listens on free ports and reads them from its PANELSIM_*_URL lines.
func startInstance(t *testing.T, in *simInstance, peers []string) {
	t.Helper()
	listen := func(p string) string {
		if in.ports == nil {
			return "127.0.0.1:0"
		}
		return "127.0.0.1:" + strconv.Itoa(in.ports[p])
	}
	args := []string{"serve", "--data", in.data, "--any-token", "--admin-token", adminToken, "--clock", "manual",
		"--instance-name", in.name, "--log-level", "warn",
		"--virtfusion", listen("virtfusion"), "--tenantos", listen("tenantos"), "--e24cloud", listen("e24cloud"), "--openscaler", listen("openscaler")}
	if len(peers) > 0 {
		args = append(args, "--peers", strings.Join(peers, ","))
	}
	urls := make(chan [2]string, 8)
	in.proc = start(t, in.name, simulatorBinary(t), args, func(line string) {
		if k, v, ok := strings.Cut(line, "="); ok && strings.HasPrefix(k, "PANELSIM_") && strings.HasSuffix(k, "_URL") {
			urls <- [2]string{strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(k, "PANELSIM_"), "_URL")), v}
		}
	})
	got := map[string]int{}
	timeout := time.After(30 * time.Second)
	for len(got) < len(ProviderPorts) {
		select {
		case u := <-urls:
			_, port, _ := net.SplitHostPort(strings.TrimPrefix(u[1], "http://"))
			got[u[0]], _ = strconv.Atoi(port)
		case <-in.proc.done:
			t.Fatalf("%s exited:\n%s", in.name, in.proc.tail(2048))
		case <-timeout:
			t.Fatalf("%s: listeners not up after 30 s:\n%s", in.name, in.proc.tail(2048))
		}
	}
	if in.ports != nil {
		for p, port := range in.ports {
			if got[p] != port {
				t.Fatalf("%s: %s on %d, want %d", in.name, p, got[p], port)
			}
		}
	}
	in.ports = got
}
