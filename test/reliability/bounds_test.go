package reliability

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBoundsHold: a client pushing on every bound it can reach gets a clean 4xx at each, and
// the process's memory stays flat: the second round of the same push grows it by little,
// since what the first one left is bounded (journal entries, scenarios, snapshots) and the
// rest was garbage. The pushes: huge queries (journal), huge bodies, huge header fields, many
// and large scenarios, many snapshots. What is held is the process's anonymous memory (its
// heap); the pages of the memory-mapped data file it touched come on top, bounded by what
// the limits let the file hold.
func TestBoundsHold(t *testing.T) {
	// Collect garbage often, so that the heap measured is what is kept, not what waits to go.
	t.Setenv("GOGC", "50")
	p := start(t, filepath.Join(t.TempDir(), "bounds.db"), "--clock", "manual")
	call("GET", p.urls["virtfusion"]+"/api/v1/connect", "panelsim", nil, "")
	base, baseAnon := p.status("VmRSS"), p.status("RssAnon")
	push(t, p, 0)
	first, firstAnon := p.status("VmRSS"), p.status("RssAnon")
	push(t, p, 1)
	second, secondAnon := p.status("VmRSS"), p.status("RssAnon")
	t.Logf("RSS %d MB at rest, %d MB after one push on every bound, %d MB after a second (peak %d MB); anonymous %d, %d, %d MB",
		base>>10, first>>10, second>>10, p.status("VmHWM")>>10, baseAnon>>10, firstAnon>>10, secondAnon>>10)
	if secondAnon-firstAnon > 40<<10 {
		t.Errorf("a second push grew the heap by %d MB: something is kept without bound", (secondAnon-firstAnon)>>10)
	}
}

// push runs one round of every push; round 1 asks for the same names as round 0, so nothing
// new may be kept.
func push(t *testing.T, p *proc, round int) {
	vf, ctl := p.urls["virtfusion"], p.urls["virtfusion"]
	// The journal: 400 requests with a 60 KB query each, then the journal read whole.
	q := strings.Repeat("q", 60<<10)
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if a := call("GET", vf+"/api/v1/connect?junk="+q, "panelsim", nil, ""); a.status != 200 {
					t.Errorf("60 KB query: %d %v", a.status, a.err)
					return
				}
			}
		}()
	}
	wg.Wait()
	j := call("GET", ctl+"/_sim/journal?limit=1000", "panelsim", nil, "control")
	if j.status != 200 || len(j.body) > 3<<20 {
		t.Errorf("journal of 400 huge queries: %d, %d bytes", j.status, len(j.body))
	}
	if a := call("GET", vf+"/api/v1/connect?junk="+strings.Repeat("q", 100<<10), "panelsim", nil, ""); a.status != 431 {
		t.Errorf("a 100 KB query: %d", a.status)
	}
	// Bodies: 10 MB refused with 413.
	if a := call("POST", vf+"/api/v1/users", "panelsim", strings.Repeat(" ", 10<<20), ""); a.status != 413 {
		t.Errorf("10 MB body: %d", a.status)
	}
	// Scenarios: 100 posts of 200 KB each; 32 kept, the rest refused with 409.
	refused := 0
	for i := 0; i < 100; i++ {
		body := fmt.Sprintf("name: virtfusion/big-%d\ndescription: %s\nrules:\n  - match: {operation: testConnection}\n    action: {status: 500}\n", i, strings.Repeat("d", 200<<10))
		switch a := call("POST", ctl+"/_sim/scenarios", "panelsim", body, "control"); a.status {
		case 201:
		case 409:
			refused++
		default:
			t.Fatalf("scenario %d: %d %s", i, a.status, a.body)
		}
	}
	if refused != 68 {
		t.Errorf("round %d: %d of 100 scenarios refused, want 68", round, refused)
	}
	if a := call("POST", ctl+"/_sim/scenarios", "panelsim", "name: virtfusion/huge\ndescription: "+strings.Repeat("d", 400<<10)+"\nrules: []\n", "control"); a.status != 413 {
		t.Errorf("a 400 KB scenario: %d", a.status)
	}
	// Snapshots: 30 asked for, 20 kept.
	refused = 0
	for i := 0; i < 30; i++ {
		if a := call("POST", ctl+"/_sim/snapshots", "panelsim", map[string]any{"name": fmt.Sprint("s", i)}, "control"); a.status == 409 {
			refused++
		}
	}
	if refused != 10 {
		t.Errorf("round %d: %d of 30 snapshots refused, want 10", round, refused)
	}
}

// TestIdleConnectionsClosed: 300 idle keep-alive connections are closed by the server after
// the idle timeout, and slow bodies after the read timeout; the listener stays reachable.
func TestIdleConnectionsClosed(t *testing.T) {
	p := start(t, filepath.Join(t.TempDir(), "conns.db"), "--clock", "manual", "--idle-timeout", "1s", "--read-timeout", "1s")
	addr := strings.TrimPrefix(p.urls["virtfusion"], "http://")
	var conns []net.Conn
	for i := 0; i < 300; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if i%2 == 0 { // half idle after a request, half slow in the middle of a body
			fmt.Fprintf(c, "GET /api/v1/connect HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer panelsim\r\n\r\n")
			r := bufio.NewReader(c)
			res, err := http.ReadResponse(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		} else {
			fmt.Fprintf(c, "POST /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer panelsim\r\nContent-Length: 1000\r\n\r\n{")
		}
		conns = append(conns, c)
	}
	time.Sleep(3 * time.Second)
	open := 0
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		buf := make([]byte, 4096)
		for {
			_, err := c.Read(buf)
			if err == io.EOF {
				break
			}
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				open++
				break
			}
			if err != nil {
				break
			}
		}
	}
	if open > 0 {
		t.Errorf("%d of 300 idle or slow connections still open 3 s after a 1 s timeout", open)
	}
	if a := call("GET", p.urls["virtfusion"]+"/api/v1/connect", "panelsim", nil, ""); a.status != 200 {
		t.Errorf("the listener after 300 stale connections: %d %v", a.status, a.err)
	}
}
