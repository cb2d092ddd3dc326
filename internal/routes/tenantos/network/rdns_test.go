package network_test

import (
	"fmt"
	"testing"
)

// TestPTRRecords: a customer sets, resets and deletes the PTR of its server's IP; subnets
// without an RDNS server refuse; the administrator reads and writes any IP's record; a
// released IP loses its record.
func TestPTRRecords(t *testing.T) {
	e := newEnv(t)
	ptr := func(user, server int, ip string) string {
		t.Helper()
		return e.as(user, "POST", fmt.Sprintf("/servers/%d/ipassignments/rdns", server), map[string]any{"ip": ip}).Expect(t, 200).String("result", "ptrRecord")
	}
	put := func(user, server int, body map[string]any, want int) {
		t.Helper()
		e.as(user, "PUT", fmt.Sprintf("/servers/%d/ipassignments/0", server), body).Expect(t, want)
	}
	if got := ptr(3, 1, "198.51.100.10"); got != "" {
		t.Fatalf("PTR at start %q", got)
	}
	put(3, 1, map[string]any{"ip": "198.51.100.10", "ptrRecord": "db1.example.com"}, 200)
	if got := ptr(3, 1, "198.51.100.10"); got != "db1.example.com" {
		t.Fatalf("PTR %q", got)
	}
	put(3, 1, map[string]any{"ip": "198.51.100.10", "setPtrTemplate": true}, 200)
	if got := ptr(3, 1, "198.51.100.10"); got != "198-51-100-10.static.example.net" {
		t.Fatalf("template %q", got)
	}
	if got := e.c.Do("POST", "/rdns/ip", map[string]any{"adminIp": "198.51.100.10"}).Expect(t, 200).String("result", "ptrRecord"); got != "198-51-100-10.static.example.net" {
		t.Fatalf("admin read %q", got)
	}
	expect422(t, e.as(3, "PUT", "/servers/1/ipassignments/0", map[string]any{"ip": "198.51.100.10", "ptrRecord": "not a host!"}), "ptrRecord")
	put(3, 1, map[string]any{"ip": "198.51.100.10", "ptrRecord": ""}, 200)
	if got := ptr(3, 1, "198.51.100.10"); got != "" {
		t.Fatalf("after deleting: %q", got)
	}
	e.as(3, "POST", "/servers/5/ipassignments/rdns", map[string]any{"ip": "198.51.100.20"}).Expect(t, 404)
	expect422(t, e.as(3, "POST", "/servers/1/ipassignments/rdns", map[string]any{"ip": "198.51.100.20"}), "ip")
	expect422(t, e.as(3, "POST", "/servers/1/ipassignments/rdns", map[string]any{}), "ip")

	// Subnet 2 has no RDNS server.
	e.assign(2, 2, 200, "203.0.113.5")
	expect422(t, e.c.Do("PUT", "/servers/2/ipassignments/0", map[string]any{"ip": "203.0.113.5", "ptrRecord": "x.example.com"}), "ptrRecord")
	expect422(t, e.c.Do("POST", "/servers/2/ipassignments/rdns", map[string]any{"ip": "203.0.113.5"}), "ip")
	expect422(t, e.c.Do("PUT", "/rdns/ip", map[string]any{"adminIp": "203.0.113.5", "ptrRecord": "x.example.com"}), "adminIp")
	if res := e.c.Do("GET", "/servers/2/ipassignments", nil).Expect(t, 200); res.Int("result", 0, "subnetinformation", "rdnsAvailable") != 0 {
		t.Fatalf("rdnsAvailable: %v", res)
	}

	// The administrator: any IP, assigned or not; a released IP loses its record.
	e.c.Do("PUT", "/rdns/ip", map[string]any{"adminIp": "198.51.100.99", "ptrRecord": "spare.example.com"}).Expect(t, 200)
	if got := e.c.Do("POST", "/rdns/ip", map[string]any{"adminIp": "198.51.100.99"}).Expect(t, 200).String("result", "ptrRecord"); got != "spare.example.com" {
		t.Fatalf("unassigned IP's PTR %q", got)
	}
	e.c.Do("DELETE", "/rdns/ip", map[string]any{"adminIp": "198.51.100.99"}).Expect(t, 200)
	if got := e.c.Do("POST", "/rdns/ip", map[string]any{"adminIp": "198.51.100.99"}).Expect(t, 200).String("result", "ptrRecord"); got != "" {
		t.Fatalf("deleted PTR %q", got)
	}
	expect422(t, e.c.Do("POST", "/rdns/ip", map[string]any{"adminIp": "192.0.2.7"}), "adminIp")
	expect422(t, e.c.Do("POST", "/rdns/ip", map[string]any{"adminIp": "nope"}), "adminIp")
	e.assign(2, 1, 200, "198.51.100.77")
	e.c.Do("PUT", "/rdns/ip", map[string]any{"adminIp": "198.51.100.77", "setPtrTemplate": true}).Expect(t, 200)
	e.unassign(2, "198.51.100.77", 200)
	e.assign(3, 1, 200, "198.51.100.77")
	if got := ptr(1, 3, "198.51.100.77"); got != "" {
		t.Fatalf("a released IP kept its PTR: %q", got)
	}

	// An address inside an assigned IPv6 network: subnetIp.
	e.assign(2, 3, 200, "2001:db8:0:1::/64")
	expect422(t, e.c.Do("PUT", "/servers/2/ipassignments/0", map[string]any{"ip": "2001:db8:0:1::/64", "ptrRecord": "v6.example.com"}), "subnetIp")
	expect422(t, e.c.Do("PUT", "/servers/2/ipassignments/0", map[string]any{"ip": "2001:db8:0:1::/64", "subnetIp": "2001:db8:0:2::1", "ptrRecord": "v6.example.com"}), "subnetIp")
	e.c.Do("PUT", "/servers/2/ipassignments/0", map[string]any{"ip": "2001:db8:0:1::/64", "subnetIp": "2001:db8:0:1::1", "ptrRecord": "v6.example.com"}).Expect(t, 200)
	if got := e.c.Do("POST", "/rdns/ip", map[string]any{"adminIp": "2001:db8:0:1::1"}).Expect(t, 200).String("result", "ptrRecord"); got != "v6.example.com" {
		t.Fatalf("PTR inside the network %q", got)
	}
	e.unassign(2, "2001:db8:0:1::/64", 200)
	if got := e.c.Do("POST", "/rdns/ip", map[string]any{"adminIp": "2001:db8:0:1::1"}).Expect(t, 200).String("result", "ptrRecord"); got != "" {
		t.Fatalf("PTR inside a released network %q", got)
	}
}

// TestRdnsProviders: providers are created, read, updated and deleted; subnets are linked
// by address or by id; deleting a provider or a link leaves the subnets without RDNS.
func TestRdnsProviders(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("GET", "/rdns/providers", nil).Expect(t, 200)
	if res.Len("result") != 1 || res.String("result", 0, "providerName") != "PowerDNS" || res.Len("result", 0, "assignments") != 2 ||
		res.String("result", 0, "assignments", 0) != "198.51.100.0" || res.Get("result", 0, "status") != nil {
		t.Fatalf("providers: %v", res)
	}
	if res := e.c.Do("GET", "/rdns/providers?withStatusCheck=1", nil).Expect(t, 200); res.Get("result", 0, "status", "success") != true {
		t.Fatalf("with status check: %v", res)
	}
	data := map[string]any{"serverName": "ns2.example.org", "mysql_host": "10.10.10.3", "mysql_port": 3306, "mysql_username": "pdns",
		"mysql_password": "secret", "mysql_database": "pdns"}
	expect422(t, e.c.Do("POST", "/rdns/providers", map[string]any{"type": "Bind", "data": data}), "type")
	expect422(t, e.c.Do("POST", "/rdns/providers", map[string]any{"type": "PowerDNS", "data": map[string]any{"serverName": "ns2.example.org"}}), "data.mysql_host")
	res = e.c.Do("POST", "/rdns/providers", map[string]any{"type": "PowerDNS", "data": data}).Expect(t, 200)
	if res.Int("result", "id") != 2 || res.String("result", "serverName") != "ns2.example.org" || res.String("result", "data", "mysql_password") != "secret" ||
		res.Int("result", "data", "record_ttl") != 86400 {
		t.Fatalf("created: %v", res)
	}
	res = e.c.Do("PUT", "/rdns/providers/2", map[string]any{"data": map[string]any{"record_ttl": 3600}}).Expect(t, 200)
	if res.Int("result", "data", "record_ttl") != 3600 || res.String("result", "data", "mysql_host") != "10.10.10.3" {
		t.Fatalf("updated: %v", res)
	}
	expect422(t, e.c.Do("PUT", "/rdns/providers/2", map[string]any{"data": map[string]any{"serverName": "bad name"}}), "data.serverName")

	expect422(t, e.c.Do("POST", "/rdns/providers/2/addSubnetAssignment", map[string]any{"subnet": "203.0.113.0/26"}), "subnet")
	expect422(t, e.c.Do("POST", "/rdns/providers/2/addSubnetAssignment", map[string]any{"subnet": "192.0.2.0"}), "subnet")
	e.c.Do("POST", "/rdns/providers/2/addSubnetAssignment", map[string]any{"subnet": "203.0.113.0"}).Expect(t, 200)
	if res := e.c.Do("GET", "/subnets/2", nil).Expect(t, 200); res.Int("result", "rdnsServerId") != 2 || res.Int("result", "rdnsAvailable") != 1 {
		t.Fatalf("linked subnet: %v", res)
	}
	if res := e.c.Do("GET", "/subnets/2/rdnsAssignment", nil).Expect(t, 200); res.Int("result", "serverId") != 2 {
		t.Fatalf("rdnsAssignment: %v", res)
	}
	if res := e.c.Do("GET", "/rdns/providers/2", nil).Expect(t, 200); res.Int("result", "detailedAssignments", 0, "id") != 2 {
		t.Fatalf("provider 2: %v", res)
	}
	e.c.Do("POST", "/rdns/providers/2/actions/testConnectivity", nil).Expect(t, 200)
	e.c.Do("POST", "/rdns/providers/abc/actions/testConnectivity", nil).Expect(t, 404)
	e.c.Do("POST", "/rdns/providers/2/configure", nil).Expect(t, 200)

	// PTRs go with the provider.
	e.assign(2, 2, 200, "203.0.113.9")
	e.c.Do("PUT", "/servers/2/ipassignments/0", map[string]any{"ip": "203.0.113.9", "ptrRecord": "nine.example.org"}).Expect(t, 200)
	e.c.Do("DELETE", "/rdns/providers/2", nil).Expect(t, 200)
	e.c.Do("GET", "/rdns/providers/2", nil).Expect(t, 404)
	e.c.Do("DELETE", "/rdns/providers/2", nil).Expect(t, 404)
	if res := e.c.Do("GET", "/subnets/2", nil).Expect(t, 200); res.Get("result", "rdnsServerId") != nil || res.Int("result", "rdnsAvailable") != 0 {
		t.Fatalf("subnet of a deleted provider: %v", res)
	}
	e.c.Do("DELETE", "/subnets/2/rdnsAssignment", nil).Expect(t, 404)
	expect422(t, e.c.Do("POST", "/subnets/2/rdnsAssignment", map[string]any{"serverId": 2}), "serverId")
	e.c.Do("POST", "/subnets/2/rdnsAssignment", map[string]any{"serverId": 1}).Expect(t, 200)
	if got := e.c.Do("POST", "/servers/2/ipassignments/rdns", map[string]any{"ip": "203.0.113.9"}).Expect(t, 200).String("result", "ptrRecord"); got != "" {
		t.Fatalf("a PTR survived its provider: %q", got)
	}
	e.c.Do("DELETE", "/subnets/1/rdnsAssignment", nil).Expect(t, 200)
	if res := e.c.Do("GET", "/subnets/1/rdnsAssignment", nil).Expect(t, 200); res.Len("result") != 0 {
		t.Fatalf("unlinked: %v", res)
	}
	e.c.Do("GET", "/subnets/99/rdnsAssignment", nil).Expect(t, 404)
	if res := e.c.Do("GET", "/rdns/providers/1", nil).Expect(t, 200); res.Len("result", "assignments") != 2 || res.String("result", "assignments", 0) != "203.0.113.0" {
		t.Fatalf("provider 1 after the moves: %v", res)
	}
}
