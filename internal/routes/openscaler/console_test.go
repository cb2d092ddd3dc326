package openscaler_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// TestRecoveryConsole: one console per running VM, at the region's console proxy; closed by
// the API, by itself after timings.consoleIdle on the world's clock, or when the VM stops.
func TestRecoveryConsole(t *testing.T) {
	e := newEnv(t)
	id := e.vm(vmBody("rescue"))
	path := fmt.Sprintf("/vms/%d/console", id)
	res := e.c.Do("POST", path, nil).Expect(t, 200)
	if string(res.Body) != `{"address":"192.10.99.220","port":4200}` {
		t.Fatalf("console %s", res.Body)
	}
	if d := e.c.Do("POST", path, nil).Expect(t, 409).String("detail"); d != "VM 1 already has an open recovery console" {
		t.Fatalf("second console: %q", d)
	}
	// Another VM gets the next port.
	other := e.vm(vmBody("other"))
	if p := e.c.Do("POST", fmt.Sprintf("/vms/%d/console", other), nil).Expect(t, 200).Int("port"); p != 4201 {
		t.Fatalf("second VM's console port %d", p)
	}
	e.c.Do("DELETE", path, nil).Expect(t, 204)
	if d := e.c.Do("DELETE", path, nil).Expect(t, 409).String("detail"); d != "VM 1 has no open recovery console" {
		t.Fatalf("closed twice: %q", d)
	}

	// Idle: it closes consoleIdle after it was opened, not before.
	if p := e.c.Do("POST", path, nil).Expect(t, 200).Int("port"); p != 4200 {
		t.Fatalf("reopened on %d", p)
	}
	e.advance((consoleIdle - 1) * time.Second)
	e.c.Do("POST", path, nil).Expect(t, 409)
	e.advance(time.Second)
	e.c.Do("DELETE", path, nil).Expect(t, 409) // closed by itself
	e.c.Do("POST", path, nil).Expect(t, 200)
	// Closing and reopening starts the idle time afresh: the first console's timeout does not
	// close the second.
	e.advance(consoleIdle / 2 * time.Second)
	e.c.Do("DELETE", path, nil).Expect(t, 204)
	e.c.Do("POST", path, nil).Expect(t, 200)
	e.advance(consoleIdle / 2 * time.Second)
	e.c.Do("POST", path, nil).Expect(t, 409)

	// A VM that stops loses its console; one that is not running cannot open one.
	e.action(id, "power_off").Expect(t, 204)
	e.advance(powerOffSeconds * time.Second)
	e.c.Do("DELETE", path, nil).Expect(t, 409)
	if d := e.c.Do("POST", path, nil).Expect(t, 409).String("detail"); d != "VM 1 is not running" {
		t.Fatalf("console of a stopped VM: %q", d)
	}
	e.c.Do("POST", "/vms/99/console", nil).Expect(t, 404)
	// Deleting a VM frees its console port.
	e.c.Do("DELETE", fmt.Sprintf("/vms/%d", other), nil).Expect(t, 204)
	e.advance(deleteSeconds * time.Second)
	e.action(id, "start").Expect(t, 204)
	e.advance(startSeconds * time.Second)
	if p := e.c.Do("POST", path, nil).Expect(t, 200).Int("port"); p != 4200 {
		t.Fatalf("console after the other VM went: %d", p)
	}
	// A VM being created has none.
	s, _ := e.openCreate(e.c, vmBody("new"))
	s.next()
	if d := e.c.Do("POST", "/vms/3/console", nil).Expect(t, 409).String("detail"); d != "VM 3 is still being created" {
		t.Fatalf("console during creation: %q", d)
	}
}

// TestRestartWithOpenConsole: an open console and its idle timeout survive a restart.
func TestRestartWithOpenConsole(t *testing.T) {
	e := newEnv(t, simtest.WithTokens("keep"))
	id := e.vm(vmBody("rescue"))
	path := fmt.Sprintf("/vms/%d/console", id)
	e.c.Do("POST", path, nil).Expect(t, 200)
	e.advance(100 * time.Second)
	e.s.Restart()
	e.c = e.s.Client("openscaler", simtest.DefaultToken)
	e.c.Do("POST", path, nil).Expect(t, 409) // still open
	e.advance((consoleIdle - 100) * time.Second)
	if res := e.c.Do("POST", path, nil).Expect(t, 200); res.Int("port") != 4200 {
		t.Fatalf("console after the timeout: %s", res.Body)
	}
	e.c.Do("DELETE", path, nil).Expect(t, 204)
}
