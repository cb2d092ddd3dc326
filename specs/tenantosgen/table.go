package main

// The operation table: every method+path of the vendor's file, with our operationId (the
// method name of the Tenantos provider's handler), our summary and the success answer.
//
// Answers (decisions 5 and 7 of the brief):
//
//	doc            the vendor documents the 200: the schema is inferred from its example
//	one("X")       {"result": <component X>, "message": "success"}; creates answer the new
//	               record and updates the updated one, as GET shows it
//	many("X")      {"result": [<component X>, …], "message": "success"}
//	str("ok")      {"result": "ok", "message": "success"}: deletes and actions without a
//	               documented answer
//	task           {"result": <Task>, …}: backups and snapshots run as tasks (§2.7)
//	infer(v)       the result is what the catalog (§2) describes; v is its example
//	open(v)        the vendor documents neither answer nor shape: result is open, v an example
//	file           the file itself (application/octet-stream), 500 as the vendor documents
type answer struct {
	kind string
	comp string
	val  any
}

var (
	doc  = answer{kind: "doc"}
	ok   = str("ok")
	task = answer{kind: "one", comp: "Task"}
	file = answer{kind: "file"}
)

func one(c string) answer  { return answer{kind: "one", comp: c} }
func many(c string) answer { return answer{kind: "many", comp: c} }
func str(s string) answer  { return answer{kind: "str", val: s} }
func infer(v any) answer   { return answer{kind: "infer", val: v} }
func open(v any) answer    { return answer{kind: "open", val: v} }

type op struct {
	method, path, id, summary string
	ans                       answer
}

// ops follows the vendor's order (its Redoc order, which the catalog numbers).
var ops = []op{
	// Alias Roles
	{"GET", "/api/aliasRoles", "listAliasRoles", "List the alias roles (roles for shared access) the caller owns.", doc},
	{"POST", "/api/aliasRoles", "createAliasRole", "Create an alias role from permissions and permission sets.", one("AliasRole")},
	{"GET", "/api/aliasRoles/{id}", "getAliasRole", "Show one alias role.", one("AliasRole")}, // the vendor's sample is result:null
	{"PUT", "/api/aliasRoles/{id}", "updateAliasRole", "Change an alias role's name or permissions.", one("AliasRole")},
	{"DELETE", "/api/aliasRoles/{id}", "deleteAliasRole", "Delete an alias role.", ok},
	// Alias Users
	{"GET", "/api/aliasUsers", "listAliasUsers", "List the alias users (shared-access accounts) of the caller.", doc},
	{"POST", "/api/aliasUsers", "createAliasUser", "Create an alias user; takes the fields of user creation.", one("AliasUser")},
	{"PUT", "/api/aliasUsers/{id}", "updateAliasUser", "Change what an alias user may reach, its status or its role.", one("AliasUser")},
	{"DELETE", "/api/aliasUsers/{id}", "deleteAliasUser", "Delete an alias user.", ok},
	// Brands
	{"POST", "/api/system/brands/{brand}/logos/store", "uploadBrandLogos", "Upload the light logo, dark logo or favicon of a brand.", ok},
	{"DELETE", "/api/system/brands/{brand}/logos/delete", "deleteBrandLogos", "Remove some of a brand's logos.", ok},
	{"GET", "/api/system/brands", "listBrands", "List the brands (white-label domains) the caller manages.", doc},
	{"POST", "/api/system/brands", "createBrand", "Create a brand for a domain.", one("Brand")},
	{"GET", "/api/system/brands/{id}", "getBrand", "Show one brand with its texts, colours, languages and logos.", doc},
	{"PUT", "/api/system/brands/{id}", "updateBrand", "Change a brand's texts, colours, languages or layout options.", one("Brand")},
	{"DELETE", "/api/system/brands/{id}", "deleteBrand", "Delete a brand.", ok},
	// External Providers
	{"GET", "/api/externalProviders", "listExternalProviders", "List the external providers (hypervisors and hosting APIs) that are set up.", doc},
	{"POST", "/api/externalProviders", "createExternalProvider", "Connect an external provider such as a Proxmox cluster.", one("ExternalProvider")},
	{"GET", "/api/externalProviders/{id}", "getExternalProvider", "Show one external provider with its nodes, storages and networks.", doc},
	{"PUT", "/api/externalProviders/{id}", "updateExternalProvider", "Change an external provider's name, address or credentials.", one("ExternalProvider")},
	{"DELETE", "/api/externalProviders/{id}", "deleteExternalProvider", "Remove an external provider.", ok},
	// Files
	{"GET", "/api/files/{fileId}/download", "downloadFile", "Download a file attached to a record (a server comment, say).", file},
	{"DELETE", "/api/files/{fileId}", "deleteFile", "Delete an attached file.", ok},
	// IP Management
	{"POST", "/api/ip/massaction", "runIpMassAction", "Reserve, unreserve or delete many IPs or subnets at once.", ok},
	{"POST", "/api/ip/reserve", "reserveIp", "Reserve an IP or a subnet so that it is not handed out.", ok},
	{"POST", "/api/ip/unreserve", "unreserveIp", "Release a reservation of an IP or a subnet.", ok},
	{"POST", "/api/ip/comment", "setIpComment", "Set or clear the admin comment of an IP or a subnet.", ok},
	{"DELETE", "/api/ip/delete", "deleteIp", "Delete an IP or a subnet from the IP manager.", ok},
	// Inventory
	{"GET", "/api/inventorycomponents/customfields", "listInventoryCustomFields", "List the custom fields inventory components can carry.", doc},
	{"POST", "/api/inventorycomponents/customfields", "createInventoryCustomField", "Create an inventory custom field (input, checkbox or dropdown).", one("InventoryCustomField")},
	{"GET", "/api/inventorycomponents/customfields/{id}", "getInventoryCustomField", "Show one inventory custom field.", doc},
	{"PUT", "/api/inventorycomponents/customfields/{id}", "updateInventoryCustomField", "Change an inventory custom field.", one("InventoryCustomField")},
	{"DELETE", "/api/inventorycomponents/customfields/{id}", "deleteInventoryCustomField", "Delete an inventory custom field.", ok},
	{"GET", "/api/inventorycomponents", "listInventoryComponents", "List the inventory components (kinds of parts a server holds).", doc},
	{"POST", "/api/inventorycomponents", "createInventoryComponent", "Create an inventory component.", one("InventoryComponent")},
	{"GET", "/api/inventorycomponents/{id}", "getInventoryComponent", "Show one inventory component with its custom fields.", doc},
	{"PUT", "/api/inventorycomponents/{id}", "updateInventoryComponent", "Change an inventory component.", one("InventoryComponent")},
	{"DELETE", "/api/inventorycomponents/{id}", "deleteInventoryComponent", "Delete an inventory component.", ok},
	// Network Devices
	{"POST", "/api/networkDevices/{networkDevice}/actions/testConnectivity", "testNetworkDeviceConnectivity", "Check that the panel reaches a network device.", ok},
	{"GET", "/api/networkDevices", "listNetworkDevices", "List the network devices (switches, PDUs).", many("NetworkDevice")}, // the vendor's sample is one bare device
	{"POST", "/api/networkDevices", "createNetworkDevice", "Add a network device.", one("NetworkDevice")},
	{"GET", "/api/networkDevices/{id}", "getNetworkDevice", "Show one network device with its ports.", doc},
	{"PUT", "/api/networkDevices/{id}", "updateNetworkDevice", "Change a network device's connection or management settings.", one("NetworkDevice")},
	{"DELETE", "/api/networkDevices/{id}", "deleteNetworkDevice", "Remove a network device.", ok},
	{"POST", "/api/networkDevices/{networkDevice}/actions/{networkDeviceAction}", "runNetworkDeviceAction", "Run an action on a network device; getFeatures lists the actions and their fields.", doc},
	{"GET", "/api/networkDevices/{networkDevice}/extendedDetails", "getNetworkDeviceExtendedDetails", "Show a network device with its live port status and management details.", doc},
	// Others
	{"GET", "/api/system/version", "getSystemVersion", "Show the panel's version and whether an update is out.", doc},
	{"GET", "/api/system/listTimezones", "listTimezones", "List the time zones a user may choose.", doc},
	{"GET", "/api/ping", "ping", "Check that the API answers.", doc},
	{"GET", "/api/system/listTimeDateFormats", "listTimeDateFormats", "List the date and time formats a user may choose.", doc},
	{"GET", "/api/system/settingsAfterLogin", "getSettingsAfterLogin", "Show the interface settings the front end loads after login.", doc},
	{"GET", "/api/system/ui/uiLanguage", "getUiLanguage", "Show the interface's texts by language.", doc},
	{"GET", "/api/system/ui/settings", "getUiSettings", "Show the brand settings the login page needs.", doc},
	{"GET", "/api/system/ui/version", "getUiVersion", "Show the front end's version.", doc},
	// PXE Basic Operations
	{"POST", "/api/pxe/profiles/{pxeProfileId}/duplicate", "duplicatePxeProfile", "Copy a PXE (OS) profile under a new name.", one("PxeProfile")},
	{"POST", "/api/pxe/scripts/{pxeScriptId}/duplicate", "duplicatePxeScript", "Copy a PXE script under a new name.", one("PxeScript")},
	{"POST", "/api/pxe/disklayouts/{pxeDisklayoutId}/duplicate", "duplicateDiskLayout", "Copy a disk layout under a new name.", one("DiskLayout")},
	{"POST", "/api/os/list", "listOperatingSystems", "List every installable OS profile, for billing integrations.", many("InstallProfile")},
	// PXE Disklayouts
	{"GET", "/api/pxe/disklayouts", "listDiskLayouts", "List the disk layouts.", doc},
	{"POST", "/api/pxe/disklayouts", "createDiskLayout", "Create a disk layout for some OS profiles.", one("DiskLayout")},
	{"GET", "/api/pxe/disklayouts/{id}", "getDiskLayout", "Show one disk layout.", doc},
	{"PUT", "/api/pxe/disklayouts/{id}", "updateDiskLayout", "Change a disk layout.", one("DiskLayout")},
	{"DELETE", "/api/pxe/disklayouts/{id}", "deleteDiskLayout", "Delete a disk layout.", ok},
	// PXE Profiles
	{"GET", "/api/pxe/tags", "listPxeTags", "List the tags used by PXE profiles.", doc},
	{"POST", "/api/pxe/tags/getPxeProfilesByTags", "getPxeProfilesByTags", "List the PXE profiles that carry the given tags.", many("PxeProfile")},
	{"GET", "/api/pxe/profiles/{pxeProfileId}/clearcache", "clearPxeProfileCache", "Drop the cached OS files of a PXE profile.", doc},
	{"GET", "/api/pxe/profiles", "listPxeProfiles", "List the PXE (OS installation) profiles.", doc},
	{"POST", "/api/pxe/profiles", "createPxeProfile", "Create a PXE profile.", one("PxeProfile")},
	{"GET", "/api/pxe/profiles/{id}", "getPxeProfile", "Show one PXE profile.", doc},
	{"PUT", "/api/pxe/profiles/{id}", "updatePxeProfile", "Change a PXE profile.", one("PxeProfile")},
	{"DELETE", "/api/pxe/profiles/{id}", "deletePxeProfile", "Delete a PXE profile.", ok},
	{"POST", "/api/pxe/profiles/{pxeProfileId}/restore", "restorePxeProfile", "Bring a deleted PXE profile back; a stock profile gets its shipped settings back.", ok},
	// PXE Scripts
	{"GET", "/api/pxe/scripts", "listPxeScripts", "List the post-installation scripts.", doc},
	{"POST", "/api/pxe/scripts", "createPxeScript", "Create a post-installation script.", one("PxeScript")},
	{"GET", "/api/pxe/scripts/{id}", "getPxeScript", "Show one post-installation script.", doc},
	{"PUT", "/api/pxe/scripts/{id}", "updatePxeScript", "Change a post-installation script.", one("PxeScript")},
	{"DELETE", "/api/pxe/scripts/{id}", "deletePxeScript", "Delete a post-installation script.", ok},
	// PXE Windows Profiles
	{"POST", "/api/pxe/windows/importWindows", "importWindows", "Import Windows editions from an ISO or CD-ROM as PXE profiles.", ok},
	{"POST", "/api/pxe/windows/getWindowsInformation", "getWindowsInformation", "List the Windows editions found on the mounted media.", doc},
	// Remote Agents
	{"POST", "/api/remoteAgents/{agentId}/actions/testConnectivity", "testRemoteAgentConnectivity", "Check that the panel reaches a remote agent.", ok},
	{"GET", "/api/remoteAgents/{agentId}/actions/getAssignments", "getRemoteAgentAssignments", "List the servers and devices a remote agent serves.", doc},
	{"GET", "/api/remoteAgents/ipmiKvmIsos", "listIpmiKvmIsos", "List the ISO images offered through the IPMI KVM console.", doc},
	{"POST", "/api/remoteAgents/ipmiKvmIsos", "createIpmiKvmIso", "Add an ISO image for the IPMI KVM console, downloaded from a URL.", one("IpmiKvmIso")},
	{"GET", "/api/remoteAgents/ipmiKvmIsos/{id}", "getIpmiKvmIso", "Show one IPMI KVM ISO image.", doc},
	{"DELETE", "/api/remoteAgents/ipmiKvmIsos/{id}", "deleteIpmiKvmIso", "Delete an IPMI KVM ISO image.", ok},
	{"GET", "/api/remoteAgents", "listRemoteAgents", "List the remote agents.", doc},
	{"POST", "/api/remoteAgents", "createRemoteAgent", "Install a remote agent on a host reached over SSH.", one("RemoteAgent")},
	{"GET", "/api/remoteAgents/{id}", "getRemoteAgent", "Show one remote agent.", doc},
	{"PUT", "/api/remoteAgents/{id}", "updateRemoteAgent", "Change a remote agent's name or address.", one("RemoteAgent")},
	{"DELETE", "/api/remoteAgents/{id}", "deleteRemoteAgent", "Remove a remote agent.", ok},
	{"POST", "/api/remoteAgents/{agentId}/reprovisioning", "reprovisionRemoteAgent", "Install a remote agent again, on the same or another host.", ok},
	// Reverse DNS
	{"DELETE", "/api/subnets/{subnet}/rdnsAssignment", "deleteSubnetRdnsAssignment", "Detach a subnet from its RDNS server.", ok},
	{"POST", "/api/subnets/{subnet}/rdnsAssignment", "createSubnetRdnsAssignment", "Attach a subnet to an RDNS server.", ok},
	{"GET", "/api/subnets/{subnet_id}/rdnsAssignment", "getSubnetRdnsAssignment", "Show which RDNS server a subnet uses.", doc},
	{"POST", "/api/rdns/providers/{provider}/configure", "configureRdnsProvider", "Run an RDNS provider's setup, such as creating the zones.", ok},
	{"POST", "/api/rdns/providers/{provider}/addSubnetAssignment", "addRdnsProviderSubnetAssignment", "Attach a subnet, by network address, to an RDNS provider.", ok},
	{"POST", "/api/rdns/ip", "getRdnsRecord", "Read the PTR record of any IP (admin).", infer(mustJSON(`{"ptrRecord": "server-001.example.com"}`))},
	{"PUT", "/api/rdns/ip", "setRdnsRecord", "Set or reset the PTR record of any IP (admin).", ok},
	{"DELETE", "/api/rdns/ip", "deleteRdnsRecord", "Delete the PTR record of any IP (admin).", ok},
	{"GET", "/api/rdns/providers", "listRdnsProviders", "List the RDNS providers, optionally with a live status check.", doc},
	{"POST", "/api/rdns/providers", "createRdnsProvider", "Add an RDNS provider (PowerDNS and others).", one("RdnsProvider")},
	{"GET", "/api/rdns/providers/{id}", "getRdnsProvider", "Show one RDNS provider.", doc},
	{"PUT", "/api/rdns/providers/{id}", "updateRdnsProvider", "Change an RDNS provider's access details.", one("RdnsProvider")},
	{"DELETE", "/api/rdns/providers/{id}", "deleteRdnsProvider", "Remove an RDNS provider.", ok},
	{"POST", "/api/rdns/providers/{provider}/actions/testConnectivity", "testRdnsProviderConnectivity", "Check that the panel reaches an RDNS provider.", ok},
	// Roles
	{"GET", "/api/roles", "listRoles", "List the roles.", doc},
	{"POST", "/api/roles", "createRole", "Create a role from permissions and permission sets.", one("Role")},
	{"GET", "/api/roles/{id}", "getRole", "Show one role with its permissions.", doc},
	{"PUT", "/api/roles/{id}", "updateRole", "Change a role's name or permissions.", one("Role")},
	{"DELETE", "/api/roles/{id}", "deleteRole", "Delete a role.", ok},
	{"GET", "/api/permissions", "listPermissions", "List the permission sets, for the caller or a given user.", doc},
	// Search Function
	{"POST", "/api/search/quicksearch", "quickSearch", "Search servers, users, subnets and more by a term.", doc},
	// Server BMC User Management
	{"GET", "/api/servers/{server}/bmc/users/listUsers", "listBmcUsers", "List the IPMI users of a server's BMC.", doc},
	{"POST", "/api/servers/{server}/bmc/users/createUser", "createBmcUser", "Create an IPMI user on a server's BMC.", ok},
	{"POST", "/api/servers/{server}/bmc/users/createUserWithPasswordAndPrivilege", "createBmcUserWithPasswordAndPrivilege", "Create (or update) an IPMI user with a password and privilege in one go.", ok},
	{"POST", "/api/servers/{server}/bmc/users/updateUser", "updateBmcUser", "Change an IPMI user's name, password or privilege.", ok},
	{"DELETE", "/api/servers/{server}/bmc/users/deleteUser", "deleteBmcUser", "Delete an IPMI user.", ok},
	{"PUT", "/api/servers/{server}/bmc/users/enableUser", "enableBmcUser", "Enable an IPMI user.", ok},
	{"PUT", "/api/servers/{server}/bmc/users/disableUser", "disableBmcUser", "Disable an IPMI user.", ok},
	{"POST", "/api/servers/{server}/bmc/users/setUserPassword", "setBmcUserPassword", "Set an IPMI user's password.", ok},
	{"POST", "/api/servers/{server}/bmc/users/setUserPrivilege", "setBmcUserPrivilege", "Set an IPMI user's privilege level.", ok},
	{"POST", "/api/servers/{server}/bmc/users/channelSetAccess", "setBmcChannelAccess", "Set an IPMI user's channel access.", ok},
	// Server Backups
	{"GET", "/api/servers/{server_id}/backups", "listServerBackups", "List a VPS's backups, running backup tasks and backup options.", doc},
	{"DELETE", "/api/servers/{server_id}/backups", "deleteServerBackup", "Delete one backup of a VPS (runs as a task).", task},
	{"POST", "/api/servers/{server}/backups", "createServerBackup", "Back a VPS up (runs as a task).", task},
	{"POST", "/api/servers/{server}/backups/restore", "restoreServerBackup", "Restore a VPS from one of its backups (runs as a task).", task},
	{"GET", "/api/servers/{server}/backups/available", "getServerBackupAvailability", "Tell whether backups are offered for a server.", doc},
	// Server Basic Operations
	{"GET", "/api/servers/tags", "listServerTags", "List the tags used on servers.", doc},
	{"GET", "/api/servers/getByIp/{ip}", "getServerByIp", "Find the server an IPv4 address is assigned to.", doc},
	{"GET", "/api/servers", "listServers", "List the servers the caller may see.", doc},
	{"POST", "/api/servers", "createServer", "Add a dedicated server, or create a VPS from a plan.", one("Server")},
	{"GET", "/api/servers/{id}", "getServer", "Show one server.", doc},
	{"PUT", "/api/servers/{id}", "updateServer", "Change a server: names, owner, tags, suspension.", one("Server")},
	{"DELETE", "/api/servers/{id}", "deleteServer", "Delete a server (and, if asked, its VM on the hypervisor).", ok},
	{"GET", "/api/servers/{server}/console/start", "startConsole", "Open a remote console session for a server.", doc},
	{"POST", "/api/servers/getByTags", "getServersByTags", "List the servers that carry every one of the given tags.", many("Server")},
	{"POST", "/api/tags/rename", "renameTag", "Rename a tag on servers and, if asked, on subnets and PXE profiles.", ok},
	{"DELETE", "/api/tags/delete", "deleteTag", "Remove a tag from servers and, if asked, from subnets and PXE profiles.", ok},
	// Server Comments
	{"GET", "/api/servers/{server_id}/comments", "listServerComments", "List the comments (notes) on a server.", doc},
	{"POST", "/api/servers/{server}/comments", "createServerComment", "Add a comment, with attachments, to a server.", one("Comment")},
	{"GET", "/api/servers/{server_id}/comments/{id}", "getServerComment", "Show one comment on a server.", doc},
	{"PUT", "/api/servers/{server_id}/comments/{id}", "updateServerComment", "Change a comment on a server.", one("Comment")},
	{"DELETE", "/api/servers/{server_id}/comments/{id}", "deleteServerComment", "Delete a comment on a server.", ok},
	// Server Connections
	{"GET", "/api/servers/{server}/connections/{testConnectionId}/test", "testServerConnection", "Check that a server's connection (IPMI, say) answers.", doc},
	{"GET", "/api/servers/{server_id}/connections", "listServerConnections", "List a server's connections (IPMI, PXE, PDU, switch ports).", doc},
	{"POST", "/api/servers/{server}/connections", "createServerConnection", "Add a connection to a server through a remote agent.", one("Connection")},
	{"GET", "/api/servers/{server_id}/connections/{id}", "getServerConnection", "Show one connection of a server.", doc},
	{"PUT", "/api/servers/{server_id}/connections/{id}", "updateServerConnection", "Change a connection of a server.", one("Connection")},
	{"DELETE", "/api/servers/{server_id}/connections/{id}", "deleteServerConnection", "Remove a connection from a server.", ok},
	{"POST", "/api/servers/{server}/connections/{testConnectionId}/{serverConnectionAction}", "runServerConnectionAction", "Run an action on a server's connection; getSupportedActions lists them.", doc},
	// Server IP Assignments
	{"POST", "/api/servers/{server}/ipassignments/rdns", "getIpAssignmentRdns", "Read the PTR record of an IP assigned to a server.", doc},
	{"GET", "/api/servers/{server}/ipassignments/getAssignableSubnets", "getAssignableSubnets", "List the subnets IPs can be assigned from to a server.", doc},
	{"POST", "/api/servers/{server}/ipassignments/getAssignableIpsOfSubnet", "getAssignableIpsOfSubnet", "List the free IPs (or child subnets) of a subnet for a server.", many("FreeIp")},
	{"GET", "/api/virtualization/ipassignments/getAssignableSubnets", "getVirtualizationAssignableSubnets", "List the subnets IPs can be assigned from to a new VPS.", doc},
	{"GET", "/api/servers/{server_id}/ipassignments", "listIpAssignments", "List the IPs and subnets assigned to a server.", doc},
	{"POST", "/api/servers/{server}/ipassignments", "createIpAssignment", "Assign IPs or subnets of a subnet to a server.", many("IpAssignment")},
	{"PUT", "/api/servers/{server_id}/ipassignments/{id}", "updateIpAssignment", "Change an assigned IP: description, primary flag, PTR record.", one("IpAssignment")},
	{"DELETE", "/api/servers/{server_id}/ipassignments/{id}", "deleteIpAssignment", "Take one or more IPs away from a server.", ok},
	{"POST", "/api/servers/{server}/ipassignments/dynamicIpAssignments", "setDynamicIpAssignments", "Assign IPs and subnets to a server by amount, picked by the panel.", ok},
	// Server Inventory
	{"GET", "/api/servers/{server_id}/hwsummary", "getHardwareSummary", "Summarise a server's hardware (board, memory, CPU, disks).", doc},
	{"GET", "/api/servers/{server}/hwsummary/withDetails", "getHardwareSummaryWithDetails", "Summarise a server's hardware, part by part.", doc},
	{"GET", "/api/servers/{server}/inventory/getInventoryCommand", "getInventoryCommand", "Give the shell command that reports a server's hardware to the panel.", doc},
	{"GET", "/api/servers/{server_id}/inventory", "listServerInventory", "List the inventory items of a server.", doc},
	{"POST", "/api/servers/{server}/inventory", "createServerInventoryItem", "Add an inventory item to a server.", one("ServerInventoryItem")},
	{"GET", "/api/servers/{server_id}/inventory/{id}", "getServerInventoryItem", "Show one inventory item of a server.", doc},
	{"PUT", "/api/servers/{server_id}/inventory/{id}", "updateServerInventoryItem", "Change an inventory item of a server.", one("ServerInventoryItem")},
	{"DELETE", "/api/servers/{server_id}/inventory/{id}", "deleteServerInventoryItem", "Remove an inventory item from a server.", ok},
	// Server Network Management
	{"POST", "/api/servers/{server}/network/regenerateVlanConfiguration", "regenerateVlanConfiguration", "Apply a server's VLAN configuration to its switch ports again.", ok},
	{"GET", "/api/servers/{server}/network/getManageableNetworkPorts", "getManageableNetworkPorts", "Tell whether a server has switch ports the panel can manage.", doc},
	// Server OS Provisioning
	{"POST", "/api/servers/{server}/provisioning/startReinstallation", "startReinstallation", "Install an OS profile (or run a rescue, wipe or reset profile) on a server.", ok},
	{"GET", "/api/servers/{server}/provisioning/stopReinstallation", "stopReinstallation", "Abort a running installation.", doc},
	{"GET", "/api/servers/{server}/provisioning/getInstallStatus", "getInstallStatus", "Show how far a server's installation has got.", doc},
	{"GET", "/api/servers/{server}/provisioning/executePostCommand", "executePostCommand", "Run the step that follows a provider installation (OVH and the like).", doc},
	{"GET", "/api/servers/{server}/provisioning/getProfiles", "listInstallProfiles", "List the OS profiles a server can be installed with.", doc},
	{"POST", "/api/servers/{server}/provisioning/getOsLogo", "getOsLogo", "Give the path of an OS's logo.", infer("/img/os/debian.svg")},
	// Server Power
	{"GET", "/api/servers/{server}/power/{serverPowerMethod}", "runServerPowerAction", "Run a power method (on, off, reset, cycle, status, boot device …) on a server.", doc},
	{"POST", "/api/servers/{server}/bmc/executeCommand", "executeBmcCommand", "Run a raw ipmitool command against a server's BMC.", doc},
	// Server Ressources (VM)
	{"GET", "/api/servers/{server_id}/vm", "getVmResources", "Show a VPS's CPU, disks and memory.", doc},
	{"PUT", "/api/servers/{server_id}/vm", "updateVmResources", "Resize a VPS, or apply another VPS plan to it.", one("VmResources")},
	// Server Snapshots
	{"GET", "/api/servers/{server_id}/snapshots", "listServerSnapshots", "List a VPS's snapshots, running snapshot tasks and snapshot options.", doc},
	{"DELETE", "/api/servers/{server_id}/snapshots", "deleteServerSnapshot", "Delete one snapshot of a VPS (runs as a task).", task},
	{"POST", "/api/servers/{server}/snapshots", "createServerSnapshot", "Take a snapshot of a VPS (runs as a task).", task},
	{"POST", "/api/servers/{server}/snapshots/rollback", "rollbackServerSnapshot", "Roll a VPS back to one of its snapshots (runs as a task).", task},
	{"GET", "/api/servers/{server}/snapshots/available", "getServerSnapshotAvailability", "Tell whether snapshots are offered for a server.", doc},
	// Server Statistics
	{"POST", "/api/servers/{server}/stats/network/{statsMode}", "getNetworkStatistics", "Report a server's traffic per switch port over a period.", open([]any{})},
	{"POST", "/api/servers/{server}/stats/ipmi/{statsMode}", "getIpmiStatistics", "Report a server's power and sensor readings over a period.", open([]any{})},
	{"POST", "/api/servers/{server}/stats/cpu/{statsMode}", "getCpuStatistics", "Report a VPS's CPU use over a period.", open([]any{})},
	{"POST", "/api/servers/{server}/stats/memory/{statsMode}", "getMemoryStatistics", "Report a VPS's memory use over a period.", open([]any{})},
	{"POST", "/api/servers/{server}/stats/diskio/{statsMode}", "getDiskIoStatistics", "Report a VPS's disk I/O over a period.", open([]any{})},
	{"GET", "/api/servers/{server}/stats/getAvailableStatistics", "getAvailableStatistics", "List which statistics a server has.", doc},
	// Subnet Management
	{"GET", "/api/subnets/{subnetId}/withDetails", "getSubnetWithDetails", "Show one subnet with its IPs, usage and RDNS features.", doc},
	{"POST", "/api/subnets/{subnetId}/split", "splitSubnet", "Split an IPv6 subnet into child subnets or single IPs.", ok},
	{"POST", "/api/subnets/{subnetId}/childsMassActions", "runSubnetChildsMassAction", "Copy a subnet's settings down to its child subnets.", ok},
	{"GET", "/api/subnets/{subnetId}/listFreeIps", "listFreeIps", "List the IPs of a subnet that are neither assigned nor reserved.", doc},
	{"GET", "/api/subnets", "listSubnets", "List the subnets.", doc},
	{"POST", "/api/subnets", "createSubnet", "Create a subnet, optionally with its IPs.", one("Subnet")},
	{"GET", "/api/subnets/{id}", "getSubnet", "Show one subnet.", doc},
	{"PUT", "/api/subnets/{id}", "updateSubnet", "Change a subnet's gateway, owner, restrictions or VLAN automation.", one("Subnet")},
	{"DELETE", "/api/subnets/{id}", "deleteSubnet", "Delete a subnet.", ok},
	// System Backups
	{"GET", "/api/system/backups/storages", "listBackupStorages", "List the storages the panel backs itself up to.", doc},
	{"POST", "/api/system/backups/storages", "createBackupStorage", "Add a storage (S3, FTP, local) for the panel's own backups.", one("BackupStorage")},
	{"GET", "/api/system/backups/storages/{id}", "getBackupStorage", "Show one backup storage.", doc},
	{"PUT", "/api/system/backups/storages/{id}", "updateBackupStorage", "Change a backup storage.", one("BackupStorage")},
	{"DELETE", "/api/system/backups/storages/{id}", "deleteBackupStorage", "Remove a backup storage.", ok},
	{"GET", "/api/system/backups/history", "listSystemBackups", "List the panel's past backup runs.", doc},
	{"GET", "/api/system/backups/history/{backupTaskId}", "getSystemBackup", "Show one backup run of the panel with its log.", doc},
	{"POST", "/api/system/backups/create", "createSystemBackup", "Back the panel up now.", ok},
	// System Logs
	{"GET", "/api/servers/{server_id}/activitylog", "listServerActivityLog", "List the activity log of a server.", doc},
	{"GET", "/api/activitylog/user", "listUserActivityLog", "List the activity log of users' actions.", doc},
	{"GET", "/api/activitylog/agents/{agentId}", "listAgentActivityLog", "List the activity log of remote agents.", doc},
	{"GET", "/api/activitylog/system", "listSystemActivityLog", "List the activity log of the system.", doc},
	// System Settings
	{"GET", "/api/system/globalSystemSettings", "listGlobalSystemSettings", "List the global system settings.", doc},
	{"PUT", "/api/system/globalSystemSettings", "updateGlobalSystemSettings", "Change global system settings.", many("GlobalSetting")},
	{"GET", "/api/system/globalSystemSettings/{settingname}", "getGlobalSystemSetting", "Show the value of one global system setting.", doc},
	// Task Tracking
	{"GET", "/api/tasks/{id}", "getTask", "Show a task (backups and snapshots run as tasks).", doc},
	// Users
	{"GET", "/api/impersonate/{impersonateUserId}/start", "startImpersonation", "Start acting as another user.", doc},
	{"POST", "/api/user/additionalUserInformation", "getAdditionalUserInformation", "Show extra information on a user and the users it owns.", open([]any{})},
	{"GET", "/api/user", "getCurrentUser", "Show the user the token belongs to (not wrapped in result).", doc},
	{"GET", "/api/impersonate/{impersonateUserId}/stop", "stopImpersonation", "Stop acting as another user.", doc},
	{"GET", "/api/users/{user}/tokens", "listApiTokens", "List a user's API tokens.", doc},
	{"POST", "/api/users/{user}/tokens", "createApiToken", "Create an API token for a user; the answer holds the token's secret, once.", one("NewApiToken")},
	{"GET", "/api/users/{user}/tokens/{id}", "getApiToken", "Show one API token of a user.", doc},
	{"DELETE", "/api/users/{user}/tokens/{id}", "deleteApiToken", "Revoke an API token.", ok},
	{"PUT", "/api/users/{user}/tokens/{id}", "updateApiToken", "Rename an API token or change the hosts it may be used from.", one("ApiToken")},
	{"GET", "/api/users/{user}/sshkeys", "listSshKeys", "List a user's SSH keys.", doc},
	{"POST", "/api/users/{user}/sshkeys", "createSshKey", "Add an SSH key to a user.", one("SshKey")},
	{"GET", "/api/users/{user}/sshkeys/{id}", "getSshKey", "Show one SSH key of a user.", doc},
	{"PUT", "/api/users/{user}/sshkeys/{id}", "updateSshKey", "Change an SSH key of a user.", one("SshKey")},
	{"DELETE", "/api/users/{user}/sshkeys/{id}", "deleteSshKey", "Remove an SSH key from a user.", ok},
	{"POST", "/api/user/{user}/twofactor/enable", "enableTwoFactor", "Turn two-factor authentication on for a user, confirming a code.", ok},
	{"GET", "/api/user/{user}/twofactor/disable", "disableTwoFactor", "Turn two-factor authentication off for a user.", doc},
	{"POST", "/api/users/{user}/generateSsoToken", "generateSsoToken", "Make a one-time login link token for a user.", doc},
	{"GET", "/api/users", "listUsers", "List the users the caller may see.", doc},
	{"POST", "/api/users", "createUser", "Create a user (a customer, a reseller or an admin).", one("User")},
	{"GET", "/api/users/{id}", "getUser", "Show one user.", doc},
	{"PUT", "/api/users/{id}", "updateUser", "Change a user: details, password, role, status, preferences.", one("User")},
	{"DELETE", "/api/users/{id}", "deleteUser", "Delete a user.", ok},
	{"GET", "/api/users/{user_id}/loginhistory", "listLoginHistory", "List a user's logins.", doc},
	{"GET", "/api/users/{user_id}/accesslog", "listAccessLog", "List a user's API requests.", doc},
	{"POST", "/api/user/testLoginDetails", "testLoginDetails", "Check a user name (or email), password and two-factor code without logging in.", doc},
	// VPS Plans
	{"GET", "/api/virtualization/vpsplans", "listVpsPlans", "List the VPS plans.", doc},
	{"POST", "/api/virtualization/vpsplans", "createVpsPlan", "Create a VPS plan for an external provider.", one("VpsPlan")},
	{"GET", "/api/virtualization/vpsplans/{id}", "getVpsPlan", "Show one VPS plan.", doc},
	{"PUT", "/api/virtualization/vpsplans/{id}", "updateVpsPlan", "Change a VPS plan.", one("VpsPlan")},
	{"DELETE", "/api/virtualization/vpsplans/{id}", "deleteVpsPlan", "Delete a VPS plan.", ok},
	{"POST", "/api/virtualization/vpsplans/{vpsplan}/duplicate", "duplicateVpsPlan", "Copy a VPS plan.", doc},
	{"POST", "/api/virtualization/balancerplans/testBalancerConfiguration", "testBalancerConfiguration", "Try balancer settings: which node would a new VPS land on.", open([]any{})},
	{"GET", "/api/virtualization/balancerplans", "listBalancerPlans", "List the balancer plans (how a node is picked for a new VPS).", doc},
	{"POST", "/api/virtualization/balancerplans", "createBalancerPlan", "Create a balancer plan.", one("BalancerPlan")},
	{"GET", "/api/virtualization/balancerplans/{id}", "getBalancerPlan", "Show one balancer plan.", doc},
	{"PUT", "/api/virtualization/balancerplans/{id}", "updateBalancerPlan", "Change a balancer plan.", one("BalancerPlan")},
	{"DELETE", "/api/virtualization/balancerplans/{id}", "deleteBalancerPlan", "Delete a balancer plan.", ok},
}

// taskActions name the task each backup and snapshot operation starts (its action field;
// the vendor shows createSnapshot only).
var taskActions = map[string]string{
	"createServerBackup":     "createBackup",
	"deleteServerBackup":     "deleteBackup",
	"restoreServerBackup":    "restoreBackup",
	"createServerSnapshot":   "createSnapshot",
	"deleteServerSnapshot":   "deleteSnapshot",
	"rollbackServerSnapshot": "rollbackSnapshot",
}

// src is where a component is found in the vendor's examples: an operation and a pointer
// into its 200 example ("result", "result/*", "result/*/ipassignments/*").
type src struct{ op, ptr string }

type component struct {
	name, description string
	sources           []src
}

// components are the reusable objects, inferred from every example they appear in (merged,
// as for the elements of an array); the first source gives their example.
var components = []component{
	{"Server", "A server: dedicated, or a VPS on an external provider.", []src{
		{"getServer", "result"}, {"listServers", "result/*"}, {"getServerByIp", "result"}}},
	{"HardwareSummary", "A server's hardware by kind of part: value and count, with the parts in details.", []src{
		{"getHardwareSummary", "result"}, {"getHardwareSummaryWithDetails", "result"},
		{"getServer", "result/detailedHardwareInformation"}, {"listServers", "result/*/detailedHardwareInformation"},
		{"getServerByIp", "result/detailedHardwareInformation"}}},
	{"IpAssignment", "An IP or a subnet assigned to a server, with the subnet it comes from.", []src{
		{"listIpAssignments", "result/*"}, {"getServer", "result/ipassignments/*"},
		{"listServers", "result/*/ipassignments/*"}, {"getServerByIp", "result/ipassignments/*"}}},
	{"User", "A user account: admin, reseller or customer.", []src{
		{"getUser", "result"}, {"listUsers", "result/*"}}},
	{"CurrentUser", "The user a token belongs to, as GET /api/user shows it (no envelope).", []src{
		{"getCurrentUser", ""}}},
	{"AliasUser", "An alias user: an account with shared access to another user's records.", []src{
		{"listAliasUsers", "result/*"}}},
	{"Role", "A role: a named set of permissions.", []src{
		{"getRole", "result"}, {"listRoles", "result/*"}}},
	{"AliasRole", "A role for alias users.", []src{
		{"listAliasRoles", "result/*"}}},
	{"Brand", "A brand: the panel's look and texts under one domain.", []src{
		{"getBrand", "result"}, {"listBrands", "result/*"}}},
	{"ExternalProvider", "An external provider: a hypervisor cluster or a hosting company's API.", []src{
		{"getExternalProvider", "result"}, {"listExternalProviders", "result/*"}}},
	{"InventoryCustomField", "A custom field of inventory components.", []src{
		{"getInventoryCustomField", "result"}, {"listInventoryCustomFields", "result/*"}}},
	{"InventoryComponent", "An inventory component: a kind of part servers hold.", []src{
		{"getInventoryComponent", "result"}, {"listInventoryComponents", "result/*"}}},
	{"NetworkDevice", "A network device: a switch or a PDU reached over SNMP or SSH.", []src{
		{"getNetworkDevice", "result"}, {"listNetworkDevices", ""}}},
	{"DiskLayout", "A disk layout (partitioning) for OS installations.", []src{
		{"getDiskLayout", "result"}, {"listDiskLayouts", "result/*"}}},
	{"PxeProfile", "A PXE profile: how an operating system is installed over the network.", []src{
		{"getPxeProfile", "result"}, {"listPxeProfiles", "result/*"}}},
	{"PxeScript", "A script run after an installation.", []src{
		{"getPxeScript", "result"}, {"listPxeScripts", "result/*"}}},
	{"InstallProfile", "An OS profile as offered for a server's installation.", []src{
		{"listInstallProfiles", "result/*"}}},
	{"RemoteAgent", "A remote agent: the panel's helper inside a server network.", []src{
		{"getRemoteAgent", "result"}, {"listRemoteAgents", "result/*"}}},
	{"IpmiKvmIso", "An ISO image offered through the IPMI KVM console.", []src{
		{"getIpmiKvmIso", "result"}, {"listIpmiKvmIsos", "result/*"}}},
	{"RdnsProvider", "An RDNS provider: where PTR records are written.", []src{
		{"getRdnsProvider", "result"}, {"listRdnsProviders", "result/*"}}},
	{"BmcUser", "An IPMI user slot of a server's BMC.", []src{
		{"listBmcUsers", "result/*"}}},
	{"Comment", "A comment (note) on a server.", []src{
		{"getServerComment", "result"}, {"listServerComments", "result/*"}}},
	{"Connection", "A server's connection: how the panel reaches its IPMI, PXE, PDU or switch port.", []src{
		{"getServerConnection", "result"}, {"listServerConnections", "result/*"}}},
	{"AssignableSubnet", "A subnet IPs can be assigned from, with its usage.", []src{
		{"getAssignableSubnets", "result/*"}, {"getVirtualizationAssignableSubnets", "result/*"}}},
	{"FreeIp", "A free IP (or child subnet) of a subnet.", []src{
		{"listFreeIps", "result/*"}}},
	{"ServerInventoryItem", "An inventory item of a server.", []src{
		{"getServerInventoryItem", "result"}, {"listServerInventory", "result/*"}}},
	{"VmResources", "A VPS's resources: CPU, disks and memory.", []src{
		{"getVmResources", "result"}}},
	{"Subnet", "A subnet with its restrictions, VLAN automation and usage.", []src{
		{"getSubnet", "result"}, {"listSubnets", "result/*"}, {"getSubnetWithDetails", "result"}}},
	{"BackupStorage", "A storage the panel backs itself up to.", []src{
		{"getBackupStorage", "result"}, {"listBackupStorages", "result/*"}}},
	{"SystemBackup", "One backup run of the panel, with its log.", []src{
		{"getSystemBackup", "result"}, {"listSystemBackups", "result/*"}}},
	{"ActivityLogEntry", "An entry of an activity log.", []src{
		{"listServerActivityLog", "result/*"}, {"listUserActivityLog", "result/*"},
		{"listAgentActivityLog", "result/*"}, {"listSystemActivityLog", "result/*"}}},
	{"GlobalSetting", "A global system setting.", []src{
		{"listGlobalSystemSettings", "result/*"}}},
	{"Task", "A task: work that runs in the background (backups and snapshots).", []src{
		{"getTask", "result"}}},
	{"ApiToken", "An API token of a user (without its secret).", []src{
		{"getApiToken", "result"}, {"listApiTokens", "result/*"}}},
	{"NewApiToken", "An API token just created: the token's fields and, this once, its secret.", nil},
	{"SshKey", "An SSH key of a user.", []src{
		{"getSshKey", "result"}, {"listSshKeys", "result/*"}}},
	{"VpsPlan", "A VPS plan: the hardware and provider settings of new VPSs.", []src{
		{"getVpsPlan", "result"}, {"listVpsPlans", "result/*"}, {"duplicateVpsPlan", "result"}}},
	{"BalancerPlan", "A balancer plan: how a node is picked for a new VPS.", []src{
		{"getBalancerPlan", "result"}, {"listBalancerPlans", "result/*"},
		{"getExternalProvider", "result/availableVpsBalancerPlans/*"}}},
}

// aliases are the extra path templates of Laravel routes with optional trailing segments
// ({x?}), which Scribe documents without the segment (catalog §2.2). They are written to
// the operation as x-panelsim-aliases: the router must route them to the same operation.
// The optional values are also declared as optional query parameters (queryParams).
var aliases = map[string][]string{
	"stopReinstallation":     {"/api/servers/{server}/provisioning/stopReinstallation/{withoutPowerReset}"},
	"listUserActivityLog":    {"/api/activitylog/user/{limit}"},
	"listSystemActivityLog":  {"/api/activitylog/system/{limit}"},
	"listAgentActivityLog":   {"/api/activitylog/agents", "/api/activitylog/agents/{agentId}/{limit}"},
	"listAccessLog":          {"/api/users/{user_id}/accesslog/{limit}"},
	"runNetworkDeviceAction": {"/api/networkDevices/{networkDevice}/actions"},
}

type queryParam struct{ name, typ, description string }

var limitParam = queryParam{"limit", "integer", "At most this many entries (also accepted as a trailing path segment)."}

var queryParams = map[string][]queryParam{
	"stopReinstallation": {{"withoutPowerReset", "integer",
		"1 aborts without power-resetting the server; by default the server is reset (also accepted as a trailing path segment)."}},
	"listUserActivityLog":   {limitParam},
	"listSystemActivityLog": {limitParam},
	"listAgentActivityLog":  {limitParam},
	"listAccessLog":         {limitParam},
}

// conflicts are the operations that can be refused because of a record's state (409).
// unprocessable are operations without a body or query that may still be refused with 422,
// and why.
var unprocessable = map[string]string{
	"runServerPowerAction": "a power method the server does not support",
	"listBmcUsers":         "the server has no IPMI connection, or its BMC does not take the connection's credentials",
}

var conflicts = map[string]string{
	"startReinstallation":         "the server is busy (an installation, wipe or other task is running)",
	"stopReinstallation":          "no installation is running",
	"deleteServer":                "the server is busy with a task",
	"runServerPowerAction":        "the power method is not one the server supports, or the server is busy",
	"createIpAssignment":          "an IP is already assigned or reserved",
	"setDynamicIpAssignments":     "not enough free IPs or subnets",
	"createServerBackup":          "maxBackups is reached, or a backup task is running",
	"deleteServerBackup":          "a task is running for this backup",
	"restoreServerBackup":         "a backup task is running",
	"createServerSnapshot":        "maxSnapshots is reached, or a snapshot task is running",
	"deleteServerSnapshot":        "a task is running for this snapshot",
	"rollbackServerSnapshot":      "a snapshot task is running",
	"reserveIp":                   "the IP is assigned or already reserved",
	"unreserveIp":                 "the IP is not reserved",
	"deleteIp":                    "the IP is assigned",
	"runIpMassAction":             "an IP is assigned",
	"splitSubnet":                 "the subnet has assignments or is not IPv6",
	"deleteSubnet":                "IPs of the subnet are assigned",
	"deleteRole":                  "the role cannot be deleted or is still assigned",
	"deleteAliasRole":             "the role is still assigned",
	"deleteUser":                  "the user still owns servers or users",
	"deleteVpsPlan":               "servers still use the plan",
	"deleteBalancerPlan":          "plans still use the balancer plan",
	"deleteExternalProvider":      "servers still run on the provider",
	"deleteRemoteAgent":           "servers, subnets or network devices still use the agent",
	"testRemoteAgentConnectivity": "the agent is not installed (its installation is running or failed)",
	"reprovisionRemoteAgent":      "an installation of the agent is already running",
	"deleteInventoryComponent":    "the component cannot be deleted",
	"deleteInventoryCustomField":  "the field cannot be deleted",
	"deletePxeProfile":            "a server is being provisioned with the profile",
	"clearPxeProfileCache":        "the profile is a Windows profile, whose files were imported from an ISO",
	"deleteDiskLayout":            "the layout is a stock template",
	"deletePxeScript":             "the script is a stock template",
	"createSystemBackup":          "a backup is already running",
	"enableTwoFactor":             "two-factor authentication is already on",
}

// tagDocs describe the vendor's tags in our words.
var tagDocs = map[string]string{
	"Alias Roles":                "Roles for alias users.",
	"Alias Users":                "Accounts with shared access to another user's records.",
	"Brands":                     "White-label brands: texts, colours and logos per domain.",
	"External Providers":         "Hypervisors and hosting APIs servers can live on.",
	"Files":                      "Files attached to records.",
	"IP Management":              "The IP manager (admins only).",
	"Inventory":                  "Kinds of hardware parts and their custom fields.",
	"Network Devices":            "Switches and PDUs.",
	"Others":                     "Version, time zones, interface settings.",
	"PXE Basic Operations":       "Copies of PXE records and the OS list.",
	"PXE Disklayouts":            "Partitioning for installations.",
	"PXE Profiles":               "Operating systems installed over PXE.",
	"PXE Scripts":                "Scripts run after installations.",
	"PXE Windows Profiles":       "Windows editions imported from install media.",
	"Remote Agents":              "Helpers that reach servers inside their networks.",
	"Reverse DNS":                "RDNS providers and PTR records (admins only).",
	"Roles":                      "Roles and permissions.",
	"Search Function":            "Quick search.",
	"Server BMC User Management": "IPMI users of servers' BMCs.",
	"Server Backups":             "Backups of VPSs.",
	"Server Basic Operations":    "Servers and their tags.",
	"Server Comments":            "Notes on servers.",
	"Server Connections":         "How the panel reaches a server's IPMI, PXE, PDU and switch ports.",
	"Server IP Assignments":      "IPs and subnets assigned to servers.",
	"Server Inventory":           "Hardware of servers.",
	"Server Network Management":  "Switch ports and VLANs of servers.",
	"Server OS Provisioning":     "Installations.",
	"Server Power":               "Power control.",
	"Server Ressources (VM)":     "Resources of VPSs.",
	"Server Snapshots":           "Snapshots of VPSs.",
	"Server Statistics":          "Traffic, power, CPU, memory and disk statistics.",
	"Subnet Management":          "Subnets and their IPs.",
	"System Backups":             "Backups of the panel itself.",
	"System Logs":                "Activity logs.",
	"System Settings":            "Global settings.",
	"Task Tracking":              "Background tasks.",
	"Users":                      "Users, tokens, SSH keys, two-factor authentication, impersonation.",
	"VPS Plans":                  "VPS plans and balancer plans.",
}
