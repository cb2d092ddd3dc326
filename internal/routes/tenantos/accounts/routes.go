// Package accounts is the Tenantos operations on accounts: users, their API tokens, SSH keys,
// single sign-on, two-factor authentication, impersonation, login history and access log;
// roles, alias users and alias roles; and the activity logs.
//
// Who may do what (the documentation is silent; these are the simulator's rules):
//   - A user sees and acts on the users it manages (tenantos.Manages): an administrator
//     everyone, a reseller itself and the users below it, an end user itself. A user it does
//     not manage is answered 404, as if it did not exist.
//   - Creating users, roles and SSO tokens needs a role that may have sub-users (every role
//     but the default end-user role 3); end users are refused with 403.
//   - Refusals of a record's state (deleting oneself, the first administrator, a role still
//     assigned) are 409; bad input is Laravel's 422 naming the field.
//   - What a role allows, for every operation of the document, is the access rules of
//     authorize.go: an operation's permission (operations.go), update fields and output
//     fields (apiOutput permissions), alias users' shared access.
package accounts

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// group holds the provider for the handlers, which are named after their operations.
type group struct {
	p *tenantos.Provider
}

// Routes is the group's route table: one handler per operation, named after it. It also sets
// the provider's access rules (authorize.go) and the default roles' permissions.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	g := &group{p: p}
	p.Hooks.Authorize = g.authorize
	p.AddSeeder("accounts", seedRoles)
	return map[string]echo.HandlerFunc{
		// Users
		"startImpersonation":           g.startImpersonation,
		"stopImpersonation":            g.stopImpersonation,
		"getCurrentUser":               g.getCurrentUser,
		"getAdditionalUserInformation": g.getAdditionalUserInformation,
		"testLoginDetails":             g.testLoginDetails,
		"disableTwoFactor":             g.disableTwoFactor,
		"enableTwoFactor":              g.enableTwoFactor,
		"listUsers":                    g.listUsers,
		"createUser":                   g.createUser,
		"getUser":                      g.getUser,
		"updateUser":                   g.updateUser,
		"deleteUser":                   g.deleteUser,
		"listAccessLog":                g.listAccessLog,
		"listLoginHistory":             g.listLoginHistory,
		"generateSsoToken":             g.generateSsoToken,
		"listSshKeys":                  g.listSshKeys,
		"createSshKey":                 g.createSshKey,
		"getSshKey":                    g.getSshKey,
		"updateSshKey":                 g.updateSshKey,
		"deleteSshKey":                 g.deleteSshKey,
		"listApiTokens":                g.listApiTokens,
		"createApiToken":               g.createApiToken,
		"getApiToken":                  g.getApiToken,
		"updateApiToken":               g.updateApiToken,
		"deleteApiToken":               g.deleteApiToken,
		// Roles
		"listPermissions": g.listPermissions,
		"listRoles":       g.listRoles,
		"createRole":      g.createRole,
		"getRole":         g.getRole,
		"updateRole":      g.updateRole,
		"deleteRole":      g.deleteRole,
		// Alias Roles
		"listAliasRoles":  g.listAliasRoles,
		"createAliasRole": g.createAliasRole,
		"getAliasRole":    g.getAliasRole,
		"updateAliasRole": g.updateAliasRole,
		"deleteAliasRole": g.deleteAliasRole,
		// Alias Users
		"listAliasUsers":  g.listAliasUsers,
		"createAliasUser": g.createAliasUser,
		"updateAliasUser": g.updateAliasUser,
		"deleteAliasUser": g.deleteAliasUser,
		// System Logs
		"listAgentActivityLog":  g.listAgentActivityLog,
		"listSystemActivityLog": g.listSystemActivityLog,
		"listUserActivityLog":   g.listUserActivityLog,
		"listServerActivityLog": g.listServerActivityLog,
	}
}
