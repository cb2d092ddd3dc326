package e24cloud_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/simtest"
	"github.com/panelsim/panelsim/specs"
)

// world is what every conformance case starts from: the fixtures, an online VM, a free data
// volume with a disk image and a recovery point of it, a free address, a generated SSH key, a
// VxLAN and a group.
type world struct {
	e                    *env
	vm, disk, vol, image string
	ip, s3               string
	vxlan, group, point  string
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
	w.vxlan = e.c.Do("PUT", "/vxlans", map[string]any{"zone_id": zonePoz}).Expect(e.t, 200).String("vlan", 0, "id")
	w.group = e.newGroup("conformance")
	w.point = e.c.Do("PUT", "/recovery-points", map[string]any{"storage_volume_id": w.vol}).Expect(e.t, 200).String("recovery_point", "id")
	e.advance(recoveryPointTime)
	w.paths = map[string]string{
		"vm_id": w.vm, "storage_volume_id": w.vol, "disk_image_id": w.image, "ip_id": w.ip, "vlan_id": "101", "ssh_id": fmt.Sprint(key),
		"vxlan_id": w.vxlan, "group_id": w.group, "recovery_point_id": w.point,
	}
	return w
}

// groupIDs is what the "id" of each group operation's body names in the world.
func (w *world) groupIDs(op string) (string, bool) {
	switch op {
	case "groupAttachUser", "groupDetachUser":
		return accountID, true
	case "groupAttachVM", "groupDetachVM":
		return w.vm, true
	case "groupAttachResource", "groupDetachResource":
		return w.vol, true
	}
	return "", false
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
	if id, ok := w.groupIDs(op); ok {
		w.body["id"] = id
	}
}

// attachToGroup puts what a detach operation's body names in the group first.
func attachToGroup(attach string) func(w *world) {
	return func(w *world) {
		w.e.c.Do("POST", "/groups/"+w.group+"/"+attach, map[string]any{"id": w.body["id"]}).Expect(w.e.t, 200)
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
	"detachVXLAN": func(w *world) {
		w.e.c.Do("POST", "/vxlans/"+w.vxlan+"/attach", map[string]any{"virtual_machine_id": w.vm}).Expect(w.e.t, 200)
	},
	"groupDetachUser":     attachToGroup("group-attach-user"),
	"groupDetachVM":       attachToGroup("group-attach-vm"),
	"groupDetachResource": attachToGroup("group-attach-resource"),
	"groupDeleteRule": func(w *world) {
		w.body["id"] = w.e.c.Do("POST", "/groups/"+w.group+"/group-add-rule", map[string]any{"direction": "IN"}).Expect(w.e.t, 200).Int("rule", "id")
	},
}

// TestConformance sends every operation of specs/e24cloud.yaml a request built from its
// documented example, with ids from a fresh world, and expects the documented success status
// with a body that fits the document (simtest checks every answer).
func TestConformance(t *testing.T) {
	e := newEnv(t)
	n := simtest.Conformance(t, "e24cloud", func(t *testing.T, c *simtest.Case) {
		e.t = t
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		w := newWorld(e)
		w.body = c.Body
		if w.body != nil {
			w.bodyIDs(c.Operation)
		}
		if f := prepare[c.Operation]; f != nil {
			f(w)
		}
		c.Send(t, e.c, c.URL(t, w.paths), w.body, c.Status)
	})
	e.t = t
	if n < 64 {
		t.Fatalf("only %d operations", n)
	}
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
