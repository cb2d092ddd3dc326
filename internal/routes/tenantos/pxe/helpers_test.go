package pxe_test

import (
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

// installSeconds is how long an install takes in the default fixtures (the sum of its steps).
const installSeconds = 60 + 120 + 60 + 420 + 90 + 60

// profileBody is a minimal profile to create.
func profileBody(name string, tags ...string) map[string]any {
	return map[string]any{"tags": tags, "osName": name, "pxeType": "kickstart", "pxeConfig": "#!ipxe", "cacheDirectory": "alma9"}
}

// create makes a record through the API (admin) and answers its id.
func (e *env) create(path string, body map[string]any) int64 {
	e.t.Helper()
	id := e.do("POST", path, body).Expect(e.t, 200).Int("result", "id")
	if id == 0 {
		e.t.Fatalf("POST %s: no id", path)
	}
	return id
}

// offered is what getProfiles offers for a server, acting as hdr: the profiles by id, each
// with the ids of its disk layouts and scripts.
type offer struct {
	name             string
	layouts, scripts []int64
}

func (e *env) offered(server int64, hdr ...string) map[int64]offer {
	e.t.Helper()
	res := e.do("GET", fmt.Sprintf("/servers/%d/provisioning/getProfiles", server), nil, hdr...).Expect(e.t, 200)
	out := map[int64]offer{}
	for i := 0; i < res.Len("result"); i++ {
		o := offer{name: res.String("result", i, "name")}
		for j := 0; j < res.Len("result", i, "disklayouts"); j++ {
			o.layouts = append(o.layouts, res.Int("result", i, "disklayouts", j, "id"))
		}
		for j := 0; j < res.Len("result", i, "scripts"); j++ {
			o.scripts = append(o.scripts, res.Int("result", i, "scripts", j, "id"))
		}
		out[res.Int("result", i, "id")] = o
	}
	return out
}

// refs reads the ids of a list of {id, name} at path.
func refs(res *simtest.Response, path ...any) []int64 {
	var out []int64
	for i := 0; i < res.Len(path...); i++ {
		out = append(out, res.Int(append(append([]any{}, path...), i, "id")...))
	}
	return out
}

// ids reads the ids of the list of objects in result.
func ids(res *simtest.Response) []int64 { return refs(res, "result") }

func has(list []int64, id int64) bool {
	for _, v := range list {
		if v == id {
			return true
		}
	}
	return false
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

// reinstall starts an install of profile on server with the extra fields of body.
func (e *env) reinstall(server, profile int64, body map[string]any) *simtest.Response {
	if body == nil {
		body = map[string]any{}
	}
	body["profileId"], body["rootpassword"] = profile, "Secret-Pass-1"
	return e.do("POST", fmt.Sprintf("/servers/%d/provisioning/startReinstallation", server), body)
}

// hasActivity reports whether the system activity log has an entry with desc.
func (e *env) hasActivity(desc string) bool {
	e.t.Helper()
	found := false
	e.view(func(tx *state.Tx) error {
		return tenantos.Activities.Each(tx, func(a *tenantos.Activity) error {
			found = found || (a.RelationType == "system" && a.Description == desc)
			return nil
		})
	})
	return found
}

// profiles counts the PXE profile records, deleted ones included.
func (e *env) profiles() int {
	e.t.Helper()
	n := 0
	e.view(func(tx *state.Tx) error { n = tenantos.PxeProfiles.Count(tx); return nil })
	return n
}
