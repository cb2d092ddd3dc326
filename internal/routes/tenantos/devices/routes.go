// Package devices is the Tenantos operations on network devices (SNMP switches and PDUs), a
// server's connections (IPMI, PXE, DHCP, PDU outlets and switch ports), BMC users and
// manageable network ports.
//
// Every handler is a method of group named after its operationId. The records are the core's
// (tenantos.NetworkDevices, tenantos.Connections, tenantos.BMCs, see devices_core.go), because
// the servers group makes a new server's connections and answers ipmitool's user list.
//
// A dedicated server's connections are the truth of its power provider: adding or removing an
// IPMI connection or a PDU outlet changes its powerprovider (type, supportedFeatures), its
// console and its reinstallation provider (tenantos.Provider.SyncConnections).
//
// Network devices are the administrator's: anyone else is refused with 403. A server's
// connections are read by whoever sees the server (others get 404) and changed by
// administrators only. BMC users are managed by administrators and resellers, not end users.
//
// Slow work runs as jobs on the world's clock:
//
//   - devices.powerStatus: the panel's cached power status (cachedPowerstatus) of a server
//     follows its power state p.Fx.Timings.PowerStatus seconds after a PDU outlet or a
//     connection's power action switched it.
package devices

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// group is the devices group: its handlers and jobs share the provider.
type group struct {
	p *tenantos.Provider
}

// Job names of the group.
const jobPowerStatus = "devices.powerStatus"

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	g := &group{p: p}
	p.AddJob(jobPowerStatus, g.powerStatusJob)
	p.AddSeeder("devices", seed)
	p.OnServerDeleted("devices", forgetServer)
	return map[string]echo.HandlerFunc{
		// Network Devices
		"listNetworkDevices":              g.listNetworkDevices,
		"createNetworkDevice":             g.createNetworkDevice,
		"getNetworkDevice":                g.getNetworkDevice,
		"updateNetworkDevice":             g.updateNetworkDevice,
		"deleteNetworkDevice":             g.deleteNetworkDevice,
		"getNetworkDeviceExtendedDetails": g.getNetworkDeviceExtendedDetails,
		"testNetworkDeviceConnectivity":   g.testNetworkDeviceConnectivity,
		"runNetworkDeviceAction":          g.runNetworkDeviceAction,
		// Server Network Management
		"getManageableNetworkPorts":   g.getManageableNetworkPorts,
		"regenerateVlanConfiguration": g.regenerateVlanConfiguration,
		// Server Connections
		"listServerConnections":     g.listServerConnections,
		"createServerConnection":    g.createServerConnection,
		"getServerConnection":       g.getServerConnection,
		"updateServerConnection":    g.updateServerConnection,
		"deleteServerConnection":    g.deleteServerConnection,
		"testServerConnection":      g.testServerConnection,
		"runServerConnectionAction": g.runServerConnectionAction,
		// Server BMC User Management
		"listBmcUsers":                          g.listBmcUsers,
		"createBmcUser":                         g.createBmcUser,
		"createBmcUserWithPasswordAndPrivilege": g.createBmcUserWithPasswordAndPrivilege,
		"updateBmcUser":                         g.updateBmcUser,
		"setBmcUserPassword":                    g.setBmcUserPassword,
		"setBmcUserPrivilege":                   g.setBmcUserPrivilege,
		"enableBmcUser":                         g.enableBmcUser,
		"disableBmcUser":                        g.disableBmcUser,
		"deleteBmcUser":                         g.deleteBmcUser,
		"setBmcChannelAccess":                   g.setBmcChannelAccess,
	}
}

// forgetServer is the group's cleanup of a deleted server: its connections and its BMC go.
func forgetServer(_ *tenantos.Provider, _ echo.Context, tx *tenantos.Tx, s *tenantos.Server) error {
	return tenantos.ForgetServerConnections(tx, s.ID)
}
