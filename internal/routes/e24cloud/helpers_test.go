package e24cloud_test

import (
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// Fixture facts (fixtures/e24cloud/world.yaml).
const (
	zonePoz       = "24e12e20-0851-5354-e2c3-04b16c4c9c45"
	zoneWaw       = "0daeacdb-7b1b-f510-d44e-ec8fd457d7aa"
	tmplUbuntu    = "2528"
	tmplWindows   = "2700"
	defaultSecret = "panelsim-secret"
	installTime   = 120 * time.Second
)

type env struct {
	t *testing.T
	s *simtest.Sim
	c *simtest.Client
}

func newEnv(t *testing.T, opts ...simtest.Option) *env {
	t.Helper()
	s := simtest.New(t, opts...)
	return &env{t: t, s: s, c: s.E24Client(simtest.DefaultToken, defaultSecret)}
}

func (e *env) advance(d time.Duration) { e.t.Helper(); e.s.Advance(simtest.DefaultToken, d) }

// vm creates a VM and returns its id (still installing).
func (e *env) vm(name string) string {
	e.t.Helper()
	res := e.c.Do("PUT", "/virtual-machines", map[string]any{"create_vm": map[string]any{
		"cpus": 2, "ram": 2048, "zone_id": zonePoz, "name": name, "boot_type": "image", "os": tmplUbuntu, "password": "Secret123!"}})
	res.Expect(e.t, 200)
	return res.String("virtual_machine", "id")
}

// online creates a VM and runs the clock until it is installed.
func (e *env) online(name string) string {
	e.t.Helper()
	id := e.vm(name)
	e.advance(installTime)
	return id
}

func (e *env) get(id string) *simtest.Response {
	e.t.Helper()
	return e.c.Do("GET", "/virtual-machines/"+id, nil)
}

func (e *env) state(id string) string {
	e.t.Helper()
	return e.get(id).String("virtual_machine", "state")
}
