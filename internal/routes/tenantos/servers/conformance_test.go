package servers_test

import (
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// vmID is the VM the conformance world adds (see addVM) for the statistics only VMs have.
const vmID = 40

// operations are the group's operations (its route table) with what each needs beyond the
// documented example: path values and body changes in the default world (server 2 is an
// unassigned IPMI server, server 1 the customer's with 198.51.100.10, user 3 a customer).
var operations = map[string]func(e *env, paths map[string]string, body map[string]any){
	"listServers": nil,
	"createServer": func(e *env, _ map[string]string, body map[string]any) {
		body["ipassignments"] = []any{map[string]any{"ip": "198.51.100.55", "subnets_id": 1, "primary_ip": false}}
	},
	"getServerByIp":    func(e *env, paths map[string]string, _ map[string]any) { paths["ip"] = "198.51.100.10" },
	"getServersByTags": nil,
	"listServerTags":   nil,
	"getServer":        nil,
	"updateServer": func(e *env, _ map[string]string, body map[string]any) {
		body["user_id"] = 3
		body["suspendUserIds"] = []any{3}
		body["assignmentDates"] = []any{map[string]any{"userId": 3, "datetime": "2024-01-13"}}
	},
	"deleteServer": nil,
	"startConsole": nil,
	"deleteTag": func(e *env, _ map[string]string, body map[string]any) {
		body["tag"] = "Stock"
	},
	"renameTag": func(e *env, _ map[string]string, body map[string]any) {
		body["oldTag"], body["newTag"] = "Stock", "Ready"
	},
	"quickSearch":            nil,
	"runServerPowerAction":   func(e *env, paths map[string]string, _ map[string]any) { paths["serverPowerMethod"] = "setPowerOff" },
	"executeBmcCommand":      nil,
	"getAvailableStatistics": nil,
	"getCpuStatistics":       func(e *env, paths map[string]string, _ map[string]any) { paths["server"] = "40" },
	"getMemoryStatistics":    func(e *env, paths map[string]string, _ map[string]any) { paths["server"] = "40" },
	"getDiskIoStatistics":    func(e *env, paths map[string]string, _ map[string]any) { paths["server"] = "40" },
	"getNetworkStatistics":   nil,
	"getIpmiStatistics":      nil,
	"listInstallProfiles":    nil,
	"startReinstallation":    nil,
	"getInstallStatus": func(e *env, _ map[string]string, _ map[string]any) {
		e.do("POST", "/servers/2/provisioning/startReinstallation", map[string]any{"profileId": 1, "rootpassword": "Secret-Pass-1"}).Expect(e.t, 200)
	},
	"stopReinstallation": func(e *env, _ map[string]string, _ map[string]any) {
		e.do("POST", "/servers/2/provisioning/startReinstallation", map[string]any{"profileId": 1, "rootpassword": "Secret-Pass-1"}).Expect(e.t, 200)
	},
	"executePostCommand":   nil,
	"getOsLogo":            nil,
	"listOperatingSystems": nil,
}

// TestConformance sends every operation of the group its documented example request (with the
// world's ids) in a fresh world and expects the documented success status; simtest checks
// every answer against specs/tenantos.yaml. Operations of other groups are skipped.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	if len(operations) != 27 {
		t.Fatalf("%d operations in the table, want 27", len(operations))
	}
	seen := 0
	simtest.Conformance(t, "tenantos", func(t *testing.T, c *simtest.Case) {
		prepare, ok := operations[c.Operation]
		if !ok {
			t.Skip("not an operation of the servers group")
		}
		seen++
		e.t = t
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		e.addVM(vmID, 1)
		paths := map[string]string{"id": "2", "server": "2", "serverPowerMethod": "setPowerOn", "statsMode": "graph", "ip": "198.51.100.10"}
		if prepare != nil {
			prepare(e, paths, c.Body)
		}
		c.Send(t, e.c, strings.TrimPrefix(c.URL(t, paths), "/api"), c.Body, c.Status)
	})
	e.t = t
	if seen != 27 {
		t.Fatalf("%d of the group's 27 operations are in the document", seen)
	}
}

// TestConformanceVM creates a VM through POST /api/servers when the VPS group has set its
// CreateVM hook (skipped otherwise), and reads it back.
func TestConformanceVM(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/servers", map[string]any{"hostname": "vps1.example.com", "servername": "vps-1", "servertype": "vm",
		"vpsplan": 1, "user_id": "3"})
	if res.Status == 422 && contains(keys(res.Get("errors")), "vpsplan") {
		t.Skip("no CreateVM hook: the VPS group is not routed")
	}
	res.Expect(t, 200)
	id := res.Int("result", "id")
	got := e.server(id)
	if got.String("result", "typeOfServer") != "vm" || got.Int("result", "user_id") != 3 {
		t.Fatalf("VM: %v", got)
	}
	var addrs []string
	for i := 0; i < got.Len("result", "ipassignments"); i++ {
		addrs = append(addrs, got.String("result", "ipassignments", i, "ip"))
	}
	e.do("DELETE", "/servers/"+itoa(id), map[string]any{"destroy": true}).Expect(t, 200)
	e.do("GET", "/servers/"+itoa(id), nil).Expect(t, 404)
	for _, a := range addrs {
		if ip := e.ipOf(a); ip.ServerID != 0 {
			t.Fatalf("IP %s of the deleted VM still assigned", a)
		}
	}
}

func keys(v any) []string {
	m, _ := v.(map[string]any)
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
