package openscaler_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// TestShippedScenarios exercises every scenario of fixtures/scenarios/openscaler.
func TestShippedScenarios(t *testing.T) {
	var slept []time.Duration
	e := newEnv(t, simtest.WithSleeps(&slept))
	on, off := e.c.Activate, e.c.Deactivate

	t.Run("flaky-create", func(t *testing.T) {
		on(t, "openscaler/flaky-create")
		res := e.c.Do("POST", "/vms", vmBody("flaky")).Expect(t, 500)
		if res.String("detail") == "" {
			t.Fatalf("500 body: %v", res)
		}
		e.vm(vmBody("flaky"))
		off(t, "openscaler/flaky-create")
	})
	t.Run("create-fails", func(t *testing.T) {
		on(t, "openscaler/create-fails")
		s, refused := e.openCreate(e.c, vmBody("doomed"))
		if refused != nil {
			t.Fatalf("refused: %v", refused)
		}
		e.advance(createSeconds * time.Second)
		if ev, _ := s.final(); ev.name != "500" {
			t.Fatalf("final event %s %s", ev.name, ev.data)
		}
		e.vm(vmBody("fine")) // only the next creation
		off(t, "openscaler/create-fails")
	})
	t.Run("rate-limited", func(t *testing.T) {
		on(t, "openscaler/rate-limited")
		if res := e.c.Do("GET", "/sizes", nil).Expect(t, 429); res.Header.Get("Retry-After") != "30" || res.String("detail") == "" {
			t.Fatalf("429: %v", res)
		}
		off(t, "openscaler/rate-limited")
	})
	t.Run("slow-api", func(t *testing.T) {
		slept = nil
		on(t, "openscaler/slow-api")
		e.c.Do("GET", "/sizes", nil).Expect(t, 200)
		off(t, "openscaler/slow-api")
		if len(slept) != 1 || slept[0] < 1800*time.Millisecond || slept[0] > 2200*time.Millisecond {
			t.Fatalf("latencies %v", slept)
		}
	})
	t.Run("token-revoked", func(t *testing.T) {
		on(t, "openscaler/token-revoked")
		e.c.Do("GET", "/sizes", nil).Expect(t, 401)
		off(t, "openscaler/token-revoked")
		e.c.Do("GET", "/sizes", nil).Expect(t, 200)
	})
	t.Run("shutdown-timeout", func(t *testing.T) {
		id := e.vm(vmBody("stubborn"))
		e.advance(bootSeconds * time.Second)
		on(t, "openscaler/shutdown-timeout")
		done := make(chan int, 1)
		go func() {
			done <- e.c.Do("POST", fmt.Sprintf("/vms/%d/actions", id), map[string]any{"type": "shutdown"}).Status
		}()
		// The shutdown waits on the world's clock: move it past the server's timeout.
		deadline := time.Now().Add(10 * time.Second)
		for {
			select {
			case status := <-done:
				if status != 408 {
					t.Fatalf("shutdown of a hung guest: %d", status)
				}
				if st := e.state(id); st != "running" {
					t.Fatalf("a hung guest stopped: %s", st)
				}
				off(t, "openscaler/shutdown-timeout")
				return
			case <-time.After(20 * time.Millisecond):
				if time.Now().After(deadline) {
					t.Fatal("shutdown never answered")
				}
				e.advance(10 * time.Second)
			}
		}
	})
	t.Run("vm-vanished", func(t *testing.T) {
		id := e.vm(vmBody("ghost"))
		on(t, "openscaler/vm-vanished")
		e.c.Do("GET", "/sizes", nil).Expect(t, 200)
		e.get(id, "").Expect(t, 404)
		off(t, "openscaler/vm-vanished")
	})
}
