package bench

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/simtest"
)

// client keeps enough idle connections for every parallel benchmark goroutine.
var client = &http.Client{Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512}}

func do(b *testing.B, method, url string, body []byte, want int) []byte {
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+simtest.DefaultToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		b.Fatalf("%s %s: %d %s", method, url, res.StatusCode, out)
	}
	return out
}

// BenchmarkGetServer reads one built server: through panelsim (auth, due tasks, validation,
// store, rendering) and, as the baseline in the same run, from an echo route that answers
// the same bytes statically.
func BenchmarkGetServer(b *testing.B) {
	s := simtest.New(b, simtest.WithoutResponseChecks())
	c := s.Client("virtfusion", simtest.DefaultToken)
	u := c.Do("POST", "/users", map[string]any{"name": "Bench", "email": "bench@example.com"}).Int("data", "id")
	id := c.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": u, "hypervisorId": 1}).Int("data", "id")
	c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": 1})
	s.Advance(simtest.DefaultToken, 3600e9)
	againstStatic(b, c.Root, fmt.Sprintf("/api/v1/servers/%d", id), "/api/v1/servers/:id")
}

// BenchmarkGetTenantosServer reads a Tenantos server of the fixtures (an owner, an IP, its
// hardware) the same way: the caller resolved from its token, the owner chain, the IPs and
// their subnets rendered on every read.
func BenchmarkGetTenantosServer(b *testing.B) {
	s := simtest.New(b, simtest.WithoutResponseChecks())
	againstStatic(b, s.URL("tenantos"), "/api/servers/1", "/api/servers/:id")
}

// againstStatic reads root+path through panelsim and, in the same run, from an echo route
// (route) that answers the same bytes statically.
func againstStatic(b *testing.B, root, path, route string) {
	url := root + path
	body := do(b, "GET", url, nil, 200)
	e := echo.New()
	e.GET(route, func(c echo.Context) error { return c.Blob(200, echo.MIMEApplicationJSON, body) })
	static := httptest.NewServer(e)
	defer static.Close()
	for _, r := range []struct{ name, url string }{{"static-echo", static.URL + path}, {"panelsim", url}} {
		b.Run(r.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					do(b, "GET", r.url, nil, 200)
				}
			})
		})
	}
}

// BenchmarkCreateAndBuild creates and builds servers from many concurrent clients; writes
// share commits (fsync on), so throughput grows with the number of clients.
func BenchmarkCreateAndBuild(b *testing.B) {
	for _, clients := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			s := simtest.New(b, simtest.WithoutResponseChecks(), simtest.WithFixtures(bigFixtures(b)))
			c := s.Client("virtfusion", simtest.DefaultToken)
			u := c.Do("POST", "/users", map[string]any{"name": "Bench", "email": "bench@example.com"}).Int("data", "id")
			create := []byte(fmt.Sprintf(`{"packageId":1,"userId":%d,"hypervisorId":1}`, u))
			build := []byte(`{"operatingSystemId":1,"name":"bench"}`)
			var ids atomic.Int64
			// RunParallel runs parallelism × GOMAXPROCS goroutines.
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism((clients + procs - 1) / procs)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					do(b, "POST", c.Base+"/servers", create, 201)
					id := ids.Add(1)
					do(b, "POST", fmt.Sprintf("%s/servers/%d/build", c.Base, id), build, 200)
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "servers/s")
		})
	}
}

// bigFixtures copies the embedded fixtures with hypervisors and IP blocks large enough for
// any benchmark run.
func bigFixtures(b *testing.B) string {
	dir := b.TempDir()
	raw, err := os.ReadFile("../fixtures/virtfusion/world.yaml")
	if err != nil {
		b.Fatal(err)
	}
	s := string(raw)
	for old, new := range map[string]string{
		"maxMemory: 65536": "maxMemory: 1000000000", "maxCpu: 32": "maxCpu: 100000000", "storage: 2000": "storage: 1000000000",
		"{start: 198.51.100.10, end: 198.51.100.250}": "{start: 10.0.0.1, end: 10.255.255.254}",
	} {
		if !strings.Contains(s, old) {
			b.Fatalf("fixtures no longer contain %q", old)
		}
		s = strings.ReplaceAll(s, old, new)
	}
	os.MkdirAll(filepath.Join(dir, "virtfusion"), 0o755)
	world, _ := os.ReadFile("../fixtures/world.yaml")
	os.WriteFile(filepath.Join(dir, "world.yaml"), world, 0o644)
	os.WriteFile(filepath.Join(dir, "virtfusion", "world.yaml"), []byte(s), 0o644)
	os.MkdirAll(filepath.Join(dir, "openscaler"), 0o755)
	osc, _ := os.ReadFile("../fixtures/openscaler/world.yaml")
	os.WriteFile(filepath.Join(dir, "openscaler", "world.yaml"), osc, 0o644)
	return dir
}

// BenchmarkAdvance builds 500 servers (PANELSIM_ADVANCE_SERVERS) and then advances the clock over all their steps (5,500
// tasks) in one call; it reports the time a task takes inside the advance.
func BenchmarkAdvance(b *testing.B) {
	servers := 500
	if n, err := strconv.Atoi(os.Getenv("PANELSIM_ADVANCE_SERVERS")); err == nil && n > 0 {
		servers = n
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := simtest.New(b, simtest.WithoutResponseChecks(), simtest.WithFixtures(bigFixtures(b)))
		c := s.Client("virtfusion", simtest.DefaultToken)
		u := c.Do("POST", "/users", map[string]any{"name": "Bench", "email": "bench@example.com"}).Int("data", "id")
		create := []byte(fmt.Sprintf(`{"packageId":1,"userId":%d,"hypervisorId":1}`, u))
		build := []byte(`{"operatingSystemId":1,"name":"bench"}`)
		for id := 1; id <= servers; id++ {
			do(b, "POST", c.Base+"/servers", create, 201)
			do(b, "POST", fmt.Sprintf("%s/servers/%d/build", c.Base, id), build, 200)
		}
		stop := profileTo(b, os.Getenv("PANELSIM_ADVANCE_PROFILE"))
		b.StartTimer()
		s.Advance(simtest.DefaultToken, 3600e9)
		b.StopTimer()
		stop()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*servers*11), "ns/task")
}

// profileTo writes a CPU profile of what runs until the returned function is called to file,
// when file is not empty; several calls append their numbered profiles (file.1, file.2, …).
func profileTo(b *testing.B, file string) func() {
	if file == "" {
		return func() {}
	}
	profiles++
	f, err := os.Create(fmt.Sprintf("%s.%d", file, profiles))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

var profiles int
