package openscaler_test

import (
	"fmt"
	"testing"
	"time"
)

// forwards is a VM's port forwards as "public→internal desc" lines.
func (e *env) forwards(id int64) []string {
	e.t.Helper()
	res := e.get(id, "?only=network").Expect(e.t, 200)
	var out []string
	for i := 0; i < res.Len("network", "public_ip_ports"); i++ {
		out = append(out, fmt.Sprintf("%d→%d %s", res.Int("network", "public_ip_ports", i, "port"),
			res.Int("network", "public_ip_ports", i, "internal_port"), res.String("network", "public_ip_ports", i, "description")))
	}
	return out
}

// TestVMPublicPorts: a port added through the API takes the next free public port, next to
// the automatic 22/80/443 forwards; a port already public is refused; closing frees it.
func TestVMPublicPorts(t *testing.T) {
	e := newEnv(t)
	id := e.vm(vmBody("web"))
	path := fmt.Sprintf("/vms/%d/public_ports", id)
	res := e.c.Do("POST", path, map[string]any{"port": 8080, "desc": "My daily blog server"}).Expect(t, 200)
	if string(res.Body) != `{"public_port":9003}` {
		t.Fatalf("answer %s", res.Body)
	}
	want := []string{"9000→22 SSH port for VM 1 (internal port 22)", "9001→80 HTTP port for VM 1 (internal port 80)",
		"9002→443 HTTPS port for VM 1 (internal port 443)", "9003→8080 My daily blog server"}
	if got := e.forwards(id); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("forwards %q", got)
	}
	// Taken: the same internal port again, or an automatic one.
	for _, port := range []int{8080, 22} {
		if d := e.c.Do("POST", path, map[string]any{"port": port}).Expect(t, 409).String("detail"); d != fmt.Sprintf("Port %d of VM 1 is already public: 10.99.88.77:%d", port, map[int]int{8080: 9003, 22: 9000}[port]) {
			t.Fatalf("taken %d: %q", port, d)
		}
	}
	// desc defaults to "".
	if p := e.c.Do("POST", path, map[string]any{"port": 3000}).Expect(t, 200).Int("public_port"); p != 9004 {
		t.Fatalf("second port %d", p)
	}
	// A new VM's three forwards come after them.
	other := e.vm(vmBody("other"))
	if got := e.forwards(other); len(got) != 3 || got[0] != "9005→22 SSH port for VM 2 (internal port 22)" {
		t.Fatalf("second VM %q", got)
	}
	// Close: by internal port; the public port is free again; 22 may go too.
	e.c.Do("DELETE", path, map[string]any{"port": 8080}).Expect(t, 204)
	if d := e.c.Do("DELETE", path, map[string]any{"port": 8080}).Expect(t, 404).String("detail"); d != "Port 8080 of VM 1 is not public" {
		t.Fatalf("closed twice: %q", d)
	}
	e.c.Do("DELETE", path, map[string]any{"port": 22}).Expect(t, 204)
	if p := e.c.Do("POST", path, map[string]any{"port": 8443}).Expect(t, 200).Int("public_port"); p != 9000 {
		t.Fatalf("freed port not reused: %d", p)
	}
	if got := e.forwards(id); len(got) != 4 || got[3] != "9000→8443 " {
		t.Fatalf("forwards after changes %q", got)
	}
	// Bad input is FastAPI's 422.
	for body, want := range map[string]string{
		`{"port": 0}`:            "greater_than_equal body.port: Input should be greater than or equal to 1",
		`{"port": "http"}`:       "int_parsing body.port: Input should be a valid integer, unable to parse string as an integer",
		`{"desc": "x"}`:          "missing body.port: Field required",
		`{"port": 1, "desc": 5}`: "string_type body.desc: Input should be a valid string",
	} {
		if got := pyErrors(t, e.c.Do("POST", path, body).Expect(t, 422)); got != want {
			t.Fatalf("%s: %s", body, got)
		}
	}
	e.c.Do("POST", "/vms/99/public_ports", map[string]any{"port": 1}).Expect(t, 404)
	// Deleting the VM frees every port it had, the added ones too.
	e.c.Do("DELETE", path[:len(path)-len("/public_ports")], nil).Expect(t, 204)
	e.c.Do("POST", path, map[string]any{"port": 1}).Expect(t, 409) // being deleted
	e.advance(deleteSeconds * time.Second)
	if got := e.forwards(e.vm(vmBody("third"))); got[0] != "9000→22 SSH port for VM 3 (internal port 22)" {
		t.Fatalf("third VM %q", got)
	}
}

// TestVMPublicPortsRefusals: not while the VM is being created; none left in the region.
func TestVMPublicPortsRefusals(t *testing.T) {
	e := newEnv(t, withFixtures(t, "ports: {first: 9000, last: 9999}", "ports: {first: 9000, last: 9003}"))
	s, _ := e.openCreate(e.c, vmBody("new"))
	s.next()
	if d := e.c.Do("POST", "/vms/1/public_ports", map[string]any{"port": 8080}).Expect(t, 409).String("detail"); d != "VM 1 is still being created" {
		t.Fatalf("during creation: %q", d)
	}
	e.advance(createSeconds * time.Second)
	s.final()
	e.c.Do("POST", "/vms/1/public_ports", map[string]any{"port": 8080}).Expect(t, 200)
	if d := e.c.Do("POST", "/vms/1/public_ports", map[string]any{"port": 8081}).Expect(t, 400).String("detail"); d != "No free public ports left on 10.99.88.77 in region alg1." {
		t.Fatalf("exhausted: %q", d)
	}
}
