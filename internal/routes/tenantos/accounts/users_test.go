package accounts_test

import (
	"fmt"
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// TestCustomerLikeABillingModule: look the customer up by email, create it with role 3, read
// it back; a taken username, a missing field, a short password or an unknown role are refused
// naming the field, and nothing is created.
func TestCustomerLikeABillingModule(t *testing.T) {
	e := newEnv(t)
	before := e.c.Do("GET", "/users", nil).Expect(t, 200)
	if before.Len("result") != 4 {
		t.Fatalf("default world: %d users", before.Len("result"))
	}
	body := map[string]any{"name": "Jane Doe", "username": "jdoe", "password": "Secret-Pass-123", "email": "jane@example.com", "role_id": 3}
	res := e.c.Do("POST", "/users", body).Expect(t, 200)
	id := res.Int("result", "id")
	if res.String("message") != "success" || res.String("result", "username") != "jdoe" || res.Int("result", "root_owner") != admin ||
		res.Int("result", "role_id") != 3 || res.String("result", "role_name") != "user " || res.String("result", "accountstatus") != "enabled" {
		t.Fatalf("created: %v", res)
	}
	got := e.c.Do("GET", fmt.Sprintf("/users/%d", id), nil).Expect(t, 200)
	if got.String("result", "email") != "jane@example.com" || got.String("result", "root_owner_username") != "adm" {
		t.Fatalf("read back: %v", got)
	}
	list := e.c.Do("GET", "/users", nil).Expect(t, 200)
	if list.Int("result", 0, "id") != id || list.String("result", 0, "email") != "jane@example.com" {
		t.Fatalf("the new user is not first in the list: %v", list)
	}
	// The admin's subUsers now name it.
	if admin := e.c.Do("GET", "/users/1", nil).Expect(t, 200); admin.Len("result", "subUsers") != 3 {
		t.Fatalf("admin's subUsers: %v", admin.Get("result", "subUsers"))
	}

	body["email"] = "other@example.com"
	expectField(t, e.c.Do("POST", "/users", body), "username")
	body["username"] = "JDOE" // usernames are unique whatever their case
	expectField(t, e.c.Do("POST", "/users", body), "username")
	body["username"], body["email"] = "jdoe2", "JANE@example.com"
	expectField(t, e.c.Do("POST", "/users", body), "email")
	body["email"] = "jane2@example.com"
	for field, bad := range map[string]any{"role_id": 99, "password": "short", "timezone": "Mars/Olympus", "allowedHosts": []string{"not-an-ip"},
		"root_owner": customer, "email": "not-an-email", "accountstatus": "frozen"} {
		b := map[string]any{}
		for k, v := range body {
			b[k] = v
		}
		b[field] = bad
		res := e.c.Do("POST", "/users", b)
		if field == "allowedHosts" {
			expectField(t, res, "allowedHosts.0")
			continue
		}
		expectField(t, res, field)
	}
	for _, field := range []string{"name", "username", "password"} {
		b := map[string]any{}
		for k, v := range body {
			b[k] = v
		}
		delete(b, field)
		expectField(t, e.c.Do("POST", "/users", b), field)
	}
	e.c.Do("POST", "/users", []byte(`{"name": "half",`)).Expect(t, 422)
	if n := e.c.Do("GET", "/users", nil).Expect(t, 200).Len("result"); n != 5 {
		t.Fatalf("%d users after the refusals, want 5", n)
	}
	// The refusals left the username free.
	e.createUser(admin, "jdoe2")
}

// TestUserScoping: listings follow the owner chain; a user the caller does not manage is 404;
// end users create nobody; resellers own what they create and give no admin role.
func TestUserScoping(t *testing.T) {
	e := newEnv(t)
	if got := ids(e.as(customer, "GET", "/users", nil).Expect(t, 200), "id"); len(got) != 1 || got[0] != customer {
		t.Fatalf("the customer sees %v", got)
	}
	if got := ids(e.as(reseller, "GET", "/users", nil).Expect(t, 200), "id"); len(got) != 2 || !has(got, reseller) || !has(got, subcustomer) {
		t.Fatalf("the reseller sees %v", got)
	}
	e.as(customer, "GET", "/users/4", nil).Expect(t, 404)
	e.as(reseller, "GET", "/users/3", nil).Expect(t, 404)
	e.as(reseller, "PUT", "/users/3", map[string]any{"name": "x"}).Expect(t, 404)
	e.as(reseller, "DELETE", "/users/3", nil).Expect(t, 404)
	e.as(customer, "POST", "/users", map[string]any{"name": "n", "username": "by-customer", "password": "Secret-Pass-123"}).Expect(t, 403)

	id := e.createUser(reseller, "by-reseller")
	res := e.as(reseller, "GET", fmt.Sprintf("/users/%d", id), nil).Expect(t, 200)
	if res.Int("result", "root_owner") != reseller || res.String("result", "root_owner_username") != "reseller1" {
		t.Fatalf("owner: %v", res)
	}
	e.as(customer, "GET", fmt.Sprintf("/users/%d", id), nil).Expect(t, 404)
	e.c.Do("GET", fmt.Sprintf("/users/%d", id), nil).Expect(t, 200) // the admin manages everyone
	e.as(reseller, "POST", "/users", map[string]any{"name": "n", "username": "would-be-admin", "password": "Secret-Pass-123", "role_id": 1}).Expect(t, 403)
	expectField(t, e.as(reseller, "POST", "/users", map[string]any{"name": "n", "username": "x1", "password": "Secret-Pass-123", "role_id": 4}), "role_id")
	// An admin may place a user below a reseller.
	below := e.createUser(admin, "placed", "root_owner", reseller)
	if !has(ids(e.as(reseller, "GET", "/users", nil).Expect(t, 200), "id"), below) {
		t.Fatal("the reseller does not see the user placed below it")
	}
}

// TestUpdateUser: profile fields, password, username, status, role and owner change and read
// back; what may not change is refused and leaves the user as it was.
func TestUpdateUser(t *testing.T) {
	e := newEnv(t)
	id := e.createUser(admin, "upd")
	path := fmt.Sprintf("/users/%d", id)
	res := e.c.Do("PUT", path, map[string]any{"name": "New Name", "email": "new@example.com", "username": "renamed", "timezone": "Europe/Budapest",
		"darkmode": 1, "prefs": map[string]any{"servers": map[string]any{"perPage": 50}}, "allowedHosts": []string{"10.0.0.1", "192.168.0.0/24"},
		"description": "VIP", "language": "de-de"}).Expect(t, 200)
	if res.String("result", "name") != "New Name" || res.String("result", "username") != "renamed" || res.Int("result", "darkmode") != 1 ||
		res.Len("result", "allowedHosts") != 2 || res.String("result", "description") != "VIP" || res.Len("result", "prefs") != 1 {
		t.Fatalf("updated: %v", res)
	}
	got := e.c.Do("GET", path, nil).Expect(t, 200)
	if got.String("result", "email") != "new@example.com" || got.String("result", "timezone") != "Europe/Budapest" {
		t.Fatalf("read back: %v", got)
	}
	// The old username is free, the new one taken.
	e.createUser(admin, "upd")
	expectField(t, e.c.Do("POST", "/users", map[string]any{"name": "n", "username": "Renamed", "password": "Secret-Pass-123"}), "username")
	expectField(t, e.c.Do("PUT", path, map[string]any{"username": "customer1"}), "username")
	expectField(t, e.c.Do("PUT", path, map[string]any{"email": "customer@example.com"}), "email")

	// A new password logs in; the old one no longer does.
	e.c.Do("PUT", path, map[string]any{"password": "Another-Pass-1"}).Expect(t, 200)
	e.c.Do("POST", "/user/testLoginDetails", map[string]any{"identify": "renamed", "password": "Another-Pass-1"},
		"impersonateClientIp", "10.0.0.1").Expect(t, 200)
	expectField(t, e.c.Do("POST", "/user/testLoginDetails", map[string]any{"identify": "renamed", "password": "Secret-Pass-123"}), "identify")
	expectField(t, e.c.Do("PUT", path, map[string]any{"password": "short"}), "password")

	// Role and owner.
	res = e.c.Do("PUT", path, map[string]any{"role_id": 2, "root_owner": reseller}).Expect(t, 200)
	if res.Int("result", "role_id") != 2 || res.String("result", "role_name") != "reseller " || res.Int("result", "root_owner") != reseller {
		t.Fatalf("role and owner: %v", res)
	}
	// A user cannot be placed below its own sub-user, nor below an end user.
	sub := e.createUser(id, "sub-of-upd")
	expectField(t, e.c.Do("PUT", path, map[string]any{"root_owner": sub}), "root_owner")
	expectField(t, e.c.Do("PUT", path, map[string]any{"root_owner": customer}), "root_owner")
	// The first administrator keeps its role, and nobody disables themselves or it.
	expectField(t, e.c.Do("PUT", "/users/1", map[string]any{"role_id": 3}), "role_id")
	expectField(t, e.c.Do("PUT", "/users/1", map[string]any{"accountstatus": "disabled"}), "accountstatus")
	expectField(t, e.as(reseller, "PUT", "/users/2", map[string]any{"accountstatus": "disabled"}), "accountstatus")
	// End users change their own profile, not their role.
	e.as(customer, "PUT", "/users/3", map[string]any{"name": "Me"}).Expect(t, 200)
	e.as(customer, "PUT", "/users/3", map[string]any{"role_id": 2}).Expect(t, 403)
	if r := e.c.Do("GET", "/users/3", nil).Expect(t, 200); r.Int("result", "role_id") != 3 || r.String("result", "name") != "Me" {
		t.Fatalf("customer: %v", r)
	}
}

// TestDisabledAccount: a disabled account's tokens stop working; enabled again, they work.
func TestDisabledAccount(t *testing.T) {
	e := newEnv(t)
	tok := e.token(customer)
	c3 := e.client(tok)
	c3.Do("GET", "/user", nil).Expect(t, 200)
	e.c.Do("PUT", "/users/3", map[string]any{"accountstatus": "disabled"}).Expect(t, 200)
	c3.Do("GET", "/user", nil).Expect(t, 403)
	e.c.Do("PUT", "/users/3", map[string]any{"accountstatus": "enabled"}).Expect(t, 200)
	if c3.Do("GET", "/user", nil).Expect(t, 200).Int("id") != customer {
		t.Fatal("the token does not act as the customer")
	}
}

// TestDeleteUser: what the user owned goes back to its owner; its tokens stop opening the
// world; it is 404 afterwards; oneself and the first administrator are not deleted.
func TestDeleteUser(t *testing.T) {
	e := newEnv(t)
	x := e.createUser(reseller, "x", "role_id", 2)
	y := e.createUser(admin, "y", "root_owner", x, "role_id", 2)
	e.c.Do("POST", fmt.Sprintf("/users/%d/sshkeys", x), map[string]any{"name": "k", "pubkey": pubkey}).Expect(t, 200)
	tok := e.token(x)
	e.client(tok).Do("GET", "/user", nil).Expect(t, 200)
	e.c.Do("POST", fmt.Sprintf("/users/%d/generateSsoToken", x), map[string]any{}).Expect(t, 200)
	e.update(func(tx *state.Tx) error {
		s, err := tenantos.Servers.Get(tx, 2)
		if err != nil {
			return err
		}
		s.UserID = x
		s.SuspendedUserIDs = []int64{x}
		if err := tenantos.Servers.Put(tx, 2, s); err != nil {
			return err
		}
		sub, err := tenantos.Subnets.Get(tx, 2)
		if err != nil {
			return err
		}
		sub.UserID = x
		return tenantos.Subnets.Put(tx, 2, sub)
	})

	e.as(x, "DELETE", fmt.Sprintf("/users/%d", x), nil).Expect(t, 409)
	e.c.Do("DELETE", "/users/1", nil).Expect(t, 409)
	e.as(customer, "DELETE", fmt.Sprintf("/users/%d", x), nil).Expect(t, 403) // an end user's role cannot delete users
	e.as(subcustomer, "GET", fmt.Sprintf("/users/%d", x), nil).Expect(t, 404)
	e.as(reseller, "DELETE", fmt.Sprintf("/users/%d", x), nil).Expect(t, 200)

	e.c.Do("GET", fmt.Sprintf("/users/%d", x), nil).Expect(t, 404)
	e.c.Do("DELETE", fmt.Sprintf("/users/%d", x), nil).Expect(t, 404)
	e.client(tok).Do("GET", "/user", nil).Expect(t, 401)
	if r := e.c.Do("GET", fmt.Sprintf("/users/%d", y), nil).Expect(t, 200); r.Int("result", "root_owner") != reseller {
		t.Fatalf("the sub-user did not move up: %v", r)
	}
	e.view(func(tx *state.Tx) error {
		s, err := tenantos.Servers.Get(tx, 2)
		if err != nil {
			return err
		}
		if s.UserID != reseller || len(s.SuspendedUserIDs) != 0 {
			t.Errorf("server 2: owner %d, suspended %v", s.UserID, s.SuspendedUserIDs)
		}
		sub, err := tenantos.Subnets.Get(tx, 2)
		if err != nil {
			return err
		}
		if sub.UserID != reseller {
			t.Errorf("subnet 2: owner %d", sub.UserID)
		}
		if n := tenantos.SSHKeys.Count(tx); n != 0 {
			t.Errorf("%d SSH keys left", n)
		}
		if n := tenantos.Tokens.Count(tx); n != 0 {
			t.Errorf("%d tokens left", n)
		}
		return nil
	})
	// The username is free again.
	e.createUser(admin, "x")
}

// TestCurrentUser: GET /api/user is the acting user, bare.
func TestCurrentUser(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("GET", "/user", nil).Expect(t, 200)
	if res.Int("id") != admin || res.Get("result") != nil || res.Len("permissions") < 50 || res.String("currentIp") != "127.0.0.1" {
		t.Fatalf("admin: %v", res)
	}
	e.c.Do("POST", "/users/3/sshkeys", map[string]any{"name": "laptop", "pubkey": pubkey}).Expect(t, 200)
	res = e.as(customer, "GET", "/user", nil).Expect(t, 200)
	if res.Int("id") != customer || res.String("name") != "Shanel Mayer" || res.Len("sshkeys") != 1 {
		t.Fatalf("customer: %v", res)
	}
	// The default end-user role's permissions: what its sets hold, nothing of a reseller's.
	perms := map[string]bool{}
	for i := 0; i < res.Len("permissions"); i++ {
		perms[res.String("permissions", i)] = true
	}
	if !perms["servers.index"] || !perms["servers.power.setPowerOn"] || !perms["servers.apiOutput.param.hostname"] ||
		perms["users.store"] || perms["system.version"] {
		t.Fatalf("customer's permissions: %v", res)
	}
	res = e.c.Do("GET", "/user", nil, "impersonateClientIp", "203.0.113.9").Expect(t, 200)
	if res.String("currentIp") != "203.0.113.9" {
		t.Fatalf("currentIp: %v", res)
	}
}

// TestAdditionalUserInformation: counts and owned users of a user the caller manages.
func TestAdditionalUserInformation(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("POST", "/user/additionalUserInformation", map[string]any{"userId": reseller, "withOwnedUsersData": true}).Expect(t, 200)
	if res.Int("result", "userId") != reseller || res.Int("result", "counts", "subUsers") != 1 || res.Len("result", "ownedUsersData") != 1 ||
		res.Int("result", "ownedUsersData", 0, "id") != subcustomer || res.Int("result", "ownedUsersData", 0, "counts", "servers") != 1 {
		t.Fatalf("reseller: %v", res)
	}
	res = e.c.Do("POST", "/user/additionalUserInformation", map[string]any{"withOwnedUsersData": true, "limitOwnedUsersDataToIds": []int{3}}).Expect(t, 200)
	if res.Int("result", "userId") != admin || res.Len("result", "ownedUsersData") != 1 || res.Int("result", "ownedUsersData", 0, "id") != customer {
		t.Fatalf("admin limited to 3: %v", res)
	}
	if res := e.c.Do("POST", "/user/additionalUserInformation", nil).Expect(t, 200); res.Get("result", "ownedUsersData") != nil {
		t.Fatalf("owned users without asking: %v", res)
	}
	expectField(t, e.as(customer, "POST", "/user/additionalUserInformation", map[string]any{"userId": subcustomer}), "userId")
}

var _ = simtest.DefaultToken
