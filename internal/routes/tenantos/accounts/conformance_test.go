package accounts_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// operations are the operations of this group (the Users, Roles, Alias Roles, Alias Users
// and System Logs tags of specs/tenantos.yaml).
var operations = map[string]bool{
	"startImpersonation": true, "stopImpersonation": true, "getCurrentUser": true, "getAdditionalUserInformation": true,
	"testLoginDetails": true, "disableTwoFactor": true, "enableTwoFactor": true, "listUsers": true, "createUser": true,
	"getUser": true, "updateUser": true, "deleteUser": true, "listAccessLog": true, "listLoginHistory": true,
	"generateSsoToken": true, "listSshKeys": true, "createSshKey": true, "getSshKey": true, "updateSshKey": true,
	"deleteSshKey": true, "listApiTokens": true, "createApiToken": true, "getApiToken": true, "updateApiToken": true,
	"deleteApiToken":  true,
	"listPermissions": true, "listRoles": true, "createRole": true, "getRole": true, "updateRole": true, "deleteRole": true,
	"listAliasRoles": true, "createAliasRole": true, "getAliasRole": true, "updateAliasRole": true, "deleteAliasRole": true,
	"listAliasUsers": true, "createAliasUser": true, "updateAliasUser": true, "deleteAliasUser": true,
	"listAgentActivityLog": true, "listSystemActivityLog": true, "listUserActivityLog": true, "listServerActivityLog": true,
}

// TestConformance sends every operation of the group the request its documented example
// describes, with the world's ids, in a fresh world that has one of everything (a user, an
// SSH key and a token of the customer, a role, an alias role and an alias user), and expects
// the documented success status with an answer that fits the document (simtest checks it).
func TestConformance(t *testing.T) {
	e := newEnv(t)
	seen := 0
	simtest.Conformance(t, "tenantos", func(t *testing.T, c *simtest.Case) {
		if !operations[c.Operation] {
			t.Skip("not an operation of the accounts group")
		}
		seen++
		e.t = t
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		user := e.createUser(admin, "conf-user")
		key := e.c.Do("POST", "/users/3/sshkeys", map[string]any{"name": "k", "pubkey": pubkey}).Expect(t, 200).Int("result", "id")
		tok := e.c.Do("POST", "/users/3/tokens", map[string]any{"name": "t"}).Expect(t, 200).Int("result", "id")
		role := e.c.Do("POST", "/roles", map[string]any{"name": "Conf"}).Expect(t, 200).Int("result", "id")
		aliasRole := e.c.Do("POST", "/aliasRoles", map[string]any{"name": "Conf alias"}).Expect(t, 200).Int("result", "id")
		spare := e.c.Do("POST", "/aliasRoles", map[string]any{"name": "Spare alias"}).Expect(t, 200).Int("result", "id")
		alias := e.c.Do("POST", "/aliasUsers", map[string]any{"name": "Alias", "username": "conf-alias", "password": "Secret-Pass-123",
			"role_id": aliasRole}).Expect(t, 200).Int("result", "id")
		e.c.Do("POST", "/user/testLoginDetails", map[string]any{"identify": "customer1", "password": customerPassword}).Expect(t, 200)

		paths := map[string]string{"impersonateUserId": "3", "user": "3", "user_id": "3", "server_id": "1", "agentId": "1"}
		body := c.Body
		switch c.Operation {
		case "getUser", "updateUser", "deleteUser":
			paths["id"] = fmt.Sprint(user)
		case "getSshKey", "updateSshKey", "deleteSshKey":
			paths["id"] = fmt.Sprint(key)
		case "getApiToken", "updateApiToken", "deleteApiToken":
			paths["id"] = fmt.Sprint(tok)
		case "getRole", "updateRole", "deleteRole":
			paths["id"] = fmt.Sprint(role)
		case "getAliasRole", "updateAliasRole":
			paths["id"] = fmt.Sprint(aliasRole)
		case "deleteAliasRole":
			paths["id"] = fmt.Sprint(spare)
		case "updateAliasUser", "deleteAliasUser":
			paths["id"] = fmt.Sprint(alias)
		}
		switch c.Operation {
		case "testLoginDetails":
			body["identify"], body["password"] = "customer1", customerPassword
		case "listPermissions":
			body["userId"] = customer
		case "getAdditionalUserInformation":
			body["userId"] = reseller
		case "createAliasUser":
			body["role_id"] = aliasRole
		case "updateAliasUser":
			body["role_id"] = spare
			body["user_alias_assignments"].(map[string]any)["itemIds"] = []any{1}
		case "createAliasRole":
			body["userId"] = subcustomer
		}
		// The document's paths start with /api, which the client's base already ends with.
		res := c.Send(t, e.c, strings.TrimPrefix(c.URL(t, paths), "/api"), body, c.Status)
		if c.Operation == "getCurrentUser" && res.Get("result") != nil {
			t.Fatalf("GET /api/user is enveloped: %v", res)
		}
	})
	if seen != len(operations) {
		t.Fatalf("the document has %d of the group's %d operations", seen, len(operations))
	}
}
