package devices_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// env is a simulator with the default world and the administrator's client.
type env struct {
	t testing.TB
	s *simtest.Sim
	c *simtest.Client
}

func newEnv(t testing.TB) *env {
	s := simtest.New(t)
	return &env{t: t, s: s, c: s.Client("tenantos", simtest.DefaultToken)}
}

// do sends a request as the administrator.
func (e *env) do(method, path string, body any) *simtest.Response {
	return e.c.Do(method, path, body)
}

// as sends a request acting as user (the impersonateUserId header).
func (e *env) as(user int64, method, path string, body any) *simtest.Response {
	return e.c.Do(method, path, body, tenantos.ImpersonateHeader, fmt.Sprint(user))
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

// update writes the world's store (to set up what no operation makes).
func (e *env) update(fn func(tx *state.Tx) error) {
	e.t.Helper()
	if err := e.s.World(simtest.DefaultToken).Update(fn); err != nil {
		e.t.Fatal(err)
	}
}

// server reads a server through the API.
func (e *env) server(id int64) *simtest.Response {
	e.t.Helper()
	return e.do("GET", fmt.Sprintf("/servers/%d", id), nil).Expect(e.t, 200)
}

// features is a server's powerprovider.supportedFeatures.
func (e *env) features(id int64) []string {
	e.t.Helper()
	return strs(e.server(id), "result", "powerprovider", "supportedFeatures")
}

// connections lists a server's connections by type: type -> ids.
func (e *env) connections(server int64) map[string][]int64 {
	e.t.Helper()
	res := e.do("GET", fmt.Sprintf("/servers/%d/connections", server), nil).Expect(e.t, 200)
	out := map[string][]int64{}
	for i := 0; i < res.Len("result"); i++ {
		typ := res.String("result", i, "related_data", "type")
		out[typ] = append(out[typ], res.Int("result", i, "id"))
	}
	return out
}

// count is how many connections a server has.
func (e *env) count(server int64) int {
	e.t.Helper()
	n := 0
	for _, ids := range e.connections(server) {
		n += len(ids)
	}
	return n
}

// conn is the id of a server's first connection of a type (fails when there is none).
func (e *env) conn(server int64, typ string) int64 {
	e.t.Helper()
	ids := e.connections(server)[typ]
	if len(ids) == 0 {
		e.t.Fatalf("server %d has no %s connection", server, typ)
	}
	return ids[0]
}

// test is what testServerConnection answers for a connection.
func (e *env) test(server, conn int64) string {
	e.t.Helper()
	return e.do("GET", fmt.Sprintf("/servers/%d/connections/%d/test", server, conn), nil).Expect(e.t, 200).String("result")
}

// action runs a network device action (administrator).
func (e *env) action(device int64, name string, body any) *simtest.Response {
	return e.do("POST", fmt.Sprintf("/networkDevices/%d/actions/%s", device, name), body)
}

// extended reads a device's extendedDetails.
func (e *env) extended(device int64) *simtest.Response {
	e.t.Helper()
	return e.do("GET", fmt.Sprintf("/networkDevices/%d/extendedDetails", device), nil).Expect(e.t, 200)
}

// port finds a port of extendedDetails by id: its index in extendedDetails.ports.
func port(res *simtest.Response, id int64) int {
	for i := 0; i < res.Len("result", "extendedDetails", "ports"); i++ {
		if res.Int("result", "extendedDetails", "ports", i, "id") == id {
			return i
		}
	}
	return -1
}

// bmcUsers lists a server's BMC users: name -> listUsers entry index.
func (e *env) bmcUsers(server int64) *simtest.Response {
	e.t.Helper()
	return e.do("GET", fmt.Sprintf("/servers/%d/bmc/users/listUsers", server), nil).Expect(e.t, 200)
}

// bmcUser finds a BMC user by name in listUsers (-1 when absent).
func bmcUser(res *simtest.Response, name string) int {
	for i := 0; i < res.Len("result"); i++ {
		if res.String("result", i, "name") == name {
			return i
		}
	}
	return -1
}

// ipmitool runs a raw BMC command through the servers group.
func (e *env) ipmitool(server int64, cmd string) string {
	e.t.Helper()
	return e.do("POST", fmt.Sprintf("/servers/%d/bmc/executeCommand", server), map[string]any{"command": cmd}).Expect(e.t, 200).String("result")
}

// hasActivity reports whether a server has an activity entry of rootType with description.
func (e *env) hasActivity(serverID int64, rootType, desc string) bool {
	e.t.Helper()
	found := false
	e.view(func(tx *state.Tx) error {
		return tenantos.Activities.Each(tx, func(a *tenantos.Activity) error {
			found = found || (a.RelationType == "servers" && a.RelationID == serverID && a.RootType == rootType && a.Description == desc)
			return nil
		})
	})
	return found
}

// strs reads a list of strings at path.
func strs(res *simtest.Response, path ...any) []string {
	var out []string
	list, _ := res.Get(path...).([]any)
	for _, v := range list {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
