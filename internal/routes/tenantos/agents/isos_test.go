package agents_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// isoRole gives users a role (made by the administrator) that lets them use the IPMI KVM
// ISOs: the default roles of resellers and customers do not.
func isoRole(e *env, users ...int) {
	e.t.Helper()
	id := e.do("POST", "/roles", map[string]any{"name": "ISO users", "permissionlist": []string{"remoteAgents.ipmiKvmIsos.index",
		"remoteAgents.ipmiKvmIsos.show", "remoteAgents.ipmiKvmIsos.store", "remoteAgents.ipmiKvmIsos.destroy"}}).Expect(e.t, 200).Int("result", "id")
	for _, u := range users {
		e.do("PUT", fmt.Sprintf("/users/%d", u), map[string]any{"role_id": id}).Expect(e.t, 200)
	}
}

// TestIsoDownload: an ISO added by URL is downloaded on the clock (queued, downloading with
// its size known and its file growing, complete), survives a restart halfway, is offered to
// everyone when an administrator added it, and is deleted (then 404).
func TestIsoDownload(t *testing.T) {
	e := newEnv(t)
	if r := e.do("GET", "/remoteAgents/ipmiKvmIsos", nil).Expect(t, 200); r.Len("result") != 1 || r.String("result", 0, "state") != "complete" {
		t.Fatalf("the default world's ISOs: %v", r)
	}
	res := e.do("POST", "/remoteAgents/ipmiKvmIsos", map[string]any{"name": "Debian 12 netinst",
		"downloadUrl": "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-12.5.0-amd64-netinst.iso"}).Expect(t, 200)
	id := res.Int("result", "id")
	if res.String("result", "state") != "queued" || res.String("result", "type") != "public_admin" ||
		res.String("result", "filename") != fmt.Sprintf("%d_debian-12.5.0-amd64-netinst.iso", id) || res.Get("result", "isDeletable") != true {
		t.Fatalf("created: %v", res)
	}
	path := fmt.Sprintf("/remoteAgents/ipmiKvmIsos/%d", id)
	e.advance(10 * time.Second)
	got := e.do("GET", path, nil).Expect(t, 200)
	size := got.Int("result", "expectedSize")
	if got.String("result", "state") != "downloading" || got.String("result", "status") != "Downloading" || size <= 0 || got.Int("result", "filesize") != 0 {
		t.Fatalf("after 10 s: %v", got)
	}
	e.advance(20 * time.Second)
	half := e.do("GET", path, nil).Expect(t, 200).Int("result", "filesize")
	if half <= 0 || half >= size {
		t.Fatalf("filesize %d of %d halfway", half, size)
	}
	e.s.Restart()
	e.c = e.s.Client("tenantos", simtest.DefaultToken)
	e.advance(30 * time.Second)
	got = e.do("GET", path, nil).Expect(t, 200)
	if got.String("result", "state") != "complete" || got.String("result", "status") != "Completed" || got.Int("result", "filesize") != size {
		t.Fatalf("after 60 s: %v", got)
	}

	// A customer whose role lets it use ISOs sees the public one but may not delete it.
	isoRole(e, 3)
	if r := e.as(3, "GET", path, nil).Expect(t, 200); r.Get("result", "isDeletable") != false {
		t.Fatalf("as a customer: %v", r)
	}
	e.as(3, "DELETE", path, nil).Expect(t, 403)
	e.do("DELETE", path, nil).Expect(t, 200)
	e.do("GET", path, nil).Expect(t, 404)
	e.do("DELETE", path, nil).Expect(t, 404)

	// Bad input writes nothing.
	expect422(t, e.do("POST", "/remoteAgents/ipmiKvmIsos", map[string]any{"name": "x", "downloadUrl": "ftp://example.com/x.iso"}), "downloadUrl")
	expect422(t, e.do("POST", "/remoteAgents/ipmiKvmIsos", map[string]any{"name": "x", "downloadUrl": "not a url"}), "downloadUrl")
	expect422(t, e.do("POST", "/remoteAgents/ipmiKvmIsos", map[string]any{"downloadUrl": "https://example.com/x.iso"}), "name")
	if n := e.do("GET", "/remoteAgents/ipmiKvmIsos", nil).Expect(t, 200).Len("result"); n != 1 {
		t.Fatalf("%d ISOs, want 1", n)
	}
}

// TestIsoFailureAndPrivacy: a download from a host the panel cannot reach fails; ISOs added by
// other users are private: seen and deleted by their owner and whoever manages it only.
func TestIsoFailureAndPrivacy(t *testing.T) {
	e := newEnv(t)
	bad := e.do("POST", "/remoteAgents/ipmiKvmIsos", map[string]any{"name": "Broken", "downloadUrl": "http://mirror.example.invalid/x.iso"}).Expect(t, 200).Int("result", "id")
	e.advance(15 * time.Second)
	if r := e.do("GET", fmt.Sprintf("/remoteAgents/ipmiKvmIsos/%d", bad), nil).Expect(t, 200); r.String("result", "state") != "failed" || r.Int("result", "filesize") != 0 {
		t.Fatalf("an unreachable download: %v", r)
	}

	// With the default roles, only administrators reach ISOs.
	e.as(3, "GET", "/remoteAgents/ipmiKvmIsos", nil).Expect(t, 403)
	isoRole(e, 2, 3, 4)

	own := e.as(4, "POST", "/remoteAgents/ipmiKvmIsos", map[string]any{"name": "My rescue", "downloadUrl": "https://example.com/rescue.iso"}).Expect(t, 200)
	id := own.Int("result", "id")
	if own.String("result", "type") != "private_user" || own.Get("result", "isDeletable") != true {
		t.Fatalf("a customer's ISO: %v", own)
	}
	path := fmt.Sprintf("/remoteAgents/ipmiKvmIsos/%d", id)
	e.as(3, "GET", path, nil).Expect(t, 404) // another customer
	e.as(2, "GET", path, nil).Expect(t, 200) // its reseller
	if n := e.as(3, "GET", "/remoteAgents/ipmiKvmIsos", nil).Expect(t, 200).Len("result"); n != 2 {
		t.Fatalf("customer 3 sees %d ISOs, want the 2 public ones", n)
	}
	e.as(3, "DELETE", path, nil).Expect(t, 404)
	e.as(2, "DELETE", path, nil).Expect(t, 200)
	e.as(4, "GET", path, nil).Expect(t, 404)
}
