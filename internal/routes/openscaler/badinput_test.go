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
		detail string // {"detail"} for 400, pyErrors for 422
	}{
		{"no name", vmBody("", "name", nil), 422, "missing body.name: Field required"},
		{"empty name", vmBody(""), 422, "string_too_short body.name: String should have at least 1 character"},
		{"empty body", map[string]any{}, 422, "missing body.project_id: Field required | missing body.name: Field required | missing body.region: Field required | missing body.distro: Field required"},
		{"no size nor custom", vmBody("x", "size", nil), 422, "value_error body: Value error, Give either size or vcpus, memoryMB and storageGB"},
		{"size and custom", vmBody("x", "vcpus", 2), 422, "value_error body: Value error, Give either size or vcpus, memoryMB and storageGB, not both"},
		{"custom without storage", vmBody("x", "size", nil, "vcpus", 2, "memoryMB", 2048), 422, "value_error body: Value error, A custom size needs vcpus, memoryMB and storageGB; missing: storageGB"},
		{"word for vcpus", vmBody("x", "size", nil, "vcpus", "two", "memoryMB", 2048, "storageGB", 20), 422, "int_parsing body.vcpus: Input should be a valid integer, unable to parse string as an integer"},
		{"fraction for vcpus", vmBody("x", "size", nil, "vcpus", 1.5, "memoryMB", 2048, "storageGB", 20), 422, "int_from_float body.vcpus: Input should be a valid integer, got a number with a fractional part"},
		{"too many vcpus", vmBody("x", "size", nil, "vcpus", 65, "memoryMB", 2048, "storageGB", 20), 422, "less_than_equal body.vcpus: Input should be less than or equal to 64"},
		{"name too long", vmBody(strings.Repeat("n", 65)), 422, "string_too_long body.name: String should have at most 64 characters"},
		{"disk without size", vmBody("x", "attached_disks", []any{map[string]any{}}), 422, "missing body.attached_disks.0.sizeGB: Field required"},
		{"too many disks", vmBody("x", "attached_disks", []any{map[string]any{"sizeGB": 1}, map[string]any{"sizeGB": 1}, map[string]any{"sizeGB": 1}, map[string]any{"sizeGB": 1}, map[string]any{"sizeGB": 1}}), 422, "too_long body.attached_disks: List should have at most 4 items after validation, not 5"},
		{"keys not a list", vmBody("x", "ssh_keys", "ssh-rsa AAAA"), 422, "list_type body.ssh_keys: Input should be a valid list"},
		{"malformed key", vmBody("x", "ssh_keys", []any{"hello"}), 422, "value_error body.ssh_keys.0: Value error, Value is neither an OpenSSH public key nor the id of a saved SSH key"},
		{"the pages' placeholder key", vmBody("x", "ssh_keys", []any{"ssh-rsa ...key1...= user@host"}), 422, "value_error body.ssh_keys.0: Value error, Value is neither an OpenSSH public key nor the id of a saved SSH key"},
		{"unknown size", vmBody("x", "size", "b-64-256"), 400, "Size 'b-64-256' not found."},
		{"unknown region", vmBody("x", "region", "fra1"), 400, "Region 'fra1' not found."},
		{"unknown distro", vmBody("x", "distro", "windows-11"), 400, "Distro 'windows-11' not found."},
		{"unknown project", vmBody("x", "project_id", "nope"), 400, "Project 'nope' not found."},
		{"unknown vpc", vmBody("x", "vpc_id", 99), 400, "VPC 99 not found in project 'default' and region 'alg1'."},
		{"unknown saved key", vmBody("x", "ssh_keys", []any{"7"}), 400, "SSH key 7 not found."},
		{"more storage than the region has", vmBody("x", "size", nil, "vcpus", 1, "memoryMB", 1024, "storageGB", 4096, "attached_disks", []any{map[string]any{"sizeGB": 2048}, map[string]any{"sizeGB": 2048}, map[string]any{"sizeGB": 2048}, map[string]any{"sizeGB": 2048}}), 400, "Not enough capacity left in region alg1 for 1 vCPUs, 1024 MB of memory and 12288 GB of storage."},
		{"malformed JSON", `{"name": "x",`, 422, "json_invalid body.13: JSON decode error"},
	}
	for _, tt := range tests {
		if tt.status == 0 {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			var res *simtest.Response
			if s, ok := tt.body.(string); ok {
				res = e.c.Do("POST", "/vms", s)
			} else if _, res = e.openCreate(e.c, tt.body); res == nil {
				t.Fatal("streamed instead of refusing")
			}
			if res.Status != tt.status {
				t.Fatalf("got %d %s, want %d", res.Status, res.Body, tt.status)
			}
			got := res.String("detail")
			if tt.status == 422 {
				got = pyErrors(t, res)
			}
			if got != tt.detail {
				t.Fatalf("got %q\nwant %q", got, tt.detail)
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
		{"list without project", "GET", "/vms", nil, 422, "missing query.project_id: Field required"},
		{"list with an empty project", "GET", "/vms?project_id=", nil, 422, "string_too_short query.project_id: String should have at least 1 character"},
		{"list of an unknown project", "GET", "/vms?project_id=nope", nil, 404, "Project 'nope' not found"},
		{"unknown only", "GET", "/vms/1?only=cpu", nil, 422, "enum query.only.0: Input should be 'basic', 'state', 'disks' or 'network'"},
		{"unknown VM", "GET", "/vms/987654", nil, 404, "VM not found"},
		{"word for a VM id", "GET", "/vms/abc", nil, 404, "VM not found"},
		{"negative VM id", "GET", "/vms/-1", nil, 404, "VM not found"},
		{"delete an unknown VM", "DELETE", "/vms/987654", nil, 404, "VM not found"},
		{"unknown project", "GET", "/projects/nope", nil, 404, "Project 'nope' not found"},
		{"project id with capitals", "POST", "/projects", map[string]any{"id": "Prod"}, 422, "string_pattern_mismatch body.id: String should match pattern '^[a-z0-9][a-z0-9-]{0,31}$'"},
		{"project taken", "POST", "/projects", map[string]any{"id": "default"}, 409, "Project 'default' already exists"},
		{"delete the default project", "DELETE", "/projects/default", nil, 409, "The default project cannot be deleted"},
		{"unknown vpc", "GET", "/vpcs/99", nil, 404, "VPC not found"},
		{"word for a vpc id", "GET", "/vpcs/abc", nil, 404, "VPC not found"},
		{"vpcs of an unknown project", "GET", "/vpcs?project_id=nope", nil, 404, "Project 'nope' not found"},
		{"key without name", "POST", "/ssh_keys", map[string]any{"public_key": "ssh-ed25519 AAAA"}, 422, "missing body.name: Field required"},
		{"not a public key", "POST", "/ssh_keys", map[string]any{"name": "k", "public_key": "hello"}, 422, "value_error body.public_key: Value error, Value is not an OpenSSH public key"},
		{"a key cut short", "POST", "/ssh_keys", map[string]any{"name": "k", "public_key": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDx"}, 422, "value_error body.public_key: Value error, Value is not an OpenSSH public key"},
		{"delete an unknown key", "DELETE", "/ssh_keys/5", nil, 404, "SSH key not found"},
		{"wrong method", "PATCH", "/vms/1", nil, 405, "Method Not Allowed"},
		{"unknown route", "GET", "/nothing", nil, 404, "Not Found"},
		{"body over 1 MiB", "POST", "/ssh_keys", `{"name":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "Request body too large"},
		{"unknown load balancer", "GET", "/lbs/42", nil, 404, "Load balancer not found"},
		{"word for a load balancer id", "GET", "/lbs/web", nil, 404, "Load balancer not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.c.Do(tt.method, tt.path, tt.body).Expect(t, tt.status)
			got := res.String("detail")
			if tt.status == 422 {
				got = pyErrors(t, res)
			}
			if got != tt.detail {
				t.Fatalf("detail %q, want %q", got, tt.detail)
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

// TestLeniency: what the shared pipeline lets clients get away with and FastAPI takes too
// works without a warning: numeric strings for integers, a body on a GET, extra fields.
// (What FastAPI refuses is in lenient_test.go.)
func TestLeniency(t *testing.T) {
	e := newEnv(t)
	id := e.vm(vmBody("lenient", "size", nil, "vcpus", "1", "memoryMB", "1024", "storageGB", "10", "description", ""))
	for _, res := range []*simtest.Response{
		e.c.Do("GET", "/vms/"+itoa(id), nil, "Authorization", "bearer panelsim").Expect(t, 200),
		e.c.Do("GET", "/sizes", "[]").Expect(t, 200),
		e.c.Do("POST", "/vms/"+itoa(id)+"/actions", `{"type":"power_off","force":true}`).Expect(t, 204),
	} {
		if w := res.Header.Values("Panelsim-Warning"); len(w) != 0 {
			t.Fatalf("warnings for what FastAPI takes: %q", w)
		}
	}
}
