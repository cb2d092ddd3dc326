package metrics_test

import (
	"regexp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/panelsim/panelsim/internal/metrics"
	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// secret is the token of the world the figures are made in: no label may show it.
const secret = "metrics-7c1e0f-secret-token"

const posted = `name: virtfusion/first-read-unavailable
description: the first read of a server answers 503
rules:
  - match: {operation: getServer}
    times: 1
    action: {status: 503, message: Service Unavailable}
`

// known drives one simulator through a known sequence of requests and returns it with the
// figures of the advance and of the scrape that follows.
type known struct {
	s       *simtest.Sim
	ran     int64 // tasks the advance ran
	pending int64 // tasks left after it
	fams    map[string]*dto.MetricFamily
}

// runKnown: a posted scenario and a library one switched on, a user made, a create that the
// library scenario answers 500 and one that succeeds, a build, the clock advanced past it,
// four reads of the server (the first answered 503 by the posted scenario), a read of a
// server that does not exist, a path that is no route, control calls at the listener's root
// and under the API's base path; then the metrics.
func runKnown(t *testing.T) *known {
	t.Helper()
	s := simtest.New(t, simtest.WithTokens(secret))
	c := s.Client("virtfusion", secret)
	c.Control("POST", "/_sim/scenarios", posted, "Content-Type", "application/yaml").Expect(t, 201)
	c.Activate(t, "virtfusion/flaky-create")
	c.Activate(t, "virtfusion/first-read-unavailable")
	user := c.Do("POST", "/users", map[string]any{"name": "M", "email": "m@example.com", "extRelationId": 41}).Expect(t, 201).Int("data", "id")
	create := map[string]any{"packageId": 1, "userId": user, "hypervisorId": 1}
	c.Do("POST", "/servers", create).Expect(t, 500)
	id := c.Do("POST", "/servers", create).Expect(t, 201).Int("data", "id")
	c.Do("POST", "/servers/"+fmtID(id)+"/build", map[string]any{"operatingSystemId": 1}).Expect(t, 200)
	queued := pending(t, c)
	if queued == 0 {
		t.Fatal("no task pending after a build")
	}
	if n := pending(t, s.Client("virtfusion", simtest.DefaultToken)); n != 0 {
		t.Fatalf("the default world has %d tasks pending", n)
	}
	before := scrape(t, s.URL("virtfusion"))
	must(t, "tasks pending after the build", value(before, metrics.TasksPending, ""), float64(queued))
	must(t, "tasks run before the advance", sum(before, metrics.TasksRunTotal, ""), 0)
	k := &known{s: s}
	k.ran = c.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 600}).Expect(t, 200).Int("tasksRun")
	if res := control(t, "GET", c.Base+"/_sim/clock", secret, ""); res.StatusCode != 200 {
		t.Fatalf("GET %s/_sim/clock: %d", c.Base, res.StatusCode)
	}
	k.pending = pending(t, c)
	c.Do("GET", "/servers/"+fmtID(id), nil).Expect(t, 503)
	for range 3 {
		c.Do("GET", "/servers/"+fmtID(id), nil).Expect(t, 200)
	}
	c.Do("GET", "/servers/999999", nil).Expect(t, 404)
	c.Do("GET", "/no/such/path", nil).Expect(t, 404)
	k.fams = scrape(t, s.URL("virtfusion"))
	return k
}

// TestFiguresAfterAKnownSequence checks the figures /metrics gives, exactly.
func TestFiguresAfterAKnownSequence(t *testing.T) {
	k := runKnown(t)
	f := k.fams
	req := func(op, code string) float64 {
		return value(f, metrics.RequestsTotal, "provider=virtfusion,operation="+op+",code="+code)
	}
	must(t, "createUser 201", req("createUser", "201"), 1)
	must(t, "createServer 500", req("createServer", "500"), 1)
	must(t, "createServer 201", req("createServer", "201"), 1)
	must(t, "buildServer 200", req("buildServer", "200"), 1)
	must(t, "getServer 503", req("getServer", "503"), 1)
	must(t, "getServer 200", req("getServer", "200"), 3)
	must(t, "getServer 404", req("getServer", "404"), 1)
	must(t, "no route 404", req(metrics.NoOperation, "404"), 1)
	must(t, "virtfusion requests", sum(f, metrics.RequestsTotal, "provider=virtfusion"), 10)
	mustCount(t, f, metrics.RequestDuration, "provider=virtfusion,operation=getServer", 5)
	mustCount(t, f, metrics.RequestDuration, "provider=virtfusion,operation=createServer", 2)
	mustCount(t, f, metrics.RequestDuration, "provider=virtfusion,operation=buildServer", 1)

	// The control API, by route path, the same at the root and under the API's base path.
	ctl := func(path, code string) float64 {
		return value(f, metrics.RequestsTotal, "provider=control,operation="+path+",code="+code)
	}
	must(t, "POST /_sim/scenarios", ctl("/_sim/scenarios", "201"), 1)
	must(t, "POST /_sim/scenarios/…/activate", ctl("/_sim/scenarios/*", "200"), 2)
	must(t, "GET /_sim/clock", ctl("/_sim/clock", "200"), 4)
	must(t, "POST /_sim/clock/advance", ctl("/_sim/clock/advance", "200"), 1)
	must(t, "control requests", sum(f, metrics.RequestsTotal, "provider=control"), 8)
	mustCount(t, f, metrics.RequestDuration, "provider=control,operation=/_sim/clock", 4)

	// Tasks: what the advance ran, by kind; what is left.
	if k.ran == 0 {
		t.Fatal("the advance ran no task")
	}
	must(t, "tasks run", sum(f, metrics.TasksRunTotal, ""), float64(k.ran))
	if value(f, metrics.TasksRunTotal, "provider=virtfusion,kind=build") == 0 {
		t.Error("no build task counted")
	}
	must(t, "tasks pending", value(f, metrics.TasksPending, ""), float64(k.pending))

	must(t, "flaky-create hits", value(f, metrics.RuleHitsTotal, "provider=virtfusion,scenario=virtfusion/flaky-create"), 1)
	must(t, "posted hits", value(f, metrics.RuleHitsTotal, "provider=virtfusion,scenario=posted"), 1)
	must(t, "rule hits", sum(f, metrics.RuleHitsTotal, ""), 2)

	must(t, "worlds", value(f, metrics.Worlds, ""), 2)
	must(t, "worlds", value(f, metrics.Worlds, ""), float64(k.s.Simulator().WorldCount()))
	if value(f, metrics.StoreSize, "") <= 0 {
		t.Error("store size 0")
	}
	if count(f, metrics.CommitDuration, "") == 0 {
		t.Error("no commit timed")
	}
	h := series(f, metrics.RequestDuration, "provider=virtfusion,operation=getServer").Histogram
	if len(h.Bucket) < len(metrics.Buckets) || h.Bucket[0].GetUpperBound() != 0.0001 || h.Bucket[len(metrics.Buckets)-1].GetUpperBound() != 10 {
		t.Errorf("latency buckets %v", h.Bucket)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes"} {
		if f[name] == nil {
			t.Errorf("no %s", name)
		}
	}

	// No token, no world id, no raw path, and the scrapes themselves are not counted.
	worldID := regexp.MustCompile(`^w[0-9]+$`)
	for _, v := range labelValues(f) {
		if strings.Contains(v, secret) || worldID.MatchString(v) ||
			strings.Contains(v, "999999") || v == "/metrics" {
			t.Errorf("label value %q", v)
		}
	}
}

// TestEveryListenerServesMetrics: /metrics at each listener's root, the same registry; not
// under an API's base path.
func TestEveryListenerServesMetrics(t *testing.T) {
	s := simtest.New(t)
	s.Client("openscaler", simtest.DefaultToken).Control("GET", "/_sim/health", nil).Expect(t, 200)
	for provider := range sim.DefaultAddrs {
		f := scrape(t, s.URL(provider))
		must(t, provider+": openscaler health calls", value(f, metrics.RequestsTotal, "provider=control,operation=/_sim/health,code=200"), 1)
		must(t, provider+": worlds", value(f, metrics.Worlds, ""), 1)
		c := s.Client(provider, simtest.DefaultToken)
		if res := c.Do("GET", "/metrics", nil); res.Status == 200 && strings.Contains(string(res.Body), metrics.Worlds) {
			t.Errorf("%s serves the metrics under its base path %s", provider, c.Base)
		}
	}
}

// TestNoMetrics: under NoMetrics there is no /metrics and the APIs answer as ever.
func TestNoMetrics(t *testing.T) {
	s := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.NoMetrics = true }))
	c := s.Client("virtfusion", simtest.DefaultToken)
	if res := control(t, "GET", c.Root+"/metrics", "", ""); res.StatusCode != 404 {
		t.Fatalf("GET /metrics without metrics: %d", res.StatusCode)
	}
	c.Do("GET", "/connect", nil).Expect(t, 200)
	c.Do("POST", "/users", map[string]any{"name": "N", "email": "n@example.com", "extRelationId": 3}).Expect(t, 201)
	c.Control("GET", "/_sim/health", nil).Expect(t, 200)
}
