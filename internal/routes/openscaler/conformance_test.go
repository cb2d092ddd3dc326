package openscaler_test

import (
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// Public keys (ssh-keygen's) and their SHA256 fingerprints.
const (
	ed25519Key   = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0vJ3sB5mjXH7nOQzpRtYzY0k0aQ3cmoP8oLQJH2Fz6 me@laptop"
	ed25519Print = "SHA256:tPbbxUL8Dn8Xn61SalCCtgY8CypFLe/sLEoZIH3+SW8"
	ecdsaKey     = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHHOmJ0vDcq9ttbMgMLYV/cKMh86PS9bL55SOlgKV/h/Jnss4VFcnPyfA/Vh2JHeY6zY1bzvtRZ1E/JdLap2iqU= ops@ci"
	ecdsaPrint   = "SHA256:Aud2nHdg/+YsfRqitEGxq+nabp2ZPTT90rkIZAuVuFg"
)

// values are what each path and required query parameter names in the conformance world: a
// created VM (1), the default project and its VPC (1), a saved SSH key (1), a project
// "empty" with nothing in it, and load balancer 1 with the backend api-backend, the
// certificate my-cert, the frontend https (443, TLS with my-cert, to api-backend) and its
// public port 443.
var values = map[string]string{"vm_id": "1", "project_id": "default", "vpc_id": "1", "key_id": "1", "lb_id": "1",
	"backend_name": "api-backend", "frontend_name": "https", "certificate_name": "my-cert"}

// prepare adjusts one operation's request beyond the common world.
var prepare = map[string]func(e *env, paths map[string]string, body map[string]any){
	"core_project_delete": func(e *env, paths map[string]string, _ map[string]any) { paths["project_id"] = "empty" },
	"vnc_console_close": func(e *env, _ map[string]string, _ map[string]any) {
		e.c.Do("POST", "/vms/1/console", nil).Expect(e.t, 200)
	},
	"lb_create_backend": func(e *env, _ map[string]string, body map[string]any) {
		body["name"] = "api-backend-2"
		body["servers"] = map[string]any{"type": "computer", "computer_ids": []any{"1"}}
	},
	"lb_update_backend": func(e *env, _ map[string]string, body map[string]any) {
		body["servers"] = map[string]any{"type": "computer", "computer_ids": []any{"1"}}
	},
	"lb_delete_backend": func(e *env, paths map[string]string, _ map[string]any) {
		e.c.Do("POST", "/lbs/1/backends", backend("spare", "1")).Expect(e.t, 201)
		paths["backend_name"] = "spare"
	},
	"lb_delete_certificate": func(e *env, paths map[string]string, _ map[string]any) {
		e.c.Do("POST", "/lbs/1/certificates", map[string]any{"name": "spare", "cert_type": "self_signed"}).Expect(e.t, 201)
		paths["certificate_name"] = "spare"
	},
}

// backend is a backend creation request for VMs ids.
func backend(name string, ids ...string) map[string]any {
	if ids == nil {
		ids = []string{}
	}
	return map[string]any{"name": name, "mode": "http", "balancing_method": "roundrobin", "port": 8080,
		"servers": map[string]any{"type": "computer", "computer_ids": ids}}
}

// TestConformance sends every operation of specs/openscaler.yaml a request built from its
// documented example, in a fresh world, and expects the documented success status with an
// answer that fits the document (simtest checks every answer, the create streams included).
func TestConformance(t *testing.T) {
	e := newEnv(t)
	n := simtest.Conformance(t, "openscaler", func(t *testing.T, c *simtest.Case) {
		e.t = t
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		e.vm(vmBody("conformance"))
		e.advance(bootSeconds * time.Second)
		e.c.Do("POST", "/projects", map[string]any{"id": "empty"}).Expect(t, 201)
		e.c.Do("POST", "/ssh_keys", map[string]any{"name": "k", "public_key": ecdsaKey}).Expect(t, 201)
		e.lb(lbBody("conformance-lb"))
		e.c.Do("POST", "/lbs/1/backends", backend("api-backend", "1")).Expect(t, 201)
		e.c.Do("POST", "/lbs/1/certificates", map[string]any{"name": "my-cert", "cert_type": "self_signed", "cn_name": "example.com"}).Expect(t, 201)
		e.c.Do("POST", "/lbs/1/frontends", map[string]any{"name": "https", "mode": "http", "default_backend": "api-backend",
			"binds": []any{map[string]any{"port": 443, "ssl": true, "ssl_certificate": "my-cert"}}}).Expect(t, 201)
		e.c.Do("POST", "/lbs/1/public_ports", map[string]any{"port": 443}).Expect(t, 200)

		paths := map[string]string{}
		for k, v := range values {
			paths[k] = v
		}
		if f := prepare[c.Operation]; f != nil {
			f(e, paths, c.Body)
		}
		switch c.Operation {
		case "core_vm_create", "lb_create":
			path, seconds := "/vms", createSeconds
			if c.Operation == "lb_create" {
				path, seconds = "/lbs", lbCreateSeconds
			}
			s, refused := e.openStream(e.c, path, c.Body)
			if refused != nil {
				t.Fatalf("create refused: %v", refused)
			}
			e.advance(time.Duration(seconds) * time.Second)
			if ev, _ := s.final(); ev.name != "200" {
				t.Fatalf("final event %s %s", ev.name, ev.data)
			}
			return
		}
		c.Send(t, e.c, c.URL(t, paths), c.Body, c.Status)
	})
	e.t = t
	if n != 41 {
		t.Fatalf("%d operations", n)
	}
}
