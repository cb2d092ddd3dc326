package virtfusion_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// TestServerLifecycle walks what a billing module does: find or create the customer, create
// a server, build it, watch it come up, power it, suspend it, list it, rename it, delete it.
func TestServerLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.c

	c.Do("GET", "/users/4242/byExtRelation", nil).Expect(t, 404)
	user := e.user(4242)
	if got := c.Do("GET", "/users/4242/byExtRelation", nil).Expect(t, 200).Int("data", "id"); got != user {
		t.Fatalf("user by ext relation: id %d, want %d", got, user)
	}

	memBefore, freeBefore := e.groupAlloc(groupDefault, "memory"), e.freeIPv4(groupDefault)
	res := c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupDefault, "ipv4": 2}).Expect(t, 201)
	id := res.Int("data", "id")
	path := fmt.Sprintf("/servers/%d", id)
	if res.String("data", "state") != "allocated" || res.Int("data", "commissionStatus") != 0 || res.Get("data", "built") != nil {
		t.Fatalf("new server: %v", res)
	}
	if n := res.Len("data", "network", "interfaces", 0, "ipv4"); n != 2 {
		t.Fatalf("new server has %d IPv4 addresses, want 2", n)
	}
	if got := e.groupAlloc(groupDefault, "memory"); got != memBefore+1024 {
		t.Fatalf("group memory allocated %d, want %d", got, memBefore+1024)
	}
	if got := e.freeIPv4(groupDefault); got != freeBefore-2 {
		t.Fatalf("free IPv4 %d, want %d", got, freeBefore-2)
	}
	hv := res.Int("data", "hypervisorId")
	if res.Int("data", "hypervisor", "id") != hv || res.Int("data", "owner", "id") != user {
		t.Fatalf("embedded hypervisor/owner do not match: %v", res)
	}

	// Build: answered at once with the root password, then carried out on the clock.
	res = c.Do("POST", path+"/build", map[string]any{"operatingSystemId": tmplDebian12, "name": "web-1", "hostname": "web1.example.com", "ipv6": true}).Expect(t, 200)
	if res.String("data", "state") != "queued" || res.Int("data", "commissionStatus") != 1 || res.Get("data", "tasks", "active") != true {
		t.Fatalf("build answer: %v", res)
	}
	if len(res.String("data", "settings", "decryptedPassword")) != 20 {
		t.Fatalf("build answer lacks a 20-character decryptedPassword: %v", res.Get("data", "settings"))
	}
	if res.Get("data", "remoteState") != nil {
		t.Fatalf("build answer has remoteState")
	}
	if got := e.getServer(id).Get("data", "settings", "decryptedPassword"); got != nil {
		t.Fatalf("decryptedPassword shown outside the build answer: %v", got)
	}
	c.Do("POST", path+"/power/boot", nil).Expect(t, 423)

	e.advance(buildSeconds / 2 * time.Second)
	res = e.getServer(id).Expect(t, 200)
	if res.String("data", "state") != "queued" {
		t.Fatalf("half-way through the build: state %s", res.String("data", "state"))
	}
	e.advance(buildSeconds / 2 * time.Second)
	res = e.getServer(id).Expect(t, 200)
	if res.String("data", "state") != "complete" || res.Int("data", "commissionStatus") != 3 || res.Get("data", "built") == nil || res.Get("data", "tasks", "active") != false {
		t.Fatalf("after the build: %v", res)
	}
	if res.String("data", "name") != "web-1" || res.String("data", "hostname") != "web1.example.com" || res.Int("data", "settings", "osTemplateInstallId") != tmplDebian12 {
		t.Fatalf("build settings not kept: %v", res)
	}
	if res.Len("data", "network", "interfaces", 0, "ipv6") != 1 {
		t.Fatalf("ipv6 requested but no subnet after the build: %v", res.Get("data", "network", "interfaces", 0, "ipv6"))
	}
	if st := e.c.Do("GET", path+"?remoteState=true", nil).String("data", "remoteState", "state"); st != "running" {
		t.Fatalf("remote state after build: %q", st)
	}

	// Power: a queue item, a lock while it runs, a new power state once it is done.
	res = c.Do("POST", path+"/power/shutdown", "").Expect(t, 200)
	q := res.Int("data", "queueId")
	c.Do("POST", path+"/power/restart", nil).Expect(t, 423)
	res = c.Do("GET", fmt.Sprintf("/queue/%d", q), nil).Expect(t, 200)
	if res.Get("data", "finished") != nil || res.Int("data", "serverId") != id {
		t.Fatalf("queue item while running: %v", res)
	}
	e.advance(30 * time.Second)
	res = c.Do("GET", fmt.Sprintf("/queue/%d", q), nil).Expect(t, 200)
	if res.Get("data", "finished") == nil || res.Int("data", "progress") != 100 || res.Get("data", "failed") != false {
		t.Fatalf("queue item after the clock moved: %v", res)
	}
	if st := c.Do("GET", path+"?remoteState=true", nil).String("data", "remoteState", "state"); st != "shutoff" {
		t.Fatalf("remote state after shutdown: %q", st)
	}
	c.Do("POST", path+"/power/boot", nil).Expect(t, 200)
	e.advance(30 * time.Second)
	if st := c.Do("GET", path+"?remoteState=true", nil).String("data", "remoteState", "state"); st != "running" {
		t.Fatalf("remote state after boot: %q", st)
	}

	// Suspend and unsuspend.
	c.Do("POST", path+"/suspend", nil).Expect(t, 204)
	if e.getServer(id).Get("data", "suspended") != true {
		t.Fatal("suspend not shown")
	}
	c.Do("POST", path+"/power/boot", nil).Expect(t, 423)
	c.Do("POST", path+"/unsuspend", nil).Expect(t, 204)
	if e.getServer(id).Get("data", "suspended") != false {
		t.Fatal("unsuspend not shown")
	}

	// Rename, list, the user's servers.
	c.Do("PUT", path+"/modify/name", map[string]any{"name": "renamed"}).Expect(t, 201)
	res = c.Do("GET", "/servers", nil).Expect(t, 200)
	if res.Int("total") != 1 || res.String("data", 0, "name") != "renamed" || res.Int("data", 0, "commissioned") != 3 {
		t.Fatalf("list: %v", res)
	}
	res = c.Do("GET", fmt.Sprintf("/servers/user/%d", user), nil).Expect(t, 200)
	if res.Len("data") != 1 || res.Int("data", 0, "id") != id || res.Len("data", 0, "network", "interfaces", 0, "ipv4") != 2 {
		t.Fatalf("user's servers: %v", res)
	}

	// Delete with a delay: readable until the delay and the teardown are over, then gone,
	// with its resources and addresses back.
	c.Do("DELETE", path+"?delay=2", nil).Expect(t, 204)
	e.advance(2 * time.Minute)
	e.getServer(id).Expect(t, 200)
	e.advance(deleteSeconds * time.Second)
	e.getServer(id).Expect(t, 404)
	if got := e.getServer(id).String("msg"); got != "server not found" {
		t.Fatalf("404 body msg %q", got)
	}
	if got := e.groupAlloc(groupDefault, "memory"); got != memBefore {
		t.Fatalf("memory not freed: %d, want %d", got, memBefore)
	}
	if got := e.freeIPv4(groupDefault); got != freeBefore {
		t.Fatalf("addresses not freed: %d free, want %d", got, freeBefore)
	}
	if n := e.serverCount(); n != 0 {
		t.Fatalf("%d servers left", n)
	}
}

// TestDeleteDefaultDelay: without ?delay the panel waits five minutes.
func TestDeleteDefaultDelay(t *testing.T) {
	e := newEnv(t)
	id := e.server(e.user(1), pkgS, groupDefault)
	e.c.Do("DELETE", fmt.Sprintf("/servers/%d", id), nil).Expect(t, 204)
	e.advance(5*time.Minute + deleteSeconds*time.Second - time.Second)
	e.getServer(id).Expect(t, 200)
	e.advance(time.Second)
	e.getServer(id).Expect(t, 404)
}

// TestBuildQueueProgress follows the build's queue item through its actions.
func TestBuildQueueProgress(t *testing.T) {
	e := newEnv(t)
	id := e.server(e.user(1), pkgS, groupDefault)
	e.c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	// The build's queue item is the first of the world.
	q := e.c.Do("GET", "/queue/1", nil).Expect(t, 200)
	if q.String("data", "action") != "build_server" || q.Int("data", "progress") != 0 || q.Get("data", "finished") != nil {
		t.Fatalf("fresh build queue item: %v", q)
	}
	var last int64
	for i := 0; i < 11; i++ {
		e.advance(10 * time.Second)
		q = e.c.Do("GET", "/queue/1", nil).Expect(t, 200)
		if p := q.Int("data", "progress"); p <= last {
			t.Fatalf("step %d: progress %d did not grow from %d", i, p, last)
		} else {
			last = p
		}
		if q.Len("data", "primaryActions") != i+1 {
			t.Fatalf("step %d: %d actions", i, q.Len("data", "primaryActions"))
		}
	}
	if q.Get("data", "finished") == nil || last != 100 || q.String("data", "primaryActions", 10, "type") != "server.config.statistics" {
		t.Fatalf("finished build: %v", q)
	}
	e.c.Do("GET", "/queue/999", nil).Expect(t, 404)
}

// TestRebuild: building a built server queues it again and keeps its addresses.
func TestRebuild(t *testing.T) {
	e := newEnv(t)
	id := e.built(e.user(1))
	before := e.getServer(id).String("data", "network", "interfaces", 0, "ipv4", 0, "address")
	res := e.c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": 3}).Expect(t, 200)
	if res.String("data", "state") != "queued" || res.Get("data", "built") == nil {
		t.Fatalf("rebuild answer: state %s built %v", res.String("data", "state"), res.Get("data", "built"))
	}
	e.advance(buildSeconds * time.Second)
	res = e.getServer(id)
	if res.Int("data", "settings", "osTemplateInstallId") != 3 || res.String("data", "network", "interfaces", 0, "ipv4", 0, "address") != before {
		t.Fatalf("after rebuild: %v", res)
	}
}

// TestMaintenance: power actions answer 503 while the hypervisor is in maintenance, and new
// servers go elsewhere.
func TestMaintenance(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	id := e.built(user)
	hv := e.getServer(id).Int("data", "hypervisorId")
	setMaintenance(t, e.s, hv, true)
	res := e.c.Do("POST", fmt.Sprintf("/servers/%d/power/restart", id), nil).Expect(t, 503)
	if res.String("msg") == "" {
		t.Fatalf("503 without msg: %v", res)
	}
	if e.getServer(id).Get("data", "hypervisor", "maintenance") != true {
		t.Fatal("server's hypervisor does not show maintenance")
	}
	for i := 0; i < 3; i++ {
		if got := e.getServer(e.server(user, pkgS, groupDefault)).Int("data", "hypervisorId"); got == hv {
			t.Fatalf("server placed on hypervisor %d in maintenance", hv)
		}
	}
	setMaintenance(t, e.s, hv, false)
	e.c.Do("POST", fmt.Sprintf("/servers/%d/power/restart", id), nil).Expect(t, 200)
}

// TestBuildNamesServer: a build without a name gives the server a generated one in the
// panel's style (capitalised words), and keeps it.
func TestBuildNamesServer(t *testing.T) {
	e := newEnv(t)
	id := e.server(e.user(1), pkgS, groupDefault)
	res := e.c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	name := res.String("data", "name")
	words := strings.Fields(name)
	if len(words) < 2 {
		t.Fatalf("generated name %q", name)
	}
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) {
			t.Fatalf("generated name %q: %q is not capitalised", name, w)
		}
	}
	if got := e.getServer(id).String("data", "name"); got != name {
		t.Fatalf("stored name %q, answered %q", got, name)
	}
}
