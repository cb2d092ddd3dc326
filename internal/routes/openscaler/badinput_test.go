package openscaler_test

import (
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// TestCreateRefusals: every creation that cannot go ahead is a plain JSON answer in the
// {"detail"} shape before any event, and none of them leaves anything behind.
func TestCreateRefusals(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		body   any
		status int
		detail string
	}{
		{"no name", vmBody("", "name", nil), 422, "body.name: Field required"},
		{"empty body", map[string]any{}, 422, "body.distro: Field required; body.name: Field required; body.project_id: Field required; body.region: Field required"},
		{"no size nor custom", vmBody("x", "size", nil), 422, "body.size: Field required"},
		{"size and custom", vmBody("x", "vcpus", 2), 422, "body: Give either size or vcpus, memoryMB and storageGB, not both"},
		{"custom without storage", vmBody("x", "size", nil, "vcpus", 2, "memoryMB", 2048), 422, "body.storageGB: Field required"},
		{"word for vcpus", vmBody("x", "size", nil, "vcpus", "two", "memoryMB", 2048, "storageGB", 20), 422, "body.vcpus: Input should be a valid integer"},
		{"too many vcpus", vmBody("x", "size", nil, "vcpus", 65, "memoryMB", 2048, "storageGB", 20), 422, "body.vcpus: Input should be less than or equal to 64"},
		{"name too long", vmBody(strings.Repeat("n", 65)), 422, "body.name: String should have at most 64 characters"},
		{"disk without size", vmBody("x", "attached_disks", []any{map[string]any{}}), 422, "body.attached_disks.0.sizeGB: Field required"},
		{"too many disks", vmBody("x", "attached_disks", []any{map[string]any{"sizeGB": 1}, map[string]any{"sizeGB": 1}, map[string]any{"sizeGB": 1}, map[string]any{"sizeGB": 1}, map[string]any{"sizeGB": 1}}), 422, "body.attached_disks: List should have at most 4 items"},
		{"keys not a list", vmBody("x", "ssh_keys", "ssh-rsa AAAA"), 422, "body.ssh_keys: Input should be a valid list"},
		{"malformed key", vmBody("x", "ssh_keys", []any{"hello"}), 422, "body.ssh_keys.0: Value is neither an OpenSSH public key nor the id of a saved SSH key"},
		{"unknown size", vmBody("x", "size", "b-64-256"), 400, "Size 'b-64-256' not found."},
		{"unknown region", vmBody("x", "region", "fra1"), 400, "Region 'fra1' not found."},
		{"unknown distro", vmBody("x", "distro", "windows-11"), 400, "Distro 'windows-11' not found."},
		{"unknown project", vmBody("x", "project_id", "nope"), 400, "Project 'nope' not found."},
		{"unknown vpc", vmBody("x", "vpc_id", 99), 400, "VPC 99 not found in project 'default' and region 'alg1'."},
		{"unknown saved key", vmBody("x", "ssh_keys", []any{"7"}), 400, "SSH key 7 not found."},
		{"more storage than the region has", vmBody("x", "size", nil, "vcpus", 1, "memoryMB", 1024, "storageGB", 4096, "attached_disks", []any{map[string]any{"sizeGB": 2048}, map[string]any{"sizeGB": 2048}, map[string]any{"sizeGB": 2048}, map[string]any{"sizeGB": 2048}}), 400, "Not enough capacity left in region alg1 for 1 vCPUs, 1024 MB of memory and 12288 GB of storage."},
		{"malformed JSON reads as no fields", `{"name": "x",`, 422, "body.distro: Field required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res *simtest.Response
			if s, ok := tt.body.(string); ok {
				res = e.c.Do("POST", "/vms", s)
			} else if _, res = e.openCreate(e.c, tt.body); res == nil {
				t.Fatal("streamed instead of refusing")
			}
			if res.Status != tt.status || !strings.HasPrefix(string(res.Body), `{"detail":"`+tt.detail) {
				t.Fatalf("got %d %s, want %d %q", res.Status, res.Body, tt.status, tt.detail)
			}
		})
	}
	// Nothing was kept: no VM, and the next one gets the first id, address and ports.
	if n := e.c.Do("GET", "/vms?project_id=default", nil).Expect(t, 200).Len("vms"); n != 0 {
		t.Fatalf("%d VMs after refusals", n)
	}
	if n := e.pending(); n != 0 {
		t.Fatalf("%d tasks after refusals", n)
	}
	id := e.vm(vmBody("first"))
	res := e.get(id, "?only=network")
	if id != 1 || res.String("network", "private_ip") != "10.0.1.2" || res.Int("network", "public_ip_ports", 0, "port") != 9000 {
		t.Fatalf("first VM after refusals: %d %v", id, res)
	}
}

// TestBadRequests: errors of the other operations, all {"detail"}.
func TestBadRequests(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		detail string
	}{
		{"list without project", "GET", "/vms", nil, 422, "query.project_id: Field required"},
		{"list of an unknown project", "GET", "/vms?project_id=nope", nil, 404, "Project 'nope' not found"},
		{"unknown only", "GET", "/vms/1?only=cpu", nil, 422, "query.only.0: Input should be 'basic', 'state', 'disks' or 'network' (repeated, or separated by commas)"},
		{"unknown VM", "GET", "/vms/987654", nil, 404, "VM not found"},
		{"word for a VM id", "GET", "/vms/abc", nil, 404, "VM not found"},
		{"negative VM id", "GET", "/vms/-1", nil, 404, "VM not found"},
		{"delete an unknown VM", "DELETE", "/vms/987654", nil, 404, "VM not found"},
		{"unknown project", "GET", "/projects/nope", nil, 404, "Project 'nope' not found"},
		{"project id with capitals", "POST", "/projects", map[string]any{"id": "Prod"}, 422, "body.id: String should match pattern '^[a-z0-9][a-z0-9-]{0,31}$'"},
		{"project taken", "POST", "/projects", map[string]any{"id": "default"}, 409, "Project 'default' already exists"},
		{"delete the default project", "DELETE", "/projects/default", nil, 409, "The default project cannot be deleted"},
		{"unknown vpc", "GET", "/vpcs/99", nil, 404, "VPC not found"},
		{"word for a vpc id", "GET", "/vpcs/abc", nil, 404, "VPC not found"},
		{"vpcs of an unknown project", "GET", "/vpcs?project_id=nope", nil, 404, "Project 'nope' not found"},
		{"key without name", "POST", "/ssh_keys", map[string]any{"public_key": "ssh-ed25519 AAAA"}, 422, "body.name: Field required"},
		{"not a public key", "POST", "/ssh_keys", map[string]any{"name": "k", "public_key": "hello"}, 422, "body.public_key: Value is not an OpenSSH public key"},
		{"delete an unknown key", "DELETE", "/ssh_keys/5", nil, 404, "SSH key not found"},
		{"wrong method", "PATCH", "/vms/1", nil, 405, "Method Not Allowed"},
		{"unknown route", "GET", "/nothing", nil, 404, "Not Found"},
		{"body over 1 MiB", "POST", "/ssh_keys", `{"name":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "Request body too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.c.Do(tt.method, tt.path, tt.body).Expect(t, tt.status)
			if res.String("detail") != tt.detail {
				t.Fatalf("detail %q, want %q", res.String("detail"), tt.detail)
			}
		})
	}
}

// TestAuth: a missing or unknown token is 401 {"detail"} with a Bearer challenge.
func TestAuth(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct{ token, detail string }{{"", "Not authenticated"}, {"nope", "Invalid or expired token"}} {
		res := e.s.Client("openscaler", tt.token).Do("GET", "/vms?project_id=default", nil).Expect(t, 401)
		if res.String("detail") != tt.detail || res.Header.Get("WWW-Authenticate") != "Bearer" {
			t.Fatalf("token %q: %v %v", tt.token, res, res.Header)
		}
	}
	e.c.Do("GET", "/sizes", nil, "Authorization", "Basic cGFuZWxzaW06").Expect(t, 401)
	e.c.Do("GET", "/sizes", nil, "Authorization", "bearer panelsim").Expect(t, 200)
	_, refused := e.openCreate(e.s.Client("openscaler", "nope"), vmBody("x"))
	if refused == nil || refused.Status != 401 {
		t.Fatalf("create with an unknown token: %v", refused)
	}
}

// TestLeniency: what the shared pipeline lets clients get away with works here too.
func TestLeniency(t *testing.T) {
	e := newEnv(t)
	id := e.vm(vmBody("lenient", "size", nil, "vcpus", "1", "memoryMB", "1024", "storageGB", "10", "description", ""))
	e.c.Do("GET", "/vms/"+itoa(id)+"/", nil).Expect(t, 200)
	e.c.Do("GET", "/vms/"+itoa(id)+"?only=", nil).Expect(t, 200)
	e.c.Do("GET", "/sizes", "[]").Expect(t, 200)
	e.c.Do("POST", "/vms/"+itoa(id)+"/actions", `{"type":"power_off","force":true}`).Expect(t, 204)
}
