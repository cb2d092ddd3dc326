package accounts_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/simtest"
)

// TestUserActivityLog: what the acting user did, newest first, with the limit as a trailing
// segment or a query parameter.
func TestUserActivityLog(t *testing.T) {
	e := newEnv(t)
	a := e.createUser(admin, "first")
	e.s.Advance(simtest.DefaultToken, time.Minute)
	b := e.createUser(admin, "second")
	e.as(reseller, "POST", "/users/2/sshkeys", map[string]any{"name": "k", "pubkey": pubkey}).Expect(t, 200)

	// The key was made while impersonating the reseller: it counts for the token's user.
	res := e.c.Do("GET", "/activitylog/user", nil).Expect(t, 200)
	if res.Len("result") != 3 || res.String("result", 0, "description") != "Created SSH key k" || res.String("result", 0, "relationId") != "2" {
		t.Fatalf("admin's log: %v", res)
	}
	if r := e.c.Do("GET", "/activitylog/user?limit=2", nil).Expect(t, 200); r.Len("result") != 2 || r.String("result", 1, "relationId") != fmt.Sprint(b) {
		t.Fatalf("limit 2: %v", r)
	}
	res = e.c.Do("GET", "/activitylog/user", nil).Expect(t, 200)
	res.JSON.(map[string]any)["result"] = res.Get("result").([]any)[1:]
	if res.Len("result") != 2 || res.String("result", 0, "relationId") != fmt.Sprint(b) || res.String("result", 1, "relationId") != fmt.Sprint(a) ||
		res.String("result", 0, "userId") != "1" || res.String("result", 0, "description") != "Created user second" ||
		res.String("result", 0, "method") != "POST" || res.String("result", 0, "endpoint") != "/api/users" ||
		res.String("result", 0, "userDetails", "username") != "adm" || res.String("result", 0, "meta", "href") != fmt.Sprintf("/users/%d", b) {
		t.Fatalf("admin's log: %v", res)
	}
	if post := res.String("result", 0, "postdata"); !contains(post, `"username":"second"`) || contains(post, "Secret-Pass") || !contains(post, `"password":"********"`) {
		t.Fatalf("postdata: %v", post)
	}
	for _, path := range []string{"/activitylog/user/1", "/activitylog/user?limit=1"} {
		if r := e.c.Do("GET", path, nil).Expect(t, 200); r.Len("result") != 1 || r.String("result", 0, "rootType") != "sshKeys" {
			t.Fatalf("%s: %v", path, r)
		}
	}
	e.c.Do("GET", "/activitylog/user/abc", nil).Expect(t, 422)
	e.c.Do("GET", "/activitylog/user?limit=0", nil).Expect(t, 422)
	// The reseller's own log has its key; impersonated, it is the reseller's view of its
	// entries (none: the admin's token made them).
	if r := e.as(reseller, "GET", "/activitylog/user", nil).Expect(t, 200); r.Len("result") != 0 {
		t.Fatalf("the reseller (impersonated by the admin) sees %v", r)
	}
	tok := e.token(reseller)
	e.client(tok).Do("POST", "/users/2/sshkeys", map[string]any{"name": "k2", "pubkey": pubkey}).Expect(t, 200)
	if r := e.client(tok).Do("GET", "/activitylog/user", nil).Expect(t, 200); r.Len("result") != 1 || r.String("result", 0, "userId") != "2" {
		t.Fatalf("the reseller's log: %v", r)
	}
}

// TestSystemAndAgentLogs: the system log is the whole log, for admins; the agents log the
// entries about remote agents.
func TestSystemAndAgentLogs(t *testing.T) {
	e := newEnv(t)
	e.createUser(admin, "someone")
	e.logEntry(tenantos.Activity{RelationType: "agents", RelationID: 1, RootType: "agents", RootID: 1, Description: "Regenerated DHCP Configuration",
		VisibleFor: "admin", MetaHref: "/remoteAgents/1", MetaText: "Frankfurt agent"})
	sys := e.c.Do("GET", "/activitylog/system", nil).Expect(t, 200)
	if sys.Len("result") != 2 || sys.String("result", 0, "description") != "Regenerated DHCP Configuration" || sys.String("result", 0, "userId") != "system" {
		t.Fatalf("system log: %v", sys)
	}
	if r := e.c.Do("GET", "/activitylog/system/1", nil).Expect(t, 200); r.Len("result") != 1 {
		t.Fatalf("system log, limit 1: %v", r)
	}
	e.as(reseller, "GET", "/activitylog/system", nil).Expect(t, 403)
	for _, path := range []string{"/activitylog/agents/1", "/activitylog/agents/1/5", "/activitylog/agents/1?limit=5"} {
		r := e.c.Do("GET", path, nil).Expect(t, 200)
		if r.Len("result") != 1 || r.Int("result", 0, "agentId") != 1 || r.String("result", 0, "agentName") != "Frankfurt agent" {
			t.Fatalf("%s: %v", path, r)
		}
	}
	e.c.Do("GET", "/activitylog/agents/7", nil).Expect(t, 404)
	e.as(customer, "GET", "/activitylog/agents/1", nil).Expect(t, 403)
}

// TestServerActivityLog: a server's entries, for who manages its owner; admin-only entries
// hidden from everyone else.
func TestServerActivityLog(t *testing.T) {
	e := newEnv(t)
	e.logEntry(tenantos.Activity{UserID: admin, RelationType: "servers", RelationID: 1, RootType: "serverPower", RootID: 1,
		Description: "Executed Power Action setPowerOff", Endpoint: "/api/servers/1/power/setPowerOff", Method: "GET", MetaHref: "/servers/1", MetaText: "server-001"})
	e.logEntry(tenantos.Activity{UserID: admin, RelationType: "servers", RelationID: 1, RootType: "servers", RootID: 1,
		Description: "Changed the BMC password", VisibleFor: "admin"})
	e.logEntry(tenantos.Activity{UserID: admin, RelationType: "servers", RelationID: 5, RootType: "servers", RootID: 5, Description: "Other server"})

	if r := e.c.Do("GET", "/servers/1/activitylog", nil).Expect(t, 200); r.Len("result") != 2 || r.String("result", 0, "visibleFor") != "admin" {
		t.Fatalf("admin: %v", r)
	}
	r := e.as(customer, "GET", "/servers/1/activitylog", nil).Expect(t, 200)
	if r.Len("result") != 1 || r.String("result", 0, "rootType") != "serverPower" || r.String("result", 0, "relationId") != "1" ||
		r.String("result", 0, "userDetails", "username") != "adm" {
		t.Fatalf("customer: %v", r)
	}
	e.as(customer, "GET", "/servers/5/activitylog", nil).Expect(t, 404)
	if r := e.as(reseller, "GET", "/servers/5/activitylog", nil).Expect(t, 200); r.Len("result") != 1 {
		t.Fatalf("reseller, its customer's server: %v", r)
	}
	e.c.Do("GET", "/servers/99/activitylog", nil).Expect(t, 404)
}

// TestAccessLog: the calls of a user, newest first, limited; visible to who manages the user.
func TestAccessLog(t *testing.T) {
	e := newEnv(t)
	c3 := e.client(e.token(customer))
	c3.Do("GET", "/user", nil, "User-Agent", "probe/1").Expect(t, 200)
	c3.Do("PUT", "/users/3", map[string]any{"name": "Logged"}).Expect(t, 200)
	c3.Do("GET", "/users/4", nil).Expect(t, 404)

	res := e.c.Do("GET", "/users/3/accesslog", nil).Expect(t, 200)
	if res.Len("result") != 3 || res.String("result", 0, "statuscode") != "404" || res.String("result", 1, "method") != "PUT" ||
		!contains(res.String("result", 1, "request"), "Logged") || !contains(res.String("result", 1, "response"), `"Logged"`) ||
		res.String("result", 2, "userAgent") != "probe/1" || res.String("result", 2, "endpoint") != "/api/user" || res.String("result", 2, "ip") != "127.0.0.1" {
		t.Fatalf("access log: %v", res)
	}
	for _, path := range []string{"/users/3/accesslog/2", "/users/3/accesslog?limit=2"} {
		if r := e.c.Do("GET", path, nil).Expect(t, 200); r.Len("result") != 2 || r.String("result", 0, "statuscode") != "404" {
			t.Fatalf("%s: %v", path, r)
		}
	}
	e.c.Do("GET", "/users/3/accesslog/x", nil).Expect(t, 422)
	e.as(reseller, "GET", "/users/3/accesslog", nil).Expect(t, 404)
	if r := c3.Do("GET", "/users/3/accesslog", nil).Expect(t, 200); r.Len("result") != 3 {
		t.Fatalf("the customer's own log: %v", r)
	}
}

// TestLogsKeepNoSecrets: passwords sent and tokens answered are not in the access log.
func TestLogsKeepNoSecrets(t *testing.T) {
	e := newEnv(t)
	tok := e.token(customer)
	sso := e.c.Do("POST", "/users/3/generateSsoToken", map[string]any{}).Expect(t, 200).String("result", "authToken")
	e.createUser(admin, "secretive")
	e.c.Do("POST", "/user/testLoginDetails", login("customer1", customerPassword)).Expect(t, 200)
	res := e.c.Do("GET", "/users/1/accesslog", nil).Expect(t, 200)
	if res.Len("result") != 4 {
		t.Fatalf("%d calls logged: %v", res.Len("result"), res)
	}
	body := string(res.Body)
	for _, secret := range []string{tok, sso, "Secret-Pass-123", customerPassword} {
		if contains(body, secret) {
			t.Fatalf("the access log holds %q: %s", secret, body)
		}
	}
	if !contains(res.String("result", 2, "response"), "********") {
		t.Fatalf("no stand-in for the SSO answer: %v", res.Get("result", 2))
	}
}

// TestAgentLogWithoutAgent: /api/activitylog/agents (no agent: the alias route without the
// segment) lists every agent's entries.
func TestAgentLogWithoutAgent(t *testing.T) {
	e := newEnv(t)
	e.logEntry(tenantos.Activity{RelationType: "agents", RelationID: 1, RootType: "agents", RootID: 1, Description: "Regenerated DHCP Configuration"})
	for _, path := range []string{"/activitylog/agents", "/activitylog/agents?limit=1"} {
		if r := e.c.Do("GET", path, nil).Expect(t, 200); r.Len("result") != 1 {
			t.Fatalf("%s: %v", path, r)
		}
	}
}
