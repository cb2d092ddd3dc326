package accounts_test

import (
	"fmt"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// permissionNames lists the names of a role's permissions.
func permissionNames(res *simtest.Response, path ...any) map[string]bool {
	out := map[string]bool{}
	n := res.Len(path...)
	for i := 0; i < n; i++ {
		p := append(append([]any{}, path...), i, "name")
		out[res.String(p...)] = true
	}
	return out
}

// TestRoles: the default roles; a role made of permissions and sets, read back, changed,
// given to a user and then not deletable until nobody has it.
func TestRoles(t *testing.T) {
	e := newEnv(t)
	list := e.c.Do("GET", "/roles", nil).Expect(t, 200)
	if list.Len("result") != 5 || list.Int("result", 0, "notDeleteable") != 1 || list.Int("result", 3, "notAssignable") != 1 ||
		list.String("result", 4, "type") != "user_template" || list.Int("result", 2, "assignedUsers", 0, "userId") != customer {
		t.Fatalf("default roles: %v", list)
	}
	res := e.c.Do("POST", "/roles", map[string]any{"name": "Support", "permissionlist": []string{"servers.index"},
		"permissionsets": []string{"Manage Server Description"}}).Expect(t, 200)
	id := res.Int("result", "id")
	perms := permissionNames(res, "result", "permissions")
	if len(perms) != 4 || !perms["servers.index"] || !perms["servers.update.param.description"] || res.Int("result", "ownerUserId") != admin ||
		res.Int("result", "isAliasRole") != 0 || res.String("result", "type") != "user_created" {
		t.Fatalf("created: %v", res)
	}
	path := fmt.Sprintf("/roles/%d", id)
	if r := e.c.Do("GET", path, nil).Expect(t, 200); len(permissionNames(r, "result", "permissions")) != 4 || r.Int("result", "permissions", 0, "id") == 0 {
		t.Fatalf("read back: %v", r)
	}
	// Replacing the sets keeps the single permissions.
	res = e.c.Do("PUT", path, map[string]any{"name": "Support 2", "permissionsets": []string{}, "serversIndexDisablePermissionChecks": true}).Expect(t, 200)
	if perms := permissionNames(res, "result", "permissions"); len(perms) != 1 || !perms["servers.index"] || res.String("result", "name") != "Support 2" ||
		res.Int("result", "serversIndexDisablePermissionChecks") != 1 {
		t.Fatalf("updated: %v", res)
	}
	expectField(t, e.c.Do("POST", "/roles", map[string]any{"name": "Bad", "permissionlist": []string{"servers.fly"}}), "permissionlist.0")
	expectField(t, e.c.Do("POST", "/roles", map[string]any{"name": "Bad", "permissionsets": []string{"Nope"}}), "permissionsets.0")
	expectField(t, e.c.Do("POST", "/roles", map[string]any{"name": "support 2"}), "name")
	expectField(t, e.c.Do("POST", "/roles", map[string]any{}), "name")

	// Given to a user, the role cannot go; nor can the default ones.
	u := e.createUser(admin, "supporter", "role_id", id)
	if r := e.c.Do("GET", path, nil).Expect(t, 200); r.Int("result", "assignedUsers", 0, "userId") != u {
		t.Fatalf("assigned users: %v", r)
	}
	if r := e.c.Do("GET", fmt.Sprintf("/users/%d", u), nil).Expect(t, 200); r.String("result", "role_name") != "Support 2" || r.Len("result", "permissions") != 1 {
		t.Fatalf("the user's role: %v", r)
	}
	e.c.Do("DELETE", path, nil).Expect(t, 409)
	e.c.Do("DELETE", "/roles/1", nil).Expect(t, 409)
	e.c.Do("DELETE", "/roles/4", nil).Expect(t, 409)
	e.c.Do("PUT", fmt.Sprintf("/users/%d", u), map[string]any{"role_id": 3}).Expect(t, 200)
	e.c.Do("DELETE", path, nil).Expect(t, 200)
	e.c.Do("GET", path, nil).Expect(t, 404)
	e.c.Do("DELETE", path, nil).Expect(t, 404)
	if n := e.c.Do("GET", "/roles", nil).Expect(t, 200).Len("result"); n != 5 {
		t.Fatalf("%d roles after the delete", n)
	}
}

// TestRoleScoping: end users make no roles; resellers see the default roles but change only
// their own, with permissions of their level.
func TestRoleScoping(t *testing.T) {
	e := newEnv(t)
	e.as(customer, "POST", "/roles", map[string]any{"name": "Mine"}).Expect(t, 403)
	if n := e.as(reseller, "GET", "/roles", nil).Expect(t, 200).Len("result"); n != 5 {
		t.Fatalf("the reseller sees %d roles", n)
	}
	e.as(reseller, "PUT", "/roles/3", map[string]any{"name": "hijacked"}).Expect(t, 403)
	e.as(reseller, "DELETE", "/roles/2", nil).Expect(t, 403)
	expectField(t, e.as(reseller, "POST", "/roles", map[string]any{"name": "Too much", "permissionsets": []string{"IP Manager"}}), "permissionsets.0")
	res := e.as(reseller, "POST", "/roles", map[string]any{"name": "Reseller role", "permissionsets": []string{"Server Power Control"}}).Expect(t, 200)
	id := res.Int("result", "id")
	if res.Int("result", "ownerUserId") != reseller || res.String("result", "ownedBy", "username") != "reseller1" {
		t.Fatalf("owner: %v", res)
	}
	e.as(customer, "GET", fmt.Sprintf("/roles/%d", id), nil).Expect(t, 404)
	e.as(subcustomer, "GET", fmt.Sprintf("/roles/%d", id), nil).Expect(t, 200) // its owner's roles
	// The reseller gives it to its customer, not to the admin's.
	e.as(reseller, "PUT", "/users/4", map[string]any{"role_id": id}).Expect(t, 200)
	e.as(customer, "PUT", "/users/3", map[string]any{"role_id": id}).Expect(t, 403) // nobody changes their own role
	expectField(t, e.c.Do("POST", "/users", map[string]any{"name": "n", "username": "n", "password": "Secret-Pass-123", "role_id": id}), "role_id")
	e.c.Do("POST", "/users", map[string]any{"name": "n", "username": "n", "password": "Secret-Pass-123", "role_id": id, "root_owner": 2}).Expect(t, 200)
	expectField(t, e.c.Do("PUT", "/users/3", map[string]any{"role_id": id}), "role_id") // not the reseller's branch
	e.as(reseller, "PUT", "/users/4", map[string]any{"role_id": 3}).Expect(t, 200)
	e.as(reseller, "DELETE", fmt.Sprintf("/roles/%d", id), nil).Expect(t, 409) // user n has it
}

// TestPermissions: the catalogue by level; the documented names are there.
func TestPermissions(t *testing.T) {
	e := newEnv(t)
	all := e.c.Do("GET", "/permissions", nil).Expect(t, 200)
	user := e.c.Do("GET", "/permissions?userId=3", nil).Expect(t, 200)
	res := e.as(reseller, "GET", "/permissions", nil).Expect(t, 200)
	if !(all.Len("result") > res.Len("result") && res.Len("result") > user.Len("result") && user.Len("result") > 0) {
		t.Fatalf("admin %d, reseller %d, user %d sets", all.Len("result"), res.Len("result"), user.Len("result"))
	}
	found := false
	for i := 0; i < all.Len("result"); i++ {
		if all.String("result", i, "name") == "View System Version" {
			found = all.String("result", i, "permissions", "apiEndpoint", 0) == "system.version" && all.String("result", i, "permission_level") == "admin"
		}
	}
	if !found {
		t.Fatal("no View System Version set")
	}
	for i := 0; i < user.Len("result"); i++ {
		if lvl := user.String("result", i, "permission_level"); lvl != "user" {
			t.Fatalf("an end user gets a %s set", lvl)
		}
	}
	expectField(t, e.as(customer, "GET", "/permissions", map[string]any{"userId": 1}), "userId")
}

// TestAliasUsersAndRoles: an alias role and an alias user sharing the caller's access; the
// alias user is listed with the alias users only; its assignments; refusals.
func TestAliasUsersAndRoles(t *testing.T) {
	e := newEnv(t)
	role := e.as(reseller, "POST", "/aliasRoles", map[string]any{"name": "Helpdesk", "permissionsets": []string{"Server Power Control"}}).Expect(t, 200)
	roleID := role.Int("result", "id")
	if role.Int("result", "isAliasRole") != 1 || role.Int("result", "ownerUserId") != reseller {
		t.Fatalf("alias role: %v", role)
	}
	if e.c.Do("GET", "/roles", nil).Expect(t, 200).Len("result") != 5 {
		t.Fatal("the alias role is listed with the roles")
	}
	e.as(customer, "GET", fmt.Sprintf("/aliasRoles/%d", roleID), nil).Expect(t, 404)
	e.c.Do("GET", fmt.Sprintf("/roles/%d", roleID), nil).Expect(t, 404)

	body := map[string]any{"name": "Helper", "username": "helper", "password": "Secret-Pass-123", "role_id": 3}
	expectField(t, e.as(reseller, "POST", "/aliasUsers", body), "role_id")
	body["role_id"] = roleID
	res := e.as(reseller, "POST", "/aliasUsers", body).Expect(t, 200)
	alias := res.Int("result", "id")
	if res.Get("result", "isSharedAccess") != true || res.Int("result", "sharedUserId") != reseller || res.Int("result", "root_owner") != reseller ||
		res.String("result", "role_name") != "Helpdesk" || res.Get("result", "email") != nil {
		t.Fatalf("alias user: %v", res)
	}
	if has(ids(e.as(reseller, "GET", "/users", nil).Expect(t, 200), "id"), alias) {
		t.Fatal("the alias user is listed with the users")
	}
	if got := ids(e.as(reseller, "GET", "/aliasUsers", nil).Expect(t, 200), "id"); len(got) != 1 || got[0] != alias {
		t.Fatalf("alias users: %v", got)
	}
	if n := e.as(customer, "GET", "/aliasUsers", nil).Expect(t, 200).Len("result"); n != 0 {
		t.Fatalf("the customer sees %d alias users", n)
	}
	// Server 5 is the reseller's customer's; server 1 the admin's customer's.
	path := fmt.Sprintf("/aliasUsers/%d", alias)
	res = e.as(reseller, "PUT", path, map[string]any{"user_alias_assignments": map[string]any{"type": "servers", "itemIds": []int{5}}}).Expect(t, 200)
	if res.Len("result", "user_alias_assignments") != 1 || res.Int("result", "user_alias_assignments", 0, "itemIds", 0) != 5 {
		t.Fatalf("assignments: %v", res)
	}
	expectField(t, e.as(reseller, "PUT", path, map[string]any{"user_alias_assignments": map[string]any{"type": "servers", "itemIds": []int{1}}}),
		"user_alias_assignments.itemIds.0")
	res = e.as(reseller, "PUT", path, map[string]any{"user_alias_assignments": map[string]any{"type": "servers", "hasAccessToAllItems": true},
		"accountstatus": "disabled"}).Expect(t, 200)
	if res.Len("result", "user_alias_assignments") != 1 || res.Get("result", "user_alias_assignments", 0, "hasAccessToAllItems") != true ||
		res.String("result", "accountstatus") != "disabled" {
		t.Fatalf("replaced assignment: %v", res)
	}
	expectField(t, e.as(reseller, "PUT", path, map[string]any{"role_id": 3}), "role_id")
	e.as(customer, "PUT", path, map[string]any{"accountstatus": "enabled"}).Expect(t, 404)
	e.c.Do("PUT", "/aliasUsers/3", map[string]any{"accountstatus": "enabled"}).Expect(t, 404) // not an alias user
	e.c.Do("PUT", "/aliasUsers/abc", map[string]any{"accountstatus": "enabled"}).Expect(t, 404)

	e.as(reseller, "DELETE", fmt.Sprintf("/aliasRoles/%d", roleID), nil).Expect(t, 409)
	e.as(reseller, "PUT", fmt.Sprintf("/aliasRoles/%d", roleID), map[string]any{"name": "Helpdesk 2"}).Expect(t, 200)
	e.as(reseller, "DELETE", path, nil).Expect(t, 200)
	e.as(reseller, "PUT", path, map[string]any{"accountstatus": "enabled"}).Expect(t, 404)
	e.c.Do("GET", fmt.Sprintf("/users/%d", alias), nil).Expect(t, 404)
	e.as(reseller, "DELETE", fmt.Sprintf("/aliasRoles/%d", roleID), nil).Expect(t, 200)
	e.as(reseller, "GET", fmt.Sprintf("/aliasRoles/%d", roleID), nil).Expect(t, 404)
	// Deleting a user takes its alias users with it.
	role2 := e.c.Do("POST", "/aliasRoles", map[string]any{"name": "Of the customer", "userId": customer}).Expect(t, 200).Int("result", "id")
	a2 := e.as(customer, "POST", "/aliasUsers", map[string]any{"name": "A", "username": "alias-of-3", "password": "Secret-Pass-123", "role_id": role2}).
		Expect(t, 200).Int("result", "id")
	e.c.Do("DELETE", "/users/3", nil).Expect(t, 200)
	e.c.Do("GET", fmt.Sprintf("/users/%d", a2), nil).Expect(t, 404)
}
