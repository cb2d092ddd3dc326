package e24cloud_test

import (
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

const groupDetachTime = 5 * time.Second

// newGroup creates a group and returns its id.
func (e *env) newGroup(name string) string {
	e.t.Helper()
	res := e.c.Do("PUT", "/groups", map[string]any{"name": name}).Expect(e.t, 200)
	return res.String("groups", 0, "id")
}

// group reads a group.
func (e *env) group(id string) *simtest.Response {
	e.t.Helper()
	return e.c.Do("POST", "/groups/"+id, nil).Expect(e.t, 200)
}

// TestGroups: groups are made empty (the answer and the list without "success", as the
// English page shows them), read by POST, listed by GET and by the older POST; they go with
// their delete.
func TestGroups(t *testing.T) {
	e := newEnv(t)
	var id string
	e.run([]call{
		{"no name", "PUT", "/groups", map[string]any{"name": "  "}, 400, nil},
	})
	t.Run("create", func(t *testing.T) {
		res := e.c.Do("PUT", "/groups", map[string]any{"name": "web"}).Expect(t, 200)
		id = res.String("groups", 0, "id")
		if res.Get("success") != nil || res.Len("groups") != 1 || !uuidRE.MatchString(id) || res.String("groups", 0, "name") != "web" ||
			res.String("groups", 0, "owner", "id") != accountID || res.Len("groups", 0, "members") != 0 || res.Len("groups", 0, "virtual_machines") != 0 ||
			res.Len("groups", 0, "permisions", "global") != 0 || res.Len("groups", 0, "permisions", "vm") != 0 ||
			res.Len("groups", 0, "resources") != 0 || res.Len("groups", 0, "rules") != 0 {
			t.Fatalf("create: %v", res)
		}
	})
	t.Run("list", func(t *testing.T) {
		e.newGroup("db")
		res := e.c.Do("GET", "/groups", nil).Expect(t, 200)
		if res.Get("success") != nil || res.Len("groups") != 2 || res.String("groups", 0, "id") != id || res.String("groups", 1, "name") != "db" {
			t.Fatalf("list: %v", res)
		}
		res = e.c.Do("POST", "/groups", nil).Expect(t, 200)
		if res.Get("success") != true || res.Len("groups") != 2 {
			t.Fatalf("older list: %v", res)
		}
	})
	e.run([]call{
		{"get", "POST", "/groups/" + id, nil, 200, func(t *testing.T, res *simtest.Response) {
			if res.String("group", "id") != id || res.String("group", "name") != "web" {
				t.Fatalf("get: %v", res)
			}
		}},
		{"get unknown", "POST", "/groups/nope", nil, 404, nil},
		{"delete", "DELETE", "/groups/" + id, nil, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.c.Do("GET", "/groups", nil).Len("groups"); n != 1 {
				t.Fatalf("%d groups", n)
			}
		}},
		{"delete again", "DELETE", "/groups/" + id, nil, 404, nil},
		{"get deleted", "POST", "/groups/" + id, nil, 404, nil},
	})
}

// TestGroupMembers: VMs go in and out of a group, and show the group in their groups (until
// they are deleted); users (the account, a reseller account once created) too, and the
// account shows the groups it is in; a user's detach is a task.
func TestGroupMembers(t *testing.T) {
	e := newEnv(t)
	g, other := e.newGroup("web"), e.newGroup("db")
	vm, doomed := e.online("web-1"), e.online("doomed")
	user := e.c.Do("PUT", "/accounts", map[string]any{"email": "anna@example.com", "first_name": "Anna", "last_name": "Nowak", "password": "Str0ng-Passw0rd"}).
		Expect(t, 200).String("user", "id")
	base := "/groups/" + g
	e.run([]call{
		{"attach a VM", "POST", base + "/group-attach-vm", map[string]any{"id": vm}, 200, func(t *testing.T, res *simtest.Response) {
			v := e.get(vm)
			if v.Len("virtual_machine", "groups") != 1 || v.String("virtual_machine", "groups", 0, "id") != g || v.String("virtual_machine", "groups", 0, "name") != "web" {
				t.Fatalf("VM's groups: %v", v.Get("virtual_machine", "groups"))
			}
			if gr := e.group(g); gr.Len("group", "virtual_machines") != 1 || gr.String("group", "virtual_machines", 0, "label") != "web-1" {
				t.Fatalf("group: %v", gr)
			}
		}},
		{"the same VM in a second group", "POST", "/groups/" + other + "/group-attach-vm", map[string]any{"id": vm}, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.get(vm).Len("virtual_machine", "groups"); n != 2 {
				t.Fatalf("%d groups", n)
			}
		}},
		{"twice", "POST", base + "/group-attach-vm", map[string]any{"id": vm}, 409, nil},
		{"unknown VM", "POST", base + "/group-attach-vm", map[string]any{"id": "nope"}, 400, nil},
		{"no id", "POST", base + "/group-attach-vm", map[string]any{}, 400, nil},
		{"unknown group", "POST", "/groups/nope/group-attach-vm", map[string]any{"id": vm}, 404, nil},
		{"another VM", "POST", base + "/group-attach-vm", map[string]any{"id": doomed}, 200, nil},
		{"detach a VM", "POST", "/groups/" + other + "/group-detach-vm", map[string]any{"id": vm}, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.get(vm).Len("virtual_machine", "groups"); n != 1 {
				t.Fatalf("%d groups", n)
			}
		}},
		{"detach a VM not in it", "POST", "/groups/" + other + "/group-detach-vm", map[string]any{"id": vm}, 409, nil},

		{"attach the account", "POST", base + "/group-attach-user", map[string]any{"id": accountID}, 200, func(t *testing.T, res *simtest.Response) {
			a := e.c.Do("GET", "/account", nil)
			if a.Len("account", "groups") != 1 || a.String("account", "groups", 0, "id") != g || a.String("account", "groups", 0, "name") != "web" {
				t.Fatalf("account's groups: %v", a.Get("account", "groups"))
			}
			if gr := e.group(g); gr.Len("group", "members") != 1 || gr.String("group", "members", 0, "name") != "panelsim Sp. z o.o." {
				t.Fatalf("members: %v", gr.Get("group", "members"))
			}
		}},
		{"a reseller account still being created", "POST", base + "/group-attach-user", map[string]any{"id": user}, 409, nil},
		{"an unknown user", "POST", base + "/group-attach-user", map[string]any{"id": "nope"}, 400, nil},
	})
	e.advance(time.Minute) // the reseller account is created
	e.run([]call{
		{"attach a reseller account", "POST", base + "/group-attach-user", map[string]any{"id": user}, 200, func(t *testing.T, res *simtest.Response) {
			if gr := e.group(g); gr.Len("group", "members") != 2 || gr.String("group", "members", 1, "name") != "Anna Nowak" {
				t.Fatalf("members: %v", gr.Get("group", "members"))
			}
		}},
		{"twice", "POST", base + "/group-attach-user", map[string]any{"id": user}, 409, nil},
		{"detach the account", "POST", base + "/group-detach-user", map[string]any{"id": accountID}, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.group(g).Len("group", "members"); n != 2 {
				t.Fatalf("left before the task ran: %d members", n)
			}
		}},
		{"detach while leaving", "POST", base + "/group-detach-user", map[string]any{"id": accountID}, 409, nil},
	})
	e.advance(groupDetachTime)
	if gr := e.group(g); gr.Len("group", "members") != 1 || gr.String("group", "members", 0, "id") != user {
		t.Fatalf("members after the task: %v", gr.Get("group", "members"))
	}
	if n := e.c.Do("GET", "/account", nil).Len("account", "groups"); n != 0 {
		t.Fatalf("the account is still in %d groups", n)
	}
	e.c.Do("POST", base+"/group-detach-user", map[string]any{"id": accountID}).Expect(t, 409)

	// A deleted VM leaves its groups; one being deleted cannot join.
	e.c.Do("DELETE", "/virtual-machines/"+doomed, nil).Expect(t, 200)
	e.c.Do("POST", "/groups/"+other+"/group-attach-vm", map[string]any{"id": doomed}).Expect(t, 409)
	e.advance(time.Minute)
	if gr := e.group(g); gr.Len("group", "virtual_machines") != 1 || gr.String("group", "virtual_machines", 0, "id") != vm {
		t.Fatalf("VMs after a deletion: %v", gr.Get("group", "virtual_machines"))
	}
	// A deleted group leaves its VMs.
	e.c.Do("DELETE", base, nil).Expect(t, 200)
	if n := e.get(vm).Len("virtual_machine", "groups"); n != 0 {
		t.Fatalf("VM still in %d groups", n)
	}
}

// TestGroupResources: volumes, images, recovery points, addresses and VxLANs go in a group by
// their id and show with their type and label; a resource that is deleted leaves it.
func TestGroupResources(t *testing.T) {
	e := newEnv(t)
	g := e.newGroup("web")
	vm := e.online("web-1")
	vol := e.volume("data", 20, false)
	img := e.c.Do("PUT", "/disk-images", map[string]any{"storage_volume_id": vol, "label": "golden"}).Expect(t, 200).String("disk_image", "id")
	rp := e.c.Do("PUT", "/recovery-points", map[string]any{"storage_volume_id": vol, "label": "before"}).Expect(t, 200).String("recovery_point", "id")
	ip, addr := e.address(zonePoz)
	vx := e.c.Do("PUT", "/vxlans", map[string]any{"zone_id": zonePoz, "label": "app-net"}).Expect(t, 200).String("vlan", 0, "id")
	base := "/groups/" + g
	e.run([]call{
		{"a recovery point still being taken", "POST", base + "/group-attach-resource", map[string]any{"id": rp}, 400, nil},
		{"a VM", "POST", base + "/group-attach-resource", map[string]any{"id": vm}, 400, nil},
		{"unknown", "POST", base + "/group-attach-resource", map[string]any{"id": "nope"}, 400, nil},
	})
	e.advance(time.Minute)
	for _, id := range []string{vol, img, rp, ip, vx} {
		e.c.Do("POST", base+"/group-attach-resource", map[string]any{"id": id}).Expect(t, 200)
	}
	e.c.Do("POST", base+"/group-attach-resource", map[string]any{"id": ip}).Expect(t, 409)
	res := e.group(g)
	want := []struct{ id, typ, label string }{
		{vol, "storage_volume", "data"}, {img, "disk_image", "golden"}, {rp, "recovery_point", "before"}, {ip, "ipv4_address", addr}, {vx, "vxlan", "app-net"},
	}
	if res.Len("group", "resources") != len(want) {
		t.Fatalf("resources: %v", res.Get("group", "resources"))
	}
	for i, w := range want {
		r := func(k string) string { return res.String("group", "resources", i, k) }
		if r("id") != w.id || r("type") != w.typ || r("label") != w.label {
			t.Fatalf("resource %d: %v, want %v", i, res.Get("group", "resources", i), w)
		}
	}
	e.run([]call{
		{"detach", "POST", base + "/group-detach-resource", map[string]any{"id": img}, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.group(g).Len("group", "resources"); n != 4 {
				t.Fatalf("%d resources", n)
			}
		}},
		{"detach again", "POST", base + "/group-detach-resource", map[string]any{"id": img}, 409, nil},
		{"a deleted address leaves the group", "DELETE", "/ipv4-addresses/" + ip, nil, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.group(g).Len("group", "resources"); n != 3 {
				t.Fatalf("%d resources", n)
			}
		}},
		{"so does a deleted VxLAN", "DELETE", "/vxlans/" + vx, nil, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.group(g).Len("group", "resources"); n != 2 {
				t.Fatalf("%d resources", n)
			}
		}},
	})
}

// TestFirewallRules: rules are added to a group with an id, shown with only the fields they
// set (ports and ICMP numbers in strings), checked for what goes with which protocol, refused
// twice, and deleted by id.
func TestFirewallRules(t *testing.T) {
	e := newEnv(t)
	g := e.newGroup("web")
	other := e.newGroup("db")
	vm := e.online("web-1")
	e.c.Do("POST", "/groups/"+g+"/group-attach-vm", map[string]any{"id": vm}).Expect(t, 200)
	add := "/groups/" + g + "/group-add-rule"
	var ssh, ping int64
	e.run([]call{
		{"ssh from a network", "POST", add, map[string]any{"direction": "IN", "protocol": "TCP", "src_address": "203.0.113.7/24", "min_port": 22}, 200, func(t *testing.T, res *simtest.Response) {
			ssh = res.Int("rule", "id")
			r := func(k string) any { return res.Get("rule", k) }
			if ssh < 1 || r("direction") != "IN" || r("protocol") != "TCP" || r("src_address") != "203.0.113.0/24" ||
				r("min_port") != "22" || r("max_port") != "22" || r("dst_address") != nil || r("icmp_type") != nil {
				t.Fatalf("rule: %v", res)
			}
		}},
		{"ping", "POST", add, map[string]any{"direction": "IN", "protocol": "ICMP", "icmp_type": 8, "icmp_code": "0"}, 200, func(t *testing.T, res *simtest.Response) {
			ping = res.Int("rule", "id")
			if ping == ssh || res.Get("rule", "icmp_type") != "8" || res.Get("rule", "icmp_code") != "0" || res.Get("rule", "min_port") != nil {
				t.Fatalf("rule: %v", res)
			}
		}},
		{"everything out", "POST", add, map[string]any{"direction": "OUT"}, 200, nil},
		{"a port range as strings", "POST", add, map[string]any{"direction": "IN", "protocol": "UDP", "min_port": "60000", "max_port": "61000", "dst_address": "192.0.2.10"}, 200, nil},
		{"the same rule twice", "POST", add, map[string]any{"direction": "OUT"}, 409, nil},
		{"no direction", "POST", add, map[string]any{"protocol": "TCP"}, 400, nil},
		{"a lower-case direction", "POST", add, map[string]any{"direction": "in"}, 400, nil},
		{"an unknown protocol", "POST", add, map[string]any{"direction": "IN", "protocol": "QUIC"}, 400, nil},
		{"ports without a protocol", "POST", add, map[string]any{"direction": "IN", "min_port": 22}, 400, nil},
		{"ports on ICMP", "POST", add, map[string]any{"direction": "IN", "protocol": "ICMP", "min_port": 22}, 400, nil},
		{"a reversed range", "POST", add, map[string]any{"direction": "IN", "protocol": "TCP", "min_port": 443, "max_port": 80}, 400, nil},
		{"port 70000", "POST", add, map[string]any{"direction": "IN", "protocol": "TCP", "min_port": 70000}, 400, nil},
		{"ICMP numbers on TCP", "POST", add, map[string]any{"direction": "IN", "protocol": "TCP", "icmp_type": 8}, 400, nil},
		{"icmp_code alone", "POST", add, map[string]any{"direction": "IN", "protocol": "ICMP", "icmp_code": 0}, 400, nil},
		{"icmp_type 300", "POST", add, map[string]any{"direction": "IN", "protocol": "ICMP", "icmp_type": "300"}, 400, nil},
		{"a bad address", "POST", add, map[string]any{"direction": "IN", "src_address": "300.1.1.1"}, 400, nil},
		{"an IPv6 address", "POST", add, map[string]any{"direction": "IN", "src_address": "2001:db8::1"}, 400, nil},
		{"unknown group", "POST", "/groups/nope/group-add-rule", map[string]any{"direction": "IN"}, 404, nil},
	})
	res := e.group(g)
	if res.Len("group", "rules") != 4 || res.Int("group", "rules", 0, "id") != ssh || res.Int("group", "rules", 1, "id") != ping ||
		res.String("group", "rules", 2, "direction") != "OUT" || res.Get("group", "rules", 2, "protocol") != nil ||
		res.String("group", "rules", 3, "max_port") != "61000" || res.String("group", "virtual_machines", 0, "id") != vm {
		t.Fatalf("rules: %v", res.Get("group", "rules"))
	}
	e.run([]call{
		{"delete", "POST", "/groups/" + g + "/group-delete-rule", map[string]any{"id": ping}, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.group(g).Len("group", "rules"); n != 3 {
				t.Fatalf("%d rules", n)
			}
		}},
		{"delete again", "POST", "/groups/" + g + "/group-delete-rule", map[string]any{"id": ping}, 400, nil},
		{"another group's rule", "POST", "/groups/" + other + "/group-delete-rule", map[string]any{"id": ssh}, 400, nil},
	})
}
