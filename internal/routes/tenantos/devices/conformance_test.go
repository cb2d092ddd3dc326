package devices_test

import (
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// operations are the group's operations (its route table) with what each needs beyond the
// documented example in the default world: switch 1 (server N on port N) and PDU 2 (server 5
// on outlet 5); server 1's connections are 1 (ipmi), 2 (pxe), 3 (dhcp) and 4 (switch port);
// server 2 is an IPMI server whose BMC holds ADMIN (slot 2) and tos_2_5 (slot 3).
var operations = map[string]func(e *env, paths map[string]string, body map[string]any){
	"listNetworkDevices":              nil,
	"createNetworkDevice":             nil,
	"getNetworkDevice":                nil,
	"updateNetworkDevice":             nil,
	"deleteNetworkDevice":             nil,
	"getNetworkDeviceExtendedDetails": nil,
	"testNetworkDeviceConnectivity":   nil,
	"runNetworkDeviceAction": func(e *env, paths map[string]string, _ map[string]any) {
		paths["networkDeviceAction"] = "setPortDisabled"
	},
	"getManageableNetworkPorts":   nil,
	"regenerateVlanConfiguration": nil,
	"listServerConnections":       nil,
	"createServerConnection":      func(e *env, _ map[string]string, body map[string]any) { body["agentId"] = 1 },
	"getServerConnection":         nil,
	"updateServerConnection":      func(e *env, _ map[string]string, body map[string]any) { body["agentId"] = 1 },
	"deleteServerConnection":      nil,
	"testServerConnection":        nil,
	"runServerConnectionAction": func(e *env, paths map[string]string, _ map[string]any) {
		paths["serverConnectionAction"] = "getSupportedActions"
	},
	"listBmcUsers":                          func(e *env, paths map[string]string, _ map[string]any) { paths["server"] = "2" },
	"createBmcUser":                         func(e *env, paths map[string]string, _ map[string]any) { paths["server"] = "2" },
	"createBmcUserWithPasswordAndPrivilege": func(e *env, paths map[string]string, _ map[string]any) { paths["server"] = "2" },
	"updateBmcUser": func(e *env, paths map[string]string, body map[string]any) {
		paths["server"], body["slot"] = "2", 4 // slot 1 is the anonymous user, which has no name
	},
	"setBmcUserPassword":  func(e *env, paths map[string]string, _ map[string]any) { paths["server"] = "2" },
	"setBmcUserPrivilege": func(e *env, paths map[string]string, _ map[string]any) { paths["server"] = "2" },
	"enableBmcUser":       func(e *env, paths map[string]string, _ map[string]any) { paths["server"] = "2" },
	"disableBmcUser":      func(e *env, paths map[string]string, _ map[string]any) { paths["server"] = "2" },
	"deleteBmcUser": func(e *env, paths map[string]string, body map[string]any) {
		paths["server"], body["slot"] = "2", 3 // the panel's console user
	},
	"setBmcChannelAccess": func(e *env, paths map[string]string, _ map[string]any) { paths["server"] = "2" },
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
			t.Skip("not an operation of the devices group")
		}
		seen++
		e.t = t
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		paths := map[string]string{"id": "1", "networkDevice": "1", "server": "1", "server_id": "1", "testConnectionId": "1"}
		if prepare != nil {
			prepare(e, paths, c.Body)
		}
		c.Send(t, e.c, strings.TrimPrefix(c.URL(t, paths), "/api"), c.Body, c.Status)
	})
	e.t = t
	if seen != len(operations) {
		t.Fatalf("%d of the group's %d operations are in the document", seen, len(operations))
	}
}
