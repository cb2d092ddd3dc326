package openscaler_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCreateFails: a distro marked to fail fails at the image step: the stream ends with
// "500" and {"detail"}, and the VM stays, crashed, until it is deleted.
func TestCreateFails(t *testing.T) {
	e := newEnv(t, withFixtures(t, "imageBytes: 1391562197}", "imageBytes: 1391562197, fail: true}"))
	s, refused := e.openCreate(e.c, vmBody("doomed"))
	if refused != nil {
		t.Fatalf("refused: %v", refused)
	}
	e.advance(createSeconds * time.Second)
	final, progress := s.final()
	if final.name != "500" || progress != 2 { // 0 % and 10 %, then the image step fails
		t.Fatalf("final %s %s after %d progress events", final.name, final.data, progress)
	}
	if d, _ := final.json(t)["detail"].(string); d != "VM 1 could not be created: the debian-13 image could not be fetched." {
		t.Fatalf("detail %q", d)
	}
	if st := e.state(1); st != "crashed" {
		t.Fatalf("state %s", st)
	}
	if d := e.action(1, "start").Expect(t, 409).String("detail"); d != "VM 1 failed to be created; delete it" {
		t.Fatalf("start a failed VM: %q", d)
	}
	e.c.Do("DELETE", "/vms/1", nil).Expect(t, 204)
	e.advance(deleteSeconds * time.Second)
	e.get(1, "").Expect(t, 404)
	// Its port forwards are free again.
	id := e.vm(vmBody("ok", "distro", "rocky-9"))
	if p := e.get(id, "?only=network").Int("network", "public_ip_ports", 0, "port"); p != 9000 {
		t.Fatalf("port %d", p)
	}
}

// TestDeleteDuringCreation: the creation stops and the stream ends with "500".
func TestDeleteDuringCreation(t *testing.T) {
	e := newEnv(t)
	s, _ := e.openCreate(e.c, vmBody("short-lived"))
	s.next()
	e.advance(5 * time.Second)
	s.next()
	e.c.Do("DELETE", "/vms/1", nil).Expect(t, 204)
	final, _ := s.final()
	if final.name != "500" || !strings.Contains(final.data, "VM 1 was deleted before its creation finished.") {
		t.Fatalf("final %s %s", final.name, final.data)
	}
	e.advance(createSeconds * time.Second)
	e.get(1, "").Expect(t, 404)
	if n := e.pending(); n != 0 {
		t.Fatalf("%d tasks left", n)
	}
}

// TestStreamClientGone: the creation goes on when the client stops reading.
func TestStreamClientGone(t *testing.T) {
	e := newEnv(t)
	s, _ := e.openCreate(e.c, vmBody("orphan"))
	s.next()
	s.res.Body.Close()
	e.advance(createSeconds * time.Second)
	if st := e.state(1); st != "running" {
		t.Fatalf("state %s", st)
	}
	// A stream of a created VM ends at once: a new create gets its own.
	id := e.vm(vmBody("second"))
	if id != 2 {
		t.Fatalf("id %d", id)
	}
}

// TestCloseEndsStreams: closing the simulator ends open streams with a terminal "503" event
// instead of waiting for them or cutting them.
func TestCloseEndsStreams(t *testing.T) {
	e := newEnv(t)
	s, _ := e.openCreate(e.c, vmBody("open"))
	s.next()
	start := time.Now()
	if err := e.s.Simulator().Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("close took %v with a stream open", d)
	}
	if ev := s.next(); ev.name != "503" || !strings.Contains(ev.data, "shutting down") {
		t.Fatalf("last event %s %s", ev.name, ev.data)
	}
	s.ended()
}

// TestCustomSize: vcpus, memoryMB and storageGB instead of a size.
func TestCustomSize(t *testing.T) {
	e := newEnv(t)
	id := e.vm(vmBody("custom", "size", nil, "vcpus", 2, "memoryMB", "4096", "storageGB", 50))
	res := e.get(id, "").Expect(t, 200)
	if res.String("size") != "custom" || res.Int("vcpus") != 2 || res.Int("memoryMB") != 4096 || res.Int("storageGB") != 50 ||
		res.Int("transferGB") != 1024 || res.Get("price_monthly").(fmt.Stringer).String() != "14.5" {
		t.Fatalf("custom VM: %v", res)
	}
}

// TestAllocation: three consecutive public ports and one private address per VM, the lowest
// free ones, given back on deletion; a project's VMs live in its own VPC.
func TestAllocation(t *testing.T) {
	e := newEnv(t)
	ids := []int64{e.vm(vmBody("a")), e.vm(vmBody("b")), e.vm(vmBody("c"))}
	for i, id := range ids {
		res := e.get(id, "?only=network")
		if p := res.Int("network", "public_ip_ports", 0, "port"); p != 9000+3*int64(i) {
			t.Fatalf("VM %d: first port %d", id, p)
		}
		if ip := res.String("network", "private_ip"); ip != fmt.Sprintf("10.0.1.%d", 2+i) {
			t.Fatalf("VM %d: private ip %s", id, ip)
		}
	}
	e.c.Do("DELETE", fmt.Sprintf("/vms/%d", ids[1]), nil).Expect(t, 204)
	e.advance(deleteSeconds * time.Second)
	res := e.get(e.vm(vmBody("d")), "?only=network")
	if res.Int("network", "public_ip_ports", 0, "port") != 9003 || res.Int("network", "public_ip_ports", 2, "port") != 9005 ||
		res.String("network", "private_ip") != "10.0.1.3" {
		t.Fatalf("reused allocation: %v", res.Get("network"))
	}

	vpc := e.c.Do("POST", "/projects", map[string]any{"id": "dz", "description": "Algeria"}).Expect(t, 201).Int("vpc_ids", 0)
	if vpc != 2 {
		t.Fatalf("vpc %d", vpc)
	}
	res = e.get(e.vm(vmBody("dz-1", "project_id", "dz")), "")
	if res.Int("vpc_id") != 2 || res.String("network", "vpc_subnet") != "10.0.2.0/24" || res.String("network", "private_ip") != "10.0.2.2" ||
		res.String("project_id") != "dz" {
		t.Fatalf("VM of project dz: %v", res)
	}
	res = e.get(e.vm(vmBody("dz-2", "project_id", "dz", "vpc_id", 2)), "?only=network")
	if res.String("network", "private_ip") != "10.0.2.3" {
		t.Fatalf("VM in a named VPC: %v", res)
	}
	if _, refused := e.openCreate(e.c, vmBody("x", "vpc_id", 2)); refused == nil || refused.Status != 400 {
		t.Fatalf("another project's VPC: %v", refused)
	}
	e.c.Do("DELETE", "/projects/dz", nil).Expect(t, 409)
}

// TestCapacity: a region takes VMs until its vCPUs, memory or storage run out.
func TestCapacity(t *testing.T) {
	e := newEnv(t)
	big := vmBody("big", "size", "b-32-128-2560")
	for i := 0; i < 4; i++ {
		s, refused := e.openCreate(e.c, big)
		if refused != nil {
			t.Fatalf("big VM %d refused: %v", i+1, refused)
		}
		s.next()
	}
	_, refused := e.openCreate(e.c, big)
	if refused == nil || refused.Status != 400 || refused.String("detail") != "Not enough capacity left in region alg1 for 32 vCPUs, 131072 MB of memory and 1280 GB of storage." {
		t.Fatalf("fifth big VM: %v", refused)
	}
	if e.c.Do("GET", "/regions", nil).Expect(t, 200).Get("regions", 0, "available") != false {
		t.Fatal("a full region is available")
	}
	e.c.Do("DELETE", "/vms/4", nil).Expect(t, 204)
	e.advance(deleteSeconds * time.Second)
	s, refused := e.openCreate(e.c, big)
	if refused != nil {
		t.Fatalf("after a deletion: %v", refused)
	}
	s.next()
}

// TestSSHKeysOnCreate: ssh_keys takes public keys and ids of saved keys.
func TestSSHKeysOnCreate(t *testing.T) {
	e := newEnv(t)
	key := e.c.Do("POST", "/ssh_keys", map[string]any{"name": "laptop", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0vJ3sB5mjXH7nOQzpRtYzY0k0aQ3cmoP8oLQJH2Fz6 me@laptop"}).Expect(t, 201)
	id := key.Int("id")
	e.vm(vmBody("keys", "ssh_keys", []any{"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHHOmJ0vDcq9ttbMgMLYV/cKMh86PS9bL55SOlgKV/h/Jnss4VFcnPyfA/Vh2JHeY6zY1bzvtRZ1E/JdLap2iqU= ops@ci", fmt.Sprint(id)}))
	if _, refused := e.openCreate(e.c, vmBody("x", "ssh_keys", []any{"99"})); refused == nil || refused.Status != 400 || refused.String("detail") != "SSH key 99 not found." {
		t.Fatalf("unknown saved key: %v", refused)
	}
	if _, refused := e.openCreate(e.c, vmBody("x", "ssh_keys", []any{"not a key"})); refused == nil || refused.Status != 422 {
		t.Fatalf("malformed key: %v", refused)
	}
}

// TestCreateRefusedOnStream: what OpenScaler refuses once the stream has started (a password
// that fails the policy, a distro the region does not offer) ends the stream with "400"
// right after the first progress event, and leaves nothing behind.
func TestCreateRefusedOnStream(t *testing.T) {
	e := newEnv(t, withFixtures(t, "imageBytes: 1610612736}", "imageBytes: 1610612736, regions: [fra1]}"))
	for body, want := range map[string]map[string]any{
		"The password does not meet the policy: at least 8 characters, of at least 2 kinds among lower-case letters, upper-case letters, digits and other characters.": vmBody("weak", "password", "password"),
		"Distro 'ubuntu-24.04' is not available in region 'alg1'.": vmBody("elsewhere", "distro", "ubuntu-24.04"),
	} {
		s, refused := e.openCreate(e.c, want)
		if refused != nil {
			t.Fatalf("plain answer: %v", refused)
		}
		first := s.next()
		if first.name != "progress" || first.json(t)["message"] != "Creating VM "+want["name"].(string) {
			t.Fatalf("first event %s %s", first.name, first.data)
		}
		last := s.next()
		if last.name != "400" || last.json(t)["detail"] != body {
			t.Fatalf("last event %s %s", last.name, last.data)
		}
		s.ended()
	}
	if n := e.c.Do("GET", "/vms?project_id=default", nil).Expect(t, 200).Len("vms"); n != 0 {
		t.Fatalf("%d VMs after refusals", n)
	}
	if n := e.pending(); n != 0 {
		t.Fatalf("%d tasks after refusals", n)
	}
	// The pages' example password meets the policy; the first VM gets the first id and address.
	id := e.vm(vmBody("ok", "password", "strong_password"))
	if ip := e.get(id, "?only=network").String("network", "private_ip"); id != 1 || ip != "10.0.1.2" {
		t.Fatalf("first VM %d %s", id, ip)
	}
}
