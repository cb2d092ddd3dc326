package servers_test

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

// as is the admin's token acting as user id (the impersonateUserId header).
func as(id int64) []string { return []string{tenantos.ImpersonateHeader, fmt.Sprint(id)} }

// do sends a request, acting as the user of hdr when given.
func (e *env) do(method, path string, body any, hdr ...string) *simtest.Response {
	return e.c.Do(method, path, body, hdr...)
}

// server reads a server through the API (admin), failing unless it is there.
func (e *env) server(id int64) *simtest.Response {
	e.t.Helper()
	return e.do("GET", fmt.Sprintf("/servers/%d", id), nil).Expect(e.t, 200)
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

// update writes the world's store (to set up what no operation of the group makes).
func (e *env) update(fn func(tx *state.Tx) error) {
	e.t.Helper()
	if err := e.s.World(simtest.DefaultToken).Update(fn); err != nil {
		e.t.Fatal(err)
	}
}

// activities lists the activity entries of a server, oldest first.
func (e *env) activities(serverID int64) []*tenantos.Activity {
	e.t.Helper()
	var out []*tenantos.Activity
	e.view(func(tx *state.Tx) error {
		return tenantos.Activities.Each(tx, func(a *tenantos.Activity) error {
			if a.RelationType == "servers" && a.RelationID == serverID {
				out = append(out, a)
			}
			return nil
		})
	})
	return out
}

// hasActivity reports whether a server has an entry of rootType with description.
func (e *env) hasActivity(serverID int64, rootType, desc string) bool {
	for _, a := range e.activities(serverID) {
		if a.RootType == rootType && a.Description == desc {
			return true
		}
	}
	return false
}

// ipOf reads an IP record by address.
func (e *env) ipOf(addr string) *tenantos.IP {
	e.t.Helper()
	var ip *tenantos.IP
	e.view(func(tx *state.Tx) error {
		var err error
		ip, err = tenantos.IPByAddress(tx, addr)
		return err
	})
	return ip
}

// addVM stores a VM record directly (what the VPS group's CreateVM would make), for the
// statistics and boot types of VMs, whatever the VPS group's state.
func (e *env) addVM(id, owner int64) {
	e.t.Helper()
	e.update(func(tx *state.Tx) error {
		now := tx.Now
		return tenantos.Servers.Put(tx, id, &tenantos.Server{ID: id, Hostname: "vm.example.com", Servername: "vm-test", UserID: owner,
			AssignedAt: now, OS: "Debian 12", ServerType: "vm", TypeOfServer: "vm", SuspendedUserIDs: []int64{},
			ReinstallationProvider: "pxe", PowerType: "proxmox", SupportedFeatures: []string{"getPowerStatus", "setPowerOff", "setPowerOn", "setPowerReset", "setBootType"},
			ConsoleType: "novnc", Tags: []string{}, Power: "online", PowerStatus: "online", Hardware: json.RawMessage("{}"),
			VM:      &tenantos.VM{PlanID: 1, ProviderID: 1, Node: "node01", VMID: 9000, MemoryMB: 2048, Cores: 2, Sockets: 1},
			Created: now.Add(-48 * time.Hour), Updated: now})
	})
}

// ids reads the ids of a list of objects in result.
func ids(res *simtest.Response) map[int64]bool {
	out := map[int64]bool{}
	for i := 0; i < res.Len("result"); i++ {
		out[res.Int("result", i, "id")] = true
	}
	return out
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
