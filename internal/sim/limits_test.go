package sim_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/journal"
	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// TestJournalBounded: an entry keeps at most journal.MaxField of a huge query, secret-looking
// parameters are redacted, and the journal answers in pages that walk back and forth.
func TestJournalBounded(t *testing.T) {
	s := simtest.New(t)
	c := s.Client("virtfusion", simtest.DefaultToken)
	c.Do("DELETE", "/_sim/journal", nil)
	c.Control("DELETE", "/_sim/journal", nil).Expect(t, 204)
	big := strings.Repeat("a", 50<<10)
	for i := 0; i < 5; i++ {
		c.Do("GET", "/connect?junk="+big+"&api_token=hunter2&n="+fmt.Sprint(i), nil).Expect(t, 200)
	}
	res := c.Control("GET", "/_sim/journal", nil).Expect(t, 200)
	if len(res.Body) > 5*(journal.MaxField+600) {
		t.Fatalf("journal of 5 requests with 50 KB queries is %d bytes", len(res.Body))
	}
	if strings.Contains(string(res.Body), "hunter2") {
		t.Fatal("the journal kept a secret query parameter")
	}
	for i := 0; i < 20; i++ {
		c.Do("GET", "/connect?n="+fmt.Sprint(i), nil).Expect(t, 200)
	}
	page := func(q string) (seqs []int64, more bool) {
		res := c.Control("GET", "/_sim/journal?path=/connect"+q, nil).Expect(t, 200)
		for i := 0; i < res.Len("entries"); i++ {
			seqs = append(seqs, res.Int("entries", i, "seq"))
		}
		return seqs, res.Get("more") == true
	}
	newest, more := page("&limit=10")
	if len(newest) != 10 || !more || newest[9]-newest[0] != 9 {
		t.Fatalf("newest page: %v more=%v", newest, more)
	}
	older, more := page(fmt.Sprintf("&limit=10&before=%d", newest[0]))
	if len(older) != 10 || !more || older[9] >= newest[0] {
		t.Fatalf("older page: %v more=%v (newest %v)", older, more, newest)
	}
	after, more := page(fmt.Sprintf("&limit=100&after=%d", older[9]))
	if len(after) != 10 || more || after[0] != newest[0] {
		t.Fatalf("page after %d: %v more=%v", older[9], after, more)
	}
	c.Control("GET", "/_sim/journal?limit=5000", nil).Expect(t, 400)
	c.Control("GET", "/_sim/journal?after=-1", nil).Expect(t, 400)
}

// TestHeaderFieldsTooLarge: header fields over the limit are answered by the provider, in its
// own shape: by the simulator over 64 KiB, and over Go's own limit too (plain HTTP).
func TestHeaderFieldsTooLarge(t *testing.T) {
	s := simtest.New(t)
	c := s.Client("virtfusion", simtest.DefaultToken)
	res := c.Do("GET", "/connect", nil, "X-Junk", strings.Repeat("j", 80<<10)).Expect(t, 431)
	if res.String("message") == "" {
		t.Fatalf("431 not in VirtFusion's shape: %v", res)
	}
	res = s.Client("openscaler", simtest.DefaultToken).Do("GET", "/vms", nil, "X-Junk", strings.Repeat("j", 80<<10)).Expect(t, 431)
	if res.String("detail") == "" {
		t.Fatalf("431 not in OpenScaler's shape: %v", res)
	}
	// Past Go's own limit the server answers before any handler; the listener rewrites it.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL("virtfusion"), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go fmt.Fprintf(conn, "GET /api/v1/connect HTTP/1.1\r\nHost: x\r\nX-Junk: %s\r\n\r\n", strings.Repeat("j", 3<<20))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	r, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	var m map[string]any
	if r.StatusCode != 431 || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &m) != nil || m["message"] == nil {
		t.Fatalf("over Go's limit: %d %s %s", r.StatusCode, r.Header.Get("Content-Type"), body)
	}
}

// TestScenarioLimits: a world posts scenarios up to a count and a size, then gets a clear 4xx;
// replacing one of its own at the limit still works.
func TestScenarioLimits(t *testing.T) {
	s := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.MaxScenarios = 3 }))
	c := s.Client("virtfusion", simtest.DefaultToken)
	post := func(name string, pad int) *simtest.Response {
		return c.Control("POST", "/_sim/scenarios", map[string]any{"name": "virtfusion/" + name, "description": strings.Repeat("d", pad),
			"rules": []any{map[string]any{"match": map[string]any{"operation": "testConnection"}, "action": map[string]any{"status": 500}}}})
	}
	for i := 0; i < 3; i++ {
		post(fmt.Sprintf("mine-%d", i), 10).Expect(t, 201)
	}
	if res := post("mine-3", 10).Expect(t, 409); !strings.Contains(res.String("error"), "at most 3") {
		t.Fatalf("the fourth scenario: %v", res)
	}
	post("mine-1", 10).Expect(t, 201) // a replacement is not one more
	post("mine-2", 300<<10).Expect(t, 413)
	if res := c.Control("GET", "/_sim/scenarios", nil).Expect(t, 200); strings.Count(string(res.Body), "virtfusion/mine-") != 3 {
		t.Fatalf("posted scenarios after the refusals: %s", res.Body)
	}
}

// TestSnapshotLimits: a world keeps a bounded number of snapshots, and a world too large to
// copy is refused, each with a clear 4xx and nothing written.
func TestSnapshotLimits(t *testing.T) {
	s := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.MaxSnapshots = 2 }))
	c := s.Client("virtfusion", simtest.DefaultToken)
	c.Control("POST", "/_sim/snapshots", map[string]any{"name": "a"}).Expect(t, 201)
	c.Control("POST", "/_sim/snapshots", map[string]any{"name": "b"}).Expect(t, 201)
	if res := c.Control("POST", "/_sim/snapshots", map[string]any{"name": "c"}).Expect(t, 409); !strings.Contains(res.String("error"), "at most 2") {
		t.Fatalf("third snapshot: %v", res)
	}
	c.Control("POST", "/_sim/snapshots", map[string]any{"name": "b"}).Expect(t, 201) // replaces b
	if n := c.Control("GET", "/_sim/snapshots", nil).Expect(t, 200).Len("snapshots"); n != 2 {
		t.Fatalf("%d snapshots kept", n)
	}

	small := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.MaxSnapshotBytes = 1024 }))
	c = small.Client("virtfusion", simtest.DefaultToken)
	c.Do("GET", "/servers", nil).Expect(t, 200) // the world gets VirtFusion's fixtures
	c.Control("POST", "/_sim/snapshots", map[string]any{"name": "big"}).Expect(t, 413)
	if n := c.Control("GET", "/_sim/snapshots", nil).Expect(t, 200).Len("snapshots"); n != 0 {
		t.Fatalf("a refused snapshot left %d behind", n)
	}
}

// rawConn is a keep-alive HTTP/1.1 connection driven by hand.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

func dialRaw(t *testing.T, url string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{Conn: c, r: bufio.NewReader(c)}
}

// get sends one GET and reads its answer; an error means the connection is gone.
func (c *rawConn) get(path string) (int, error) {
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer panelsim\r\n\r\n", path); err != nil {
		return 0, err
	}
	res, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// closed reports whether the server has closed the connection within d.
func (c *rawConn) closed(d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := c.r.ReadByte()
	return err == io.EOF
}

// TestIdleAndSlowConnections: an idle keep-alive connection is closed after IdleTimeout, and
// a body that does not arrive within ReadTimeout gets 408.
func TestIdleAndSlowConnections(t *testing.T) {
	s := simtest.New(t, simtest.WithOptions(func(o *sim.Options) {
		o.IdleTimeout, o.ReadTimeout = 300*time.Millisecond, 300*time.Millisecond
	}))
	url := s.URL("virtfusion")
	idle := dialRaw(t, url)
	if st, err := idle.get("/api/v1/connect"); err != nil || st != 200 {
		t.Fatalf("first request: %d %v", st, err)
	}
	if !idle.closed(3 * time.Second) {
		t.Fatal("an idle keep-alive connection was still open after 3 s (idle timeout 300 ms)")
	}

	slow := dialRaw(t, url)
	slow.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(slow, "POST /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer panelsim\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":")
	res, err := http.ReadResponse(slow.r, nil)
	if err != nil {
		t.Fatalf("slow body: %v", err)
	}
	if res.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("slow body: %d", res.StatusCode)
	}
	if n := s.Client("virtfusion", simtest.DefaultToken).Do("GET", "/users/0/byExtRelation", nil).Status; n != 404 {
		t.Fatalf("the simulator after a slow body: %d", n)
	}
}

// TestConnectionBound: past MaxConns the longest idle connection makes room for a new one;
// when every connection is busy, the new one is closed at once.
func TestConnectionBound(t *testing.T) {
	s := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.MaxConns = 3 }))
	url := s.URL("virtfusion")
	// A scenario that holds GET /packages, for the busy half; set up first so that the
	// control client's connection is the oldest idle one.
	c := s.Client("virtfusion", simtest.DefaultToken)
	c.Control("POST", "/_sim/scenarios", map[string]any{"name": "virtfusion/hold", "description": "hold GET /packages", "rules": []any{map[string]any{
		"match": map[string]any{"operation": "listPackages"}, "action": map[string]any{"hang": true}}}}).Expect(t, 201)
	c.Activate(t, "virtfusion/hold")
	time.Sleep(20 * time.Millisecond)

	var conns []*rawConn
	for i := 0; i < 4; i++ {
		rc := dialRaw(t, url)
		if st, err := rc.get("/api/v1/connect"); err != nil || st != 200 {
			t.Fatalf("conn %d: %d %v", i, st, err)
		}
		conns = append(conns, rc)
		time.Sleep(20 * time.Millisecond) // distinct idle times
	}
	if !conns[0].closed(2 * time.Second) {
		t.Fatal("the longest idle connection was not closed to make room for a fourth")
	}
	for i, rc := range conns[1:] {
		if st, err := rc.get("/api/v1/connect"); err != nil || st != 200 {
			t.Fatalf("a newer idle connection (%d) was closed: %d %v", i+1, st, err)
		}
	}

	// Every connection busy with a held request: a new one is refused, the held ones stay.
	for _, rc := range conns[1:] {
		rc.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(rc, "GET /api/v1/packages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer panelsim\r\n\r\n")
	}
	time.Sleep(200 * time.Millisecond)
	refused := dialRaw(t, url)
	if _, err := refused.get("/api/v1/connect"); err == nil {
		t.Fatal("a connection past the bound was served while every other one was busy")
	}
}
