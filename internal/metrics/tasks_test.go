package metrics_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/metrics"
	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// TestTasksPendingFollowsTheWorlds: the pending-tasks gauge is the sum of what each world's
// clock says is pending, through builds, an advance, a snapshot restored, a world imported, a
// reset, a world removed for want of use and a restart.
func TestTasksPendingFollowsTheWorlds(t *testing.T) {
	var wall atomic.Int64
	wall.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	s := simtest.New(t, simtest.WithAnyToken(), simtest.WithOptions(func(o *sim.Options) {
		o.WorldTTL = time.Hour
		o.Wall = func() time.Time { return time.Unix(0, wall.Load()).UTC() }
	}))
	kept, gone := s.Client("virtfusion", simtest.DefaultToken), s.Client("virtfusion", "ci-job-7")
	build := func(c *simtest.Client, ext int) {
		t.Helper()
		user := c.Do("POST", "/users", map[string]any{"name": "T", "email": "t@example.com", "extRelationId": ext}).Expect(t, 201).Int("data", "id")
		id := c.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": user, "hypervisorId": 1}).Expect(t, 201).Int("data", "id")
		c.Do("POST", "/servers/"+fmtID(id)+"/build", map[string]any{"operatingSystemId": 1}).Expect(t, 200)
	}
	check := func(step string) float64 {
		t.Helper()
		want := pending(t, kept) + pending(t, gone)
		got := value(scrape(t, s.URL("tenantos")), metrics.TasksPending, "")
		if got != float64(want) {
			t.Fatalf("%s: tasks pending %v, the worlds' clocks say %d", step, got, want)
		}
		return got
	}
	build(kept, 1)
	build(gone, 1)
	built := check("two builds")
	if built == 0 {
		t.Fatal("nothing pending after two builds")
	}
	kept.Control("POST", "/_sim/snapshots", map[string]any{"name": "queued"}).Expect(t, 200, 201)
	kept.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 3600}).Expect(t, 200)
	if check("one world advanced") >= built {
		t.Fatal("the advance left every task pending")
	}
	kept.Control("POST", "/_sim/snapshots/queued/restore", nil).Expect(t, 200)
	if check("snapshot restored") != built {
		t.Fatal("the restored snapshot did not bring its tasks back")
	}
	doc := kept.Control("GET", "/_sim/world", nil).Expect(t, 200).Body
	kept.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 3600}).Expect(t, 200)
	check("advanced again")
	kept.Control("PUT", "/_sim/world", doc).Expect(t, 200)
	if check("world imported") != built {
		t.Fatal("the imported world did not bring its tasks back")
	}
	kept.Control("POST", "/_sim/reset", nil).Expect(t, 200)
	check("world reset")
	build(kept, 2)
	onlyKept := check("built again") - float64(pending(t, gone))
	wall.Add(int64(2 * time.Hour))
	kept.Do("GET", "/connect", nil).Expect(t, 200) // the default world is declared: it stays anyway
	if n, err := s.Simulator().SweepWorlds(); err != nil || n != 1 {
		t.Fatalf("swept %d worlds: %v", n, err)
	}
	if got := value(scrape(t, s.URL("virtfusion")), metrics.TasksPending, ""); got != onlyKept || got != float64(pending(t, kept)) {
		t.Fatalf("after the sweep: tasks pending %v, want the kept world's %v", got, onlyKept)
	}
	s.Restart()
	kept = s.Client("virtfusion", simtest.DefaultToken)
	if got := value(scrape(t, s.URL("e24cloud")), metrics.TasksPending, ""); got != onlyKept {
		t.Fatalf("after a restart: tasks pending %v, want %v", got, onlyKept)
	}
}
