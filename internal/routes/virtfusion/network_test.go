package virtfusion_test

import (
	"fmt"
	"testing"
)

func TestFirewall(t *testing.T) {
	e := newEnv(t)
	id := e.built(e.user(1))
	fw := fmt.Sprintf("/servers/%d/firewall/primary", id)
	res := e.c.Do("GET", fw, nil).Expect(t, 200)
	if res.Get("data", "enabled") != false || res.Len("data", "rules") != 0 {
		t.Fatalf("fresh firewall: %v", res)
	}
	e.c.Do("POST", fw+"/rules", map[string]any{"rulesets": []int{1, 2}}).Expect(t, 201)
	res = e.c.Do("GET", fw, nil).Expect(t, 200)
	if res.Len("data", "rules") != 4 || res.String("data", "rules", 0, "port") != "80" || res.Int("data", "rules", 3, "position") != 4 {
		t.Fatalf("rules after applying 1 and 2: %v", res)
	}
	if got := e.getServer(id).Len("data", "network", "interfaces", 0, "firewall"); got != 4 {
		t.Fatalf("server object shows %d firewall rules", got)
	}
	e.c.Do("POST", fw+"/enable?sync=true", nil).Expect(t, 200)
	if e.c.Do("GET", fw, nil).Get("data", "enabled") != true || e.getServer(id).Get("data", "network", "interfaces", 0, "firewallEnabled") != true {
		t.Fatal("firewall not shown as enabled")
	}
	// The SDKs' spelling; and an empty list flushes.
	e.c.Do("POST", fw+"/rules", map[string]any{"rules": []int{2}}).Expect(t, 201)
	if n := e.c.Do("GET", fw, nil).Len("data", "rules"); n != 2 {
		t.Fatalf("rules after applying 2 as \"rules\": %d", n)
	}
	e.c.Do("POST", fw+"/rules", map[string]any{"rulesets": []int{}}).Expect(t, 201)
	if n := e.c.Do("GET", fw, nil).Len("data", "rules"); n != 0 {
		t.Fatalf("rules after flushing: %d", n)
	}
	e.c.Do("POST", fw+"/disable", "[]").Expect(t, 200)
	if e.c.Do("GET", fw, nil).Get("data", "enabled") != false {
		t.Fatal("firewall still enabled")
	}
	for _, tt := range []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"unknown ruleset", "POST", fw + "/rules", map[string]any{"rulesets": []int{99}}, 422},
		{"no rulesets", "POST", fw + "/rules", map[string]any{}, 422},
		{"secondary interface", "GET", fmt.Sprintf("/servers/%d/firewall/secondary", id), nil, 404},
		{"unknown interface", "POST", fmt.Sprintf("/servers/%d/firewall/eth9/enable", id), nil, 404},
		{"unknown server", "GET", "/servers/999/firewall/primary", nil, 404},
	} {
		t.Run(tt.name, func(t *testing.T) { e.c.Do(tt.method, tt.path, tt.body).Expect(t, tt.status) })
	}
	if n := e.c.Do("GET", fw, nil).Len("data", "rules"); n != 0 {
		t.Fatalf("a refused request changed the rules: %d", n)
	}
}

func TestWhitelist(t *testing.T) {
	e := newEnv(t)
	id := e.server(e.user(1), pkgS, groupDefault)
	path := fmt.Sprintf("/servers/%d/networkWhitelist", id)
	e.c.Do("POST", path, map[string]any{"interface": "primary", "ip": "10.0.0.10", "cidr": 32}).Expect(t, 201)
	e.c.Do("POST", path, map[string]any{"interface": "primary", "ip": "2001:db8::1", "cidr": "64"}).Expect(t, 201)
	res := e.getServer(id)
	list := []any{"data", "network", "interfaces", 0, "ipWhitelist"}
	if res.Len(list...) != 2 || res.Int(append(list, 0, "type")...) != 4 || res.Int(append(list, 1, "type")...) != 6 || res.Int(append(list, 1, "mask")...) != 64 {
		t.Fatalf("whitelist in the server object: %v", res.Get(list...))
	}
	for _, tt := range []struct {
		name   string
		method string
		body   any
		want   string
	}{
		{"duplicate", "POST", map[string]any{"interface": "primary", "ip": "10.0.0.10", "cidr": 32}, "The ip is already on the whitelist."},
		{"not an address", "POST", map[string]any{"interface": "primary", "ip": "10.0.0.300", "cidr": 32}, "The ip field must be a valid IP address."},
		{"mask too long", "POST", map[string]any{"interface": "primary", "ip": "10.0.0.11", "cidr": 33}, "The cidr field must be between 0 and 32."},
		{"no interface", "POST", map[string]any{"ip": "10.0.0.11", "cidr": 32}, "The interface field is required."},
		{"remove what is not there", "DELETE", map[string]any{"interface": "primary", "ip": "10.0.0.99"}, "The selected ip is invalid."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.c.Do(tt.method, path, tt.body).Expect(t, 422)
			if res.String("errors", 0) != tt.want {
				t.Fatalf("errors %v, want %q", res.Get("errors"), tt.want)
			}
		})
	}
	e.c.Do("POST", path, map[string]any{"interface": "secondary", "ip": "10.0.0.11", "cidr": 32}).Expect(t, 404)
	e.c.Do("DELETE", path, map[string]any{"interface": "primary", "ip": "10.0.0.10"}).Expect(t, 204)
	if n := e.getServer(id).Len(list...); n != 1 {
		t.Fatalf("%d entries after removing one of two", n)
	}
}

// TestIPv4Addresses: add addresses by quantity and by name, see them on the server and in
// the block's counts, take them off, see the counts come back.
func TestIPv4Addresses(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	id := e.server(user, pkgS, groupDefault)
	other := e.server(user, pkgS, groupDefault)
	block := func() (used, free int64) {
		res := e.c.Do("GET", "/connectivity/ipblocks/1", nil).Expect(t, 200)
		return res.Int("data", "ipv4", "usedTotal"), res.Int("data", "ipv4", "freeTotal")
	}
	used0, free0 := block()
	if used0 != 2 || free0 != 239 {
		t.Fatalf("block 1 with two servers: used %d free %d", used0, free0)
	}
	res := e.c.Do("POST", fmt.Sprintf("/servers/%d/ipv4Qty", id), map[string]any{"interface": "primary", "quantity": "2"}).Expect(t, 200)
	if res.Len("data") != 2 {
		t.Fatalf("ipv4Qty answer: %v", res)
	}
	added := []string{res.String("data", 0), res.String("data", 1)}
	ips := func(srv int64) map[string]int64 {
		r := e.getServer(srv)
		out := map[string]int64{}
		for i := 0; i < r.Len("data", "network", "interfaces", 0, "ipv4"); i++ {
			out[r.String("data", "network", "interfaces", 0, "ipv4", i, "address")] = r.Int("data", "network", "interfaces", 0, "ipv4", i, "order")
		}
		return out
	}
	if got := ips(id); len(got) != 3 || got[added[0]] != 2 || got[added[1]] != 3 {
		t.Fatalf("server addresses after ipv4Qty: %v", got)
	}
	if used, free := block(); used != used0+2 || free != free0-2 {
		t.Fatalf("block after ipv4Qty: used %d free %d", used, free)
	}
	// By name: a free address of the block, without "interface" as Blesta sends it.
	e.c.Do("POST", fmt.Sprintf("/servers/%d/ipv4", id), map[string]any{"ip": []string{"198.51.100.200"}}).Expect(t, 204)
	if _, ok := ips(id)["198.51.100.200"]; !ok {
		t.Fatal("named address not on the server")
	}
	taken := ""
	for a := range ips(other) {
		taken = a
	}
	for _, tt := range []struct {
		name string
		ips  []string
	}{
		{"taken by another server", []string{taken}},
		{"outside the hypervisor's blocks", []string{"203.0.113.50"}},
		{"not an address", []string{"nope"}},
		{"twice in one request", []string{"198.51.100.201", "198.51.100.201"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e.c.Do("POST", fmt.Sprintf("/servers/%d/ipv4", id), map[string]any{"interface": "primary", "ip": tt.ips}).Expect(t, 422)
		})
	}
	if _, ok := ips(id)["198.51.100.201"]; ok {
		t.Fatal("a refused request added an address")
	}
	// Removing: one bad address refuses the whole request.
	e.c.Do("DELETE", fmt.Sprintf("/servers/%d/ipv4", id), map[string]any{"ip": []string{added[0], taken}}).Expect(t, 422)
	if _, ok := ips(id)[added[0]]; !ok {
		t.Fatal("a refused removal took an address off")
	}
	e.c.Do("DELETE", fmt.Sprintf("/servers/%d/ipv4", id), map[string]any{"interface": "primary", "ip": []string{added[0], added[1], "198.51.100.200"}}).Expect(t, 204)
	if got := ips(id); len(got) != 1 {
		t.Fatalf("addresses after removal: %v", got)
	}
	if used, free := block(); used != used0 || free != free0 {
		t.Fatalf("block after removal: used %d free %d, want %d %d", used, free, used0, free0)
	}
	// The freed addresses can be handed out again.
	e.c.Do("POST", fmt.Sprintf("/servers/%d/ipv4", other), map[string]any{"ip": []string{added[0]}}).Expect(t, 204)
}

func TestIPv4QuantityExhausted(t *testing.T) {
	e := newEnv(t)
	id := e.server(e.user(1), pkgS, groupLondon)
	e.c.Do("POST", fmt.Sprintf("/servers/%d/ipv4Qty", id), map[string]any{"interface": "primary", "quantity": 64}).Expect(t, 200)
	res := e.c.Do("POST", fmt.Sprintf("/servers/%d/ipv4Qty", id), map[string]any{"interface": "primary", "quantity": 47}).Expect(t, 422)
	if res.Len("errors") != 1 {
		t.Fatalf("refusal: %v", res)
	}
	if n := e.getServer(id).Len("data", "network", "interfaces", 0, "ipv4"); n != 65 {
		t.Fatalf("%d addresses after a refused request, want 65", n)
	}
	e.c.Do("POST", fmt.Sprintf("/servers/%d/ipv4Qty", id), map[string]any{"interface": "primary", "quantity": 46}).Expect(t, 200)
	e.c.Do("POST", fmt.Sprintf("/servers/%d/ipv4Qty", id), map[string]any{"interface": "primary", "quantity": 0}).Expect(t, 422)
}

func TestIPBlocks(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("GET", "/connectivity/ipblocks", nil).Expect(t, 200)
	if res.Int("total") != 4 || res.Int("data", 0, "ipv4", "total") != 241 || res.String("data", 0, "ipv4", "resolvers", "primary") != "1.1.1.1" {
		t.Fatalf("blocks: %v", res)
	}
	res = e.c.Do("GET", "/connectivity/ipblocks/3", nil).Expect(t, 200)
	if res.Int("data", "type") != 6 || res.Int("data", "ipv6", "from") != 48 || res.Int("data", "ipv6", "to") != 64 || res.Int("data", "ipv6", "total") != 65536 || res.Get("data", "ipv4", "gateway") != nil {
		t.Fatalf("IPv6 block: %v", res)
	}
	e.c.Do("GET", "/connectivity/ipblocks/9", nil).Expect(t, 404)

	free := e.freeIPv4(groupLondon)
	e.c.Do("POST", "/connectivity/ipblocks/2/ipv4", map[string]any{"type": "range", "start": "203.0.113.121", "end": "203.0.113.126"}).Expect(t, 204)
	if got := e.c.Do("GET", "/connectivity/ipblocks/2", nil).Int("data", "ipv4", "total"); got != 117 {
		t.Fatalf("block total after adding 6: %d", got)
	}
	if got := e.freeIPv4(groupLondon); got != free+6 {
		t.Fatalf("group free addresses %d, want %d", got, free+6)
	}
	// The new addresses are handed out.
	id := e.server(e.user(1), pkgS, groupLondon, "ipv4", 0)
	e.c.Do("POST", fmt.Sprintf("/servers/%d/ipv4", id), map[string]any{"ip": []string{"203.0.113.125"}}).Expect(t, 204)
	for _, tt := range []struct {
		name  string
		block int
		body  map[string]any
		want  int
	}{
		{"overlaps its own block", 2, map[string]any{"type": "range", "start": "203.0.113.100", "end": "203.0.113.130"}, 422},
		{"overlaps another block", 2, map[string]any{"type": "range", "start": "198.51.100.5", "end": "198.51.100.20"}, 422},
		{"to an IPv6 block", 3, map[string]any{"type": "range", "start": "192.0.2.1", "end": "192.0.2.5"}, 422},
		{"backwards", 2, map[string]any{"type": "range", "start": "192.0.2.9", "end": "192.0.2.1"}, 422},
		{"not an address", 2, map[string]any{"type": "range", "start": "x", "end": "192.0.2.1"}, 422},
		{"wrong type", 2, map[string]any{"type": "subnet", "start": "192.0.2.1", "end": "192.0.2.5"}, 422},
		{"unknown block", 9, map[string]any{"type": "range", "start": "192.0.2.1", "end": "192.0.2.5"}, 404},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e.c.Do("POST", fmt.Sprintf("/connectivity/ipblocks/%d/ipv4", tt.block), tt.body).Expect(t, tt.want)
		})
	}
	if got := e.c.Do("GET", "/connectivity/ipblocks/2", nil).Int("data", "ipv4", "total"); got != 117 {
		t.Fatalf("refused ranges changed the block: total %d", got)
	}
}
