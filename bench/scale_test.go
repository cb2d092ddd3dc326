package bench

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/panelsim/panelsim/internal/clock"
	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// BenchmarkListServers10k reads a page of 20 from a world of 10,000 servers, plain and
// filtered by hypervisor, and reports the Go heap that world takes.
func BenchmarkListServers10k(b *testing.B) {
	s := simtest.New(b, simtest.WithoutResponseChecks(), simtest.WithFixtures(bigFixtures(b)))
	c := s.Client("virtfusion", simtest.DefaultToken)
	u := c.Do("POST", "/users", map[string]any{"name": "Bench", "email": "bench@example.com"}).Int("data", "id")
	create := []byte(fmt.Sprintf(`{"packageId":1,"userId":%d,"hypervisorId":1}`, u))
	const total, workers = 10000, 64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < total/workers+1; i++ {
				do(b, "POST", c.Base+"/servers", create, 201)
			}
		}()
	}
	wg.Wait()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	for name, q := range map[string]string{"page250": "?results=20&page=250", "page100-hypervisor1": "?results=20&page=100&hypervisorId=1"} {
		b.Run(name, func(b *testing.B) {
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
			for i := 0; i < b.N; i++ {
				do(b, "GET", c.Base+"/servers"+q, nil, 200)
			}
		})
	}
}

// BenchmarkStartup opens a fresh store, loads the four documents and fixtures, makes the
// default world (its fixtures come on first use) and starts the four listeners: what happens
// before the URL lines are printed. Iterations after the first are warm (one process).
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	for i := 0; i < b.N; i++ {
		s, err := sim.New(sim.Options{DataPath: filepath.Join(dir, fmt.Sprintf("%d.db", i)), Clock: clock.Manual,
			Listen: map[string]string{"virtfusion": "127.0.0.1:0", "tenantos": "127.0.0.1:0", "e24cloud": "127.0.0.1:0", "openscaler": "127.0.0.1:0"}})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Start(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
