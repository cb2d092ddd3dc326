package devices_test

import (
	"fmt"
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// TestManageablePorts: a server on a switch port has manageable ports, one without does not;
// an end user asks for its own server only.
func TestManageablePorts(t *testing.T) {
	e := newEnv(t)
	if !e.do("GET", "/servers/1/network/getManageableNetworkPorts", nil).Expect(t, 200).Get("result", "hasManageablePorts").(bool) {
		t.Fatal("server 1 has no manageable ports")
	}
	e.as(3, "GET", "/servers/1/network/getManageableNetworkPorts", nil).Expect(t, 200)
	e.as(3, "GET", "/servers/2/network/getManageableNetworkPorts", nil).Expect(t, 404)
	e.do("DELETE", fmt.Sprintf("/servers/1/connections/%d", e.conn(1, "snmp_switch")), nil).Expect(t, 200)
	if e.do("GET", "/servers/1/network/getManageableNetworkPorts", nil).Expect(t, 200).Get("result", "hasManageablePorts").(bool) {
		t.Fatal("server 1 still has manageable ports")
	}
	id := e.do("POST", "/servers", map[string]any{"hostname": "b.example.com", "servername": "bare"}).Expect(t, 200).Int("result", "id")
	if e.do("GET", fmt.Sprintf("/servers/%d/network/getManageableNetworkPorts", id), nil).Expect(t, 200).Get("result", "hasManageablePorts").(bool) {
		t.Fatal("a server without connections has manageable ports")
	}
	e.do("GET", "/servers/99/network/getManageableNetworkPorts", nil).Expect(t, 404)
}

// interfaceVlans reads the VLANs of a switch interface from extendedDetails: "id:access" …
func interfaceVlans(res *simtest.Response, port int) []string {
	var out []string
	for j := 0; j < res.Len("result", "extendedDetails", "interfaces", port, "vlans"); j++ {
		v := res.Get("result", "extendedDetails", "interfaces", port, "vlans", j).(map[string]any)
		kind := "trunk"
		switch {
		case v["isAccessVlan"] == true:
			kind = "access"
		case v["isNativeVlan"] == true:
			kind = "native"
		}
		out = append(out, fmt.Sprintf("%v:%s", v["id"], kind))
	}
	return out
}

// vlanL3 reads a switch VLAN's layer 3 addresses from extendedDetails (nil when absent).
func vlanL3(res *simtest.Response, id int64) []string {
	for i := 0; i < res.Len("result", "extendedDetails", "vlans"); i++ {
		if res.Int("result", "extendedDetails", "vlans", i, "id") == id {
			return append([]string{}, strs(res, "result", "extendedDetails", "vlans", i, "l3Ips")...)
		}
	}
	return nil
}

// TestRegenerateVlanConfiguration: with the VLAN automation of its subnet (the network group's
// subnet settings), a server's switch port gets an access VLAN of the range, created on the
// switch with the subnet's gateway; preview and none change nothing; another server of the
// subnet gets the next VLAN; native+trunk makes a trunk.
func TestRegenerateVlanConfiguration(t *testing.T) {
	e := newEnv(t)
	// Without automation the ports stay as they are.
	e.do("POST", "/servers/1/network/regenerateVlanConfiguration", map[string]any{"performVlanActions": "perform"}).Expect(t, 200)
	if got := interfaceVlans(e.extended(1), 0); len(got) != 1 || got[0] != "100:access" {
		t.Fatalf("port 1 without automation: %v", got)
	}
	e.do("PUT", "/subnets/1", map[string]any{"enable_switch_automation": true, "vlan_mode": "access", "access_vlan_generation_mode": "range",
		"range_start_access_vlan_id": 200, "range_end_access_vlan_id": 201}).Expect(t, 200)
	e.update(func(tx *state.Tx) error { // the layer 3 mode (the network group keeps it with the subnet)
		var st map[string]any
		if err := tx.Coll(tenantos.Name, "networkSubnetSettings").Get(state.ID(1), &st); err != nil {
			return err
		}
		st["vlanLayer3Mode"] = "gateway"
		return tx.Coll(tenantos.Name, "networkSubnetSettings").Put(state.ID(1), st)
	})
	e.do("POST", "/servers/1/network/regenerateVlanConfiguration", map[string]any{"performVlanActions": "preview"}).Expect(t, 200)
	e.do("POST", "/servers/1/network/regenerateVlanConfiguration", map[string]any{"performVlanActions": "none"}).Expect(t, 200)
	if got := interfaceVlans(e.extended(1), 0); len(got) != 1 || got[0] != "100:access" {
		t.Fatalf("port 1 after preview: %v", got)
	}
	e.do("POST", "/servers/1/network/regenerateVlanConfiguration", nil).Expect(t, 200)
	ext := e.extended(1)
	if got := interfaceVlans(ext, 0); len(got) != 1 || got[0] != "200:access" {
		t.Fatalf("port 1 after regeneration: %v", got)
	}
	if got := vlanL3(ext, 200); len(got) != 1 || got[0] != "198.51.100.1/24" {
		t.Fatalf("VLAN 200's layer 3: %v", got)
	}
	// Again: the port keeps its VLAN.
	e.do("POST", "/servers/1/network/regenerateVlanConfiguration", nil).Expect(t, 200)
	if got := interfaceVlans(e.extended(1), 0); got[0] != "200:access" {
		t.Fatalf("port 1 regenerated twice: %v", got)
	}
	// Server 5 (subnet 1 too) gets the next VLAN; the range is then full.
	e.do("POST", "/servers/5/network/regenerateVlanConfiguration", nil).Expect(t, 200)
	if got := interfaceVlans(e.extended(1), 4); got[0] != "201:access" {
		t.Fatalf("port 5: %v", got)
	}
	e.do("POST", "/servers/2/ipassignments", map[string]any{"subnets_id": 1, "ips": []string{"198.51.100.77"}}).Expect(t, 200)
	e.do("POST", "/servers/2/network/regenerateVlanConfiguration", nil).Expect(t, 422)
	if got := interfaceVlans(e.extended(1), 1); got[0] != "100:access" {
		t.Fatalf("port 2 after a refusal: %v", got)
	}
	logs := e.action(1, "getActionLogs", nil).Expect(t, 200)
	if logs.String("result", 0, "action") != "regenerateVlanConfiguration" || logs.Int("result", 0, "relationId") != 5 {
		t.Fatalf("action log: %v", logs)
	}
	// native+trunk.
	e.do("PUT", "/subnets/1", map[string]any{"vlan_mode": "native+trunk", "trunk_vlans": []int{300, 301}}).Expect(t, 200)
	e.do("POST", "/servers/1/network/regenerateVlanConfiguration", nil).Expect(t, 200)
	ext = e.extended(1)
	if got := interfaceVlans(ext, 0); len(got) != 3 || got[0] != "200:native" || got[2] != "301:trunk" {
		t.Fatalf("port 1 as a trunk: %v", got)
	}
	if vlanL3(ext, 300) == nil {
		t.Fatal("trunk VLAN 300 not created on the switch")
	}
	// Who may.
	e.as(3, "POST", "/servers/1/network/regenerateVlanConfiguration", nil).Expect(t, 403)
	e.do("POST", "/servers/99/network/regenerateVlanConfiguration", nil).Expect(t, 404)
	e.do("PUT", "/networkDevices/1", map[string]any{"enableAdvancedManagement": false}).Expect(t, 200)
	e.do("POST", "/servers/1/network/regenerateVlanConfiguration", nil).Expect(t, 422)
}
