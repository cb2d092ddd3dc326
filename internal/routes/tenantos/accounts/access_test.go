package accounts_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos/accounts"
	"github.com/panelsim/panelsim/simtest"
	"github.com/panelsim/panelsim/specs"
)

// TestPermissionTable: every operation of the document needs a permission of the catalogue
// (or is open to every signed-in user), and the table names no operation the document lacks.
func TestPermissionTable(t *testing.T) {
	doc, err := specs.Load("tenantos")
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]bool{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops[op.OperationID] = true
			perm, ok := accounts.OperationPermissions[op.OperationID]
			switch {
			case !ok:
				t.Errorf("%s: no permission in the table", op.OperationID)
			case perm == accounts.Open:
			case strings.Contains(perm, "{serverPowerMethod}"):
				for _, m := range []string{"getPowerStatus", "setPowerOff", "setPowerOn", "setPowerReset", "setPowerCycle", "setBootType",
					"setBmcReset", "executeCustomCommand"} {
					if p := strings.ReplaceAll(perm, "{serverPowerMethod}", m); !accounts.CataloguePermission(p) {
						t.Errorf("%s: %s is not in the catalogue", op.OperationID, p)
					}
				}
			case !accounts.CataloguePermission(perm):
				t.Errorf("%s: %s is not in the catalogue", op.OperationID, perm)
			}
		}
	}
	for id := range accounts.OperationPermissions {
		if !ops[id] {
			t.Errorf("the table names %s, which the document lacks", id)
		}
	}
	if len(ops) != 252 {
		t.Fatalf("%d operations in the document, want 252", len(ops))
	}
}

// role creates a role as the admin and gives it to user id; it returns the role's id.
func (e *env) role(user int64, body map[string]any) int64 {
	e.t.Helper()
	id := e.c.Do("POST", "/roles", body).Expect(e.t, 200).Int("result", "id")
	e.c.Do("PUT", fmt.Sprintf("/users/%d", user), map[string]any{"role_id": id}).Expect(e.t, 200)
	return id
}

// TestRolePermissions: a role's permissions limit what its user may call, through a token of
// its own as through impersonation; update fields need their permission; the default roles
// let their users do what a customer does.
func TestRolePermissions(t *testing.T) {
	e := newEnv(t)
	// The default end-user role: the customer manages its server.
	e.as(customer, "PUT", "/servers/1", map[string]any{"hostname": "db1.example.org"}).Expect(t, 200)
	e.as(customer, "GET", "/servers/1/power/getPowerStatus", nil).Expect(t, 200)
	e.as(customer, "GET", "/system/version", nil).Expect(t, 403) // View System Version is an administrator's

	// A role that may look but not change.
	e.role(customer, map[string]any{"name": "Viewer", "permissionsets": []string{"List Servers", "View Server Details"}})
	tok := e.client(e.token(customer))
	for _, c := range []func(method, path string, body any) *simtest.Response{
		func(m, p string, b any) *simtest.Response { return e.as(customer, m, p, b) },
		func(m, p string, b any) *simtest.Response { return tok.Do(m, p, b) },
	} {
		c("GET", "/servers/1", nil).Expect(t, 200)
		c("GET", "/servers", nil).Expect(t, 200)
		if r := c("PUT", "/servers/1", map[string]any{"hostname": "x.example.com"}).Expect(t, 403); r.String("message") != "This action is unauthorized." {
			t.Fatalf("refusal: %v", r)
		}
		c("PUT", "/servers/99", map[string]any{"hostname": "x.example.com"}).Expect(t, 403) // refused before the lookup
		c("GET", "/servers/1/power/setPowerOff", nil).Expect(t, 403)
		c("GET", "/users/3/sshkeys", nil).Expect(t, 403)
		c("GET", "/user", nil).Expect(t, 200) // who the caller is: open to everyone
		c("GET", "/ping", nil).Expect(t, 200)
	}
	if h := e.c.Do("GET", "/servers/1", nil).Expect(t, 200).String("result", "hostname"); h != "db1.example.org" {
		t.Fatalf("a refused update changed the server: %s", h)
	}

	// Update fields: a role that may describe servers, not rename them.
	e.role(customer, map[string]any{"name": "Describer", "permissionsets": []string{"List Servers", "View Server Details",
		"Manage Server Description"}})
	e.as(customer, "PUT", "/servers/1", map[string]any{"description": "mine"}).Expect(t, 200)
	e.as(customer, "PUT", "/servers/1", map[string]any{"description": "mine", "hostname": "y.example.com"}).Expect(t, 403)
	if r := e.c.Do("GET", "/servers/1", nil).Expect(t, 200); r.String("result", "hostname") != "db1.example.org" || r.String("result", "description") != "mine" {
		t.Fatalf("after the updates: %v", r)
	}

	// Single permissions count as well as sets; permissions come from the role, live.
	id := e.role(customer, map[string]any{"name": "Power only", "permissionlist": []string{"servers.power.getPowerStatus"}})
	e.as(customer, "GET", "/servers/1/power/getPowerStatus", nil).Expect(t, 200)
	e.as(customer, "GET", "/servers/1/power/setPowerOn", nil).Expect(t, 403)
	e.as(customer, "GET", "/servers/1", nil).Expect(t, 403)
	e.c.Do("PUT", fmt.Sprintf("/roles/%d", id), map[string]any{"permissionlist": []string{}}).Expect(t, 200)
	e.as(customer, "GET", "/servers/1/power/getPowerStatus", nil).Expect(t, 403)

	// serversIndexDisablePermissionChecks lists servers without servers.index.
	e.c.Do("PUT", fmt.Sprintf("/roles/%d", id), map[string]any{"serversIndexDisablePermissionChecks": true}).Expect(t, 200)
	if r := e.as(customer, "GET", "/servers", nil).Expect(t, 200); r.Len("result") != 1 || r.Get("result", 0, "detailedHardwareInformation") == nil {
		t.Fatalf("unchecked index: %v", r)
	}

	// The administrator is never limited.
	e.c.Do("GET", "/system/version", nil).Expect(t, 200)
}

// TestOutputPermissions: a role without an output permission does not get that field; the
// administrator does.
func TestOutputPermissions(t *testing.T) {
	e := newEnv(t)
	e.role(customer, map[string]any{"name": "Narrow", "permissionlist": []string{"servers.index", "servers.show",
		"servers.apiOutput.param.hostname", "servers.apiOutput.param.tags"}})
	mine := e.as(customer, "GET", "/servers/1", nil).Expect(t, 200)
	admin := e.c.Do("GET", "/servers/1", nil).Expect(t, 200)
	for _, f := range []string{"detailedHardwareInformation", "trafficStatistics", "servername", "primaryip", "ownerChain"} {
		if mine.Get("result", f) != nil {
			t.Fatalf("%s shown without its permission: %v", f, mine)
		}
		if admin.Get("result", f) == nil {
			t.Fatalf("%s hidden from the admin: %v", f, admin)
		}
	}
	if mine.String("result", "hostname") != "db1.example.com" || mine.Int("result", "id") != 1 || mine.Len("result", "tags") != 1 ||
		mine.String("message") != "success" {
		t.Fatalf("what the role may see: %v", mine)
	}
	list := e.as(customer, "GET", "/servers", nil).Expect(t, 200)
	if list.Len("result") != 1 || list.Get("result", 0, "detailedHardwareInformation") != nil || list.String("result", 0, "hostname") == "" {
		t.Fatalf("list: %v", list)
	}
	// The default end-user role sees whole objects.
	e.c.Do("PUT", "/users/3", map[string]any{"role_id": 3}).Expect(t, 200)
	if r := e.as(customer, "GET", "/servers/1", nil).Expect(t, 200); r.Get("result", "detailedHardwareInformation") == nil || r.Get("result", "servername") == nil {
		t.Fatalf("default role: %v", r)
	}

	// The vendor's own example: the version's fields by system.apiOutput.param.*.
	e.role(customer, map[string]any{"name": "Version", "permissionlist": []string{"system.version", "system.apiOutput.param.app_version"}})
	v := e.as(customer, "GET", "/system/version", nil).Expect(t, 200)
	if v.String("result", "app_version") == "" || v.Get("result", "updateVersion") != nil || v.Get("result", "updateAvailable") != nil ||
		v.String("result", "app_changelog_link") == "" {
		t.Fatalf("version: %v", v)
	}
}

// TestAliasUserAccess: an alias user's own token acts as the account it shares, within its
// alias role and the servers its assignments give it.
func TestAliasUserAccess(t *testing.T) {
	e := newEnv(t)
	e.c.Do("PUT", "/servers/2", map[string]any{"user_id": customer}).Expect(t, 200)
	role := e.as(customer, "POST", "/aliasRoles", map[string]any{"name": "Helpdesk",
		"permissionsets": []string{"List Servers", "View Server Details", "Server Power Control"}}).Expect(t, 200).Int("result", "id")
	alias := e.as(customer, "POST", "/aliasUsers", map[string]any{"name": "Helper", "username": "helper3", "password": "Secret-Pass-123",
		"role_id": role}).Expect(t, 200).Int("result", "id")
	path := fmt.Sprintf("/aliasUsers/%d", alias)
	e.as(customer, "PUT", path, map[string]any{"user_alias_assignments": map[string]any{"type": "servers", "itemIds": []int{1}}}).Expect(t, 200)
	c := e.client(e.token(alias))

	if ids := ids(c.Do("GET", "/servers", nil).Expect(t, 200), "id"); len(ids) != 1 || ids[0] != 1 {
		t.Fatalf("the alias lists %v, want [1]", ids)
	}
	if n := e.as(customer, "GET", "/servers", nil).Expect(t, 200).Len("result"); n != 2 {
		t.Fatalf("the account itself has %d servers, want 2", n)
	}
	c.Do("GET", "/servers/1", nil).Expect(t, 200)
	c.Do("GET", "/servers/2", nil).Expect(t, 404)
	c.Do("GET", "/servers/5", nil).Expect(t, 404)
	c.Do("GET", "/servers/1/power/getPowerStatus", nil).Expect(t, 200)
	c.Do("GET", "/servers/2/power/getPowerStatus", nil).Expect(t, 404)
	c.Do("GET", "/servers/getByIp/198.51.100.10", nil).Expect(t, 200)
	c.Do("PUT", "/servers/1", map[string]any{"hostname": "x.example.com"}).Expect(t, 403) // not in the alias role
	c.Do("GET", "/users", nil).Expect(t, 403)
	c.Do("POST", "/aliasUsers", map[string]any{"name": "A", "username": "a2", "password": "Secret-Pass-123", "role_id": role}).Expect(t, 403)
	if hits := c.Do("POST", "/search/quicksearch", map[string]any{"text": "server-00"}).Expect(t, 200); hits.Len("result") != 1 || hits.Int("result", 0, "id") != 1 {
		t.Fatalf("the alias's search: %v", hits)
	}
	me := c.Do("GET", "/user", nil).Expect(t, 200)
	if me.Int("id") != alias || me.Get("isSharedAccess") != true || me.Int("realOrSharedUserId") != customer || me.Int("sharedUserId") != customer {
		t.Fatalf("the alias's current user: %v", me)
	}

	// Every server of the account; then another one.
	e.as(customer, "PUT", path, map[string]any{"user_alias_assignments": map[string]any{"type": "servers", "hasAccessToAllItems": true}}).Expect(t, 200)
	if ids := ids(c.Do("GET", "/servers", nil).Expect(t, 200), "id"); len(ids) != 2 {
		t.Fatalf("with access to all items the alias lists %v", ids)
	}
	c.Do("GET", "/servers/2", nil).Expect(t, 200)
	c.Do("GET", "/servers/5", nil).Expect(t, 404) // still only the account's
	e.as(customer, "PUT", path, map[string]any{"user_alias_assignments": map[string]any{"type": "servers", "itemIds": []int{2}}}).Expect(t, 200)
	hits := c.Do("POST", "/search/quicksearch", map[string]any{"text": "server-00"}).Expect(t, 200)
	if hits.Len("result") != 1 || hits.Int("result", 0, "id") != 2 {
		t.Fatalf("the alias's search: %v", hits)
	}

	// Without the sets in its alias role, the alias may not even list.
	e.as(customer, "PUT", fmt.Sprintf("/aliasRoles/%d", role), map[string]any{"permissionsets": []string{"Server Power Control"}}).Expect(t, 200)
	c.Do("GET", "/servers", nil).Expect(t, 403)
	c.Do("GET", "/servers/2/power/getPowerStatus", nil).Expect(t, 200)

	// A disabled account shuts its alias users out.
	e.c.Do("PUT", "/users/3", map[string]any{"accountstatus": "disabled"}).Expect(t, 200)
	if r := c.Do("GET", "/servers/2/power/getPowerStatus", nil).Expect(t, 403); r.String("message") != "The account is disabled." {
		t.Fatalf("disabled account: %v", r)
	}
}
