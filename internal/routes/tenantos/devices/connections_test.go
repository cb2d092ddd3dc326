package devices_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// TestConnectionsDrivePower: a server's power provider follows its connections: without its
// IPMI connection it has no power features (and no console), with a PDU outlet the PDU's, with
// an IPMI connection again the IPMI ones.
func TestConnectionsDrivePower(t *testing.T) {
	e := newEnv(t)
	if got := e.features(2); len(got) != 8 || !contains(got, "setBmcReset") {
		t.Fatalf("server 2's features: %v", got)
	}
	e.do("DELETE", fmt.Sprintf("/servers/2/connections/%d", e.conn(2, "ipmi")), nil).Expect(t, 200)
	s := e.server(2)
	if s.String("result", "powerprovider", "type") != "none" || s.Len("result", "powerprovider", "supportedFeatures") != 0 ||
		s.String("result", "consoleprovider", "type") != "none" || s.String("result", "cachedPowerstatus") != "unknown" {
		t.Fatalf("without IPMI: %v", s)
	}
	e.do("GET", "/servers/2/power/setPowerOff", nil).Expect(t, 422)
	if !e.hasActivity(2, "serverConnections", fmt.Sprintf("Deleted connection #%d (ipmi)", 5)) {
		t.Fatal("no activity entry for the deletion")
	}

	// A PDU outlet gives the PDU's features.
	res := e.do("POST", "/servers/2/connections", map[string]any{"agentId": 0, "connectionDetails": map[string]any{"type": "pdu",
		"meta": map[string]any{"pduId": 2, "portId": "Outlet 2"}}}).Expect(t, 200)
	if res.String("result", "related_data", "type") != "pdu" || res.Int("result", "related_data", "meta", "portId") != 2 ||
		strings.Join(strs(res, "result", "types"), ",") != "power_management" {
		t.Fatalf("PDU connection: %v", res)
	}
	s = e.server(2)
	if s.String("result", "powerprovider", "type") != "pdu" || strings.Join(strs(s, "result", "powerprovider", "supportedFeatures"), ",") !=
		"getPowerStatus,setPowerOff,setPowerOn,setPowerCycle" || s.String("result", "cachedPowerstatus") != "online" {
		t.Fatalf("with a PDU outlet: %v", s)
	}
	ext := e.extended(2)
	if ext.Int("result", "ports", 1, "assignments", 0, "relId") != 2 {
		t.Fatalf("outlet 2 assignment: %v", ext)
	}

	// An IPMI connection again: the IPMI features win; its credentials open the BMC.
	res = e.do("POST", "/servers/2/connections", map[string]any{"agentId": 1, "types": []string{"power_management", "remote_console"},
		"connectionDetails": map[string]any{"type": "ipmi", "meta": map[string]any{"ip": "10.10.20.2", "username": "ADMIN", "password": "wrong"}}}).Expect(t, 200)
	ipmi := res.Int("result", "id")
	if res.String("result", "related_data", "meta", "password") != tenantos.Redacted || res.String("result", "related_data", "meta", "bmcPort") != "623" {
		t.Fatalf("IPMI connection: %v", res)
	}
	if got := e.features(2); len(got) != 8 {
		t.Fatalf("features with IPMI again: %v", got)
	}
	if e.server(2).String("result", "consoleprovider", "type") != "ipmi" {
		t.Fatal("console not back")
	}
	// The BMC kept its users: the new connection's password is not ADMIN's.
	if got := e.test(2, ipmi); got != "offline" {
		t.Fatalf("IPMI connection with a wrong password: %s", got)
	}
	e.do("GET", "/servers/2/bmc/users/listUsers", nil).Expect(t, 422)
	// Removing the IPMI connection leaves the PDU's features.
	e.do("DELETE", fmt.Sprintf("/servers/2/connections/%d", ipmi), nil).Expect(t, 200)
	if got := e.features(2); len(got) != 4 {
		t.Fatalf("features back to the PDU's: %v", got)
	}
}

// TestConnectionCRUD: a connection is created, read back, listed, updated and deleted (404
// afterwards); bad input is 422 on the field with nothing written.
func TestConnectionCRUD(t *testing.T) {
	e := newEnv(t)
	n := e.count(6)
	res := e.do("POST", "/servers/6/connections", map[string]any{"agentId": 1, "connectionDetails": map[string]any{"type": "dhcp",
		"meta": map[string]any{"pxe_mac": "00:50:56:86:E1:A3"}}}).Expect(t, 200)
	id := res.Int("result", "id")
	if res.Int("result", "serverId") != 6 || res.String("result", "agent_details", "hostname") != "agent-fra.example.net" ||
		strings.Join(strs(res, "result", "types"), ",") != "dhcp" || res.Int("result", "agentAssignmentsRelationId") != id {
		t.Fatalf("created: %v", res)
	}
	got := e.do("GET", fmt.Sprintf("/servers/6/connections/%d", id), nil).Expect(t, 200)
	if got.String("result", "related_data", "meta", "pxe_mac") != "00:50:56:86:E1:A3" {
		t.Fatalf("read back: %v", got)
	}
	if e.count(6) != n+1 {
		t.Fatal("not listed")
	}
	res = e.do("PUT", fmt.Sprintf("/servers/6/connections/%d", id), map[string]any{"connectionDetails": map[string]any{
		"meta": map[string]any{"pxe_mac": "00:50:56:86:E1:A4"}}}).Expect(t, 200)
	if res.String("result", "related_data", "meta", "pxe_mac") != "00:50:56:86:E1:A4" {
		t.Fatalf("updated: %v", res)
	}
	e.do("GET", fmt.Sprintf("/servers/1/connections/%d", id), nil).Expect(t, 404) // another server's
	e.do("DELETE", fmt.Sprintf("/servers/6/connections/%d", id), nil).Expect(t, 200)
	e.do("GET", fmt.Sprintf("/servers/6/connections/%d", id), nil).Expect(t, 404)
	e.do("DELETE", fmt.Sprintf("/servers/6/connections/%d", id), nil).Expect(t, 404)
	e.do("GET", "/servers/99/connections", nil).Expect(t, 404)

	cases := []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"agentId": 1, "connectionDetails": map[string]any{"type": "telnet"}}, "connectionDetails.type"},
		{map[string]any{"agentId": 1, "connectionDetails": map[string]any{"type": "ipmi", "meta": map[string]any{"ip": "10.0.0.1", "username": "A"}}}, "connectionDetails.meta.password"},
		{map[string]any{"agentId": 9, "connectionDetails": map[string]any{"type": "pxe"}}, "agentId"},
		{map[string]any{"agentId": 1, "connectionDetails": map[string]any{"type": "dhcp", "meta": map[string]any{"pxe_mac": "zz"}}}, "connectionDetails.meta.pxe_mac"},
		{map[string]any{"agentId": 0, "connectionDetails": map[string]any{"type": "snmp_switch", "meta": map[string]any{"switchId": 2, "portId": 1}}}, "connectionDetails.meta.switchId"},
		{map[string]any{"agentId": 0, "connectionDetails": map[string]any{"type": "snmp_switch", "meta": map[string]any{"switchId": 1, "portId": 99}}}, "connectionDetails.meta.portId"},
		{map[string]any{"agentId": 0, "types": []string{"installation"}, "connectionDetails": map[string]any{"type": "pdu", "meta": map[string]any{"pduId": 2, "portId": 1}}}, "types.0"},
	}
	for i, tc := range cases {
		res := e.do("POST", "/servers/6/connections", tc.body).Expect(t, 422)
		if res.Get("errors", tc.field) == nil {
			t.Fatalf("case %d: no error on %s: %v", i, tc.field, res)
		}
	}
	if e.count(6) != n {
		t.Fatal("refused connections written")
	}
	// A refused update leaves the connection as it was.
	ipmi := e.conn(6, "ipmi")
	e.do("PUT", fmt.Sprintf("/servers/6/connections/%d", ipmi), map[string]any{"connectionDetails": map[string]any{"meta": map[string]any{"ip": "not an ip!"}}}).Expect(t, 422)
	if e.do("GET", fmt.Sprintf("/servers/6/connections/%d", ipmi), nil).Expect(t, 200).String("result", "related_data", "meta", "ip") != "10.10.20.6" {
		t.Fatal("refused update written")
	}
	// A VM's connections are its hypervisor's.
	e.update(func(tx *state.Tx) error {
		return tenantos.Servers.Put(tx, 40, &tenantos.Server{ID: 40, Hostname: "vm.example.com", Servername: "vm", UserID: 1,
			ServerType: "vm", TypeOfServer: "vm", PowerType: "proxmox", Power: "online", PowerStatus: "online",
			VM: &tenantos.VM{PlanID: 1, ProviderID: 1, Node: "node01"}, Created: tx.Now, Updated: tx.Now})
	})
	e.do("POST", "/servers/40/connections", map[string]any{"agentId": 1, "connectionDetails": map[string]any{"type": "pxe"}}).Expect(t, 422)
	if e.do("GET", "/servers/40/connections", nil).Expect(t, 200).Len("result") != 0 {
		t.Fatal("a VM has connections")
	}
}

// TestConnectionScoping: an end user sees its server's connections (passwords masked) and not
// another server's (404); only administrators change connections (403).
func TestConnectionScoping(t *testing.T) {
	e := newEnv(t)
	res := e.as(3, "GET", "/servers/1/connections", nil).Expect(t, 200)
	if res.Len("result") != 4 || strings.Contains(string(res.Body), `"password":"`+"ADMIN") {
		t.Fatalf("user 3's connections: %v", res)
	}
	e.view(func(tx *state.Tx) error {
		c, err := tenantos.Connections.Get(tx, 1)
		if err == nil && strings.Contains(string(res.Body), c.MetaString("password")) {
			t.Error("IPMI password answered in clear")
		}
		return err
	})
	e.as(3, "GET", "/servers/1/connections/1", nil).Expect(t, 200)
	if got := e.as(3, "GET", "/servers/1/connections/1/test", nil).Expect(t, 200).String("result"); got != "online" {
		t.Fatalf("user 3's IPMI test: %s", got)
	}
	e.as(3, "GET", "/servers/2/connections", nil).Expect(t, 404)
	e.as(3, "GET", "/servers/2/connections/5", nil).Expect(t, 404)
	e.as(3, "GET", "/servers/2/connections/5/test", nil).Expect(t, 404)
	e.as(3, "GET", "/servers/1/connections/5", nil).Expect(t, 404) // server 2's connection under server 1
	e.as(3, "POST", "/servers/1/connections", map[string]any{"agentId": 1, "connectionDetails": map[string]any{"type": "pxe"}}).Expect(t, 403)
	e.as(3, "DELETE", "/servers/1/connections/1", nil).Expect(t, 403)
	e.as(2, "DELETE", "/servers/5/connections/20", nil).Expect(t, 403)
	e.as(4, "GET", "/servers/5/connections", nil).Expect(t, 200)
	e.as(4, "GET", "/servers/1/connections", nil).Expect(t, 404)
	if e.count(1) != 4 || len(e.connections(5)["pdu"]) != 1 {
		t.Fatal("a refused change was written")
	}
}

// TestConnectionPowerActions: getSupportedActions lists what a connection can do; its power
// actions switch the server and the cached status follows on the clock, across a restart.
func TestConnectionPowerActions(t *testing.T) {
	e := newEnv(t)
	ipmi := e.conn(2, "ipmi")
	res := e.do("POST", fmt.Sprintf("/servers/2/connections/%d/getSupportedActions", ipmi), map[string]any{}).Expect(t, 200)
	if got := strs(res, "result", "powerActions"); len(got) != 8 || got[0] != "getPowerStatus" {
		t.Fatalf("IPMI actions: %v", res)
	}
	res = e.do("POST", "/servers/5/connections/20/getSupportedActions", map[string]any{}).Expect(t, 200)
	if got := strs(res, "result", "powerActions"); strings.Join(got, ",") != "getPowerStatus,setPowerOff,setPowerOn,setPowerCycle" {
		t.Fatalf("PDU actions: %v", res)
	}
	res = e.do("POST", fmt.Sprintf("/servers/2/connections/%d/getSupportedActions", e.conn(2, "pxe")), map[string]any{}).Expect(t, 200)
	if res.Len("result", "powerActions") != 0 {
		t.Fatalf("PXE actions: %v", res)
	}
	e.do("POST", fmt.Sprintf("/servers/2/connections/%d/setPowerReset", e.conn(2, "pxe")), map[string]any{}).Expect(t, 422)
	e.do("POST", "/servers/5/connections/20/setPowerReset", map[string]any{}).Expect(t, 422) // not a PDU's

	res = e.do("POST", fmt.Sprintf("/servers/2/connections/%d/setPowerOff", ipmi), map[string]any{}).Expect(t, 200)
	if res.String("result") != "executed" {
		t.Fatalf("setPowerOff: %v", res)
	}
	if got := e.do("POST", fmt.Sprintf("/servers/2/connections/%d/getPowerStatus", ipmi), map[string]any{}).Expect(t, 200).String("result"); got != "offline" {
		t.Fatalf("power status: %s", got)
	}
	e.do("POST", fmt.Sprintf("/servers/3/connections/%d/setPowerOff", e.conn(3, "ipmi")), map[string]any{}).Expect(t, 200)
	if e.server(3).String("result", "cachedPowerstatus") != "online" {
		t.Fatal("cached status changed at once")
	}
	e.advance(4 * time.Second)
	e.restart()
	e.advance(10 * time.Second)
	if got := e.server(3).String("result", "cachedPowerstatus"); got != "offline" {
		t.Fatalf("cached status after the poll (and a restart): %s", got)
	}
	if !e.hasActivity(3, "serverPower", "Executed Power Action setPowerOff") {
		t.Fatal("no power activity entry")
	}
	e.do("POST", fmt.Sprintf("/servers/2/connections/%d/setBootType", ipmi), map[string]any{"params": "bios"}).Expect(t, 200)
	e.do("POST", fmt.Sprintf("/servers/2/connections/%d/setBootType", ipmi), map[string]any{"params": "usb"}).Expect(t, 422)
	e.do("POST", fmt.Sprintf("/servers/2/connections/%d/explode", ipmi), map[string]any{}).Expect(t, 422)
	// End users may switch their own server, not another's.
	e.as(3, "POST", "/servers/1/connections/1/setPowerCycle", map[string]any{}).Expect(t, 200)
	e.as(3, "POST", fmt.Sprintf("/servers/2/connections/%d/setPowerOn", ipmi), map[string]any{}).Expect(t, 404)
}

// TestPduOutlet: switching a PDU outlet off powers its server off, and on again on; the
// server's own PDU power actions switch the outlet. The cached status follows on the clock.
func TestPduOutlet(t *testing.T) {
	e := newEnv(t)
	e.action(2, "setPortDisabled", map[string]any{"portId": "5"}).Expect(t, 200)
	if got := e.do("GET", "/servers/5/power/getPowerStatus", nil).Expect(t, 200).String("result"); got != "offline" {
		t.Fatalf("server 5 with its outlet off: %s", got)
	}
	if got := e.test(5, 20); got != "online" {
		t.Fatalf("a switched-off outlet still answers: %s", got)
	}
	e.restart()
	e.advance(15 * time.Second)
	if got := e.server(5).String("result", "cachedPowerstatus"); got != "offline" {
		t.Fatalf("cached status: %s", got)
	}
	e.action(2, "setPortEnabled", map[string]any{"portId": 5}).Expect(t, 200)
	e.advance(15 * time.Second)
	if got := e.server(5).String("result", "cachedPowerstatus"); got != "online" {
		t.Fatalf("cached status after the outlet is on: %s", got)
	}
	// The server's power action through the panel shows on the outlet.
	e.do("GET", "/servers/5/power/setPowerOff", nil).Expect(t, 200)
	ext := e.extended(2)
	if ext.String("result", "extendedDetails", "ports", 4, "portAdminStatus") != "2" {
		t.Fatalf("outlet 5 of a server switched off: %v", ext)
	}
	e.do("POST", "/servers/5/connections/20/setPowerOn", map[string]any{}).Expect(t, 200)
	if got := e.extended(2).String("result", "extendedDetails", "ports", 4, "portAdminStatus"); got != "1" {
		t.Fatalf("outlet 5 after setPowerOn: %s", got)
	}
	// Switching an outlet off does not reach an IPMI server with another outlet on.
	e.do("POST", "/servers/6/connections", map[string]any{"agentId": 0, "types": []string{}, "connectionDetails": map[string]any{"type": "pdu", "meta": map[string]any{"pduId": 2, "portId": 6}}}).Expect(t, 200)
	e.do("POST", "/servers/6/connections", map[string]any{"agentId": 0, "types": []string{}, "connectionDetails": map[string]any{"type": "pdu", "meta": map[string]any{"pduId": 2, "portId": 7}}}).Expect(t, 200)
	e.do("GET", "/servers/6/power/setPowerOn", nil).Expect(t, 200)
	e.action(2, "setPortDisabled", map[string]any{"portId": 6}).Expect(t, 200)
	if got := e.do("GET", "/servers/6/power/getPowerStatus", nil).Expect(t, 200).String("result"); got != "online" {
		t.Fatalf("server 6 on its second outlet: %s", got)
	}
	e.action(2, "setPortDisabled", map[string]any{"portId": 7}).Expect(t, 200)
	if got := e.do("GET", "/servers/6/power/getPowerStatus", nil).Expect(t, 200).String("result"); got != "offline" {
		t.Fatalf("server 6 without power: %s", got)
	}
	// Power back: an IPMI server stays off (power restore policy always-off).
	e.action(2, "setPortEnabled", map[string]any{"portId": 7}).Expect(t, 200)
	if got := e.do("GET", "/servers/6/power/getPowerStatus", nil).Expect(t, 200).String("result"); got != "offline" {
		t.Fatalf("server 6 after power returned: %s", got)
	}
}

// TestCreateServerMakesConnections: POST /api/servers with config makes the connections, which
// the server's providers follow; a deleted server's connections and BMC go with it.
func TestCreateServerMakesConnections(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/servers", map[string]any{"hostname": "n.example.com", "servername": "server-100",
		"config": map[string]any{"agentId": 1, "ipmi_ip": "10.10.20.99", "ipmi_user": "root", "ipmi_password": "calvin", "pxe_mac": "aa:bb:cc:dd:ee:ff"}}).Expect(t, 200)
	id := res.Int("result", "id")
	conns := e.connections(id)
	if len(conns["ipmi"]) != 1 || len(conns["pxe"]) != 1 || len(conns["dhcp"]) != 1 {
		t.Fatalf("connections of the new server: %v", conns)
	}
	if got := e.test(id, conns["ipmi"][0]); got != "online" {
		t.Fatalf("its IPMI connection: %s", got)
	}
	if u := e.bmcUsers(id); bmcUser(u, "root") < 0 {
		t.Fatalf("its BMC: %v", u)
	}
	e.do("DELETE", fmt.Sprintf("/servers/%d/connections/%d", id, conns["pxe"][0]), nil).Expect(t, 200)
	if got := e.server(id).String("result", "reinstallationprovider"); got != "none" {
		t.Fatalf("reinstallation without PXE: %s", got)
	}
	// Power management off: an IPMI connection for the console only.
	res = e.do("POST", "/servers", map[string]any{"hostname": "m.example.com", "servername": "server-101",
		"config": map[string]any{"agentId": 1, "ipmi_ip": "10.10.20.98", "ipmi_user": "root", "ipmi_password": "calvin", "enable_ipmi_powermanagement": false}}).Expect(t, 200)
	if res.String("result", "powerprovider", "type") != "none" || res.String("result", "consoleprovider", "type") != "ipmi" {
		t.Fatalf("console-only IPMI: %v", res)
	}
	e.do("DELETE", fmt.Sprintf("/servers/%d", id), nil).Expect(t, 200)
	e.view(func(tx *state.Tx) error {
		list, err := tenantos.ServerConnections(tx, id)
		if len(list) != 0 || tenantos.BMCs.Has(tx, id) {
			t.Errorf("%d connections left of a deleted server", len(list))
		}
		return err
	})
	if e.extended(1).Len("result", "ports", 6, "assignments") != 0 {
		t.Fatal("switch port assignment left")
	}
}
