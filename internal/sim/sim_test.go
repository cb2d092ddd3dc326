package sim_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/panelsim/panelsim/internal/clock"
	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// TestConcurrentWorlds: many clients in many worlds at once; each world ends up with exactly
// its own servers and consistent counters (run with -race).
func TestConcurrentWorlds(t *testing.T) {
	s := simtest.New(t, simtest.WithAnyToken())
	const worlds, perWorld = 4, 12
	var wg sync.WaitGroup
	for w := 0; w < worlds; w++ {
		token := fmt.Sprintf("job-%d", w)
		c := s.Client("virtfusion", token)
		u := c.Do("POST", "/users", map[string]any{"name": "A", "email": "a@example.com"}).Expect(t, 201).Int("data", "id")
		for i := 0; i < perWorld; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := c.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": u, "hypervisorId": 1})
				if res.Status != 201 {
					t.Errorf("create: %v", res)
					return
				}
				id := res.Int("data", "id")
				c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": 1})
				c.Do("GET", fmt.Sprintf("/servers/%d", id), nil)
				c.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 20})
			}()
		}
	}
	wg.Wait()
	for w := 0; w < worlds; w++ {
		c := s.Client("virtfusion", fmt.Sprintf("job-%d", w))
		if n := c.Do("GET", "/servers", nil).Int("total"); n != perWorld {
			t.Errorf("world %d has %d servers, want %d", w, n, perWorld)
		}
		res := c.Do("GET", "/compute/hypervisors/groups/1/resources", nil)
		alloc := res.Int("data", 0, "resources", "memory", "allocated") + res.Int("data", 1, "resources", "memory", "allocated")
		if alloc != perWorld*1024 {
			t.Errorf("world %d: %d MB allocated, want %d", w, alloc, perWorld*1024)
		}
		ids := map[int64]bool{}
		list := c.Do("GET", "/servers?results=200", nil)
		for i := 0; i < list.Len("data"); i++ {
			ids[list.Int("data", i, "id")] = true
		}
		if len(ids) != perWorld {
			t.Errorf("world %d: %d distinct ids", w, len(ids))
		}
	}
}

// TestFixturesOverride: --fixtures DIR replaces the embedded world, and a typo in it is an
// error at start rather than a silently ignored setting.
func TestFixturesOverride(t *testing.T) {
	dir := t.TempDir()
	embedded, err := os.ReadFile("../../fixtures/virtfusion/world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "virtfusion"), 0o755)
	os.WriteFile(filepath.Join(dir, "world.yaml"), []byte("clock:\n  start: 2030-06-01T00:00:00Z\n"), 0o644)
	custom := strings.Replace(string(embedded), "name: VPS S,", "name: Tiny,", 1)
	os.WriteFile(filepath.Join(dir, "virtfusion", "world.yaml"), []byte(custom), 0o644)
	copyFixture(t, dir, "openscaler/world.yaml")

	s := simtest.New(t, simtest.WithFixtures(dir))
	c := s.Client("virtfusion", simtest.DefaultToken)
	if name := c.Do("GET", "/packages/1", nil).String("data", "name"); name != "Tiny" {
		t.Fatalf("package 1 is %q", name)
	}
	if now := c.Control("GET", "/_sim/clock", nil).String("now"); now != "2030-06-01T00:00:00Z" {
		t.Fatalf("clock starts at %s", now)
	}

	os.WriteFile(filepath.Join(dir, "virtfusion", "world.yaml"), []byte(custom+"\nunknownKey: 1\n"), 0o644)
	_, err = sim.New(sim.Options{DataPath: filepath.Join(t.TempDir(), "x.db"), FixturesDir: dir, Clock: clock.Manual})
	if err == nil || !strings.Contains(err.Error(), "unknownKey") {
		t.Fatalf("typo in fixtures: %v", err)
	}
}

// TestStartFailsOnTakenPort: a listener that cannot bind is an error, not a silent no-op.
func TestStartFailsOnTakenPort(t *testing.T) {
	s := simtest.New(t)
	addr := strings.TrimPrefix(s.URL("virtfusion"), "http://")
	o := sim.Options{DataPath: filepath.Join(t.TempDir(), "y.db"), Listen: map[string]string{"virtfusion": addr}}
	other, err := sim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Start(); err == nil {
		t.Fatal("second listener on a taken port started")
	}
}

// copyFixture copies one file of the embedded fixtures into a fixtures folder.
func copyFixture(t *testing.T, dir, name string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("../../fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
	if err := os.WriteFile(filepath.Join(dir, name), raw, 0o644); err != nil {
		t.Fatal(err)
	}
}
