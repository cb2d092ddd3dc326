package openscaler_test

import (
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// values are what each path and required query parameter names in the conformance world: a
// created VM (1), the default project and its VPC (1), a saved SSH key (1), and a project
// "empty" with nothing in it.
var values = map[string]string{"vm_id": "1", "project_id": "default", "vpc_id": "1", "key_id": "1"}

// prepare adjusts one operation's request beyond the common world.
var prepare = map[string]func(e *env, paths map[string]string, body map[string]any){
	"core_project_delete": func(e *env, paths map[string]string, _ map[string]any) { paths["project_id"] = "empty" },
}

// TestConformance sends every operation of specs/openscaler.yaml a request built from its
// documented example, in a fresh world, and expects the documented success status with an
// answer that fits the document (simtest checks every answer, the create stream included).
func TestConformance(t *testing.T) {
	e := newEnv(t)
	n := simtest.Conformance(t, "openscaler", func(t *testing.T, c *simtest.Case) {
		e.t = t
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		e.vm(vmBody("conformance"))
		e.c.Do("POST", "/projects", map[string]any{"id": "empty"}).Expect(t, 201)
		e.c.Do("POST", "/ssh_keys", map[string]any{"name": "k", "public_key": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDx"}).Expect(t, 201)

		paths := map[string]string{}
		for k, v := range values {
			paths[k] = v
		}
		if f := prepare[c.Operation]; f != nil {
			f(e, paths, c.Body)
		}
		if c.Operation == "core_vm_create" {
			s, refused := e.openCreate(e.c, c.Body)
			if refused != nil {
				t.Fatalf("create refused: %v", refused)
			}
			e.advance(createSeconds * time.Second)
			if ev, _ := s.final(); ev.name != "200" {
				t.Fatalf("final event %s %s", ev.name, ev.data)
			}
			return
		}
		c.Send(t, e.c, c.URL(t, paths), c.Body, c.Status)
	})
	e.t = t
	if n != 17 {
		t.Fatalf("%d operations", n)
	}
}
