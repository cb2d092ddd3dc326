package devices_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// TestDeviceLifecycle: a switch is created (its ports discovered), read back and listed,
// updated (its vendor renames its ports), deleted (404 afterwards); passwords are never
// answered in clear.
func TestDeviceLifecycle(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/networkDevices", map[string]any{"deviceType": "snmp_switch", "name": "Core 1", "host": "core1.example.net",
		"snmpCommunity": "c0mmunity", "snmpVersion": "2c", "agentId": 1, "enableAdvancedManagement": true, "managementVendor": "aristaSsh",
		"managementUser": "admin", "managementPassword": "S3cret-pass", "features": []string{"bw_collection"}, "meta": map[string]any{"flip_in_out": "true"}}).Expect(t, 200)
	id := res.Int("result", "id")
	if id != 3 || res.Len("result", "ports") != 24 || res.String("result", "ports", 0, "name") != "Ethernet1" ||
		res.String("result", "managementPassword") != tenantos.Redacted || res.String("result", "managementPort") != "22" ||
		res.Int("result", "enableAdvancedManagement") != 1 || res.String("result", "rootType") != "snmp_switch" ||
		res.String("result", "meta", "flip_in_out") != "true" || strings.Contains(string(res.Body), "S3cret-pass") {
		t.Fatalf("created: %v", res)
	}
	got := e.do("GET", fmt.Sprintf("/networkDevices/%d", id), nil).Expect(t, 200)
	if got.String("result", "name") != "Core 1" || got.String("result", "host") != "core1.example.net" {
		t.Fatalf("read back: %v", got)
	}
	list := e.do("GET", "/networkDevices", nil).Expect(t, 200)
	if list.Len("result") != 3 || list.Int("result", 2, "id") != id {
		t.Fatalf("list: %v", list)
	}
	// The vendor's spelling of ports follows the management vendor; a masked password sent
	// back is kept.
	res = e.do("PUT", fmt.Sprintf("/networkDevices/%d", id), map[string]any{"name": "Core 1a", "managementVendor": "juniperSsh",
		"managementPassword": tenantos.Redacted}).Expect(t, 200)
	if res.String("result", "name") != "Core 1a" || res.String("result", "ports", 0, "name") != "ge-0/0/0" ||
		res.String("result", "host") != "core1.example.net" {
		t.Fatalf("updated: %v", res)
	}
	e.view(func(tx *state.Tx) error {
		d, err := tenantos.NetworkDevices.Get(tx, id)
		if err == nil && d.ManagementPassword != "S3cret-pass" {
			t.Errorf("stored management password %q", d.ManagementPassword)
		}
		return err
	})
	e.do("DELETE", fmt.Sprintf("/networkDevices/%d", id), nil).Expect(t, 200)
	res = e.do("GET", fmt.Sprintf("/networkDevices/%d", id), nil).Expect(t, 404)
	if res.String("message") == "" {
		t.Fatalf("404 without a message: %v", res)
	}
	if e.do("GET", "/networkDevices", nil).Expect(t, 200).Len("result") != 2 {
		t.Fatal("deleted device still listed")
	}
	e.do("PUT", fmt.Sprintf("/networkDevices/%d", id), map[string]any{"name": "x"}).Expect(t, 404)
	e.do("DELETE", fmt.Sprintf("/networkDevices/%d", id), nil).Expect(t, 404)
	e.do("GET", "/networkDevices/abc/extendedDetails", nil).Expect(t, 404)
}

// TestDeviceRefusals: bad input is Laravel's 422 naming the field, and nothing is written.
func TestDeviceRefusals(t *testing.T) {
	e := newEnv(t)
	base := func(over map[string]any) map[string]any {
		b := map[string]any{"deviceType": "snmp_switch", "name": "S", "host": "10.0.0.9", "snmpCommunity": "c", "snmpVersion": "2c", "agentId": 1}
		for k, v := range over {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	cases := []struct {
		body  map[string]any
		field string
	}{
		{base(map[string]any{"host": "not a host!"}), "host"},
		{base(map[string]any{"agentId": 77}), "agentId"},
		{base(map[string]any{"snmpCommunity": nil}), "snmpCommunity"},
		{base(map[string]any{"snmpVersion": nil}), "snmpVersion"},
		{base(map[string]any{"snmpVersion": "4"}), "snmpVersion"},
		{base(map[string]any{"deviceType": "toaster"}), "deviceType"},
		{base(map[string]any{"name": nil}), "name"},
		{base(map[string]any{"enableAdvancedManagement": true}), "managementVendor"},
		{base(map[string]any{"meta": "flat"}), "meta"},
		{base(map[string]any{"deviceType": "telejetDigiOne", "snmpCommunity": nil}), "port"},
	}
	for i, tc := range cases {
		res := e.do("POST", "/networkDevices", tc.body).Expect(t, 422)
		if res.Get("errors", tc.field) == nil {
			t.Fatalf("case %d: no error on %s: %v", i, tc.field, res)
		}
	}
	if n := e.do("GET", "/networkDevices", nil).Expect(t, 200).Len("result"); n != 2 {
		t.Fatalf("%d devices after refusals, want 2", n)
	}
	// A switch with servers on it cannot become a PDU.
	e.do("PUT", "/networkDevices/1", map[string]any{"deviceType": "apc"}).Expect(t, 422)
	if e.do("GET", "/networkDevices/1", nil).Expect(t, 200).String("result", "deviceType") != "snmp_switch" {
		t.Fatal("refused update written")
	}
	// PDUs and console servers get their own ports.
	res := e.do("POST", "/networkDevices", base(map[string]any{"deviceType": "sentry4", "snmpVersion": nil})).Expect(t, 200)
	if res.Len("result", "ports") != 8 || res.String("result", "ports", 0, "name") != "Outlet 1" || res.String("result", "rootType") != "pdu" {
		t.Fatalf("PDU: %v", res)
	}
}

// TestDevicesAdminOnly: resellers and end users may not reach network devices.
func TestDevicesAdminOnly(t *testing.T) {
	e := newEnv(t)
	for _, user := range []int64{2, 3, 4} {
		e.as(user, "GET", "/networkDevices", nil).Expect(t, 403)
		e.as(user, "GET", "/networkDevices/1", nil).Expect(t, 403)
		e.as(user, "GET", "/networkDevices/1/extendedDetails", nil).Expect(t, 403)
		e.as(user, "POST", "/networkDevices/1/actions/setPortDisabled", map[string]any{"portId": 1}).Expect(t, 403)
		e.as(user, "POST", "/networkDevices/1/actions/testConnectivity", nil).Expect(t, 403)
		e.as(user, "DELETE", "/networkDevices/1", nil).Expect(t, 403)
		e.as(user, "POST", "/networkDevices", map[string]any{"deviceType": "apc", "name": "P", "host": "10.0.0.1", "snmpCommunity": "c", "agentId": 1}).Expect(t, 403)
	}
	if e.extended(1).Int("result", "extendedDetails", "ports", 0, "id") != 1 {
		t.Fatal("device changed")
	}
	if n := e.do("GET", "/networkDevices", nil).Expect(t, 200).Len("result"); n != 2 {
		t.Fatalf("%d devices, want 2", n)
	}
}

// TestPortDisableTakesConnectionOffline: disabling a switch port makes the server's switch
// port connection test offline, and enabling it brings it back; the device's action log and
// the server's activity log keep both.
func TestPortDisableTakesConnectionOffline(t *testing.T) {
	e := newEnv(t)
	conn := e.conn(1, "snmp_switch")
	if got := e.test(1, conn); got != "online" {
		t.Fatalf("switch port connection: %s", got)
	}
	e.action(1, "setPortDisabled", map[string]any{"portId": "ge-0/0/0"}).Expect(t, 200)
	if got := e.test(1, conn); got != "offline" {
		t.Fatalf("after setPortDisabled: %s", got)
	}
	ext := e.extended(1)
	i := port(ext, 1)
	if ext.String("result", "extendedDetails", "ports", i, "portAdminStatus") != "2" || ext.String("result", "extendedDetails", "ports", i, "portOperStatus") != "2" ||
		ext.String("result", "extendedDetails", "interfaces", 0, "portAdminStatus") != "disabled" {
		t.Fatalf("port 1 after disable: %v", ext)
	}
	if got := e.test(2, e.conn(2, "snmp_switch")); got != "online" {
		t.Fatalf("server 2's port: %s", got)
	}
	e.action(1, "setPortEnabled", map[string]any{"portId": 1}).Expect(t, 200)
	if got := e.test(1, conn); got != "online" {
		t.Fatalf("after setPortEnabled: %s", got)
	}
	logs := e.action(1, "getActionLogs", nil).Expect(t, 200)
	if logs.Len("result") != 2 || logs.String("result", 0, "action") != "setPortEnabled" || logs.String("result", 1, "action") != "setPortDisabled" ||
		logs.Int("result", 1, "portId") != 1 || logs.String("result", 1, "username") != "adm" {
		t.Fatalf("action log: %v", logs)
	}
	if !e.hasActivity(1, "serverNetwork", "Disabled port ge-0/0/0 of network device EX3200") ||
		!e.hasActivity(1, "serverNetwork", "Enabled port ge-0/0/0 of network device EX3200") {
		t.Fatal("no activity entries on the server")
	}
	// The server's own port actions do the same (an end user may read, not switch).
	e.as(3, "POST", fmt.Sprintf("/servers/1/connections/%d/getPortStatus", conn), map[string]any{}).Expect(t, 200)
	e.as(3, "POST", fmt.Sprintf("/servers/1/connections/%d/setPortDisabled", conn), map[string]any{}).Expect(t, 403)
	e.do("POST", fmt.Sprintf("/servers/1/connections/%d/setPortDisabled", conn), map[string]any{}).Expect(t, 200)
	res := e.do("POST", fmt.Sprintf("/servers/1/connections/%d/getPortStatus", conn), map[string]any{}).Expect(t, 200)
	if res.String("result", "portAdminStatus") != "disabled" || e.test(1, conn) != "offline" {
		t.Fatalf("port status: %v", res)
	}
	e.do("POST", fmt.Sprintf("/servers/1/connections/%d/setPortEnabled", conn), map[string]any{}).Expect(t, 200)
	if e.test(1, conn) != "online" {
		t.Fatal("port not back")
	}
	// Unknown ports and actions.
	e.action(1, "setPortDisabled", map[string]any{"portId": "xe-9/9/9"}).Expect(t, 422)
	e.action(1, "setPortDisabled", map[string]any{}).Expect(t, 422)
	e.action(1, "explode", nil).Expect(t, 422)
	e.action(99, "getFeatures", nil).Expect(t, 404)
}

// TestUnreachableDevice: a device whose host does not answer fails testConnectivity (cached as
// a failure), its connections test offline and its actions are refused.
func TestUnreachableDevice(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/networkDevices/1/actions/testConnectivity", map[string]any{"useCache": false}).Expect(t, 200)
	e.do("PUT", "/networkDevices/1", map[string]any{"host": "ex3200.invalid"}).Expect(t, 200)
	if got := e.test(1, e.conn(1, "snmp_switch")); got != "offline" {
		t.Fatalf("connection to an unreachable switch: %s", got)
	}
	res := e.do("POST", "/networkDevices/1/actions/testConnectivity", map[string]any{"useCache": true}).Expect(t, 422)
	if res.Get("errors", "host") == nil {
		t.Fatalf("no error on host: %v", res)
	}
	ext := e.extended(1)
	if ext.Int("result", "statusCache", "content", "success") != 0 || !strings.Contains(ext.String("result", "statusCache", "content", "result"), "ex3200.invalid") {
		t.Fatalf("status cache: %v", ext)
	}
	e.action(1, "setPortDisabled", map[string]any{"portId": 1}).Expect(t, 422)
	e.action(1, "getFeatures", nil).Expect(t, 200)
	e.action(1, "clearCache", nil).Expect(t, 200)
	if e.do("GET", "/networkDevices/1", nil).Expect(t, 200).Len("result", "statusCache") != 0 {
		t.Fatal("cache not cleared")
	}
	e.do("PUT", "/networkDevices/1", map[string]any{"host": "10.10.0.2"}).Expect(t, 200)
	e.do("POST", "/networkDevices/1/actions/testConnectivity", map[string]any{"useCache": true}).Expect(t, 200)
	if got := e.test(1, e.conn(1, "snmp_switch")); got != "online" {
		t.Fatalf("connection back: %s", got)
	}
}

// TestVlanActions: VLANs are created, renamed, put on interfaces (access and trunk) and taken
// off them; extendedDetails shows them, and the VLANs stay on the switch.
func TestVlanActions(t *testing.T) {
	e := newEnv(t)
	e.action(1, "createVlan", map[string]any{"id": "300", "name": "vlan300", "l3Ips": []string{"10.30.0.1/24"}}).Expect(t, 200)
	e.action(1, "createVlan", map[string]any{"id": 300, "name": "again"}).Expect(t, 422)
	e.action(1, "createVlan", map[string]any{"id": 5000, "name": "big"}).Expect(t, 422)
	e.action(1, "createVlan", map[string]any{"id": 301, "name": "v", "l3Ips": []string{"nope"}}).Expect(t, 422)
	e.action(1, "createVlan", map[string]any{"id": 310, "name": "vlan310"}).Expect(t, 200)
	e.action(1, "updateVlan", map[string]any{"id": 300, "name": "customers", "l3Ips": []string{"10.30.0.1/24", "10.31.0.1/24"}}).Expect(t, 200)
	e.action(1, "updateVlan", map[string]any{"id": 999}).Expect(t, 422)
	e.action(1, "updateInterface", map[string]any{"portId": "ge-0/0/6", "accessVlan": "300", "description": "customer uplink"}).Expect(t, 200)
	e.action(1, "updateInterface", map[string]any{"portId": 8, "trunkNativeVlan": "300", "trunkVlans": []int{100, 310}}).Expect(t, 200)
	e.action(1, "updateInterface", map[string]any{"portId": 9, "accessVlan": "777"}).Expect(t, 422)
	e.action(1, "updateInterface", map[string]any{"portId": 9, "accessVlan": "300", "trunkVlans": []int{100}}).Expect(t, 422)

	ext := e.extended(1)
	vlans := map[int64]string{}
	for i := 0; i < ext.Len("result", "extendedDetails", "vlans"); i++ {
		vlans[ext.Int("result", "extendedDetails", "vlans", i, "id")] = ext.String("result", "extendedDetails", "vlans", i, "name")
	}
	if !reflect.DeepEqual(vlans, map[int64]string{1: "default", 100: "servers", 300: "customers", 310: "vlan310"}) {
		t.Fatalf("VLANs: %v", vlans)
	}
	if got := strs(ext, "result", "extendedDetails", "vlans", 2, "l3Ips"); strings.Join(got, ",") != "10.30.0.1/24,10.31.0.1/24" {
		t.Fatalf("l3Ips: %v", got)
	}
	iface := func(i int) (string, []string) {
		var out []string
		for j := 0; j < ext.Len("result", "extendedDetails", "interfaces", i, "vlans"); j++ {
			v := ext.Get("result", "extendedDetails", "interfaces", i, "vlans", j).(map[string]any)
			kind := "trunk"
			if v["isAccessVlan"] == true {
				kind = "access"
			} else if v["isNativeVlan"] == true {
				kind = "native"
			}
			out = append(out, fmt.Sprintf("%v:%s", v["id"], kind))
		}
		return ext.String("result", "extendedDetails", "interfaces", i, "mode"), out
	}
	if mode, v := iface(6); mode != "access" || strings.Join(v, ",") != "300:access" ||
		ext.String("result", "extendedDetails", "ports", 6, "alias") != "customer uplink" {
		t.Fatalf("port 7: %s %v", mode, v)
	}
	if mode, v := iface(7); mode != "trunk" || strings.Join(v, ",") != "300:native,100:trunk,310:trunk" {
		t.Fatalf("port 8: %s %v", mode, v)
	}
	e.action(1, "deleteVlanFromInterface", map[string]any{"portId": 8, "vlanId": 310}).Expect(t, 200)
	e.action(1, "deleteVlanFromInterface", map[string]any{"portId": 8, "vlanId": 310}).Expect(t, 422)
	e.action(1, "setInterfaceDescription", map[string]any{"portId": 8, "description": "trunk to rack 2"}).Expect(t, 200)
	ext = e.extended(1)
	if _, v := iface(7); strings.Join(v, ",") != "300:native,100:trunk" || ext.String("result", "extendedDetails", "ports", 7, "alias") != "trunk to rack 2" {
		t.Fatalf("port 8 after removal: %v", v)
	}
	if ext.Len("result", "extendedDetails", "vlans") != 4 {
		t.Fatal("VLAN 310 left the switch with the interface")
	}
	// A switch without advanced management has no VLAN actions.
	e.do("PUT", "/networkDevices/1", map[string]any{"enableAdvancedManagement": false}).Expect(t, 200)
	e.action(1, "createVlan", map[string]any{"id": 320, "name": "x"}).Expect(t, 422)
	if f := e.action(1, "getFeatures", nil).Expect(t, 200); f.Get("result", "createVlan") != nil || f.Get("result", "setPortDisabled") == nil {
		t.Fatalf("features without advanced management: %v", f)
	}
	if e.extended(1).Get("result", "extendedDetails", "interfaces") != nil {
		t.Fatal("interfaces without advanced management")
	}
}

// TestStatistics: the same clock gives the same statistics; a disabled port carries nothing
// from the moment it was disabled; the period follows the clock.
func TestStatistics(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"portIds": []string{"1", "ge-0/0/1"}, "groupBy": "1h"}
	a := e.action(1, "getStatistics", body).Expect(t, 200)
	b := e.action(1, "getStatistics", body).Expect(t, 200)
	if string(a.Body) != string(b.Body) {
		t.Fatal("statistics differ for the same clock")
	}
	if a.Len("result", "ports") != 2 || a.Len("result", "ports", 0, "series", 0, "data") != 25 || a.String("result", "groupBy") != "1h" {
		t.Fatalf("statistics: %v", a)
	}
	if fmt.Sprint(a.Get("result", "ports", 0, "summary", "in", "max")) == "0" {
		t.Fatal("no traffic on a connected port")
	}
	e.action(1, "setPortDisabled", map[string]any{"portId": 1}).Expect(t, 200)
	e.advance(3 * time.Hour)
	c := e.action(1, "getStatistics", body).Expect(t, 200)
	if c.Int("result", "to") != a.Int("result", "to")+3*3600 {
		t.Fatalf("period did not follow the clock: %v", c.Get("result", "to"))
	}
	data := c.Get("result", "ports", 0, "series", 0, "data").([]any)
	for _, p := range data[len(data)-3:] {
		if v := p.([]any)[1]; fmt.Sprint(v) != "0" {
			t.Fatalf("disabled port carries %v", v)
		}
	}
	e.action(1, "getStatistics", map[string]any{"groupBy": "fortnightly"}).Expect(t, 422)
	e.action(1, "getStatistics", map[string]any{"from": "yesterday"}).Expect(t, 422)
	e.action(1, "getStatistics", map[string]any{"portIds": []string{"ge-9/9/9"}}).Expect(t, 422)
	pdu := e.action(2, "getStatistics", map[string]any{"portIds": []int{5}}).Expect(t, 200)
	if pdu.String("result", "ports", 0, "unit") != "W" || pdu.String("result", "ports", 0, "series", 0, "name") != "power" {
		t.Fatalf("PDU statistics: %v", pdu)
	}
}

// TestDeleteDeviceCascades: deleting the PDU removes the connections to its outlets, and the
// server it powered loses its power provider.
func TestDeleteDeviceCascades(t *testing.T) {
	e := newEnv(t)
	if got := e.server(5).String("result", "powerprovider", "type"); got != "pdu" {
		t.Fatalf("server 5 power: %s", got)
	}
	e.do("DELETE", "/networkDevices/2", nil).Expect(t, 200)
	s := e.server(5)
	if s.String("result", "powerprovider", "type") != "none" || len(strs(s, "result", "powerprovider", "supportedFeatures")) != 0 {
		t.Fatalf("server 5 after its PDU went: %v", s)
	}
	if len(e.connections(5)["pdu"]) != 0 {
		t.Fatal("PDU connection left")
	}
	e.do("GET", "/servers/5/power/setPowerOff", nil).Expect(t, 422)
}
