package vps_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestVPSLifecycle walks what a billing module does with a VPS (the acceptance check's
// path): a VM of plan 1 takes its node's capacity and an IP, boots on the clock, has the
// plan's resources; a backup runs as a task (pending, running, 25/50/75 %, completed) and is
// listed only then; maxBackups holds; snapshots A then B make a tree with B current; a
// rollback makes A current; destroying the VM gives the node back what it took.
func TestVPSLifecycle(t *testing.T) {
	e := newEnv(t)
	before := e.node(1, "node01")
	free := e.freeIPs(2)

	// The plan list: plan 1 has backups and snapshots, memory "2048" as a string.
	res := e.do("GET", "/virtualization/vpsplans", nil).Expect(t, 200)
	if res.String("result", 0, "planconfig", "memory") != "2048" || res.Int("result", 0, "backup", "enabled") != 1 ||
		res.Get("result", 0, "snapshot", "enabled") != true {
		t.Fatalf("plan 1: %v", res)
	}

	vm := e.vm(1, 3, "vps1")
	s := e.do("GET", fmt.Sprintf("/servers/%d", vm), nil).Expect(t, 200)
	if s.String("result", "typeOfServer") != "vm" || s.String("result", "servertype") != "vm" || s.String("result", "powerprovider", "type") != "proxmox" {
		t.Fatalf("server: %v", s)
	}
	if ip := s.String("result", "primaryip"); !strings.HasPrefix(ip, "203.0.113.") {
		t.Fatalf("primary IP %q, want one of subnet 2 (the plan's)", ip)
	}
	if got := e.freeIPs(2); got != free-1 {
		t.Fatalf("free IPs of subnet 2: %d, want %d", got, free-1)
	}
	after := e.node(1, "node01")
	if after.UsedMemMB != before.UsedMemMB+2048 || after.UsedStorageGB != before.UsedStorageGB+40 || after.Servers != before.Servers+1 {
		t.Fatalf("node01 %+v after the VM, was %+v", after, before)
	}
	if st := s.String("result", "cachedPowerstatus"); st != "offline" {
		t.Fatalf("power before provisioning: %s", st)
	}
	e.advance(2 * time.Minute)
	if st := e.do("GET", fmt.Sprintf("/servers/%d", vm), nil).String("result", "cachedPowerstatus"); st != "online" {
		t.Fatalf("power after provisioning: %s", st)
	}

	// Resources are the plan's.
	r := e.do("GET", fmt.Sprintf("/servers/%d/vm", vm), nil).Expect(t, 200)
	if r.Int("result", "memory", "memory") != 2048 || r.Int("result", "cpu", "cores") != 2 || r.Int("result", "cpu", "vcpus") != 2 ||
		r.String("result", "disks", 0, "size") != "40" || r.String("result", "disks", 0, "id") != "scsi0" {
		t.Fatalf("resources: %v", r)
	}

	// A backup is a task: pending, running, progress, completed; listed only then.
	b := e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil).Expect(t, 200)
	if b.Int("result", "meta", "maxBackups") != 3 || b.Get("result", "meta", "backupsEnabled") != true || b.Len("result", "backups") != 0 {
		t.Fatalf("backups: %v", b)
	}
	res = e.do("POST", fmt.Sprintf("/servers/%d/backups", vm), map[string]any{"options": map[string]any{"storage": "local",
		"mode": "snapshot", "compression": "zstd", "notes": "first"}}).Expect(t, 200)
	task := res.Int("result", "id")
	if res.String("result", "status") != "pending" || res.String("result", "action") != "createBackup" {
		t.Fatalf("create: %v", res)
	}
	b = e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil).Expect(t, 200)
	if b.Len("result", "backups") != 0 || b.Get("result", "activeTasks", "hasAnyActiveTask") != true ||
		b.Int("result", "activeTasks", "activeCreateBackupTask", "id") != task {
		t.Fatalf("while pending: %v", b)
	}
	e.do("POST", fmt.Sprintf("/servers/%d/backups", vm), nil).Expect(t, 409) // one create at a time
	e.advance(5 * time.Second)
	if tk := e.task(task); tk.String("result", "status") != "running" || tk.Int("result", "progress") != 0 {
		t.Fatalf("after taskStart: %v", tk)
	}
	e.advance(2 * time.Minute)
	if tk := e.task(task); tk.String("result", "status") != "running" || tk.Int("result", "progress") != 50 {
		t.Fatalf("half way: %v", tk)
	}
	e.advance(2 * time.Minute)
	if tk := e.task(task); tk.String("result", "status") != "completed" || tk.Int("result", "progress") != 100 {
		t.Fatalf("after the backup's time: %v", tk)
	}
	b = e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil).Expect(t, 200)
	if b.Len("result", "backups") != 1 || b.Get("result", "activeTasks", "hasAnyActiveTask") != false ||
		b.String("result", "backups", 0, "note") != "first" || b.Int("result", "backups", 0, "size") <= 0 ||
		!strings.Contains(b.String("result", "backups", 0, "backupId"), "vzdump-qemu-") {
		t.Fatalf("after the backup: %v", b)
	}

	// Up to maxBackups, then refused with nothing started.
	e.backup(vm)
	e.backup(vm)
	e.do("POST", fmt.Sprintf("/servers/%d/backups", vm), nil).Expect(t, 409)
	e.advance(time.Hour)
	if n := e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil).Len("result", "backups"); n != 3 {
		t.Fatalf("%d backups, want the limit 3", n)
	}

	// Delete one: isDeleting with its task, then gone; restore one: isRestoring, then done.
	b = e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil)
	first, second := b.String("result", "backups", 0, "backupId"), b.String("result", "backups", 1, "backupId")
	del := e.do("DELETE", fmt.Sprintf("/servers/%d/backups", vm), map[string]any{"backupId": first}).Expect(t, 200).Int("result", "id")
	b = e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil)
	if b.Get("result", "backups", 0, "isDeleting") != true || b.Int("result", "backups", 0, "deleteTaskId") != del ||
		b.Len("result", "activeTasks", "activeDeleteBackupTasks") != 1 {
		t.Fatalf("deleting: %v", b)
	}
	e.do("DELETE", fmt.Sprintf("/servers/%d/backups", vm), map[string]any{"backupId": first}).Expect(t, 409)
	rst := e.do("POST", fmt.Sprintf("/servers/%d/backups/restore", vm), map[string]any{"backupId": second}).Expect(t, 200).Int("result", "id")
	b = e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil)
	if b.Get("result", "backups", 1, "isRestoring") != true || b.Int("result", "activeTasks", "activeRestoreBackupTask", "id") != rst {
		t.Fatalf("restoring: %v", b)
	}
	if e.waitTask(del) != "completed" || e.waitTask(rst) != "completed" {
		t.Fatal("delete or restore did not complete")
	}
	b = e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil)
	if b.Len("result", "backups") != 2 || b.String("result", "backups", 0, "backupId") != second || b.Get("result", "backups", 0, "isRestoring") != false {
		t.Fatalf("after delete and restore: %v", b)
	}
	e.do("DELETE", fmt.Sprintf("/servers/%d/backups", vm), map[string]any{"backupId": "nope"}).Expect(t, 404)

	// Snapshots A then B: B current, its parent A; rollback to A: A current.
	e.snapshot(vm, "tncheckA")
	e.snapshot(vm, "tncheckB")
	sn := e.snapshots(vm)
	if sn["tncheckB"]["isCurrent"] != true || sn["tncheckA"]["isCurrent"] != false || sn["tncheckB"]["parent"] != "tncheckA" || sn["tncheckA"]["parent"] != nil {
		t.Fatalf("snapshots: %v", sn)
	}
	rb := e.do("POST", fmt.Sprintf("/servers/%d/snapshots/rollback", vm), map[string]any{"snapshotId": "tncheckA"}).Expect(t, 200).Int("result", "id")
	if sn := e.snapshots(vm); sn["tncheckA"]["isRollingBack"] != true || num(sn["tncheckA"]["rollbackTaskId"]) != rb {
		t.Fatalf("rolling back: %v", sn)
	}
	e.do("POST", fmt.Sprintf("/servers/%d/snapshots", vm), map[string]any{"options": map[string]any{"name": "busy"}}).Expect(t, 409)
	e.waitTask(rb)
	sn = e.snapshots(vm)
	if sn["tncheckA"]["isCurrent"] != true || sn["tncheckA"]["isRollingBack"] != false || sn["tncheckB"]["isCurrent"] != false {
		t.Fatalf("after rollback: %v", sn)
	}
	// A child of A, then delete A (current): its child gets A's parent (none), and the
	// current snapshot becomes A's parent (none).
	e.snapshot(vm, "tncheckC")
	if sn := e.snapshots(vm); sn["tncheckC"]["parent"] != "tncheckA" || sn["tncheckC"]["isCurrent"] != true {
		t.Fatalf("C: %v", sn)
	}
	e.do("POST", fmt.Sprintf("/servers/%d/snapshots", vm), map[string]any{"options": map[string]any{"name": "tncheckD"}}).Expect(t, 409) // maxSnapshots 3
	rb = e.do("POST", fmt.Sprintf("/servers/%d/snapshots/rollback", vm), map[string]any{"snapshotId": "tncheckA"}).Expect(t, 200).Int("result", "id")
	e.waitTask(rb)
	del = e.do("DELETE", fmt.Sprintf("/servers/%d/snapshots", vm), map[string]any{"snapshotId": "tncheckA"}).Expect(t, 200).Int("result", "id")
	if sn := e.snapshots(vm); sn["tncheckA"]["isDeleting"] != true {
		t.Fatalf("deleting A: %v", sn)
	}
	e.waitTask(del)
	sn = e.snapshots(vm)
	if _, ok := sn["tncheckA"]; ok || sn["tncheckB"]["parent"] != nil || sn["tncheckC"]["parent"] != nil ||
		sn["tncheckB"]["isCurrent"] != false || sn["tncheckC"]["isCurrent"] != false {
		t.Fatalf("after deleting A: %v", sn)
	}

	// Destroy: gone, the node and the IP given back.
	e.destroy(vm)
	e.do("GET", fmt.Sprintf("/servers/%d", vm), nil).Expect(t, 404)
	e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil).Expect(t, 404)
	if got := e.node(1, "node01"); got != before {
		t.Fatalf("node01 %+v after destroy, was %+v", got, before)
	}
	if got := e.freeIPs(2); got != free {
		t.Fatalf("free IPs of subnet 2 after destroy: %d, want %d", got, free)
	}
	e.advance(time.Hour)
}

// TestPlanTooLarge: VPS XXL (96 GB) fits on no node: 422 naming vpsplan, nothing written.
func TestPlanTooLarge(t *testing.T) {
	e := newEnv(t)
	n1, n2, free := e.node(1, "node01"), e.node(1, "node02"), e.freeIPs(2)
	servers := e.do("GET", "/servers", nil).Len("result")
	res := e.do("POST", "/servers", map[string]any{"hostname": "xxl.example.com", "servername": "xxl", "servertype": "vm", "vpsplan": 3,
		"user_id": 3}).Expect(t, 422)
	if msg := res.String("message"); !strings.Contains(msg, "room") || res.Get("errors", "vpsplan") == nil {
		t.Fatalf("refusal: %v", res)
	}
	if e.node(1, "node01") != n1 || e.node(1, "node02") != n2 || e.freeIPs(2) != free || e.do("GET", "/servers", nil).Len("result") != servers {
		t.Fatal("the refused VM left something behind")
	}
	e.do("POST", "/servers", map[string]any{"hostname": "x.example.com", "servername": "x", "servertype": "vm", "vpsplan": 99}).Expect(t, 422)
}

// TestRestartDuringBackup: a backup task running when the simulator restarts completes
// after the restart.
func TestRestartDuringBackup(t *testing.T) {
	e := newEnv(t)
	vm := e.vm(1, 3, "restart")
	task := e.do("POST", fmt.Sprintf("/servers/%d/backups", vm), nil).Expect(t, 200).Int("result", "id")
	e.advance(time.Minute)
	if st := e.task(task).String("result", "status"); st != "running" {
		t.Fatalf("before the restart: %s", st)
	}
	e.restart()
	if st := e.task(task).String("result", "status"); st != "running" {
		t.Fatalf("after the restart: %s", st)
	}
	e.advance(10 * time.Minute)
	if st := e.task(task).String("result", "status"); st != "completed" {
		t.Fatalf("after the clock moved: %s", st)
	}
	if n := e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil).Len("result", "backups"); n != 1 {
		t.Fatalf("%d backups after the restart", n)
	}
}
