package openscaler_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/specs"
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
	doc, err := specs.Load("openscaler")
	if err != nil {
		t.Fatal(err)
	}
	ops, err := openapi.Operations(doc)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	for _, op := range ops {
		t.Run(op.ID, func(t *testing.T) {
			e.t = t
			e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
			e.vm(vmBody("conformance"))
			e.c.Do("POST", "/projects", map[string]any{"id": "empty"}).Expect(t, 201)
			e.c.Do("POST", "/ssh_keys", map[string]any{"name": "k", "public_key": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDx"}).Expect(t, 201)

			paths := map[string]string{}
			for k, v := range values {
				paths[k] = v
			}
			var body map[string]any
			if op.Body != nil {
				body = bodyExample(t, doc, op)
			}
			if f := prepare[op.ID]; f != nil {
				f(e, paths, body)
			}
			path := op.Path
			var query []string
			for _, p := range op.Params {
				switch {
				case p.In == "path":
					path = strings.ReplaceAll(path, "{"+p.Name+"}", paths[p.Name])
				case p.In == "query" && p.Required:
					query = append(query, p.Name+"="+paths[p.Name])
				}
			}
			if len(query) > 0 {
				path += "?" + strings.Join(query, "&")
			}
			want := successStatus(doc, op)
			if op.ID == "core_vm_create" {
				s, refused := e.openCreate(e.c, body)
				if refused != nil {
					t.Fatalf("create refused: %v", refused)
				}
				e.advance(createSeconds * time.Second)
				if ev, _ := s.final(); ev.name != "200" {
					t.Fatalf("final event %s %s", ev.name, ev.data)
				}
				return
			}
			var send any
			if body != nil {
				send = body
			}
			if res := e.c.Do(op.Method, path, send); res.Status != want {
				t.Fatalf("%s %s: status %d, want %d: %v", op.Method, path, res.Status, want, res)
			}
		})
	}
	e.t = t
	if len(ops) != 17 {
		t.Fatalf("%d operations", len(ops))
	}
}

// successStatus is the lowest 2xx status an operation documents.
func successStatus(doc *openapi3.T, op *openapi.Operation) int {
	var codes []int
	for code := range doc.Paths.Find(op.Path).GetOperation(op.Method).Responses.Map() {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 300 {
			codes = append(codes, n)
		}
	}
	sort.Ints(codes)
	if len(codes) == 0 {
		return http.StatusOK
	}
	return codes[0]
}

func bodyExample(t *testing.T, doc *openapi3.T, op *openapi.Operation) map[string]any {
	t.Helper()
	mt := doc.Paths.Find(op.Path).GetOperation(op.Method).RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Example == nil {
		t.Fatalf("%s: the request body has no example", op.ID)
	}
	raw, _ := json.Marshal(mt.Example)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("%s: example is not an object: %v", op.ID, err)
	}
	return body
}
