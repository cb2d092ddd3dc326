package virtfusion_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// TestShippedScenarios exercises every scenario of fixtures/scenarios/virtfusion.
func TestShippedScenarios(t *testing.T) {
	var slept []time.Duration
	e := newEnv(t, simtest.WithTokens("other"), simtest.WithSleeps(&slept))
	user := e.user(1)
	create := map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupDefault}

	t.Run("flaky-create", func(t *testing.T) {
		e.c.Activate(t, "virtfusion/flaky-create")
		res := e.c.Do("POST", "/servers", create).Expect(t, 500)
		if res.String("message") != "Server Error" {
			t.Fatalf("500 body: %v", res)
		}
		e.c.Do("POST", "/servers", create).Expect(t, 201)
		j := e.c.Control("GET", "/_sim/journal?status=500", nil)
		if j.String("entries", 0, "rule") != "virtfusion/flaky-create#1" {
			t.Fatalf("journal: %v", j)
		}
		e.c.Deactivate(t, "virtfusion/flaky-create")
	})

	t.Run("build-fails", func(t *testing.T) {
		id := e.server(user, pkgS, groupDefault)
		e.c.Activate(t, "virtfusion/build-fails")
		e.c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
		e.advance(buildSeconds * time.Second)
		res := e.getServer(id)
		if res.String("data", "state") != "failed" || res.Get("data", "buildFailed") != true || res.Int("data", "commissionStatus") != 2 || res.Get("data", "tasks", "active") != false {
			t.Fatalf("failed build: %v", res)
		}
		q := e.c.Do("GET", fmt.Sprintf("/queue/%d", lastQueue(e, id)), nil)
		if q.Get("data", "failed") != true || q.Get("data", "finished") == nil || !strings.Contains(q.String("data", "errors", "exception", "message"), "OS disk") {
			t.Fatalf("failed queue item: %v", q)
		}
		e.c.Do("POST", fmt.Sprintf("/servers/%d/power/boot", id), nil).Expect(t, 423)
		// Only the next build: a rebuild works.
		e.c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
		e.advance(buildSeconds * time.Second)
		if st := e.getServer(id).String("data", "state"); st != "complete" {
			t.Fatalf("rebuild after a failed build: %s", st)
		}
		e.c.Deactivate(t, "virtfusion/build-fails")
	})

	t.Run("rate-limited", func(t *testing.T) {
		e.c.Activate(t, "virtfusion/rate-limited")
		res := e.c.Do("GET", "/packages", nil).Expect(t, 429)
		if res.Header.Get("Retry-After") != "30" {
			t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
		}
		e.s.Client("virtfusion", "other").Do("GET", "/packages", nil).Expect(t, 200)
		e.c.Deactivate(t, "virtfusion/rate-limited")
		e.c.Do("GET", "/packages", nil).Expect(t, 200)
	})

	t.Run("hypervisor-full", func(t *testing.T) {
		e.c.Activate(t, "virtfusion/hypervisor-full")
		res := e.c.Do("POST", "/servers", create).Expect(t, 422)
		if !strings.Contains(res.String("errors", 0), "No hypervisor") {
			t.Fatalf("refusal: %v", res)
		}
		// Whichever group a create names is full.
		e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupLondon}).Expect(t, 422)
		e.c.Deactivate(t, "virtfusion/hypervisor-full")
		e.c.Do("POST", "/servers", create).Expect(t, 201)
		e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupLondon}).Expect(t, 201)
	})

	t.Run("slow-api", func(t *testing.T) {
		slept = nil
		e.c.Activate(t, "virtfusion/slow-api")
		e.c.Do("GET", "/packages", nil).Expect(t, 200)
		e.c.Deactivate(t, "virtfusion/slow-api")
		e.c.Do("GET", "/packages", nil).Expect(t, 200)
		if len(slept) != 1 || slept[0] < 1800*time.Millisecond || slept[0] > 2200*time.Millisecond {
			t.Fatalf("latencies %v", slept)
		}
	})

	t.Run("token-revoked", func(t *testing.T) {
		e.c.Activate(t, "virtfusion/token-revoked")
		res := e.c.Do("GET", "/connect", nil).Expect(t, 401)
		if len(res.Body) != 0 {
			t.Fatalf("401 with a body: %s", res.Body)
		}
		e.c.Deactivate(t, "virtfusion/token-revoked") // the control API still takes the token
		e.c.Do("GET", "/connect", nil).Expect(t, 200)
	})

	t.Run("maintenance", func(t *testing.T) {
		id := e.built(user)
		e.c.Activate(t, "virtfusion/maintenance")
		res := e.c.Do("POST", fmt.Sprintf("/servers/%d/power/restart", id), nil).Expect(t, 503)
		if res.String("msg") == "" || e.getServer(id).Get("data", "hypervisor", "maintenance") != true {
			t.Fatalf("maintenance: %v", res)
		}
		e.c.Deactivate(t, "virtfusion/maintenance")
		e.c.Do("POST", fmt.Sprintf("/servers/%d/power/restart", id), nil).Expect(t, 200)
		e.advance(time.Minute)
	})

	t.Run("server-vanished", func(t *testing.T) {
		id := e.built(user)
		mem := e.groupAlloc(groupDefault, "memory")
		e.c.Activate(t, "virtfusion/server-vanished")
		e.c.Do("GET", "/packages", nil).Expect(t, 200) // not a call on a server
		res := e.getServer(id).Expect(t, 404)
		if res.String("msg") != "server not found" {
			t.Fatalf("404 body: %v", res)
		}
		if got := e.groupAlloc(groupDefault, "memory"); got != mem-1024 {
			t.Fatalf("memory after the server vanished: %d, want %d", got, mem-1024)
		}
		other := e.built(user) // times: 1
		e.getServer(other).Expect(t, 200)
		e.c.Deactivate(t, "virtfusion/server-vanished")
	})
}

func TestIPBlockExhaustedFault(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	e.c.Control("POST", "/_sim/scenarios", "name: virtfusion/no-addresses\ndescription: Block 2 is out of addresses.\nrules:\n  - match: {operation: createServer}\n    action: {fault: ipblock-exhausted, params: {blockId: 2}}\n").Expect(t, 201)
	e.c.Activate(t, "virtfusion/no-addresses")
	e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupLondon}).Expect(t, 422)
	if free := e.c.Do("GET", "/connectivity/ipblocks/2", nil).Int("data", "ipv4", "freeTotal"); free != 0 {
		t.Fatalf("exhausted block shows %d free", free)
	}
	e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupDefault}).Expect(t, 201)
	e.c.Deactivate(t, "virtfusion/no-addresses")
	e.c.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": user, "hypervisorId": groupLondon}).Expect(t, 201)
}

// lastQueue is the id of the newest queue item of a server.
func lastQueue(e *env, server int64) int64 {
	var last int64
	for id := int64(1); ; id++ {
		res := e.c.Do("GET", fmt.Sprintf("/queue/%d", id), nil)
		if res.Status == 404 {
			return last
		}
		if res.Int("data", "serverId") == server {
			last = id
		}
	}
}
