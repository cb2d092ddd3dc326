package accounts

import (
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
// is written after the API's operations, in the same naming scheme.
var catalogue = []permissionSet{
	{Name: "View System Version", Level: levelAdmin, Endpoints: []string{"system.version"},
		Outputs: []string{"system.apiOutput.param.app_version", "system.apiOutput.param.updateAvailable", "system.apiOutput.param.updateVersion"}},
	{Name: "List Servers", Level: levelUser, Endpoints: []string{"servers.index", "servers.getByIp", "servers.getByTags"},
		Outputs: []string{"servers.apiOutput.param.hostname", "servers.apiOutput.param.servername", "servers.apiOutput.param.os",
			"servers.apiOutput.param.primaryip", "servers.apiOutput.param.owner_realname"}},
	{Name: "View Server Details", Level: levelUser, Endpoints: []string{"servers.show"},
		Outputs: []string{"servers.apiOutput.param.detailedHardwareInformation", "servers.apiOutput.param.trafficStatistics",
			"servers.apiOutput.param.ipassignments", "servers.apiOutput.param.ownerChain"}},
	{Name: "Manage Server Description", Level: levelUser, Endpoints: []string{"servers.update"},
		Updates: []string{"servers.update.param.description"}, Outputs: []string{"servers.apiOutput.param.description"}},
	{Name: "Manage Server Hostname", Level: levelUser, Endpoints: []string{"servers.update"},
		Updates: []string{"servers.update.param.hostname"}, Outputs: []string{"servers.apiOutput.param.hostname"}},
	{Name: "Manage Server Tags", Level: levelReseller, Endpoints: []string{"servers.update", "servers.tags.index"},
		Updates: []string{"servers.update.param.tags"}, Outputs: []string{"servers.apiOutput.param.tags"}},
	{Name: "Assign Servers To Users", Level: levelReseller, Endpoints: []string{"servers.update"},
		Updates: []string{"servers.update.param.user_id", "servers.update.param.suspendUserIds", "servers.update.param.assignmentDates"},
		Outputs: []string{"servers.apiOutput.param.user_id", "servers.apiOutput.param.suspendedUserIds"}},
	{Name: "Create And Delete Servers", Level: levelAdmin, Endpoints: []string{"servers.store", "servers.destroy"}},
	{Name: "Server Power Control", Level: levelUser, Endpoints: []string{"servers.power.getPowerStatus", "servers.power.setPowerOn",
		"servers.power.setPowerOff", "servers.power.setPowerReset", "servers.power.setPowerCycle", "servers.power.setBootType"},
		Outputs: []string{"servers.apiOutput.param.cachedPowerstatus", "servers.apiOutput.param.powerprovider"}},
	{Name: "Server BMC Actions", Level: levelAdmin, Endpoints: []string{"servers.power.setBmcReset", "servers.power.executeCustomCommand",
		"servers.bmc.executeCommand", "servers.bmc.users"}, Dangerous: true},
	{Name: "Server Console", Level: levelUser, Endpoints: []string{"servers.console.start"},
		Outputs: []string{"servers.apiOutput.param.consoleprovider"}},
	{Name: "Reinstall Servers", Level: levelUser, Endpoints: []string{"servers.provisioning.getProfiles",
		"servers.provisioning.startReinstallation", "servers.provisioning.getInstallStatus", "servers.provisioning.stopReinstallation"},
		Outputs: []string{"servers.apiOutput.param.reinstallationRunning", "servers.apiOutput.param.rescueBootRunning",
			"servers.apiOutput.param.diskwipeRunning", "servers.apiOutput.param.passwordResetRunning"}},
	{Name: "Server Statistics", Level: levelUser, Endpoints: []string{"servers.stats.getAvailableStatistics", "servers.stats.network",
		"servers.stats.cpu", "servers.stats.memory", "servers.stats.diskio", "servers.stats.ipmi"}},
	{Name: "View IP Assignments", Level: levelUser, Endpoints: []string{"servers.ipassignments.index"},
		Outputs: []string{"servers.apiOutput.param.ipassignments"}},
	{Name: "Manage IP Assignments", Level: levelReseller, Endpoints: []string{"servers.ipassignments.store",
		"servers.ipassignments.destroy", "servers.ipassignments.getAssignableSubnets", "servers.ipassignments.getAssignableIpsOfSubnet",
		"servers.ipassignments.dynamicIpAssignments"}},
	{Name: "Manage Reverse DNS", Level: levelUser, Endpoints: []string{"servers.ipassignments.rdns", "servers.ipassignments.update"},
		Updates: []string{"servers.ipassignments.update.param.ptrRecord", "servers.ipassignments.update.param.description"}},
	{Name: "VPS Backups", Level: levelUser, Endpoints: []string{"servers.backups.index", "servers.backups.store",
		"servers.backups.destroy", "servers.backups.restore"}},
	{Name: "VPS Snapshots", Level: levelUser, Endpoints: []string{"servers.snapshots.index", "servers.snapshots.store",
		"servers.snapshots.destroy", "servers.snapshots.rollback"}},
	{Name: "VPS Resources", Level: levelReseller, Endpoints: []string{"servers.vm.show", "servers.vm.update"}},
	{Name: "Server Activity Log", Level: levelUser, Endpoints: []string{"servers.activitylog"}},
	{Name: "Manage Subnets", Level: levelAdmin, Endpoints: []string{"subnets.index", "subnets.show", "subnets.store", "subnets.update",
		"subnets.destroy", "subnets.split", "subnets.listFreeIps"}},
	{Name: "IP Manager", Level: levelAdmin, Endpoints: []string{"ip.reserve", "ip.unreserve", "ip.comment", "ip.delete", "ip.massaction"}},
	{Name: "Manage Users", Level: levelReseller, Endpoints: []string{"users.index", "users.show", "users.store", "users.update",
		"users.destroy", "users.loginhistory", "users.accesslog"},
		Updates: []string{"users.update.param.accountstatus", "users.update.param.role_id", "users.update.param.root_owner"},
		Outputs: []string{"users.apiOutput.param.email", "users.apiOutput.param.lastlogin"}, Dangerous: true},
	{Name: "Impersonate Users", Level: levelReseller, Endpoints: []string{"users.impersonate"}, Dangerous: true},
	{Name: "Generate SSO Tokens", Level: levelReseller, Endpoints: []string{"users.generateSsoToken"}, Dangerous: true},
	{Name: "Manage API Tokens", Level: levelUser, Endpoints: []string{"users.tokens.index", "users.tokens.store", "users.tokens.show",
		"users.tokens.update", "users.tokens.destroy"}, Dangerous: true},
	{Name: "Manage SSH Keys", Level: levelUser, Endpoints: []string{"users.sshkeys.index", "users.sshkeys.store", "users.sshkeys.show",
		"users.sshkeys.update", "users.sshkeys.destroy"}},
	{Name: "Two-Factor Authentication", Level: levelUser, Endpoints: []string{"users.twofactor.enable", "users.twofactor.disable"}},
	{Name: "Manage Roles", Level: levelReseller, Endpoints: []string{"roles.index", "roles.show", "roles.store", "roles.update",
		"roles.destroy", "permissions.index"}, Dangerous: true},
	{Name: "Manage Alias Users", Level: levelUser, Endpoints: []string{"aliasUsers.index", "aliasUsers.store", "aliasUsers.update",
		"aliasUsers.destroy", "aliasRoles.index", "aliasRoles.store", "aliasRoles.show", "aliasRoles.update", "aliasRoles.destroy"},
		Dangerous: true},
	{Name: "View Activity Logs", Level: levelAdmin, Endpoints: []string{"activitylog.user", "activitylog.system", "activitylog.agents"}},
	{Name: "Manage VPS Plans", Level: levelAdmin, Endpoints: []string{"vpsPlans.index", "vpsPlans.show", "vpsPlans.store",
		"vpsPlans.update", "vpsPlans.destroy", "vpsPlans.duplicate", "balancerPlans.index", "balancerPlans.store"}},
	{Name: "Manage External Providers", Level: levelAdmin, Endpoints: []string{"externalProviders.index", "externalProviders.show",
		"externalProviders.store", "externalProviders.update", "externalProviders.destroy"},
		Outputs: []string{"externalProviders.apiOutput.param.apiPassword"}},
	{Name: "Manage PXE Profiles", Level: levelAdmin, Endpoints: []string{"pxe.profiles.index", "pxe.profiles.store",
		"pxe.profiles.update", "pxe.disklayouts.index", "pxe.scripts.index"}},
	{Name: "Manage Remote Agents", Level: levelAdmin, Endpoints: []string{"remoteAgents.index", "remoteAgents.show",
		"remoteAgents.store", "remoteAgents.update", "remoteAgents.reprovisioning"}},
	{Name: "Manage RDNS Providers", Level: levelAdmin, Endpoints: []string{"rdns.providers.index", "rdns.providers.store",
		"rdns.ip.show", "rdns.ip.update", "rdns.ip.destroy"}},
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
// role's permissions.
func effectivePermissions(tx *state.Tx, u *tenantos.User) []string {
	if u.RoleID == tenantos.RoleAdmin {
		return allPermissions()
	}
	r, err := tenantos.Roles.Get(tx, u.RoleID)
	if err != nil {
		return []string{}
	}
	return tenantos.List(r.Permissions)
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
