package vps_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// operations are the group's operations with what each needs beyond the documented example,
// in a world that has a VM of plan 1 for user 3 (vm) with one finished backup and one
// finished snapshot ("first"), so that the delete, restore and rollback examples have
// something to act on.
var operations = map[string]func(e *env, w *world, paths map[string]string, body map[string]any){
	"listExternalProviders": nil,
	"createExternalProvider": func(e *env, _ *world, _ map[string]string, body map[string]any) {
		body["provider"] = "proxmox"
	},
	"getExternalProvider":    nil,
	"updateExternalProvider": nil,
	"deleteExternalProvider": func(e *env, _ *world, paths map[string]string, _ map[string]any) {
		paths["id"] = fmt.Sprint(e.do("POST", "/externalProviders", map[string]any{"provider": "proxmox", "name": "spare"}).Expect(e.t, 200).Int("result", "id"))
	},
	"listVpsPlans":      nil,
	"createVpsPlan":     planExample,
	"getVpsPlan":        nil,
	"updateVpsPlan":     planExample,
	"deleteVpsPlan":     func(e *env, _ *world, paths map[string]string, _ map[string]any) { paths["id"] = "3" },
	"duplicateVpsPlan":  nil,
	"listBalancerPlans": nil, "createBalancerPlan": nil, "getBalancerPlan": nil, "updateBalancerPlan": nil, "deleteBalancerPlan": nil,
	"testBalancerConfiguration": func(e *env, _ *world, _ map[string]string, body map[string]any) { body["providerId"] = 1 },
	"getVmResources":            nil,
	"updateVmResources": func(e *env, _ *world, _ map[string]string, body map[string]any) {
		body["disks"] = []any{map[string]any{"size": "48", "id": "scsi0"}} // the example's 32 GB would shrink plan 1's 40 GB disk
	},
	"listServerBackups":  nil,
	"createServerBackup": nil,
	"deleteServerBackup": func(e *env, w *world, _ map[string]string, body map[string]any) { body["backupId"] = w.backup },
	"restoreServerBackup": func(e *env, w *world, _ map[string]string, body map[string]any) {
		body["backupId"] = w.backup
	},
	"getServerBackupAvailability": nil,
	"listServerSnapshots":         nil,
	"createServerSnapshot":        nil,
	"deleteServerSnapshot": func(e *env, _ *world, _ map[string]string, body map[string]any) {
		body["snapshotId"] = "first"
	},
	"rollbackServerSnapshot": func(e *env, _ *world, _ map[string]string, body map[string]any) {
		body["snapshotId"] = "first"
	},
	"getServerSnapshotAvailability": nil,
	"getTask":                       nil,
}

// planExample points the plan examples at the world's provider, node and subnet.
func planExample(_ *env, _ *world, _ map[string]string, body map[string]any) {
	body["providerId"] = 1
	cfg := body["planconfig"].(map[string]any)
	cfg["node"] = "node01"
}

// world is what the conformance world has besides the fixtures.
type world struct {
	vm     int64
	backup string
	task   int64
}

func setUp(e *env) *world {
	e.c.Control("POST", "/_sim/reset", nil).Expect(e.t, 200)
	w := &world{vm: e.vm(1, 3, "conformance")}
	w.task = e.backup(w.vm)
	res := e.do("GET", fmt.Sprintf("/servers/%d/backups", w.vm), nil).Expect(e.t, 200)
	w.backup = res.String("result", "backups", 0, "backupId")
	e.snapshot(w.vm, "first")
	return w
}

// TestConformance sends every operation of the group its documented example request (with
// the world's ids) in a fresh world and expects the documented success status; simtest
// checks every answer against specs/tenantos.yaml.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	seen := 0
	simtest.Conformance(t, "tenantos", func(t *testing.T, c *simtest.Case) {
		prep, ours := operations[c.Operation]
		if !ours {
			t.Skip("not an operation of the vps group")
		}
		seen++
		e.t = t
		w := setUp(e)
		id := fmt.Sprint(w.vm)
		paths := map[string]string{"id": "1", "vpsplan": "1", "server_id": id, "server": id}
		if c.Operation == "getTask" {
			paths["id"] = fmt.Sprint(w.task)
		}
		if prep != nil {
			prep(e, w, paths, c.Body)
		}
		c.Send(t, e.c, strings.TrimPrefix(c.URL(t, paths), "/api"), c.Body, c.Status)
	})
	e.t = t
	if seen != len(operations) || len(operations) != 30 {
		t.Fatalf("%d operations tried, %d in the table (want 30)", seen, len(operations))
	}
}
