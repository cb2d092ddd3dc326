package e24cloud_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// TestVXLANs: a VxLAN is made in a zone (a UUID id, the answer's network in the "vlan"
// array), VMs of its zone attach to it and show it in their networks (type vxlan, the UUID as
// id), and it goes with its delete; a deleted VM leaves it.
func TestVXLANs(t *testing.T) {
	e := newEnv(t)
	a, b, waw := e.online("a"), e.online("b"), e.vmIn(zoneWaw, "waw")
	var id string
	e.run([]call{
		{"none yet", "GET", "/vxlans", nil, 200, func(t *testing.T, res *simtest.Response) {
			if res.Len("vxlans") != 0 {
				t.Fatalf("vxlans: %v", res)
			}
		}},
		{"no zone", "PUT", "/vxlans", map[string]any{"label": "x"}, 400, nil},
		{"unknown zone", "PUT", "/vxlans", map[string]any{"zone_id": "nope", "label": "x"}, 400, nil},
		{"create", "PUT", "/vxlans", map[string]any{"zone_id": zonePoz, "label": "app-net"}, 200, func(t *testing.T, res *simtest.Response) {
			id = res.String("vlan", 0, "id")
			if res.Len("vlan") != 1 || !uuidRE.MatchString(id) || res.String("vlan", 0, "label") != "app-net" ||
				res.String("vlan", 0, "zone", "name") != "DC1/PUBLIC-1" || fmt.Sprint(res.Get("vlan", 0, "cost_per_hour")) != "0.01" ||
				res.String("vlan", 0, "owner", "id") != accountID || res.Len("vlan", 0, "virtual_machines") != 0 {
				t.Fatalf("create: %v", res)
			}
		}},
		{"default label", "PUT", "/vxlans", map[string]any{"zone_id": zoneWaw}, 200, func(t *testing.T, res *simtest.Response) {
			if l := res.String("vlan", 0, "label"); l[:6] != "vxlan-" {
				t.Fatalf("label %q", l)
			}
		}},
	})
	e.run([]call{
		{"attach", "POST", "/vxlans/" + id + "/attach", map[string]any{"virtual_machine_id": a}, 200, func(t *testing.T, res *simtest.Response) {
			vm := e.get(a)
			n := func(k string) any { return vm.Get("virtual_machine", "networks", 0, k) }
			if vm.Len("virtual_machine", "networks") != 1 || n("id") != id || n("type") != "vxlan" || n("label") != "app-net" || len(fmt.Sprint(n("mac_address"))) != 17 {
				t.Fatalf("VM side: %v", vm)
			}
			l := e.c.Do("GET", "/vxlans", nil)
			if l.Len("vxlans") != 2 || l.String("vxlans", 0, "virtual_machines", 0, "id") != a || l.String("vxlans", 0, "virtual_machines", 0, "owner_id") != accountID {
				t.Fatalf("VxLAN side: %v", l)
			}
		}},
		{"twice", "POST", "/vxlans/" + id + "/attach", map[string]any{"virtual_machine_id": a}, 409, nil},
		{"with a VLAN too", "POST", "/vlans/101/attach", map[string]any{"virtual_machine_id": a}, 200, func(t *testing.T, res *simtest.Response) {
			vm := e.get(a)
			if vm.Len("virtual_machine", "networks") != 2 || vm.Int("virtual_machine", "networks", 0, "id") != 101 || vm.Get("virtual_machine", "networks", 1, "id") != id {
				t.Fatalf("networks: %v", vm.Get("virtual_machine", "networks"))
			}
		}},
		{"another zone", "POST", "/vxlans/" + id + "/attach", map[string]any{"virtual_machine_id": waw}, 400, nil},
		{"unknown VM", "POST", "/vxlans/" + id + "/attach", map[string]any{"virtual_machine_id": "nope"}, 400, nil},
		{"unknown network", "POST", "/vxlans/nope/attach", map[string]any{"virtual_machine_id": a}, 404, nil},
		{"second VM", "POST", "/vxlans/" + id + "/attach", map[string]any{"virtual_machine_id": b}, 200, nil},
		{"detach", "POST", "/vxlans/" + id + "/detach", map[string]any{"virtual_machine_id": a}, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.get(a).Len("virtual_machine", "networks"); n != 1 {
				t.Fatalf("networks %d", n)
			}
		}},
		{"detach again", "POST", "/vxlans/" + id + "/detach", map[string]any{"virtual_machine_id": a}, 409, nil},
	})
	// A deleted VM leaves the network.
	e.c.Do("DELETE", "/virtual-machines/"+b, nil).Expect(t, 200)
	e.c.Do("DELETE", "/vxlans/"+id, nil).Expect(t, 409) // b is deleting
	e.advance(time.Minute)
	if n := e.c.Do("GET", "/vxlans", nil).Len("vxlans", 0, "virtual_machines"); n != 0 {
		t.Fatalf("a deleted VM stays on the network: %d", n)
	}
	e.c.Do("POST", "/vxlans/"+id+"/attach", map[string]any{"virtual_machine_id": a}).Expect(t, 200)
	e.run([]call{
		{"delete", "DELETE", "/vxlans/" + id, nil, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.count("/vxlans", "vxlans"); n != 1 {
				t.Fatalf("%d networks", n)
			}
			if vm := e.get(a); vm.Len("virtual_machine", "networks") != 1 || vm.Int("virtual_machine", "networks", 0, "id") != 101 {
				t.Fatalf("VM keeps the deleted network: %v", vm.Get("virtual_machine", "networks"))
			}
		}},
		{"delete again", "DELETE", "/vxlans/" + id, nil, 404, nil},
	})
}
