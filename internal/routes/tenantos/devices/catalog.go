package devices

import (
	"fmt"
	"strings"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// What the simulator knows of each kind of device: SNMP switches have 24 ports, PDUs 8
// outlets and console servers (Raritan Dominion, Digi One) 16 serial ports, discovered when
// the device is added (the panel's first SNMP walk). Port ids are the SNMP interface indexes,
// 1 to n.
const (
	switchPorts  = 24
	pduOutlets   = 8
	consolePorts = 16
)

// kindOf is what a deviceType is: a switch, a console server or a PDU.
func kindOf(deviceType string) string {
	switch deviceType {
	case "snmp_switch":
		return tenantos.DeviceSwitch
	case "telejetDigiOne", "raritanDominionSX", "raritanDominionKXII", "raritanDominionKXIII":
		return tenantos.DeviceConsole
	}
	return tenantos.DevicePDU
}

// needsCommunity: the device types reached over SNMP with a community.
func needsCommunity(deviceType string) bool {
	switch deviceType {
	case "telejetDigiOne", "raritanDominionSX", "raritanDominionKXII", "raritanDominionKXIII":
		return false
	}
	return true
}

// vendorOf is the switch vendor a managementVendor names ("juniperSsh" → "juniper").
func vendorOf(d *tenantos.NetworkDevice) string {
	if d.ManagementVendor == nil {
		return ""
	}
	v := strings.ToLower(*d.ManagementVendor)
	for _, known := range []string{"juniper", "arista", "cisco", "dell", "mikrotik"} {
		if strings.HasPrefix(v, known) {
			return known
		}
	}
	return ""
}

// portName is the name of port i (1-based) of a device.
func portName(d *tenantos.NetworkDevice, i int) string {
	switch d.Kind {
	case tenantos.DevicePDU:
		return fmt.Sprintf("Outlet %d", i)
	case tenantos.DeviceConsole:
		return fmt.Sprintf("Port %d", i)
	}
	switch vendorOf(d) {
	case "juniper":
		return fmt.Sprintf("ge-0/0/%d", i-1)
	case "arista":
		return fmt.Sprintf("Ethernet%d", i)
	case "cisco":
		return fmt.Sprintf("GigabitEthernet1/0/%d", i)
	case "dell":
		return fmt.Sprintf("ethernet1/1/%d", i)
	case "mikrotik":
		return fmt.Sprintf("ether%d", i)
	}
	return fmt.Sprintf("GigabitEthernet%d", i)
}

// discoverPorts gives a new device (or one whose kind changed) its ports, and a switch its
// default VLAN with every port in it.
func discoverPorts(d *tenantos.NetworkDevice) {
	n, speed, ifType := switchPorts, "1000", "6"
	switch d.Kind {
	case tenantos.DevicePDU:
		n, speed, ifType = pduOutlets, "0", "1"
	case tenantos.DeviceConsole:
		n, speed, ifType = consolePorts, "0", "33"
	}
	d.Ports, d.Vlans = nil, nil
	for i := 1; i <= n; i++ {
		p := tenantos.DevicePort{ID: int64(i), Name: portName(d, i), LinkSpeed: speed, IfType: ifType, TrunkVlans: []int64{}}
		p.Description = p.Name
		if d.Kind == tenantos.DeviceSwitch {
			p.Mode, p.AccessVlan = "access", 1
		}
		d.Ports = append(d.Ports, p)
	}
	if d.Kind == tenantos.DeviceSwitch {
		d.Vlans = []tenantos.Vlan{{ID: 1, Name: "default", L3IPs: []string{}}}
	}
}

// renamePorts follows a switch's vendor: its ports keep their ids and state.
func renamePorts(d *tenantos.NetworkDevice) {
	for i := range d.Ports {
		old := d.Ports[i].Name
		d.Ports[i].Name = portName(d, int(d.Ports[i].ID))
		if d.Ports[i].Description == old {
			d.Ports[i].Description = d.Ports[i].Name
		}
	}
}

// sysDescr is what a device answers for SNMPv2-MIB::sysDescr.0: the status cache's text.
func sysDescr(d *tenantos.NetworkDevice) string {
	switch d.Kind {
	case tenantos.DevicePDU:
		if strings.HasPrefix(d.DeviceType, "apc") {
			return "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.9.6 PN:apc_hw05_aos_696.bin AF1:v6.9.6 AN1:apc_hw05_rpdu2g_696.bin MN:AP7921B HR:05)"
		}
		return fmt.Sprintf("%s power distribution unit, %d outlets", d.DeviceType, len(d.Ports))
	case tenantos.DeviceConsole:
		return fmt.Sprintf("%s console server, %d ports", d.DeviceType, len(d.Ports))
	}
	switch vendorOf(d) {
	case "juniper":
		return "Juniper Networks, Inc. ex3200-24t Ethernet Switch, kernel JUNOS 15.1R7.9"
	case "arista":
		return "Arista Networks EOS version 4.28.3M running on an Arista Networks DCS-7050SX-64"
	case "cisco":
		return "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)"
	case "dell":
		return "Dell EMC Networking OS10 Enterprise, S4148F-ON, 10.5.2.3"
	case "mikrotik":
		return "RouterOS CRS326-24G-2S+"
	}
	return "EdgeOS v4.4.57.5578372.230112.0823"
}

// Feature lists of getFeatures: the actions of a device and the fields each takes, in the
// vendor's order and words. Switches have all of them with advanced management (SSH), the
// port and statistics ones without; PDUs switch their outlets and measure their power; console
// servers only have their cache and log.
var (
	actionBodies = map[string]string{
		"clearCache":  `[]`,
		"getFeatures": `[]`,
		"getStatistics": `{"portIds": {"type": "array", "required": false, "example": ["1", "2", "3"]}, "mode": {"type": "string", "required": false, "example": "text or graph"},` +
			` "groupBy": {"type": "string", "required": false, "example": "1d"}, "from": {"type": "datetime", "required": false, "example": "2024-08-02 09:12:27"},` +
			` "to": {"type": "datetime", "required": false, "example": "2024-09-02 09:12:27"}}`,
		"setPortEnabled":          `{"portId": {"type": "string", "required": true, "example": "ge-0/0/1"}}`,
		"setPortDisabled":         `{"portId": {"type": "string", "required": true, "example": "ge-0/0/1"}}`,
		"setInterfaceDescription": `{"portId": {"type": "string", "required": true, "example": "ge-0/0/1"}, "description": {"type": "string", "required": true, "example": "Uplink to core switch"}}`,
		"deleteVlanFromInterface": `{"portId": {"type": "string", "required": true, "example": "ge-0/0/1"}, "vlanId": {"type": "integer", "required": true, "example": 100}}`,
		"updateInterface": `{"portId": {"type": "string", "required": true, "example": "ge-0/0/1"}, "portAdminStatus": {"type": "string", "required": false, "example": "enabled"},` +
			` "trunkNativeVlan": {"type": "string", "required": false, "example": "0"}, "trunkVlans": {"type": "array", "required": false, "example": [10, 20, 30]},` +
			` "accessVlan": {"type": "string", "required": false, "example": "0"}, "description": {"type": "string", "required": false, "example": "Uplink to core switch"}}`,
		"updateVlan": `{"id": {"type": "string|integer", "required": true, "example": "30"}, "name": {"type": "string", "required": false, "example": "vlan30"},` +
			` "l3Ips": {"type": "array", "required": false, "example": ["10.10.10.1/24", "10.10.11.1/24"]}}`,
		"createVlan": `{"id": {"type": "string|integer", "required": true, "example": "30"}, "name": {"type": "string", "required": true, "example": "vlan30"},` +
			` "l3Ips": {"type": "array", "required": false, "example": ["10.10.10.1/24", "10.10.11.1/24"]}}`,
		"getActionLogs": `[]`,
	}
	switchManaged = []string{"clearCache", "getFeatures", "getStatistics", "setPortEnabled", "setPortDisabled", "setInterfaceDescription",
		"deleteVlanFromInterface", "updateInterface", "updateVlan", "createVlan", "getActionLogs"}
	switchPlain = []string{"clearCache", "getFeatures", "getStatistics", "setPortEnabled", "setPortDisabled", "setInterfaceDescription", "getActionLogs"}
	pduActions  = []string{"clearCache", "getFeatures", "getStatistics", "setPortEnabled", "setPortDisabled", "getActionLogs"}
	consoleActs = []string{"clearCache", "getFeatures", "getActionLogs"}
)

// features lists the actions a device has.
func features(d *tenantos.NetworkDevice) []string {
	switch {
	case d.AdvancedManagement():
		return switchManaged
	case d.Kind == tenantos.DeviceSwitch:
		return switchPlain
	case d.Kind == tenantos.DevicePDU:
		return pduActions
	}
	return consoleActs
}

// rootType is what the panel calls a device's kind in its answers.
func rootType(d *tenantos.NetworkDevice) string {
	switch d.Kind {
	case tenantos.DeviceSwitch:
		return "snmp_switch"
	case tenantos.DeviceConsole:
		return "console"
	}
	return "pdu"
}
