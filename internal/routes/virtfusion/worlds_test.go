package virtfusion_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// TestWorldsAreIsolated: two tokens are two panels that never see each other.
func TestWorldsAreIsolated(t *testing.T) {
	s := simtest.New(t, simtest.WithTokens("tok-a", "tok-b"))
	a, b := s.Client("virtfusion", "tok-a"), s.Client("virtfusion", "tok-b")
	ua := a.Do("POST", "/users", map[string]any{"name": "A", "email": "a@example.com", "extRelationId": 7}).Expect(t, 201).Int("data", "id")
	id := a.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": ua, "hypervisorId": groupDefault}).Expect(t, 201).Int("data", "id")

	b.Do("GET", fmt.Sprintf("/servers/%d", id), nil).Expect(t, 404)
	b.Do("DELETE", fmt.Sprintf("/servers/%d?delay=0", id), nil).Expect(t, 404)
	b.Do("GET", "/users/7/byExtRelation", nil).Expect(t, 404)
	if n := b.Do("GET", "/servers", nil).Expect(t, 200).Int("total"); n != 0 {
		t.Fatalf("world b lists %d servers", n)
	}
	// The same email and relation id are free in the other world.
	b.Do("POST", "/users", map[string]any{"name": "B", "email": "a@example.com", "extRelationId": 7}).Expect(t, 201)

	// Clocks are per world too.
	a.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	b.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 3600}).Expect(t, 200)
	if st := a.Do("GET", fmt.Sprintf("/servers/%d", id), nil).String("data", "state"); st != "queued" {
		t.Fatalf("advancing world b moved world a's build: %s", st)
	}
	if j := b.Control("GET", "/_sim/journal?path=/servers", nil); j.Len("entries") != 3 {
		t.Fatalf("world b's journal: %v", j)
	}
}

// TestAnyToken: with --any-token every new token gets a fresh world of its own.
func TestAnyToken(t *testing.T) {
	s := simtest.New(t, simtest.WithAnyToken())
	one, two := s.Client("virtfusion", "ci-job-1"), s.Client("virtfusion", "ci-job-2")
	u := one.Do("POST", "/users", map[string]any{"name": "A", "email": "a@example.com"}).Expect(t, 201).Int("data", "id")
	one.Do("POST", "/servers", map[string]any{"packageId": pkgS, "userId": u, "hypervisorId": groupDefault}).Expect(t, 201)
	if n := two.Do("GET", "/servers", nil).Expect(t, 200).Int("total"); n != 0 {
		t.Fatalf("fresh world has %d servers", n)
	}
	if n := one.Do("GET", "/servers", nil).Expect(t, 200).Int("total"); n != 1 {
		t.Fatalf("first world has %d servers", n)
	}
}

// TestRestartPersistence: stop, start on the same file, everything is still there, and a
// build that was pending goes on to complete.
func TestRestartPersistence(t *testing.T) {
	e := newEnv(t, simtest.WithTokens("keep"))
	user := e.user(1)
	done := e.built(user)
	pending := e.server(user, pkgM, groupLondon)
	e.c.Do("POST", fmt.Sprintf("/servers/%d/build", pending), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	e.advance(30 * time.Second)
	before := e.getServer(done)
	clock := e.c.Control("GET", "/_sim/clock", nil).String("now")

	e.s.Restart()
	e.c = e.s.Client("virtfusion", simtest.DefaultToken)
	if got := e.c.Control("GET", "/_sim/clock", nil).String("now"); got != clock {
		t.Fatalf("clock after restart %s, want %s", got, clock)
	}
	after := e.getServer(done).Expect(t, 200)
	if string(after.Body) != string(before.Body) {
		t.Fatalf("built server changed across the restart:\n%s\n%s", before.Body, after.Body)
	}
	e.c.Do("GET", "/users/1/byExtRelation", nil).Expect(t, 200)
	e.s.Client("virtfusion", "keep").Do("GET", "/connect", nil).Expect(t, 200) // the declared token keeps its world
	if st := e.getServer(pending).String("data", "state"); st != "queued" {
		t.Fatalf("pending build after restart: %s", st)
	}
	e.advance(buildSeconds * time.Second)
	if st := e.getServer(pending).String("data", "state"); st != "complete" {
		t.Fatalf("pending build did not complete after the restart: %s", st)
	}
	// Ids go on where they were.
	if id := e.server(user, pkgS, groupDefault); id != pending+1 {
		t.Fatalf("next server id %d, want %d", id, pending+1)
	}
}
