package pxe_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// TestProfileLifecycle: a created profile is read back, offered by getProfiles and the
// billing OS list, installs the server with its OS on the clock; updated, it is offered
// under its new name; deleted, it is hidden, not offered and not startable; restored, it is
// offered again.
func TestProfileLifecycle(t *testing.T) {
	e := newEnv(t)
	body := profileBody("AlmaLinux 9", " linux ", "kickstart", "Linux")
	body["default_disklayout_template"], body["default_run_scripts"] = 2, []any{"2"}
	body["mirrorUrl"], body["allow_ssh_keys"] = "https://repo.almalinux.org/almalinux/9/BaseOS/x86_64/os", "0"
	res := e.do("POST", "/pxe/profiles", body).Expect(t, 200)
	id := res.Int("result", "id")
	if id != 7 || res.String("result", "osName") != "AlmaLinux 9" || fmt.Sprint(strs(res, "result", "tags")) != "[linux kickstart]" ||
		res.Int("result", "isStockTemplate") != 0 || res.Int("result", "allow_ssh_keys") != 0 || res.Int("result", "default_disklayout_template") != 2 ||
		fmt.Sprint(refs(res, "result", "disklayouts")) != "[1 2 3]" || fmt.Sprint(refs(res, "result", "scripts")) != "[1 2]" ||
		res.Int("result", "default_run_scripts", 0) != 2 || res.String("result", "pxeType") != "kickstart" || res.Int("result", "isRescue") != 0 {
		t.Fatalf("created: %v", res)
	}
	got := e.do("GET", fmt.Sprintf("/pxe/profiles/%d", id), nil).Expect(t, 200)
	if got.String("result", "mirrorUrl") != "https://repo.almalinux.org/almalinux/9/BaseOS/x86_64/os" || got.String("result", "cacheDirectory") != "alma9" {
		t.Fatalf("read back: %v", got)
	}
	if !has(ids(e.do("GET", "/pxe/profiles", nil).Expect(t, 200)), id) || !e.hasActivity("Created PXE profile AlmaLinux 9") {
		t.Fatal("not listed or not logged")
	}
	// Offered: getProfiles (as the server's owner too) and the billing OS list.
	o, ok := e.offered(1, as(3)...)[id]
	if !ok || o.name != "AlmaLinux 9" || fmt.Sprint(o.layouts) != "[1 2 3]" {
		t.Fatalf("offered: %v", e.offered(1, as(3)...))
	}
	res = e.do("GET", "/servers/2/provisioning/getProfiles", nil).Expect(t, 200)
	for i := 0; i < res.Len("result"); i++ {
		if res.Int("result", i, "id") == id && (res.String("result", i, "groupname") != "AlmaLinux" ||
			res.String("result", i, "grouplogo") != "/storage/oslogos/almalinux.png" || res.Int("result", i, "features", "allow_ssh_keys") != 0) {
			t.Fatalf("offer: %v", res)
		}
	}
	if !has(ids(e.do("POST", "/os/list", map[string]any{"type": "pxe"}).Expect(t, 200)), id) {
		t.Fatal("not in the OS list")
	}
	// It installs: the server's os becomes its osName when the clock has run the steps.
	e.reinstall(2, id, map[string]any{"disklayoutId": 3, "runScripts": []string{"1", "2"}}).Expect(t, 200)
	e.advance(installSeconds * time.Second)
	if s := e.do("GET", "/servers/2", nil).Expect(t, 200); s.String("result", "os") != "AlmaLinux 9" || s.Int("result", "reinstallationRunning") != 0 {
		t.Fatalf("after the install: %v", s)
	}
	// Update: new name and tags; links follow the tags (and the defaults it names).
	res = e.do("PUT", fmt.Sprintf("/pxe/profiles/%d", id), map[string]any{"pxeType": "kickstart", "osName": "AlmaLinux 9.4", "tags": []string{"alma"}}).Expect(t, 200)
	if res.String("result", "osName") != "AlmaLinux 9.4" || fmt.Sprint(refs(res, "result", "disklayouts")) != "[2]" ||
		fmt.Sprint(refs(res, "result", "scripts")) != "[2]" || res.String("result", "mirrorUrl") == "" {
		t.Fatalf("updated: %v", res)
	}
	if o := e.offered(2)[id]; o.name != "AlmaLinux 9.4" || fmt.Sprint(o.layouts) != "[2]" {
		t.Fatalf("offered after the update: %v", o)
	}
	e.reinstall(2, id, map[string]any{"disklayoutId": 1}).Expect(t, 422)
	// Delete: hidden, not offered, not startable; gone for every operation but restore.
	e.do("DELETE", fmt.Sprintf("/pxe/profiles/%d", id), nil).Expect(t, 200)
	e.do("GET", fmt.Sprintf("/pxe/profiles/%d", id), nil).Expect(t, 404)
	e.do("DELETE", fmt.Sprintf("/pxe/profiles/%d", id), nil).Expect(t, 404)
	e.do("PUT", fmt.Sprintf("/pxe/profiles/%d", id), map[string]any{"pxeType": "kickstart"}).Expect(t, 404)
	e.do("POST", fmt.Sprintf("/pxe/profiles/%d/duplicate", id), map[string]any{"name": "x"}).Expect(t, 404)
	if has(ids(e.do("GET", "/pxe/profiles", nil).Expect(t, 200)), id) {
		t.Fatal("a deleted profile is listed")
	}
	if _, ok := e.offered(2)[id]; ok {
		t.Fatal("a deleted profile is offered")
	}
	if has(ids(e.do("POST", "/os/list", map[string]any{"type": "pxe"}).Expect(t, 200)), id) {
		t.Fatal("a deleted profile is in the OS list")
	}
	res = e.reinstall(2, id, nil).Expect(t, 422)
	if res.Len("errors", "profileId") != 1 || e.do("GET", "/servers/2", nil).Expect(t, 200).Int("result", "reinstallationRunning") != 0 {
		t.Fatalf("deleted profile started: %v", res)
	}
	// Restore: back as it was.
	e.do("POST", fmt.Sprintf("/pxe/profiles/%d/restore", id), nil).Expect(t, 200)
	if got := e.do("GET", fmt.Sprintf("/pxe/profiles/%d", id), nil).Expect(t, 200); got.String("result", "osName") != "AlmaLinux 9.4" || got.Int("result", "isStockTemplate") != 0 {
		t.Fatalf("restored: %v", got)
	}
	if _, ok := e.offered(2)[id]; !ok {
		t.Fatal("a restored profile is not offered")
	}
	e.reinstall(2, id, nil).Expect(t, 200)
	e.do("POST", "/pxe/profiles/999/restore", nil).Expect(t, 404)
	e.do("POST", "/pxe/profiles/abc/restore", nil).Expect(t, 404)
	if !e.hasActivity("Deleted PXE profile AlmaLinux 9.4") || !e.hasActivity("Restored PXE profile AlmaLinux 9.4") {
		t.Fatal("delete or restore not logged")
	}
}

// TestDeleteWhileProvisioning: a profile a server is being installed with is not deleted.
func TestDeleteWhileProvisioning(t *testing.T) {
	e := newEnv(t)
	e.reinstall(2, 1, nil).Expect(t, 200)
	e.do("DELETE", "/pxe/profiles/1", nil).Expect(t, 409)
	e.do("GET", "/pxe/profiles/1", nil).Expect(t, 200)
	e.advance(installSeconds * time.Second)
	e.do("DELETE", "/pxe/profiles/1", nil).Expect(t, 200)
	if s := e.do("GET", "/servers/2", nil).Expect(t, 200); s.String("result", "os") != "Debian 12" {
		t.Fatalf("os: %v", s)
	}
}

// TestStockProfiles: the fixtures' profiles are stock templates with settings of their
// family; restoring one puts its shipped settings and links back, deleted or not.
func TestStockProfiles(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/pxe/profiles", nil).Expect(t, 200)
	if res.Len("result") != 6 || res.Int("result", 0, "isStockTemplate") != 1 || res.String("result", 0, "pxeType") != "preseed" ||
		res.String("result", 1, "pxeType") != "autoinstall" || res.String("result", 1, "version") != "22.04" || res.String("result", 2, "pxeType") != "kickstart" ||
		res.Int("result", 3, "isRescue") != 1 || res.String("result", 3, "pxeType") != "grml" || fmt.Sprint(refs(res, "result", 2, "disklayouts")) != "[1 2]" {
		t.Fatalf("stock profiles: %v", res)
	}
	// Changed, then restored without being deleted.
	e.do("PUT", "/pxe/profiles/1", map[string]any{"pxeType": "preseed", "osName": "Debian Custom", "tags": []string{"custom"},
		"default_run_scripts": []any{}, "isDisabled": true, "language": "de_DE"}).Expect(t, 200)
	if _, ok := e.offered(2)[1]; ok {
		t.Fatal("a disabled profile is offered")
	}
	e.do("POST", "/pxe/profiles/1/restore", nil).Expect(t, 200)
	res = e.do("GET", "/pxe/profiles/1", nil).Expect(t, 200)
	if res.String("result", "osName") != "Debian 12" || fmt.Sprint(strs(res, "result", "tags")) != "[linux]" || res.Int("result", "isDisabled") != 0 ||
		res.String("result", "language") != "en_US" || fmt.Sprint(refs(res, "result", "disklayouts")) != "[1 2 3]" || res.Int("result", "default_run_scripts", 0) != 1 {
		t.Fatalf("restored: %v", res)
	}
	if o := e.offered(2)[1]; o.name != "Debian 12" {
		t.Fatalf("offer after restore: %v", e.offered(2))
	}
	// A stock tool deleted and restored.
	e.do("DELETE", "/pxe/profiles/4", nil).Expect(t, 200)
	if _, ok := e.offered(1)[4]; ok {
		t.Fatal("deleted rescue profile offered")
	}
	e.reinstall(1, 4, nil).Expect(t, 422)
	e.do("POST", "/pxe/profiles/4/restore", nil).Expect(t, 200)
	if _, ok := e.offered(1)[4]; !ok {
		t.Fatal("restored rescue profile not offered")
	}
	e.reinstall(1, 4, nil).Expect(t, 200)
	// Restoring a custom profile that is not deleted changes nothing.
	id := e.create("/pxe/profiles", profileBody("Custom OS 1", "custom"))
	e.do("POST", fmt.Sprintf("/pxe/profiles/%d/restore", id), nil).Expect(t, 200)
	if e.do("GET", fmt.Sprintf("/pxe/profiles/%d", id), nil).Expect(t, 200).String("result", "osName") != "Custom OS 1" {
		t.Fatal("custom profile changed by restore")
	}
}

// TestClearCache: dropping a profile's cached files is recorded; Windows profiles refuse.
func TestClearCache(t *testing.T) {
	e := newEnv(t)
	e.do("GET", "/pxe/profiles/2/clearcache", nil).Expect(t, 200)
	e.do("GET", "/pxe/profiles/99/clearcache", nil).Expect(t, 404)
	if !e.hasActivity("Cleared the cached OS files of PXE profile Ubuntu 22.04") {
		t.Fatal("not logged")
	}
	body := profileBody("Windows Server 2022", "windows")
	body["pxeType"] = "windows"
	id := e.create("/pxe/profiles", body)
	e.do("GET", fmt.Sprintf("/pxe/profiles/%d/clearcache", id), nil).Expect(t, 409)
	// A stock profile whose cache was cleared is still shown with its stock settings.
	if res := e.do("GET", "/pxe/profiles/2", nil).Expect(t, 200); res.Int("result", "isStockTemplate") != 1 || res.String("result", "pxeType") != "autoinstall" {
		t.Fatalf("after clearing: %v", res)
	}
}

// TestDuplicateProfile: a copy with a new id and the name sent, its settings and links; a
// custom profile.
func TestDuplicateProfile(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/pxe/profiles/1/duplicate", map[string]any{"name": " Debian 12 (hardened) "}).Expect(t, 200)
	id := res.Int("result", "id")
	if id != 7 || res.String("result", "osName") != "Debian 12 (hardened)" || res.Int("result", "isStockTemplate") != 0 ||
		fmt.Sprint(refs(res, "result", "disklayouts")) != "[1 2 3]" || res.String("result", "pxeType") != "preseed" ||
		res.Int("result", "default_disklayout_template") != 1 {
		t.Fatalf("copy: %v", res)
	}
	if e.do("GET", "/pxe/profiles/1", nil).Expect(t, 200).String("result", "osName") != "Debian 12" {
		t.Fatal("the original changed")
	}
	e.reinstall(2, id, nil).Expect(t, 200)
	e.advance(installSeconds * time.Second)
	if s := e.do("GET", "/servers/2", nil).Expect(t, 200); s.String("result", "os") != "Debian 12 (hardened)" {
		t.Fatalf("os: %v", s)
	}
	e.do("POST", "/pxe/profiles/99/duplicate", map[string]any{"name": "x"}).Expect(t, 404)
	e.do("POST", "/pxe/profiles/1/duplicate", map[string]any{"name": "  "}).Expect(t, 422)
	if n := e.profiles(); n != 7 {
		t.Fatalf("%d profiles", n)
	}
}

// TestProfileValidation: bad input is refused naming the field, nothing written.
func TestProfileValidation(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		field string
		edit  func(map[string]any)
	}{
		{"osName", func(b map[string]any) { delete(b, "osName") }},
		{"osName", func(b map[string]any) { b["osName"] = "   " }},
		{"pxeType", func(b map[string]any) { b["pxeType"] = "bsd" }},
		{"tags", func(b map[string]any) { b["tags"] = []string{" "} }},
		{"cacheDirectory", func(b map[string]any) { delete(b, "cacheDirectory") }},
		{"default_disklayout_template", func(b map[string]any) { b["default_disklayout_template"] = 99 }},
		{"default_run_scripts.1", func(b map[string]any) { b["default_run_scripts"] = []any{1, 42} }},
		{"additionalDriversUrl", func(b map[string]any) { b["additionalDriversUrl"] = "not a url" }},
		{"keep_dhcp_minutes", func(b map[string]any) { b["keep_dhcp_minutes"] = 6001 }},
	} {
		b := profileBody("Broken", "linux")
		tc.edit(b)
		res := e.do("POST", "/pxe/profiles", b).Expect(t, 422)
		if res.Len("errors", tc.field) < 1 {
			t.Fatalf("%s: %v", tc.field, res)
		}
	}
	if n := e.profiles(); n != 6 {
		t.Fatalf("%d profiles after refusals", n)
	}
	e.do("PUT", "/pxe/profiles/1", map[string]any{"osName": "no type"}).Expect(t, 422)
	e.do("PUT", "/pxe/profiles/1", map[string]any{"pxeType": "preseed", "default_disklayout_template": 99, "osName": "Half"}).Expect(t, 422)
	if e.do("GET", "/pxe/profiles/1", nil).Expect(t, 200).String("result", "osName") != "Debian 12" {
		t.Fatal("a refused update was written")
	}
	e.do("PUT", "/pxe/profiles/99", map[string]any{"pxeType": "preseed"}).Expect(t, 404)
	// A changed pxeType changes the kind: grml is a rescue system.
	res := e.do("PUT", "/pxe/profiles/3", map[string]any{"pxeType": "grml"}).Expect(t, 200)
	if res.Int("result", "isRescue") != 1 {
		t.Fatalf("grml: %v", res)
	}
	var pr *tenantos.PxeProfile
	e.view(func(tx *state.Tx) error { var err error; pr, err = tenantos.PxeProfiles.Get(tx, 3); return err })
	if pr.Kind != tenantos.KindRescue || pr.OS != "" {
		t.Fatalf("kind %s os %q", pr.Kind, pr.OS)
	}
}

// TestAdminOnly: the PXE manager is the administrators'; others get 403 and change nothing.
func TestAdminOnly(t *testing.T) {
	e := newEnv(t)
	for _, user := range []int64{2, 3, 4} {
		for _, r := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/pxe/profiles", nil},
			{"GET", "/pxe/profiles/1", nil},
			{"POST", "/pxe/profiles", profileBody("Sneaky", "linux")},
			{"DELETE", "/pxe/profiles/1", nil},
			{"POST", "/pxe/profiles/1/restore", nil},
			{"GET", "/pxe/tags", nil},
			{"POST", "/pxe/tags/getPxeProfilesByTags", map[string]any{"tags": []string{"linux"}}},
			{"GET", "/pxe/disklayouts", nil},
			{"DELETE", "/pxe/disklayouts/1", nil},
			{"POST", "/pxe/scripts", map[string]any{"tags": []string{"linux"}, "name": "x", "script": "true"}},
			{"POST", "/pxe/scripts/1/duplicate", map[string]any{"name": "x"}},
			{"POST", "/pxe/windows/getWindowsInformation", map[string]any{"mode": "iso"}},
			{"POST", "/pxe/windows/importWindows", map[string]any{"editions": []string{"Windows Server 2022 SERVERSTANDARD"}, "cacheDirectory": "w", "language": "en-us", "mode": "iso"}},
		} {
			e.do(r.method, r.path, r.body, as(user)...).Expect(t, 403)
		}
	}
	if e.profiles() != 6 || e.do("GET", "/pxe/scripts", nil).Expect(t, 200).Len("result") != 2 {
		t.Fatal("a refused call wrote")
	}
	// Customers still see the catalogue through provisioning.
	if len(e.offered(1, as(3)...)) != 6 {
		t.Fatal("the owner is offered nothing")
	}
}
