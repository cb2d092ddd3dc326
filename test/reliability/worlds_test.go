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

// worldCount is how many worlds TestManyIdleWorlds makes: 2,000 by default, so that `make
// test` stays quick; BENCHMARKS.md reports a run with PANELSIM_RELIABILITY_WORLDS=5000.
func worldCount() int {
	if n, err := strconv.Atoi(os.Getenv("PANELSIM_RELIABILITY_WORLDS")); err == nil && n > 0 {
		return n
	}
	return 2000
}

// TestManyIdleWorlds: thousands of worlds made by --any-token clients cost bounded memory,
// and once nobody uses them the process neither computes nor writes.
func TestManyIdleWorlds(t *testing.T) {
	n := worldCount()
	p := start(t, filepath.Join(t.TempDir(), "worlds.db"), "--any-token")
	makeWorlds(t, p, n)
	rss := p.status("VmRSS")
	time.Sleep(6 * time.Second) // one save of the clocks used
	cpu0, w0, t0 := p.cpu(), p.written(), time.Now()
	time.Sleep(5 * time.Second)
	cpu, written, idle := p.cpu()-cpu0, p.written()-w0, time.Since(t0)
	share := float64(cpu) / float64(idle) * 100
	t.Logf("%d worlds: RSS %d MB; idle for %v: %.1f%% of a core, %d bytes written",
		n, rss>>10, idle.Round(time.Millisecond), share, written)
	if share > 3 {
		t.Errorf("idle worlds cost %.1f%% of a core", share)
	}
	if written > 0 {
		t.Errorf("idle worlds wrote %d bytes in %v", written, idle)
	}
	start := time.Now()
	p.stop()
	t.Logf("SIGTERM stopped it in %v", time.Since(start).Round(time.Millisecond))
}

// TestWorldTTL: the worlds --any-token clients made and left go once unused for --world-ttl,
// the default world stays.
func TestWorldTTL(t *testing.T) {
	p := start(t, filepath.Join(t.TempDir(), "ttl.db"), "--any-token", "--world-ttl", "5s")
	makeWorlds(t, p, 200)
	deadline := time.Now().Add(30 * time.Second)
	for {
		health := call("GET", p.urls["virtfusion"]+"/_sim/health", "", nil, "")
		if got, _ := health.json("worlds").(float64); got == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v worlds left 30 s after a 5 s TTL", health.json("worlds"))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// makeWorlds makes n worlds with 16 clients, one GET /connect per new token.
func makeWorlds(t *testing.T, p *proc, n int) {
	t.Helper()
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
	t.Logf("%d worlds made in %v (%.0f/s)", n, made.Round(time.Millisecond), float64(n)/made.Seconds())
}
