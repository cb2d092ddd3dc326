package e24cloud_test

import (
	"testing"
	"time"
)

// TestDeleteResources: deleting a VM always takes its system disk and primary address; its
// other volumes and addresses stay free-standing with deleteResources 0 (the default) and go
// with 1. A shared volume only leaves it. Its VLANs drop it either way.
func TestDeleteResources(t *testing.T) {
	for _, tt := range []struct {
		name string
		body any
		keep bool
	}{
		{"no body", nil, true},
		{"0", map[string]any{"deleteResources": 0}, true},
		{"\"0\"", map[string]any{"deleteResources": "0"}, true},
		{"1", map[string]any{"deleteResources": 1}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			vm := e.online("doomed")
			res := e.get(vm)
			disk := res.String("virtual_machine", "storage_volumes", 0, "id")
			primary := res.String("virtual_machine", "public_interface", "ipv4_addresses", 0, "id")
			vol, shared := e.volume("data", 20, false), e.volume("shared", 20, true)
			ip, _ := e.address(zonePoz)
			for _, v := range []string{vol, shared} {
				e.c.Do("POST", "/storage-volumes/"+v+"/attach", map[string]any{"virtual_machine_id": vm}).Expect(t, 200)
			}
			e.c.Do("POST", "/ipv4-addresses/"+ip+"/attach", map[string]any{"virtual_machine_id": vm}).Expect(t, 200)
			e.c.Do("POST", "/vlans/101/attach", map[string]any{"virtual_machine_id": vm}).Expect(t, 200)

			e.c.Do("DELETE", "/virtual-machines/"+vm, tt.body).Expect(t, 200)
			// Until the task runs, everything is as it was, and the volumes show the task.
			if a := e.c.Do("GET", "/storage-volumes/"+vol, nil).String("storage_volume", "task", 0, "action"); a != "delete" {
				t.Fatalf("volume task %q", a)
			}
			e.advance(30 * time.Second)
			e.get(vm).Expect(t, 404)
			e.c.Do("GET", "/storage-volumes/"+disk, nil).Expect(t, 404)
			e.c.Do("GET", "/ipv4-addresses/"+primary, nil).Expect(t, 404)
			sv := e.c.Do("GET", "/storage-volumes/"+shared, nil).Expect(t, 200)
			if sv.Len("storage_volume", "virtual_machines") != 0 {
				t.Fatalf("shared volume: %v", sv)
			}
			if n := e.c.Do("GET", "/vlans", nil).Len("vlans", 0, "virtual_machines"); n != 0 {
				t.Fatalf("VLAN lists %d VMs", n)
			}
			if !tt.keep {
				e.c.Do("GET", "/storage-volumes/"+vol, nil).Expect(t, 404)
				e.c.Do("GET", "/ipv4-addresses/"+ip, nil).Expect(t, 404)
				if n := e.count("/ipv4-addresses", "ipv4_addresses"); n != 0 {
					t.Fatalf("%d addresses left", n)
				}
				return
			}
			v := e.c.Do("GET", "/storage-volumes/"+vol, nil).Expect(t, 200)
			if v.Get("storage_volume", "virtual_machine") != nil || v.Get("storage_volume", "attach_time") != nil || v.Len("storage_volume", "task") != 0 {
				t.Fatalf("free-standing volume: %v", v)
			}
			a := e.c.Do("GET", "/ipv4-addresses/"+ip, nil).Expect(t, 200)
			if a.Get("ipv4_address", "virtual_machine") != nil || a.Get("ipv4_address", "attach_time") != nil {
				t.Fatalf("free-standing address: %v", a)
			}
			if got := ids(e.c.Do("GET", "/ipv4-addresses", nil), "ipv4_addresses"); len(got) != 1 || got[0] != ip {
				t.Fatalf("addresses %v", got)
			}
			// Free-standing means usable: on to another VM.
			other := e.online("heir")
			e.c.Do("POST", "/storage-volumes/"+vol+"/attach", map[string]any{"virtual_machine_id": other}).Expect(t, 200)
			e.c.Do("POST", "/ipv4-addresses/"+ip+"/attach", map[string]any{"virtual_machine_id": other}).Expect(t, 200)
		})
	}
}
