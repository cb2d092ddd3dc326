package accounts

// operationPermissions is the endpoint permission (a name of the catalogue) each operation
// of the document needs; a test holds it to every operationId of specs/tenantos.yaml. open
// marks what every signed-in user may call whatever its role: the interface's own routes
// (ping, its settings, texts, formats), who the caller is, and ending an impersonation.
// {name} is replaced by the request's path value of that name (a power action is the
// permission of its method: servers.power.setPowerOn …).
var operationPermissions = map[string]string{
	// Alias Roles, Alias Users
	"listAliasRoles": "aliasRoles.index", "createAliasRole": "aliasRoles.store", "getAliasRole": "aliasRoles.show",
	"updateAliasRole": "aliasRoles.update", "deleteAliasRole": "aliasRoles.destroy",
	"listAliasUsers": "aliasUsers.index", "createAliasUser": "aliasUsers.store", "updateAliasUser": "aliasUsers.update",
	"deleteAliasUser": "aliasUsers.destroy",
	// Brands
	"listBrands": "brands.index", "createBrand": "brands.store", "getBrand": "brands.show", "updateBrand": "brands.update",
	"deleteBrand": "brands.destroy", "uploadBrandLogos": "brands.logos.store", "deleteBrandLogos": "brands.logos.destroy",
	// External Providers
	"listExternalProviders": "externalProviders.index", "createExternalProvider": "externalProviders.store",
	"getExternalProvider": "externalProviders.show", "updateExternalProvider": "externalProviders.update",
	"deleteExternalProvider": "externalProviders.destroy",
	// Files (the files attached to server comments)
	"downloadFile": "files.download", "deleteFile": "files.destroy",
	// IP Management
	"reserveIp": "ip.reserve", "unreserveIp": "ip.unreserve", "setIpComment": "ip.comment", "deleteIp": "ip.delete",
	"runIpMassAction": "ip.massaction",
	// Inventory
	"listInventoryComponents": "inventorycomponents.index", "createInventoryComponent": "inventorycomponents.store",
	"getInventoryComponent": "inventorycomponents.show", "updateInventoryComponent": "inventorycomponents.update",
	"deleteInventoryComponent": "inventorycomponents.destroy", "listInventoryCustomFields": "inventorycomponents.customfields.index",
	"createInventoryCustomField": "inventorycomponents.customfields.store", "getInventoryCustomField": "inventorycomponents.customfields.show",
	"updateInventoryCustomField": "inventorycomponents.customfields.update",
	"deleteInventoryCustomField": "inventorycomponents.customfields.destroy",
	// Network Devices
	"listNetworkDevices": "networkDevices.index", "createNetworkDevice": "networkDevices.store", "getNetworkDevice": "networkDevices.show",
	"updateNetworkDevice": "networkDevices.update", "deleteNetworkDevice": "networkDevices.destroy",
	"getNetworkDeviceExtendedDetails": "networkDevices.extendedDetails", "testNetworkDeviceConnectivity": "networkDevices.testConnectivity",
	"runNetworkDeviceAction": "networkDevices.actions",
	// Others
	"ping": open, "getSystemVersion": "system.version", "listTimezones": open, "listTimeDateFormats": open,
	"getSettingsAfterLogin": open, "getUiSettings": open, "getUiLanguage": open, "getUiVersion": open,
	// PXE
	"listOperatingSystems": "os.list", "duplicatePxeProfile": "pxe.profiles.duplicate", "duplicateDiskLayout": "pxe.disklayouts.duplicate",
	"duplicatePxeScript": "pxe.scripts.duplicate",
	"listDiskLayouts":    "pxe.disklayouts.index", "createDiskLayout": "pxe.disklayouts.store", "getDiskLayout": "pxe.disklayouts.show",
	"updateDiskLayout": "pxe.disklayouts.update", "deleteDiskLayout": "pxe.disklayouts.destroy",
	"listPxeProfiles": "pxe.profiles.index", "createPxeProfile": "pxe.profiles.store", "getPxeProfile": "pxe.profiles.show",
	"updatePxeProfile": "pxe.profiles.update", "deletePxeProfile": "pxe.profiles.destroy", "restorePxeProfile": "pxe.profiles.restore",
	"clearPxeProfileCache": "pxe.profiles.clearcache", "listPxeTags": "pxe.tags.index", "getPxeProfilesByTags": "pxe.tags.getPxeProfilesByTags",
	"listPxeScripts": "pxe.scripts.index", "createPxeScript": "pxe.scripts.store", "getPxeScript": "pxe.scripts.show",
	"updatePxeScript": "pxe.scripts.update", "deletePxeScript": "pxe.scripts.destroy",
	"getWindowsInformation": "pxe.windows.getWindowsInformation", "importWindows": "pxe.windows.importWindows",
	// Remote Agents
	"listRemoteAgents": "remoteAgents.index", "createRemoteAgent": "remoteAgents.store", "getRemoteAgent": "remoteAgents.show",
	"updateRemoteAgent": "remoteAgents.update", "deleteRemoteAgent": "remoteAgents.destroy",
	"reprovisionRemoteAgent": "remoteAgents.reprovisioning", "testRemoteAgentConnectivity": "remoteAgents.testConnectivity",
	"getRemoteAgentAssignments": "remoteAgents.getAssignments", "listIpmiKvmIsos": "remoteAgents.ipmiKvmIsos.index",
	"createIpmiKvmIso": "remoteAgents.ipmiKvmIsos.store", "getIpmiKvmIso": "remoteAgents.ipmiKvmIsos.show",
	"deleteIpmiKvmIso": "remoteAgents.ipmiKvmIsos.destroy",
	// Reverse DNS
	"listRdnsProviders": "rdns.providers.index", "createRdnsProvider": "rdns.providers.store", "getRdnsProvider": "rdns.providers.show",
	"updateRdnsProvider": "rdns.providers.update", "deleteRdnsProvider": "rdns.providers.destroy",
	"configureRdnsProvider": "rdns.providers.configure", "testRdnsProviderConnectivity": "rdns.providers.testConnectivity",
	"addRdnsProviderSubnetAssignment": "rdns.providers.addSubnetAssignment", "getSubnetRdnsAssignment": "subnets.rdnsAssignment.show",
	"createSubnetRdnsAssignment": "subnets.rdnsAssignment.store", "deleteSubnetRdnsAssignment": "subnets.rdnsAssignment.destroy",
	"getRdnsRecord": "rdns.ip.show", "setRdnsRecord": "rdns.ip.update", "deleteRdnsRecord": "rdns.ip.destroy",
	// Roles
	"listRoles": "roles.index", "createRole": "roles.store", "getRole": "roles.show", "updateRole": "roles.update",
	"deleteRole": "roles.destroy", "listPermissions": "permissions.index",
	// Search Function
	"quickSearch": "search.quicksearch",
	// Server BMC User Management, Server Power
	"listBmcUsers": "servers.bmc.users.listUsers", "createBmcUser": "servers.bmc.users.createUser",
	"createBmcUserWithPasswordAndPrivilege": "servers.bmc.users.createUserWithPasswordAndPrivilege",
	"updateBmcUser":                         "servers.bmc.users.updateUser", "deleteBmcUser": "servers.bmc.users.deleteUser",
	"enableBmcUser": "servers.bmc.users.enableUser", "disableBmcUser": "servers.bmc.users.disableUser",
	"setBmcUserPassword": "servers.bmc.users.setUserPassword", "setBmcUserPrivilege": "servers.bmc.users.setUserPrivilege",
	"setBmcChannelAccess": "servers.bmc.users.channelSetAccess", "executeBmcCommand": "servers.bmc.executeCommand",
	"runServerPowerAction": "servers.power.{serverPowerMethod}",
	// Server Backups, Server Snapshots, Task Tracking, Server Ressources (VM)
	"listServerBackups": "servers.backups.index", "createServerBackup": "servers.backups.store",
	"deleteServerBackup": "servers.backups.destroy", "restoreServerBackup": "servers.backups.restore",
	"getServerBackupAvailability": "servers.backups.available",
	"listServerSnapshots":         "servers.snapshots.index", "createServerSnapshot": "servers.snapshots.store",
	"deleteServerSnapshot": "servers.snapshots.destroy", "rollbackServerSnapshot": "servers.snapshots.rollback",
	"getServerSnapshotAvailability": "servers.snapshots.available", "getTask": "tasks.show",
	"getVmResources": "servers.vm.show", "updateVmResources": "servers.vm.update",
	// Server Basic Operations
	"listServers": "servers.index", "createServer": "servers.store", "getServer": "servers.show", "updateServer": "servers.update",
	"deleteServer": "servers.destroy", "getServerByIp": "servers.getByIp", "getServersByTags": "servers.getByTags",
	"listServerTags": "servers.tags.index", "renameTag": "tags.rename", "deleteTag": "tags.delete", "startConsole": "servers.console.start",
	// Server Comments
	"listServerComments": "servers.comments.index", "createServerComment": "servers.comments.store",
	"getServerComment": "servers.comments.show", "updateServerComment": "servers.comments.update",
	"deleteServerComment": "servers.comments.destroy",
	// Server Connections
	"listServerConnections": "servers.connections.index", "createServerConnection": "servers.connections.store",
	"getServerConnection": "servers.connections.show", "updateServerConnection": "servers.connections.update",
	"deleteServerConnection": "servers.connections.destroy", "testServerConnection": "servers.connections.test",
	"runServerConnectionAction": "servers.connections.actions",
	// Server IP Assignments
	"listIpAssignments": "servers.ipassignments.index", "createIpAssignment": "servers.ipassignments.store",
	"updateIpAssignment": "servers.ipassignments.update", "deleteIpAssignment": "servers.ipassignments.destroy",
	"getAssignableSubnets": "servers.ipassignments.getAssignableSubnets", "getAssignableIpsOfSubnet": "servers.ipassignments.getAssignableIpsOfSubnet",
	"getIpAssignmentRdns": "servers.ipassignments.rdns", "setDynamicIpAssignments": "servers.ipassignments.dynamicIpAssignments",
	"getVirtualizationAssignableSubnets": "virtualization.ipassignments.getAssignableSubnets",
	// Server Inventory
	"listServerInventory": "servers.inventory.index", "createServerInventoryItem": "servers.inventory.store",
	"getServerInventoryItem": "servers.inventory.show", "updateServerInventoryItem": "servers.inventory.update",
	"deleteServerInventoryItem": "servers.inventory.destroy", "getHardwareSummary": "servers.hwsummary",
	"getHardwareSummaryWithDetails": "servers.hwsummary.withDetails", "getInventoryCommand": "servers.inventory.getInventoryCommand",
	// Server Network Management
	"getManageableNetworkPorts":   "servers.network.getManageableNetworkPorts",
	"regenerateVlanConfiguration": "servers.network.regenerateVlanConfiguration",
	// Server OS Provisioning
	"listInstallProfiles": "servers.provisioning.getProfiles", "startReinstallation": "servers.provisioning.startReinstallation",
	"getInstallStatus": "servers.provisioning.getInstallStatus", "stopReinstallation": "servers.provisioning.stopReinstallation",
	"executePostCommand": "servers.provisioning.executePostCommand", "getOsLogo": "servers.provisioning.getOsLogo",
	// Server Statistics
	"getAvailableStatistics": "servers.stats.getAvailableStatistics", "getNetworkStatistics": "servers.stats.network",
	"getCpuStatistics": "servers.stats.cpu", "getMemoryStatistics": "servers.stats.memory", "getDiskIoStatistics": "servers.stats.diskio",
	"getIpmiStatistics": "servers.stats.ipmi",
	// Subnet Management
	"listSubnets": "subnets.index", "createSubnet": "subnets.store", "getSubnet": "subnets.show", "updateSubnet": "subnets.update",
	"deleteSubnet": "subnets.destroy", "getSubnetWithDetails": "subnets.withDetails", "listFreeIps": "subnets.listFreeIps",
	"splitSubnet": "subnets.split", "runSubnetChildsMassAction": "subnets.childsMassActions",
	// System Backups, System Settings
	"listBackupStorages": "system.backups.storages.index", "createBackupStorage": "system.backups.storages.store",
	"getBackupStorage": "system.backups.storages.show", "updateBackupStorage": "system.backups.storages.update",
	"deleteBackupStorage": "system.backups.storages.destroy", "createSystemBackup": "system.backups.create",
	"listSystemBackups": "system.backups.history.index", "getSystemBackup": "system.backups.history.show",
	"listGlobalSystemSettings": "system.globalSystemSettings.index", "getGlobalSystemSetting": "system.globalSystemSettings.show",
	"updateGlobalSystemSettings": "system.globalSystemSettings.update",
	// System Logs
	"listServerActivityLog": "servers.activitylog", "listUserActivityLog": "activitylog.user",
	"listSystemActivityLog": "activitylog.system", "listAgentActivityLog": "activitylog.agents",
	// Users
	"getCurrentUser": open, "stopImpersonation": open, "startImpersonation": "users.impersonate",
	"getAdditionalUserInformation": "users.additionalUserInformation", "testLoginDetails": "users.testLoginDetails",
	"enableTwoFactor": "users.twofactor.enable", "disableTwoFactor": "users.twofactor.disable",
	"listUsers": "users.index", "createUser": "users.store", "getUser": "users.show", "updateUser": "users.update",
	"deleteUser": "users.destroy", "listAccessLog": "users.accesslog", "listLoginHistory": "users.loginhistory",
	"generateSsoToken": "users.generateSsoToken",
	"listSshKeys":      "users.sshkeys.index", "createSshKey": "users.sshkeys.store", "getSshKey": "users.sshkeys.show",
	"updateSshKey": "users.sshkeys.update", "deleteSshKey": "users.sshkeys.destroy",
	"listApiTokens": "users.tokens.index", "createApiToken": "users.tokens.store", "getApiToken": "users.tokens.show",
	"updateApiToken": "users.tokens.update", "deleteApiToken": "users.tokens.destroy",
	// VPS Plans
	"listVpsPlans": "vpsPlans.index", "createVpsPlan": "vpsPlans.store", "getVpsPlan": "vpsPlans.show", "updateVpsPlan": "vpsPlans.update",
	"deleteVpsPlan": "vpsPlans.destroy", "duplicateVpsPlan": "vpsPlans.duplicate",
	"listBalancerPlans": "balancerPlans.index", "createBalancerPlan": "balancerPlans.store", "getBalancerPlan": "balancerPlans.show",
	"updateBalancerPlan": "balancerPlans.update", "deleteBalancerPlan": "balancerPlans.destroy",
	"testBalancerConfiguration": "balancerPlans.testBalancerConfiguration",
}

// open is the permission of what every signed-in user may call.
const open = ""
