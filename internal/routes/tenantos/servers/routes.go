// Package servers is the Tenantos operations on servers: the inventory (list, get, create,
// update, delete, tags, search), power, console, statistics and OS provisioning.
//
// Every handler is a method of group named after its operationId. Servers are scoped to the
// caller's owner chain: a server whose owner the caller does not manage is answered as one
// that does not exist (404). Slow work runs as jobs on the world's clock:
//
//   - servers.powerStatus: the panel's cached power status (cachedPowerstatus) follows the
//     server's power state p.Fx.Timings.PowerStatus seconds after a power action;
//   - servers.install: one step of a provisioning run (install, rescue, password reset, disk
//     wipe), each step taking the seconds p.Fx.Provisioning gives it.
package servers

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// group is the servers group: its handlers and jobs share the provider.
type group struct {
	p *tenantos.Provider
}

// Job names of the group.
const (
	jobPowerStatus = "servers.powerStatus"
	jobInstall     = "servers.install"
)

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	g := &group{p: p}
	p.AddJob(jobPowerStatus, g.powerStatusJob)
	p.AddJob(jobInstall, g.installJob)
	return map[string]echo.HandlerFunc{
		// Server Basic Operations
		"listServers":      g.listServers,
		"createServer":     g.createServer,
		"getServerByIp":    g.getServerByIp,
		"getServersByTags": g.getServersByTags,
		"listServerTags":   g.listServerTags,
		"getServer":        g.getServer,
		"updateServer":     g.updateServer,
		"deleteServer":     g.deleteServer,
		"startConsole":     g.startConsole,
		"deleteTag":        g.deleteTag,
		"renameTag":        g.renameTag,
		// Search Function
		"quickSearch": g.quickSearch,
		// Server Power
		"runServerPowerAction": g.runServerPowerAction,
		"executeBmcCommand":    g.executeBmcCommand,
		// Server Statistics
		"getAvailableStatistics": g.getAvailableStatistics,
		"getCpuStatistics":       g.getCpuStatistics,
		"getMemoryStatistics":    g.getMemoryStatistics,
		"getNetworkStatistics":   g.getNetworkStatistics,
		"getDiskIoStatistics":    g.getDiskIoStatistics,
		"getIpmiStatistics":      g.getIpmiStatistics,
		// Server OS Provisioning
		"listInstallProfiles": g.listInstallProfiles,
		"startReinstallation": g.startReinstallation,
		"getInstallStatus":    g.getInstallStatus,
		"stopReinstallation":  g.stopReinstallation,
		"executePostCommand":  g.executePostCommand,
		"getOsLogo":           g.getOsLogo,
		// PXE Basic Operations (the OS list of billing modules)
		"listOperatingSystems": g.listOperatingSystems,
	}
}
