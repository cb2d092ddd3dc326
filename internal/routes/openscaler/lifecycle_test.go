package openscaler_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// TestVMLifecycle walks what a client does on the manual clock: create over the event
// stream (one progress event per step, as the clock moves), read the VM in every shape,
// list it, power it, delete it.
func TestVMLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.c

	s, refused := e.openCreate(c, vmBody("web-1", "description", "first VM", "attached_disks", []any{map[string]any{"sizeGB": 5}}))
	if refused != nil {
		t.Fatalf("refused: %v", refused)
	}
	if got := s.res.Header.Get("Content-Type"); got != "text/event-stream" {
		t.Fatalf("content type %q", got)
	}
	first := s.next()
	if first.name != "progress" || first.json(t)["percentage"] != json.Number("0") || first.json(t)["message"] != "Creating VM web-1" {
		t.Fatalf("first event: %s %s", first.name, first.data)
	}
	s.quiet(150 * time.Millisecond) // nothing moves on a manual clock

	// While it is being created, the VM is listed with no domain yet, and refuses actions.
	list := c.Do("GET", "/vms?project_id=default", nil).Expect(t, 200)
	if list.Len("vms") != 1 || list.String("vms", 0, "state") != "nostate" {
		t.Fatalf("list during creation: %v", list)
	}
	id := list.Int("vms", 0, "id")
	e.action(id, "start").Expect(t, 409)

	// One event per step, in order, each when the clock reaches it.
	wantPct := []string{"10", "35", "55", "65", "75", "85", "100"}
	afters := []int{5, 15, 10, 5, 5, 5, 15}
	for i, after := range afters {
		e.advance(time.Duration(after-1) * time.Second)
		s.quiet(50 * time.Millisecond)
		e.advance(time.Second)
		ev := s.next()
		if ev.name != "progress" || ev.json(t)["percentage"] != json.Number(wantPct[i]) {
			t.Fatalf("step %d: %s %s", i+1, ev.name, ev.data)
		}
		if i == 5 && e.state(id) != "running" { // "Starting the VM" (85 %) starts the domain
			t.Fatalf("domain not running after the start step: %s", e.state(id))
		}
	}
	final := s.next()
	if final.name != "200" {
		t.Fatalf("final event %s %s", final.name, final.data)
	}
	s.ended()
	vm := final.json(t)
	if vm["name"] != "web-1" || vm["state"] != "running" || vm["size"] != "b-1-2-50" || vm["node_type"] != "VM" {
		t.Fatalf("final VM: %s", final.data)
	}

	// The final event is the VM object GET answers.
	full := e.get(id, "").Expect(t, 200)
	var got map[string]any
	json.Unmarshal(full.Body, &got)
	var want map[string]any
	json.Unmarshal([]byte(final.data), &want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("GET differs from the final event:\n%s\n%s", full.Body, final.data)
	}
	if full.Int("vcpus") != 1 || full.Int("memoryMB") != 2048 || full.Int("storageGB") != 20 || full.Int("transferGB") != 2048 ||
		full.String("price_monthly") != "" || full.Get("price_monthly") != json.Number("3.5") || full.Get("price_hourly") != json.Number("0.00521") {
		t.Fatalf("resources and prices: %v", full)
	}
	if full.String("created_at") != "2025-01-20T12:00:00" || full.String("updated_at") != "2025-01-20T12:01:00" {
		t.Fatalf("times: %s %s", full.String("created_at"), full.String("updated_at"))
	}
	if full.Len("disks") != 2 || full.String("disks", 1, "target_device") != "vdc" || full.String("disks", 1, "path") != "/mnt/vdc1" ||
		full.Int("disks", 0, "capacityBytes") != 20<<30 || full.Int("disks", 1, "capacityBytes") != 5<<30 || full.Get("disks", 0, "is_main_disk") != true {
		t.Fatalf("disks: %v", full.Get("disks"))
	}
	if full.String("network", "private_ip") != "10.0.1.2" || full.String("network", "vpc_subnet") != "10.0.1.0/24" ||
		full.String("network", "public_ip") != "10.99.88.77" || full.Int("network", "vpc_id") != 1 || full.Int("vpc_id") != 1 {
		t.Fatalf("network: %v", full.Get("network"))
	}
	for i, internal := range []int64{22, 80, 443} {
		if full.Int("network", "public_ip_ports", i, "port") != 9000+int64(i) || full.Int("network", "public_ip_ports", i, "internal_port") != internal {
			t.Fatalf("port forwards: %v", full.Get("network", "public_ip_ports"))
		}
	}
	if d := full.String("network", "public_ip_ports", 0, "description"); d != fmt.Sprintf("SSH port for VM %d (internal port 22)", id) {
		t.Fatalf("port description %q", d)
	}

	// only: basic fields always; each part on request, repeated or comma-separated.
	for _, tt := range []struct {
		query                 string
		state, disks, network bool
	}{
		{"", true, true, true},
		{"?only=basic", false, false, false},
		{"?only=state", true, false, false},
		{"?only=disks", false, true, false},
		{"?only=network", false, false, true},
		{"?only=state&only=network", true, false, true},
		{"?only=state,network", true, false, true},
		{"?only=basic,disks", false, true, false},
		{"?only=basic&only=state,disks&only=network", true, true, true},
		{"?only=state,%20disks", true, true, false},
		{"?only[]=disks", false, true, false},
	} {
		res := e.get(id, tt.query).Expect(t, 200)
		if res.Int("id") != id || res.String("name") != "web-1" || res.String("distro") != "debian-13" || res.Get("price_monthly") == nil {
			t.Fatalf("%s: basic fields missing: %v", tt.query, res)
		}
		if (res.Get("state") != nil) != tt.state || (res.Get("disks") != nil) != tt.disks || (res.Get("network") != nil) != tt.network {
			t.Fatalf("%s: parts %v", tt.query, res)
		}
	}

	// The list has the whole object; another project's list does not have it.
	list = c.Do("GET", "/vms?project_id=default", nil).Expect(t, 200)
	if list.Len("vms") != 1 || list.String("vms", 0, "state") != "running" || list.Get("vms", 0, "network") == nil {
		t.Fatalf("list: %v", list)
	}
	c.Do("POST", "/projects", map[string]any{"id": "dz"}).Expect(t, 201)
	if n := c.Do("GET", "/vms?project_id=dz", nil).Expect(t, 200).Len("vms"); n != 0 {
		t.Fatalf("project dz lists %d VMs", n)
	}
	if n := c.Do("GET", "/projects/default", nil).Expect(t, 200).Int("vm_count"); n != 1 {
		t.Fatalf("vm_count %d", n)
	}

	// Power: power_off, start, reboot, reset, shutdown.
	e.action(id, "start").Expect(t, 409)
	e.action(id, "power_off").Expect(t, 204)
	e.action(id, "reset").Expect(t, 409) // busy
	e.advance(powerOffSeconds * time.Second)
	if st := e.state(id); st != "shutoff" {
		t.Fatalf("after power_off: %s", st)
	}
	for _, a := range []string{"shutdown", "power_off", "reboot", "reset"} {
		e.action(id, a).Expect(t, 409)
	}
	e.action(id, "start").Expect(t, 204)
	if st := e.state(id); st != "shutoff" {
		t.Fatalf("start took effect at once: %s", st)
	}
	e.advance(startSeconds * time.Second)
	if st := e.state(id); st != "running" {
		t.Fatalf("after start: %s", st)
	}
	e.advance(bootSeconds * time.Second)
	e.action(id, "reboot").Expect(t, 204)
	e.advance(rebootSeconds * time.Second)
	e.action(id, "reset").Expect(t, 204)
	e.advance(resetSeconds * time.Second)
	if st := e.state(id); st != "running" {
		t.Fatalf("after reboot and reset: %s", st)
	}
	e.advance(bootSeconds * time.Second)
	res := e.shutdown(id, shutdownSeconds*time.Second)
	if res.status != 204 {
		t.Fatalf("shutdown of a booted guest: %d %s", res.status, res.body)
	}
	if st := e.state(id); st != "shutoff" {
		t.Fatalf("after shutdown: %s", st)
	}

	// Delete: answered at once, the VM reads as before until the deletion ran, then 404.
	path := fmt.Sprintf("/vms/%d", id)
	c.Do("DELETE", path, nil).Expect(t, 204)
	c.Do("DELETE", path, nil).Expect(t, 204)
	e.get(id, "").Expect(t, 200)
	e.action(id, "start").Expect(t, 409)
	e.advance(deleteSeconds * time.Second)
	res404 := e.get(id, "").Expect(t, 404)
	if res404.String("detail") != "VM not found" {
		t.Fatalf("404 body: %s", res404.Body)
	}
	c.Do("DELETE", path, nil).Expect(t, 404)
	e.action(id, "start").Expect(t, 404)
	if n := c.Do("GET", "/vms?project_id=default", nil).Expect(t, 200).Len("vms"); n != 0 {
		t.Fatalf("list after delete: %d", n)
	}

	// What it held is free again: the next VM gets the same address and ports.
	next := e.vm(vmBody("web-2"))
	r := e.get(next, "?only=network")
	if next != id+1 || r.String("network", "private_ip") != "10.0.1.2" || r.Int("network", "public_ip_ports", 0, "port") != 9000 {
		t.Fatalf("next VM %d: %v", next, r)
	}
}
