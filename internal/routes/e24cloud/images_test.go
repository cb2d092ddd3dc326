package e24cloud_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

func TestCreateDiskImage(t *testing.T) {
	e := newEnv(t)
	vm := e.online("web-1")
	disk := e.get(vm).String("virtual_machine", "storage_volumes", 0, "id")
	data := e.volume("data", 50, false)
	installing := e.vm("late")
	lateDisk := e.get(installing).String("virtual_machine", "storage_volumes", 0, "id")
	var made []string
	e.run([]call{
		{"system disk", "PUT", "/disk-images", map[string]any{"storage_volume_id": disk, "label": "web golden"}, 200, func(t *testing.T, res *simtest.Response) {
			id := res.String("disk_image", "id")
			made = append(made, id)
			img := e.c.Do("GET", "/disk-images/"+id, nil).Expect(t, 200)
			di := func(k ...any) any { return img.Get(append([]any{"disk_image"}, k...)...) }
			if di("label") != "web golden" || img.Int("disk_image", "size") != 10 || fmt.Sprint(di("cost_per_hour")) != "0.001" ||
				di("owner", "id") != "6f0c9d8e-2b4a-4c1e-9a51-3d2f8b7e1c40" || di("storage_volume", "id") != disk ||
				di("storage_volume", "system_disk") != true || di("storage_volume", "type") != "SSD" || di("storage_volume", "virtual_machine", "id") != vm {
				t.Fatalf("image: %v", img)
			}
		}},
		{"data volume, default label", "PUT", "/disk-images", map[string]any{"storage_volume_id": data}, 200, func(t *testing.T, res *simtest.Response) {
			id := res.String("disk_image", "id")
			made = append(made, id)
			img := e.c.Do("GET", "/disk-images/"+id, nil)
			if img.String("disk_image", "label") == "" || img.Int("disk_image", "size") != 50 || img.Get("disk_image", "storage_volume", "virtual_machine") != nil {
				t.Fatalf("image: %v", img)
			}
		}},
		{"volume of an installing VM", "PUT", "/disk-images", map[string]any{"storage_volume_id": lateDisk}, 409, nil},
		{"unknown volume", "PUT", "/disk-images", map[string]any{"storage_volume_id": "nope", "label": "x"}, 400, nil},
		{"no volume", "PUT", "/disk-images", map[string]any{"label": "x"}, 400, nil},
		{"unknown image", "GET", "/disk-images/nope", nil, 404, nil},
	})
	if got := ids(e.c.Do("GET", "/disk-images", nil).Expect(t, 200), "disk_images"); !slices.Equal(got, made) {
		t.Fatalf("images %v, want %v", got, made)
	}
	// User-made templates: after the fixtures', with their owner and what they support.
	tpl := e.c.Do("GET", "/templates", nil).Expect(t, 200)
	if tpl.Len("templates") != 7 || tpl.String("templates", 5, "id") != made[0] || tpl.String("templates", 5, "owner", "name") != "panelsim Sp. z o.o." ||
		tpl.Len("templates", 5, "supports") != 3 || tpl.Len("templates", 6, "supports") != 0 || tpl.Get("templates", 0, "owner") != nil {
		t.Fatalf("templates: %v", tpl)
	}
}

// TestVMFromImage: a disk image is an os on create; the system disk takes the image's size,
// and the image supports what the template it came from supported.
func TestVMFromImage(t *testing.T) {
	e := newEnv(t)
	src := e.online("src")
	disk := e.get(src).String("virtual_machine", "storage_volumes", 0, "id")
	golden := e.c.Do("PUT", "/disk-images", map[string]any{"storage_volume_id": disk, "label": "golden"}).Expect(t, 200).String("disk_image", "id")
	big := e.c.Do("PUT", "/disk-images", map[string]any{"storage_volume_id": e.volume("data", 60, false)}).Expect(t, 200).String("disk_image", "id")
	key := e.c.Do("PUT", "/account/sshkey", map[string]any{"name": "k", "content": pubKey}).Expect(t, 200).Int("sshkeys", "id")
	create := func(os string, keyID any) *simtest.Response {
		return e.c.Do("PUT", "/virtual-machines", map[string]any{"create_vm": map[string]any{"cpus": 1, "ram": 1024, "zone_id": zonePoz, "name": "clone", "os": os, "key_id": keyID}})
	}
	create(golden, 999).Expect(t, 400) // the image supports sshkey, so key_id is checked
	id := create(golden, key).Expect(t, 200).String("virtual_machine", "id")
	res := e.get(id)
	if res.String("virtual_machine", "system", "name") != "golden" || res.Int("virtual_machine", "storage_volumes", 0, "size") != 10 {
		t.Fatalf("VM from image: %v", res)
	}
	id = create(big, 999).Expect(t, 200).String("virtual_machine", "id") // a data volume's image supports nothing: key_id ignored
	if n := e.get(id).Int("virtual_machine", "storage_volumes", 0, "size"); n != 60 {
		t.Fatalf("system disk of %d GB, want the image's 60", n)
	}
	e.advance(installTime)
	if st := e.state(id); st != "online" {
		t.Fatalf("VM from image: %s", st)
	}
}

func TestDeleteDiskImage(t *testing.T) {
	e := newEnv(t)
	data := e.volume("data", 20, false)
	img := e.c.Do("PUT", "/disk-images", map[string]any{"storage_volume_id": data}).Expect(t, 200).String("disk_image", "id")
	clone := e.c.Do("PUT", "/virtual-machines", map[string]any{"create_vm": map[string]any{"cpus": 1, "ram": 1024, "zone_id": zonePoz, "name": "c", "os": img}}).Expect(t, 200).String("virtual_machine", "id")
	e.run([]call{
		{"source volume deleted", "DELETE", "/storage-volumes/" + data, nil, 200, func(t *testing.T, res *simtest.Response) {
			r := e.c.Do("GET", "/disk-images/"+img, nil).Expect(t, 200)
			if v, has := r.Get("disk_image").(map[string]any)["storage_volume"]; !has || v != nil {
				t.Fatalf("storage_volume after its deletion: %v", r)
			}
		}},
		{"image", "DELETE", "/disk-images/" + img, nil, 200, func(t *testing.T, res *simtest.Response) {
			e.c.Do("GET", "/disk-images/"+img, nil).Expect(t, 404)
			if n := e.count("/templates", "templates"); n != 5 {
				t.Fatalf("%d templates", n)
			}
		}},
		{"again", "DELETE", "/disk-images/" + img, nil, 404, nil},
		{"unknown", "DELETE", "/disk-images/nope", nil, 404, nil},
	})
	e.advance(installTime)
	if st := e.state(clone); st != "online" {
		t.Fatalf("VM made from a deleted image: %s", st)
	}
	e.c.Do("PUT", "/virtual-machines", map[string]any{"create_vm": map[string]any{"cpus": 1, "ram": 1024, "zone_id": zonePoz, "name": "c", "os": img}}).Expect(t, 400)
}
