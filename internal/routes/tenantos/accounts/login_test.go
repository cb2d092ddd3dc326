package accounts_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

func login(identify, password string, code ...string) map[string]any {
	b := map[string]any{"identify": identify, "password": password}
	if len(code) > 0 {
		b["two_factor_code"] = code[0]
	}
	return b
}

// TestLoginDetails: right credentials (by username or email) pass and are recorded in the
// login history and as the last login; wrong ones, a disabled account and a host the account
// does not allow are refused on identify.
func TestLoginDetails(t *testing.T) {
	e := newEnv(t)
	if r := e.c.Do("GET", "/users/3", nil).Expect(t, 200); r.String("result", "lastlogin", "date") != "Never" {
		t.Fatalf("before any login: %v", r.Get("result", "lastlogin"))
	}
	res := e.c.Do("POST", "/user/testLoginDetails", login("customer1", customerPassword), "User-Agent", "WHMCS/8.6",
		"impersonateClientIp", "192.0.2.44").Expect(t, 200)
	if res.String("result", "result") != "success" || res.Int("result", "userId") != customer || res.Get("result", "twoFactorAuthEnabled") != false ||
		res.Get("result", "twoFactorAuthPassed") != nil {
		t.Fatalf("login: %v", res)
	}
	e.s.Advance(simtest.DefaultToken, time.Minute)
	e.c.Do("POST", "/user/testLoginDetails", login("CUSTOMER@example.com", customerPassword), "User-Agent", "Blesta").Expect(t, 200)
	hist := e.c.Do("GET", "/users/3/loginhistory", nil).Expect(t, 200)
	if hist.Len("result") != 2 || hist.String("result", 0, "userAgent") != "Blesta" || hist.String("result", 1, "ip") != "192.0.2.44" ||
		hist.String("result", 1, "userAgent") != "WHMCS/8.6" {
		t.Fatalf("history (newest first): %v", hist)
	}
	if r := e.c.Do("GET", "/users/3", nil).Expect(t, 200); r.String("result", "lastlogin", "ip") != "127.0.0.1" ||
		r.String("result", "lastlogin", "date") != hist.String("result", 0, "created_at") {
		t.Fatalf("last login: %v", r.Get("result", "lastlogin"))
	}

	expectField(t, e.c.Do("POST", "/user/testLoginDetails", login("customer1", "wrong-password")), "identify")
	expectField(t, e.c.Do("POST", "/user/testLoginDetails", login("nobody", customerPassword)), "identify")
	expectField(t, e.c.Do("POST", "/user/testLoginDetails", map[string]any{"identify": "customer1"}), "password")
	// A reseller cannot test the logins of users it does not manage.
	expectField(t, e.as(reseller, "POST", "/user/testLoginDetails", login("customer1", customerPassword)), "identify")

	e.c.Do("PUT", "/users/3", map[string]any{"allowedHosts": []string{"198.51.100.0/24"}}).Expect(t, 200)
	expectField(t, e.c.Do("POST", "/user/testLoginDetails", login("customer1", customerPassword)), "identify")
	e.c.Do("POST", "/user/testLoginDetails", login("customer1", customerPassword), "impersonateClientIp", "198.51.100.7").Expect(t, 200)
	e.c.Do("PUT", "/users/3", map[string]any{"allowedHosts": []string{}, "accountstatus": "disabled"}).Expect(t, 200)
	expectField(t, e.c.Do("POST", "/user/testLoginDetails", login("customer1", customerPassword)), "identify")
	if n := e.c.Do("GET", "/users/3/loginhistory", nil).Expect(t, 200).Len("result"); n != 3 {
		t.Fatalf("%d logins recorded, want 3 (refusals are not)", n)
	}
	e.as(subcustomer, "GET", "/users/3/loginhistory", nil).Expect(t, 404)
}

// TestTwoFactor: enabled with a six-digit code, a login needs that code; disabled, it does not.
func TestTwoFactor(t *testing.T) {
	e := newEnv(t)
	expectField(t, e.c.Do("POST", "/user/3/twofactor/enable", map[string]any{"code": "12ab56"}), "code")
	expectField(t, e.c.Do("POST", "/user/3/twofactor/enable", map[string]any{}), "code")
	e.as(customer, "POST", "/user/3/twofactor/enable", map[string]any{"code": "482913"}).Expect(t, 200)
	e.c.Do("POST", "/user/3/twofactor/enable", map[string]any{"code": "111111"}).Expect(t, 409)
	if r := e.c.Do("GET", "/users/3", nil).Expect(t, 200); r.Int("result", "two_factor_confirmed") != 1 {
		t.Fatalf("two_factor_confirmed: %v", r)
	}
	expectField(t, e.c.Do("POST", "/user/testLoginDetails", login("customer1", customerPassword)), "two_factor_code")
	expectField(t, e.c.Do("POST", "/user/testLoginDetails", login("customer1", customerPassword, "111111")), "two_factor_code")
	res := e.c.Do("POST", "/user/testLoginDetails", login("customer1", customerPassword, "482913")).Expect(t, 200)
	if res.Get("result", "twoFactorAuthEnabled") != true || res.Get("result", "twoFactorAuthPassed") != true {
		t.Fatalf("2FA login: %v", res)
	}
	e.as(subcustomer, "GET", "/user/3/twofactor/disable", nil).Expect(t, 404)
	if e.c.Do("GET", "/user/3/twofactor/disable", nil).Expect(t, 200).String("result") != "ok" {
		t.Fatal("disable")
	}
	e.c.Do("POST", "/user/testLoginDetails", login("customer1", customerPassword)).Expect(t, 200)
	if r := e.c.Do("GET", "/users/3", nil).Expect(t, 200); r.Int("result", "two_factor_confirmed") != 0 {
		t.Fatalf("two_factor_confirmed after disable: %v", r)
	}
	e.c.Do("POST", "/user/99/twofactor/enable", map[string]any{"code": "123456"}).Expect(t, 404)
}

// TestSSOToken: validUntil is validForSeconds after the world's clock, and moves with it.
func TestSSOToken(t *testing.T) {
	e := newEnv(t)
	now := e.clock()
	res := e.c.Do("POST", "/users/3/generateSsoToken", map[string]any{"endpoint": "/servers/1", "validForSeconds": 300}).Expect(t, 200)
	if res.Int("result", "validUntil") != now.Unix()+300 || len(res.String("result", "authToken")) != 100 {
		t.Fatalf("clock %v: %v", now, res)
	}
	first := res.String("result", "authToken")
	e.s.Advance(simtest.DefaultToken, 2*time.Hour)
	res = e.c.Do("POST", "/users/3/generateSsoToken", map[string]any{}).Expect(t, 200)
	if res.Int("result", "validUntil") != now.Add(2*time.Hour).Unix()+60 || res.String("result", "authToken") == first {
		t.Fatalf("after 2h, default validity: %v", res)
	}
	expectField(t, e.c.Do("POST", "/users/3/generateSsoToken", map[string]any{"validForSeconds": 0}), "validForSeconds")
	e.c.Do("POST", "/users/99/generateSsoToken", map[string]any{}).Expect(t, 404)
	e.as(customer, "POST", "/users/4/generateSsoToken", map[string]any{}).Expect(t, 404)
	e.as(customer, "POST", "/users/3/generateSsoToken", map[string]any{}).Expect(t, 200)
	e.as(reseller, "POST", "/users/4/generateSsoToken", map[string]any{"endpoint": "servers"}).Expect(t, 200)
}

// TestImpersonationSession: start makes the token act as the user until stop; only who
// manages the user may; deleting the user ends the sessions impersonating it.
func TestImpersonationSession(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("GET", "/impersonate/3/start", nil).Expect(t, 200)
	if res.String("message") != "success" || res.Get("result") != nil {
		t.Fatalf("start: %v", res)
	}
	if e.c.Do("GET", "/user", nil).Expect(t, 200).Int("id") != customer {
		t.Fatal("the session does not act as the customer")
	}
	if got := ids(e.c.Do("GET", "/users", nil).Expect(t, 200), "id"); len(got) != 1 {
		t.Fatalf("impersonating, the list is %v", got)
	}
	e.c.Do("GET", "/impersonate/3/stop", nil).Expect(t, 200)
	if e.c.Do("GET", "/user", nil).Expect(t, 200).Int("id") != admin {
		t.Fatal("stop did not end the session")
	}
	c3 := e.client(e.token(customer))
	// An end user's role does not hold users.impersonate: refused whoever it names.
	c3.Do("GET", "/impersonate/4/start", nil).Expect(t, 403)
	c3.Do("GET", "/impersonate/99/start", nil).Expect(t, 403)
	c2 := e.client(e.token(reseller))
	c2.Do("GET", "/impersonate/99/start", nil).Expect(t, 404)
	c2.Do("GET", "/impersonate/4/start", nil).Expect(t, 200)
	if c2.Do("GET", "/user", nil).Expect(t, 200).Int("id") != subcustomer {
		t.Fatal("the reseller does not act as its customer")
	}
	c2.Do("GET", "/impersonate/3/start", nil).Expect(t, 403)
	// The admin moves the customer away from the reseller: the reseller's session ends
	// instead of leaving its token refused.
	e.c.Do("PUT", "/users/4", map[string]any{"root_owner": admin}).Expect(t, 200)
	if c2.Do("GET", "/user", nil).Expect(t, 200).Int("id") != reseller {
		t.Fatal("the session outlived the reseller's right to it")
	}
	e.c.Do("PUT", "/users/4", map[string]any{"root_owner": reseller}).Expect(t, 200)

	// Another admin token deletes the impersonated user: the session ends with it.
	x := e.createUser(admin, "victim")
	other := e.client(e.token(admin))
	e.c.Do("GET", fmt.Sprintf("/impersonate/%d/start", x), nil).Expect(t, 200)
	if e.c.Do("GET", "/user", nil).Expect(t, 200).Int("id") != x {
		t.Fatal("not impersonating the new user")
	}
	other.Do("DELETE", fmt.Sprintf("/users/%d", x), nil).Expect(t, 200)
	if e.c.Do("GET", "/user", nil).Expect(t, 200).Int("id") != admin {
		t.Fatal("the session of a deleted user goes on")
	}
}
