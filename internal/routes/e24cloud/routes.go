package e24cloud

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
)

// reusable are the reads whose answers depend on nothing but the world, the URL and the
// clock: kept while the world is unchanged (provider.Reused).
var reusable = provider.ReusableOps{
	"listRegions":        true,
	"listTemplates":      true,
	"listVMs":            true,
	"getVM":              true,
	"listStorageVolumes": true,
	"getStorageVolume":   true,
	"listIPv4Addresses":  true,
	"getIPv4Address":     true,
}

// ReusableAnswer implements provider.Reuser: every credential of a world sees the same.
func (p *Provider) ReusableAnswer(c echo.Context) (string, bool) { return reusable.ReusableAnswer(c) }

// Handlers is the route table: one handler per operationId of specs/e24cloud.yaml. Each is
// wrapped in jsonOnly (a body read without a JSON content type is a leniency).
func (p *Provider) Handlers() map[string]echo.HandlerFunc {
	routes := map[string]echo.HandlerFunc{
		"listRegions":   p.listRegions,
		"listTemplates": p.listTemplates,

		"createVM":   p.createVM,
		"listVMs":    p.listVMs,
		"getVM":      p.getVM,
		"renameVM":   p.renameVM,
		"consoleVM":  p.consoleVM,
		"deleteVM":   p.deleteVM,
		"resizeVM":   p.resizeVM,
		"shutdownVM": p.powerAction(actShutdown),
		"poweroffVM": p.powerAction(actPowerOff),
		"poweronVM":  p.powerAction(actPowerOn),
		"rebootVM":   p.powerAction(actReboot),
		"resetVM":    p.powerAction(actReset),

		// storage volumes, disk images, recovery points, IPv4 addresses, VLANs, VxLANs
		"listStorageVolumes":  p.listStorageVolumes,
		"getStorageVolume":    p.getStorageVolume,
		"createStorageVolume": p.createStorageVolume,
		"attachStorageVolume": p.attachStorageVolume,
		"detachStorageVolume": p.detachStorageVolume,
		"deleteStorageVolume": p.deleteStorageVolume,
		"listDiskImages":      p.listDiskImages,
		"getDiskImage":        p.getDiskImage,
		"createDiskImage":     p.createDiskImage,
		"deleteDiskImage":     p.deleteDiskImage,
		"listRecoveryPoints":  p.listRecoveryPoints,
		"createRecoveryPoint": p.createRecoveryPoint,
		"deleteRecoveryPoint": p.deleteRecoveryPoint,
		"listIPv4Addresses":   p.listIPv4Addresses,
		"getIPv4Address":      p.getIPv4Address,
		"allocateIPv4Address": p.allocateIPv4Address,
		"attachIPv4Address":   p.attachIPv4Address,
		"detachIPv4Address":   p.detachIPv4Address,
		"deleteIPv4Address":   p.deleteIPv4Address,
		"listVLANs":           p.listVLANs,
		"attachVLAN":          p.attachVLAN,
		"detachVLAN":          p.detachVLAN,
		"listVXLANs":          p.listVXLANs,
		"createVXLAN":         p.createVXLAN,
		"attachVXLAN":         p.attachVXLAN,
		"detachVXLAN":         p.detachVXLAN,
		"deleteVXLAN":         p.deleteVXLAN,

		// security groups and their firewall rules
		"listGroups":          p.listGroups,
		"listGroupsPost":      p.listGroupsPost,
		"createGroup":         p.createGroup,
		"getGroup":            p.getGroup,
		"deleteGroup":         p.deleteGroup,
		"groupAttachUser":     p.groupAttachUser,
		"groupDetachUser":     p.groupDetachUser,
		"groupAttachVM":       p.groupAttachVM,
		"groupDetachVM":       p.groupDetachVM,
		"groupAttachResource": p.groupAttachResource,
		"groupDetachResource": p.groupDetachResource,
		"groupAddRule":        p.groupAddRule,
		"groupDeleteRule":     p.groupDeleteRule,

		// account, API keys, SSH keys; the reseller's accounts
		"getAccount":        p.getAccount,
		"updateAccountData": p.updateAccountData,
		"createAPIKey":      p.createAPIKey,
		"newAPISecretKey":   p.newAPISecretKey,
		"deleteAPIKey":      p.deleteAPIKey,
		"addSSHKey":         p.addSSHKey,
		"deleteSSHKey":      p.deleteSSHKey,
		"newFilesSecretKey": p.newFilesSecretKey,
		"createAccount":     p.createAccount,
		"listAccounts":      p.listAccounts,
	}
	for id, h := range routes {
		routes[id] = jsonOnly(h)
	}
	return routes
}
