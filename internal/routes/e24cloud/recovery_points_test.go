package e24cloud_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

const recoveryPointTime = 45 * time.Second

// TestRecoveryPoints: taking a point is a task on the clock (the volume shows it; the point
// is listed once taken, with its cost and its volume); points are deleted at once; a volume
// being taken a point of is not deleted.
func TestRecoveryPoints(t *testing.T) {
	e := newEnv(t)
	vm := e.online("web-1")
	disk := e.get(vm).String("virtual_machine", "storage_volumes", 0, "id")
	shared := e.volume("shared", 30, true)
	var rp string
	e.run([]call{
		{"unknown volume", "PUT", "/recovery-points", map[string]any{"storage_volume_id": "nope"}, 400, nil},
		{"no volume", "PUT", "/recovery-points", map[string]any{"label": "x"}, 400, nil},
		{"take one", "PUT", "/recovery-points", map[string]any{"storage_volume_id": disk, "label": "before upgrade"}, 200, func(t *testing.T, res *simtest.Response) {
			rp = res.String("recovery_point", "id")
			if !uuidRE.MatchString(rp) {
				t.Fatalf("id %q", rp)
			}
			if n := e.count("/recovery-points", "recovery_points"); n != 0 {
				t.Fatalf("listed before it is taken: %d", n)
			}
			if a := e.c.Do("GET", "/storage-volumes/"+disk, nil).String("storage_volume", "task", 0, "action"); a != "recovery_point" {
				t.Fatalf("volume task %q", a)
			}
		}},
		{"a second one of the same volume meanwhile", "PUT", "/recovery-points", map[string]any{"storage_volume_id": disk}, 409, nil},
	})
	e.c.Do("DELETE", "/recovery-points/"+rp, nil).Expect(t, 409) // still being taken
	e.advance(recoveryPointTime - time.Second)
	if n := e.count("/recovery-points", "recovery_points"); n != 0 {
		t.Fatalf("taken early: %d", n)
	}
	e.advance(time.Second)
	res := e.c.Do("GET", "/recovery-points", nil).Expect(t, 200)
	p := func(k ...any) any { return res.Get(append([]any{"recovery_points", 0}, k...)...) }
	if res.Len("recovery_points") != 1 || p("id") != rp || p("label") != "before upgrade" || res.Int("recovery_points", 0, "size") != 10 ||
		fmt.Sprint(p("cost_per_hour")) != "0.001" || p("owner", "id") != accountID || p("storage_volume", "id") != disk ||
		p("storage_volume", "size") != "10" || p("storage_volume", "type") != "SSD" || p("storage_volume", "system_disk") != true ||
		p("storage_volume", "virtual_machine", "id") != vm {
		t.Fatalf("point: %v", res)
	}
	if n := e.c.Do("GET", "/storage-volumes/"+disk, nil).Len("storage_volume", "task"); n != 0 {
		t.Fatalf("the volume still shows %d tasks", n)
	}

	// A shared volume; its deletion waits for the point, which outlives it.
	id := e.c.Do("PUT", "/recovery-points", map[string]any{"storage_volume_id": shared}).Expect(t, 200).String("recovery_point", "id")
	e.c.Do("DELETE", "/storage-volumes/"+shared, nil).Expect(t, 409)
	e.advance(recoveryPointTime)
	res = e.c.Do("GET", "/recovery-points", nil).Expect(t, 200)
	if res.Len("recovery_points") != 2 || res.String("recovery_points", 1, "id") != id || res.Len("recovery_points", 1, "storage_volume", "virtual_machines") != 0 ||
		res.String("recovery_points", 1, "label")[:9] != "recovery-" || fmt.Sprint(res.Get("recovery_points", 1, "cost_per_hour")) != "0.003" {
		t.Fatalf("points: %v", res)
	}
	e.c.Do("DELETE", "/storage-volumes/"+shared, nil).Expect(t, 200)
	if v := e.c.Do("GET", "/recovery-points", nil).Get("recovery_points", 1, "storage_volume"); v != nil {
		t.Fatalf("the deleted volume shows: %v", v)
	}

	e.run([]call{
		{"delete", "DELETE", "/recovery-points/" + rp, nil, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.count("/recovery-points", "recovery_points"); n != 1 {
				t.Fatalf("%d points", n)
			}
		}},
		{"delete again", "DELETE", "/recovery-points/" + rp, nil, 404, nil},
	})

	// Not of a volume whose VM is installing.
	fresh := e.vm("fresh")
	e.c.Do("PUT", "/recovery-points", map[string]any{"storage_volume_id": e.get(fresh).String("virtual_machine", "storage_volumes", 0, "id")}).Expect(t, 409)
}
