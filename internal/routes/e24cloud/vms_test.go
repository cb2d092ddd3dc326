package e24cloud_test

import (
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

func TestCatalog(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("GET", "/regions", nil).Expect(t, 200)
	if res.Get("success") != true || res.Len("regions") != 2 || res.String("regions", 0, "zones", 0, "id") != zonePoz || res.String("regions", 0, "zones", 0, "label") != "DC1/PUBLIC-1" {
		t.Fatalf("regions: %v", res)
	}
	res = e.c.Do("GET", "/templates", nil).Expect(t, 200)
	if res.Len("templates") != 5 || res.String("templates", 0, "id") != "2268" || res.Len("templates", 1, "supports") != 3 {
		t.Fatalf("templates: %v", res)
	}
}

// TestVMLifecycle: installing → online with an address, shutdown → offline, poweron, reboot,
// resize, rename, console, delete → deleting → gone, all on the world's clock.
func TestVMLifecycle(t *testing.T) {
	e := newEnv(t)
	id := e.vm("web-1")
	res := e.get(id).Expect(t, 200)
	v := func(k ...any) any { return res.Get(append([]any{"virtual_machine"}, k...)...) }
	if v("state") != "installing" || v("public_interface", "primary_ip_ipv4address") != "" || v("label") != "web-1" || v("zone", "name") != "DC1/PUBLIC-1" {
		t.Fatalf("new VM: %v", res)
	}
	if res.Len("virtual_machine", "storage_volumes") != 1 || v("storage_volumes", 0, "system_disk") != true || res.Int("virtual_machine", "storage_volumes", 0, "size") != 10 {
		t.Fatalf("system disk: %v", v("storage_volumes"))
	}
	e.c.Do("POST", "/virtual-machines/"+id+"/shutdown", map[string]any{"wait_for": 1}).Expect(t, 409)
	e.advance(installTime - time.Second)
	if st := e.state(id); st != "installing" {
		t.Fatalf("installed early: %s", st)
	}
	e.advance(time.Second)
	res = e.get(id)
	if v("state") != "online" || !strings.HasPrefix(res.String("virtual_machine", "public_interface", "primary_ip_ipv4address"), "192.0.2.") || res.Len("virtual_machine", "public_interface", "ipv4_addresses") != 1 {
		t.Fatalf("installed VM: %v", res)
	}
	if cost := v("cost_per_hour"); cost == nil {
		t.Fatal("no cost_per_hour")
	}

	// transfer_used grows while it runs.
	before := e.get(id).Get("virtual_machine", "transfer_used")
	e.advance(10 * time.Hour)
	if after := e.get(id).Get("virtual_machine", "transfer_used"); after == before {
		t.Fatalf("transfer_used did not grow: %v", after)
	}

	// Shutdown: ACPI, cut short by wait_for.
	e.c.Do("POST", "/virtual-machines/"+id+"/shutdown", map[string]any{"wait_for": 1}).Expect(t, 200)
	e.c.Do("POST", "/virtual-machines/"+id+"/reboot", nil).Expect(t, 409)
	e.advance(30 * time.Second)
	if st := e.state(id); st != "offline" {
		t.Fatalf("after shutdown: %s", st)
	}
	e.c.Do("POST", "/virtual-machines/"+id+"/console", nil).Expect(t, 409)
	e.c.Do("POST", "/virtual-machines/"+id+"/shutdown", nil).Expect(t, 409)
	e.c.Do("POST", "/virtual-machines/"+id+"/poweron", "").Expect(t, 200)
	e.advance(20 * time.Second)
	if st := e.state(id); st != "online" {
		t.Fatalf("after poweron: %s", st)
	}
	res = e.c.Do("POST", "/virtual-machines/"+id+"/console", nil).Expect(t, 200)
	if res.Int("console", "port") == 0 || res.String("console", "password") == "" || res.Get("success") != nil {
		t.Fatalf("console: %v", res)
	}
	e.c.Do("POST", "/virtual-machines/"+id+"/reboot", nil).Expect(t, 200)
	e.advance(40 * time.Second)
	e.c.Do("POST", "/virtual-machines/"+id+"/reset", nil).Expect(t, 200)
	e.advance(15 * time.Second)

	// Resize a running VM: off, resized, on again.
	e.c.Do("POST", "/virtual-machines/"+id+"/resize", map[string]any{"cores": "4", "ram": 4096}).Expect(t, 200)
	e.advance(90 * time.Second)
	res = e.get(id)
	if v("state") != "online" || res.Int("virtual_machine", "cores") != 4 || res.Int("virtual_machine", "ram") != 4096 {
		t.Fatalf("after resize: %v", res)
	}

	e.c.Do("POST", "/virtual-machines/"+id+"/rename", map[string]any{"name": "web-renamed"}).Expect(t, 200)
	list := e.c.Do("GET", "/virtual-machines", nil).Expect(t, 200)
	if list.Len("virtual_machines") != 1 || list.String("virtual_machines", 0, "label") != "web-renamed" {
		t.Fatalf("list: %v", list)
	}

	e.c.Do("POST", "/virtual-machines/"+id+"/poweroff", nil).Expect(t, 200)
	e.advance(5 * time.Second)
	if st := e.state(id); st != "offline" {
		t.Fatalf("after poweroff: %s", st)
	}
	e.c.Do("DELETE", "/virtual-machines/"+id, nil).Expect(t, 200)
	if st := e.state(id); st != "deleting" {
		t.Fatalf("after delete: %s", st)
	}
	e.c.Do("DELETE", "/virtual-machines/"+id, nil).Expect(t, 409)
	e.advance(30 * time.Second)
	res = e.get(id).Expect(t, 404)
	if res.Get("success") != false {
		t.Fatalf("404 body: %v", res)
	}
	if n := e.c.Do("GET", "/virtual-machines", nil).Len("virtual_machines"); n != 0 {
		t.Fatalf("%d VMs left", n)
	}
}

func TestCreateVMInput(t *testing.T) {
	e := newEnv(t)
	vm := func(fields map[string]any) map[string]any {
		base := map[string]any{"cpus": 1, "ram": 1024, "compute_zone_id": zoneWaw, "name": "x", "os": tmplUbuntu}
		for k, v := range fields {
			if v == nil {
				delete(base, k)
			} else {
				base[k] = v
			}
		}
		return map[string]any{"create_vm": base}
	}
	tests := []struct {
		name string
		body any
		want int
	}{
		{"compute_zone_id", vm(nil), 200},
		{"zone_id spelling", vm(map[string]any{"compute_zone_id": nil, "zone_id": zonePoz}), 200},
		{"os as a number", vm(map[string]any{"os": 2528}), 200},
		{"numeric strings", vm(map[string]any{"cpus": "2", "ram": "2048"}), 200},
		{"key_id ignored by a template without sshkey", vm(map[string]any{"os": tmplWindows, "key_id": 99}), 200},
		{"cdrom boot", vm(map[string]any{"boot_type": "cdrom", "os": nil, "cdrom": "debian-12.5.0-amd64-netinst.iso"}), 200},
		{"cpus not a number", vm(map[string]any{"cpus": "many"}), 400},
		{"too many cpus", vm(map[string]any{"cpus": 17}), 400},
		{"too much ram", vm(map[string]any{"ram": 64000}), 400},
		{"no zone", vm(map[string]any{"compute_zone_id": nil}), 400},
		{"unknown zone", vm(map[string]any{"compute_zone_id": "nope"}), 400},
		{"unknown template", vm(map[string]any{"os": "1"}), 400},
		{"no os with image boot", vm(map[string]any{"os": nil}), 400},
		{"unknown iso", vm(map[string]any{"boot_type": "cdrom", "cdrom": "nope.iso"}), 400},
		{"unknown boot type", vm(map[string]any{"boot_type": "pxe"}), 400},
		{"unknown ssh key", vm(map[string]any{"key_id": "99"}), 400},
		{"no name", vm(map[string]any{"name": nil}), 400},
		{"no create_vm", map[string]any{"cpus": 1}, 400},
		{"empty body", "", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.c.Do("PUT", "/virtual-machines", tt.body).Expect(t, tt.want)
			if tt.want != 200 && (res.Get("success") != false || res.String("error") == "") {
				t.Fatalf("error body: %v", res)
			}
		})
	}
	if n := e.c.Do("GET", "/virtual-machines", nil).Len("virtual_machines"); n != 6 {
		t.Fatalf("%d VMs, want the 6 accepted ones", n)
	}
	e.c.Do("GET", "/virtual-machines/nope", nil).Expect(t, 404)
	e.c.Do("POST", "/virtual-machines/nope/reboot", nil).Expect(t, 404)
	e.c.Do("POST", "/virtual-machines/nope/resize", map[string]any{"cores": 1, "ram": 512}).Expect(t, 404)
}

// TestWorldsByKey: each key is a world of its own; a second key's world never sees the first's.
func TestWorldsByKey(t *testing.T) {
	e := newEnv(t, simtest.WithAnyToken())
	id := e.vm("mine")
	other := e.s.E24Client("ci-job-7", defaultSecret) // a new key under --any-token, default secret
	other.Do("GET", "/virtual-machines/"+id, nil).Expect(t, 404)
	if n := other.Do("GET", "/virtual-machines", nil).Expect(t, 200).Len("virtual_machines"); n != 0 {
		t.Fatalf("fresh world has %d VMs", n)
	}
	e.s.E24Client("ci-job-7", "wrong").Do("GET", "/virtual-machines", nil).Expect(t, 401)
	// The control API takes the API key.
	other.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 3600}).Expect(t, 200)
	if st := e.state(id); st != "installing" {
		t.Fatalf("another key's clock moved this world: %s", st)
	}
}

func TestRestart(t *testing.T) {
	e := newEnv(t)
	done := e.online("done")
	pending := e.vm("pending")
	e.s.Restart()
	e.c = e.s.E24Client(simtest.DefaultToken, defaultSecret)
	if st := e.state(done); st != "online" {
		t.Fatalf("after restart: %s", st)
	}
	if st := e.state(pending); st != "installing" {
		t.Fatalf("pending after restart: %s", st)
	}
	e.advance(installTime)
	if st := e.state(pending); st != "online" {
		t.Fatalf("pending install did not finish after the restart: %s", st)
	}
}
