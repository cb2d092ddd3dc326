package sim_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// sleeper records the latencies scenarios ask for instead of waiting them.
type sleeper struct {
	mu    sync.Mutex
	slept []time.Duration
}

func (s *sleeper) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slept = append(s.slept, d)
	return nil
}

func newScenarioSim(t *testing.T) (*simtest.Sim, *simtest.Client, *sleeper) {
	t.Helper()
	sl := &sleeper{}
	s := simtest.New(t, simtest.WithTokens("other"), simtest.WithOptions(func(o *sim.Options) { o.Sleep = sl.sleep }))
	return s, s.Client("virtfusion", simtest.DefaultToken), sl
}

// post posts a scenario and activates it.
func post(t *testing.T, c *simtest.Client, name, rules string) {
	t.Helper()
	c.Control("POST", "/_sim/scenarios", "name: "+name+"\ndescription: test\nrules:\n"+rules).Expect(t, 201)
	c.Activate(t, name)
}

func TestScenarioAnswers(t *testing.T) {
	s, c, _ := newScenarioSim(t)
	tests := []struct {
		name, rules string
		status      int
		body        string
		header      string
	}{
		{"500 in the provider's shape", "  - action: {status: 500}", 500, `{"message":"Server Error"}`, ""},
		{"404 in the provider's shape", "  - action: {status: 404, message: server not found}", 404, `{"msg":"server not found"}`, ""},
		{"422 in the provider's shape", "  - action: {status: 422, message: Nope.}", 422, `{"errors":["Nope."]}`, ""},
		{"body of its own", "  - action: {status: 502, body: '<html>Bad Gateway</html>', headers: {Content-Type: text/html}}", 502, "<html>Bad Gateway</html>", "text/html"},
		{"JSON body of its own", "  - action: {status: 200, body: {data: []}}", 200, `{"data":[]}`, ""},
		{"429 with Retry-After", "  - action: {retryAfter: 30}", 429, `{"message":"Too Many Attempts."}`, "30"},
		{"the provider's 401", "  - action: {unauthorized: true}", 401, ``, ""},
		{"malformed JSON", "  - action: {malformed: true}", 200, `{"data":{"id":1,"state":"compl`, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "virtfusion/answer" + string(rune('a'+i))
			post(t, c, name, tt.rules)
			res := c.Do("GET", "/packages", nil)
			if res.Status != tt.status || strings.TrimSpace(string(res.Body)) != tt.body {
				t.Fatalf("got %d %q, want %d %q", res.Status, res.Body, tt.status, tt.body)
			}
			switch {
			case tt.status == 429 && res.Header.Get("Retry-After") != tt.header:
				t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
			case tt.header == "text/html" && res.Header.Get("Content-Type") != "text/html":
				t.Fatalf("Content-Type %q", res.Header.Get("Content-Type"))
			}
			c.Deactivate(t, name)
			c.Do("GET", "/packages", nil).Expect(t, 200)
		})
	}
	// Another world never saw any of it.
	post(t, c, "virtfusion/all500", "  - action: {status: 500}")
	s.Client("virtfusion", "other").Do("GET", "/packages", nil).Expect(t, 200)
}

func TestScenarioLatency(t *testing.T) {
	_, c, sl := newScenarioSim(t)
	post(t, c, "virtfusion/slow", "  - match: {operation: listPackages}\n    action: {latency: 1500ms}\n  - match: {operation: testConnection}\n    action: {latency: {min: 1s, max: 2s}}")
	c.Do("GET", "/packages", nil).Expect(t, 200)
	c.Do("GET", "/connect", nil).Expect(t, 200)
	c.Do("GET", "/compute/hypervisors", nil).Expect(t, 200)
	if len(sl.slept) != 2 || sl.slept[0] != 1500*time.Millisecond || sl.slept[1] < time.Second || sl.slept[1] > 2*time.Second {
		t.Fatalf("slept %v", sl.slept)
	}
}

// rawGet sends a GET with its own client so that connection-level faults show as errors.
func rawGet(c *simtest.Client, timeout time.Duration) (*http.Response, []byte, error) {
	req, _ := http.NewRequest("GET", c.Base+"/packages", nil)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	res, err := (&http.Client{Timeout: timeout, Transport: &http.Transport{}}).Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res, b, err
}

func TestScenarioConnectionFaults(t *testing.T) {
	_, c, _ := newScenarioSim(t)
	post(t, c, "virtfusion/drop", "  - times: 1\n    action: {drop: true}")
	if _, _, err := rawGet(c, 5*time.Second); err == nil {
		t.Fatal("dropped connection gave an answer")
	}
	post(t, c, "virtfusion/hang", "  - times: 1\n    action: {hang: true}")
	start := time.Now()
	_, _, err := rawGet(c, 300*time.Millisecond)
	if err == nil || time.Since(start) < 300*time.Millisecond {
		t.Fatalf("hung request: err %v after %v", err, time.Since(start))
	}
	post(t, c, "virtfusion/cut", "  - times: 1\n    action: {truncate: true}")
	res, body, err := rawGet(c, 5*time.Second)
	if res == nil || res.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) || len(body) == 0 {
		t.Fatalf("truncated answer: %v, %d bytes, err %v", res, len(body), err)
	}
	if res, _, err := rawGet(c, 5*time.Second); err != nil || res.StatusCode != 200 {
		t.Fatalf("after the faults: %v %v", res, err)
	}
}

func TestScenarioControlAndJournal(t *testing.T) {
	_, c, _ := newScenarioSim(t)
	res := c.Control("GET", "/_sim/scenarios", nil).Expect(t, 200)
	if !strings.Contains(string(res.Body), "virtfusion/flaky-create") || res.Len("active") != 0 {
		t.Fatalf("listing: %v", res)
	}
	c.Control("POST", "/_sim/scenarios/virtfusion/nope/activate", nil).Expect(t, 404)
	c.Control("POST", "/_sim/scenarios/virtfusion/flaky-create/explode", nil).Expect(t, 404)
	c.Control("POST", "/_sim/scenarios", "name: virtfusion/bad\ndescription: x\nrules: []\n").Expect(t, 400)
	c.Control("POST", "/_sim/scenarios", "{not yaml").Expect(t, 400)
	c.Control("POST", "/_sim/scenarios", "name: virtfusion/flaky-create\ndescription: x\nrules:\n  - action: {status: 500}\n").Expect(t, 400)
	c.Activate(t, "virtfusion/flaky-create")
	c.Control("DELETE", "/_sim/scenarios/virtfusion/flaky-create", nil).Expect(t, 404) // library scenarios are not deleted…
	if c.Control("GET", "/_sim/scenarios", nil).Len("active") != 1 {
		t.Fatal("…nor switched off by a refused delete")
	}
	c.Deactivate(t, "virtfusion/flaky-create")

	post(t, c, "virtfusion/count", "  - match: {operation: listPackages}\n    skip: 1\n    times: 1\n    action: {status: 503}")
	for _, want := range []int{200, 503, 200} {
		c.Do("GET", "/packages", nil).Expect(t, want)
	}
	res = c.Control("GET", "/_sim/scenarios", nil)
	if res.Int("active", 0, "rules", 0, "matched") != 3 || res.Int("active", 0, "rules", 0, "fired") != 1 {
		t.Fatalf("counters: %v", res.Get("active"))
	}
	j := c.Control("GET", "/_sim/journal?status=503", nil)
	if j.Len("entries") != 1 || j.String("entries", 0, "rule") != "virtfusion/count#1" {
		t.Fatalf("journal: %v", j)
	}
	c.Control("DELETE", "/_sim/scenarios/virtfusion/count", nil).Expect(t, 204)
	if c.Control("GET", "/_sim/scenarios", nil).Len("active") != 0 {
		t.Fatal("deleted scenario still active")
	}
	// A reset forgets the world's scenarios.
	post(t, c, "virtfusion/gone", "  - action: {status: 500}")
	c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
	c.Do("GET", "/packages", nil).Expect(t, 200)
}
