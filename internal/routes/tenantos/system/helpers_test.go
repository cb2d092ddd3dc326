package system_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// Users of the default world (fixtures/tenantos/world.yaml).
const (
	admin       = 1
	reseller    = 2
	customer    = 3
	subcustomer = 4
)

// env is a simulator and the admin's client of the Tenantos API.
type env struct {
	t testing.TB
	s *simtest.Sim
	c *simtest.Client
}

func newEnv(t testing.TB) *env {
	s := simtest.New(t)
	return &env{t: t, s: s, c: s.Client("tenantos", simtest.DefaultToken)}
}

// as is the admin's token acting as user id (the impersonateUserId header).
func as(id int64) []string { return []string{tenantos.ImpersonateHeader, fmt.Sprint(id)} }

// do sends a request, acting as the user of hdr when given.
func (e *env) do(method, path string, body any, hdr ...string) *simtest.Response {
	return e.c.Do(method, path, body, hdr...)
}

// advance moves the world's clock.
func (e *env) advance(d time.Duration) { e.t.Helper(); e.s.Advance(simtest.DefaultToken, d) }

// restart restarts the simulator on the same data; the client is made again.
func (e *env) restart() {
	e.t.Helper()
	e.s.Restart()
	e.c = e.s.Client("tenantos", simtest.DefaultToken)
}

// view reads the world's store.
func (e *env) view(fn func(tx *state.Tx) error) {
	e.t.Helper()
	if err := e.s.World(simtest.DefaultToken).View(fn); err != nil {
		e.t.Fatal(err)
	}
}

// expect422 fails unless res is Laravel's 422 naming field.
func expect422(t testing.TB, res *simtest.Response, field string) {
	t.Helper()
	res.Expect(t, 422)
	if res.Get("errors", field) == nil {
		t.Fatalf("422 does not name %s: %v", field, res)
	}
}

// messages lists the messages of a backup run's tasks log.
func messages(res *simtest.Response) []string {
	var out []string
	for i := 0; i < res.Len("result", "tasks_log"); i++ {
		out = append(out, res.String("result", "tasks_log", i, "message"))
	}
	return out
}
