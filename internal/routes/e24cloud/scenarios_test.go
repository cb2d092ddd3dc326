package e24cloud_test

import (
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// TestShippedScenarios exercises every scenario of fixtures/scenarios/e24cloud.
func TestShippedScenarios(t *testing.T) {
	var slept []time.Duration
	e := newEnv(t, simtest.WithSleeps(&slept))
	on, off := e.c.Activate, e.c.Deactivate
	body := map[string]any{"create_vm": map[string]any{"cpus": 1, "ram": 1024, "zone_id": zonePoz, "name": "s", "os": tmplUbuntu}}

	t.Run("flaky-create", func(t *testing.T) {
		on(t, "e24cloud/flaky-create")
		res := e.c.Do("PUT", "/virtual-machines", body).Expect(t, 500)
		if res.Get("success") != false || res.String("error") == "" {
			t.Fatalf("500 body: %v", res)
		}
		e.c.Do("PUT", "/virtual-machines", body).Expect(t, 200)
		off(t, "e24cloud/flaky-create")
	})
	t.Run("rate-limited", func(t *testing.T) {
		on(t, "e24cloud/rate-limited")
		if res := e.c.Do("GET", "/regions", nil).Expect(t, 429); res.Header.Get("Retry-After") != "30" || res.Get("success") != false {
			t.Fatalf("429: %v", res)
		}
		off(t, "e24cloud/rate-limited")
	})
	t.Run("slow-api", func(t *testing.T) {
		slept = nil
		on(t, "e24cloud/slow-api")
		e.c.Do("GET", "/regions", nil).Expect(t, 200)
		off(t, "e24cloud/slow-api")
		if len(slept) != 1 || slept[0] < 1800*time.Millisecond || slept[0] > 2200*time.Millisecond {
			t.Fatalf("latencies %v", slept)
		}
	})
	t.Run("key-revoked", func(t *testing.T) {
		on(t, "e24cloud/key-revoked")
		if res := e.c.Do("GET", "/regions", nil).Expect(t, 401); res.Get("success") != false || !strings.Contains(res.Header.Get("Panelsim-Auth-Error"), "scenario rule") {
			t.Fatalf("401: %v", res)
		}
		off(t, "e24cloud/key-revoked")
		e.c.Do("GET", "/regions", nil).Expect(t, 200)
	})
	t.Run("zone-exhausted", func(t *testing.T) {
		on(t, "e24cloud/zone-exhausted")
		e.c.Do("PUT", "/virtual-machines", body).Expect(t, 409)
		off(t, "e24cloud/zone-exhausted")
		e.c.Do("PUT", "/virtual-machines", body).Expect(t, 200)
	})
	t.Run("vm-vanished", func(t *testing.T) {
		id := e.online("doomed")
		on(t, "e24cloud/vm-vanished")
		e.c.Do("GET", "/regions", nil).Expect(t, 200)
		e.get(id).Expect(t, 404)
		off(t, "e24cloud/vm-vanished")
	})
}
