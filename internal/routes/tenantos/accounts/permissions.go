package accounts

import (
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// permissionSet is a named group of permissions, as GET /api/permissions lists them: the API
// endpoints it opens, the fields it lets a user change and the output fields it shows.
type permissionSet struct {
	Name      string
	Level     int // the lowest level that may hold it
	Endpoints []string
	Updates   []string
	Outputs   []string
	Dangerous bool // shares something an alias user should not have lightly
}

// catalogue is the panel's permission catalogue. The vendor documents its shape and a few
// names (system.version, system.apiOutput.param.app_version, servers.update.param.tags,
// servers.apiOutput.param.tags, "View System Version", "Manage Server Description"); the rest
// is written after the API's operations, in the same naming scheme: an endpoint permission is
// the route's name (resource, then action: servers.index, servers.show, servers.update,
// servers.power.setPowerOn …), an update field permission <endpoint>.param.<field> and an
// output permission <resource>.apiOutput.param.<field>. operationPermissions (operations.go)
// says which endpoint permission each operation needs.
//
// Levels: what an end user's panel shows (its servers and what they carry, its account) is
// user-level; what a reseller does for its customers (users, roles, assignments, VPS plans to
// sell) is reseller-level; the panel's infrastructure (inventory, subnets, devices, PXE,
// agents, providers, system) is the administrator's. Every output permission of the objects
// an end user sees is user-level, so that the default roles hide nothing: a role made with
// fewer sets hides the fields of the sets it lacks.
var catalogue = []permissionSet{
	{Name: "View System Version", Level: levelAdmin, Endpoints: []string{"system.version"},
		Outputs: []string{"system.apiOutput.param.app_version", "system.apiOutput.param.updateAvailable", "system.apiOutput.param.updateVersion"}},
	{Name: "List Servers", Level: levelUser, Endpoints: []string{"servers.index", "servers.getByIp", "servers.getByTags",
		"servers.tags.index", "search.quicksearch"},
		Outputs: []string{"servers.apiOutput.param.hostname", "servers.apiOutput.param.servername", "servers.apiOutput.param.os",
			"servers.apiOutput.param.primaryip", "servers.apiOutput.param.owner_realname", "servers.apiOutput.param.user_id",
			"servers.apiOutput.param.servertype", "servers.apiOutput.param.typeOfServer", "servers.apiOutput.param.tags",
			"servers.apiOutput.param.description", "servers.apiOutput.param.suspendedUserIds", "servers.apiOutput.param.assignmentDate"}},
	{Name: "View Server Details", Level: levelUser, Endpoints: []string{"servers.show"},
		Outputs: []string{"servers.apiOutput.param.detailedHardwareInformation", "servers.apiOutput.param.trafficStatistics",
			"servers.apiOutput.param.lastBwrate", "servers.apiOutput.param.ipassignments", "servers.apiOutput.param.ownerChain"}},
	{Name: "Manage Server Description", Level: levelUser, Endpoints: []string{"servers.update"},
		Updates: []string{"servers.update.param.description"}, Outputs: []string{"servers.apiOutput.param.description"}},
	{Name: "Manage Server Hostname", Level: levelUser, Endpoints: []string{"servers.update"},
		Updates: []string{"servers.update.param.hostname"}, Outputs: []string{"servers.apiOutput.param.hostname"}},
	{Name: "Manage Server Tags", Level: levelReseller, Endpoints: []string{"servers.update", "servers.tags.index"},
		Updates: []string{"servers.update.param.tags"}, Outputs: []string{"servers.apiOutput.param.tags"}},
	{Name: "Assign Servers To Users", Level: levelReseller, Endpoints: []string{"servers.update"},
		Updates: []string{"servers.update.param.user_id", "servers.update.param.suspendUserIds", "servers.update.param.assignmentDates"},
		Outputs: []string{"servers.apiOutput.param.user_id", "servers.apiOutput.param.suspendedUserIds"}},
	{Name: "Create And Delete Servers", Level: levelReseller, Endpoints: []string{"servers.store", "servers.destroy"}},
	{Name: "Manage Tags", Level: levelAdmin, Endpoints: []string{"tags.rename", "tags.delete"}},
	{Name: "Server Power Control", Level: levelUser, Endpoints: []string{"servers.power.getPowerStatus", "servers.power.setPowerOn",
		"servers.power.setPowerOff", "servers.power.setPowerReset", "servers.power.setPowerCycle", "servers.power.setBootType",
		"servers.connections.actions"},
		Outputs: []string{"servers.apiOutput.param.cachedPowerstatus", "servers.apiOutput.param.powerprovider"}},
	{Name: "Server BMC Actions", Level: levelAdmin, Endpoints: []string{"servers.power.setBmcReset", "servers.power.executeCustomCommand",
		"servers.bmc.executeCommand"}, Dangerous: true},
	{Name: "Manage BMC Users", Level: levelAdmin, Endpoints: []string{"servers.bmc.users.listUsers", "servers.bmc.users.createUser",
		"servers.bmc.users.createUserWithPasswordAndPrivilege", "servers.bmc.users.updateUser", "servers.bmc.users.deleteUser",
		"servers.bmc.users.enableUser", "servers.bmc.users.disableUser", "servers.bmc.users.setUserPassword",
		"servers.bmc.users.setUserPrivilege", "servers.bmc.users.channelSetAccess"}, Dangerous: true},
	{Name: "Server Console", Level: levelUser, Endpoints: []string{"servers.console.start"},
		Outputs: []string{"servers.apiOutput.param.consoleprovider"}},
	{Name: "Reinstall Servers", Level: levelUser, Endpoints: []string{"servers.provisioning.getProfiles",
		"servers.provisioning.startReinstallation", "servers.provisioning.getInstallStatus", "servers.provisioning.stopReinstallation",
		"servers.provisioning.executePostCommand", "servers.provisioning.getOsLogo", "os.list"},
		Outputs: []string{"servers.apiOutput.param.reinstallationRunning", "servers.apiOutput.param.rescueBootRunning",
			"servers.apiOutput.param.diskwipeRunning", "servers.apiOutput.param.passwordResetRunning",
			"servers.apiOutput.param.hardwarecollectRunning", "servers.apiOutput.param.reinstallationprovider",
			"servers.apiOutput.param.postReinstallationActionAvailable"}},
	{Name: "Server Statistics", Level: levelUser, Endpoints: []string{"servers.stats.getAvailableStatistics", "servers.stats.network",
		"servers.stats.cpu", "servers.stats.memory", "servers.stats.diskio", "servers.stats.ipmi"}},
	{Name: "View IP Assignments", Level: levelUser, Endpoints: []string{"servers.ipassignments.index"},
		Outputs: []string{"servers.apiOutput.param.ipassignments"}},
	{Name: "Manage IP Assignments", Level: levelUser, Endpoints: []string{"servers.ipassignments.store",
		"servers.ipassignments.destroy", "servers.ipassignments.getAssignableSubnets", "servers.ipassignments.getAssignableIpsOfSubnet",
		"servers.ipassignments.dynamicIpAssignments", "virtualization.ipassignments.getAssignableSubnets"}},
	{Name: "Manage Reverse DNS", Level: levelUser, Endpoints: []string{"servers.ipassignments.rdns", "servers.ipassignments.update"},
		Updates: []string{"servers.ipassignments.update.param.ptrRecord", "servers.ipassignments.update.param.description"}},
	{Name: "VPS Backups", Level: levelUser, Endpoints: []string{"servers.backups.index", "servers.backups.store",
		"servers.backups.destroy", "servers.backups.restore", "servers.backups.available", "tasks.show"}},
	{Name: "VPS Snapshots", Level: levelUser, Endpoints: []string{"servers.snapshots.index", "servers.snapshots.store",
		"servers.snapshots.destroy", "servers.snapshots.rollback", "servers.snapshots.available", "tasks.show"}},
	{Name: "View VPS Resources", Level: levelUser, Endpoints: []string{"servers.vm.show"},
		Outputs: []string{"servers.apiOutput.param.backendDeletable", "servers.apiOutput.param.isExternalServer"}},
	{Name: "VPS Resources", Level: levelReseller, Endpoints: []string{"servers.vm.show", "servers.vm.update"}},
	{Name: "Server Activity Log", Level: levelUser, Endpoints: []string{"servers.activitylog"}},
	{Name: "Server Comments", Level: levelUser, Endpoints: []string{"servers.comments.index", "servers.comments.store",
		"servers.comments.show", "servers.comments.update", "servers.comments.destroy", "files.download", "files.destroy"}},
	{Name: "View Server Connections", Level: levelUser, Endpoints: []string{"servers.connections.index", "servers.connections.show",
		"servers.connections.test"}},
	{Name: "Manage Server Connections", Level: levelAdmin, Endpoints: []string{"servers.connections.store",
		"servers.connections.update", "servers.connections.destroy"}, Dangerous: true},
	{Name: "View Server Inventory", Level: levelUser, Endpoints: []string{"servers.inventory.index", "servers.inventory.show",
		"servers.hwsummary", "servers.hwsummary.withDetails"}},
	{Name: "Manage Server Inventory", Level: levelAdmin, Endpoints: []string{"servers.inventory.store", "servers.inventory.update",
		"servers.inventory.destroy", "servers.inventory.getInventoryCommand"}},
	{Name: "Server Network Ports", Level: levelUser, Endpoints: []string{"servers.network.getManageableNetworkPorts"}},
	{Name: "Regenerate VLAN Configuration", Level: levelAdmin, Endpoints: []string{"servers.network.regenerateVlanConfiguration"}},
	{Name: "View Subnets", Level: levelUser, Endpoints: []string{"subnets.index", "subnets.show", "subnets.withDetails",
		"subnets.listFreeIps"}},
	{Name: "Manage Subnets", Level: levelAdmin, Endpoints: []string{"subnets.index", "subnets.show", "subnets.store", "subnets.update",
		"subnets.destroy", "subnets.split", "subnets.listFreeIps", "subnets.withDetails", "subnets.childsMassActions"}},
	{Name: "IP Manager", Level: levelAdmin, Endpoints: []string{"ip.reserve", "ip.unreserve", "ip.comment", "ip.delete", "ip.massaction"}},
	{Name: "My Account", Level: levelUser, Endpoints: []string{"users.index", "users.show", "users.update", "users.loginhistory",
		"users.accesslog", "users.additionalUserInformation", "users.testLoginDetails", "activitylog.user"},
		Outputs: []string{"users.apiOutput.param.email", "users.apiOutput.param.lastlogin"}},
	{Name: "Manage Users", Level: levelReseller, Endpoints: []string{"users.index", "users.show", "users.store", "users.update",
		"users.destroy", "users.loginhistory", "users.accesslog"},
		Updates: []string{"users.update.param.accountstatus", "users.update.param.role_id", "users.update.param.root_owner"},
		Outputs: []string{"users.apiOutput.param.email", "users.apiOutput.param.lastlogin"}, Dangerous: true},
	{Name: "Impersonate Users", Level: levelReseller, Endpoints: []string{"users.impersonate"}, Dangerous: true},
	{Name: "Generate SSO Tokens", Level: levelUser, Endpoints: []string{"users.generateSsoToken"}, Dangerous: true},
	{Name: "Manage API Tokens", Level: levelUser, Endpoints: []string{"users.tokens.index", "users.tokens.store", "users.tokens.show",
		"users.tokens.update", "users.tokens.destroy"}, Dangerous: true},
	{Name: "Manage SSH Keys", Level: levelUser, Endpoints: []string{"users.sshkeys.index", "users.sshkeys.store", "users.sshkeys.show",
		"users.sshkeys.update", "users.sshkeys.destroy"}},
	{Name: "Two-Factor Authentication", Level: levelUser, Endpoints: []string{"users.twofactor.enable", "users.twofactor.disable"}},
	{Name: "View Roles", Level: levelUser, Endpoints: []string{"roles.index", "roles.show", "permissions.index"}},
	{Name: "Manage Roles", Level: levelReseller, Endpoints: []string{"roles.index", "roles.show", "roles.store", "roles.update",
		"roles.destroy", "permissions.index"}, Dangerous: true},
	{Name: "Manage Alias Users", Level: levelUser, Endpoints: []string{"aliasUsers.index", "aliasUsers.store", "aliasUsers.update",
		"aliasUsers.destroy", "aliasRoles.index", "aliasRoles.store", "aliasRoles.show", "aliasRoles.update", "aliasRoles.destroy"},
		Dangerous: true},
	{Name: "Manage Brands", Level: levelReseller, Endpoints: []string{"brands.index", "brands.show", "brands.store", "brands.update",
		"brands.destroy", "brands.logos.store", "brands.logos.destroy"}},
	{Name: "View Activity Logs", Level: levelAdmin, Endpoints: []string{"activitylog.user", "activitylog.system", "activitylog.agents"}},
	{Name: "View VPS Plans", Level: levelReseller, Endpoints: []string{"vpsPlans.index", "vpsPlans.show"}},
	{Name: "Manage VPS Plans", Level: levelAdmin, Endpoints: []string{"vpsPlans.index", "vpsPlans.show", "vpsPlans.store",
		"vpsPlans.update", "vpsPlans.destroy", "vpsPlans.duplicate", "balancerPlans.index", "balancerPlans.show", "balancerPlans.store",
		"balancerPlans.update", "balancerPlans.destroy", "balancerPlans.testBalancerConfiguration"}},
	{Name: "Manage External Providers", Level: levelAdmin, Endpoints: []string{"externalProviders.index", "externalProviders.show",
		"externalProviders.store", "externalProviders.update", "externalProviders.destroy"},
		Outputs: []string{"externalProviders.apiOutput.param.apiPassword"}},
	{Name: "Manage PXE Profiles", Level: levelAdmin, Endpoints: []string{"pxe.profiles.index", "pxe.profiles.show", "pxe.profiles.store",
		"pxe.profiles.update", "pxe.profiles.destroy", "pxe.profiles.duplicate", "pxe.profiles.restore", "pxe.profiles.clearcache",
		"pxe.tags.index", "pxe.tags.getPxeProfilesByTags", "pxe.windows.getWindowsInformation", "pxe.windows.importWindows",
		"pxe.disklayouts.index", "pxe.scripts.index"}},
	{Name: "Manage PXE Disk Layouts", Level: levelAdmin, Endpoints: []string{"pxe.disklayouts.index", "pxe.disklayouts.show",
		"pxe.disklayouts.store", "pxe.disklayouts.update", "pxe.disklayouts.destroy", "pxe.disklayouts.duplicate"}},
	{Name: "Manage PXE Scripts", Level: levelAdmin, Endpoints: []string{"pxe.scripts.index", "pxe.scripts.show", "pxe.scripts.store",
		"pxe.scripts.update", "pxe.scripts.destroy", "pxe.scripts.duplicate"}},
	{Name: "Manage Inventory Components", Level: levelAdmin, Endpoints: []string{"inventorycomponents.index",
		"inventorycomponents.show", "inventorycomponents.store", "inventorycomponents.update", "inventorycomponents.destroy",
		"inventorycomponents.customfields.index", "inventorycomponents.customfields.show", "inventorycomponents.customfields.store",
		"inventorycomponents.customfields.update", "inventorycomponents.customfields.destroy"}},
	{Name: "Manage Network Devices", Level: levelAdmin, Endpoints: []string{"networkDevices.index", "networkDevices.show",
		"networkDevices.store", "networkDevices.update", "networkDevices.destroy", "networkDevices.extendedDetails",
		"networkDevices.testConnectivity", "networkDevices.actions"}, Dangerous: true},
	{Name: "Manage Remote Agents", Level: levelAdmin, Endpoints: []string{"remoteAgents.index", "remoteAgents.show",
		"remoteAgents.store", "remoteAgents.update", "remoteAgents.destroy", "remoteAgents.reprovisioning",
		"remoteAgents.testConnectivity", "remoteAgents.getAssignments", "remoteAgents.ipmiKvmIsos.index",
		"remoteAgents.ipmiKvmIsos.show", "remoteAgents.ipmiKvmIsos.store", "remoteAgents.ipmiKvmIsos.destroy"}},
	{Name: "Manage RDNS Providers", Level: levelAdmin, Endpoints: []string{"rdns.providers.index", "rdns.providers.show",
		"rdns.providers.store", "rdns.providers.update", "rdns.providers.destroy", "rdns.providers.configure",
		"rdns.providers.testConnectivity", "rdns.providers.addSubnetAssignment", "subnets.rdnsAssignment.show",
		"subnets.rdnsAssignment.store", "subnets.rdnsAssignment.destroy", "rdns.ip.show", "rdns.ip.update", "rdns.ip.destroy"}},
	{Name: "View System Settings", Level: levelUser, Endpoints: []string{"system.globalSystemSettings.index",
		"system.globalSystemSettings.show"}},
	{Name: "Manage System Settings", Level: levelAdmin, Endpoints: []string{"system.globalSystemSettings.index",
		"system.globalSystemSettings.show", "system.globalSystemSettings.update"}},
	{Name: "Manage System Backups", Level: levelAdmin, Endpoints: []string{"system.backups.storages.index",
		"system.backups.storages.show", "system.backups.storages.store", "system.backups.storages.update",
		"system.backups.storages.destroy", "system.backups.create", "system.backups.history.index", "system.backups.history.show"}},
}

// permissionIDs numbers every permission of the catalogue in the order it first appears
// (roles show their permissions as {id, name}); permissionLevel is the lowest level of a set
// that holds each; setByName finds a set.
var (
	permissionIDs   = map[string]int64{}
	permissionLevel = map[string]int{}
	setByName       = map[string]*permissionSet{}
)

func init() {
	for i := range catalogue {
		s := &catalogue[i]
		setByName[s.Name] = s
		for _, p := range s.all() {
			if _, ok := permissionIDs[p]; !ok {
				permissionIDs[p] = int64(len(permissionIDs) + 1)
				permissionLevel[p] = s.Level
			}
			permissionLevel[p] = min(permissionLevel[p], s.Level)
		}
	}
}

// all is every permission of the set.
func (s *permissionSet) all() []string {
	out := append(append(append([]string{}, s.Endpoints...), s.Updates...), s.Outputs...)
	return out
}

// allPermissions is every permission of the catalogue, in id order.
func allPermissions() []string {
	out := make([]string, len(permissionIDs))
	for p, id := range permissionIDs {
		out[id-1] = p
	}
	return out
}

// effectivePermissions is what a user holds: an administrator everything, anyone else its
// role's permissions and those of its role's sets, in catalogue order.
func effectivePermissions(tx *state.Tx, u *tenantos.User) []string {
	return grantsOf(tx, u.RoleID).list()
}

// aliasPermissions is what an alias user holds in the account it shares: what both its
// alias role and the account's role hold.
func aliasPermissions(tx *state.Tx, who *tenantos.Caller) []string {
	return both(grantsOf(tx, who.Alias.RoleID), grantsOf(tx, who.User.RoleID)).list()
}

// list is every permission the grants hold, in catalogue order (then the others, sorted).
func (g *grants) list() []string {
	if g.all {
		return allPermissions()
	}
	out := []string{}
	for _, p := range allPermissions() {
		if g.perms[p] {
			out = append(out, p)
		}
	}
	var other []string
	for p := range g.perms {
		if _, known := permissionIDs[p]; !known {
			other = append(other, p)
		}
	}
	sort.Strings(other)
	return append(out, other...)
}

type permissionSetView struct {
	Name            string          `json:"name"`
	Permissions     permissionsView `json:"permissions"`
	PermissionLevel string          `json:"permission_level"`
}

type permissionsView struct {
	APIEndpoint                       []string `json:"apiEndpoint"`
	APIUpdateFields                   []string `json:"apiUpdateFields"`
	APIOutput                         []string `json:"apiOutput"`
	IsDangerousAliasUserPermissionSet bool     `json:"isDangerousAliasUserPermissionSet"`
}

type permissionsInput struct {
	UserID *int64 `json:"userId"`
}

// listPermissions lists the permission sets a user may hold and give: the caller's, or with
// userId those of a user the caller manages (an unknown or unmanaged user is 422 on userId,
// as the operation documents no 404). Decision:
// what a user may hold is decided by its level (administrator, reseller, end user); every set
// of the catalogue has the lowest level that may hold it.
func (g *group) listPermissions(c echo.Context) error {
	var in permissionsInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	out := []permissionSetView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		u := actor(c)
		if in.UserID != nil {
			var err error
			if u, err = userField(tx, u, *in.UserID); err != nil {
				return err
			}
		}
		level := levelOf(u)
		for _, s := range catalogue {
			if s.Level > level {
				continue
			}
			out = append(out, permissionSetView{Name: s.Name, PermissionLevel: levelNames[s.Level], Permissions: permissionsView{
				APIEndpoint: tenantos.List(s.Endpoints), APIUpdateFields: tenantos.List(s.Updates),
				APIOutput: tenantos.List(s.Outputs), IsDangerousAliasUserPermissionSet: s.Dangerous}})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
