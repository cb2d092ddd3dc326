package reliability

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// worldCount is how many worlds TestManyIdleWorlds makes: 5,000 by default, as BENCHMARKS.md
// reports; PANELSIM_RELIABILITY_WORLDS changes it.
func worldCount() int {
	if n, err := strconv.Atoi(os.Getenv("PANELSIM_RELIABILITY_WORLDS")); err == nil && n > 0 {
		return n
	}
	return 5000
}

// TestManyIdleWorlds: thousands of worlds made by --any-token clients cost bounded memory,
// and once nobody uses them the process neither computes nor writes; after --world-ttl they
// are gone.
func TestManyIdleWorlds(t *testing.T) {
	n := worldCount()
	// The TTL outlasts making the worlds and watching them idle, so the sweep starts after.
	p := start(t, filepath.Join(t.TempDir(), "worlds.db"), "--any-token", "--world-ttl", "45s")
	began := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for c := 0; c < 16; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				if a := call("GET", p.urls["virtfusion"]+"/api/v1/connect", fmt.Sprint("ci-job-", i), nil, ""); a.status != 200 {
					t.Errorf("world %d: %d %v", i, a.status, a.err)
					return
				}
			}
		}()
	}
	wg.Wait()
	made := time.Since(began)
	health := call("GET", p.urls["virtfusion"]+"/_sim/health", "", nil, "")
	if got, _ := health.json("worlds").(float64); int(got) != n+1 {
		t.Fatalf("%v worlds, want %d (made in %v)", health.json("worlds"), n+1, made)
	}
	rss := p.status("VmRSS")
	time.Sleep(6 * time.Second) // one save of the clocks used
	cpu0, w0, t0 := p.cpu(), p.written(), time.Now()
	time.Sleep(5 * time.Second)
	cpu, written, idle := p.cpu()-cpu0, p.written()-w0, time.Since(t0)
	share := float64(cpu) / float64(idle) * 100
	t.Logf("%d worlds made in %v (%.0f/s); RSS %d MB; idle for %v: %.1f%% of a core, %d bytes written",
		n, made.Round(time.Millisecond), float64(n)/made.Seconds(), rss>>10, idle.Round(time.Millisecond), share, written)
	if share > 3 {
		t.Errorf("idle worlds cost %.1f%% of a core", share)
	}
	if written > 0 {
		t.Errorf("idle worlds wrote %d bytes in %v", written, idle)
	}
	deadline := time.Now().Add(75 * time.Second)
	for {
		health = call("GET", p.urls["virtfusion"]+"/_sim/health", "", nil, "")
		if got, _ := health.json("worlds").(float64); got == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v worlds left 75 s after they were idle (45 s TTL)", health.json("worlds"))
		}
		time.Sleep(500 * time.Millisecond)
	}
	start := time.Now()
	p.stop()
	t.Logf("after the TTL only the default world is left; SIGTERM stopped it in %v", time.Since(start).Round(time.Millisecond))
}
