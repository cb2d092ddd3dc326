package devices_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// userListRow finds a user's row in ipmitool's user list ("" when absent).
func userListRow(text, name string) string {
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && f[1] == name {
			return line
		}
	}
	return ""
}

// TestBmcUserFlow: a user is created with its password and privilege, its privilege and
// password changed, disabled and enabled, and deleted; listUsers and ipmitool's user list
// (executeBmcCommand) follow every step; passwords are never answered.
func TestBmcUserFlow(t *testing.T) {
	e := newEnv(t)
	list := e.bmcUsers(2)
	if list.Len("result") != 2 || list.Int("result", 0, "id") != 2 || list.String("result", 0, "name") != "ADMIN" ||
		list.String("result", 0, "privilegeName") != "ADMINISTRATOR" || list.Int("result", 1, "privilegeId") != 3 {
		t.Fatalf("default users: %v", list)
	}
	e.do("POST", "/servers/2/bmc/users/createUserWithPasswordAndPrivilege", map[string]any{"username": "ops", "password": "Ops-Pass-1",
		"privilege": 3}).Expect(t, 200)
	list = e.bmcUsers(2)
	i := bmcUser(list, "ops")
	if i < 0 || list.Int("result", i, "id") != 4 || list.String("result", i, "privilegeName") != "OPERATOR" || !list.Get("result", i, "ipmiMsg").(bool) ||
		strings.Contains(string(list.Body), "Ops-Pass-1") {
		t.Fatalf("after create: %v", list)
	}
	if row := userListRow(e.ipmitool(2, "user list"), "ops"); !strings.HasPrefix(row, "4 ") || !strings.HasSuffix(row, "OPERATOR") {
		t.Fatalf("ipmitool user list row: %q", row)
	}
	e.do("POST", "/servers/2/bmc/users/createUserWithPasswordAndPrivilege", map[string]any{"username": "ops", "password": "x", "privilege": 2}).Expect(t, 422)
	e.do("POST", "/servers/2/bmc/users/setUserPrivilege", map[string]any{"username": "ops", "privilege": 2}).Expect(t, 200)
	if row := userListRow(e.ipmitool(2, "user list"), "ops"); !strings.HasSuffix(row, "USER") {
		t.Fatalf("after setUserPrivilege: %q", row)
	}
	var before string
	e.view(func(tx *state.Tx) error {
		b, err := tenantos.BMCs.Get(tx, 2)
		if err == nil {
			before = b.Slot(4).PasswordHash
		}
		return err
	})
	e.do("POST", "/servers/2/bmc/users/setUserPassword", map[string]any{"slot": 4, "password": "Ops-Pass-2"}).Expect(t, 200)
	e.view(func(tx *state.Tx) error {
		b, err := tenantos.BMCs.Get(tx, 2)
		if err == nil && (b.Slot(4).PasswordHash == before || b.Slot(4).PasswordHash != tenantos.HashBMCPassword(2, "Ops-Pass-2")) {
			t.Error("password not changed")
		}
		return err
	})
	e.do("PUT", "/servers/2/bmc/users/disableUser", map[string]any{"username": "ops"}).Expect(t, 200)
	if !strings.Contains(e.ipmitool(2, "user summary"), "Enabled User Count  : 2") {
		t.Fatalf("user summary after disable: %s", e.ipmitool(2, "user summary"))
	}
	e.do("PUT", "/servers/2/bmc/users/enableUser", map[string]any{"slot": 4, "withoutSlotCheck": false}).Expect(t, 200)
	e.do("POST", "/servers/2/bmc/users/channelSetAccess", map[string]any{"username": "ops", "accessSettings": "ipmi=off callin=on link=on privilege=4"}).Expect(t, 200)
	list = e.bmcUsers(2)
	if i = bmcUser(list, "ops"); list.Get("result", i, "ipmiMsg").(bool) || !list.Get("result", i, "callin").(bool) || list.Int("result", i, "privilegeId") != 4 {
		t.Fatalf("after channelSetAccess: %v", list)
	}
	e.do("POST", "/servers/2/bmc/users/channelSetAccess", map[string]any{"username": "ops", "accessSettings": "ipmi=maybe"}).Expect(t, 422)
	e.do("POST", "/servers/2/bmc/users/updateUser", map[string]any{"slot": 4, "username": "operator", "privilege": 3}).Expect(t, 200)
	if bmcUser(e.bmcUsers(2), "operator") < 0 || bmcUser(e.bmcUsers(2), "ops") >= 0 {
		t.Fatal("updateUser did not rename")
	}
	e.do("DELETE", "/servers/2/bmc/users/deleteUser", map[string]any{"username": "operator"}).Expect(t, 200)
	if bmcUser(e.bmcUsers(2), "operator") >= 0 || userListRow(e.ipmitool(2, "user list"), "operator") != "" {
		t.Fatal("deleted user still listed")
	}
	e.do("DELETE", "/servers/2/bmc/users/deleteUser", map[string]any{"username": "operator"}).Expect(t, 422)
	e.do("DELETE", "/servers/2/bmc/users/deleteUser", map[string]any{"slot": 4}).Expect(t, 422)

	// createUser: a disabled user without access; it exists afterwards.
	e.do("POST", "/servers/2/bmc/users/createUser", map[string]any{"username": "later"}).Expect(t, 200)
	list = e.bmcUsers(2)
	if i = bmcUser(list, "later"); i < 0 || list.String("result", i, "privilegeName") != "NO ACCESS" {
		t.Fatalf("createUser: %v", list)
	}
	e.do("POST", "/servers/2/bmc/users/createUser", map[string]any{"username": "later"}).Expect(t, 422)
	e.do("POST", "/servers/2/bmc/users/createUser", map[string]any{"username": "later", "dontFailIfUserExists": true}).Expect(t, 200)
	if !e.hasActivity(2, "serverBmc", "Created IPMI user later (slot 4)") {
		t.Fatal("no activity entry")
	}
	// Bad input.
	e.do("POST", "/servers/2/bmc/users/createUserWithPasswordAndPrivilege", map[string]any{"username": "a b", "password": "x", "privilege": 3}).Expect(t, 422)
	e.do("POST", "/servers/2/bmc/users/createUserWithPasswordAndPrivilege", map[string]any{"username": "toolong", "password": strings.Repeat("x", 21), "privilege": 3}).Expect(t, 422)
	e.do("POST", "/servers/2/bmc/users/createUserWithPasswordAndPrivilege", map[string]any{"username": "p9", "password": "x", "privilege": 9}).Expect(t, 422)
	e.do("POST", "/servers/2/bmc/users/setUserPassword", map[string]any{"password": "x"}).Expect(t, 422)
	e.do("POST", "/servers/2/bmc/users/setUserPassword", map[string]any{"slot": 11, "password": "x"}).Expect(t, 422)
	e.do("POST", "/servers/2/bmc/users/setUserPassword", map[string]any{"slot": 7, "password": "x", "withoutSlotCheck": false}).Expect(t, 422)
	e.do("POST", "/servers/2/bmc/users/setUserPrivilege", map[string]any{"username": "nobody", "privilege": 3}).Expect(t, 422)
	if n := e.bmcUsers(2).Len("result"); n != 3 {
		t.Fatalf("%d users after refusals, want 3", n)
	}
	// Fill every slot: the next one is refused.
	for i := 5; i <= 10; i++ {
		e.do("POST", "/servers/2/bmc/users/createUser", map[string]any{"username": fmt.Sprintf("u%d", i)}).Expect(t, 200)
	}
	e.do("POST", "/servers/2/bmc/users/createUser", map[string]any{"username": "one-too-many"}).Expect(t, 422)
}

// TestBmcPanelUser: the user the panel's IPMI connection logs in as keeps working: its password
// change is carried to the connection, and it may not be deleted or disabled.
func TestBmcPanelUser(t *testing.T) {
	e := newEnv(t)
	ipmi := e.conn(2, "ipmi")
	e.do("POST", "/servers/2/bmc/users/setUserPassword", map[string]any{"username": "ADMIN", "password": "New-Admin-1"}).Expect(t, 200)
	if got := e.test(2, ipmi); got != "online" {
		t.Fatalf("IPMI connection after ADMIN's password changed: %s", got)
	}
	e.view(func(tx *state.Tx) error {
		c, err := tenantos.Connections.Get(tx, ipmi)
		if err == nil && c.MetaString("password") != "New-Admin-1" {
			t.Errorf("connection password %q", c.MetaString("password"))
		}
		return err
	})
	e.do("PUT", "/servers/2/bmc/users/disableUser", map[string]any{"username": "ADMIN"}).Expect(t, 422)
	e.do("DELETE", "/servers/2/bmc/users/deleteUser", map[string]any{"slot": 2}).Expect(t, 422)
	e.do("POST", "/servers/2/bmc/users/setUserPrivilege", map[string]any{"slot": 2, "privilege": 1}).Expect(t, 422)
	if got := e.test(2, ipmi); got != "online" {
		t.Fatalf("after refusals: %s", got)
	}
	// Renaming it renames the connection's user.
	e.do("POST", "/servers/2/bmc/users/updateUser", map[string]any{"slot": 2, "username": "root", "privilege": 4}).Expect(t, 200)
	if got := e.do("GET", fmt.Sprintf("/servers/2/connections/%d", ipmi), nil).Expect(t, 200).String("result", "related_data", "meta", "username"); got != "root" {
		t.Fatalf("connection user: %s", got)
	}
	// The console user may go.
	e.do("DELETE", "/servers/2/bmc/users/deleteUser", map[string]any{"username": "tos_2_5"}).Expect(t, 200)
	// A connection whose password the BMC does not take: BMC operations are refused.
	e.do("PUT", fmt.Sprintf("/servers/2/connections/%d", ipmi), map[string]any{"connectionDetails": map[string]any{"meta": map[string]any{"password": "guess"}}}).Expect(t, 200)
	if got := e.test(2, ipmi); got != "offline" {
		t.Fatalf("wrong password: %s", got)
	}
	e.do("POST", "/servers/2/bmc/users/createUser", map[string]any{"username": "x"}).Expect(t, 422)
	e.do("PUT", fmt.Sprintf("/servers/2/connections/%d", ipmi), map[string]any{"connectionDetails": map[string]any{"meta": map[string]any{"password": "New-Admin-1"}}}).Expect(t, 200)
	if got := e.test(2, ipmi); got != "online" {
		t.Fatalf("right password again: %s", got)
	}
}

// TestBmcScoping: end users may not manage BMC users; servers without IPMI have none to
// manage; a server nobody sees is 404.
func TestBmcScoping(t *testing.T) {
	e := newEnv(t)
	e.as(3, "GET", "/servers/1/bmc/users/listUsers", nil).Expect(t, 403)
	e.as(3, "POST", "/servers/1/bmc/users/createUser", map[string]any{"username": "mine"}).Expect(t, 403)
	e.as(3, "GET", "/servers/2/bmc/users/listUsers", nil).Expect(t, 403, 404)
	e.do("GET", "/servers/5/bmc/users/listUsers", nil).Expect(t, 422) // a PDU server
	e.do("POST", "/servers/5/bmc/users/createUser", map[string]any{"username": "x"}).Expect(t, 422)
	e.do("GET", "/servers/99/bmc/users/listUsers", nil).Expect(t, 404)
	if bmcUser(e.bmcUsers(1), "mine") >= 0 {
		t.Fatal("a refused user was made")
	}
}
