package devices

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// The default world's network: switch 1 (a Juniper EX3200 with advanced management, VLAN 100
// "servers") has server N on port N (ge-0/0/N-1), and PDU 2 (an APC) powers server 5 on
// outlet 5. Every dedicated server of the fixtures is reached through remote agent 1 for PXE
// and DHCP; the IPMI servers have an IPMI connection (power management and remote console),
// whose BMC holds ADMIN in slot 2 and the panel's console user in slot 3. The servers'
// providers are then made what these connections give them (server 5, on its PDU only, has
// no console).
const (
	seedSwitchID = 1
	seedPduID    = 2
	seedVlan     = 100
)

// seed writes the group's part of a new world (a tenantos.Seeder).
func seed(p *tenantos.Provider, tx *tenantos.Tx) error {
	now := tx.Now
	since := now.Add(-90 * 24 * time.Hour)
	secret := func() string { return provider.Credentials().Password(true, true, true, false, false, 16) }
	vendor, port, on := "juniperSsh", int64(22), true
	sw := &tenantos.NetworkDevice{ID: seedSwitchID, Name: "EX3200", Host: "10.10.0.2", DeviceType: "snmp_switch",
		Kind: tenantos.DeviceSwitch, SnmpCommunity: secret(), SnmpVersion: "2c", AgentID: 1, Features: []string{"bw_collection"},
		Meta: json.RawMessage(`{"cachePorts":true}`), EnableAdvancedManagement: &on, ManagementVendor: &vendor, ManagementPort: &port,
		ManagementUser: "root", ManagementPassword: secret(), Logs: []tenantos.DeviceLog{}, Created: since, Updated: since}
	discoverPorts(sw)
	sw.Vlans = append(sw.Vlans, tenantos.Vlan{ID: seedVlan, Name: "servers", L3IPs: []string{}})
	pdu := &tenantos.NetworkDevice{ID: seedPduID, Name: "PDU-FRA-A1", Host: "10.10.0.3", DeviceType: "apc", Kind: tenantos.DevicePDU,
		SnmpCommunity: secret(), AgentID: 1, Features: []string{}, Meta: json.RawMessage("[]"), Logs: []tenantos.DeviceLog{},
		Created: since, Updated: since}
	discoverPorts(pdu)
	servers, err := tenantos.Servers.All(tx)
	if err != nil {
		return err
	}
	for _, s := range servers {
		if s.VM != nil || s.TypeOfServer != "dedicated" {
			continue
		}
		if err := seedServer(p, tx, s, sw, pdu, secret()); err != nil {
			return err
		}
	}
	for _, d := range []*tenantos.NetworkDevice{sw, pdu} {
		if err := tenantos.NetworkDevices.Put(tx, d.ID, d); err != nil {
			return err
		}
	}
	return nil
}

// seedServer gives a fixture server its connections and makes its providers follow them.
func seedServer(p *tenantos.Provider, tx *tenantos.Tx, s *tenantos.Server, sw, pdu *tenantos.NetworkDevice, password string) error {
	agent := s.AgentID
	if agent == 0 {
		agent = 1
	}
	if s.PowerType == "ipmi" {
		meta := map[string]any{"username": "ADMIN", "password": password, "ip": fmt.Sprintf("10.10.20.%d", s.ID),
			"javaVersion": "auto", "bmcPort": "623"}
		if _, err := tenantos.NewConnection(tx, s, agent, tenantos.ConnIPMI, nil, meta); err != nil {
			return err
		}
	}
	if s.ReinstallationProvider == "pxe" {
		if _, err := tenantos.NewConnection(tx, s, agent, tenantos.ConnPXE, nil, map[string]any{}); err != nil {
			return err
		}
		mac := p.Faker("server-mac", s.ID).MacAddress()
		if _, err := tenantos.NewConnection(tx, s, agent, tenantos.ConnDHCP, nil, map[string]any{"pxe_mac": mac}); err != nil {
			return err
		}
	}
	if port := sw.PortByID(s.ID); port != nil {
		meta := map[string]any{"switchId": sw.ID, "portId": port.ID}
		if _, err := tenantos.NewConnection(tx, s, 0, tenantos.ConnSwitch, nil, meta); err != nil {
			return err
		}
		port.AccessVlan, port.Alias = seedVlan, s.Servername
	}
	if s.PowerType == "pdu" {
		if outlet := pdu.PortByID(s.ID); outlet != nil {
			meta := map[string]any{"pduId": pdu.ID, "portId": outlet.ID}
			if _, err := tenantos.NewConnection(tx, s, 0, tenantos.ConnPDU, nil, meta); err != nil {
				return err
			}
			outlet.Alias = s.Servername
		}
	}
	if err := p.SyncConnections(tx, s); err != nil {
		return err
	}
	return tenantos.Servers.Put(tx, s.ID, s)
}
