package network_test

import (
	"fmt"
	"testing"
)

// TestSubnetLifecycle: created with generated IPs, listed, read back, updated, refused
// deletion while an IP is assigned, deleted, then 404.
func TestSubnetLifecycle(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"subnet": "10.10.11.0", "cidr": 28, "netmask": "255.255.255.240", "gw": "10.10.11.1", "type": "v4",
		"description": "Customer subnet", "dns_resolvers": []string{"1.1.1.1", "1.0.0.1"}, "reserve_last_usable_ip": true}
	res := e.c.Do("POST", "/subnets", body).Expect(t, 200)
	id := int(res.Int("result", "id"))
	u := res.Get("result", "usageStatistics").(map[string]any)
	if id != 4 || fmt.Sprint(u["totalIps"]) != "16" || fmt.Sprint(u["reserved"]) != "4" || fmt.Sprint(u["free"]) != "12" {
		t.Fatalf("created: %v", res)
	}
	free := e.free(id)
	if len(free) != 12 || free[0] != "10.10.11.2" || has(free, "10.10.11.14") || has(free, "10.10.11.15") {
		t.Fatalf("free IPs %v", free)
	}
	if !has(strs(e.c.Do("GET", "/subnets", nil).Expect(t, 200), "subnet"), "10.10.11.0") {
		t.Fatal("not listed")
	}
	res = e.c.Do("PUT", fmt.Sprintf("/subnets/%d", id), map[string]any{"gw": "10.10.11.2", "priority": 5, "description": ""}).Expect(t, 200)
	if res.String("result", "gw") != "10.10.11.2" || res.Int("result", "priority") != 5 || res.Get("result", "description") != nil {
		t.Fatalf("updated: %v", res)
	}
	if free := e.free(id); has(free, "10.10.11.2") || !has(free, "10.10.11.1") {
		t.Fatalf("the gateway's reservation did not move: %v", free)
	}
	expect422(t, e.c.Do("PUT", fmt.Sprintf("/subnets/%d", id), map[string]any{"gw": "10.10.12.1"}), "gw")
	e.assign(2, id, 200, "10.10.11.5")
	e.c.Do("DELETE", fmt.Sprintf("/subnets/%d", id), nil).Expect(t, 409)
	e.c.Do("GET", fmt.Sprintf("/subnets/%d", id), nil).Expect(t, 200)
	e.unassign(2, "10.10.11.5", 200)
	e.c.Do("DELETE", fmt.Sprintf("/subnets/%d", id), nil).Expect(t, 200)
	e.c.Do("GET", fmt.Sprintf("/subnets/%d", id), nil).Expect(t, 404)
	e.c.Do("GET", fmt.Sprintf("/subnets/%d/listFreeIps", id), nil).Expect(t, 404)
	e.c.Do("DELETE", fmt.Sprintf("/subnets/%d", id), nil).Expect(t, 404)
	// Its addresses are gone: the same network can be made again, without generated IPs.
	body["generateIps"] = false
	res = e.c.Do("POST", "/subnets", body).Expect(t, 200)
	id = int(res.Int("result", "id"))
	if len(e.free(id)) != 0 {
		t.Fatal("generateIps false made IPs")
	}
	e.assign(2, id, 200, "10.10.11.7") // made as it is assigned
	e.assign(2, id, 409, "10.10.11.1") // the gateway
	e.unassign(2, "10.10.11.7", 200)
	if _, _, _, total := e.usage(id); total != 0 {
		t.Fatalf("an on-demand IPv4 address was kept after release: %d", total)
	}
}

// TestSubnetCreateRefusals: bad networks and overlaps are refused with 422 naming the field,
// and nothing is written.
func TestSubnetCreateRefusals(t *testing.T) {
	e := newEnv(t)
	before := e.c.Do("GET", "/subnets", nil).Expect(t, 200).Len("result")
	base := func(kv ...any) map[string]any {
		b := map[string]any{"subnet": "10.20.0.0", "cidr": 24, "netmask": "255.255.255.0", "gw": "10.20.0.1", "type": "v4"}
		for i := 0; i+1 < len(kv); i += 2 {
			b[kv[i].(string)] = kv[i+1]
		}
		return b
	}
	expect422(t, e.c.Do("POST", "/subnets", base("subnet", "198.51.100.128", "cidr", 25, "netmask", "255.255.255.128", "gw", "198.51.100.129")), "subnet")
	expect422(t, e.c.Do("POST", "/subnets", base("subnet", "198.51.0.0", "cidr", 16, "netmask", "255.255.0.0", "gw", "198.51.0.1", "generateIps", false)), "subnet")
	expect422(t, e.c.Do("POST", "/subnets", base("subnet", "10.20.0.5")), "subnet")
	expect422(t, e.c.Do("POST", "/subnets", base("gw", "10.21.0.1")), "gw")
	expect422(t, e.c.Do("POST", "/subnets", base("netmask", "255.255.0.0")), "netmask")
	expect422(t, e.c.Do("POST", "/subnets", base("type", "v6")), "type")
	expect422(t, e.c.Do("POST", "/subnets", base("userId", 99)), "userId")
	expect422(t, e.c.Do("POST", "/subnets", base("cidr", 16, "netmask", "255.255.0.0", "generateIps", true)), "generateIps")
	expect422(t, e.c.Do("POST", "/subnets", base("dns_resolvers", []string{"1.1.1.1", "resolver"})), "dns_resolvers.1")
	expect422(t, e.c.Do("POST", "/subnets", base("only_if_server_has_remote_agents", []int{7})), "only_if_server_has_remote_agents.0")
	expect422(t, e.c.Do("POST", "/subnets", map[string]any{"subnet": "2001:db8:1::", "cidr": 48, "netmask": "48", "gw": "2001:db8::1", "type": "v6"}), "gw")
	if n := e.c.Do("GET", "/subnets", nil).Expect(t, 200).Len("result"); n != before {
		t.Fatalf("%d subnets after refusals, %d before", n, before)
	}
	// Bigger than /20 without generateIps: the IPs are made as they are assigned.
	res := e.c.Do("POST", "/subnets", base("cidr", 16, "netmask", "255.255.0.0")).Expect(t, 200)
	if res.Int("result", "usageStatistics", "totalIps") != 0 || res.String("result", "netmask") != "255.255.0.0" {
		t.Fatalf("a /16: %v", res)
	}
}

// TestUsageAndReservations: reserving takes IPs out of listFreeIps and the assignable IPs
// and counts them as reserved; the statistics always add up.
func TestUsageAndReservations(t *testing.T) {
	e := newEnv(t)
	f0, r0, u0, total := e.usage(1)
	if total != 256 || r0 != 3 || u0 != 2 || f0 != 251 {
		t.Fatalf("subnet 1 at start: free %d reserved %d used %d of %d", f0, r0, u0, total)
	}
	e.c.Do("POST", "/ip/reserve", map[string]any{"adminIp": "198.51.100.50", "type": "singleIp"}).Expect(t, 200)
	e.c.Do("POST", "/ip/reserve", map[string]any{"adminIp": "198.51.100.50", "type": "singleIp"}).Expect(t, 409)
	e.c.Do("POST", "/ip/reserve", map[string]any{"adminIp": "198.51.100.10", "type": "singleIp"}).Expect(t, 409)
	e.c.Do("POST", "/ip/massaction", map[string]any{"mode": "reserve", "ips": []string{"198.51.100.60", "198.51.100.61"}, "type": "singleIp"}).Expect(t, 200)
	e.c.Do("POST", "/ip/reserve", map[string]any{"adminIp": "198.51.100.64/30", "type": "subnet"}).Expect(t, 200)
	if f, r, u, _ := e.usage(1); r != r0+7 || f != f0-7 || u != u0 {
		t.Fatalf("after reserving 7: free %d reserved %d used %d", f, r, u)
	}
	free := e.free(1)
	offered := strs(e.c.Do("POST", "/servers/2/ipassignments/getAssignableIpsOfSubnet", map[string]any{"subnets_id": 1}).Expect(t, 200), "ip")
	for _, ip := range []string{"198.51.100.50", "198.51.100.60", "198.51.100.61", "198.51.100.64", "198.51.100.67"} {
		if has(free, ip) || has(offered, ip) {
			t.Fatalf("reserved %s still offered", ip)
		}
	}
	e.assign(2, 1, 409, "198.51.100.50")
	e.c.Do("DELETE", "/ip/delete", map[string]any{"adminIp": "198.51.100.10", "type": "singleIp"}).Expect(t, 409)
	e.c.Do("POST", "/ip/massaction", map[string]any{"mode": "delete", "ips": []string{"198.51.100.70", "198.51.100.20"}, "type": "singleIp"}).Expect(t, 409)
	if !has(e.free(1), "198.51.100.70") {
		t.Fatal("a refused mass delete deleted an IP")
	}
	e.c.Do("POST", "/ip/unreserve", map[string]any{"adminIp": "198.51.100.50", "type": "singleIp"}).Expect(t, 200)
	e.c.Do("POST", "/ip/unreserve", map[string]any{"adminIp": "198.51.100.50", "type": "singleIp"}).Expect(t, 409)
	e.c.Do("POST", "/ip/massaction", map[string]any{"mode": "unreserve", "ips": []string{"198.51.100.64/30"}, "type": "subnet"}).Expect(t, 200)
	if f, r, _, _ := e.usage(1); r != r0+2 || f != f0-2 {
		t.Fatalf("after unreserving: free %d reserved %d", f, r)
	}
	e.assign(2, 1, 200, "198.51.100.50")
	// Deleting from the IP manager: the address is no longer known, nor assignable.
	e.c.Do("DELETE", "/ip/delete", map[string]any{"adminIp": "198.51.100.70", "type": "singleIp"}).Expect(t, 200)
	if _, _, _, total := e.usage(1); total != 255 {
		t.Fatalf("total after delete: %d", total)
	}
	expect422(t, e.assign(2, 1, 422, "198.51.100.70"), "ips")
	expect422(t, e.c.Do("POST", "/ip/unreserve", map[string]any{"adminIp": "198.51.100.70", "type": "singleIp"}), "adminIp")
	expect422(t, e.c.Do("POST", "/ip/reserve", map[string]any{"adminIp": "198.51.100.70/32x", "type": "singleIp"}), "adminIp")
	expect422(t, e.c.Do("POST", "/ip/reserve", map[string]any{"adminIp": "192.0.2.1", "type": "singleIp"}), "adminIp")
	expect422(t, e.c.Do("POST", "/ip/massaction", map[string]any{"mode": "reserve", "ips": []string{"198.51.100.80", "x"}, "type": "singleIp"}), "ips.1")
	if has(e.free(1), "198.51.100.80") == false {
		t.Fatal("a refused mass reserve reserved an IP")
	}
	// Comments show in withDetails; an IPv6 address gets a record when it is reserved.
	e.c.Do("POST", "/ip/comment", map[string]any{"adminIp": "198.51.100.81", "type": "singleIp", "comment": "VPN IP"}).Expect(t, 200)
	res := e.c.Do("GET", "/subnets/1/withDetails", nil).Expect(t, 200)
	found := false
	for i := range res.Len("result", "ips") {
		if res.String("result", "ips", i, "ip") == "198.51.100.81" {
			found = res.String("result", "ips", i, "description") == "VPN IP"
		}
		if res.String("result", "ips", i, "ip") == "198.51.100.10" && (res.Int("result", "ips", i, "servers_id") != 1 ||
			res.String("result", "ips", i, "servername") != "server-001" || res.String("result", "ips", i, "servers_owner_realname") != "Shanel Mayer") {
			t.Fatalf("assigned IP in withDetails: %v", res.Get("result", "ips", i))
		}
	}
	if !found {
		t.Fatal("the comment is not shown")
	}
	e.c.Do("POST", "/ip/reserve", map[string]any{"adminIp": "2001:db8::99", "type": "singleIp"}).Expect(t, 200)
	e.assign(2, 3, 409, "2001:db8::99")
	if _, r, _, total := e.usage(3); r != 1 || total != 1 {
		t.Fatalf("subnet 3 after reserving an address: %d reserved of %d", r, total)
	}
	e.c.Do("POST", "/ip/reserve", map[string]any{"adminIp": "2001:db8:0:5::/64", "type": "subnet"}).Expect(t, 200)
	e.assign(2, 3, 409, "2001:db8:0:5::1")
}

// TestSplit: an IPv6 subnet split into child subnets (capped at 256 per split) and single
// IPs; children are offered as free networks of the parent; IPv4 cannot be split.
func TestSplit(t *testing.T) {
	e := newEnv(t)
	e.c.Do("POST", "/subnets/1/split", map[string]any{"mode": "subnet", "toPrefix": 26, "gateway_method": "first"}).Expect(t, 409)
	expect422(t, e.c.Do("POST", "/subnets/3/split", map[string]any{"mode": "subnet", "toPrefix": 64, "gateway_method": "first"}), "toPrefix")
	expect422(t, e.c.Do("POST", "/subnets/3/split", map[string]any{"mode": "subnet", "toPrefix": 64, "gateway_method": "first", "toAmount": 300}), "toAmount")
	expect422(t, e.c.Do("POST", "/subnets/3/split", map[string]any{"mode": "subnet", "toPrefix": 40, "gateway_method": "first", "toAmount": 1}), "toPrefix")
	if n := e.c.Do("GET", "/subnets", nil).Expect(t, 200).Len("result"); n != 3 {
		t.Fatalf("%d subnets after refused splits", n)
	}
	e.c.Do("POST", "/subnets/3/split", map[string]any{"mode": "subnet", "toPrefix": 56, "gateway_method": "last", "toAmount": 3}).Expect(t, 200)
	res := e.c.Do("GET", "/subnets/3/withDetails", nil).Expect(t, 200)
	if res.Len("result", "childSubnets") != 3 || res.Int("result", "subnetAttributes", "amountOfDirectChilds") != 3 ||
		res.String("result", "childSubnets", 1, "subnet") != "2001:db8:0:100::" || res.String("result", "childSubnets", 0, "gw") != "2001:db8:0:ff:ffff:ffff:ffff:ffff" ||
		res.Int("result", "childSubnets", 0, "rootSubnetId") != 3 || res.Int("result", "childSubnets", 0, "rdnsServerId") != 1 {
		t.Fatalf("children: %v", res.Get("result", "childSubnets"))
	}
	// The next split skips the room the children take.
	e.c.Do("POST", "/subnets/3/split", map[string]any{"mode": "subnet", "toPrefix": 56, "gateway_method": "custom", "gateway_custom": "2001:db8::1", "toAmount": 1}).Expect(t, 200)
	child := e.c.Do("GET", "/subnets/7", nil).Expect(t, 200)
	if child.String("result", "subnet") != "2001:db8:0:300::" || child.String("result", "gw") != "2001:db8:0:300::1" {
		t.Fatalf("fourth child: %v", child)
	}
	offered := strs(e.c.Do("POST", "/servers/2/ipassignments/getAssignableIpsOfSubnet", map[string]any{"subnets_id": 3}).Expect(t, 200), "ip")
	if len(offered) != 4 || offered[0] != "2001:db8::/56" {
		t.Fatalf("offered of the parent: %v", offered)
	}
	// Assigning a child network whole, through the parent: no longer offered.
	res = e.assign(2, 3, 200, "2001:db8::/56")
	if res.Get("result", 0, "subnetinformation", "rootSubnetId") == nil || res.Int("result", 0, "subnetinformation", "cidr") != 56 {
		t.Fatalf("child assignment: %v", res)
	}
	offered = strs(e.c.Do("POST", "/servers/2/ipassignments/getAssignableIpsOfSubnet", map[string]any{"subnets_id": 3}).Expect(t, 200), "ip")
	if len(offered) != 3 || has(offered, "2001:db8::/56") {
		t.Fatalf("offered after assignment: %v", offered)
	}
	e.assign(3, 4, 409, "2001:db8::5") // inside server 2's network
	e.c.Do("DELETE", "/subnets/4", nil).Expect(t, 409)
	e.c.Do("DELETE", "/subnets/3", nil).Expect(t, 409)
	// Single IPs.
	e.c.Do("POST", "/subnets/5/split", map[string]any{"mode": "singleIps", "toAmount": 3}).Expect(t, 200)
	if free := e.free(5); len(free) != 3 || free[0] != "2001:db8:0:100::1" {
		t.Fatalf("single IPs: %v", free)
	}
	e.c.Do("POST", "/subnets/5/split", map[string]any{"mode": "singleIps", "listOfIps": []string{"2001:db8:0:100::abc"}}).Expect(t, 200)
	expect422(t, e.c.Do("POST", "/subnets/5/split", map[string]any{"mode": "singleIps", "listOfIps": []string{"2001:db8:0:100::abc"}}), "listOfIps.0")
	expect422(t, e.c.Do("POST", "/subnets/5/split", map[string]any{"mode": "singleIps", "listOfIps": []string{"2001:db9::1"}}), "listOfIps.0")
	expect422(t, e.c.Do("POST", "/subnets/5/split", map[string]any{"mode": "singleIps"}), "toAmount")
	if free := e.free(5); len(free) != 4 {
		t.Fatalf("single IPs after refusals: %v", free)
	}
	// Settings copied to the children; deleting the parent's tree once nothing is assigned.
	e.c.Do("PUT", "/subnets/3", map[string]any{"dns_resolvers": []string{"2001:db8::54"}, "dont_offer_if_server_has_tag": []string{"Faulty"}}).Expect(t, 200)
	e.c.Do("POST", "/subnets/3/childsMassActions", map[string]any{"updateResolvers": true, "updateRestrictions": true, "updateSubnetOwners": true}).Expect(t, 200)
	if got := e.c.Do("GET", "/subnets/6", nil).Expect(t, 200); got.String("result", "dns_resolvers", 0) != "2001:db8::54" ||
		got.String("result", "dont_offer_if_server_has_tag", 0) != "Faulty" {
		t.Fatalf("child after mass action: %v", got)
	}
	e.unassign(2, "2001:db8::/56", 200)
	e.c.Do("DELETE", "/subnets/3", nil).Expect(t, 200)
	for _, id := range []int{3, 4, 5, 6, 7} {
		e.c.Do("GET", fmt.Sprintf("/subnets/%d", id), nil).Expect(t, 404)
	}
}

// TestInheritedRestrictions: a parent's restrictions apply to its child subnets when it has
// apply_restrictions_to_childs; a reserved subnet is not offered.
func TestInheritedRestrictions(t *testing.T) {
	e := newEnv(t)
	e.c.Do("POST", "/subnets/3/split", map[string]any{"mode": "subnet", "toPrefix": 64, "gateway_method": "first", "toAmount": 2}).Expect(t, 200)
	offered := func(server int) []string {
		return strs(e.c.Do("GET", fmt.Sprintf("/servers/%d/ipassignments/getAssignableSubnets", server), nil).Expect(t, 200), "subnet")
	}
	e.c.Do("PUT", "/subnets/3", map[string]any{"dont_offer_if_server_has_tag": []string{"Frankfurt"}}).Expect(t, 200)
	if got := offered(2); has(got, "2001:db8::/48") || !has(got, "2001:db8::/64") {
		t.Fatalf("without apply_restrictions_to_childs: %v", got)
	}
	e.c.Do("PUT", "/subnets/3", map[string]any{"apply_restrictions_to_childs": 1}).Expect(t, 200)
	if got := offered(2); has(got, "2001:db8::/64") || has(got, "2001:db8:0:1::/64") {
		t.Fatalf("with apply_restrictions_to_childs: %v", got)
	}
	if got := offered(4); !has(got, "2001:db8::/64") { // Amsterdam
		t.Fatalf("server 4: %v", got)
	}
	e.c.Do("POST", "/ip/reserve", map[string]any{"adminIp": "2001:db8::/64", "type": "subnet"}).Expect(t, 200)
	if got := offered(4); has(got, "2001:db8::/64") || !has(got, "2001:db8:0:1::/64") {
		t.Fatalf("a reserved child offered: %v", got)
	}
	if res := e.c.Do("GET", "/subnets/4", nil).Expect(t, 200); res.Int("result", "reserved") != 1 {
		t.Fatalf("reserved flag: %v", res)
	}
	e.assign(4, 3, 409, "2001:db8::/64")
	e.c.Do("POST", "/ip/unreserve", map[string]any{"adminIp": "2001:db8::/64", "type": "subnet"}).Expect(t, 200)
	e.assign(4, 3, 200, "2001:db8::/64")
}
