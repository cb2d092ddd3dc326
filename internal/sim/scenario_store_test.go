package sim_test

import (
	"fmt"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// TestScenariosBelongToTheWorld: a world's posted and active scenarios, their counters and
// the domain faults they applied survive a restart, go into its snapshots and go with a
// reset; a fault applied before a restart is undone after it.
func TestScenariosBelongToTheWorld(t *testing.T) {
	s := simtest.New(t)
	c := s.Client("virtfusion", simtest.DefaultToken)
	u := c.Do("POST", "/users", map[string]any{"name": "A", "email": "a@example.com"}).Expect(t, 201).Int("data", "id")
	id := c.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": u, "hypervisorId": 1}).Expect(t, 201).Int("data", "id")
	c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": 1}).Expect(t, 200)
	s.Advance(simtest.DefaultToken, 3600e9)
	// A posted scenario answering three 503s, fired once; the library's maintenance fault.
	c.Control("POST", "/_sim/scenarios", "name: virtfusion/three\ndescription: test\nrules:\n"+
		"  - match: {operation: listPackages}\n    times: 3\n    action: {status: 503}\n").Expect(t, 201)
	c.Activate(t, "virtfusion/three")
	c.Activate(t, "virtfusion/maintenance")
	c.Do("GET", "/packages", nil).Expect(t, 503)
	c.Do("POST", fmt.Sprintf("/servers/%d/power/shutdown", id), nil).Expect(t, 503) // sets the fault
	maintenance := func() bool {
		return c.Do("GET", fmt.Sprintf("/servers/%d", id), nil).Expect(t, 200).Get("data", "hypervisor", "maintenance") == true
	}
	if !maintenance() {
		t.Fatal("the fault did not put the hypervisor in maintenance")
	}
	c.Control("POST", "/_sim/snapshots", map[string]any{"name": "one-fired"}).Expect(t, 201)

	s.Restart()
	c = s.Client("virtfusion", simtest.DefaultToken)
	if n := c.Control("GET", "/_sim/scenarios", nil).Expect(t, 200).Len("active"); n != 2 {
		t.Fatalf("%d active scenarios after a restart, want 2", n)
	}
	c.Do("GET", "/packages", nil).Expect(t, 503) // the second of three
	c.Do("GET", "/packages", nil).Expect(t, 503) // the third
	c.Do("GET", "/packages", nil).Expect(t, 200) // counted across the restart
	c.Deactivate(t, "virtfusion/maintenance")
	if maintenance() {
		t.Fatal("deactivating after a restart did not undo the fault")
	}

	// The snapshot has the world as it was: one 503 spent, the fault applied.
	c.Control("POST", "/_sim/snapshots/one-fired/restore", nil).Expect(t, 200)
	if !maintenance() {
		t.Fatal("the snapshot's fault is not back")
	}
	for _, want := range []int{503, 503, 200} {
		c.Do("GET", "/packages", nil).Expect(t, want)
	}
	c.Deactivate(t, "virtfusion/maintenance")
	if maintenance() {
		t.Fatal("deactivating after a restore did not undo the fault")
	}

	// A reset: no scenarios, before and after a restart.
	c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
	s.Restart()
	c = s.Client("virtfusion", simtest.DefaultToken)
	res := c.Control("GET", "/_sim/scenarios", nil).Expect(t, 200)
	if res.Len("active") != 0 {
		t.Fatalf("active scenarios after a reset: %v", res.Get("active"))
	}
	for _, sc := range res.Get("library").([]any) {
		if sc.(map[string]any)["name"] == "virtfusion/three" {
			t.Fatal("a posted scenario outlived the reset")
		}
	}
}
