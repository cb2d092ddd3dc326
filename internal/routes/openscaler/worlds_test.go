package openscaler_test

import (
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// TestWorldsAreIsolated: two tokens are two accounts that never see each other, with clocks
// of their own.
func TestWorldsAreIsolated(t *testing.T) {
	e := newEnv(t, simtest.WithTokens("tok-a", "tok-b"))
	a, b := e.s.Client("openscaler", "tok-a"), e.s.Client("openscaler", "tok-b")
	s, _ := e.openCreate(a, vmBody("a-vm"))
	s.next()

	b.Do("GET", "/vms/1", nil).Expect(t, 404)
	b.Do("DELETE", "/vms/1", nil).Expect(t, 404)
	b.Do("POST", "/vms/1/actions", map[string]any{"type": "power_off"}).Expect(t, 404)
	if n := b.Do("GET", "/vms?project_id=default", nil).Expect(t, 200).Len("vms"); n != 0 {
		t.Fatalf("world b lists %d VMs", n)
	}
	// Advancing b's clock does not move a's creation.
	b.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 3600}).Expect(t, 200)
	s.quiet(100 * time.Millisecond)
	if st := a.Do("GET", "/vms/1?only=state", nil).Expect(t, 200).String("state"); st != "nostate" {
		t.Fatalf("world a's VM moved with b's clock: %s", st)
	}
	// The same names and addresses are free in b.
	b.Do("POST", "/projects", map[string]any{"id": "dz"}).Expect(t, 201)
	a.Do("POST", "/projects", map[string]any{"id": "dz"}).Expect(t, 201)
	a.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": createSeconds}).Expect(t, 200)
	if ev, _ := s.final(); ev.name != "200" {
		t.Fatalf("a's stream: %s %s", ev.name, ev.data)
	}
	sb, _ := e.openCreate(b, vmBody("b-vm"))
	sb.next()
	b.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": createSeconds}).Expect(t, 200)
	ev, _ := sb.final()
	vm := ev.json(t)
	if vm["id"].(interface{ String() string }).String() != "1" || vm["network"].(map[string]any)["private_ip"] != "10.0.1.2" {
		t.Fatalf("world b's first VM: %s", ev.data)
	}
	if j := b.Control("GET", "/_sim/journal?path=/v1/vms", nil).Expect(t, 200); j.Len("entries") != 5 {
		t.Fatalf("world b's journal: %v", j)
	}
}

// TestAnyToken: every new token gets a fresh account.
func TestAnyToken(t *testing.T) {
	e := newEnv(t, simtest.WithAnyToken())
	one, two := e.s.Client("openscaler", "ci-job-1"), e.s.Client("openscaler", "ci-job-2")
	s, _ := e.openCreate(one, vmBody("x"))
	s.next()
	if n := two.Do("GET", "/vms?project_id=default", nil).Expect(t, 200).Len("vms"); n != 0 {
		t.Fatalf("fresh world has %d VMs", n)
	}
	if n := one.Do("GET", "/vms?project_id=default", nil).Expect(t, 200).Len("vms"); n != 1 {
		t.Fatalf("first world has %d VMs", n)
	}
}

// TestRestartPersistence: stop, start on the same file: VMs, projects, keys and the clock
// are still there, and a creation that was under way goes on.
func TestRestartPersistence(t *testing.T) {
	e := newEnv(t, simtest.WithTokens("keep"))
	done := e.vm(vmBody("done"))
	e.c.Do("POST", "/projects", map[string]any{"id": "dz"}).Expect(t, 201)
	e.c.Do("POST", "/ssh_keys", map[string]any{"name": "k", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0vJ3sB5mjXH7nOQzpRtYzY0k0aQ3cmoP8oLQJH2Fz6"}).Expect(t, 201)
	s, _ := e.openCreate(e.c, vmBody("pending"))
	s.next()
	e.advance(20 * time.Second)
	before := e.get(done, "").Expect(t, 200)
	clock := e.c.Control("GET", "/_sim/clock", nil).String("now")

	e.s.Restart()
	e.c = e.s.Client("openscaler", simtest.DefaultToken)
	if got := e.c.Control("GET", "/_sim/clock", nil).String("now"); got != clock {
		t.Fatalf("clock after restart %s, want %s", got, clock)
	}
	if after := e.get(done, "").Expect(t, 200); string(after.Body) != string(before.Body) {
		t.Fatalf("VM changed across the restart:\n%s\n%s", before.Body, after.Body)
	}
	e.c.Do("GET", "/projects/dz", nil).Expect(t, 200)
	if n := e.c.Do("GET", "/ssh_keys", nil).Expect(t, 200).Len("ssh_keys"); n != 1 {
		t.Fatalf("%d keys after restart", n)
	}
	e.s.Client("openscaler", "keep").Do("GET", "/sizes", nil).Expect(t, 200)
	if st := e.state(2); st != "nostate" {
		t.Fatalf("pending creation after restart: %s", st)
	}
	e.advance(createSeconds * time.Second)
	if st := e.state(2); st != "running" {
		t.Fatalf("the creation did not finish after the restart: %s", st)
	}
	if id := e.vm(vmBody("next")); id != 3 {
		t.Fatalf("next VM id %d", id)
	}
}
