package vps_test

import (
	"fmt"
	"testing"
	"time"
)

// TestVmResources: growing takes capacity from the node, shrinking a disk is refused,
// {"planId"} applies another plan, growth the node has no room for is refused with nothing
// changed; a dedicated server has no VM resources.
func TestVmResources(t *testing.T) {
	e := newEnv(t)
	empty := e.node(1, "node01")
	vm := e.vm(1, 3, "res")
	path := fmt.Sprintf("/servers/%d/vm", vm)
	base := e.node(1, "node01")

	res := e.do("PUT", path, map[string]any{"cpu": map[string]any{"cores": "4", "sockets": 1, "cpulimit": "2", "cpuunits": 512},
		"memory": map[string]any{"memory": 4096, "balloon": "1024"}, "disks": []any{map[string]any{"id": "scsi0", "size": "60G"}}}).Expect(t, 200)
	if res.Int("result", "cpu", "cores") != 4 || res.Int("result", "cpu", "vcpus") != 4 || res.String("result", "cpu", "cpuunits") != "512" ||
		res.Int("result", "memory", "memory") != 4096 || res.String("result", "disks", 0, "size") != "60" {
		t.Fatalf("update: %v", res)
	}
	if got := e.node(1, "node01"); got.UsedMemMB != base.UsedMemMB+2048 || got.UsedStorageGB != base.UsedStorageGB+20 {
		t.Fatalf("node01 %+v after growing, was %+v", got, base)
	}
	if mem := e.do("GET", fmt.Sprintf("/servers/%d", vm), nil).Int("result", "detailedHardwareInformation", "memory", "value"); mem != 4096 {
		t.Fatalf("hardware memory %d", mem)
	}

	// Shrinking, an unknown disk, too many vCPUs, more memory than the node has: refused.
	for field, body := range map[string]map[string]any{
		"disks.0.size":  {"disks": []any{map[string]any{"id": "scsi0", "size": 10}}},
		"disks.0.id":    {"disks": []any{map[string]any{"id": "scsi9", "size": 100}}},
		"cpu.cores":     {"cpu": map[string]any{"cores": 64}},
		"memory.memory": {"memory": map[string]any{"memory": 1 << 20}},
	} {
		res := e.do("PUT", path, body).Expect(t, 422)
		if res.Get("errors", field) == nil {
			t.Fatalf("%s: %v", field, res)
		}
	}
	if got := e.node(1, "node01"); got.UsedMemMB != base.UsedMemMB+2048 {
		t.Fatalf("a refused resize changed the node: %+v", got)
	}

	// Apply plan 2 (8 GB, 4 cores, 120 GB); plan 3 is too big for the node's free memory? It
	// is not (no reserves apply to a resize) but its 800 GB disk is not on node01's storage.
	res = e.do("PUT", path, map[string]any{"planId": 2}).Expect(t, 200)
	if res.Int("result", "memory", "memory") != 8192 || res.Int("result", "cpu", "cores") != 4 || res.String("result", "disks", 0, "size") != "120" {
		t.Fatalf("plan 2: %v", res)
	}
	if got := e.node(1, "node01"); got.UsedMemMB != base.UsedMemMB+6144 || got.UsedStorageGB != base.UsedStorageGB+80 {
		t.Fatalf("node01 %+v after plan 2, was %+v", got, base)
	}
	e.do("PUT", path, map[string]any{"planId": 1}).Expect(t, 422) // 40 GB would shrink the 120 GB disk
	e.do("PUT", path, map[string]any{"planId": 99}).Expect(t, 422)
	if b := e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil); b.Int("result", "meta", "maxBackups") != 5 {
		t.Fatalf("the VM's backup settings did not follow plan 2: %v", b)
	}
	e.destroy(vm)
	if got := e.node(1, "node01"); got != empty {
		t.Fatalf("node01 %+v after destroy, was %+v before the VM", got, empty)
	}

	e.do("GET", "/servers/2/vm", nil).Expect(t, 404)
	e.do("PUT", "/servers/2/vm", map[string]any{"memory": map[string]any{"memory": 1024}}).Expect(t, 404)
	e.do("GET", "/servers/999/vm", nil).Expect(t, 404)
}

// TestDedicatedServer: a dedicated server answers the backup and snapshot lists empty and
// disabled, is not available for either, and refuses every change with 409.
func TestDedicatedServer(t *testing.T) {
	e := newEnv(t)
	b := e.do("GET", "/servers/2/backups", nil).Expect(t, 200)
	if b.Get("result", "meta", "backupsEnabled") != false || b.Len("result", "backups") != 0 {
		t.Fatalf("backups: %v", b)
	}
	if s := e.do("GET", "/servers/2/snapshots", nil).Expect(t, 200); s.Get("result", "meta", "snapshotsEnabled") != false {
		t.Fatalf("snapshots: %v", s)
	}
	for _, p := range []string{"/servers/2/backups/available", "/servers/2/snapshots/available"} {
		if a := e.do("GET", p, nil).Expect(t, 200); a.Get("result", "available") != false {
			t.Fatalf("%s: %v", p, a)
		}
	}
	e.do("POST", "/servers/2/backups", nil).Expect(t, 409)
	e.do("POST", "/servers/2/backups/restore", map[string]any{"backupId": "x"}).Expect(t, 409)
	e.do("DELETE", "/servers/2/backups", map[string]any{"backupId": "x"}).Expect(t, 409)
	e.do("POST", "/servers/2/snapshots", map[string]any{"options": map[string]any{"name": "a"}}).Expect(t, 409)
	e.do("POST", "/servers/2/snapshots/rollback", map[string]any{"snapshotId": "a"}).Expect(t, 409)
	e.do("DELETE", "/servers/2/snapshots", map[string]any{"snapshotId": "a"}).Expect(t, 409)
}

// TestPlanWithoutBackups: VPS XXL disables backups and snapshots: a VM of a copy of it
// (pinned to node01 with less memory, so that it fits) is refused both with 409.
func TestPlanWithoutBackups(t *testing.T) {
	e := newEnv(t)
	body := planBody("No backups", 1, "node01")
	cfg := body["planconfig"].(map[string]any)
	cfg["backup"] = map[string]any{"enabled": 0}
	cfg["snapshot"] = map[string]any{"enabled": false}
	plan := e.do("POST", "/virtualization/vpsplans", body).Expect(t, 200).Int("result", "id")
	vm := e.vm(plan, 3, "nobackup")
	if a := e.do("GET", fmt.Sprintf("/servers/%d/backups/available", vm), nil); a.Get("result", "available") != false {
		t.Fatalf("available: %v", a)
	}
	e.do("POST", fmt.Sprintf("/servers/%d/backups", vm), nil).Expect(t, 409)
	e.do("POST", fmt.Sprintf("/servers/%d/snapshots", vm), map[string]any{"options": map[string]any{"name": "a"}}).Expect(t, 409)
}

// TestSnapshotInput: names are checked (pattern, length, uniqueness) and options are checked
// for backups, 422 naming the field, nothing started.
func TestSnapshotInput(t *testing.T) {
	e := newEnv(t)
	vm := e.vm(1, 3, "snapin")
	path := fmt.Sprintf("/servers/%d/snapshots", vm)
	for name, want := range map[string]int{"1abc": 422, "has-dash": 422, "": 422, "a234567890123456789012345678901234567890x": 422} {
		res := e.do("POST", path, map[string]any{"options": map[string]any{"name": name}}).Expect(t, want)
		if res.Get("errors", "options.name") == nil {
			t.Fatalf("%q: %v", name, res)
		}
	}
	e.snapshot(vm, "ok_1")
	e.do("POST", path, map[string]any{"options": map[string]any{"name": "ok_1"}}).Expect(t, 422)
	e.do("POST", path, map[string]any{"options": "x"}).Expect(t, 422)
	bpath := fmt.Sprintf("/servers/%d/backups", vm)
	for field, opts := range map[string]map[string]any{
		"options.storage":     {"storage": "nfs"},
		"options.mode":        {"mode": "fast"},
		"options.compression": {"compression": "lz4"},
		"options.notes":       {"notes": fmt.Sprintf("%0101d", 0)},
	} {
		res := e.do("POST", bpath, map[string]any{"options": opts}).Expect(t, 422)
		if res.Get("errors", field) == nil {
			t.Fatalf("%s: %v", field, res)
		}
	}
	if b := e.do("GET", bpath, nil); b.Get("result", "activeTasks", "hasAnyActiveTask") != false {
		t.Fatalf("a refused backup started: %v", b)
	}
	e.do("POST", bpath, map[string]any{"options": []any{}}).Expect(t, 200) // PHP's empty options
	e.do("POST", fmt.Sprintf("/servers/%d/snapshots/rollback", vm), map[string]any{"snapshotId": "nope"}).Expect(t, 404)
}

// TestScoping: a VM of user 4 (the reseller's customer) is visible to user 4 and the
// reseller (2), not to customer 3: its backups, snapshots, resources and tasks are 404 for
// user 3.
func TestScoping(t *testing.T) {
	e := newEnv(t)
	vm := e.vm(1, 4, "scoped")
	task := e.do("POST", fmt.Sprintf("/servers/%d/backups", vm), nil, as(4)...).Expect(t, 200).Int("result", "id")
	for _, p := range []string{"/servers/%d/backups", "/servers/%d/snapshots", "/servers/%d/vm", "/servers/%d/backups/available"} {
		path := fmt.Sprintf(p, vm)
		e.do("GET", path, nil, as(3)...).Expect(t, 404)
		e.do("GET", path, nil, as(2)...).Expect(t, 200)
		e.do("GET", path, nil, as(4)...).Expect(t, 200)
	}
	e.do("GET", fmt.Sprintf("/tasks/%d", task), nil, as(3)...).Expect(t, 404)
	e.do("GET", fmt.Sprintf("/tasks/%d", task), nil, as(4)...).Expect(t, 200)
	e.do("GET", fmt.Sprintf("/tasks/%d", task), nil, as(2)...).Expect(t, 200)
	e.do("POST", fmt.Sprintf("/servers/%d/backups", vm), nil, as(3)...).Expect(t, 404)
	// Changing a VM's resources is not in an end user's role (servers.vm.update): refused
	// before the server is looked up, to its owner (4) as to anyone.
	e.do("PUT", fmt.Sprintf("/servers/%d/vm", vm), map[string]any{"memory": map[string]any{"memory": 4096}}, as(3)...).Expect(t, 403)
	e.do("PUT", fmt.Sprintf("/servers/%d/vm", vm), map[string]any{"memory": map[string]any{"memory": 4096}}, as(4)...).Expect(t, 403)
	e.do("GET", "/tasks/9999", nil).Expect(t, 404)

	// A server suspended for its owner: the owner may look, not act; the admin may act.
	e.advance(10 * time.Minute)
	e.do("PUT", fmt.Sprintf("/servers/%d", vm), map[string]any{"suspendUserIds": []int{4}}).Expect(t, 200)
	e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil, as(4)...).Expect(t, 200)
	e.do("POST", fmt.Sprintf("/servers/%d/backups", vm), nil, as(4)...).Expect(t, 403)
	e.do("POST", fmt.Sprintf("/servers/%d/backups", vm), nil).Expect(t, 200)
}
