package servers_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// TestPowerFlow: an action answers "executed" and changes the power at once; the cached status
// follows after the fixtures' powerStatus seconds; the activity log records it; a method the
// server does not support is 422 naming it.
func TestPowerFlow(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/servers/2/power/setPowerOff", nil).Expect(t, 200)
	if res.String("result") != "executed" || res.String("message") != "success" {
		t.Fatalf("setPowerOff: %v", res)
	}
	if st := e.server(2).String("result", "cachedPowerstatus"); st != "online" {
		t.Fatalf("cached status %s before the poll", st)
	}
	if st := e.do("GET", "/servers/2/power/getPowerStatus", nil).Expect(t, 200).String("result"); st != "offline" {
		t.Fatalf("getPowerStatus %s", st)
	}
	e.do("GET", "/servers/3/power/setPowerOff", nil).Expect(t, 200)
	e.advance(9 * time.Second)
	if st := e.server(3).String("result", "cachedPowerstatus"); st != "online" {
		t.Fatalf("cached status %s after 9 s", st)
	}
	e.advance(time.Second)
	if st := e.server(3).String("result", "cachedPowerstatus"); st != "offline" {
		t.Fatalf("cached status %s after 10 s", st)
	}
	e.do("GET", "/servers/3/power/setPowerOn", nil).Expect(t, 200)
	e.advance(time.Minute)
	if st := e.server(3).String("result", "cachedPowerstatus"); st != "online" {
		t.Fatalf("cached status %s after setPowerOn", st)
	}
	var entry *tenantos.Activity
	for _, a := range e.activities(3) {
		if a.RootType == "serverPower" && a.Description == "Executed Power Action setPowerOff" {
			entry = a
		}
	}
	if entry == nil || entry.RelationType != "servers" || entry.RelationID != 3 || entry.MetaHref != "/servers/3" ||
		entry.MetaText != "server-003" || entry.Method != "GET" || entry.Endpoint != "/api/servers/3/power/setPowerOff" {
		t.Fatalf("activity entry: %+v", entry)
	}
	res = e.do("GET", "/servers/3/power/setPowerExplode", nil).Expect(t, 422)
	if !strings.Contains(res.String("message"), "setPowerExplode") || res.Get("errors", "serverPowerMethod") == nil {
		t.Fatalf("unsupported method: %v", res)
	}
	// Server 5 switches through a PDU: no reset.
	e.do("GET", "/servers/5/power/setPowerReset", nil).Expect(t, 422)
	e.do("GET", "/servers/5/power/setPowerCycle", nil).Expect(t, 200)
}

// TestSetBootType: setBootType needs a boot device (query or body), among those of the
// server's kind.
func TestSetBootType(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/servers/2/power/setBootType", nil).Expect(t, 422)
	if res.Get("errors", "params") == nil {
		t.Fatalf("no params: %v", res)
	}
	e.do("GET", "/servers/2/power/setBootType?params=pxe", nil).Expect(t, 200)
	e.do("GET", "/servers/2/power/setBootType", map[string]any{"params": "bios"}).Expect(t, 200)
	e.do("GET", "/servers/2/power/setBootType?params=moon", nil).Expect(t, 422)
	e.addVM(40, 1)
	e.do("GET", "/servers/40/power/setBootType?params=bios", nil).Expect(t, 422)
	e.do("GET", "/servers/40/power/setBootType?params=disk", nil).Expect(t, 200)
	var boot2, boot40 string
	e.view(func(tx *state.Tx) error {
		a, _ := tenantos.Servers.Get(tx, 2)
		b, err := tenantos.Servers.Get(tx, 40)
		boot2, boot40 = a.BootType, b.BootType
		return err
	})
	if boot2 != "bios" || boot40 != "disk" {
		t.Fatalf("boot types %q %q", boot2, boot40)
	}
}

// TestSuspend: billing modules suspend with suspendUserIds [owner] and power off, and
// unsuspend with [] and power on; the suspended user may not act on the server meanwhile,
// the admin may.
func TestSuspend(t *testing.T) {
	e := newEnv(t)
	res := e.do("PUT", "/servers/1", map[string]any{"suspendUserIds": []int{3}}).Expect(t, 200)
	if got := res.Get("result", "suspendedUserIds"); len(got.([]any)) != 1 {
		t.Fatalf("suspended: %v", res)
	}
	if !e.hasActivity(1, "servers", "Suspended server for user ids 3") {
		t.Fatalf("no suspension entry: %+v", e.activities(1))
	}
	e.do("GET", "/servers/1/power/setPowerOff", nil).Expect(t, 200)
	e.do("GET", "/servers/1/power/setPowerOn", nil, as(3)...).Expect(t, 403)
	e.do("GET", "/servers/1/console/start?authorizedIp=10.0.0.1", nil, as(3)...).Expect(t, 403)
	e.do("POST", "/servers/1/provisioning/startReinstallation", map[string]any{"profileId": 1, "rootpassword": "Secret-Pass-1"}, as(3)...).Expect(t, 403)
	if got := e.do("GET", "/servers/1", nil, as(3)...).Expect(t, 200); got.Len("result", "suspendedUserIds") != 1 {
		t.Fatalf("the suspended user sees: %v", got)
	}
	res = e.do("PUT", "/servers/1", map[string]any{"suspendUserIds": []int{}}).Expect(t, 200)
	if n := res.Len("result", "suspendedUserIds"); n != 0 {
		t.Fatalf("unsuspended: %v", res)
	}
	e.do("GET", "/servers/1/power/setPowerOn", nil, as(3)...).Expect(t, 200)

	// suspendPowerAction does the power part itself.
	e.do("PUT", "/servers/1", map[string]any{"suspendUserIds": []int{3}, "suspendPowerAction": "setPowerOff"}).Expect(t, 200)
	e.advance(time.Minute)
	if st := e.server(1).String("result", "cachedPowerstatus"); st != "offline" {
		t.Fatalf("suspendPowerAction setPowerOff: %s", st)
	}
	// Unassigning lifts the owner's suspension.
	res = e.do("PUT", "/servers/1", map[string]any{"user_id": nil}).Expect(t, 200)
	if res.Len("result", "suspendedUserIds") != 0 {
		t.Fatalf("unassigned server keeps the suspension: %v", res)
	}
}

// TestBmcCommand: ipmitool's answers from the server's state; power commands act.
func TestBmcCommand(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/servers/2/bmc/executeCommand", map[string]any{"command": "chassis status"}).Expect(t, 200)
	if !strings.HasPrefix(res.String("result"), "System Power         : on\nPower Overload       : false") {
		t.Fatalf("chassis status: %v", res)
	}
	if r := e.do("POST", "/servers/2/bmc/executeCommand", map[string]any{"command": "power off"}).Expect(t, 200).String("result"); r != "Chassis Power Control: Down/Off" {
		t.Fatalf("power off: %q", r)
	}
	if r := e.do("POST", "/servers/2/bmc/executeCommand", map[string]any{"command": "chassis power status"}).Expect(t, 200).String("result"); r != "Chassis Power is off" {
		t.Fatalf("power status: %q", r)
	}
	e.advance(time.Minute)
	if st := e.server(2).String("result", "cachedPowerstatus"); st != "offline" {
		t.Fatalf("after power off: %s", st)
	}
	if r := e.do("POST", "/servers/2/bmc/executeCommand", map[string]any{"command": "frobnicate"}).Expect(t, 200).String("result"); r != "Invalid command: frobnicate" {
		t.Fatalf("unknown: %q", r)
	}
	if r := e.do("POST", "/servers/2/bmc/executeCommand", map[string]any{"command": "mc info"}).Expect(t, 200).String("result"); !strings.Contains(r, "IPMI Version              : 2.0") {
		t.Fatalf("mc info: %q", r)
	}
	if r := e.do("POST", "/servers/2/bmc/executeCommand", map[string]any{"command": "sdr"}).Expect(t, 200).String("result"); !strings.Contains(r, "no reading") {
		t.Fatalf("sensors of an off server: %q", r)
	}
	e.do("POST", "/servers/5/bmc/executeCommand", map[string]any{"command": "chassis status"}).Expect(t, 422)
	e.do("POST", "/servers/1/bmc/executeCommand", map[string]any{"command": "chassis status"}, as(3)...).Expect(t, 403)
	e.do("POST", "/servers/2/bmc/executeCommand", map[string]any{}).Expect(t, 422)
	if !e.hasActivity(2, "serverPower", "Executed BMC command power off") {
		t.Fatalf("no BMC entry: %+v", e.activities(2))
	}
}

// TestConsole: a session token from crypto/rand, with the URL that opens it; refusals.
func TestConsole(t *testing.T) {
	e := newEnv(t)
	hex40 := regexp.MustCompile(`^[0-9a-f]{40}$`)
	a := e.do("GET", "/servers/2/console/start?authorizedIp=10.0.0.10&consoleMode=web", nil).Expect(t, 200)
	b := e.do("GET", "/servers/2/console/start", map[string]any{"authorizedIp": "10.0.0.10"}).Expect(t, 200)
	ta, tb := a.String("result", "token"), b.String("result", "token")
	if !hex40.MatchString(ta) || !hex40.MatchString(tb) || ta == tb || !strings.HasSuffix(a.String("result", "accessUrl"), "/console/"+ta) {
		t.Fatalf("tokens %v %v", a, b)
	}
	e.do("GET", "/servers/2/console/start", nil).Expect(t, 422)
	e.do("GET", "/servers/2/console/start?authorizedIp=nope", nil).Expect(t, 422)
	e.do("GET", "/servers/2/console/start?authorizedIp=10.0.0.1&consoleMode=telnet", nil).Expect(t, 422)
	e.do("GET", "/servers/1/console/start?authorizedIp=10.0.0.1", nil, as(3)...).Expect(t, 200)
	e.do("GET", "/servers/2/console/start?authorizedIp=10.0.0.1", nil, as(3)...).Expect(t, 404)
}
