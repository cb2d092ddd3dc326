package inventory_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// TestDetection: the command's URLs point at the listener; the script is served without a
// token; the server shows hardwarecollectRunning until a plain POST of a report to the
// callback arrives, which rewrites its items, detailedHardwareInformation and hardware
// summary, and is in its activity log as the system's.
func TestDetection(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/servers/1/inventory/getInventoryCommand", nil).Expect(t, 200)
	m := oneLiner.FindStringSubmatch(res.String("result"))
	if m == nil || m[1] != e.c.Root || m[2] != e.c.Root {
		t.Fatalf("command %q, listener %s", res.String("result"), e.c.Root)
	}
	secret := m[3]
	if e.do("GET", "/servers/1", nil).Expect(t, 200).Int("result", "hardwarecollectRunning") != 1 {
		t.Fatal("hardwarecollectRunning not set by the command")
	}
	if !e.hasActivity(1, "Started the hardware detection") {
		t.Fatalf("activity: %+v", e.activities(1))
	}
	// The script, without a token.
	resp, err := http.Get(m[1] + "/api/scripts/hwdetect")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/x-shellscript") {
		t.Fatalf("script: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	res = e.report(secret, sampleReport()).Expect(t, 200)
	if res.String("result") != "ok" {
		t.Fatalf("callback: %v", res)
	}
	srv := e.do("GET", "/servers/1", nil).Expect(t, 200)
	hw := func(path ...any) any {
		return srv.Get(append([]any{"result", "detailedHardwareInformation"}, path...)...)
	}
	if srv.Int("result", "hardwarecollectRunning") != 0 || hw("mainboard", "model") != "X12STH-F" || hw("mainboard", "value") != "1.02" ||
		fmt.Sprint(hw("memory", "value")) != "65536" || fmt.Sprint(hw("memory", "count")) != "2" ||
		hw("cpu", "model") != "Intel(R) Xeon(R) E-2388G CPU @ 3.20GHz" || hw("cpu", "value") != "3200" || hw("cpu", "cores") != "8" ||
		hw("cpu", "threads") != "16" || fmt.Sprint(hw("cpu", "mhzTurbo")) != "5100" ||
		fmt.Sprint(hw("disk", "value")) != fmt.Sprint(915715+3815447) || hw("disk", "model") != "multiple" || fmt.Sprint(hw("disk", "count")) != "2" {
		t.Fatalf("server after the report: %v", srv.Get("result", "detailedHardwareInformation"))
	}
	with := e.do("GET", "/servers/1/hwsummary/withDetails", nil).Expect(t, 200)
	if !reflect.DeepEqual(plain(t, with.Get("result")), plain(t, hw())) {
		t.Fatalf("summary %v, server %v", with.Get("result"), hw())
	}
	items := e.do("GET", "/servers/1/inventory", nil).Expect(t, 200)
	var kinds []string
	for i := 0; i < items.Len("result"); i++ {
		kinds = append(kinds, items.String("result", i, "root_component", "description"))
	}
	if strings.Join(kinds, ",") != "Mainboard Model,BIOS,System,CPU Model,RAM,RAM,Disk,Disk,NIC" {
		t.Fatalf("items after the report: %s", strings.Join(kinds, ","))
	}
	if d := items.Get("result", 6, "customfields", 0, "value"); d != "3" {
		t.Fatalf("NVMe disk's type: %v", items.Get("result", 6))
	}
	var entry *tenantos.Activity
	for _, a := range e.activities(1) {
		if a.Description == "Hardware information updated by the detection script" {
			entry = a
		}
	}
	if entry == nil || entry.UserID != 0 || strings.Contains(entry.Endpoint, secret) || entry.RootType != "serverInventory" {
		t.Fatalf("activity of the report: %+v", entry)
	}
	log := e.do("GET", "/servers/1/activitylog", nil).Expect(t, 200)
	if log.String("result", 0, "description") != "Hardware information updated by the detection script" || log.String("result", 0, "userId") != "system" {
		t.Fatalf("activity log: %v", log.Get("result", 0))
	}
	// Items added through the API stay through a report; detected ones are replaced.
	e.do("POST", "/servers/1/inventory", map[string]any{"inventorycomponent_id": 7, "model": "Spare", "value": "1000"}).Expect(t, 200)
	rep := sampleReport()
	rep["disks"] = []any{map[string]any{"name": "sdb", "model": "New disk", "sizeMb": 2000, "type": "ssd"}}
	delete(rep, "memory")
	e.report(secret, rep).Expect(t, 200)
	sum := e.do("GET", "/servers/1/hwsummary", nil).Expect(t, 200)
	if sum.Int("result", "disk", "count") != 2 || sum.Int("result", "disk", "value") != 3000 || sum.Int("result", "memory", "value") != 65536 {
		t.Fatalf("summary after a second report: %v", sum)
	}
	// A new command replaces the secret: the old one is 404 and changes nothing.
	next := e.command(1)
	if next == secret {
		t.Fatal("the same secret twice")
	}
	before := plain(t, e.hardware(1))
	e.report(secret, sampleReport()).Expect(t, 404)
	if got := plain(t, e.hardware(1)); !reflect.DeepEqual(got, before) {
		t.Fatal("a replaced secret changed the hardware")
	}
	e.report(next, sampleReport()).Expect(t, 200)
}

// TestCallbackRefusals: a wrong secret is 404 and a report that is not one is 422; neither
// changes anything.
func TestCallbackRefusals(t *testing.T) {
	e := newEnv(t)
	secret := e.command(2)
	before := plain(t, e.hardware(2))
	n := e.do("GET", "/servers/2/inventory", nil).Expect(t, 200).Len("result")
	res := e.report(strings.Repeat("ab", 16), sampleReport()).Expect(t, 404)
	if res.String("message") == "" {
		t.Fatalf("404 without a message: %v", res)
	}
	e.report(simtest.DefaultToken, sampleReport()).Expect(t, 404) // the world's own token is no secret
	cases := []struct {
		body  any
		field string
	}{
		{"not json at all", "mainboard"},
		{[]any{1, 2}, "mainboard"},
		{map[string]any{}, "mainboard"},
		{map[string]any{"mainboard": map[string]any{"model": ""}}, "mainboard"},
		{map[string]any{"cpus": "many"}, "cpus"},
		{map[string]any{"mainboard": "X11"}, "mainboard"},
		{map[string]any{"disks": []any{map[string]any{"sizeMb": -1}}}, "disks.0.sizeMb"},
		{map[string]any{"disks": []any{map[string]any{"sizeMb": 10, "type": "tape"}}}, "disks.0.type"},
		{map[string]any{"memory": []any{map[string]any{"sizeMb": "lots"}}}, "memory.0.sizeMb"},
		{map[string]any{"memory": []any{"x"}}, "memory.0"},
		{map[string]any{"cpus": []any{map[string]any{"model": strings.Repeat("x", 300)}}}, "cpus.0.model"},
		{map[string]any{"cpus": []any{map[string]any{"model": "ok", "cores": 4}}, "bios": map[string]any{"vendor": true}}, "bios.vendor"},
	}
	for i, tc := range cases {
		res := e.report(secret, tc.body).Expect(t, 422)
		if res.Get("errors", tc.field) == nil || res.String("message") == "" {
			t.Fatalf("case %d: no error on %s: %v", i, tc.field, res)
		}
	}
	if got := plain(t, e.hardware(2)); !reflect.DeepEqual(got, before) {
		t.Fatalf("hardware changed by refusals: %v", got)
	}
	if got := e.do("GET", "/servers/2/inventory", nil).Expect(t, 200).Len("result"); got != n {
		t.Fatalf("%d items after refusals, want %d", got, n)
	}
	if e.do("GET", "/servers/2", nil).Expect(t, 200).Int("result", "hardwarecollectRunning") != 1 {
		t.Fatal("a refused report ended the command")
	}
}

// TestSecretOpensNothingElse: the callback secret is no bearer token of the API, of another
// provider or of the control API.
func TestSecretOpensNothingElse(t *testing.T) {
	e := newEnv(t)
	secret := e.command(1)
	e.s.Client("tenantos", secret).Do("GET", "/servers", nil).Expect(t, 401)
	e.s.Client("tenantos", secret).Do("GET", "/servers/1/inventory", nil).Expect(t, 401)
	e.s.Client("virtfusion", secret).Do("GET", "/servers", nil).Expect(t, 401)
	e.s.Client("tenantos", secret).Control("GET", "/_sim/clock", nil).Expect(t, 401, 403)
	e.report(secret, sampleReport()).Expect(t, 200) // and it still works where it should
}

// TestCallbackAfterReset: a world reset forgets its commands: the old secret is 404 and the
// world keeps its fixtures.
func TestCallbackAfterReset(t *testing.T) {
	e := newEnv(t)
	secret := e.command(1)
	e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
	before := plain(t, e.hardware(1))
	e.report(secret, sampleReport()).Expect(t, 404)
	if got := plain(t, e.hardware(1)); !reflect.DeepEqual(got, before) {
		t.Fatal("a secret of before the reset changed the world")
	}
	if e.do("GET", "/servers/1", nil).Expect(t, 200).Int("result", "hardwarecollectRunning") != 0 {
		t.Fatal("hardwarecollectRunning after the reset")
	}
}

// TestCallbackOtherWorld: a secret of another world changes that world only.
func TestCallbackOtherWorld(t *testing.T) {
	e := newEnv(t, simtest.WithTokens("other-world-token"))
	other := e.s.Client("tenantos", "other-world-token")
	res := other.Do("GET", "/servers/1/inventory/getInventoryCommand", nil).Expect(t, 200)
	m := oneLiner.FindStringSubmatch(res.String("result"))
	if m == nil {
		t.Fatalf("command: %v", res)
	}
	before := plain(t, e.hardware(1))
	e.report(m[3], sampleReport()).Expect(t, 200)
	if got := plain(t, e.hardware(1)); !reflect.DeepEqual(got, before) {
		t.Fatal("another world's secret changed this world")
	}
	got := other.Do("GET", "/servers/1", nil).Expect(t, 200)
	if got.String("result", "detailedHardwareInformation", "mainboard", "model") != "X12STH-F" {
		t.Fatalf("the other world: %v", got.Get("result", "detailedHardwareInformation"))
	}
}

// TestDetectionRestart: a pending command's secret works after a restart, and
// hardwarecollectRunning ends after an hour of the world's clock without a report (the
// secret still takes a late one).
func TestDetectionRestart(t *testing.T) {
	e := newEnv(t)
	first, second := e.command(1), e.command(3)
	e.restart()
	if e.do("GET", "/servers/1", nil).Expect(t, 200).Int("result", "hardwarecollectRunning") != 1 {
		t.Fatal("hardwarecollectRunning lost in the restart")
	}
	e.report(first, sampleReport()).Expect(t, 200)
	if e.hardware(1)["mainboard"].(map[string]any)["model"] != "X12STH-F" {
		t.Fatal("the report after the restart changed nothing")
	}
	e.advance(59 * time.Minute)
	if e.do("GET", "/servers/3", nil).Expect(t, 200).Int("result", "hardwarecollectRunning") != 1 {
		t.Fatal("hardwarecollectRunning ended early")
	}
	e.restart()
	e.advance(2 * time.Minute)
	if e.do("GET", "/servers/3", nil).Expect(t, 200).Int("result", "hardwarecollectRunning") != 0 {
		t.Fatal("hardwarecollectRunning still set after an hour")
	}
	e.report(second, sampleReport()).Expect(t, 200)
	if e.hardware(3)["cpu"].(map[string]any)["cores"] != "8" {
		t.Fatal("the late report changed nothing")
	}
	// A newer command is not ended by the older one's expiry.
	e.command(3)
	e.advance(30 * time.Minute)
	e.command(3)
	e.advance(40 * time.Minute)
	if e.do("GET", "/servers/3", nil).Expect(t, 200).Int("result", "hardwarecollectRunning") != 1 {
		t.Fatal("an older command's expiry ended a newer one")
	}
}

// TestCommandScoping: the command is the administrator's (the default roles' permissions)
// and names a server that exists; a deleted server's secret leads nowhere and its items go
// with it.
func TestCommandScoping(t *testing.T) {
	e := newEnv(t)
	e.do("GET", "/servers/1/inventory/getInventoryCommand", nil, as(3)...).Expect(t, 403)
	e.do("GET", "/servers/5/inventory/getInventoryCommand", nil, as(2)...).Expect(t, 403)
	e.do("GET", "/servers/99/inventory/getInventoryCommand", nil).Expect(t, 404)
	if e.do("GET", "/servers/1", nil).Expect(t, 200).Int("result", "hardwarecollectRunning") != 0 {
		t.Fatal("a refused command set hardwarecollectRunning")
	}

	secret := e.command(2)
	e.do("DELETE", "/servers/2", nil).Expect(t, 200)
	e.report(secret, sampleReport()).Expect(t, 404)
	e.view(func(tx *state.Tx) error {
		if n := tx.Set(tenantos.Name, "inventoryItemsByServer").Len(state.ID(2)); n != 0 {
			t.Fatalf("%d items of the deleted server left", n)
		}
		return nil
	})
}

// TestScript runs the command as a shell would, with dmidecode, lscpu and lsblk stubbed:
// the script reports to the panel and the server's hardware follows.
func TestScript(t *testing.T) {
	for _, tool := range []string{"bash", "wget", "awk", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	e := newEnv(t)
	res := e.do("GET", "/servers/4/inventory/getInventoryCommand", nil).Expect(t, 200)
	dir := t.TempDir()
	stub := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	stub("dmidecode", `case "$1 $2" in
"-s baseboard-manufacturer") echo "ASRockRack" ;;
"-s baseboard-product-name") echo "E3C246D4U2-2T" ;;
"-s baseboard-version") echo "1.01" ;;
"-s baseboard-serial-number") echo "To Be Filled By O.E.M." ;;
"-s bios-vendor") echo "American Megatrends Inc." ;;
"-s bios-version") echo "L2.21" ;;
"-s bios-release-date") echo "04/11/2020" ;;
"-s system-manufacturer") echo "ASRockRack" ;;
"-s system-product-name") echo "1U2-E3C246" ;;
"-s system-serial-number") echo "SN-\"quoted\"" ;;
"-t 4") printf 'Processor Information\n\tCurrent Speed: 3600 MHz\n' ;;
"-t 17") printf 'Handle 0x0030, DMI type 17, 40 bytes\nMemory Device\n\tSize: 16 GB\n\tManufacturer: Samsung\n\tSerial Number: 1234\n\tPart Number: M391A2K43DB1-CVF   \n\nHandle 0x0031, DMI type 17, 40 bytes\nMemory Device\n\tSize: No Module Installed\n\tPart Number: NO DIMM\n\nHandle 0x0032, DMI type 17, 40 bytes\nMemory Device\n\tSize: 16384 MB\n\tManufacturer: Samsung\n\tSerial Number: 5678\n\tPart Number: M391A2K43DB1-CVF\n' ;;
*) exit 1 ;;
esac
`)
	stub("lscpu", `printf 'Architecture:        x86_64\nModel name:          Intel(R) Xeon(R) E-2246G CPU @ 3.60GHz\nSocket(s):           1\nCore(s) per socket:  6\nThread(s) per core:  2\nCPU max MHz:         4800.0000\n'
`)
	stub("lsblk", `echo 'NAME="sda" MODEL="Samsung SSD 870 EVO 1TB" SERIAL="S6P" SIZE="1000204886016" ROTA="0" TRAN="sata" TYPE="disk"'
echo 'NAME="nvme0n1" MODEL="WDS500G3X0C-00SJG0" SERIAL="2038" SIZE="500107862016" ROTA="0" TRAN="nvme" TYPE="disk"'
echo 'NAME="loop0" MODEL="" SERIAL="" SIZE="65536" ROTA="0" TRAN="" TYPE="loop"'
`)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", res.String("result"))
	cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the command failed: %v\n%s", err, out)
	}
	srv := e.do("GET", "/servers/4", nil).Expect(t, 200)
	hw := func(path ...any) any {
		return srv.Get(append([]any{"result", "detailedHardwareInformation"}, path...)...)
	}
	if hw("mainboard", "model") != "E3C246D4U2-2T" || fmt.Sprint(hw("memory", "value")) != "32768" || fmt.Sprint(hw("memory", "count")) != "2" ||
		hw("memory", "model") != "M391A2K43DB1-CVF" || hw("cpu", "value") != "3600" || hw("cpu", "cores") != "6" || hw("cpu", "threads") != "12" ||
		fmt.Sprint(hw("cpu", "mhzTurbo")) != "4800" || fmt.Sprint(hw("disk", "count")) != "2" || fmt.Sprint(hw("disk", "value")) != fmt.Sprint(953869+476940) ||
		srv.Int("result", "hardwarecollectRunning") != 0 {
		t.Fatalf("hardware after the script: %v\n%s", srv.Get("result", "detailedHardwareInformation"), out)
	}
	items := e.do("GET", "/servers/4/inventory", nil).Expect(t, 200)
	found := false
	for i := 0; i < items.Len("result"); i++ {
		switch items.Int("result", i, "root_component", "id") {
		case 3: // system
			found = items.String("result", i, "serial") == `SN-"quoted"`
		case 6:
			if items.String("result", i, "serial") != "" {
				t.Fatalf("a firmware placeholder kept: %v", items.Get("result", i))
			}
		}
	}
	if !found {
		t.Fatalf("the system's serial did not come through: %v", items)
	}
}
