package virtfusion_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// Self service fixtures (fixtures/virtfusion/world.yaml, selfService).
const (
	packOne   = 1 // 1 server, 2048 MB, 50 GB, 2 cores, 1000 GB traffic
	packTwo   = 2 // 2 servers, 4096 MB, 250 GB (200 a server), 4 cores, 4000 GB traffic
	packThree = 3 // 5 servers, 16384 MB, 1000 GB, 16 cores, traffic unlimited
)

// ssCase is a request and what it must answer: status and a piece of the body.
type ssCase struct {
	name     string
	method   string
	path     string
	body     any
	status   int
	contains string
}

// cases runs requests in order, each as a subtest; 404 and 423 must be {"msg":…}, 422
// {"errors":[…]}.
func (e *env) cases(t *testing.T, cases []ssCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res := e.c.Do(tt.method, tt.path, tt.body)
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d: %v", res.Status, tt.status, res)
			}
			if !strings.Contains(string(res.Body), tt.contains) {
				t.Fatalf("body %s does not contain %q", res.Body, tt.contains)
			}
			switch tt.status {
			case 422:
				if res.Len("errors") < 1 {
					t.Fatalf("422 body is not {\"errors\":[…]}: %s", res.Body)
				}
			case 404, 423:
				if res.String("msg") == "" {
					t.Fatalf("%d body is not {\"msg\":…}: %s", tt.status, res.Body)
				}
			}
		})
	}
}

// givePack gives user ext a resource pack made from definition def and returns its id.
func (e *env) givePack(ext, def int) int64 {
	e.t.Helper()
	res := e.c.Do("POST", fmt.Sprintf("/selfService/resourcePack/byUserExtRelationId/%d", ext), map[string]any{"packId": def, "enabled": true})
	return res.Expect(e.t, 201).Int("data", "id")
}

func (e *env) pack(id int64, query string) *simtest.Response {
	e.t.Helper()
	return e.c.Do("GET", fmt.Sprintf("/selfService/resourcePack/%d%s", id, query), nil).Expect(e.t, 200)
}

func (e *env) userByExt(ext int) *simtest.Response {
	e.t.Helper()
	return e.c.Do("GET", fmt.Sprintf("/users/%d/byExtRelation", ext), nil).Expect(e.t, 200)
}

func (e *env) hourlyStats(ext int) *simtest.Response {
	e.t.Helper()
	return e.c.Do("GET", fmt.Sprintf("/selfService/hourlyStats/byUserExtRelationId/%d", ext), nil).Expect(e.t, 200)
}

func (e *env) report(ext int, query string) *simtest.Response {
	e.t.Helper()
	return e.c.Do("GET", fmt.Sprintf("/selfService/report/byUserExtRelationId/%d%s", ext, query), nil).Expect(e.t, 200)
}

func (e *env) usage(ext int, query string) *simtest.Response {
	e.t.Helper()
	return e.c.Do("GET", fmt.Sprintf("/selfService/usage/byUserExtRelationId/%d%s", ext, query), nil).Expect(e.t, 200)
}

// hourlyProfile gives user ext the first hourly group profile: their new servers are billed
// by the hour.
func (e *env) hourlyProfile(ext int) {
	e.t.Helper()
	e.c.Do("POST", fmt.Sprintf("/selfService/hourlyGroupProfile/byUserExtRelationId/%d", ext), map[string]any{"profileId": 1}).Expect(e.t, 204)
}

func num(r *simtest.Response, path ...any) string { return fmt.Sprint(r.Get(path...)) }

func TestAddCreditToUser(t *testing.T) {
	e := newEnv(t)
	e.user(1)
	e.c.Do("POST", "/users", map[string]any{"name": "Rel", "email": "rel@example.com", "relStr": "whmcs-9"}).Expect(t, 201)
	p := "/selfService/credit/byUserExtRelationId/1"
	e.cases(t, []ssCase{
		{"add", "POST", p, map[string]any{"tokens": 100, "reference_1": 400, "reference_2": "Invoice 400"}, 201, `{"data":{"id":1}}`},
		{"numeric strings, as WHMCS sends them", "POST", p, map[string]any{"tokens": "50.5", "reference_1": "401"}, 201, `{"data":{"id":2}}`},
		{"by relStr", "POST", "/selfService/credit/byUserExtRelationId/whmcs-9?relStr=true", map[string]any{"tokens": 5}, 201, `"id":3`},
		{"unknown user", "POST", "/selfService/credit/byUserExtRelationId/99", map[string]any{"tokens": 1}, 404, `{"msg":"ext_relation_id not found"}`},
		{"relStr not matched as an id", "POST", "/selfService/credit/byUserExtRelationId/whmcs-9", map[string]any{"tokens": 1}, 404, "ext_relation_id not found"},
		{"no tokens", "POST", p, map[string]any{"reference_1": 1}, 422, "The tokens field is required."},
		{"zero tokens", "POST", p, map[string]any{"tokens": 0}, 422, "The tokens field must be greater than 0."},
		{"negative tokens", "POST", p, map[string]any{"tokens": -5}, 422, "The tokens field must be greater than 0."},
		{"word for tokens", "POST", p, map[string]any{"tokens": "lots"}, 422, "The tokens field must be a number."},
		{"word for reference 1", "POST", p, map[string]any{"tokens": 1, "reference_1": "WHMCS Top-up"}, 422, "The reference 1 field must be an integer."},
		{"reference 2 too long", "POST", p, map[string]any{"tokens": 1, "reference_2": strings.Repeat("x", 1001)}, 422, "The reference 2 field must not be greater than 1000 characters."},
	})
	// Only the accepted credits count.
	if got := num(e.hourlyStats(1), "data", "credit", "value"); got != "150.5" {
		t.Fatalf("balance %s, want 150.5", got)
	}
}

func TestCancelCredit(t *testing.T) {
	e := newEnv(t)
	e.user(1)
	for _, tokens := range []int{100, 40} {
		e.c.Do("POST", "/selfService/credit/byUserExtRelationId/1", map[string]any{"tokens": tokens}).Expect(t, 201)
	}
	e.cases(t, []ssCase{
		{"cancel", "DELETE", "/selfService/credit/1", nil, 204, ""},
		{"cancel again", "DELETE", "/selfService/credit/1", nil, 404, `{"msg":"credit not found"}`},
		{"unknown credit", "DELETE", "/selfService/credit/99", nil, 404, `{"msg":"credit not found"}`},
		{"word for a credit id", "DELETE", "/selfService/credit/abc", nil, 404, `{"msg":"credit not found"}`},
		{"PHP empty array body", "DELETE", "/selfService/credit/2", "[]", 204, ""},
	})
	if got := num(e.hourlyStats(1), "data", "credit", "value"); got != "0" {
		t.Fatalf("balance %s after cancelling everything", got)
	}
}

// profilePaths are the add path and a remove path maker of one kind of group profile
// ("hourly" or "resource") for user ext 1.
func profilePaths(kind string) (string, func(string) string) {
	return fmt.Sprintf("/selfService/%sGroupProfile/byUserExtRelationId/1", kind), func(profile string) string {
		return fmt.Sprintf("/selfService/%sGroupProfile/%s/byUserExtRelationId/1", kind, profile)
	}
}

func testAddProfile(t *testing.T, kind, field string) {
	e := newEnv(t)
	e.user(1)
	add, _ := profilePaths(kind)
	e.cases(t, []ssCase{
		{"add", "POST", add, map[string]any{"profileId": 2}, 204, ""},
		{"add another as a string", "POST", add, map[string]any{"profileId": "1"}, 204, ""},
		{"add one the user has", "POST", add, map[string]any{"profileId": 2}, 204, ""},
		{"unknown profile", "POST", add, map[string]any{"profileId": 9}, 422, "The selected profile id is invalid."},
		{"no profile", "POST", add, map[string]any{}, 422, "The profile id field is required."},
		{"word for a profile", "POST", add, map[string]any{"profileId": "two"}, 422, "The profile id field must be an integer."},
		{"unknown user", "POST", fmt.Sprintf("/selfService/%sGroupProfile/byUserExtRelationId/77", kind), map[string]any{"profileId": 1}, 404, "ext_relation_id not found"},
	})
	if got := num(e.userByExt(1), "data", field); got != "[2 1]" {
		t.Fatalf("%s after adding: %s", field, got)
	}
}

func testRemoveProfile(t *testing.T, kind, field string) {
	e := newEnv(t)
	e.user(1)
	add, del := profilePaths(kind)
	for _, id := range []int{1, 2} {
		e.c.Do("POST", add, map[string]any{"profileId": id}).Expect(t, 204)
	}
	e.cases(t, []ssCase{
		{"remove", "DELETE", del("2"), nil, 204, ""},
		{"remove one the user does not have", "DELETE", del("2"), nil, 204, ""},
		{"unknown profile", "DELETE", del("9"), nil, 404, fmt.Sprintf(`{"msg":"%s group profile not found"}`, kind)},
		{"word for a profile id", "DELETE", del("abc"), nil, 404, `{"msg":"profile not found"}`},
		{"unknown user", "DELETE", fmt.Sprintf("/selfService/%sGroupProfile/1/byUserExtRelationId/77", kind), nil, 404, "ext_relation_id not found"},
	})
	if got := num(e.userByExt(1), "data", field); got != "[1]" {
		t.Fatalf("%s after removing: %s", field, got)
	}
}

func TestAddHourlyGroupProfileToUser(t *testing.T) {
	testAddProfile(t, "hourly", "selfServiceHourlyGroupProfiles")
}

func TestRemoveHourlyGroupProfileFromUser(t *testing.T) {
	testRemoveProfile(t, "hourly", "selfServiceHourlyGroupProfiles")
}

func TestAddResourceGroupProfileToUser(t *testing.T) {
	testAddProfile(t, "resource", "selfServiceResourceGroupProfiles")
}

func TestRemoveResourceGroupProfileFromUser(t *testing.T) {
	testRemoveProfile(t, "resource", "selfServiceResourceGroupProfiles")
}

func TestSetHourlyResourcePack(t *testing.T) {
	e := newEnv(t)
	e.user(1)
	p := "/selfService/hourlyResourcePack/byUserExtRelationId/1"
	e.cases(t, []ssCase{
		{"set", "PUT", p, map[string]any{"packId": packTwo}, 204, ""},
		{"unknown pack", "PUT", p, map[string]any{"packId": 99}, 422, "The selected pack id is invalid."},
		{"no pack", "PUT", p, "", 422, "The pack id field is required."},
		{"word for a pack", "PUT", p, map[string]any{"packId": "two"}, 422, "The pack id field must be an integer."},
		{"unknown user", "PUT", "/selfService/hourlyResourcePack/byUserExtRelationId/5", map[string]any{"packId": 1}, 404, "ext_relation_id not found"},
	})
	if got := e.userByExt(1).Int("data", "selfServiceHourlyResourcePack"); got != packTwo {
		t.Fatalf("selfServiceHourlyResourcePack %d", got)
	}
}

func TestModifyUserAccess(t *testing.T) {
	e := newEnv(t)
	e.user(1)
	p := "/selfService/access/byUserExtRelationId/1"
	level := func() int64 { return e.userByExt(1).Int("data", "selfService") }
	e.c.Do("POST", "/selfService/hourlyGroupProfile/byUserExtRelationId/1", map[string]any{"profileId": 1}).Expect(t, 204)
	e.cases(t, []ssCase{
		{"without sync", "PUT", p, map[string]any{"syncToProfiles": false}, 204, ""},
	})
	if level() != 0 {
		t.Fatalf("syncToProfiles=false changed the level to %d", level())
	}
	e.cases(t, []ssCase{
		{"sync", "PUT", p, map[string]any{"syncToProfiles": "true"}, 204, ""},
		{"no sync field", "PUT", p, map[string]any{}, 422, "The sync to profiles field is required."},
		{"word for sync", "PUT", p, map[string]any{"syncToProfiles": "maybe"}, 422, "The sync to profiles field must be true or false."},
		{"unknown user", "PUT", "/selfService/access/byUserExtRelationId/8", map[string]any{"syncToProfiles": true}, 404, "ext_relation_id not found"},
	})
	if level() != 1 {
		t.Fatalf("level %d with an hourly profile, want 1", level())
	}
	e.c.Do("POST", "/selfService/resourceGroupProfile/byUserExtRelationId/1", map[string]any{"profileId": 1}).Expect(t, 204)
	e.c.Do("PUT", p, map[string]any{"syncToProfiles": true}).Expect(t, 204)
	if level() != 3 {
		t.Fatalf("level %d with both profiles, want 3", level())
	}
	e.c.Do("DELETE", "/selfService/hourlyGroupProfile/1/byUserExtRelationId/1", nil).Expect(t, 204)
	e.c.Do("PUT", p, map[string]any{"syncToProfiles": true}).Expect(t, 204)
	if level() != 2 {
		t.Fatalf("level %d with a resource profile only, want 2", level())
	}
}

func TestAddResourcePackToUser(t *testing.T) {
	e := newEnv(t)
	e.user(1)
	p := "/selfService/resourcePack/byUserExtRelationId/1"
	e.cases(t, []ssCase{
		{"add", "POST", p, map[string]any{"packId": packTwo, "enabled": true}, 201, `{"data":{"id":1}}`},
		{"add disabled, booleans as strings", "POST", p, map[string]any{"packId": "1", "enabled": "false"}, 201, `{"data":{"id":2}}`},
		{"unknown pack", "POST", p, map[string]any{"packId": 42, "enabled": true}, 422, "The selected pack id is invalid."},
		{"no enabled", "POST", p, map[string]any{"packId": 1}, 422, "The enabled field is required."},
		{"nothing", "POST", p, "[]", 422, "The pack id field is required."},
		{"unknown user", "POST", "/selfService/resourcePack/byUserExtRelationId/3", map[string]any{"packId": 1, "enabled": true}, 404, "ext_relation_id not found"},
	})
	res := e.pack(1, "")
	if res.Int("data", "pid") != packTwo || res.String("data", "name") != "Pack 2 · 2 / 4096 / 250" || res.Int("data", "limits", "total_memory") != 4096 {
		t.Fatalf("pack: %v", res)
	}
	if e.c.Do("GET", "/selfService/resourcePack/3", nil).Status != 404 {
		t.Fatal("a refused add left a pack")
	}
}

func TestGetResourcePack(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	pack := e.givePack(1, packTwo)
	srv := e.server(user, pkgS, groupDefault, "resourcePackId", pack)
	e.cases(t, []ssCase{
		{"get", "GET", fmt.Sprintf("/selfService/resourcePack/%d", pack), nil, 200, `"type":"pack"`},
		{"with servers", "GET", fmt.Sprintf("/selfService/resourcePack/%d?withServers=1", pack), nil, 200, `"servers":[{"id":`},
		{"unknown pack", "GET", "/selfService/resourcePack/99", nil, 404, `{"msg":"resource pack not found"}`},
		{"word for a pack id", "GET", "/selfService/resourcePack/abc", nil, 404, `{"msg":"resource pack not found"}`},
		{"word for withServers", "GET", fmt.Sprintf("/selfService/resourcePack/%d?withServers=maybe", pack), nil, 422, "The with servers field must be true or false."},
	})
	res := e.pack(pack, "")
	if res.Get("data", "servers") != nil || res.Get("data", "label") != nil {
		t.Fatalf("servers or label without withServers: %v", res)
	}
	if res.Int("data", "used", "servers") != 1 || res.Int("data", "used", "memory") != 1024 || res.Int("data", "used", "storage") != 25 ||
		res.Int("data", "used", "cpu") != 1 || res.Int("data", "used", "traffic") != 1000 {
		t.Fatalf("used: %v", res.Get("data", "used"))
	}
	mem := res.Get("data", "usage", "memory").(map[string]any)
	if fmt.Sprintf("%v %v %v %v %v", mem["t"], mem["u"], mem["f"], mem["p"], mem["l"]) != "4096 1024 3072 25 true" {
		t.Fatalf("memory usage: %v", mem)
	}
	res = e.pack(pack, "?withServers=true")
	if res.Len("data", "servers") != 1 || res.Int("data", "servers", 0, "id") != srv || res.Int("data", "servers", 0, "owner") != user {
		t.Fatalf("servers: %v", res.Get("data", "servers"))
	}
	// A pack with no limit on traffic says so.
	res = e.pack(e.givePack(1, packThree), "")
	if tr := res.Get("data", "usage", "traffic").(map[string]any); tr["l"] != false || res.Int("data", "limits", "total_traffic") != 0 {
		t.Fatalf("unlimited traffic: %v", tr)
	}
}

func TestModifyResourcePack(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	pack := e.givePack(1, packTwo)
	p := fmt.Sprintf("/selfService/resourcePack/%d", pack)
	e.cases(t, []ssCase{
		{"disable", "PUT", p, map[string]any{"enabled": false}, 204, ""},
		{"no enabled", "PUT", p, map[string]any{}, 422, "The enabled field is required."},
		{"unknown pack", "PUT", "/selfService/resourcePack/99", map[string]any{"enabled": true}, 404, "resource pack not found"},
	})
	res := e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupDefault, "resourcePackId": pack}).Expect(t, 422)
	if res.String("errors", 0) != "The selected resource pack is disabled." {
		t.Fatalf("create into a disabled pack: %v", res)
	}
	e.c.Do("PUT", p, map[string]any{"enabled": "1"}).Expect(t, 204)
	e.server(user, pkgS, groupDefault, "resourcePackId", pack)
}

func TestDeleteResourcePack(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	full, empty := e.givePack(1, packTwo), e.givePack(1, packOne)
	e.server(user, pkgS, groupDefault, "resourcePackId", full)
	p := fmt.Sprintf("/selfService/resourcePack/%d", full)
	e.cases(t, []ssCase{
		{"with servers", "DELETE", p, nil, 422, "The resource pack still has servers."},
		{"with servers, disable instead", "DELETE", p + "?disable=true", nil, 204, ""},
		{"empty", "DELETE", fmt.Sprintf("/selfService/resourcePack/%d", empty), nil, 204, ""},
		{"gone", "GET", fmt.Sprintf("/selfService/resourcePack/%d", empty), nil, 404, "resource pack not found"},
		{"unknown pack", "DELETE", "/selfService/resourcePack/99", nil, 404, "resource pack not found"},
		{"word for disable", "DELETE", p + "?disable=perhaps", nil, 422, "The disable field must be true or false."},
	})
	// The disabled pack is still there, with its server, and takes no new one.
	if e.pack(full, "").Int("data", "used", "servers") != 1 {
		t.Fatal("disabled pack lost its server")
	}
	e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupDefault, "resourcePackId": full}).Expect(t, 422)
	if n := e.report(1, "").Len("data", "limits", "packs"); n != 0 {
		t.Fatalf("report lists %d packs, want none enabled", n)
	}
}

func TestSuspendResourcePackServers(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	pack := e.givePack(1, packThree)
	a := e.server(user, pkgS, groupDefault, "resourcePackId", pack)
	b := e.server(user, pkgM, groupDefault, "resourcePackId", pack)
	outside := e.server(user, pkgS, groupDefault)
	p := fmt.Sprintf("/selfService/resourcePackServers/%d/suspend", pack)
	e.cases(t, []ssCase{
		{"suspend", "POST", p, nil, 204, ""},
		{"again", "POST", p, "[]", 204, ""},
		{"unknown pack", "POST", "/selfService/resourcePackServers/99/suspend", nil, 404, "resource pack not found"},
		{"empty pack", "POST", fmt.Sprintf("/selfService/resourcePackServers/%d/suspend", e.givePack(1, packOne)), nil, 204, ""},
	})
	for _, id := range []int64{a, b} {
		if e.getServer(id).Get("data", "suspended") != true {
			t.Fatalf("server %d not suspended", id)
		}
	}
	if e.getServer(outside).Get("data", "suspended") != false {
		t.Fatal("a server outside the pack was suspended")
	}
}

func TestUnsuspendResourcePackServers(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	pack := e.givePack(1, packThree)
	a := e.server(user, pkgS, groupDefault, "resourcePackId", pack)
	b := e.server(user, pkgS, groupDefault, "resourcePackId", pack)
	e.c.Do("POST", fmt.Sprintf("/selfService/resourcePackServers/%d/suspend", pack), nil).Expect(t, 204)
	// A task running for one server refuses the whole pack, and nothing changes.
	e.c.Do("POST", fmt.Sprintf("/servers/%d/unsuspend", b), nil).Expect(t, 204)
	e.c.Do("POST", fmt.Sprintf("/servers/%d/build", b), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	p := fmt.Sprintf("/selfService/resourcePackServers/%d/unsuspend", pack)
	e.cases(t, []ssCase{
		{"a task runs", "POST", p, nil, 423, "task in progress"},
		{"unknown pack", "POST", "/selfService/resourcePackServers/99/unsuspend", nil, 404, "resource pack not found"},
	})
	if e.getServer(a).Get("data", "suspended") != true {
		t.Fatal("a refused unsuspend changed a server")
	}
	e.advance(buildSeconds * time.Second)
	e.cases(t, []ssCase{{"unsuspend", "POST", p, nil, 204, ""}})
	if e.getServer(a).Get("data", "suspended") != false || e.getServer(b).Get("data", "suspended") != false {
		t.Fatal("not every server unsuspended")
	}
}

func TestDeleteResourcePackServers(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	pack := e.givePack(1, packTwo)
	a := e.server(user, pkgS, groupDefault, "resourcePackId", pack)
	p := fmt.Sprintf("/selfService/resourcePackServers/%d", pack)
	e.cases(t, []ssCase{
		{"delay out of range", "DELETE", p + "?delay=43801", nil, 422, "The delay field must not be greater than 43800."},
		{"word for delay", "DELETE", p + "?delay=soon", nil, 422, "The delay field must be an integer."},
		{"unknown pack", "DELETE", "/selfService/resourcePackServers/99", nil, 404, "resource pack not found"},
		{"default delay", "DELETE", p, nil, 204, ""},
		{"again changes nothing", "DELETE", p + "?delay=0", nil, 204, ""},
	})
	// 30 minutes by default, then the 15 s teardown.
	e.advance(30*time.Minute + deleteSeconds*time.Second - time.Second)
	e.getServer(a).Expect(t, 200)
	e.advance(time.Second)
	e.getServer(a).Expect(t, 404)
	if e.pack(pack, "").Int("data", "used", "servers") != 0 {
		t.Fatal("the pack still counts a deleted server")
	}
}

// TestResourcePackFlow: a pack for a user, servers in it, the pack suspended and unsuspended
// as a whole, its servers deleted with a delay, and the pack free again.
func TestResourcePackFlow(t *testing.T) {
	e := newEnv(t)
	user := e.user(7)
	pack := e.givePack(7, packTwo)
	memBefore, freeBefore := e.groupAlloc(groupDefault, "memory"), e.freeIPv4(groupDefault)
	s1 := e.server(user, pkgS, groupDefault, "resourcePackId", pack)
	s2 := e.server(user, pkgM, groupDefault, "resourcePackId", pack)
	res := e.pack(pack, "?withServers=true")
	if res.Int("data", "used", "servers") != 2 || res.Int("data", "used", "memory") != 3072 || res.Int("data", "usage", "servers", "f") != 0 ||
		res.Len("data", "servers") != 2 || res.Int("data", "servers", 1, "id") != s2 {
		t.Fatalf("pack with two servers: %v", res)
	}

	// A third server does not fit: refused, and nothing is left behind.
	count := e.serverCount()
	res = e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupDefault, "resourcePackId": pack}).Expect(t, 422)
	if res.String("errors", 0) != "The resource pack has no server left (2 of 2 used)." {
		t.Fatalf("third server: %v", res)
	}
	if e.serverCount() != count || e.groupAlloc(groupDefault, "memory") != memBefore+3072 || e.freeIPv4(groupDefault) != freeBefore-2 {
		t.Fatal("a refused create left something behind")
	}

	// Suspend and unsuspend the pack: every server follows.
	e.c.Do("POST", fmt.Sprintf("/selfService/resourcePackServers/%d/suspend", pack), nil).Expect(t, 204)
	for _, id := range []int64{s1, s2} {
		if e.getServer(id).Get("data", "suspended") != true {
			t.Fatalf("server %d not suspended", id)
		}
	}
	if e.pack(pack, "?withServers=true").Get("data", "servers", 0, "suspended") != true {
		t.Fatal("the pack's server list does not show the suspension")
	}
	e.c.Do("POST", fmt.Sprintf("/selfService/resourcePackServers/%d/unsuspend", pack), nil).Expect(t, 204)
	for _, id := range []int64{s1, s2} {
		if e.getServer(id).Get("data", "suspended") != false {
			t.Fatalf("server %d still suspended", id)
		}
	}

	// Delete the pack's servers in 10 minutes: there until then, gone after, resources back.
	e.c.Do("DELETE", fmt.Sprintf("/selfService/resourcePackServers/%d?delay=10", pack), nil).Expect(t, 204)
	e.c.Do("DELETE", fmt.Sprintf("/selfService/resourcePack/%d", pack), nil).Expect(t, 422)
	e.advance(10 * time.Minute)
	e.getServer(s1).Expect(t, 200)
	e.getServer(s2).Expect(t, 200)
	e.advance(deleteSeconds * time.Second)
	e.getServer(s1).Expect(t, 404)
	e.getServer(s2).Expect(t, 404)
	res = e.pack(pack, "?withServers=true")
	if res.Int("data", "used", "servers") != 0 || res.Int("data", "used", "memory") != 0 || res.Len("data", "servers") != 0 || res.Int("data", "usage", "memory", "f") != 4096 {
		t.Fatalf("pack after its servers went: %v", res)
	}
	if e.groupAlloc(groupDefault, "memory") != memBefore || e.freeIPv4(groupDefault) != freeBefore {
		t.Fatal("resources not given back")
	}
	// Free again: a server fits, and an empty pack can be deleted.
	s3 := e.server(user, pkgL, groupDefault, "resourcePackId", pack)
	e.c.Do("DELETE", fmt.Sprintf("/servers/%d?delay=0", s3), nil).Expect(t, 204)
	e.advance(deleteSeconds * time.Second)
	e.c.Do("DELETE", fmt.Sprintf("/selfService/resourcePack/%d", pack), nil).Expect(t, 204)
	e.c.Do("GET", fmt.Sprintf("/selfService/resourcePack/%d", pack), nil).Expect(t, 404)
}

// TestResourcePackRefusals: servers that do not fit a pack are refused with every reason, and
// nothing is left behind; a dry run is refused the same way.
func TestResourcePackRefusals(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	e.user(2)
	small, two, theirs := e.givePack(1, packOne), e.givePack(1, packTwo), e.givePack(2, packTwo)
	e.server(user, pkgS, groupDefault, "resourcePackId", two) // 1024 MB, 25 GB, 1 core, 1000 GB of 4096, 250, 4, 4000
	memBefore, freeBefore, count := e.groupAlloc(groupDefault, "memory"), e.freeIPv4(groupDefault), e.serverCount()
	create := func(pkg int, pack int64, extra ...any) map[string]any {
		b := map[string]any{"packageId": pkg, "userId": user, "hypervisorId": groupDefault, "resourcePackId": pack}
		for i := 0; i+1 < len(extra); i += 2 {
			b[extra[i].(string)] = extra[i+1]
		}
		return b
	}
	e.cases(t, []ssCase{
		{"another user's pack", "POST", "/servers", create(pkgS, theirs), 422, "The selected resource pack id is invalid."},
		{"unknown pack", "POST", "/servers", create(pkgS, 99), 422, "The selected resource pack id is invalid."},
		{"word for a pack", "POST", "/servers", create(pkgS, 0, "resourcePackId", "x"), 422, "The resource pack id field must be an integer."},
		{"over the per-server memory", "POST", "/servers", create(pkgL, small), 422, "The server's memory (4096 MB) is over the resource pack's limit of 2048 MB per server."},
		{"over the pack's memory left", "POST", "/servers", create(pkgL, two), 422, "The resource pack has 3072 MB of memory left; the server needs 4096 MB."},
		{"over the per-server storage", "POST", "/servers", create(pkgS, two, "storage", 210), 422, "The server's storage (210 GB) is over the resource pack's limit of 200 GB per server."},
		{"over the pack's cpu left", "POST", "/servers", create(pkgS, two, "cpuCores", 4), 422, "The resource pack has 3 cores of cpu left; the server needs 4 cores."},
		{"unmetered traffic", "POST", "/servers", create(pkgWindows, two, "memory", 1024, "cpuCores", 1, "storage", 50), 422, "The server's traffic is unmetered"},
		{"too much traffic", "POST", "/servers", create(pkgS, two, "traffic", 3500), 422, "The resource pack has 3000 GB of traffic left; the server needs 3500 GB."},
		{"dry run refused alike", "POST", "/servers?dryRun=true", create(pkgL, two), 422, "of memory left"},
		{"dry run that fits", "POST", "/servers?dryRun=true", create(pkgS, two), 200, `"state":"allocated"`},
		{"null pack is no pack", "POST", "/servers?dryRun=true", create(pkgL, 0, "resourcePackId", nil), 200, `"state":"allocated"`},
	})
	res := e.c.Do("POST", "/servers", create(pkgS, two, "storage", 210, "cpuCores", 4)).Expect(t, 422)
	if res.Len("errors") != 2 {
		t.Fatalf("want both reasons: %v", res)
	}
	if e.serverCount() != count || e.groupAlloc(groupDefault, "memory") != memBefore || e.freeIPv4(groupDefault) != freeBefore {
		t.Fatal("a refused create left something behind")
	}
	if e.pack(two, "").Int("data", "used", "servers") != 1 || e.pack(theirs, "").Int("data", "used", "servers") != 0 {
		t.Fatal("a refused create changed a pack")
	}
}

func TestListCurrencies(t *testing.T) {
	e := newEnv(t)
	e.cases(t, []ssCase{
		{"list", "GET", "/selfService/currencies", nil, 200, `{"id":1,"code":"USD","value":"0.0100000000","prefix":"$","suffix":null,"default":true,"enabled":true}`},
		{"PHP empty array body", "GET", "/selfService/currencies", "[]", 200, `"code":"GBP"`},
	})
	res := e.c.Do("GET", "/selfService/currencies", nil)
	if res.Len("data") != 3 || res.String("data", 1, "code") != "EUR" || res.String("data", 1, "prefix") != "€" || res.Get("data", 2, "default") != false {
		t.Fatalf("currencies: %v", res)
	}
}

func TestGetHourlyStats(t *testing.T) {
	e := newEnv(t)
	e.user(1)
	p := "/selfService/hourlyStats/byUserExtRelationId/1"
	e.cases(t, []ssCase{
		{"this month", "GET", p, nil, 200, `"periodId":0,"period":"January 2025","previousPeriod":"December 2024","nextPeriod":"February 2025","monthlyTotal":{"hours":0,"value":"0.00","tokens":false}`},
		{"another month", "GET", p + "?period[]=2024-11-05&range=m", nil, 200, `"periodId":2,"period":"November 2024"`},
		{"period without brackets", "GET", p + "?period=2025-02-01", nil, 200, `"periodId":-1,"period":"February 2025"`},
		{"currency", "GET", p, nil, 200, `"currency":{"code":"USD","prefix":"$","suffix":"","value":0.01,"currentValue":0}`},
		{"bad date", "GET", p + "?period[]=2025-13-01", nil, 422, "The period.0 field must be a valid date."},
		{"not a date", "GET", p + "?period[]=January", nil, 422, "The period.0 field format is invalid."},
		{"other range", "GET", p + "?range=w", nil, 422, "The selected range is invalid."},
		{"unknown user", "GET", "/selfService/hourlyStats/byUserExtRelationId/2", nil, 404, "ext_relation_id not found"},
	})
}

func TestGetUserUsage(t *testing.T) {
	e := newEnv(t)
	e.user(1)
	p := "/selfService/usage/byUserExtRelationId/1"
	e.cases(t, []ssCase{
		{"this month", "GET", p, nil, 200, `"period":"2025-01-01","range":"month","start":"2025-01-01T00:00:00+00:00","end":"2025-01-31T23:59:59+00:00","timezone":"UTC","currentPeriod":true,"hoursInMonthPeriod":744,"monthToHourRate":730,"monthToHourRateType":1,"days":31,"hours":744,"minutes":44640,"seconds":2678400`},
		{"user", "GET", p, nil, 200, `"user":{"id":2,"relationalId":1,"currency":null,"timezone":"Europe/London","name":"Customer 1","email":"c1@example.com"}`},
		{"weeks", "GET", p + "?period[]=2025-01-06&period[]=2025-01-20&range=w", nil, 200, `"period":"2025-01-20","range":"week","start":"2025-01-20T00:00:00+00:00","end":"2025-01-26T23:59:59+00:00","timezone":"UTC","currentPeriod":true,"hoursInMonthPeriod":744,"monthToHourRate":730,"monthToHourRateType":1,"days":7,"hours":168`},
		{"a day", "GET", p + "?period=2025-01-19&range=d", nil, 200, `"currentPeriod":false,"hoursInMonthPeriod":744,"monthToHourRate":730,"monthToHourRateType":1,"days":1,"hours":24`},
		{"bad range", "GET", p + "?range=y", nil, 422, "The selected range is invalid."},
		{"bad date", "GET", p + "?period[]=2025-02-30", nil, 422, "The period.0 field must be a valid date."},
		{"too many periods", "GET", p + "?" + strings.Repeat("period[]=2025-01-01&", 37), nil, 422, "The period field must not have more than 36 items."},
		{"unknown user", "GET", "/selfService/usage/byUserExtRelationId/2", nil, 404, "ext_relation_id not found"},
	})
	if n := e.usage(1, "?period[]=2025-01-06&period[]=2025-01-20&range=w").Len("data", "periods"); n != 2 {
		t.Fatalf("%d periods, want 2", n)
	}
}

func TestGenerateReport(t *testing.T) {
	e := newEnv(t)
	e.user(1)
	p := "/selfService/report/byUserExtRelationId/1"
	e.cases(t, []ssCase{
		{"nothing used", "GET", p, nil, 200, `"serversTotal":{"hours":false,"value":false,"tokens":false},"hourConversionRate":false,"monthlyTotal":{"hours":false,"value":false,"tokens":false},"addonsTotal":{"hours":0,"value":0,"tokens":false},"taxStatus":3,"success":false,"history":"0","breakdown":true,"term":"January 2025","previousTerm":"December 2024","nextTerm":"February 2025","period":{"ymd":"2025-01-01","start":"2025-01-01T00:00:00+00:00","end":"2025-01-31T00:00:00+00:00"}`},
		{"months back", "GET", p + "?period=3", nil, 200, `"history":"3","breakdown":true,"term":"October 2024"`},
		{"currency", "GET", p + "?currency=gbp", nil, 200, `"currency":{"prefix":"£","suffix":"","code":"GBP","currentValue":0,"value":0.0079,"default":{"prefix":"$","suffix":"","code":"USD"}}`},
		{"limits", "GET", p, nil, 200, `"limits":{"success":true,"packs":[]}`},
		{"unknown currency", "GET", p + "?currency=XYZ", nil, 422, "The selected currency is invalid."},
		{"not a currency code", "GET", p + "?currency=dollars", nil, 422, "The currency field format is invalid."},
		{"period out of range", "GET", p + "?period=25", nil, 422, "The period field must not be greater than 24."},
		{"unknown user", "GET", "/selfService/report/byUserExtRelationId/2", nil, 404, "ext_relation_id not found"},
	})
}

// TestCreditBalance: credit added and cancelled moves the balance in the hourly statistics
// and the report, in every currency.
func TestCreditBalance(t *testing.T) {
	e := newEnv(t)
	e.user(1)
	add := func(tokens any) int64 {
		return e.c.Do("POST", "/selfService/credit/byUserExtRelationId/1", map[string]any{"tokens": tokens}).Expect(t, 201).Int("data", "id")
	}
	check := func(tokens, usd, eur string) {
		t.Helper()
		hs := e.hourlyStats(1)
		if num(hs, "data", "credit", "value") != tokens || num(hs, "data", "currency", "currentValue") != usd {
			t.Fatalf("hourly stats: credit %v, currency %v; want %s tokens, %s USD", hs.Get("data", "credit"), hs.Get("data", "currency"), tokens, usd)
		}
		if got := num(e.report(1, ""), "data", "currency", "currentValue"); got != usd {
			t.Fatalf("report: %s USD, want %s", got, usd)
		}
		if got := num(e.report(1, "?currency=EUR"), "data", "currency", "currentValue"); got != eur {
			t.Fatalf("report: %s EUR, want %s", got, eur)
		}
	}
	check("0", "0", "0")
	first := add(100)
	check("100", "1", "0.92")
	add("250.5")
	check("350.5", "3.51", "3.22")
	e.c.Do("DELETE", fmt.Sprintf("/selfService/credit/%d", first), nil).Expect(t, 204)
	check("250.5", "2.51", "2.3")
}

// TestUsageGrowsWithTheClock: the hours of a user's servers grow with virtual time, the same
// in the hourly statistics, the usage and the report; a deleted server keeps its hours; servers
// in a resource pack are not billed by the hour.
func TestUsageGrowsWithTheClock(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	e.hourlyProfile(1)
	srv := e.server(user, pkgS, groupDefault) // 0.75 tokens an hour
	e.server(user, pkgS, groupDefault, "resourcePackId", e.givePack(1, packThree))
	e.server(e.user(2), pkgM, groupDefault) // someone else's

	// hours, tokens, USD value, the same in all three answers.
	check := func(hours int64, tokens, value string) {
		t.Helper()
		hs := e.hourlyStats(1)
		if hs.Int("data", "monthlyTotal", "hours") != hours || num(hs, "data", "monthlyTotal", "tokens") != tokens ||
			hs.String("data", "monthlyTotal", "value") != value || hs.Int("data", "servers") != 1 {
			t.Fatalf("hourly stats %v, want %d h, %s tokens, %s", hs.Get("data"), hours, tokens, value)
		}
		u := e.usage(1, "")
		if u.Int("data", "usageServersBillable", "hours") != hours || num(u, "data", "usageServersBillable", "tokenReal") != tokens ||
			u.Int("data", "periods", 0, "servers", 0, "hours") != hours || u.Int("data", "periods", 0, "servers", 0, "id") != srv ||
			u.Len("data", "periods", 0, "servers") != 1 {
			t.Fatalf("usage %v, want %d h, %s tokens", u.Get("data"), hours, tokens)
		}
		r := e.report(1, "")
		if r.Int("data", "usage", "serversTotal", "hours") != hours || num(r, "data", "usage", "serversTotal", "tokens") != tokens ||
			r.String("data", "usage", "monthlyTotal", "value") != value || r.Get("data", "usage", "success") != true ||
			r.String("data", "usage", "servers", 0, "value") != value || r.Len("data", "usage", "servers") != 1 {
			t.Fatalf("report %v, want %d h, %s tokens, %s", r.Get("data", "usage"), hours, tokens, value)
		}
	}
	check(0, "0", "0.00")
	e.advance(90 * time.Minute)
	check(2, "1.5", "0.02")
	if r := e.report(1, "?currency=EUR"); r.String("data", "usage", "serversTotal", "value") != "0.01" {
		t.Fatalf("EUR value: %v", r.Get("data", "usage", "serversTotal"))
	}
	e.advance(10 * time.Hour)
	check(12, "9", "0.09")

	// Deleted: the hours it lived stay, and stop growing.
	e.c.Do("DELETE", fmt.Sprintf("/servers/%d?delay=0", srv), nil).Expect(t, 204)
	e.advance(time.Hour)
	check(12, "9", "0.09")
	if e.usage(1, "").Get("data", "periods", 0, "servers", 0, "deleted") == nil {
		t.Fatal("deleted server without its deletion time")
	}
	// Last month had nothing; next month it is gone.
	if r := e.report(1, "?period=1"); r.Get("data", "usage", "success") != false || r.String("data", "usage", "term") != "December 2024" {
		t.Fatalf("last month: %v", r.Get("data", "usage"))
	}
	e.advance(15 * 24 * time.Hour)
	if hs := e.hourlyStats(1); hs.String("data", "period") != "February 2025" || hs.Int("data", "servers") != 0 || hs.Get("data", "monthlyTotal", "tokens") != false {
		t.Fatalf("February: %v", hs.Get("data"))
	}
	if r := e.report(1, "?period=1"); r.Int("data", "usage", "serversTotal", "hours") != 12 || r.String("data", "usage", "term") != "January 2025" {
		t.Fatalf("January from February: %v", r.Get("data", "usage"))
	}
	if u := e.usage(1, "?period[]=2025-01-01"); u.Int("data", "usageServers", "hours") != 12 || u.Get("data", "periods", 0, "currentPeriod") != false {
		t.Fatalf("January usage from February: %v", u.Get("data"))
	}
}

// TestUsageMonthlyCap: a server that lives a whole month is billed monthToHourRate hours.
func TestUsageMonthlyCap(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	e.hourlyProfile(1)
	e.server(user, pkgM, groupDefault) // 1.5 tokens an hour
	e.advance(72 * 24 * time.Hour)     // into April
	u := e.usage(1, "?period[]=2025-03-01")
	if u.Int("data", "usageServers", "hours") != 744 || u.Int("data", "usageServersBillable", "hours") != 730 ||
		num(u, "data", "usageServers", "token") != "1116" || num(u, "data", "usageServersBillable", "token") != "1095" {
		t.Fatalf("March: %v", u.Get("data"))
	}
	if r := e.report(1, "?period=1"); r.Int("data", "usage", "serversTotal", "hours") != 730 || r.String("data", "usage", "serversTotal", "value") != "10.95" {
		t.Fatalf("March report: %v", r.Get("data", "usage", "serversTotal"))
	}
}

// TestReportLimits: the report lists the user's enabled packs with what their servers use.
func TestReportLimits(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	pack := e.givePack(1, packTwo)
	e.givePack(1, packOne)
	e.c.Do("PUT", "/selfService/resourcePack/2", map[string]any{"enabled": false}).Expect(t, 204)
	e.server(user, pkgM, groupDefault, "resourcePackId", pack)
	r := e.report(1, "")
	if r.Len("data", "limits", "packs") != 1 || r.Int("data", "limits", "packs", 0, "id") != pack || r.Int("data", "limits", "packs", 0, "used", "memory") != 2048 {
		t.Fatalf("limits: %v", r.Get("data", "limits"))
	}
	if r.Get("data", "usage", "success") != false {
		t.Fatal("a pack server is billed by the hour")
	}
}
