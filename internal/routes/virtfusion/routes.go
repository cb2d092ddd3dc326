package virtfusion

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
)

// reusable are the reads whose answers depend on nothing but the world, the URL and the
// clock: kept while the world is unchanged (provider.Reused).
var reusable = provider.ReusableOps{
	"getServer": true, "listServers": true, "listHypervisors": true, "getHypervisor": true,
	"listHypervisorGroups": true, "getHypervisorGroup": true, "listPackages": true, "getPackage": true,
}

// ReusableAnswer implements provider.Reuser: every credential of a world sees the same.
func (p *Provider) ReusableAnswer(c echo.Context) (string, bool) {
	return reusable.ReusableAnswer(c)
}

// Handlers is the route table: one handler per operationId of specs/virtfusion.yaml. Paths
// and methods come from the document.
func (p *Provider) Handlers() map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{
		"testConnection": p.testConnection,

		"listHypervisors":             p.listHypervisors,
		"getHypervisor":               p.getHypervisor,
		"listHypervisorGroups":        p.listHypervisorGroups,
		"getHypervisorGroup":          p.getHypervisorGroup,
		"getHypervisorGroupResources": p.getHypervisorGroupResources,

		"listPackages":        p.listPackages,
		"getPackage":          p.getPackage,
		"getPackageTemplates": p.getPackageTemplates,
		"getServerTemplates":  p.getServerTemplates,

		"createUser":              p.createUser,
		"getUserByExtRelation":    p.getUserByExtRelation,
		"deleteUserByExtRelation": p.deleteUserByExtRelation,

		"createServer":     p.createServer,
		"getServer":        p.getServer,
		"listServers":      p.listServers,
		"listUserServers":  p.listUserServers,
		"modifyServerName": p.modifyServerName,
		"deleteServer":     p.deleteServer,
		"suspendServer":    p.suspendServer,
		"unsuspendServer":  p.unsuspendServer,
		"buildServer":      p.buildServer,

		"bootServer":     p.power("boot"),
		"shutdownServer": p.power("shutdown"),
		"restartServer":  p.power("restart"),
		"poweroffServer": p.power("poweroff"),
		"getQueueItem":   p.getQueueItem,

		// network
		"getFirewall":            p.getFirewall,
		"enableFirewall":         p.enableFirewall,
		"disableFirewall":        p.disableFirewall,
		"applyFirewallRulesets":  p.applyFirewallRulesets,
		"addWhitelistAddress":    p.addWhitelistAddress,
		"removeWhitelistAddress": p.removeWhitelistAddress,
		"addIPv4Quantity":        p.addIPv4Quantity,
		"addIPv4Addresses":       p.addIPv4Addresses,
		"removeIPv4Addresses":    p.removeIPv4Addresses,
		"listIPBlocks":           p.listIPBlocks,
		"getIPBlock":             p.getIPBlock,
		"addIPBlockRange":        p.addIPBlockRange,

		// server settings
		"getServerTrafficBlocks":   p.getServerTrafficBlocks,
		"addServerTrafficBlock":    p.addServerTrafficBlock,
		"removeServerTrafficBlock": p.removeServerTrafficBlock,
		"getServerTraffic":         p.getServerTraffic,
		"modifyServerTraffic":      p.modifyServerTraffic,
		"modifyServerBackupPlan":   p.modifyServerBackupPlan,
		"changeServerPackage":      p.changeServerPackage,
		"resetServerPassword":      p.resetServerPassword,
		"changeServerOwner":        p.changeServerOwner,
		"toggleServerVnc":          p.toggleServerVnc,
		"getServerVnc":             p.getServerVnc,
		"throttleServerCpu":        p.throttleServerCpu,
		"modifyServerMemory":       p.modifyServerMemory,
		"modifyServerCpuCores":     p.modifyServerCpuCores,
		"setServerCustomXml":       p.setServerCustomXml,
		"modifyServerBackupAccess": p.modifyServerBackupAccess,

		// accounts
		"modifyUserByExtRelation":              p.modifyUserByExtRelation,
		"resetUserPasswordByExtRelation":       p.resetUserPasswordByExtRelation,
		"createUserAuthenticationTokens":       p.createUserAuthenticationTokens,
		"createUserServerAuthenticationTokens": p.createUserServerAuthenticationTokens,
		"addSshKey":                            p.addSshKey,
		"getSshKey":                            p.getSshKey,
		"deleteSshKey":                         p.deleteSshKey,
		"listUserSshKeys":                      p.listUserSshKeys,
		"listServerBackups":                    p.listServerBackups,
		"getDnsService":                        p.getDnsService,
		"getIso":                               p.getIso,

		// self service
		"addCreditToUser":                    p.addCreditToUser,
		"cancelCredit":                       p.cancelCredit,
		"addHourlyGroupProfileToUser":        p.addHourlyGroupProfileToUser,
		"removeHourlyGroupProfileFromUser":   p.removeHourlyGroupProfileFromUser,
		"addResourceGroupProfileToUser":      p.addResourceGroupProfileToUser,
		"removeResourceGroupProfileFromUser": p.removeResourceGroupProfileFromUser,
		"setHourlyResourcePack":              p.setHourlyResourcePack,
		"modifyUserAccess":                   p.modifyUserAccess,
		"addResourcePackToUser":              p.addResourcePackToUser,
		"getResourcePack":                    p.getResourcePack,
		"modifyResourcePack":                 p.modifyResourcePack,
		"deleteResourcePack":                 p.deleteResourcePack,
		"suspendResourcePackServers":         p.suspendResourcePackServers,
		"unsuspendResourcePackServers":       p.unsuspendResourcePackServers,
		"deleteResourcePackServers":          p.deleteResourcePackServers,
		"getHourlyStats":                     p.getHourlyStats,
		"getUserUsage":                       p.getUserUsage,
		"generateReport":                     p.generateReport,
		"listCurrencies":                     p.listCurrencies,
	}
}
