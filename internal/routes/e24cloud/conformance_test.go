package e24cloud_test

import (
	"encoding/json"
	"fmt"
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

// world is what every conformance case starts from: the fixtures, an online VM, a free data
// volume with a disk image of it, a free address and a generated SSH key.
type world struct {
	e                    *env
	vm, disk, vol, image string
	ip, s3               string
	paths                map[string]string
	body                 map[string]any
}

func newWorld(e *env) *world {
	w := &world{e: e}
	w.vm = e.online("web-1")
	w.disk = e.get(w.vm).String("virtual_machine", "storage_volumes", 0, "id")
	w.vol = e.volume("data", 20, false)
	w.image = e.c.Do("PUT", "/disk-images", map[string]any{"storage_volume_id": w.vol}).Expect(e.t, 200).String("disk_image", "id")
	w.ip, _ = e.address(zonePoz)
	key := e.c.Do("PUT", "/account/sshkey", map[string]any{"name": "conformance", "method": "generate"}).Expect(e.t, 200).Int("sshkeys", "id")
	w.s3 = e.c.Do("GET", "/account", nil).String("account", "e24files", "s3", "api_id")
	w.paths = map[string]string{
		"vm_id": w.vm, "storage_volume_id": w.vol, "disk_image_id": w.image, "ip_id": w.ip, "vlan_id": "101", "ssh_id": fmt.Sprint(key),
	}
	return w
}

// bodyIDs replaces ids in documented examples with ids of the world.
func (w *world) bodyIDs(op string) {
	ids := map[string]any{"virtual_machine_id": w.vm, "storage_volume_id": w.vol, "api_key": "panelsim"}
	if op == "newFilesSecretKey" {
		ids["api_key"] = w.s3
	}
	for k, v := range ids {
		if _, ok := w.body[k]; ok {
			w.body[k] = v
		}
	}
}

// prepare sets up what one operation needs beyond the common world and adjusts its request.
var prepare = map[string]func(w *world){
	"poweronVM": func(w *world) {
		w.e.c.Do("POST", "/virtual-machines/"+w.vm+"/poweroff", nil).Expect(w.e.t, 200)
		w.e.advance(5 * time.Second)
	},
	"detachStorageVolume": func(w *world) {
		w.e.c.Do("POST", "/storage-volumes/"+w.vol+"/attach", map[string]any{"virtual_machine_id": w.vm}).Expect(w.e.t, 200)
	},
	"detachIPv4Address": func(w *world) {
		w.e.c.Do("POST", "/ipv4-addresses/"+w.ip+"/attach", map[string]any{"virtual_machine_id": w.vm}).Expect(w.e.t, 200)
	},
	"detachVLAN": func(w *world) {
		w.e.c.Do("POST", "/vlans/101/attach", map[string]any{"virtual_machine_id": w.vm}).Expect(w.e.t, 200)
	},
	"deleteAPIKey": func(w *world) {
		w.body["api_key"] = w.e.c.Do("PUT", "/account/api", nil).Expect(w.e.t, 200).String("api", "api_key")
	},
}

// TestConformance sends every operation of specs/e24cloud.yaml a request built from its
// documented example, with ids from a fresh world, and expects the documented success status
// with a body that fits the document (simtest checks every answer).
func TestConformance(t *testing.T) {
	doc, err := specs.Load("e24cloud")
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
			w := newWorld(e)
			if op.Body != nil {
				w.body = bodyExample(t, doc, op)
				w.bodyIDs(op.ID)
			}
			if f := prepare[op.ID]; f != nil {
				f(w)
			}
			path := op.Path
			for _, p := range op.Params {
				if p.In == "path" {
					v, ok := w.paths[p.Name]
					if !ok {
						t.Fatalf("no world value for path parameter %s", p.Name)
					}
					path = strings.ReplaceAll(path, "{"+p.Name+"}", v)
				}
			}
			var body any
			if w.body != nil {
				body = w.body
			}
			want := successStatus(doc, op)
			if res := e.c.Do(op.Method, path, body); res.Status != want {
				t.Fatalf("%s %s: status %d, want %d: %v", op.Method, path, res.Status, want, res)
			}
		})
	}
	e.t = t
	if len(ops) < 41 {
		t.Fatalf("only %d operations", len(ops))
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

// TestMalformedInput sends every operation bodies of the wrong shape (not JSON, not an
// object, every documented field of another type) and expects an answer in e24cloud's shape,
// never a 5xx.
func TestMalformedInput(t *testing.T) {
	doc, err := specs.Load("e24cloud")
	if err != nil {
		t.Fatal(err)
	}
	ops, err := openapi.Operations(doc)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	w := newWorld(e)
	for _, op := range ops {
		if op.Body == nil || op.ID == "deleteAPIKey" || op.ID == "newAPISecretKey" {
			continue // (the key ones would lock the client out when they succeed)
		}
		t.Run(op.ID, func(t *testing.T) {
			e.t = t
			path := op.Path
			for _, p := range op.Params {
				path = strings.ReplaceAll(path, "{"+p.Name+"}", w.paths[p.Name])
			}
			bodies := []any{"{", "[]", "null", `"kek"`, "12", map[string]any{"create_vm": "x", "create_storage_volume": []any{1}}}
			for name := range op.Body.Properties {
				for _, v := range []any{map[string]any{"a": 1}, []any{"x"}, 1e30, -1, true, strings.Repeat("x", 300), ""} {
					bodies = append(bodies, map[string]any{name: v})
				}
			}
			for _, b := range bodies {
				res := e.c.Do(op.Method, path, b)
				if res.Status >= 500 || (res.Status != 200 && res.Get("success") != false) {
					t.Fatalf("%s %s with %v: %v", op.Method, path, b, res)
				}
			}
		})
	}
	e.t = t
}
