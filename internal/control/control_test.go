package control_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

func TestHealthAndAuth(t *testing.T) {
	s := simtest.New(t)
	anon := s.Client("virtfusion", "")
	if res := anon.Control("GET", "/_sim/health", nil).Expect(t, 200); res.String("status") != "ok" {
		t.Fatalf("health: %v", res)
	}
	anon.Control("GET", "/_sim/clock", nil).Expect(t, 401)
	s.Client("virtfusion", "unknown").Control("GET", "/_sim/clock", nil).Expect(t, 401)
	// Also under the API's base path, for clients that only know the API URL.
	c := s.Client("virtfusion", simtest.DefaultToken)
	c.Do("GET", "/_sim/clock", nil, "X-Panelsim-Token", simtest.DefaultToken).Expect(t, 200)
}

func TestClock(t *testing.T) {
	s := simtest.New(t)
	c := s.Client("virtfusion", simtest.DefaultToken)
	res := c.Control("GET", "/_sim/clock", nil).Expect(t, 200)
	if res.String("now") != "2025-01-20T12:00:00Z" || res.String("mode") != "manual" || res.Int("pendingTasks") != 0 || res.Get("nextDue") != nil {
		t.Fatalf("fresh clock: %v", res)
	}
	res = c.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 90, "minutes": 1}).Expect(t, 200)
	if res.String("now") != "2025-01-20T12:02:30Z" || res.Int("tasksRun") != 0 {
		t.Fatalf("after advance: %v", res)
	}
	res = c.Control("POST", "/_sim/clock/advance", map[string]any{"to": "2025-01-20T13:00:00Z"}).Expect(t, 200)
	if res.String("now") != "2025-01-20T13:00:00Z" {
		t.Fatalf("advance to: %v", res)
	}
	// curl -d sends a form content type; the body is read as JSON all the same.
	res = c.Control("POST", "/_sim/clock/advance", `{"seconds":60}`, "Content-Type", "application/x-www-form-urlencoded").Expect(t, 200)
	if res.String("now") != "2025-01-20T13:01:00Z" {
		t.Fatalf("advance with a form content type: %v", res)
	}
	c.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": -1}).Expect(t, 400)
	c.Control("POST", "/_sim/clock/advance", map[string]any{"to": "2025-01-01T00:00:00Z"}).Expect(t, 400)
	c.Control("POST", "/_sim/clock/advance", "{not json").Expect(t, 400)

	// Tasks show as pending and run, in order, when the clock passes them.
	u := c.Do("POST", "/users", map[string]any{"name": "A", "email": "a@example.com"}).Expect(t, 201).Int("data", "id")
	id := c.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": u, "hypervisorId": 1}).Expect(t, 201).Int("data", "id")
	c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": 1}).Expect(t, 200)
	res = c.Control("GET", "/_sim/clock", nil)
	if res.Int("pendingTasks") != 1 || res.String("nextDue") != "2025-01-20T13:01:10Z" {
		t.Fatalf("clock with a build pending: %v", res)
	}
	res = c.Control("POST", "/_sim/clock/advance", map[string]any{"hours": 1}).Expect(t, 200)
	if res.Int("tasksRun") != 11 || res.Int("pendingTasks") != 0 {
		t.Fatalf("advance over a build: %v", res)
	}
	built := c.Do("GET", fmt.Sprintf("/servers/%d", id), nil).String("data", "built")
	if built != "2025-01-20T13:02:50+00:00" {
		t.Fatalf("built at %s: the last step should run at its own due time", built)
	}
}

func TestResetAndSnapshots(t *testing.T) {
	s := simtest.New(t)
	c := s.Client("virtfusion", simtest.DefaultToken)
	c.Do("POST", "/users", map[string]any{"name": "A", "email": "a@example.com", "extRelationId": 1}).Expect(t, 201)
	if res := c.Control("POST", "/_sim/snapshots", map[string]any{"name": "one-user"}).Expect(t, 201); res.String("name") != "one-user" {
		t.Fatalf("snapshot: %v", res)
	}
	id := c.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": 2, "hypervisorId": 1}).Expect(t, 201).Int("data", "id")
	c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": 1}).Expect(t, 200)
	c.Control("POST", "/_sim/snapshots", map[string]any{"name": "building"}).Expect(t, 201)
	c.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 600}).Expect(t, 200)

	res := c.Control("GET", "/_sim/snapshots", nil).Expect(t, 200)
	if res.Len("snapshots") != 2 || res.String("snapshots", 0, "name") != "building" {
		t.Fatalf("snapshots: %v", res)
	}
	// Back to mid-build: the clock, the server and its pending build come back.
	c.Control("POST", "/_sim/snapshots/building/restore", nil).Expect(t, 200)
	if st := c.Do("GET", fmt.Sprintf("/servers/%d", id), nil).String("data", "state"); st != "queued" {
		t.Fatalf("restored server state %s", st)
	}
	if res := c.Control("GET", "/_sim/clock", nil); res.String("now") != "2025-01-20T12:00:00Z" || res.Int("pendingTasks") != 1 {
		t.Fatalf("restored clock: %v", res)
	}
	c.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 600}).Expect(t, 200)
	if st := c.Do("GET", fmt.Sprintf("/servers/%d", id), nil).String("data", "state"); st != "complete" {
		t.Fatalf("restored build did not complete: %s", st)
	}
	// Back to before the server.
	c.Control("POST", "/_sim/snapshots/one-user/restore", nil).Expect(t, 200)
	c.Do("GET", fmt.Sprintf("/servers/%d", id), nil).Expect(t, 404)
	c.Do("GET", "/users/1/byExtRelation", nil).Expect(t, 200)
	if got := c.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": 2, "hypervisorId": 1}).Expect(t, 201).Int("data", "id"); got != id {
		t.Fatalf("id after restore %d, want %d (counters come back too)", got, id)
	}

	c.Control("POST", "/_sim/snapshots/nope/restore", nil).Expect(t, 404)
	c.Control("POST", "/_sim/snapshots", map[string]any{}).Expect(t, 400)
	c.Control("DELETE", "/_sim/snapshots/one-user", nil).Expect(t, 204)
	c.Control("DELETE", "/_sim/snapshots/one-user", nil).Expect(t, 404)

	// Reset: back to the fixtures, clock and all.
	c.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 60}).Expect(t, 200)
	c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
	if res := c.Control("GET", "/_sim/journal", nil); res.Len("entries") != 0 {
		t.Fatalf("journal after reset: %v", res)
	}
	c.Do("GET", "/users/1/byExtRelation", nil).Expect(t, 404)
	if n := c.Do("GET", "/servers", nil).Int("total"); n != 0 {
		t.Fatalf("%d servers after reset", n)
	}
	if res := c.Control("GET", "/_sim/clock", nil); res.String("now") != "2025-01-20T12:00:00Z" {
		t.Fatalf("clock after reset: %v", res)
	}
}

func TestJournal(t *testing.T) {
	s := simtest.New(t)
	c := s.Client("virtfusion", simtest.DefaultToken)
	c.Do("GET", "/connect", nil).Expect(t, 200)
	c.Do("GET", "/servers/77", nil).Expect(t, 404)
	c.Do("POST", "/users", map[string]any{"name": "A"}).Expect(t, 422)
	s.Client("virtfusion", "stranger").Do("GET", "/connect", nil).Expect(t, 401)

	res := c.Control("GET", "/_sim/journal", nil).Expect(t, 200)
	if res.Len("entries") != 3 {
		t.Fatalf("journal: %v", res)
	}
	e := func(i int, k string) any { return res.Get("entries", i, k) }
	if e(0, "operation") != "testConnection" || e(1, "path") != "/api/v1/servers/77" || res.Int("entries", 2, "status") != 422 || e(2, "method") != "POST" {
		t.Fatalf("entries: %v", res)
	}
	for _, f := range []struct {
		query string
		n     int
	}{{"method=post", 1}, {"path=/servers", 1}, {"status=404", 1}, {"limit=2", 2}, {"status=500", 0}} {
		if n := c.Control("GET", "/_sim/journal?"+f.query, nil).Expect(t, 200).Len("entries"); n != f.n {
			t.Errorf("journal?%s: %d entries, want %d", f.query, n, f.n)
		}
	}
	c.Control("GET", "/_sim/journal?status=abc", nil).Expect(t, 400)
	c.Control("DELETE", "/_sim/journal", nil).Expect(t, 204)
	if n := c.Control("GET", "/_sim/journal", nil).Len("entries"); n != 0 {
		t.Fatalf("journal after clear: %d", n)
	}
}

func TestWorldsNeedAdmin(t *testing.T) {
	s := simtest.New(t, simtest.WithAdminToken("root"), simtest.WithTokens("ci-1"))
	s.Client("virtfusion", "ci-1").Control("GET", "/_sim/worlds", nil).Expect(t, 403)
	res := s.Client("virtfusion", "root").Control("GET", "/_sim/worlds", nil).Expect(t, 200)
	if res.Len("worlds") != 2 {
		t.Fatalf("worlds: %v", res)
	}
}

// TestRealClock: with a real clock, time passes by itself (here an injected wall clock, so
// the test does not wait) and tasks complete once it has passed.
func TestRealClock(t *testing.T) {
	var wall atomic.Int64
	wall.Store(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC).UnixNano())
	s := simtest.New(t, simtest.WithRealClock(2), simtest.WithOptions(func(o *sim.Options) {
		o.Wall = func() time.Time { return time.Unix(0, wall.Load()) }
	}))
	c := s.Client("virtfusion", simtest.DefaultToken)
	if now := c.Control("GET", "/_sim/clock", nil).String("now"); now != "2026-05-01T09:00:00Z" {
		t.Fatalf("a real clock starts at the wall clock's time, got %s", now)
	}
	u := c.Do("POST", "/users", map[string]any{"name": "A", "email": "a@example.com"}).Expect(t, 201).Int("data", "id")
	id := c.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": u, "hypervisorId": 1}).Expect(t, 201).Int("data", "id")
	c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": 1}).Expect(t, 200)
	wall.Add(int64(50 * time.Second)) // 100 virtual seconds at scale 2
	if st := c.Do("GET", fmt.Sprintf("/servers/%d", id), nil).String("data", "state"); st != "queued" {
		t.Fatalf("build done early: %s", st)
	}
	wall.Add(int64(5 * time.Second))
	if st := c.Do("GET", fmt.Sprintf("/servers/%d", id), nil).String("data", "state"); st != "complete" {
		t.Fatalf("build not done once its time has passed: %s", st)
	}
	if now := c.Control("GET", "/_sim/clock", nil).String("now"); now != "2026-05-01T09:01:50Z" {
		t.Fatalf("virtual time %s, want 110 s on", now)
	}
}
