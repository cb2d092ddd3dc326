package virtfusion_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestCatalog: hypervisors, groups, packages and templates as the fixtures define them.
func TestCatalog(t *testing.T) {
	e := newEnv(t)
	c := e.c
	c.Do("GET", "/connect", nil).Expect(t, 200)
	if strings.TrimSpace(string(c.Do("GET", "/connect", nil).Body)) != "[]" {
		t.Fatal("test connection does not answer []")
	}

	res := c.Do("GET", "/compute/hypervisors", nil).Expect(t, 200)
	if res.Int("total") != 3 || res.Len("data") != 3 || res.String("data", 0, "name") != "vf-hv1" || res.Len("data", 0, "storage") != 0 {
		t.Fatalf("hypervisors: %v", res)
	}
	res = c.Do("GET", "/compute/hypervisors/3", nil).Expect(t, 200)
	if res.Int("data", "group", "id") != groupLondon || res.Int("data", "maxMemory") != 131072 || res.Get("data", "storage") != nil {
		t.Fatalf("hypervisor 3: %v", res)
	}
	res = c.Do("GET", "/compute/hypervisors/groups", nil).Expect(t, 200)
	if res.Int("total") != 2 || res.Get("data", 0, "default") != true {
		t.Fatalf("groups: %v", res)
	}
	c.Do("GET", "/compute/hypervisors/groups/2", nil).Expect(t, 200)
	c.Do("GET", "/compute/hypervisors/groups/9", nil).Expect(t, 404)
	res = c.Do("GET", "/compute/hypervisors/groups/1/resources", nil).Expect(t, 200)
	if res.Len("data") != 2 || res.Int("data", 0, "resources", "memory", "max") != 65536 || res.Int("data", 0, "resources", "network", "total", "ipv4", "free") != 241 {
		t.Fatalf("group resources: %v", res)
	}
	if res.Get("data", 0, "resources", "servers", "percent") != nil {
		t.Fatal("servers percent should be null without a server limit")
	}

	res = c.Do("GET", "/packages", nil).Expect(t, 200)
	if res.Len("data") != 5 || res.Get("data", 4, "enabled") != false {
		t.Fatalf("packages: %v", res)
	}
	if res = c.Do("GET", fmt.Sprintf("/packages/%d", pkgM), nil).Expect(t, 200); res.Int("data", "memory") != 2048 {
		t.Fatalf("package: %v", res)
	}
	res = c.Do("GET", fmt.Sprintf("/media/templates/fromServerPackageSpec/%d", pkgS), nil).Expect(t, 200)
	if res.Len("data") != 3 || res.String("data", 0, "name") != "Debian" || res.Int("data", 0, "templates", 0, "id") != tmplDebian12 {
		t.Fatalf("templates of package S: %v", res)
	}
	res = c.Do("GET", fmt.Sprintf("/media/templates/fromServerPackageSpec/%d", pkgWindows), nil).Expect(t, 200)
	if res.Len("data") != 1 || res.String("data", 0, "templates", 0, "type") != "windows" {
		t.Fatalf("templates of the Windows package: %v", res)
	}
	c.Do("GET", "/media/templates/fromServerPackageSpec/99", nil).Expect(t, 404)
	id := e.server(e.user(1), pkgWindows, groupLondon)
	if res = c.Do("GET", fmt.Sprintf("/servers/%d/templates", id), nil).Expect(t, 200); res.Int("data", 0, "templates", 0, "id") != tmplWindows {
		t.Fatalf("server templates: %v", res)
	}
}

// TestPlacementAndCapacity: servers land where they fit, counters follow them, and a full
// group refuses the way the panel does.
func TestPlacementAndCapacity(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	// London has one hypervisor with 64 cores; 8-core servers fill it after 8.
	for i := 0; i < 8; i++ {
		e.server(user, pkgWindows, groupLondon)
	}
	res := e.c.Do("GET", "/compute/hypervisors/groups/2/resources", nil).Expect(t, 200)
	if res.Int("data", 0, "resources", "cpuCores", "free") != 0 || res.Int("data", 0, "resources", "servers", "allocated") != 8 {
		t.Fatalf("resources after filling: %v", res)
	}
	res = e.c.Do("POST", "/servers", map[string]any{"packageId": pkgWindows, "userId": user, "hypervisorId": groupLondon}).Expect(t, 422)
	if res.Len("errors") != 1 {
		t.Fatalf("refusal: %v", res)
	}
	// Dry run: the same answer a create would give, nothing kept.
	before := e.serverCount()
	res = e.c.Do("POST", "/servers?dryRun=true", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupDefault}).Expect(t, 200)
	if res.String("data", "state") != "allocated" {
		t.Fatalf("dry run: %v", res)
	}
	if e.serverCount() != before || e.groupAlloc(groupDefault, "memory") != 0 {
		t.Fatal("dry run kept something")
	}
	e.c.Do("POST", "/servers?dryRun=true", map[string]any{"packageId": pkgWindows, "userId": user, "hypervisorId": groupLondon}).Expect(t, 422)
	// The default group spreads servers over its two hypervisors by free memory.
	a := e.getServer(e.server(user, pkgS, groupDefault)).Int("data", "hypervisorId")
	b := e.getServer(e.server(user, pkgS, groupDefault)).Int("data", "hypervisorId")
	if a == b {
		t.Fatalf("both servers on hypervisor %d", a)
	}
}

// TestIPv4Exhaustion: when the block runs dry, creates are refused, and a deletion gives
// the address back.
func TestIPv4Exhaustion(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	// London's block holds 111 addresses: 8 servers of 13 and one of 7 use them all.
	var last int64
	for i := 0; i < 8; i++ {
		last = e.server(user, pkgS, groupLondon, "ipv4", 13)
	}
	e.server(user, pkgS, groupLondon, "ipv4", 7)
	if free := e.freeIPv4(groupLondon); free != 0 {
		t.Fatalf("free addresses: %d", free)
	}
	e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupLondon}).Expect(t, 422)
	e.c.Do("DELETE", fmt.Sprintf("/servers/%d?delay=0", last), nil).Expect(t, 204)
	e.advance(deleteSeconds * 1e9)
	if free := e.freeIPv4(groupLondon); free != 13 {
		t.Fatalf("free addresses after delete: %d", free)
	}
	res := e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupLondon, "ipv4": 13}).Expect(t, 201)
	seen := map[string]bool{}
	for i := 0; i < 13; i++ {
		a := res.String("data", "network", "interfaces", 0, "ipv4", i, "address")
		if seen[a] || a == "" {
			t.Fatalf("address %q handed out twice or missing", a)
		}
		seen[a] = true
	}
}

// TestListServers: Laravel's paginator with results and page, both item shapes, filters.
func TestListServers(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	other := e.user(2)
	var ids []int64
	for i := 0; i < 5; i++ {
		ids = append(ids, e.server(user, pkgS, groupDefault))
	}
	london := e.server(other, pkgS, groupLondon)

	res := e.c.Do("GET", "/servers?results=2&page=2", nil).Expect(t, 200)
	if res.Int("total") != 6 || res.Int("per_page") != 2 || res.Int("current_page") != 2 || res.Int("last_page") != 3 ||
		res.Int("from") != 3 || res.Int("to") != 4 || res.Int("data", 0, "id") != ids[2] {
		t.Fatalf("page 2: %v", res)
	}
	if got := res.String("next_page_url"); got != e.c.Base+"/servers?results=2&page=3" {
		t.Fatalf("next_page_url %q", got)
	}
	if res.Len("links") != 5 || res.Get("links", 2, "active") != true || res.String("links", 0, "label") != "&laquo; Previous" {
		t.Fatalf("links: %v", res.Get("links"))
	}
	res = e.c.Do("GET", "/servers?results=2&page=9", nil).Expect(t, 200)
	if res.Len("data") != 0 || res.Get("from") != nil || res.Get("to") != nil {
		t.Fatalf("page past the end: %v", res)
	}
	res = e.c.Do("GET", "/servers?type=full&results=1", nil).Expect(t, 200)
	if res.Get("data", 0, "hypervisor", "resources") == nil || res.String("first_page_url") != e.c.Base+"/servers?results=1&page=1" {
		t.Fatalf("full list: %v", res)
	}
	hv := e.getServer(london).Int("data", "hypervisorId")
	res = e.c.Do("GET", fmt.Sprintf("/servers?hypervisorId=%d", hv), nil).Expect(t, 200)
	if res.Int("total") != 1 || res.Int("data", 0, "id") != london {
		t.Fatalf("filtered by hypervisor: %v", res)
	}
	res = e.c.Do("GET", "/servers?hypervisorId[]=1&hypervisorId[]=2&hypervisorId[]=3", nil).Expect(t, 200)
	if res.Int("total") != 6 {
		t.Fatalf("filtered by every hypervisor: %v", res)
	}
	if res = e.c.Do("GET", fmt.Sprintf("/servers/user/%d", other), nil).Expect(t, 200); res.Len("data") != 1 {
		t.Fatalf("other's servers: %v", res)
	}
	e.c.Do("GET", "/servers/user/999", nil).Expect(t, 404)
}
