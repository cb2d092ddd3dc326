package openscaler_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// TestSizes: the size catalog, in the vendor's shape.
func TestSizes(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("GET", "/sizes", nil).Expect(t, 200)
	if res.Len("sizes") != 11 {
		t.Fatalf("%d sizes", res.Len("sizes"))
	}
	want := `{"id":"b-1-500mb-10","name":"Basic 1-500mb-25GB","description":null,"memory":0.5,"vcpus":1,"disk":10,"transfer":0.5,"units":1,` +
		`"category":"basic","disk_type":"nvme","architecture":"x86_64","price_monthly":"1.50","price_hourly":"0.00208","available":true,"test_only":false}`
	var raw struct{ Sizes []json.RawMessage }
	json.Unmarshal(res.Body, &raw)
	if string(raw.Sizes[0]) != want {
		t.Fatalf("first size:\n%s\nwant\n%s", raw.Sizes[0], want)
	}
	if res.String("sizes", 10, "id") != "b-32-128-2560" {
		t.Fatalf("last size %s", res.String("sizes", 10, "id"))
	}
	// A VM of a size takes its resources; memory GB and transfer TB become MB and GB.
	id := e.vm(vmBody("small", "size", "b-1-500mb-10"))
	vm := e.get(id, "").Expect(t, 200)
	if vm.Int("memoryMB") != 512 || vm.Int("storageGB") != 10 || vm.Int("transferGB") != 512 || vm.Get("price_monthly") != json.Number("1.5") ||
		vm.Get("price_hourly") != json.Number("0.00223") {
		t.Fatalf("VM of b-1-500mb-10: %v", vm)
	}
}

// TestRegionsAndDistros: the catalog the VM object refers to.
func TestRegionsAndDistros(t *testing.T) {
	e := newEnv(t)
	r := e.c.Do("GET", "/regions", nil).Expect(t, 200)
	if r.Len("regions") != 1 || r.String("regions", 0, "id") != "alg1" || r.String("regions", 0, "public_ip") != "10.99.88.77" || r.Get("regions", 0, "available") != true {
		t.Fatalf("regions: %v", r)
	}
	d := e.c.Do("GET", "/distros", nil).Expect(t, 200)
	if d.Len("distros") != 4 || d.String("distros", 0, "id") != "debian-13" || d.String("distros", 2, "family") != "rocky" {
		t.Fatalf("distros: %v", d)
	}
}

// TestProjectsAndVPCs: projects with a default VPC each, deleted only when empty.
func TestProjectsAndVPCs(t *testing.T) {
	e := newEnv(t)
	c := e.c
	list := c.Do("GET", "/projects", nil).Expect(t, 200)
	if list.Len("projects") != 1 || list.String("projects", 0, "id") != "default" || list.Int("projects", 0, "vpc_ids", 0) != 1 {
		t.Fatalf("projects: %v", list)
	}
	userID := list.String("projects", 0, "user_id")
	p := c.Do("POST", "/projects", map[string]any{"id": "dz", "description": "Algeria"}).Expect(t, 201)
	if p.String("user_id") != userID || p.String("description") != "Algeria" || p.Int("vpc_ids", 0) != 2 || p.String("created_at") != "2025-01-20T12:00:00" {
		t.Fatalf("new project: %v", p)
	}
	v := c.Do("GET", "/vpcs/2", nil).Expect(t, 200)
	if v.String("project_id") != "dz" || v.String("subnet") != "10.0.2.0/24" || v.String("gateway") != "10.0.2.1" || v.Get("is_default") != true {
		t.Fatalf("vpc 2: %v", v)
	}
	if n := c.Do("GET", "/vpcs", nil).Expect(t, 200).Len("vpcs"); n != 2 {
		t.Fatalf("%d vpcs", n)
	}
	if r := c.Do("GET", "/vpcs?project_id=dz", nil).Expect(t, 200); r.Len("vpcs") != 1 || r.Int("vpcs", 0, "id") != 2 {
		t.Fatalf("vpcs of dz: %v", r)
	}
	id := e.vm(vmBody("x", "project_id", "dz"))
	if d := c.Do("DELETE", "/projects/dz", nil).Expect(t, 409).String("detail"); d != "Project 'dz' still has 1 VM(s); delete them first" {
		t.Fatalf("delete a project with VMs: %q", d)
	}
	c.Do("DELETE", fmt.Sprintf("/vms/%d", id), nil).Expect(t, 204)
	e.advance(deleteSeconds * time.Second)
	c.Do("DELETE", "/projects/dz", nil).Expect(t, 204)
	c.Do("GET", "/projects/dz", nil).Expect(t, 404)
	c.Do("GET", "/vpcs/2", nil).Expect(t, 404)
	if n := c.Do("GET", "/projects", nil).Expect(t, 200).Len("projects"); n != 1 {
		t.Fatalf("%d projects after delete", n)
	}
	// The name is free again, with a new VPC.
	if vpc := c.Do("POST", "/projects", map[string]any{"id": "dz"}).Expect(t, 201).Int("vpc_ids", 0); vpc != 3 {
		t.Fatalf("vpc of the new dz: %d", vpc)
	}
}

// TestSSHKeys: save, list, refuse a duplicate, delete.
func TestSSHKeys(t *testing.T) {
	e := newEnv(t)
	c := e.c
	pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0vJ3sB5mjXH7nOQzpRtYzY0k0aQ3cmoP8oLQJH2Fz6 me@laptop"
	k := c.Do("POST", "/ssh_keys", map[string]any{"name": "laptop", "public_key": "  " + pub + "\n"}).Expect(t, 201)
	if k.Int("id") != 1 || k.String("public_key") != pub || k.String("fingerprint") != "SHA256:tPbbxUL8Dn8Xn61SalCCtgY8CypFLe/sLEoZIH3+SW8" {
		t.Fatalf("key: %v", k)
	}
	if d := c.Do("POST", "/ssh_keys", map[string]any{"name": "again", "public_key": pub}).Expect(t, 409).String("detail"); d != "An SSH key with this public key already exists" {
		t.Fatalf("duplicate: %q", d)
	}
	if n := c.Do("GET", "/ssh_keys", nil).Expect(t, 200).Len("ssh_keys"); n != 1 {
		t.Fatalf("%d keys", n)
	}
	c.Do("DELETE", "/ssh_keys/1", nil).Expect(t, 204)
	c.Do("DELETE", "/ssh_keys/1", nil).Expect(t, 404)
	c.Do("POST", "/ssh_keys", map[string]any{"name": "again", "public_key": pub}).Expect(t, 201)
}
