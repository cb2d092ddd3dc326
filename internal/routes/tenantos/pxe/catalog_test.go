package pxe_test

import (
	"fmt"
	"testing"
)

// TestDiskLayouts: create → read back → offered by the profiles sharing a tag → update
// (relinked by its new tags) → delete (unlinked) → 404; stock layouts and defaults refuse.
func TestDiskLayouts(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/pxe/disklayouts", nil).Expect(t, 200)
	if res.Len("result") != 3 || res.Int("result", 1, "isStockTemplate") != 1 || res.Int("result", 1, "isAutoRaid") != 1 ||
		res.String("result", 1, "internal_key") != "raid_1" || res.Get("result", 1, "min_disks") != nil {
		t.Fatalf("stock layouts: %v", res)
	}
	res = e.do("POST", "/pxe/disklayouts", map[string]any{"tags": []string{"Linux ", "ssd"}, "name": "LVM on NVMe",
		"disklayout": "autopart --type=lvm", "min_disks": "1", "allow_for_vps": false, "hw_raid_handling": "dont_offer_if_hw_raid"}).Expect(t, 200)
	id := res.Int("result", "id")
	if id != 4 || fmt.Sprint(strs(res, "result", "tags")) != "[Linux ssd]" || res.String("result", "disklayout") != "autopart --type=lvm" ||
		res.Int("result", "min_disks") != 1 || res.Int("result", "allow_for_vps") != 0 || res.Int("result", "allow_for_dedicated") != 1 ||
		res.Int("result", "isStockTemplate") != 0 || res.String("result", "internal_key") != "" {
		t.Fatalf("created: %v", res)
	}
	if got := e.do("GET", "/pxe/disklayouts/4", nil).Expect(t, 200); got.String("result", "name") != "LVM on NVMe" {
		t.Fatalf("read back: %v", got)
	}
	// Linked to every linux profile (tags match case-insensitively), offered and startable.
	for _, p := range []int64{1, 2, 3} {
		if !has(refs(e.do("GET", fmt.Sprintf("/pxe/profiles/%d", p), nil).Expect(t, 200), "result", "disklayouts"), id) {
			t.Fatalf("profile %d does not link the layout", p)
		}
	}
	if o := e.offered(2)[3]; !has(o.layouts, id) {
		t.Fatalf("not offered with Rocky Linux: %v", o)
	}
	e.reinstall(2, 3, map[string]any{"disklayoutId": id}).Expect(t, 200)
	e.do("GET", "/servers/2/provisioning/stopReinstallation/1", nil).Expect(t, 200)
	// Retagged: unlinked from the linux profiles.
	res = e.do("PUT", "/pxe/disklayouts/4", map[string]any{"tags": []string{"windows"}, "name": "NTFS", "partition_size_boot": 512}).Expect(t, 200)
	if res.String("result", "name") != "NTFS" || res.Int("result", "min_disks") != 1 {
		t.Fatalf("updated: %v", res)
	}
	if o := e.offered(2)[3]; has(o.layouts, id) {
		t.Fatal("still offered after retagging")
	}
	e.reinstall(2, 3, map[string]any{"disklayoutId": id}).Expect(t, 422)
	e.do("PUT", "/pxe/disklayouts/4", map[string]any{"tags": []string{"linux"}}).Expect(t, 200)
	// Deleted: unlinked and gone.
	e.do("DELETE", "/pxe/disklayouts/4", nil).Expect(t, 200)
	e.do("GET", "/pxe/disklayouts/4", nil).Expect(t, 404)
	e.do("DELETE", "/pxe/disklayouts/4", nil).Expect(t, 404)
	e.do("PUT", "/pxe/disklayouts/4", map[string]any{"name": "x"}).Expect(t, 404)
	if has(refs(e.do("GET", "/pxe/profiles/1", nil).Expect(t, 200), "result", "disklayouts"), id) {
		t.Fatal("a deleted layout is still linked")
	}
	if !e.hasActivity("Deleted disk layout NTFS") {
		t.Fatal("not logged")
	}
	// Stock layouts are not deleted; a profile's default layout neither.
	e.do("DELETE", "/pxe/disklayouts/2", nil).Expect(t, 409)
	lid := e.create("/pxe/disklayouts", map[string]any{"tags": []string{"bsd"}, "name": "ZFS"})
	body := profileBody("FreeBSD 14", "freebsd")
	body["default_disklayout_template"] = lid
	pid := e.create("/pxe/profiles", body)
	if fmt.Sprint(refs(e.do("GET", fmt.Sprintf("/pxe/profiles/%d", pid), nil).Expect(t, 200), "result", "disklayouts")) != fmt.Sprint([]int64{lid}) {
		t.Fatal("the default layout is not linked")
	}
	e.do("DELETE", fmt.Sprintf("/pxe/disklayouts/%d", lid), nil).Expect(t, 409)
	e.do("GET", fmt.Sprintf("/pxe/disklayouts/%d", lid), nil).Expect(t, 200)
	// Once the profile is deleted the layout may go; the restored profile has no default.
	e.do("DELETE", fmt.Sprintf("/pxe/profiles/%d", pid), nil).Expect(t, 200)
	e.do("DELETE", fmt.Sprintf("/pxe/disklayouts/%d", lid), nil).Expect(t, 200)
	e.do("POST", fmt.Sprintf("/pxe/profiles/%d/restore", pid), nil).Expect(t, 200)
	if res := e.do("GET", fmt.Sprintf("/pxe/profiles/%d", pid), nil).Expect(t, 200); res.Int("result", "default_disklayout_template") != 0 || res.Len("result", "disklayouts") != 0 {
		t.Fatalf("restored without its layout: %v", res)
	}
	// Refusals write nothing.
	e.do("POST", "/pxe/disklayouts", map[string]any{"tags": []string{}, "name": "x"}).Expect(t, 422)
	e.do("POST", "/pxe/disklayouts", map[string]any{"tags": []string{"linux"}}).Expect(t, 422)
	e.do("POST", "/pxe/disklayouts", map[string]any{"tags": []string{"linux"}, "name": "x", "hw_raid_handling": "maybe"}).Expect(t, 422)
	e.do("PUT", "/pxe/disklayouts/1", map[string]any{"partition_size_efi": 10}).Expect(t, 422)
	if n := e.do("GET", "/pxe/disklayouts", nil).Expect(t, 200).Len("result"); n != 3 {
		t.Fatalf("%d layouts", n)
	}
}

// TestScripts: create → linked and offered → disabled (listed, not offered, not runnable)
// → duplicate → delete; stock scripts and default scripts refuse.
func TestScripts(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/pxe/scripts", map[string]any{"tags": []string{"linux"}, "name": "Install Docker", "script": "curl -fsSL get.docker.com | sh"}).Expect(t, 200)
	id := res.Int("result", "id")
	if id != 3 || res.String("result", "script") != "curl -fsSL get.docker.com | sh" || res.Int("result", "isDisabled") != 0 {
		t.Fatalf("created: %v", res)
	}
	if o := e.offered(2)[2]; !has(o.scripts, id) {
		t.Fatalf("not offered: %v", o)
	}
	e.reinstall(2, 2, map[string]any{"runScripts": []string{fmt.Sprint(id)}}).Expect(t, 200)
	e.do("GET", "/servers/2/provisioning/stopReinstallation/1", nil).Expect(t, 200)
	e.do("PUT", fmt.Sprintf("/pxe/scripts/%d", id), map[string]any{"isDisabled": true}).Expect(t, 200)
	if o := e.offered(2)[2]; has(o.scripts, id) {
		t.Fatal("a disabled script is offered")
	}
	if !has(refs(e.do("GET", "/pxe/profiles/2", nil).Expect(t, 200), "result", "scripts"), id) {
		t.Fatal("a disabled script is no longer linked")
	}
	e.reinstall(2, 2, map[string]any{"runScripts": []string{fmt.Sprint(id)}}).Expect(t, 422)
	// Duplicate: a custom copy, enabled state copied, linked by its tags.
	res = e.do("POST", "/pxe/scripts/1/duplicate", map[string]any{"name": "Monitoring (copy)"}).Expect(t, 200)
	cp := res.Int("result", "id")
	if cp != 4 || res.String("result", "name") != "Monitoring (copy)" || res.Int("result", "isStockTemplate") != 0 || fmt.Sprint(strs(res, "result", "tags")) != "[linux]" {
		t.Fatalf("copy: %v", res)
	}
	if o := e.offered(2)[1]; !has(o.scripts, cp) {
		t.Fatalf("copy not offered: %v", o)
	}
	e.do("POST", "/pxe/scripts/99/duplicate", map[string]any{"name": "x"}).Expect(t, 404)
	// Delete: stock refused, a default refused, a custom one unlinked.
	e.do("DELETE", "/pxe/scripts/1", nil).Expect(t, 409)
	body := profileBody("Gentoo", "gentoo")
	body["default_run_scripts"] = []any{cp}
	pid := e.create("/pxe/profiles", body)
	e.do("DELETE", fmt.Sprintf("/pxe/scripts/%d", cp), nil).Expect(t, 409)
	e.do("PUT", fmt.Sprintf("/pxe/profiles/%d", pid), map[string]any{"pxeType": "kickstart", "default_run_scripts": []any{}}).Expect(t, 200)
	e.do("DELETE", fmt.Sprintf("/pxe/scripts/%d", cp), nil).Expect(t, 200)
	e.do("GET", fmt.Sprintf("/pxe/scripts/%d", cp), nil).Expect(t, 404)
	for _, p := range []int64{1, 2, pid} {
		if has(refs(e.do("GET", fmt.Sprintf("/pxe/profiles/%d", p), nil).Expect(t, 200), "result", "scripts"), cp) {
			t.Fatalf("profile %d still links the deleted script", p)
		}
	}
	e.do("POST", "/pxe/scripts", map[string]any{"tags": []string{"linux"}, "name": "x"}).Expect(t, 422)
	if n := e.do("GET", "/pxe/scripts", nil).Expect(t, 200).Len("result"); n != 3 {
		t.Fatalf("%d scripts", n)
	}
}

// TestDuplicateLayout: a copy under the name sent, custom, linked by its tags.
func TestDuplicateLayout(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/pxe/disklayouts/3/duplicate", map[string]any{"name": "Largest disk (copy)"}).Expect(t, 200)
	id := res.Int("result", "id")
	if id != 4 || res.String("result", "name") != "Largest disk (copy)" || res.Int("result", "isStockTemplate") != 0 ||
		fmt.Sprint(strs(res, "result", "tags")) != "[linux windows]" {
		t.Fatalf("copy: %v", res)
	}
	if o := e.offered(2)[3]; !has(o.layouts, id) {
		t.Fatalf("copy not offered with Rocky Linux: %v", o)
	}
	e.do("DELETE", "/pxe/disklayouts/4", nil).Expect(t, 200)
	e.do("POST", "/pxe/disklayouts/99/duplicate", map[string]any{"name": "x"}).Expect(t, 404)
}

// TestTags: /api/pxe/tags lists the tags of the profiles; getPxeProfilesByTags answers the
// profiles having every tag asked for.
func TestTags(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/pxe/tags", nil).Expect(t, 200)
	if res.Len("result", "tags") != 2 || res.String("result", "tags", 0, "id") != "linux" || res.String("result", "tags", 1, "name") != "tools" {
		t.Fatalf("tags: %v", res)
	}
	id := e.create("/pxe/profiles", profileBody("AlmaLinux 9", "kickstart", "LINUX", "rhel"))
	res = e.do("GET", "/pxe/tags", nil).Expect(t, 200)
	if res.Len("result", "tags") != 4 || res.String("result", "tags", 2, "id") != "kickstart" || res.String("result", "tags", 3, "id") != "rhel" {
		t.Fatalf("tags with the new profile: %v", res)
	}
	byTags := func(tags ...string) string {
		return fmt.Sprint(ids(e.do("POST", "/pxe/tags/getPxeProfilesByTags", map[string]any{"tags": tags}).Expect(t, 200)))
	}
	if got := byTags("linux"); got != fmt.Sprintf("[1 2 3 %d]", id) {
		t.Fatalf("linux: %s", got)
	}
	if got := byTags("Linux", "rhel"); got != fmt.Sprintf("[%d]", id) {
		t.Fatalf("linux and rhel: %s", got)
	}
	if got := byTags("linux", "tools"); got != "[]" {
		t.Fatalf("linux and tools: %s", got)
	}
	e.do("POST", "/pxe/tags/getPxeProfilesByTags", map[string]any{"tags": []string{}}).Expect(t, 422)
	e.do("POST", "/pxe/tags/getPxeProfilesByTags", map[string]any{}).Expect(t, 422)
	// A deleted profile's tags and the profile itself are gone from both.
	e.do("DELETE", fmt.Sprintf("/pxe/profiles/%d", id), nil).Expect(t, 200)
	if n := e.do("GET", "/pxe/tags", nil).Expect(t, 200).Len("result", "tags"); n != 2 {
		t.Fatalf("%d tags after the delete", n)
	}
	if got := byTags("rhel"); got != "[]" {
		t.Fatalf("rhel: %s", got)
	}
}

// TestOfferRules: what a profile, layout or script says of servers and users decides what
// getProfiles offers and startReinstallation takes.
func TestOfferRules(t *testing.T) {
	e := newEnv(t)
	put := func(path string, body map[string]any) { e.t.Helper(); e.do("PUT", path, body).Expect(t, 200) }
	// Disabled: listed for the admin, not offered, not in the OS list, not startable.
	put("/pxe/profiles/2", map[string]any{"pxeType": "autoinstall", "isDisabled": true})
	if _, ok := e.offered(1)[2]; ok {
		t.Fatal("disabled profile offered")
	}
	if has(ids(e.do("POST", "/os/list", map[string]any{"type": "pxe"}).Expect(t, 200)), 2) {
		t.Fatal("disabled profile in the OS list")
	}
	e.reinstall(2, 2, nil).Expect(t, 422)
	put("/pxe/profiles/2", map[string]any{"pxeType": "autoinstall", "isDisabled": false})
	if _, ok := e.offered(1)[2]; !ok {
		t.Fatal("enabled profile not offered")
	}
	// Server tags: offered only for Frankfurt servers (2), not Amsterdam ones (4).
	put("/pxe/profiles/3", map[string]any{"pxeType": "kickstart", "offer_if_has_tag": []string{"frankfurt"}})
	if _, ok := e.offered(2)[3]; !ok {
		t.Fatal("not offered for a Frankfurt server")
	}
	if _, ok := e.offered(4)[3]; ok {
		t.Fatal("offered for an Amsterdam server")
	}
	e.reinstall(4, 3, nil).Expect(t, 422)
	put("/pxe/profiles/3", map[string]any{"pxeType": "kickstart", "offer_if_has_tag": []string{}, "dont_offer_if_has_tag": []string{"Faulty"}})
	if _, ok := e.offered(6)[3]; ok {
		t.Fatal("offered for a faulty server")
	}
	// Dedicated servers only for VPS profiles.
	put("/pxe/profiles/3", map[string]any{"pxeType": "kickstart", "dont_offer_if_has_tag": []string{}, "allow_for_dedicated": false})
	if _, ok := e.offered(2)[3]; ok {
		t.Fatal("a VPS-only profile offered for a dedicated server")
	}
	// Roles: not for end users (role 3, "user"); administrators see everything.
	put("/pxe/profiles/3", map[string]any{"pxeType": "kickstart", "allow_for_dedicated": true, "dont_offer_if_user_has_role": []string{"user"}})
	if _, ok := e.offered(1, as(3)...)[3]; ok {
		t.Fatal("offered to an end user")
	}
	if _, ok := e.offered(1)[3]; !ok {
		t.Fatal("not offered to the admin")
	}
	// Layouts: at least 3 disks (the servers have 2).
	put("/pxe/disklayouts/2", map[string]any{"min_disks": 3})
	if o := e.offered(2)[1]; has(o.layouts, 2) || !has(o.layouts, 1) {
		t.Fatalf("min_disks: %v", o)
	}
	e.reinstall(2, 1, map[string]any{"disklayoutId": 2}).Expect(t, 422)
	// Enforced default layout and hidden scripts: only the defaults are offered.
	put("/pxe/profiles/1", map[string]any{"pxeType": "preseed", "enforced_default_disklayout_template": true, "default_run_scripts_hide_others": true})
	if o := e.offered(2)[1]; fmt.Sprint(o.layouts) != "[1]" || fmt.Sprint(o.scripts) != "[1]" {
		t.Fatalf("enforced defaults: %v", o)
	}
	e.reinstall(2, 1, map[string]any{"disklayoutId": 3}).Expect(t, 422)
	e.reinstall(2, 1, map[string]any{"disklayoutId": 1, "runScripts": []string{"1"}}).Expect(t, 200)
	res := e.do("GET", "/pxe/profiles/1", nil).Expect(t, 200)
	if res.Int("result", "enforced_default_disklayout_template") != 1 || res.Int("result", "default_run_scripts_hide_others") != 1 || res.Len("result", "disklayouts") != 3 {
		t.Fatalf("profile: %v", res)
	}
}
