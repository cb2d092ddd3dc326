package e24cloud_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

func TestAllocateIPv4Address(t *testing.T) {
	e := newEnv(t)
	var made []string
	e.run([]call{
		{"Poznań", "PUT", "/ipv4-addresses", map[string]any{"zone_id": zonePoz}, 200, func(t *testing.T, res *simtest.Response) {
			made = append(made, res.String("ipv4_address", "id"))
			ip := func(k ...any) any { return res.Get(append([]any{"ipv4_address"}, k...)...) }
			if !strings.HasPrefix(res.String("ipv4_address", "ipv4_address"), "192.0.2.") || ip("virtual_machine") != nil || ip("attach_time") != nil ||
				ip("cost_per_hour") != "0.004" || ip("dhcp") != true || ip("zone", "name") != "DC1/PUBLIC-1" || ip("owner", "name") != "panelsim Sp. z o.o." {
				t.Fatalf("address: %v", res)
			}
			if got := e.c.Do("GET", "/ipv4-addresses/"+res.String("ipv4_address", "id"), nil).Expect(t, 200); got.String("ipv4_address", "ipv4_address") != res.String("ipv4_address", "ipv4_address") {
				t.Fatalf("get: %v", got)
			}
		}},
		{"Warszawa, compute_zone_id", "PUT", "/ipv4-addresses", map[string]any{"compute_zone_id": zoneWaw}, 200, func(t *testing.T, res *simtest.Response) {
			made = append(made, res.String("ipv4_address", "id"))
			if !strings.HasPrefix(res.String("ipv4_address", "ipv4_address"), "198.18.0.") {
				t.Fatalf("address: %v", res)
			}
		}},
		{"no zone", "PUT", "/ipv4-addresses", map[string]any{}, 400, nil},
		{"unknown zone", "PUT", "/ipv4-addresses", map[string]any{"zone_id": "nope"}, 400, nil},
		{"zone not a string", "PUT", "/ipv4-addresses", map[string]any{"zone_id": 3}, 400, nil},
		{"unknown address", "GET", "/ipv4-addresses/nope", nil, 404, nil},
	})
	// The documented path ends in a slash.
	if got := ids(e.c.Do("GET", "/ipv4-addresses/", nil).Expect(t, 200), "ipv4_addresses"); !slices.Equal(got, made) {
		t.Fatalf("addresses %v, want %v", got, made)
	}
}

// TestIPv4PoolExhausted: a zone with two addresses gives two, then 409, then one again when
// one is released.
func TestIPv4PoolExhausted(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("..", "..", "..", "fixtures")
	for _, f := range []string{"world.yaml", "virtfusion/world.yaml", "e24cloud/world.yaml"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "e24cloud/world.yaml" {
			b = []byte(strings.Replace(string(b), "end: 192.0.2.250", "end: 192.0.2.11", 1))
		}
		os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := newEnv(t, simtest.WithFixtures(dir))
	first, _ := e.address(zonePoz)
	e.address(zonePoz)
	e.c.Do("PUT", "/ipv4-addresses", map[string]any{"zone_id": zonePoz}).Expect(t, 409)
	if n := e.count("/ipv4-addresses", "ipv4_addresses"); n != 2 {
		t.Fatalf("%d addresses after the refusal", n)
	}
	e.c.Do("DELETE", "/ipv4-addresses/"+first, nil).Expect(t, 200)
	if _, addr := e.address(zonePoz); addr != "192.0.2.10" {
		t.Fatalf("got %s, want the released 192.0.2.10", addr)
	}
}

func TestAttachIPv4Address(t *testing.T) {
	e := newEnv(t)
	a, b, waw := e.vm("a"), e.vm("b"), e.vmIn(zoneWaw, "waw")
	ip, addr := e.address(zonePoz)
	other, _ := e.address(zonePoz)
	attach := func(id string) string { return "/ipv4-addresses/" + id + "/attach" }
	e.run([]call{
		{"to an installing VM", "POST", attach(ip), map[string]any{"virtual_machine_id": a}, 200, func(t *testing.T, res *simtest.Response) {
			vm := e.get(a)
			if vm.String("virtual_machine", "public_interface", "primary_ip_ipv4address") != "" || vm.String("virtual_machine", "public_interface", "ipv4_addresses", 0, "ipv4_address") != addr {
				t.Fatalf("VM side: %v", vm)
			}
			r := e.c.Do("GET", "/ipv4-addresses/"+ip, nil)
			if r.String("ipv4_address", "virtual_machine", "id") != a || r.String("ipv4_address", "virtual_machine", "label") != "a" || r.String("ipv4_address", "attach_time") != "2025-01-20 12:00:00" {
				t.Fatalf("address side: %v", r)
			}
		}},
		{"again", "POST", attach(ip), map[string]any{"virtual_machine_id": a}, 409, nil},
		{"to a second VM", "POST", attach(ip), map[string]any{"virtual_machine_id": b}, 409, nil},
		{"another zone", "POST", attach(other), map[string]any{"virtual_machine_id": waw}, 400, nil},
		{"unknown VM", "POST", attach(other), map[string]any{"virtual_machine_id": "nope"}, 400, nil},
		{"no VM", "POST", attach(other), nil, 400, nil},
		{"unknown address", "POST", attach("nope"), map[string]any{"virtual_machine_id": a}, 404, nil},
	})
	if r := e.c.Do("GET", "/ipv4-addresses/"+other, nil); r.Get("ipv4_address", "virtual_machine") != nil {
		t.Fatalf("a refused attach left %v", r)
	}
	if n := e.get(waw).Len("virtual_machine", "public_interface", "ipv4_addresses"); n != 0 {
		t.Fatalf("the other zone's VM has %d addresses", n)
	}
	// The install brings the primary address; the attached one stays second.
	e.advance(installTime)
	vm := e.get(a)
	if vm.Len("virtual_machine", "public_interface", "ipv4_addresses") != 2 || vm.String("virtual_machine", "public_interface", "primary_ip_ipv4address") == addr ||
		vm.String("virtual_machine", "public_interface", "primary_ip_ipv4address") == "" {
		t.Fatalf("after the install: %v", vm)
	}
	// An address attached to a VM without one becomes its primary address.
	e.c.Do("POST", "/ipv4-addresses/"+vm.String("virtual_machine", "public_interface", "ipv4_addresses", 0, "id")+"/detach", nil).Expect(t, 200)
	e.c.Do("POST", "/ipv4-addresses/"+ip+"/detach", nil).Expect(t, 200)
	e.advance(ipDetachTime)
	if p := e.vmField(a, "public_interface", "primary_ip_ipv4address"); p != "" {
		t.Fatalf("primary %v after both left", p)
	}
	e.c.Do("POST", attach(ip), map[string]any{"virtual_machine_id": a}).Expect(t, 200)
	if p := e.vmField(a, "public_interface", "primary_ip_ipv4address"); p != addr {
		t.Fatalf("primary %v, want %s", p, addr)
	}
}

func TestDetachIPv4Address(t *testing.T) {
	e := newEnv(t)
	a := e.online("a")
	ip, addr := e.address(zonePoz)
	free, _ := e.address(zonePoz)
	e.c.Do("POST", "/ipv4-addresses/"+ip+"/attach", map[string]any{"virtual_machine_id": a}).Expect(t, 200)
	primaryID := e.get(a).String("virtual_machine", "public_interface", "ipv4_addresses", 0, "id")
	detach := func(id string) string { return "/ipv4-addresses/" + id + "/detach" }
	has := func(vm, addr string) bool {
		for _, x := range e.get(vm).Get("virtual_machine", "public_interface", "ipv4_addresses").([]any) {
			if x.(map[string]any)["ipv4_address"] == addr {
				return true
			}
		}
		return false
	}
	e.run([]call{
		{"adds a task", "POST", detach(ip), nil, 200, func(t *testing.T, res *simtest.Response) {
			if !has(a, addr) || e.c.Do("GET", "/ipv4-addresses/"+ip, nil).Get("ipv4_address", "virtual_machine") == nil {
				t.Fatal("detached before the task ran")
			}
		}},
		{"while it runs", "POST", detach(ip), nil, 409, nil},
		{"attach while it runs", "POST", "/ipv4-addresses/" + ip + "/attach", map[string]any{"virtual_machine_id": a}, 409, nil},
		{"delete while it runs", "DELETE", "/ipv4-addresses/" + ip, nil, 409, nil},
		{"not attached", "POST", detach(free), nil, 409, nil},
		{"unknown", "POST", detach("nope"), nil, 404, nil},
	})
	e.advance(ipDetachTime)
	r := e.c.Do("GET", "/ipv4-addresses/"+ip, nil).Expect(t, 200)
	if has(a, addr) || r.Get("ipv4_address", "virtual_machine") != nil || r.Get("ipv4_address", "attach_time") != nil {
		t.Fatalf("after the task: %v", r)
	}
	// The primary address can go too; the VM is left without one.
	e.c.Do("POST", detach(primaryID), nil).Expect(t, 200)
	e.advance(ipDetachTime)
	if p := e.vmField(a, "public_interface", "primary_ip_ipv4address"); p != "" {
		t.Fatalf("primary %v", p)
	}
	if n := e.count("/ipv4-addresses", "ipv4_addresses"); n != 3 {
		t.Fatalf("%d addresses, want all 3 still in the account", n)
	}
}

func TestDeleteIPv4Address(t *testing.T) {
	e := newEnv(t)
	a := e.online("a")
	ip, addr := e.address(zonePoz)
	free, _ := e.address(zonePoz)
	e.c.Do("POST", "/ipv4-addresses/"+ip+"/attach", map[string]any{"virtual_machine_id": a}).Expect(t, 200)
	e.run([]call{
		{"free: at once", "DELETE", "/ipv4-addresses/" + free, nil, 200, func(t *testing.T, res *simtest.Response) {
			e.c.Do("GET", "/ipv4-addresses/"+free, nil).Expect(t, 404)
		}},
		{"attached: a task", "DELETE", "/ipv4-addresses/" + ip, nil, 200, func(t *testing.T, res *simtest.Response) {
			e.c.Do("GET", "/ipv4-addresses/"+ip, nil).Expect(t, 200)
		}},
		{"twice", "DELETE", "/ipv4-addresses/" + ip, nil, 409, nil},
		{"unknown", "DELETE", "/ipv4-addresses/nope", nil, 404, nil},
	})
	e.advance(ipDetachTime)
	e.c.Do("GET", "/ipv4-addresses/"+ip, nil).Expect(t, 404)
	for _, x := range e.get(a).Get("virtual_machine", "public_interface", "ipv4_addresses").([]any) {
		if x.(map[string]any)["ipv4_address"] == addr {
			t.Fatal("the VM still lists the deleted address")
		}
	}
	// Not while the address's VM is being deleted: the deletion decides.
	last, _ := e.address(zonePoz)
	e.c.Do("POST", "/ipv4-addresses/"+last+"/attach", map[string]any{"virtual_machine_id": a}).Expect(t, 200)
	e.c.Do("DELETE", "/virtual-machines/"+a, nil).Expect(t, 200)
	e.c.Do("DELETE", "/ipv4-addresses/"+last, nil).Expect(t, 409)
	e.c.Do("POST", "/ipv4-addresses/"+last+"/detach", nil).Expect(t, 409)
}
