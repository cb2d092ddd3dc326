package network_test

import (
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// TestAssignmentFlow is the acceptance check's IP walk: an assignable v4 subnet, a free IP
// it offers (the same as listFreeIps), assigned, gone from listFreeIps, refused on another
// server with nothing assigned there, removed with DELETE …/ipassignments/0 {ip}, free
// again, and assigned again.
func TestAssignmentFlow(t *testing.T) {
	e := newEnv(t)
	subnets := e.c.Do("GET", "/servers/2/ipassignments/getAssignableSubnets", nil).Expect(t, 200)
	if subnets.Int("result", 0, "id") != 1 || subnets.String("result", 0, "subnet") != "198.51.100.0/24" {
		t.Fatalf("assignable subnets: %v", subnets)
	}
	offered := strs(e.c.Do("POST", "/servers/2/ipassignments/getAssignableIpsOfSubnet", map[string]any{"subnets_id": 1}).Expect(t, 200), "ip")
	free := e.free(1)
	if len(offered) != len(free) || len(free) == 0 || offered[0] != free[0] {
		t.Fatalf("offered %d IPs (%v…), listFreeIps %d", len(offered), offered[:min(3, len(offered))], len(free))
	}
	ip := offered[0]
	if has(free, "198.51.100.10") || has(free, "198.51.100.1") || has(free, "198.51.100.0") || has(free, "198.51.100.255") {
		t.Fatalf("assigned or reserved IPs listed as free: %v", free[:5])
	}
	res := e.assign(2, 1, 200, ip)
	if res.String("result", 0, "ip") != ip || res.Int("result", 0, "primary_ip") != 1 || res.Int("result", 0, "subnetinformation", "rdnsAvailable") != 1 {
		t.Fatalf("assignment answer: %v", res)
	}
	if !has(e.assigned(2), ip) || has(e.free(1), ip) {
		t.Fatalf("after assignment: server 2 %v, free has it: %v", e.assigned(2), has(e.free(1), ip))
	}
	if !logged(t, e, 2, ip) {
		t.Fatal("no activity entry for the assignment")
	}
	if got := e.c.Do("GET", "/servers/2", nil).Expect(t, 200).String("result", "primaryip"); got != ip {
		t.Fatalf("server primaryip %q, want %s", got, ip)
	}
	e.assign(3, 1, 409, ip)
	if len(e.assigned(3)) != 0 {
		t.Fatalf("refused assignment left IPs on server 3: %v", e.assigned(3))
	}
	e.unassign(2, ip, 200)
	if has(e.assigned(2), ip) || !has(e.free(1), ip) {
		t.Fatal("the removed IP is not free again")
	}
	e.assign(2, 1, 200, ip)
	if !has(e.assigned(2), ip) {
		t.Fatal("a freed IP could not be assigned again")
	}
	// A second server refused in the middle of a request: nothing of the request is kept.
	e.assign(3, 1, 409, "198.51.100.40", ip)
	if len(e.assigned(3)) != 0 || !has(e.free(1), "198.51.100.40") {
		t.Fatalf("half of a refused request was kept: %v", e.assigned(3))
	}
}

// TestAssignmentRefusals: IPs outside the subnet, not addresses, reserved, or a subnet the
// server may not use are refused, and nothing is written.
func TestAssignmentRefusals(t *testing.T) {
	e := newEnv(t)
	expect422(t, e.assign(2, 1, 422, "203.0.113.5"), "ips")
	expect422(t, e.assign(2, 1, 422, "198.51.100.21", "nonsense"), "ips")
	expect422(t, e.assign(2, 99, 422, "198.51.100.20"), "subnets_id")
	e.assign(2, 1, 409, "198.51.100.1")    // the gateway is reserved
	e.assign(2, 1, 409, "198.51.100.20")   // server 5's
	e.assign(2, 1, 422, "198.51.100.0/28") // IPv4 networks are not assigned whole
	if len(e.assigned(2)) != 0 {
		t.Fatalf("refusals left IPs: %v", e.assigned(2))
	}
	// Removing what the server does not have: 422 naming ip, nothing removed.
	expect422(t, e.unassign(1, "198.51.100.20", 422), "ip")
	expect422(t, e.c.Do("DELETE", "/servers/1/ipassignments/x", map[string]any{"ips": []string{"198.51.100.10", "198.51.100.11"}}), "ips")
	if !has(e.assigned(1), "198.51.100.10") {
		t.Fatal("a refused removal removed an IP")
	}
	expect422(t, e.c.Do("DELETE", "/servers/1/ipassignments/0", map[string]any{}), "ip")
	// Tag restrictions: a subnet offered only to servers tagged Stock.
	e.c.Do("PUT", "/subnets/2", map[string]any{"offer_if_server_has_tag": []string{"Stock"}}).Expect(t, 200)
	if ids := strs(e.c.Do("GET", "/servers/1/ipassignments/getAssignableSubnets", nil).Expect(t, 200), "subnet"); has(ids, "203.0.113.0/26") {
		t.Fatalf("server 1 (Internal) offered a Stock-only subnet: %v", ids)
	}
	if ids := strs(e.c.Do("GET", "/servers/2/ipassignments/getAssignableSubnets", nil).Expect(t, 200), "subnet"); !has(ids, "203.0.113.0/26") {
		t.Fatalf("server 2 (Stock) not offered the subnet: %v", ids)
	}
	expect422(t, e.assign(1, 2, 422, "203.0.113.5"), "subnets_id")
	e.c.Do("PUT", "/subnets/2", map[string]any{"dont_offer_if_server_has_tag": []string{"Frankfurt"}}).Expect(t, 200)
	expect422(t, e.assign(2, 2, 422, "203.0.113.5"), "subnets_id")
	e.assign(4, 2, 200, "203.0.113.5") // Amsterdam, Stock
	if ids := strs(e.c.Do("GET", "/virtualization/ipassignments/getAssignableSubnets", nil).Expect(t, 200), "subnet"); has(ids, "203.0.113.0/26") || !has(ids, "2001:db8::/48") {
		t.Fatalf("a new VM (no tags) offered: %v", ids)
	}
}

// TestPrimaryMoves: the first IP becomes primary; primary_ip moves it; when the primary IP
// goes, the next one becomes primary; primary_ip false hands it on.
func TestPrimaryMoves(t *testing.T) {
	e := newEnv(t)
	e.assign(2, 1, 200, "198.51.100.31", "198.51.100.32", "198.51.100.33")
	if p := e.primary(2); p != "198.51.100.31" {
		t.Fatalf("primary %q", p)
	}
	res := e.c.Do("PUT", "/servers/2/ipassignments/0", map[string]any{"ip": "198.51.100.33", "primary_ip": true, "description": "main"}).Expect(t, 200)
	if res.Int("result", "primary_ip") != 1 || res.String("result", "description") != "main" || e.primary(2) != "198.51.100.33" {
		t.Fatalf("primary_ip true: %v, primary %q", res, e.primary(2))
	}
	e.unassign(2, "198.51.100.33", 200)
	if p := e.primary(2); p != "198.51.100.31" {
		t.Fatalf("after the primary went: %q", p)
	}
	e.c.Do("PUT", "/servers/2/ipassignments/anything", map[string]any{"ip": "198.51.100.31", "primary_ip": false}).Expect(t, 200)
	if p := e.primary(2); p != "198.51.100.32" {
		t.Fatalf("primary_ip false: primary %q", p)
	}
	e.c.Do("PUT", "/servers/2/ipassignments/0", map[string]any{"ip": "198.51.100.32", "description": ""}).Expect(t, 200)
	res = e.c.Do("GET", "/servers/2/ipassignments", nil).Expect(t, 200)
	for i := range res.Len("result") {
		if res.Get("result", i, "description") != nil {
			t.Fatalf("descriptions after clearing: %v", res)
		}
	}
	// NUY's termination: every non-primary IP goes.
	e.c.Do("DELETE", "/servers/2/ipassignments/0", map[string]any{"ips": []string{"198.51.100.31"}}).Expect(t, 200)
	if got := e.assigned(2); len(got) != 1 || got[0] != "198.51.100.32" || e.primary(2) != "198.51.100.32" {
		t.Fatalf("left %v", got)
	}
	expect422(t, e.c.Do("PUT", "/servers/2/ipassignments/0", map[string]any{"ip": "198.51.100.31", "primary_ip": true}), "ip")
}

// TestIPv6Assignments: an IPv6 address and a child network are created when assigned, listed
// with their attributes, refused when they overlap another server's, and forgotten when
// released.
func TestIPv6Assignments(t *testing.T) {
	e := newEnv(t)
	res := e.assign(2, 3, 200, "2001:db8::10", "2001:db8:0:1::/64")
	if res.Int("result", 0, "ipAttributes", "isIpv6") != 1 || res.Int("result", 1, "ipAttributes", "isSubnet") != 1 ||
		res.String("result", 1, "ip") != "2001:db8:0:1::/64" {
		t.Fatalf("IPv6 assignment: %v", res)
	}
	if got := e.assigned(2); len(got) != 2 {
		t.Fatalf("assigned %v", got)
	}
	e.assign(3, 3, 409, "2001:db8:0:1::5")    // inside server 2's network
	e.assign(3, 3, 409, "2001:db8::/60")      // holds server 2's address and network
	e.assign(3, 3, 422, "2001:db8:0:1::5/64") // host bits set
	e.assign(3, 3, 422, "2001:db9::1")        // outside
	e.assign(3, 3, 409, "2001:db8::1")        // the gateway
	if _, _, used, total := e.usage(3); used != 2 || total != 2 {
		t.Fatalf("subnet 3 usage: %d used of %d", used, total)
	}
	e.unassign(2, "2001:db8:0:1::/64", 200)
	e.unassign(2, "2001:db8::10", 200)
	if _, _, _, total := e.usage(3); total != 0 {
		t.Fatalf("released IPv6 records kept: %d", total)
	}
	e.assign(3, 3, 200, "2001:db8:0:1::5")
}

// TestScoping: a customer sees its own server's IPs and nobody else's; the IP manager, RDNS
// and subnet changes are the administrator's.
func TestScoping(t *testing.T) {
	e := newEnv(t)
	if got := strs(e.as(3, "GET", "/servers/1/ipassignments", nil).Expect(t, 200), "ip"); len(got) != 1 || got[0] != "198.51.100.10" {
		t.Fatalf("user 3's server: %v", got)
	}
	e.as(3, "GET", "/servers/2/ipassignments", nil).Expect(t, 404)
	e.as(3, "GET", "/servers/5/ipassignments/getAssignableSubnets", nil).Expect(t, 404)
	e.as(3, "DELETE", "/servers/5/ipassignments/0", map[string]any{"ip": "198.51.100.20"}).Expect(t, 404)
	e.as(4, "GET", "/servers/5/ipassignments", nil).Expect(t, 200)
	e.as(2, "GET", "/servers/5/ipassignments", nil).Expect(t, 200) // the reseller manages user 4
	e.as(2, "GET", "/servers/1/ipassignments", nil).Expect(t, 404)
	e.as(3, "POST", "/ip/reserve", map[string]any{"adminIp": "198.51.100.50", "type": "singleIp"}).Expect(t, 403)
	e.as(2, "POST", "/ip/massaction", map[string]any{"mode": "reserve", "ips": []string{"198.51.100.50"}, "type": "singleIp"}).Expect(t, 403)
	e.as(3, "GET", "/rdns/providers", nil).Expect(t, 403)
	e.as(3, "POST", "/subnets", map[string]any{"subnet": "10.0.0.0", "cidr": 24, "netmask": "255.255.255.0", "gw": "10.0.0.1", "type": "v4"}).Expect(t, 403)
	// Subnets belong to the administrator: a customer sees none and cannot use them.
	if n := e.as(3, "GET", "/subnets", nil).Expect(t, 200).Len("result"); n != 0 {
		t.Fatalf("user 3 sees %d subnets", n)
	}
	e.as(3, "GET", "/subnets/1", nil).Expect(t, 404)
	if n := e.as(3, "GET", "/servers/1/ipassignments/getAssignableSubnets", nil).Expect(t, 200).Len("result"); n != 0 {
		t.Fatalf("user 3 offered %d subnets", n)
	}
	e.as(3, "POST", "/servers/1/ipassignments", map[string]any{"subnets_id": 1, "ips": []string{"198.51.100.11"}}).Expect(t, 422)
	// Given a subnet, the customer uses it for its own server.
	e.c.Do("PUT", "/subnets/2", map[string]any{"userId": 3}).Expect(t, 200)
	res := e.as(3, "GET", "/servers/1/ipassignments/getAssignableSubnets", nil).Expect(t, 200)
	if res.Len("result") != 1 || res.Int("result", 0, "id") != 2 || res.Get("result", 0, "isDirectOwner") != true {
		t.Fatalf("user 3's subnet: %v", res)
	}
	e.as(3, "POST", "/servers/1/ipassignments", map[string]any{"subnets_id": 2, "ips": []string{"203.0.113.9"}}).Expect(t, 200)
	e.as(3, "GET", "/subnets/2", nil).Expect(t, 200)
	if !has(e.assigned(1), "203.0.113.9") {
		t.Fatal("user 3's assignment not kept")
	}
}

// TestDynamicAssignments: IPs and networks by amount, all or none.
func TestDynamicAssignments(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{
		"ipv4Addresses": []any{map[string]any{"count": 3, "assignmentMode": "failIfNotSequentialIps", "fromSubnetIds": []int{2}}},
		"ipv6Addresses": []any{map[string]any{"count": 2, "assignmentMode": "allowNonSequentialIps"}},
		"ipv6Subnets":   []any{map[string]any{"cidrSize": 64, "assignmentMode": "preferExistingOrSplitSubnet", "gatewayMethod": "first"}},
	}
	e.c.Do("POST", "/servers/2/ipassignments/dynamicIpAssignments", body).Expect(t, 200)
	got := e.assigned(2)
	want := []string{"203.0.113.2", "203.0.113.3", "203.0.113.4", "2001:db8::2", "2001:db8::3", "2001:db8:0:1::/64"}
	if len(got) != len(want) {
		t.Fatalf("assigned %v, want %v", got, want)
	}
	for _, w := range want {
		if !has(got, w) {
			t.Fatalf("assigned %v, want %v", got, want)
		}
	}
	if e.primary(2) != "203.0.113.2" {
		t.Fatalf("primary %q", e.primary(2))
	}
	// The /64 is a new child subnet of subnet 3.
	res := e.c.Do("GET", "/subnets/3/withDetails", nil).Expect(t, 200)
	if res.Len("result", "childSubnets") != 1 || res.String("result", "childSubnets", 0, "subnet") != "2001:db8:0:1::" {
		t.Fatalf("child subnets: %v", res.Get("result", "childSubnets"))
	}
	// Too many asked: 409, nothing assigned, the existing ones kept.
	before := len(e.assigned(3))
	body = map[string]any{
		"ipv4Addresses": []any{map[string]any{"count": 2, "assignmentMode": "allowNonSequentialIps", "fromSubnetIds": []int{2}},
			map[string]any{"count": 200, "assignmentMode": "allowNonSequentialIps", "fromSubnetIds": []int{2}}},
	}
	e.c.Do("POST", "/servers/3/ipassignments/dynamicIpAssignments", body).Expect(t, 409)
	if len(e.assigned(3)) != before {
		t.Fatal("a refused dynamic assignment kept IPs")
	}
	// deleteExistingIpAssignments replaces the server's IPv4 addresses.
	body = map[string]any{"ipv4Addresses": []any{map[string]any{"count": 1, "assignmentMode": "allowNonSequentialIps", "fromSubnetIds": []int{1}}},
		"deleteExistingIpAssignments": map[string]any{"ipv4": true, "ipv6": false}}
	e.c.Do("POST", "/servers/2/ipassignments/dynamicIpAssignments", body).Expect(t, 200)
	got = e.assigned(2)
	if has(got, "203.0.113.2") || !has(got, "2001:db8:0:1::/64") || len(got) != 4 {
		t.Fatalf("after replacing IPv4: %v", got)
	}
	// A subnet excluded from dynamic assignments is not used.
	e.c.Do("PUT", "/subnets/2", map[string]any{"exclude_from_dynamic_ip_assignments": true}).Expect(t, 200)
	body = map[string]any{"ipv4Addresses": []any{map[string]any{"count": 1, "assignmentMode": "allowNonSequentialIps", "fromSubnetIds": []int{2}}}}
	e.c.Do("POST", "/servers/2/ipassignments/dynamicIpAssignments", body).Expect(t, 409)
	e.c.Do("POST", "/servers/2/ipassignments/dynamicIpAssignments", map[string]any{"ipv4Addresses": []any{map[string]any{"count": 0, "assignmentMode": "allowNonSequentialIps"}}}).Expect(t, 422)
	e.c.Do("POST", "/servers/abc/ipassignments/dynamicIpAssignments", map[string]any{}).Expect(t, 404)
}

// TestRestartKeepsAssignments: assignments, reservations and PTR records survive a restart.
func TestRestartKeepsAssignments(t *testing.T) {
	e := newEnv(t)
	e.assign(2, 1, 200, "198.51.100.44")
	e.assign(2, 3, 200, "2001:db8::44")
	e.c.Do("POST", "/ip/reserve", map[string]any{"adminIp": "198.51.100.45", "type": "singleIp"}).Expect(t, 200)
	e.c.Do("PUT", "/servers/2/ipassignments/0", map[string]any{"ip": "198.51.100.44", "ptrRecord": "host.example.com"}).Expect(t, 200)
	e.s.Restart()
	e.c = e.s.Client("tenantos", simtest.DefaultToken)
	if got := e.assigned(2); len(got) != 2 {
		t.Fatalf("after restart: %v", got)
	}
	if has(e.free(1), "198.51.100.45") || has(e.free(1), "198.51.100.44") {
		t.Fatal("after restart: reserved or assigned IP free")
	}
	if ptr := e.c.Do("POST", "/servers/2/ipassignments/rdns", map[string]any{"ip": "198.51.100.44"}).Expect(t, 200).String("result", "ptrRecord"); ptr != "host.example.com" {
		t.Fatalf("PTR after restart %q", ptr)
	}
	e.unassign(2, "2001:db8::44", 200)
}

// logged reports whether the activity log has an entry about server that mentions text.
func logged(t *testing.T, e *env, server int64, text string) bool {
	t.Helper()
	found := false
	err := e.s.World(simtest.DefaultToken).View(func(tx *state.Tx) error {
		return tenantos.Activities.Each(tx, func(a *tenantos.Activity) error {
			found = found || (a.RelationType == "servers" && a.RelationID == server && contains(a.Description, text))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestDynamicNetworks: an IPv4 network split from a generated subnet (its free IPs move to
// the new child), then reused once released.
func TestDynamicNetworks(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"ipv4Subnets": []any{map[string]any{"cidrSize": 29, "assignmentMode": "requireSplitSubnet",
		"fromParentSubnetIds": []int{2}, "gatewayMethod": "first", "assignSubnetOwnershipToUserId": 3}}}
	e.c.Do("POST", "/servers/3/ipassignments/dynamicIpAssignments", body).Expect(t, 200)
	if got := e.assigned(3); len(got) != 1 || got[0] != "203.0.113.8/29" {
		t.Fatalf("assigned %v", got)
	}
	child := e.c.Do("GET", "/subnets/4", nil).Expect(t, 200)
	if child.String("result", "subnet") != "203.0.113.8" || child.Int("result", "rootSubnetId") != 2 || child.String("result", "gw") != "203.0.113.9" ||
		child.Int("result", "userId") != 3 || child.Int("result", "usageStatistics", "free") != 0 {
		t.Fatalf("child: %v", child)
	}
	if free := e.free(2); has(free, "203.0.113.9") || !has(free, "203.0.113.16") || len(free) != 64-3-8 {
		t.Fatalf("parent's free IPs: %d", len(free))
	}
	e.assign(2, 2, 409, "203.0.113.10") // inside server 3's network
	body["ipv4Subnets"].([]any)[0].(map[string]any)["assignmentMode"] = "requireExistingSubnet"
	e.c.Do("POST", "/servers/2/ipassignments/dynamicIpAssignments", body).Expect(t, 409)
	e.unassign(3, "203.0.113.8/29", 200)
	offered := strs(e.c.Do("POST", "/servers/2/ipassignments/getAssignableIpsOfSubnet", map[string]any{"subnets_id": 2}).Expect(t, 200), "ip")
	if !has(offered, "203.0.113.8/29") {
		t.Fatalf("the released child is not offered: %v", offered)
	}
	e.c.Do("POST", "/servers/2/ipassignments/dynamicIpAssignments", body).Expect(t, 200)
	if got := e.assigned(2); len(got) != 1 || got[0] != "203.0.113.8/29" {
		t.Fatalf("reused: %v", got)
	}
}
