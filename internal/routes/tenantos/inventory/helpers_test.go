package inventory_test

import (
	"encoding/json"
	"fmt"
	"regexp"
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

func newEnv(t testing.TB, opts ...simtest.Option) *env {
	s := simtest.New(t, opts...)
	return &env{t: t, s: s, c: s.Client("tenantos", simtest.DefaultToken)}
}

// as is the admin's token acting as user id (the impersonateUserId header).
func as(id int64) []string { return []string{tenantos.ImpersonateHeader, fmt.Sprint(id)} }

// do sends a request, acting as the user of hdr when given.
func (e *env) do(method, path string, body any, hdr ...string) *simtest.Response {
	e.t.Helper()
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

// hardware is a server's detailedHardwareInformation as GET /api/servers/{id} answers it.
func (e *env) hardware(id int64) map[string]any {
	e.t.Helper()
	res := e.do("GET", fmt.Sprintf("/servers/%d", id), nil).Expect(e.t, 200)
	hw, _ := res.Get("result", "detailedHardwareInformation").(map[string]any)
	return hw
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

// hasActivity reports whether a server has an entry with description.
func (e *env) hasActivity(serverID int64, desc string) bool {
	for _, a := range e.activities(serverID) {
		if a.Description == desc {
			return true
		}
	}
	return false
}

// oneLiner matches getInventoryCommand's answer: the panel, twice, and the secret.
var oneLiner = regexp.MustCompile(`^wget -qO - (\S+)/api/scripts/hwdetect \| bash -s '(\S+)/api/servers/inventory/callback/([0-9a-f]{32})'$`)

// command asks for a server's detection command and returns its callback secret.
func (e *env) command(id int64, hdr ...string) string {
	e.t.Helper()
	res := e.do("GET", fmt.Sprintf("/servers/%d/inventory/getInventoryCommand", id), nil, hdr...).Expect(e.t, 200)
	m := oneLiner.FindStringSubmatch(res.String("result"))
	if m == nil {
		e.t.Fatalf("command: %v", res)
	}
	return m[3]
}

// report posts a detection report to a callback secret as the script does: no token.
func (e *env) report(secret string, body any) *simtest.Response {
	e.t.Helper()
	anon := e.s.Client("tenantos", "")
	return anon.Do("POST", "/servers/inventory/callback/"+secret, body)
}

// sampleReport is what the script sends for a small server with two disks.
func sampleReport() map[string]any {
	return map[string]any{
		"mainboard": map[string]any{"manufacturer": "Supermicro", "model": "X12STH-F", "version": "1.02", "serial": "ZM21AS001234"},
		"bios":      map[string]any{"vendor": "American Megatrends International, LLC.", "version": "2.1", "date": "02/17/2023"},
		"system":    map[string]any{"manufacturer": "Supermicro", "product": "SYS-5019C-M", "serial": "S123456X"},
		"cpus":      []any{map[string]any{"model": "Intel(R) Xeon(R) E-2388G CPU @ 3.20GHz", "mhz": 3200, "mhzTurbo": 5100, "cores": 8, "threads": 16}},
		"memory": []any{
			map[string]any{"model": "M391A4G43BB1-CWE", "manufacturer": "Samsung", "sizeMb": 32768, "serial": "0x1"},
			map[string]any{"model": "M391A4G43BB1-CWE", "manufacturer": "Samsung", "sizeMb": 32768, "serial": "0x2"},
			map[string]any{"model": "", "manufacturer": "", "sizeMb": 0, "serial": ""},
		},
		"disks": []any{
			map[string]any{"name": "nvme0n1", "model": "SAMSUNG MZQL2960HCJR-00A07", "sizeMb": 915715, "serial": "S64FNE0R1", "type": "NVMe"},
			map[string]any{"name": "sda", "model": "ST4000NM000A-2HZ100", "sizeMb": 3815447, "serial": "WS2ABC", "type": "HDD"},
		},
		"nics": []any{map[string]any{"name": "eno1", "mac": "3c:ec:ef:00:11:22", "model": "igb"}},
	}
}

// plain is v (an answer's decoded JSON, or any value) as JSON decodes it without
// json.Number, to compare answers with each other.
func plain(t testing.TB, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func itoa(n int64) string { return fmt.Sprint(n) }
