package pxe_test

import (
	"fmt"
	"testing"
	"time"
)

// TestWindowsInformation: the editions on each medium.
func TestWindowsInformation(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/pxe/windows/getWindowsInformation", map[string]any{"mode": "iso"}).Expect(t, 200)
	if res.Len("result", "data") != 4 || res.String("result", "data", 0, "build") != "Windows Server 2022 SERVERSTANDARDCORE" ||
		res.String("result", "data", 0, "name") != "Windows Server 2022 Standard Evaluation" || res.String("result", "data", 0, "size") != "4810.42 MB" {
		t.Fatalf("iso: %v", res)
	}
	res = e.do("POST", "/pxe/windows/getWindowsInformation", map[string]any{"mode": "cdrom"}).Expect(t, 200)
	if res.Len("result", "data") != 4 || fmt.Sprint(strs(res, "result", "data", 1, "languages")) != "[en-us de-de]" {
		t.Fatalf("cdrom: %v", res)
	}
	e.do("POST", "/pxe/windows/getWindowsInformation", map[string]any{"mode": "usb"}).Expect(t, 422)
	e.do("POST", "/pxe/windows/getWindowsInformation", map[string]any{}).Expect(t, 422)
}

// TestWindowsImport: the chosen editions become profiles when the copy is done on the clock,
// a restart in the middle included; they are offered and install the server with Windows.
func TestWindowsImport(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"editions": []string{"Windows Server 2022 SERVERSTANDARD", "windows server 2022 datacenter evaluation"},
		"cacheDirectory": "win2k22", "language": "en-us", "mode": "iso"}
	e.do("POST", "/pxe/windows/importWindows", body).Expect(t, 200)
	if e.profiles() != 6 {
		t.Fatal("profiles made before the copy is done")
	}
	e.advance(3 * time.Minute)
	if e.profiles() != 6 {
		t.Fatal("profiles made too early")
	}
	e.restart()
	e.advance(2 * time.Minute)
	res := e.do("POST", "/pxe/tags/getPxeProfilesByTags", map[string]any{"tags": []string{"windows"}}).Expect(t, 200)
	if res.Len("result") != 2 || res.String("result", 0, "osName") != "Windows Server 2022 Standard Evaluation (Desktop Experience)" ||
		res.String("result", 1, "osName") != "Windows Server 2022 Datacenter Evaluation" || res.String("result", 0, "pxeType") != "windows" ||
		res.String("result", 0, "cacheDirectory") != "win2k22" || res.String("result", 0, "language") != "en-us" ||
		res.String("result", 0, "version") != "Windows Server 2022 SERVERSTANDARD" || fmt.Sprint(refs(res, "result", 0, "disklayouts")) != "[3]" ||
		res.Int("result", 0, "allow_ssh_keys") != 0 || res.Int("result", 0, "windows_skip_oobe") != 1 || res.Int("result", 0, "isStockTemplate") != 0 {
		t.Fatalf("imported: %v", res)
	}
	id := res.Int("result", 0, "id")
	offer, ok := e.offered(2)[id]
	if !ok || fmt.Sprint(offer.layouts) != "[3]" {
		t.Fatalf("offered: %v", e.offered(2))
	}
	grp := e.do("GET", "/servers/2/provisioning/getProfiles", nil).Expect(t, 200)
	for i := 0; i < grp.Len("result"); i++ {
		if grp.Int("result", i, "id") == id && (grp.String("result", i, "groupname") != "Windows" || grp.String("result", i, "grouplogo") != "/storage/oslogos/windows.png") {
			t.Fatalf("group: %v", grp)
		}
	}
	e.reinstall(2, id, map[string]any{"disklayoutId": 3}).Expect(t, 200)
	e.advance(installSeconds * time.Second)
	if s := e.do("GET", "/servers/2", nil).Expect(t, 200); s.String("result", "os") != "Windows Server 2022 Standard Evaluation (Desktop Experience)" {
		t.Fatalf("os: %v", s)
	}
	// Its files came from the ISO: the cache cannot be cleared.
	e.do("GET", fmt.Sprintf("/pxe/profiles/%d/clearcache", id), nil).Expect(t, 409)
	if !e.hasActivity("Started the import of Windows Server 2022 Standard Evaluation (Desktop Experience), Windows Server 2022 Datacenter Evaluation from iso") {
		t.Fatal("import not logged")
	}
}

// TestWindowsImportValidation: bad input is refused naming the field, and nothing is queued.
func TestWindowsImportValidation(t *testing.T) {
	e := newEnv(t)
	good := func() map[string]any {
		return map[string]any{"editions": []string{"Windows Server 2019 SERVERSTANDARD"}, "cacheDirectory": "win2k19", "language": "de-de", "mode": "cdrom"}
	}
	for field, edit := range map[string]func(map[string]any){
		"cacheDirectory": func(b map[string]any) { b["cacheDirectory"] = "Win 2019" },
		"editions.0":     func(b map[string]any) { b["editions"] = []string{"Windows 95"} },
		"editions":       func(b map[string]any) { b["editions"] = []string{} },
		"language":       func(b map[string]any) { b["language"] = "fr-fr" },
		"mode":           func(b map[string]any) { b["mode"] = "floppy" },
	} {
		b := good()
		edit(b)
		if res := e.do("POST", "/pxe/windows/importWindows", b).Expect(t, 422); res.Len("errors", field) < 1 {
			t.Fatalf("%s: %v", field, res)
		}
	}
	// An edition of the ISO is not on the disc.
	b := good()
	b["editions"] = []string{"Windows Server 2022 SERVERSTANDARD"}
	e.do("POST", "/pxe/windows/importWindows", b).Expect(t, 422)
	e.advance(time.Hour)
	if e.profiles() != 6 {
		t.Fatal("a refused import made profiles")
	}
	e.do("POST", "/pxe/windows/importWindows", good()).Expect(t, 200)
	e.advance(3 * time.Minute)
	if e.profiles() != 7 {
		t.Fatalf("%d profiles after one edition", e.profiles())
	}
}

// TestRestartKeepsEverything: the catalogue's changes survive a restart.
func TestRestartKeepsEverything(t *testing.T) {
	e := newEnv(t)
	lid := e.create("/pxe/disklayouts", map[string]any{"tags": []string{"linux"}, "name": "Kept layout", "min_disks": 2})
	sid := e.create("/pxe/scripts", map[string]any{"tags": []string{"linux"}, "name": "Kept script", "script": "true", "isDisabled": true})
	pid := e.create("/pxe/profiles", profileBody("Kept OS 1", "linux"))
	gone := e.create("/pxe/profiles", profileBody("Gone OS 1", "linux"))
	e.do("DELETE", fmt.Sprintf("/pxe/profiles/%d", gone), nil).Expect(t, 200)
	e.do("PUT", "/pxe/profiles/1", map[string]any{"pxeType": "preseed", "language": "de_DE"}).Expect(t, 200)
	e.restart()
	if res := e.do("GET", fmt.Sprintf("/pxe/disklayouts/%d", lid), nil).Expect(t, 200); res.Int("result", "min_disks") != 2 {
		t.Fatalf("layout: %v", res)
	}
	if res := e.do("GET", fmt.Sprintf("/pxe/scripts/%d", sid), nil).Expect(t, 200); res.Int("result", "isDisabled") != 1 {
		t.Fatalf("script: %v", res)
	}
	res := e.do("GET", fmt.Sprintf("/pxe/profiles/%d", pid), nil).Expect(t, 200)
	if !has(refs(res, "result", "disklayouts"), lid) || !has(refs(res, "result", "scripts"), sid) {
		t.Fatalf("profile: %v", res)
	}
	if o := e.offered(2)[pid]; !has(o.layouts, lid) || has(o.scripts, sid) {
		t.Fatalf("offer: %v", o)
	}
	e.do("GET", fmt.Sprintf("/pxe/profiles/%d", gone), nil).Expect(t, 404)
	if e.do("GET", "/pxe/profiles/1", nil).Expect(t, 200).String("result", "language") != "de_DE" {
		t.Fatal("update lost")
	}
	e.do("POST", fmt.Sprintf("/pxe/profiles/%d/restore", gone), nil).Expect(t, 200)
	if _, ok := e.offered(2)[gone]; !ok {
		t.Fatal("restored profile not offered after the restart")
	}
}
