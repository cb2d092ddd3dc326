package vps_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
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

// as acts as user id (the impersonateUserId header).
func as(id int64) []string { return []string{tenantos.ImpersonateHeader, fmt.Sprint(id)} }

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

func (e *env) view(fn func(tx *state.Tx) error) {
	e.t.Helper()
	if err := e.s.World(simtest.DefaultToken).View(fn); err != nil {
		e.t.Fatal(err)
	}
}

// vm makes a VM of a plan for a user through POST /api/servers and answers its id.
func (e *env) vm(plan, owner int64, name string) int64 {
	e.t.Helper()
	res := e.do("POST", "/servers", map[string]any{"hostname": name + ".example.com", "servername": name, "servertype": "vm",
		"vpsplan": plan, "user_id": fmt.Sprint(owner)}).Expect(e.t, 200)
	id := res.Int("result", "id")
	if id == 0 {
		e.t.Fatalf("no server id: %v", res)
	}
	return id
}

// destroy deletes a VM with destroy:true.
func (e *env) destroy(id int64) {
	e.t.Helper()
	e.do("DELETE", fmt.Sprintf("/servers/%d", id), map[string]any{"destroy": true}).Expect(e.t, 200)
}

// usage is what getExternalProvider shows of a node: memory used (MB), storage used (GB).
type usage struct {
	UsedMemMB, UsedStorageGB int64
	Servers                  int
}

func (e *env) node(providerID int64, name string) usage {
	e.t.Helper()
	res := e.do("GET", fmt.Sprintf("/externalProviders/%d", providerID), nil).Expect(e.t, 200)
	used := num(res.Get("result", "nodeResources", name, "usedMem"))
	st := res.Get("result", "providerDetails", "storages", name, 0, "used")
	servers := len(list(res.Get("result", "usage", "serverIds")))
	return usage{UsedMemMB: used >> 20, UsedStorageGB: num(st) >> 30, Servers: servers}
}

// task reads a task (admin).
func (e *env) task(id int64) *simtest.Response {
	e.t.Helper()
	return e.do("GET", fmt.Sprintf("/tasks/%d", id), nil).Expect(e.t, 200)
}

// waitTask advances the clock until a task has finished, and answers its final state.
func (e *env) waitTask(id int64) string {
	e.t.Helper()
	for i := 0; i < 20; i++ {
		st := e.task(id).String("result", "status")
		if st != "pending" && st != "running" {
			return st
		}
		e.advance(time.Minute)
	}
	e.t.Fatalf("task %d never finished: %v", id, e.task(id))
	return ""
}

// backup makes a backup of a VM and waits for it.
func (e *env) backup(vm int64) int64 {
	e.t.Helper()
	res := e.do("POST", fmt.Sprintf("/servers/%d/backups", vm), map[string]any{"options": map[string]any{"notes": "test"}}).Expect(e.t, 200)
	id := res.Int("result", "id")
	if st := e.waitTask(id); st != "completed" {
		e.t.Fatalf("backup task %d: %s", id, st)
	}
	return id
}

// snapshot takes a snapshot of a VM and waits for it.
func (e *env) snapshot(vm int64, name string) int64 {
	e.t.Helper()
	res := e.do("POST", fmt.Sprintf("/servers/%d/snapshots", vm),
		map[string]any{"options": map[string]any{"name": name, "description": "test", "includeMemory": false}}).Expect(e.t, 200)
	id := res.Int("result", "id")
	if st := e.waitTask(id); st != "completed" {
		e.t.Fatalf("snapshot task %d: %s", id, st)
	}
	return id
}

// snapshots lists a VM's snapshots by name.
func (e *env) snapshots(vm int64) map[string]map[string]any {
	e.t.Helper()
	res := e.do("GET", fmt.Sprintf("/servers/%d/snapshots", vm), nil).Expect(e.t, 200)
	out := map[string]map[string]any{}
	for _, s := range list(res.Get("result", "snapshots")) {
		m := s.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

func num(v any) int64 {
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		if err != nil {
			f, _ := x.Float64()
			return int64(f)
		}
		return n
	case float64:
		return int64(x)
	}
	return 0
}

func list(v any) []any { a, _ := v.([]any); return a }

// freeIPs counts the free addresses of a subnet.
func (e *env) freeIPs(subnet int64) int {
	e.t.Helper()
	n := 0
	e.view(func(tx *state.Tx) error {
		ips, err := tenantos.SubnetIPs(tx, subnet)
		for _, ip := range ips {
			if ip.ServerID == 0 && !ip.Reserved {
				n++
			}
		}
		return err
	})
	return n
}
