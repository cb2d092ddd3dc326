package main

import "strings"

// Words of our own: parameter and field descriptions, component nouns, and the examples
// the vendor's Faker values would make useless or invalid.

// compNouns name each component in response descriptions.
var compNouns = map[string]string{
	"Server": "server", "HardwareSummary": "hardware summary", "IpAssignment": "IP assignment",
	"User": "user", "CurrentUser": "user", "AliasUser": "alias user", "Role": "role", "AliasRole": "alias role",
	"Brand": "brand", "ExternalProvider": "external provider", "InventoryCustomField": "custom field",
	"InventoryComponent": "inventory component", "NetworkDevice": "network device", "DiskLayout": "disk layout",
	"PxeProfile": "PXE profile", "PxeScript": "PXE script", "InstallProfile": "OS profile",
	"RemoteAgent": "remote agent", "IpmiKvmIso": "ISO image", "RdnsProvider": "RDNS provider",
	"BmcUser": "IPMI user", "Comment": "comment", "Connection": "connection", "AssignableSubnet": "subnet",
	"FreeIp": "free IP", "ServerInventoryItem": "inventory item", "VmResources": "VPS resources",
	"Subnet": "subnet", "BackupStorage": "backup storage", "SystemBackup": "backup run",
	"ActivityLogEntry": "log entry", "GlobalSetting": "setting", "Task": "task", "ApiToken": "API token",
	"NewApiToken": "API token", "SshKey": "SSH key", "VpsPlan": "VPS plan", "BalancerPlan": "balancer plan",
}

// paramTypes overrides the vendor's type of a path parameter (our template + name).
var paramTypes = map[string]string{
	// "must not be empty, but can be any integer or string": the body names the IP (§2.2).
	"/api/servers/{server_id}/ipassignments/{id} id": "string",
}

// idNouns name what an {id} parameter designates, by the path segment before it.
var idNouns = map[string]string{
	"aliasRoles": "alias role", "aliasUsers": "alias user", "brands": "brand", "externalProviders": "external provider",
	"customfields": "custom field", "inventorycomponents": "inventory component", "networkDevices": "network device",
	"disklayouts": "disk layout", "profiles": "PXE profile", "scripts": "PXE script", "ipmiKvmIsos": "ISO image",
	"remoteAgents": "remote agent", "providers": "RDNS provider", "roles": "role", "servers": "server",
	"comments": "comment", "connections": "connection", "inventory": "inventory item", "subnets": "subnet",
	"storages": "backup storage", "tasks": "task", "tokens": "API token", "sshkeys": "SSH key", "users": "user",
	"vpsplans": "VPS plan", "balancerplans": "balancer plan",
}

var paramDocs = map[string]string{
	"server":                 "The server's id.",
	"server_id":              "The server's id.",
	"brand":                  "The brand's id.",
	"fileId":                 "The file's id.",
	"networkDevice":          "The network device's id.",
	"networkDeviceAction":    "The action to run; getFeatures lists the device's actions and their fields.",
	"pxeProfileId":           "The PXE profile's id.",
	"pxeScriptId":            "The PXE script's id.",
	"pxeDisklayoutId":        "The disk layout's id.",
	"agentId":                "The remote agent's id.",
	"subnet":                 "The subnet's id.",
	"subnet_id":              "The subnet's id.",
	"subnetId":               "The subnet's id.",
	"provider":               "The RDNS provider's id.",
	"ip":                     "An IPv4 address assigned to the server.",
	"testConnectionId":       "The connection's id.",
	"serverConnectionAction": "The action to run; getSupportedActions lists those of the connection.",
	"serverPowerMethod":      "A power method the server supports (its powerprovider.supportedFeatures): getPowerStatus, setPowerOn, setPowerOff, setPowerReset, setPowerCycle, setBootType, setBmcReset, executeCustomCommand …",
	"statsMode":              "graph or text (the same values today).",
	"backupTaskId":           "The backup run's id.",
	"settingname":            "The setting's name.",
	"impersonateUserId":      "The id of the user to act as.",
	"user":                   "The user's id.",
	"user_id":                "The user's id.",
	"vpsplan":                "The VPS plan's id.",
}

func paramDoc(path, name string) string {
	if name == "id" {
		segs := strings.Split(path, "/")
		for i, s := range segs {
			if s == "{id}" && i > 0 {
				if n, ok := idNouns[segs[i-1]]; ok {
					if path == "/api/servers/{server_id}/ipassignments/{id}" {
						return "Any value: the IP is named in the body (ip, or ips for a delete)."
					}
					return "The " + n + "'s id."
				}
			}
		}
		return "The record's id."
	}
	if d, ok := paramDocs[name]; ok {
		return d
	}
	return "The " + name + "."
}

// fieldDocs describe request fields: "operationId field.path" for one operation, or
// "field.path" everywhere.
var fieldDocs = map[string]string{
	"permissionlist":                      "Single permissions, e.g. servers.update.param.tags.",
	"permissionsets":                      "Names of permission sets (GET /api/permissions).",
	"serversIndexDisablePermissionChecks": "List servers without checking per-server permissions (faster for large accounts).",
	"user_alias_assignments":              "What the alias user may reach: a type, the ids of the records, or all of them.",
	"accountstatus":                       "Whether the account may log in.",
	"role_id":                             "The role's id (1 admin, 2 reseller, 3 user in a fresh panel).",
	"user_id":                             "The owner's user id.",
	"root_owner":                          "The user id of the reseller or admin who owns this account.",
	"domain":                              "The domain the brand is shown on.",
	"color_scheme":                        "Colours by theme (light, dark), each a map of colour names to values.",
	"languageOverrides":                   "Texts to replace, by language code then text key.",
	"availableLanguages":                  "Extra languages offered by the brand.",
	"provider":                            "The kind of provider.",
	"apiUrl":                              "The provider's API address.",
	"meta":                                "Settings particular to the kind of provider or device.",
	"mode":                                "What to do.",
	"ips":                                 "IPs or subnets (with prefix length).",
	"type":                                "The kind of record.",
	"adminIp":                             "The IP or subnet the action is for.",
	"comment":                             "The text; empty to remove it.",
	"availableValues":                     "The choices of a dropdown field.",
	"groupname":                           "A group to sort components by, e.g. Hardware or Software.",
	"customfieldsRelations":               "Ids of the custom fields the component carries.",
	"valueType":                           "The unit of the component's value.",
	"useCache":                            "Accept a status cached in the last 15 minutes (faster).",
	"deviceType":                          "The kind of device.",
	"host":                                "Host name or IP of the device.",
	"agentId":                             "The remote agent that reaches it.",
	"features":                            "Extra features to enable, e.g. bw_collection.",
	"tags":                                "Tags; records are matched with servers and profiles by tag.",
	"min_disks":                           "Offer only for servers with at least this many disks.",
	"offer_if_has_tag":                    "Offer only for servers with one of these tags.",
	"dont_offer_if_has_tag":               "Never offer for servers with one of these tags.",
	"offer_if_user_has_role":              "Offer only to users with one of these roles.",
	"dont_offer_if_user_has_role":         "Never offer to users with one of these roles.",
	"allow_for_vps":                       "Offer for VPSs.",
	"allow_for_dedicated":                 "Offer for dedicated servers.",
	"hw_raid_handling":                    "How hardware RAID decides whether it is offered.",
	"osName":                              "The name shown for the operating system.",
	"pxeType":                             "The installer family.",
	"pxeConfig":                           "The iPXE script that boots the installer.",
	"cacheDirectory":                      "Where the OS files are cached on the panel.",
	"editions":                            "The editions to import (names from getWindowsInformation).",
	"downloadUrl":                         "Where to download the ISO from.",
	"hostname":                            "The host name.",
	"sshport":                             "The SSH port.",
	"serverId":                            "The RDNS server's id.",
	"ptrRecord":                           "The PTR record; empty to delete it.",
	"setPtrTemplate":                      "Reset the record to the panel's default.",
	"withStatusCheck":                     "Also check that each provider answers (slower).",
	"data":                                "The provider's access details.",
	"text":                                "What to look for.",
	"privilege":                           "IPMI privilege level: 1 callback, 2 user, 3 operator, 4 administrator.",
	"slot":                                "The user's IPMI slot (see listBmcUsers).",
	"withoutSlotCheck":                    "Skip checking that the slot exists (when calling several times in a row).",
	"channelAccessSettings":               "ipmitool channel access settings, e.g. ipmi=on callin=on link=on privilege=4.",
	"accessSettings":                      "ipmitool channel access settings, e.g. ipmi=on callin=on link=on privilege=4.",
	"backupId":                            "The backup's id (backupId in listServerBackups).",
	"snapshotId":                          "The snapshot's id (snapshotId in listServerSnapshots).",
	"options":                             "The create options listServerBackups (or listServerSnapshots) describes in meta.ui.create.",
	"servername":                          "The server's name in the panel.",
	"os":                                  "The operating system's name.",
	"servertype":                          "dedicated, vm, or auto to let the panel tell.",
	"vpsplan":                             "Create a VPS from this VPS plan.",
	"overrideVpsResources":                "Resources that differ from the plan's.",
	"config":                              "Connections to create with the server: agentId, ipmi_ip, ipmi_user, ipmi_password, pxe_mac, enable_pxe, enable_ipmi_console, enable_ipmi_powermanagement, enable_permanent_dhcp.",
	"ipassignments":                       "IPs to assign to the new server.",
	"suspendUserIds":                      "Users for whom the server is suspended; [] lifts every suspension.",
	"assignmentDates":                     "When each owner got the server.",
	"suspendPowerAction":                  "Power action to run when the server is suspended.",
	"suspendNetworkPortAction":            "What to do with the server's switch ports when it is suspended.",
	"destroy":                             "Also delete the VM on the hypervisor.",
	"authorizedIp":                        "The only address the console may be opened from.",
	"consoleMode":                         "standard (Java/HTML5 KVM) or web.",
	"oldTag":                              "The tag to rename.",
	"newTag":                              "Its new name.",
	"tag":                                 "The tag to remove.",
	"updateSubnets":                       "Change subnets' tags as well.",
	"updatePxeProfiles":                   "Change PXE profiles' tags as well.",
	"sticky":                              "Show the comment on top.",
	"attachments":                         "Files to attach.",
	"types":                               "What the connection is used for, e.g. power_management, remote_console.",
	"connectionDetails":                   "The connection's type and settings.",
	"subnets_id":                          "The subnet's id.",
	"performVlanActions":                  "Whether switch VLAN automation runs (perform), is only shown (preview) or skipped (none).",
	"primary_ip":                          "Make it the server's primary IP.",
	"subnetIp":                            "For a subnet: the IP of it the PTR record is for.",
	"deleteExistingIpAssignments":         "Remove the server's current assignments first.",
	"inventorycomponent_id":               "The inventory component's id.",
	"customfields":                        "Values of the component's custom fields.",
	"profileId":                           "The OS profile to install (from listInstallProfiles).",
	"rootpassword":                        "The new root (Administrator) password.",
	"disklayoutId":                        "The disk layout to use.",
	"runScripts":                          "Ids of scripts to run after the installation.",
	"userprovidedDiskLayout":              "A disk layout of one's own, in the installer's syntax.",
	"sshkeys":                             "Public SSH keys to install.",
	"configure_all_ipvfour":               "Configure every IPv4 address of the server, not only the primary one.",
	"configure_all_ipvsix":                "Configure every IPv6 address of the server.",
	"installPowerAction":                  "How the server is started into the installer.",
	"params":                              "Argument of the method; for setBootType the boot device (pxe, disk, bios …).",
	"noFailover":                          "Do not fall back to a PDU when IPMI fails.",
	"method":                              "Ignored.",
	"command":                             "An ipmitool command, e.g. chassis status.",
	"from":                                "Start of the period.",
	"to":                                  "End of the period.",
	"predefined":                          "A named period instead of from and to.",
	"groupBy":                             "Add a summary (95th percentile included) per month, year or decade.",
	"summary":                             "Add a summary of all ports.",
	"toPrefix":                            "Prefix length of the child subnets.",
	"gateway_method":                      "Which IP of each child subnet is its gateway.",
	"toAmount":                            "How many child subnets or IPs to create.",
	"listOfIps":                           "The IPs to create.",
	"generateIps":                         "Create the subnet's IP records at once.",
	"cidr":                                "Prefix length; netmask may be given instead.",
	"netmask":                             "Netmask; cidr may be given instead.",
	"gw":                                  "The gateway IP.",
	"priority":                            "Order in which subnets are used for new VPSs.",
	"dns_resolvers":                       "Two or three resolvers given to installations in this subnet.",
	"settings":                            "Setting name → new value.",
	"allowedHosts":                        "Addresses the token or account may be used from; empty for any.",
	"pubkey":                              "The public key, in OpenSSH format.",
	"code":                                "A code from the authenticator app.",
	"endpoint":                            "Where the browser lands after the login, e.g. /servers.",
	"validForSeconds":                     "How long the token may be used.",
	"email":                               "The user's email address.",
	"password":                            "The password.",
	"username":                            "The login name.",
	"name":                                "The name.",
	"timezone":                            "Time zone, e.g. Europe/Berlin.",
	"datetimeFormat":                      "Date format, e.g. DD.MM.YYYY HH:mm:ss.",
	"darkmode":                            "1 for the dark theme.",
	"prefs":                               "Interface preferences.",
	"language":                            "Interface language, e.g. en-us.",
	"identify":                            "User name or email.",
	"two_factor_code":                     "The two-factor code, if the user has it on.",
	"planname":                            "The plan's name.",
	"planconfig":                          "The plan's configuration, as GET /api/virtualization/vpsplans/{id} shows it; keys differ per platform.",
	"providerId":                          "The external provider's id.",
	"retention":                           "How many backups to keep.",
	"configuration":                       "Access details of the storage.",
	"userId":                              "A user id.",
	"getAdditionalUserInformation withOwnedUsersData":       "Add the users this user owns.",
	"getAdditionalUserInformation limitOwnedUsersDataToIds": "Only these owned users.",
	"description": "A description.",
}

func fieldDoc(id, where string) string {
	if where == "" {
		return ""
	}
	if d, ok := fieldDocs[id+" "+where]; ok {
		return d
	}
	return fieldDocs[where]
}

// exampleOverrides replace the vendor's Faker values where they make no sense to the
// simulator or break the field's own rules ("operationId field.path").
var exampleOverrides = map[string]any{
	"createPxeProfile default_run_scripts":          []any{num(1)},
	"updatePxeProfile default_run_scripts":          []any{num(1)},
	"createPxeProfile default_disklayout_template":  num(1),
	"updatePxeProfile default_disklayout_template":  num(1),
	"createServer hostname":                         "server-002.example.com",
	"createServer servername":                       "server-002",
	"createServer description":                      "Web server",
	"createServer tags":                             []any{"Internal"},
	"createServer os":                               "Debian 12",
	"updateServer hostname":                         "server-001.example.com",
	"updateServer servername":                       "server-001",
	"updateServer description":                      "Database server",
	"updateServer tags":                             []any{"Internal"},
	"updateServer os":                               "Debian 12",
	"createUser name":                               "Jane Doe",
	"createUser username":                           "jdoe",
	"createUser password":                           "Secret-Pass-123",
	"createUser email":                              "jane.doe@example.com",
	"createUser description":                        "Customer",
	"createUser role_id":                            num(3),
	"createUser root_owner":                         num(1),
	"createUser datetimeFormat":                     "DD.MM.YYYY HH:mm:ss",
	"createUser language":                           "en-us",
	"createUser allowedHosts":                       []any{},
	"createAliasUser name":                          "Jane Doe",
	"createAliasUser username":                      "jdoe-alias",
	"createAliasUser password":                      "Secret-Pass-123",
	"createAliasUser email":                         "jane.alias@example.com",
	"createAliasUser description":                   "Shared access",
	"createAliasUser role_id":                       num(3),
	"createAliasUser root_owner":                    num(1),
	"createAliasUser datetimeFormat":                "DD.MM.YYYY HH:mm:ss",
	"createAliasUser language":                      "en-us",
	"createAliasUser allowedHosts":                  []any{},
	"updateUser name":                               "Jane Doe",
	"updateUser username":                           "jdoe",
	"updateUser password":                           "Secret-Pass-456",
	"updateUser description":                        "Customer",
	"updateUser role_id":                            num(3),
	"updateUser root_owner":                         num(1),
	"updateUser datetimeFormat":                     "DD.MM.YYYY HH:mm:ss",
	"updateUser language":                           "en-us",
	"updateUser allowedHosts":                       []any{},
	"startReinstallation hostname":                  "server-001.example.com",
	"createSubnet subnet":                           "10.10.11.0",
	"createSubnet description":                      "Customer subnet",
	"createSubnet offer_if_server_has_tag":          []any{},
	"createSubnet dont_offer_if_server_has_tag":     []any{},
	"createSubnet only_if_server_has_remote_agents": []any{},
	"createSubnet vlan_layer3_ip":                   "10.10.11.1",
	"updateSubnet offer_if_server_has_tag":          []any{},
	"updateSubnet dont_offer_if_server_has_tag":     []any{},
	"updateSubnet only_if_server_has_remote_agents": []any{},
	"updateSubnet vlan_layer3_ip":                   "10.10.11.1",
	"createIpAssignment description":                "Additional IP",
	"getServersByTags tags":                         []any{"Internal"},
	"createSshKey name":                             "laptop",
	"createApiToken name":                           "billing",
	"createApiToken allowedHosts":                   []any{},
	"updateApiToken allowedHosts":                   []any{},
	"createRole name":                               "Support",
	"createAliasRole name":                          "Shared support",
	"createVpsPlan planname":                        "VPS S",
	"updateVpsPlan planname":                        "VPS S",
	"createBalancerPlan planname":                   "Balanced",
	"updateBalancerPlan planname":                   "Balanced",
	"testBalancerConfiguration planname":            "Balanced",
	"runServerPowerAction params":                   absent,
	"deleteIp adminIp":                              "10.10.10.20",
	"updateSubnet gw":                               "10.10.11.1",
	"updateSubnet description":                      "Customer subnet",
	"createRemoteAgent name":                        "Agent FRA1",
	"createRemoteAgent hostname":                    "agent01.example.com",
	"createRemoteAgent ip":                          "10.10.10.5",
	"createRemoteAgent password":                    "Secret-Pass-123",
	"createRemoteAgent sshport":                     num(22),
	"reprovisionRemoteAgent name":                   "Agent FRA1",
	"reprovisionRemoteAgent hostname":               "agent01.example.com",
	"reprovisionRemoteAgent ip":                     "10.10.10.5",
	"reprovisionRemoteAgent sshport":                num(22),
	"updateRemoteAgent name":                        "Agent FRA1",
	"updateRemoteAgent hostname":                    "agent01.example.com",
	"updateRemoteAgent sshport":                     num(22),
	"enableTwoFactor code":                          "123456",
	"createServerBackup options":                    mustJSON(`{"storage": "local", "mode": "snapshot", "compression": "zstd", "notes": "Before upgrade"}`),
	"createServerSnapshot options":                  mustJSON(`{"name": "before_upgrade", "description": "Before upgrade", "includeMemory": false}`),
	// Examples taken from the vendor's own records.
	"createVpsPlan planconfig": fromExampleOf("VpsPlan", "planconfig"),
	"updateVpsPlan planconfig": fromExampleOf("VpsPlan", "planconfig"),
	"updateRdnsProvider data":  fromExampleOf("RdnsProvider", "data"),
}

// fieldTypes overrides the vendor's type of a request field ("operationId field.path").
var fieldTypes = map[string]string{
	// Scribe's default for a field it knows no rule of; clients send the owner's id as a number.
	"createServer user_id": "integer",
	// "" leaves the field free-form: the catalog (§2.4, §2.7) shows objects where Scribe
	// guessed lists of strings.
	"createServer overrideVpsResources": "",
	"createServerBackup options":        "",
	"createServerSnapshot options":      "",
	"updateRdnsProvider data":           "",
	"createBackupStorage configuration": "", // an object of access details, as GET shows it
	// The vendor's own example sends the custom fields' ids as numbers ([1, 3]).
	"createInventoryComponent customfieldsRelations[]": "integer",
	"updateInventoryComponent customfieldsRelations[]": "integer",
	// Script ids, which the profile's own answer shows as numbers (default_run_scripts: [1]).
	"createPxeProfile default_run_scripts[]": "integer",
	"updatePxeProfile default_run_scripts[]": "integer",
}

// bodyDocs describe some request bodies as a whole.
var bodyDocs = map[string]string{
	"updateVmResources":         `The VPS's new configuration, in the shape GET …/vm shows (keys differ per platform), or {"planId": <id>} to apply a VPS plan.`,
	"runNetworkDeviceAction":    "The fields of the action, as getFeatures describes them (portId, vlanId …).",
	"runServerConnectionAction": "The fields of the action, if it takes any.",
	"createAliasUser":           "The fields of user creation (POST /api/users).",
	"createServerComment":       "Sent as multipart/form-data when files are attached; JSON is taken too.",
	"uploadBrandLogos":          "Sent as multipart/form-data.",
}

// fromExampleOf takes an example value from a component's example (resolved when used).
func fromExampleOf(comp, field string) func(g *gen) any {
	return func(g *gen) any { return clone(g.compExample[comp].(*obj).m[field]) }
}

// extraBodies give a request body to operations whose vendor entry has none although the
// handler needs the fields.
var extraBodies = map[string]func(g *gen) *obj{
	// "Takes the same parameters as POST api/users."
	"createAliasUser": func(g *gen) *obj {
		g.note("added: createAliasUser takes the body of createUser (the vendor documents none)")
		return clone(g.vendorOps["POST /api/users"].child("requestBody")).(*obj)
	},
	// Each action takes its own fields; getFeatures describes them.
	"runNetworkDeviceAction": func(g *gen) *obj {
		g.note("added: runNetworkDeviceAction takes a free-form body (the fields of the action)")
		return freeBody(`{"portId": 1}`)
	},
	"runServerConnectionAction": func(g *gen) *obj {
		g.note("added: runServerConnectionAction takes a free-form body (the fields of the action)")
		return freeBody(`{}`)
	},
}

// freeBody is a vendor-style request body that takes any fields.
func freeBody(example string) *obj {
	return newObj().set("required", false).set("content", newObj().set("application/json", newObj().
		set("schema", newObj().set("type", "object").set("example", mustJSON(example)))))
}

// optional are body fields the vendor marks required that the panel only requires in some
// cases, which the handler checks: a disk wipe or rescue boot takes no root password (NUY
// sends only profileId for a wipe); a subnet takes its cidr or its netmask.
var optional = map[string][]string{
	"startReinstallation": {"rootpassword"},
	"createSubnet":        {"cidr", "netmask"}, // one of the two (catalog §2.8)
}

// extraFields are fields of components that the vendor's examples do not show but the
// panel's answers carry, as JSON schemas: a comment lists the files attached to it (their
// ids are what GET /api/files/{fileId}/download takes; the vendor documents attachments on
// create and the download, never where a client finds a file's id).
var extraFields = map[string][]struct{ name, schema string }{
	"Comment": {{"files", `{"type": "array", "description": "The files attached to the comment.", "items": {"type": "object",
		"additionalProperties": false, "properties": {"id": {"type": "integer"}, "filename": {"type": "string"},
		"filesize": {"type": "integer"}, "mimetype": {"type": "string"}, "created_at": {"type": "string"}}}}`}},
}

// responseTypes set the type of answer fields (as "Component.field") whose examples show
// one value of a wider type: a balancer plan's priorities and reserves are fractions in
// places (ramPriority 1.5) and its limits and patterns may be unset (null).
var responseTypes = map[string]string{
	"BalancerPlan.cpuPriority":              "number",
	"BalancerPlan.cpuRequireIdlePercentage": "number",
	"BalancerPlan.storagePriority":          "number",
	"BalancerPlan.storageReserveFreeAmount": "number",
	"BalancerPlan.ramPriority":              "number",
	"BalancerPlan.ramReserveFreeAmount":     "number",
	"BalancerPlan.vmCountPriority":          "number",
	"BalancerPlan.vmMaxAmount":              "integer",
	"BalancerPlan.nodeMustMatchRegex":       "string",
	"BalancerPlan.nodeMustNotMatchRegex":    "string",
	// Unset until the first backup ran, or while a backup run has not ended.
	"BackupStorage.last_backup_date":    "string",
	"BackupStorage.last_status_message": "string",
	"SystemBackup.end_date":             "string",
}
