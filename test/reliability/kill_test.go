package reliability

import (
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// writer makes one kind of record on one provider and reads it back.
type writer struct {
	name   string
	create func(p *proc, n int) (id string, created time.Time, ok bool)
	exists func(p *proc, id string) bool
}

var writers = []writer{
	{"virtfusion user", func(p *proc, n int) (string, time.Time, bool) {
		a := call("POST", p.urls["virtfusion"]+"/api/v1/users", "panelsim",
			map[string]any{"name": "Kill Test", "email": fmt.Sprintf("k%d@example.com", n), "extRelationId": 100000 + n}, "")
		return fmt.Sprint(100000 + n), time.Time{}, a.err == nil && a.status == 201
	}, func(p *proc, id string) bool {
		return call("GET", p.urls["virtfusion"]+"/api/v1/users/"+id+"/byExtRelation", "panelsim", nil, "").status == 200
	}},
	{"e24cloud volume", func(p *proc, n int) (string, time.Time, bool) {
		a := call("PUT", p.urls["e24cloud"]+"/v2/storage-volumes", "panelsim",
			map[string]any{"label": fmt.Sprintf("k%d", n), "size": 1, "zone_id": e24Zone(p)}, "e24cloud")
		return a.str("storage_volume", "id"), time.Time{}, a.err == nil && a.status == 200
	}, func(p *proc, id string) bool {
		return call("GET", p.urls["e24cloud"]+"/v2/storage-volumes/"+id, "panelsim", nil, "e24cloud").status == 200
	}},
	{"openscaler project", func(p *proc, n int) (string, time.Time, bool) {
		id := fmt.Sprintf("k%d", n)
		a := call("POST", p.urls["openscaler"]+"/v1/projects", "panelsim", map[string]any{"id": id, "description": "kill test"}, "")
		created, _ := time.Parse("2006-01-02T15:04:05", a.str("created_at"))
		return id, created, a.err == nil && a.status == 201
	}, func(p *proc, id string) bool {
		return call("GET", p.urls["openscaler"]+"/v1/projects/"+id, "panelsim", nil, "").status == 200
	}},
}

var zones sync.Map // proc -> zone id

// e24Zone is a zone of the fixtures' first e24cloud region.
func e24Zone(p *proc) string {
	if z, ok := zones.Load(p); ok {
		return z.(string)
	}
	a := call("GET", p.urls["e24cloud"]+"/v2/regions", "panelsim", nil, "e24cloud")
	regions, _ := a.json("regions").([]any)
	z := ""
	if len(regions) > 0 {
		zs, _ := regions[0].(map[string]any)["zones"].([]any)
		if len(zs) > 0 {
			z, _ = zs[0].(map[string]any)["id"].(string)
		}
	}
	zones.Store(p, z)
	return z
}

// TestKillDuringCreates: rounds of 16 clients creating records on every provider, each round
// ended with SIGKILL in the middle of the load. After every restart the file opens cleanly,
// every record whose creation got a 2xx is there, and the world's clock (real, 60 times
// faster than the wall) is not behind any creation time it recorded.
func TestKillDuringCreates(t *testing.T) {
	data := filepath.Join(t.TempDir(), "kill.db")
	const rounds, clients, perRound = 3, 16, 240
	type acked struct {
		w  *writer
		id string
	}
	var all []acked
	var latest time.Time
	n := int64(0)
	for round := 0; round < rounds; round++ {
		p := start(t, data, "--clock", "real", "--time-scale", "60")
		var mu sync.Mutex
		var done atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for c := 0; c < clients; c++ {
			w := &writers[c%len(writers)]
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					id, created, ok := w.create(p, int(atomic.AddInt64(&n, 1)))
					if !ok {
						continue // refused or cut by the kill: not acknowledged
					}
					mu.Lock()
					all = append(all, acked{w, id})
					if created.After(latest) {
						latest = created
					}
					mu.Unlock()
					done.Add(1)
				}
			}()
		}
		for done.Load() < perRound {
			time.Sleep(5 * time.Millisecond)
		}
		p.kill() // 16 requests in flight
		close(stop)
		wg.Wait()

		p = start(t, data, "--clock", "real", "--time-scale", "60")
		lost := 0
		for _, a := range all {
			if !a.w.exists(p, a.id) {
				lost++
				t.Errorf("round %d: acknowledged %s %s is gone", round, a.w.name, a.id)
			}
		}
		clock := call("GET", p.urls["virtfusion"]+"/_sim/clock", "panelsim", nil, "control")
		now, err := time.Parse(time.RFC3339Nano, clock.str("now"))
		if latest.IsZero() {
			t.Errorf("round %d: no acknowledged creation carried a creation time", round)
		}
		if err != nil || now.Before(latest) {
			t.Errorf("round %d: after the kill the clock is at %v, behind a creation at %v (%v)", round, now, latest, err)
		}
		t.Logf("round %d: %d acknowledged writes so far, %d lost; clock %v, latest creation %v", round, len(all), lost, now.Format(time.TimeOnly), latest.Format(time.TimeOnly))
		p.kill()
	}
}
