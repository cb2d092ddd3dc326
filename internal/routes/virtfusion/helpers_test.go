package virtfusion_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/virtfusion"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// Ids of the default fixtures (fixtures/virtfusion/world.yaml).
const (
	groupDefault  = 1 // vf-hv1 and vf-hv2
	groupLondon   = 2 // vf-hv3
	pkgS          = 1 // 1024 MB, 25 GB, 1 core
	pkgM          = 2 // 2048 MB, 50 GB, 2 cores
	pkgL          = 3 // 4096 MB, 100 GB, 4 cores
	pkgWindows    = 4
	pkgDisabled   = 5
	tmplDebian12  = 1
	tmplWindows   = 7
	buildSeconds  = 110
	deleteSeconds = 15
)

// env is a simulator with a VirtFusion client on the default token.
type env struct {
	t *testing.T
	s *simtest.Sim
	c *simtest.Client
}

func newEnv(t *testing.T, opts ...simtest.Option) *env {
	t.Helper()
	s := simtest.New(t, opts...)
	return &env{t: t, s: s, c: s.Client("virtfusion", simtest.DefaultToken)}
}

func (e *env) advance(d time.Duration) { e.t.Helper(); e.s.Advance(simtest.DefaultToken, d) }

// user creates a customer with an external relation id and returns its VirtFusion id.
func (e *env) user(ext int) int64 {
	e.t.Helper()
	res := e.c.Do("POST", "/users", map[string]any{"name": fmt.Sprintf("Customer %d", ext), "email": fmt.Sprintf("c%d@example.com", ext), "extRelationId": ext})
	res.Expect(e.t, 201)
	return res.Int("data", "id")
}

// server creates a server and returns its id.
func (e *env) server(user int64, pkg, group int, extra ...any) int64 {
	e.t.Helper()
	body := map[string]any{"packageId": pkg, "userId": user, "hypervisorId": group}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i].(string)] = extra[i+1]
	}
	res := e.c.Do("POST", "/servers", body)
	res.Expect(e.t, 201)
	return res.Int("data", "id")
}

// built creates and builds a server, and runs the clock until the build is done.
func (e *env) built(user int64) int64 {
	e.t.Helper()
	id := e.server(user, pkgS, groupDefault)
	e.c.Do("POST", fmt.Sprintf("/servers/%d/build", id), map[string]any{"operatingSystemId": tmplDebian12, "name": "web"}).Expect(e.t, 200)
	e.advance(buildSeconds * time.Second)
	return id
}

func (e *env) getServer(id int64) *simtest.Response {
	e.t.Helper()
	return e.c.Do("GET", fmt.Sprintf("/servers/%d", id), nil)
}

// groupAlloc sums one allocated resource over a group's hypervisors.
func (e *env) groupAlloc(group int, resource string) int64 {
	e.t.Helper()
	res := e.c.Do("GET", fmt.Sprintf("/compute/hypervisors/groups/%d/resources?results=200", group), nil).Expect(e.t, 200)
	var sum int64
	for i := 0; i < res.Len("data"); i++ {
		sum += res.Int("data", i, "resources", resource, "allocated")
	}
	return sum
}

// freeIPv4 is the free IPv4 count of the first hypervisor of a group (the group's hypervisors
// share their block in the fixtures).
func (e *env) freeIPv4(group int) int64 {
	e.t.Helper()
	res := e.c.Do("GET", fmt.Sprintf("/compute/hypervisors/groups/%d/resources", group), nil).Expect(e.t, 200)
	return res.Int("data", 0, "resources", "network", "total", "ipv4", "free")
}

func (e *env) serverCount() int64 {
	e.t.Helper()
	return e.c.Do("GET", "/servers?results=1", nil).Expect(e.t, 200).Int("total")
}

func setMaintenance(t *testing.T, s *simtest.Sim, hv int64, on bool) {
	t.Helper()
	err := s.World(simtest.DefaultToken).Update(func(tx *state.Tx) error { return virtfusion.SetMaintenance(tx, hv, on) })
	if err != nil {
		t.Fatal(err)
	}
}
