package e24cloud_test

import (
	"fmt"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

func TestListVLANs(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("GET", "/vlans", nil).Expect(t, 200)
	v := func(k ...any) any { return res.Get(append([]any{"vlans"}, k...)...) }
	if res.Len("vlans") != 2 || res.Int("vlans", 0, "id") != 101 || v(0, "label") != "backend" || v(0, "zone", "name") != "DC1/PUBLIC-1" ||
		fmt.Sprint(v(0, "cost_per_hour")) != "0.01" || v(0, "owner", "name") != "panelsim Sp. z o.o." || res.Len("vlans", 0, "task") != 0 ||
		res.Len("vlans", 0, "virtual_machines") != 0 || v(1, "zone", "name") != "DC2/PUBLIC-1" {
		t.Fatalf("vlans: %v", res)
	}
}

func TestAttachVLAN(t *testing.T) {
	e := newEnv(t)
	a, b, waw := e.online("a"), e.vm("b"), e.vmIn(zoneWaw, "waw")
	var mac string
	e.run([]call{
		{"attach", "POST", "/vlans/101/attach", map[string]any{"virtual_machine_id": a}, 200, func(t *testing.T, res *simtest.Response) {
			vm := e.get(a)
			n := func(k string) any { return vm.Get("virtual_machine", "networks", 0, k) }
			mac, _ = n("mac_address").(string)
			if vm.Len("virtual_machine", "networks") != 1 || vm.Int("virtual_machine", "networks", 0, "id") != 101 || n("label") != "backend" ||
				n("type") != "vlan" || len(mac) != 17 || mac == vm.String("virtual_machine", "public_interface", "mac_address") {
				t.Fatalf("VM side: %v", vm)
			}
			vl := e.c.Do("GET", "/vlans", nil)
			if vl.Len("vlans", 0, "virtual_machines") != 1 || vl.String("vlans", 0, "virtual_machines", 0, "id") != a ||
				vl.String("vlans", 0, "virtual_machines", 0, "label") != "a" || vl.String("vlans", 0, "virtual_machines", 0, "owner_id") != "6f0c9d8e-2b4a-4c1e-9a51-3d2f8b7e1c40" {
				t.Fatalf("VLAN side: %v", vl)
			}
		}},
		{"an installing VM", "POST", "/vlans/101/attach", map[string]any{"virtual_machine_id": b}, 200, nil},
		{"again", "POST", "/vlans/101/attach", map[string]any{"virtual_machine_id": a}, 409, nil},
		{"another zone", "POST", "/vlans/101/attach", map[string]any{"virtual_machine_id": waw}, 400, nil},
		{"its own zone", "POST", "/vlans/102/attach", map[string]any{"virtual_machine_id": waw}, 200, nil},
		{"unknown VM", "POST", "/vlans/101/attach", map[string]any{"virtual_machine_id": "nope"}, 400, nil},
		{"no VM", "POST", "/vlans/101/attach", "", 400, nil},
		{"unknown VLAN", "POST", "/vlans/999/attach", map[string]any{"virtual_machine_id": a}, 404, nil},
		{"a word for a VLAN", "POST", "/vlans/backend/attach", map[string]any{"virtual_machine_id": a}, 404, nil},
	})
	if n := e.get(waw).Len("virtual_machine", "networks"); n != 1 {
		t.Fatalf("waw is on %d networks, want only 102", n)
	}
	// The same VM gets the same MAC on the same VLAN again.
	e.c.Do("POST", "/vlans/101/detach", map[string]any{"virtual_machine_id": a}).Expect(t, 200)
	e.c.Do("POST", "/vlans/101/attach", map[string]any{"virtual_machine_id": a}).Expect(t, 200)
	if got := e.vmField(a, "networks", 0, "mac_address"); got != mac {
		t.Fatalf("MAC %v, then %v", mac, got)
	}
	// A VM being deleted takes nothing new.
	e.c.Do("DELETE", "/virtual-machines/"+b, nil).Expect(t, 200)
	e.c.Do("POST", "/vlans/101/detach", map[string]any{"virtual_machine_id": b}).Expect(t, 409)
	e.c.Do("POST", "/vlans/102/attach", map[string]any{"virtual_machine_id": b}).Expect(t, 400) // zone first
	e.advance(installTime)
	// Gone: the VLAN no longer lists it.
	if vl := e.c.Do("GET", "/vlans", nil); vl.Len("vlans", 0, "virtual_machines") != 1 {
		t.Fatalf("after b's deletion: %v", vl)
	}
}

func TestDetachVLAN(t *testing.T) {
	e := newEnv(t)
	a, b := e.online("a"), e.online("b")
	e.c.Do("POST", "/vlans/101/attach", map[string]any{"virtual_machine_id": a}).Expect(t, 200)
	e.run([]call{
		{"not on it", "POST", "/vlans/101/detach", map[string]any{"virtual_machine_id": b}, 409, nil},
		{"unknown VM", "POST", "/vlans/101/detach", map[string]any{"virtual_machine_id": "nope"}, 400, nil},
		{"no VM", "POST", "/vlans/101/detach", map[string]any{}, 400, nil},
		{"unknown VLAN", "POST", "/vlans/7/detach", map[string]any{"virtual_machine_id": a}, 404, nil},
		{"detach", "POST", "/vlans/101/detach", map[string]any{"virtual_machine_id": a}, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.get(a).Len("virtual_machine", "networks"); n != 0 {
				t.Fatalf("VM still on %d networks", n)
			}
			if n := e.c.Do("GET", "/vlans", nil).Len("vlans", 0, "virtual_machines"); n != 0 {
				t.Fatalf("VLAN still lists %d VMs", n)
			}
		}},
		{"again", "POST", "/vlans/101/detach", map[string]any{"virtual_machine_id": a}, 409, nil},
	})
}
