package network_test

import (
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos/network"
	"github.com/panelsim/panelsim/simtest"
)

// paths are the path values of the default world: subnet 1 (198.51.100.0/24, with RDNS),
// server 1 (user 3's, holding 198.51.100.10), server 2 (free), RDNS provider 1.
var paths = map[string]string{"id": "1", "server_id": "1", "server": "2", "subnetId": "1", "subnet": "1", "provider": "1"}

// prepare adapts an operation's documented example to the default world.
var prepare = map[string]func(paths map[string]string, body map[string]any){
	"createSubnet": func(_ map[string]string, b map[string]any) { b["userId"] = 3 },
	"updateSubnet": func(_ map[string]string, b map[string]any) { b["gw"], b["userId"] = "198.51.100.1", 1 },
	"deleteSubnet": func(p map[string]string, _ map[string]any) { p["id"] = "2" },
	"runSubnetChildsMassAction": func(p map[string]string, _ map[string]any) {
		p["subnetId"] = "3"
	},
	"splitSubnet": func(p map[string]string, _ map[string]any) { p["subnetId"] = "3" },
	"createIpAssignment": func(p map[string]string, b map[string]any) {
		p["server_id"], b["ips"] = "2", []string{"198.51.100.30", "198.51.100.31"}
	},
	"updateIpAssignment": func(p map[string]string, b map[string]any) { p["id"], b["ip"] = "0", "198.51.100.10" },
	"deleteIpAssignment": func(p map[string]string, b map[string]any) { p["id"], b["ip"] = "0", "198.51.100.10" },
	"setDynamicIpAssignments": func(_ map[string]string, b map[string]any) {
		v4 := b["ipv4Addresses"].([]any)[0].(map[string]any)
		v4["restrictToSubnetsOwnedByUserId"], v4["fromSubnetIds"] = 1, []int{1}
		v6 := b["ipv6Addresses"].([]any)[0].(map[string]any)
		v6["restrictToSubnetsOwnedByUserId"], v6["fromSubnetIds"] = 1, []int{3}
		n4 := b["ipv4Subnets"].([]any)[0].(map[string]any)
		n4["cidrSize"], n4["fromParentSubnetIds"], n4["restrictToSubnetsOwnedByUserId"] = 29, []int{2}, 1
		n4["assignSubnetOwnershipToUserId"], n4["gatewayMethod"] = 1, "first"
		n6 := b["ipv6Subnets"].([]any)[0].(map[string]any)
		n6["cidrSize"], n6["assignmentMode"], n6["fromParentSubnetIds"] = 64, "preferExistingOrSplitSubnet", []int{3}
		n6["restrictToSubnetsOwnedByUserId"], n6["assignSubnetOwnershipToUserId"], n6["gatewayMethod"] = 1, 1, "first"
	},
	"getAssignableIpsOfSubnet": func(_ map[string]string, b map[string]any) { b["subnets_id"] = 1 },
	"getIpAssignmentRdns": func(p map[string]string, b map[string]any) {
		p["server"], b["ip"] = "1", "198.51.100.10"
	},
	"reserveIp":       func(_ map[string]string, b map[string]any) { b["adminIp"] = "198.51.100.50" },
	"unreserveIp":     func(_ map[string]string, b map[string]any) { b["adminIp"] = "198.51.100.255" },
	"setIpComment":    func(_ map[string]string, b map[string]any) { b["adminIp"] = "198.51.100.50" },
	"deleteIp":        func(_ map[string]string, b map[string]any) { b["adminIp"] = "198.51.100.64/28" },
	"runIpMassAction": func(_ map[string]string, b map[string]any) { b["ips"] = []string{"198.51.100.28", "198.51.100.29"} },
	"getRdnsRecord":   func(_ map[string]string, b map[string]any) { b["adminIp"] = "198.51.100.10" },
	"setRdnsRecord":   func(_ map[string]string, b map[string]any) { b["adminIp"] = "198.51.100.10" },
	"deleteRdnsRecord": func(_ map[string]string, b map[string]any) {
		b["adminIp"] = "198.51.100.10"
	},
	"addRdnsProviderSubnetAssignment": func(_ map[string]string, b map[string]any) { b["subnet"] = "203.0.113.0" },
	"createSubnetRdnsAssignment":      func(p map[string]string, _ map[string]any) { p["subnet"] = "2" },
}

// TestConformance sends every operation of the group its documented example, adapted to
// the default world, in a fresh world each, and expects the documented success status
// with an answer that fits specs/tenantos.yaml (simtest checks every answer).
func TestConformance(t *testing.T) {
	s := simtest.New(t)
	c := s.Client("tenantos", simtest.DefaultToken)
	c.Base = c.Root // the document's paths start with /api
	mine := network.Routes(nil)
	ran := 0
	simtest.Conformance(t, "tenantos", func(t *testing.T, cs *simtest.Case) {
		if mine[cs.Operation] == nil {
			t.Skip("not the network group's")
		}
		ran++
		c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		p := map[string]string{}
		for k, v := range paths {
			p[k] = v
		}
		if f := prepare[cs.Operation]; f != nil {
			f(p, cs.Body)
		}
		cs.Send(t, c, cs.URL(t, p), cs.Body, cs.Status)
	})
	if ran != len(mine) || ran != 37 {
		t.Fatalf("%d operations sent, %d routed (want 37)", ran, len(mine))
	}
}
