package vps_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// TestExternalProviders: create (a Proxmox provider comes with nodes), read back with the
// password masked, update (the mask keeps the password), delete then 404; a provider with
// VMs or plans is not deleted; only administrators reach providers.
func TestExternalProviders(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/externalProviders", map[string]any{"provider": "proxmox", "name": "Proxmox Berlin", "apiUrl": "pve2.example.net",
		"apiUser": "root@pam", "apiPassword": "s3cret", "meta": []any{}}).Expect(t, 200)
	id := res.Int("result", "id")
	if res.String("result", "apiPassword") != "**************" || res.Len("result", "providerDetails", "nodes") != 2 ||
		res.Get("result", "meta") != nil || res.Get("result", "nodeResources", "node01", "status") != "online" {
		t.Fatalf("create: %v", res)
	}
	res = e.do("PUT", fmt.Sprintf("/externalProviders/%d", id), map[string]any{"name": "Proxmox Berlin 2", "apiPassword": "**************"}).Expect(t, 200)
	if res.String("result", "name") != "Proxmox Berlin 2" || res.String("result", "apiUrl") != "pve2.example.net" {
		t.Fatalf("update: %v", res)
	}
	var found bool
	e.view(func(tx *state.Tx) error {
		ep, err := tenantos.ExtProviders.Get(tx, id)
		found = err == nil && ep.APIPassword == "s3cret"
		return err
	})
	if !found {
		t.Fatal("the masked password replaced the stored one")
	}
	if n := e.do("GET", "/externalProviders", nil).Expect(t, 200).Len("result"); n != 2 {
		t.Fatalf("%d providers listed", n)
	}
	// A plan on the new provider keeps it; deleting the plan frees it.
	plan := e.do("POST", "/virtualization/vpsplans", planBody("Berlin S", id, "")).Expect(t, 200).Int("result", "id")
	e.do("DELETE", fmt.Sprintf("/externalProviders/%d", id), nil).Expect(t, 409)
	e.do("DELETE", fmt.Sprintf("/virtualization/vpsplans/%d", plan), nil).Expect(t, 200)
	e.do("DELETE", fmt.Sprintf("/externalProviders/%d", id), nil).Expect(t, 200)
	e.do("GET", fmt.Sprintf("/externalProviders/%d", id), nil).Expect(t, 404)

	// Provider 1 runs a VM: refused.
	vm := e.vm(1, 3, "keep")
	res = e.do("GET", "/externalProviders/1", nil).Expect(t, 200)
	if ids := list(res.Get("result", "usage", "serverIds")); len(ids) != 1 || num(ids[0]) != vm {
		t.Fatalf("usage: %v", res.Get("result", "usage"))
	}
	e.do("DELETE", "/externalProviders/1", nil).Expect(t, 409)
	e.do("POST", "/externalProviders", map[string]any{"provider": "nope", "name": "x"}).Expect(t, 422)
	e.do("POST", "/externalProviders", map[string]any{"provider": "proxmox"}).Expect(t, 422)

	for _, u := range []int64{2, 3} {
		e.do("GET", "/externalProviders", nil, as(u)...).Expect(t, 403)
		e.do("POST", "/externalProviders", map[string]any{"provider": "proxmox", "name": "x"}, as(u)...).Expect(t, 403)
	}
}

// planBody is a VPS plan on a provider with numbers given as numbers (not strings).
func planBody(name string, provider int64, node string) map[string]any {
	return map[string]any{"planname": name, "providerId": provider, "planconfig": map[string]any{
		"bios": "seabios", "cores": 2, "sockets": 1, "memory": 1024, "memory_min": 512, "memory_ballooning": true, "node": node,
		"cpu_units": "2048", "startVmid": 500, "custom": "kept in store, not shown",
		"disks":  map[string]any{"disk0": map[string]any{"storage": "local", "disk_size": 20}},
		"ifaces": map[string]any{"iface0": map[string]any{"subnets": []any{2}, "amount_ipv4": 1}},
		"backup": map[string]any{"enabled": true, "maxBackups": 2}, "snapshot": map[string]any{"enabled": 1, "maxSnapshots": "2"},
	}}
}

// TestVpsPlans: create with numbers as numbers (shown as the contract types them), read
// back, update, duplicate, delete then 404; bad plans are refused naming the field; a plan
// with VMs is not deleted; resellers read plans, customers do not.
func TestVpsPlans(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/virtualization/vpsplans", planBody("Custom", 1, "node02")).Expect(t, 200)
	id := res.Int("result", "id")
	if res.String("result", "planconfig", "cores") != "2" || res.String("result", "planconfig", "memory") != "1024" ||
		res.Int("result", "planconfig", "cpu_units") != 2048 || res.Get("result", "planconfig", "custom") != nil ||
		res.Int("result", "summary", "totalDiskSpace") != 20 || res.String("result", "summary", "node") != "node02" ||
		res.Int("result", "planconfig", "backup", "enabled") != 1 || res.String("result", "planconfig", "backup", "maxBackups") != "2" {
		t.Fatalf("create: %v", res)
	}
	got := e.do("GET", fmt.Sprintf("/virtualization/vpsplans/%d", id), nil).Expect(t, 200)
	if got.String("result", "planname") != "Custom" {
		t.Fatalf("get: %v", got)
	}
	body := planBody("Custom 2", 1, "")
	body["planconfig"].(map[string]any)["memory"] = "4096"
	res = e.do("PUT", fmt.Sprintf("/virtualization/vpsplans/%d", id), body).Expect(t, 200)
	if res.String("result", "planname") != "Custom 2" || res.String("result", "planconfig", "memory") != "4096" {
		t.Fatalf("update: %v", res)
	}
	dup := e.do("POST", fmt.Sprintf("/virtualization/vpsplans/%d/duplicate", id), nil).Expect(t, 200)
	if dup.String("result", "planname") != "Custom 2 (Duplicated)" || dup.Int("result", "id") == id || dup.String("result", "planconfig", "memory") != "4096" {
		t.Fatalf("duplicate: %v", dup)
	}
	if n := e.do("GET", "/virtualization/vpsplans", nil).Len("result"); n != 5 {
		t.Fatalf("%d plans listed, want 5", n)
	}
	e.do("DELETE", fmt.Sprintf("/virtualization/vpsplans/%d", id), nil).Expect(t, 200)
	e.do("GET", fmt.Sprintf("/virtualization/vpsplans/%d", id), nil).Expect(t, 404)

	// The duplicate's VMs get the plan's resources and backup settings (from planconfig).
	vm := e.vm(dup.Int("result", "id"), 3, "dup")
	if r := e.do("GET", fmt.Sprintf("/servers/%d/vm", vm), nil); r.Int("result", "memory", "memory") != 4096 || r.String("result", "memory", "balloon") != "512" {
		t.Fatalf("resources: %v", r)
	}
	if b := e.do("GET", fmt.Sprintf("/servers/%d/backups", vm), nil); b.Int("result", "meta", "maxBackups") != 2 {
		t.Fatalf("backup meta: %v", b)
	}
	if sn := e.do("GET", fmt.Sprintf("/servers/%d/snapshots", vm), nil); sn.Int("result", "meta", "maxSnapshots") != 2 || sn.Get("result", "meta", "snapshotsEnabled") != true {
		t.Fatalf("snapshot meta: %v", sn)
	}
	e.do("DELETE", fmt.Sprintf("/virtualization/vpsplans/%d", dup.Int("result", "id")), nil).Expect(t, 409)

	// Refusals name the field; nothing is written.
	for field, b := range map[string]map[string]any{
		"providerId":      planBody("x", 99, ""),
		"planconfig.node": planBody("x", 1, "node99"),
		"planconfig":      {"planname": "x", "providerId": 1, "planconfig": []any{}},
	} {
		res := e.do("POST", "/virtualization/vpsplans", b).Expect(t, 422)
		if res.Get("errors", field) == nil {
			t.Fatalf("%s: %v", field, res)
		}
	}
	noMem := planBody("x", 1, "")
	delete(noMem["planconfig"].(map[string]any), "memory")
	e.do("POST", "/virtualization/vpsplans", noMem).Expect(t, 422)
	e.do("POST", "/virtualization/vpsplans", map[string]any{"planname": "x", "planconfig": map[string]any{"cores": 1}}).Expect(t, 422)
	if n := e.do("GET", "/virtualization/vpsplans", nil).Len("result"); n != 4 {
		t.Fatalf("%d plans after the refusals, want 4", n)
	}

	e.do("GET", "/virtualization/vpsplans", nil, as(2)...).Expect(t, 200)
	e.do("GET", "/virtualization/vpsplans/1", nil, as(2)...).Expect(t, 200)
	e.do("GET", "/virtualization/vpsplans", nil, as(3)...).Expect(t, 403)
	e.do("POST", "/virtualization/vpsplans", planBody("x", 1, ""), as(2)...).Expect(t, 403)
	e.do("DELETE", "/virtualization/vpsplans/3", nil, as(2)...).Expect(t, 403)
}

// TestBalancerPlans: CRUD; the regexes steer new VMs; a plan pinned to a node goes there;
// testBalancerConfiguration says which node and why.
func TestBalancerPlans(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/virtualization/balancerplans", map[string]any{"planname": "Only node02", "nodeMustMatchRegex": "/^NODE02$/i",
		"storageReserveFreeAmount": 0, "ramReserveFreeAmount": 5, "vmMaxAmount": 2}).Expect(t, 200)
	bal := res.Int("result", "id")
	if res.Int("result", "cpuPriority") != 1 || res.String("result", "nodeMustMatchRegex") != "/^NODE02$/i" || res.Int("result", "vmMaxAmount") != 2 {
		t.Fatalf("create: %v", res)
	}
	e.do("POST", "/virtualization/balancerplans", map[string]any{"planname": "bad", "nodeMustMatchRegex": "/[/"}).Expect(t, 422)
	e.do("POST", "/virtualization/balancerplans", map[string]any{"planname": "bad", "ramReserveFreeAmount": 150}).Expect(t, 422)

	plan := e.do("POST", "/virtualization/vpsplans", planBody("Balanced", 1, fmt.Sprintf("balancer_%d", bal))).Expect(t, 200).Int("result", "id")
	n2 := e.node(1, "node02")
	var vms []int64
	for i := 0; i < 2; i++ {
		vm := e.vm(plan, 3, fmt.Sprintf("bal%d", i))
		vms = append(vms, vm)
		if got := e.node(1, "node02"); got.UsedMemMB != n2.UsedMemMB+int64(1024*(i+1)) {
			t.Fatalf("VM %d not on node02: %+v", i, got)
		}
	}
	// vmMaxAmount 2 reached on the only node the regex allows: refused.
	res = e.do("POST", "/servers", map[string]any{"hostname": "b3.example.com", "servername": "b3", "servertype": "vm", "vpsplan": plan}).Expect(t, 422)
	if !strings.Contains(res.String("message"), "vmMaxAmount") {
		t.Fatalf("refusal: %v", res)
	}
	e.do("DELETE", fmt.Sprintf("/virtualization/balancerplans/%d", bal), nil).Expect(t, 409)
	e.do("PUT", fmt.Sprintf("/virtualization/balancerplans/%d", bal), map[string]any{"vmMaxAmount": 5, "planname": "Two"}).Expect(t, 200)
	if got := e.do("GET", fmt.Sprintf("/virtualization/balancerplans/%d", bal), nil).Expect(t, 200); got.Int("result", "vmMaxAmount") != 5 || got.String("result", "planname") != "Two" {
		t.Fatalf("update: %v", got)
	}

	// Pinned to node02 (plan without a balancer), and a plan pinned to a node too small.
	pinned := e.do("POST", "/virtualization/vpsplans", planBody("Pinned", 1, "node02")).Expect(t, 200).Int("result", "id")
	before := e.node(1, "node02")
	e.vm(pinned, 3, "pinned")
	if got := e.node(1, "node02"); got.UsedMemMB != before.UsedMemMB+1024 {
		t.Fatalf("pinned VM not on node02: %+v", got)
	}
	big := planBody("Big pinned", 1, "node02")
	big["planconfig"].(map[string]any)["memory"] = 65536
	bigID := e.do("POST", "/virtualization/vpsplans", big).Expect(t, 200).Int("result", "id")
	e.do("POST", "/servers", map[string]any{"hostname": "big.example.com", "servername": "big", "servertype": "vm", "vpsplan": bigID}).Expect(t, 422)

	// testBalancerConfiguration: which node, and why the others are not.
	res = e.do("POST", "/virtualization/balancerplans/testBalancerConfiguration", map[string]any{"providerId": 1, "ramSize": 1024,
		"diskSize": 10, "nodeMustNotMatchRegex": "/node01/"}).Expect(t, 200)
	if res.String("result", "selectedNode") != "node02" || res.Get("result", "nodes", 0, "eligible") != false ||
		!strings.Contains(fmt.Sprint(res.Get("result", "nodes", 0, "reasons")), "nodeMustNotMatchRegex") {
		t.Fatalf("test: %v", res)
	}
	res = e.do("POST", "/virtualization/balancerplans/testBalancerConfiguration", map[string]any{"providerId": 1, "ramSize": 1 << 20}).Expect(t, 200)
	if res.Get("result", "selectedNode") != nil {
		t.Fatalf("a 1 TB VM found a node: %v", res)
	}
	res = e.do("POST", "/virtualization/balancerplans/testBalancerConfiguration", map[string]any{"providerId": 1, "ramSize": 1024,
		"storages": []any{map[string]any{"backendStorageName": "local", "diskSize": 500}}}).Expect(t, 200)
	if res.String("result", "selectedNode") != "node01" {
		t.Fatalf("500 GB on local: %v", res)
	}
	e.do("POST", "/virtualization/balancerplans/testBalancerConfiguration", map[string]any{"providerId": 9}).Expect(t, 422)

	for _, vm := range vms {
		e.destroy(vm)
	}
	e.do("DELETE", fmt.Sprintf("/virtualization/vpsplans/%d", plan), nil).Expect(t, 200)
	e.do("DELETE", fmt.Sprintf("/virtualization/balancerplans/%d", bal), nil).Expect(t, 200)
	e.do("GET", fmt.Sprintf("/virtualization/balancerplans/%d", bal), nil).Expect(t, 404)
	e.do("GET", "/virtualization/balancerplans", nil, as(2)...).Expect(t, 403)
}
