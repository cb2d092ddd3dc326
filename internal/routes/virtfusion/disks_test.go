package virtfusion_test

import (
	"fmt"
	"testing"
	"time"
)

// TestAdditionalStorage: extra disks asked for at create are accounted on the hypervisor at
// once, shown pending with a "Create HDD" action, created by the build's boot, and freed
// with the server.
func TestAdditionalStorage(t *testing.T) {
	e := newEnv(t)
	before := e.groupAlloc(groupDefault, "localStorage")
	res := e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": e.user(1), "hypervisorId": groupDefault,
		"additionalStorage1Enable": true, "additionalStorage1Capacity": 10, "additionalStorage2Enable": "true", "additionalStorage2Capacity": "5"}).Expect(t, 201)
	id := res.Int("data", "id")
	if res.Len("data", "storage") != 3 || res.String("data", "storage", 1, "drive") != "b" || res.Int("data", "storage", 1, "status") != 1 ||
		res.Int("data", "storage", 2, "capacity") != 5 || res.Get("data", "storage", 1, "primary") != false {
		t.Fatalf("storage of a new server: %v", res.Get("data", "storage"))
	}
	if res.Len("data", "tasks", "actions", "pending") != 2 || res.String("data", "tasks", "actions", "pending", 0, "action") != "Create HDD (sdb)" {
		t.Fatalf("pending: %v", res.Get("data", "tasks", "actions", "pending"))
	}
	if got := e.groupAlloc(groupDefault, "localStorage"); got != before+25+15 {
		t.Fatalf("storage allocated %d, want %d", got, before+40)
	}
	e.c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	e.advance(buildSeconds * time.Second)
	res = e.getServer(id)
	if res.Len("data", "tasks", "actions", "pending") != 0 || res.Int("data", "storage", 1, "status") != 3 || res.Int("data", "storage", 2, "status") != 3 {
		t.Fatalf("after the build: pending %v, storage %v", res.Get("data", "tasks", "actions", "pending"), res.Get("data", "storage"))
	}
	e.c.Do("DELETE", fmt.Sprintf("/servers/%d?delay=0", id), nil).Expect(t, 204)
	e.advance(time.Minute)
	if got := e.groupAlloc(groupDefault, "localStorage"); got != before {
		t.Fatalf("storage after delete %d, want %d", got, before)
	}
	res = e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": 2, "hypervisorId": groupDefault, "additionalStorage1Enable": true}).Expect(t, 422)
	if want := "The additional storage1 capacity field is required when additional storage1 enable is true."; res.String("errors", 0) != want {
		t.Fatalf("errors %v, want %q", res.Get("errors"), want)
	}
	if got := e.groupAlloc(groupDefault, "localStorage"); got != before {
		t.Fatalf("storage after a refused create %d, want %d", got, before)
	}
	e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": 2, "hypervisorId": groupDefault, "additionalStorage1Enable": true, "additionalStorage1Capacity": 5000}).Expect(t, 422)
}
