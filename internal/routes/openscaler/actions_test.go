package openscaler_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

type answer struct {
	status int
	body   string
}

func (e *env) pending() int64 {
	e.t.Helper()
	return e.c.Control("GET", "/_sim/clock", nil).Expect(e.t, 200).Int("pendingTasks")
}

// startShutdown sends a shutdown and waits until it is queued; the answer comes on the
// channel.
func (e *env) startShutdown(id int64) chan answer {
	e.t.Helper()
	before := e.pending()
	ch := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/vms/%d/actions", e.c.Base, id), strings.NewReader(`{"type":"shutdown"}`))
		req.Header.Set("Authorization", "Bearer "+e.c.Token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			ch <- answer{0, err.Error()}
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		ch <- answer{res.StatusCode, string(b)}
	}()
	for deadline := time.Now().Add(5 * time.Second); e.pending() <= before; {
		if time.Now().After(deadline) {
			e.t.Fatal("the shutdown queued nothing")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return ch
}

// notYet fails the test when the answer has come.
func (e *env) notYet(ch chan answer) {
	e.t.Helper()
	select {
	case a := <-ch:
		e.t.Fatalf("answered before its time: %d %s", a.status, a.body)
	case <-time.After(50 * time.Millisecond):
	}
}

func (e *env) wait(ch chan answer) answer {
	e.t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(5 * time.Second):
		e.t.Fatal("no answer after the clock moved")
	}
	return answer{}
}

// shutdown sends a shutdown, checks that it waits for the clock, moves the clock by d and
// returns the answer.
func (e *env) shutdown(id int64, d time.Duration) answer {
	e.t.Helper()
	ch := e.startShutdown(id)
	e.notYet(ch)
	e.advance(d)
	return e.wait(ch)
}

// TestShutdown: synchronous, on the world's clock. A booting guest ignores the signal until
// it has booted; when it stops after the server's timeout the answer is 408, and it still
// stops afterwards.
func TestShutdown(t *testing.T) {
	e := newEnv(t)
	id := e.vm(vmBody("sd"))

	// A booted guest accepts the signal at once ("shutdown") and is off timings.shutdown later.
	ch := e.startShutdown(id)
	if st := e.state(id); st != "shutdown" {
		t.Fatalf("while shutting down: %s", st)
	}
	e.action(id, "power_off").Expect(t, 409)
	e.advance((shutdownSeconds - 1) * time.Second)
	e.notYet(ch)
	e.advance(time.Second)
	if a := e.wait(ch); a.status != 204 || a.body != "" {
		t.Fatalf("shutdown: %d %q", a.status, a.body)
	}
	if st := e.state(id); st != "shutoff" {
		t.Fatalf("after shutdown: %s", st)
	}

	// Just started: the guest boots for 45 s, then takes 20 s: 65 s > the 60 s timeout.
	e.action(id, "start").Expect(t, 204)
	e.advance(startSeconds * time.Second)
	ch = e.startShutdown(id)
	e.advance((timeoutSeconds - 1) * time.Second)
	e.notYet(ch)
	if st := e.state(id); st != "shutdown" { // it accepted the signal once booted
		t.Fatalf("after the guest booted: %s", st)
	}
	e.advance(time.Second)
	a := e.wait(ch)
	if a.status != 408 || !strings.Contains(a.body, `"detail":"Timed out waiting for VM 1 to shut down; it may still shut down."`) {
		t.Fatalf("timeout: %d %s", a.status, a.body)
	}
	e.action(id, "start").Expect(t, 409) // still stopping
	e.advance(5 * time.Second)
	if st := e.state(id); st != "shutoff" {
		t.Fatalf("the guest did not stop after the 408: %s", st)
	}

	// Started 30 s ago: boots 20 s more, then 20 s: in time.
	e.action(id, "start").Expect(t, 204)
	e.advance((startSeconds + 25) * time.Second)
	ch = e.startShutdown(id)
	e.advance(19 * time.Second)
	if st := e.state(id); st != "running" {
		t.Fatalf("a booting guest took the signal: %s", st)
	}
	e.advance(time.Second)
	if st := e.state(id); st != "shutdown" {
		t.Fatalf("the booted guest did not take the signal: %s", st)
	}
	e.advance(19 * time.Second)
	e.notYet(ch)
	e.advance(time.Second)
	if a := e.wait(ch); a.status != 204 {
		t.Fatalf("shutdown in time: %d %s", a.status, a.body)
	}

	// A client that gives up does not stop the shutdown.
	e.action(id, "start").Expect(t, 204)
	e.advance((startSeconds + bootSeconds) * time.Second)
	before := e.pending()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("%s/vms/%d/actions", e.c.Base, id), strings.NewReader(`{"type":"shutdown"}`))
	req.Header.Set("Authorization", "Bearer "+e.c.Token)
	req.Header.Set("Content-Type", "application/json")
	gone := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		gone <- err
	}()
	for deadline := time.Now().Add(5 * time.Second); e.pending() <= before; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no shutdown queued")
		}
	}
	cancel()
	if err := <-gone; err == nil {
		t.Fatal("the shutdown answered without the clock moving")
	}
	e.advance(shutdownSeconds * time.Second)
	if st := e.state(id); st != "shutoff" {
		t.Fatalf("after an abandoned shutdown: %s", st)
	}
}

// TestShutdownNeverAccepted: a guest that boots for longer than the timeout never takes a
// signal; the answer is 408 and the VM keeps running.
func TestShutdownNeverAccepted(t *testing.T) {
	e := newEnv(t, withFixtures(t, "boot: 45 ", "boot: 120 "))
	id := e.vm(vmBody("slow"))
	e.action(id, "reset").Expect(t, 204)
	e.advance(resetSeconds * time.Second)
	a := e.shutdown(id, timeoutSeconds*time.Second)
	if a.status != 408 {
		t.Fatalf("shutdown of a booting guest: %d %s", a.status, a.body)
	}
	if st := e.state(id); st != "running" {
		t.Fatalf("after the 408: %s", st)
	}
	e.action(id, "power_off").Expect(t, 204) // nothing in progress any more
	e.advance(powerOffSeconds * time.Second)
	if st := e.state(id); st != "shutoff" {
		t.Fatalf("after power_off: %s", st)
	}
}

// TestRebootIgnoredWhileBooting: reboot is a soft signal a booting guest ignores.
func TestRebootIgnoredWhileBooting(t *testing.T) {
	e := newEnv(t)
	id := e.vm(vmBody("rb"))
	e.action(id, "reset").Expect(t, 204)
	e.advance(resetSeconds * time.Second)
	before := e.pending()
	e.action(id, "reboot").Expect(t, 204)
	if e.pending() != before {
		t.Fatal("a reboot of a booting guest was queued")
	}
	e.action(id, "reset").Expect(t, 204) // not busy: the reboot did nothing
	e.advance(resetSeconds * time.Second)
	e.advance(bootSeconds * time.Second)
	e.action(id, "reboot").Expect(t, 204)
	if e.pending() != before+1 {
		t.Fatal("the reboot of a booted guest was not queued")
	}
	e.action(id, "reset").Expect(t, 409)
	e.advance(rebootSeconds * time.Second)
	if st := e.state(id); st != "running" {
		t.Fatalf("after reboot: %s", st)
	}
}

// TestActionRefusals: what the VM's state does not allow is 409 {"detail"}, bad input 422,
// an unknown VM 404.
func TestActionRefusals(t *testing.T) {
	e := newEnv(t)
	id := e.vm(vmBody("a"))
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		detail string
	}{
		{"start a running VM", fmt.Sprintf("/vms/%d/actions", id), map[string]any{"type": "start"}, 409, fmt.Sprintf("VM %d is already running", id)},
		{"unknown type", fmt.Sprintf("/vms/%d/actions", id), map[string]any{"type": "explode"}, 422, "enum body.type: Input should be 'start', 'shutdown', 'power_off', 'reboot' or 'reset'"},
		{"no type", fmt.Sprintf("/vms/%d/actions", id), map[string]any{}, 422, "missing body.type: Field required"},
		{"type not a string", fmt.Sprintf("/vms/%d/actions", id), map[string]any{"type": 3}, 422, "enum body.type: Input should be 'start', 'shutdown', 'power_off', 'reboot' or 'reset'"},
		{"no body", fmt.Sprintf("/vms/%d/actions", id), nil, 422, "missing body: Field required"},
		{"unknown VM", "/vms/987654/actions", map[string]any{"type": "start"}, 404, "VM not found"},
		{"word for a VM id", "/vms/abc/actions", map[string]any{"type": "start"}, 404, "VM not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.c.Do("POST", tt.path, tt.body).Expect(t, tt.status)
			got := res.String("detail")
			if tt.status == 422 {
				got = pyErrors(t, res)
			}
			if got != tt.detail {
				t.Fatalf("detail %q, want %q", got, tt.detail)
			}
		})
	}
	if st := e.state(id); st != "running" {
		t.Fatalf("refused actions changed the state: %s", st)
	}
}

// TestShutdownOutlastsWriteTimeout: a synchronous shutdown that waits on the world's clock
// longer than the listener's write timeout still gets its answer.
func TestShutdownOutlastsWriteTimeout(t *testing.T) {
	e := newEnv(t, simtest.WithOptions(func(o *sim.Options) { o.WriteTimeout = 300 * time.Millisecond }))
	id := e.vm(vmBody("slow-sd"))
	ch := e.startShutdown(id)
	time.Sleep(600 * time.Millisecond) // twice the write timeout, waiting on a manual clock
	e.advance(shutdownSeconds * time.Second)
	if a := e.wait(ch); a.status != 204 {
		t.Fatalf("shutdown after the write timeout: %d %q", a.status, a.body)
	}
}
