package e24cloud_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

func TestCreateStorageVolume(t *testing.T) {
	e := newEnv(t)
	var made []string
	keep := func(t *testing.T, res *simtest.Response) { made = append(made, res.String("storage_volume", "id")) }
	wrapped := func(fields map[string]any) map[string]any { return map[string]any{"create_storage_volume": fields} }
	e.run([]call{
		{"wrapped", "PUT", "/storage-volumes", wrapped(map[string]any{"label": "data-1", "size": 50, "type": "ssd", "zone_id": zonePoz}), 200, func(t *testing.T, res *simtest.Response) {
			keep(t, res)
			v := e.c.Do("GET", "/storage-volumes/"+res.String("storage_volume", "id"), nil).Expect(t, 200)
			sv := func(k ...any) any { return v.Get(append([]any{"storage_volume"}, k...)...) }
			if sv("label") != "data-1" || v.Int("storage_volume", "size") != 50 || sv("type") != "SSD" || sv("system_disk") != false ||
				sv("shared_disk") != false || sv("virtual_machine") != nil || sv("attach_time") != nil || sv("zone", "name") != "DC1/PUBLIC-1" ||
				fmt.Sprint(sv("cost_per_hour")) != "0.025" || sv("owner", "name") != "panelsim Sp. z o.o." || v.Len("storage_volume", "task") != 0 {
				t.Fatalf("new volume: %v", v)
			}
			if _, has := v.Get("storage_volume").(map[string]any)["virtual_machine"]; !has {
				t.Fatal("a dedicated volume shows virtual_machine (null) when detached")
			}
		}},
		{"flat, compute_zone_id, upper-case type, numeric string", "PUT", "/storage-volumes", map[string]any{"size": "20", "type": "HDD", "compute_zone_id": zoneWaw}, 200, func(t *testing.T, res *simtest.Response) {
			keep(t, res)
			v := e.c.Do("GET", "/storage-volumes/"+res.String("storage_volume", "id"), nil)
			if v.String("storage_volume", "type") != "HDD" || v.String("storage_volume", "zone", "name") != "DC2/PUBLIC-1" || v.String("storage_volume", "label") == "" {
				t.Fatalf("flat volume: %v", v)
			}
		}},
		{"type defaults to hdd", "PUT", "/storage-volumes", map[string]any{"size": 1, "zone_id": zonePoz}, 200, func(t *testing.T, res *simtest.Response) {
			keep(t, res)
			if typ := e.c.Do("GET", "/storage-volumes/"+res.String("storage_volume", "id"), nil).String("storage_volume", "type"); typ != "HDD" {
				t.Fatalf("type %s", typ)
			}
		}},
		{"shared", "PUT", "/storage-volumes", map[string]any{"size": 2048, "zone_id": zonePoz, "shared_disk": "true"}, 200, func(t *testing.T, res *simtest.Response) {
			keep(t, res)
			v := e.c.Do("GET", "/storage-volumes/"+res.String("storage_volume", "id"), nil)
			if v.Get("storage_volume", "shared_disk") != true || v.Len("storage_volume", "virtual_machines") != 0 || v.Get("storage_volume", "virtual_machine") != nil {
				t.Fatalf("shared volume: %v", v)
			}
		}},
		{"no size", "PUT", "/storage-volumes", map[string]any{"zone_id": zonePoz}, 400, nil},
		{"size 0", "PUT", "/storage-volumes", map[string]any{"size": 0, "zone_id": zonePoz}, 400, nil},
		{"size too large", "PUT", "/storage-volumes", map[string]any{"size": 2049, "zone_id": zonePoz}, 400, nil},
		{"negative size", "PUT", "/storage-volumes", wrapped(map[string]any{"size": -5, "zone_id": zonePoz}), 400, nil},
		{"size not a number", "PUT", "/storage-volumes", map[string]any{"size": "big", "zone_id": zonePoz}, 400, nil},
		{"no zone", "PUT", "/storage-volumes", map[string]any{"size": 10}, 400, nil},
		{"unknown zone", "PUT", "/storage-volumes", map[string]any{"size": 10, "zone_id": "nope"}, 400, nil},
		{"unknown type", "PUT", "/storage-volumes", map[string]any{"size": 10, "zone_id": zonePoz, "type": "nvme"}, 400, nil},
		{"empty body", "PUT", "/storage-volumes", "", 400, nil},
	})
	list := e.c.Do("GET", "/storage-volumes", nil).Expect(t, 200)
	if got := ids(list, "storage_volumes"); !slices.Equal(got, made) {
		t.Fatalf("listed %v, want the %d accepted ones in creation order %v", got, len(made), made)
	}
}

func TestGetStorageVolume(t *testing.T) {
	e := newEnv(t)
	vm := e.vm("web-1")
	disk := e.get(vm).String("virtual_machine", "storage_volumes", 0, "id")
	e.run([]call{
		{"system disk while installing", "GET", "/storage-volumes/" + disk, nil, 200, func(t *testing.T, res *simtest.Response) {
			if res.Get("storage_volume", "system_disk") != true || res.String("storage_volume", "virtual_machine", "id") != vm ||
				res.String("storage_volume", "virtual_machine", "label") != "web-1" || res.String("storage_volume", "task", 0, "action") != "install" ||
				res.String("storage_volume", "attach_time") != "2025-01-20 12:00:00" {
				t.Fatalf("system disk: %v", res)
			}
		}},
		{"unknown", "GET", "/storage-volumes/nope", nil, 404, nil},
	})
	e.advance(installTime)
	if n := e.c.Do("GET", "/storage-volumes/"+disk, nil).Len("storage_volume", "task"); n != 0 {
		t.Fatalf("%d tasks after the install", n)
	}
	e.c.Do("DELETE", "/virtual-machines/"+vm, nil).Expect(t, 200)
	if a := e.c.Do("GET", "/storage-volumes/"+disk, nil).String("storage_volume", "task", 0, "action"); a != "delete" {
		t.Fatalf("task while the VM is deleting: %q", a)
	}
	e.advance(30 * time.Second)
	e.c.Do("GET", "/storage-volumes/"+disk, nil).Expect(t, 404)
}

func TestAttachStorageVolume(t *testing.T) {
	e := newEnv(t)
	a, b, waw := e.vm("a"), e.vm("b"), e.vmIn(zoneWaw, "waw")
	e.advance(installTime)
	vol, shared := e.volume("data", 20, false), e.volume("shared", 100, true)
	diskB := e.get(b).String("virtual_machine", "storage_volumes", 0, "id")
	attach := func(id string) string { return "/storage-volumes/" + id + "/attach" }
	e.run([]call{
		{"dedicated", "POST", attach(vol), map[string]any{"virtual_machine_id": a}, 200, func(t *testing.T, res *simtest.Response) {
			v := e.c.Do("GET", "/storage-volumes/"+vol, nil)
			if v.String("storage_volume", "virtual_machine", "id") != a || v.String("storage_volume", "virtual_machine", "label") != "a" ||
				v.String("storage_volume", "attach_time") == "" || v.String("storage_volume", "virtual_machine", "attach_time") != v.String("storage_volume", "attach_time") {
				t.Fatalf("volume side: %v", v)
			}
			vm := e.get(a)
			if vm.Len("virtual_machine", "storage_volumes") != 2 || vm.String("virtual_machine", "storage_volumes", 1, "id") != vol ||
				vm.Get("virtual_machine", "storage_volumes", 1, "system_disk") != false || vm.String("virtual_machine", "storage_volumes", 1, "type") != "ssd" {
				t.Fatalf("VM side: %v", vm)
			}
		}},
		{"again", "POST", attach(vol), map[string]any{"virtual_machine_id": a}, 409, nil},
		{"to a second VM", "POST", attach(vol), map[string]any{"virtual_machine_id": b}, 409, nil},
		{"another zone", "POST", attach(shared), map[string]any{"virtual_machine_id": waw}, 400, nil},
		{"unknown VM", "POST", attach(shared), map[string]any{"virtual_machine_id": "nope"}, 400, nil},
		{"no VM", "POST", attach(shared), map[string]any{}, 400, nil},
		{"VM id not a string", "POST", attach(shared), map[string]any{"virtual_machine_id": 7}, 400, nil},
		{"unknown volume", "POST", attach("nope"), map[string]any{"virtual_machine_id": a}, 404, nil},
		{"a system disk elsewhere", "POST", attach(diskB), map[string]any{"virtual_machine_id": a}, 409, nil},
		{"shared to a", "POST", attach(shared), map[string]any{"virtual_machine_id": a}, 200, nil},
		{"shared to b", "POST", attach(shared), map[string]any{"virtual_machine_id": b}, 200, func(t *testing.T, res *simtest.Response) {
			v := e.c.Do("GET", "/storage-volumes/"+shared, nil)
			if v.Len("storage_volume", "virtual_machines") != 2 || v.String("storage_volume", "virtual_machines", 1, "id") != b {
				t.Fatalf("shared volume: %v", v)
			}
			if e.get(b).String("virtual_machine", "storage_volumes", 1, "id") != shared {
				t.Fatal("b does not list the shared volume")
			}
		}},
		{"shared to a again", "POST", attach(shared), map[string]any{"virtual_machine_id": a}, 409, nil},
	})
	// Nothing refused left a trace.
	if n := e.get(waw).Len("virtual_machine", "storage_volumes"); n != 1 {
		t.Fatalf("the other zone's VM has %d volumes", n)
	}
	if n := e.get(a).Len("virtual_machine", "storage_volumes"); n != 3 {
		t.Fatalf("a has %d volumes, want system disk, data, shared", n)
	}
	// A VM being deleted takes nothing new.
	e.c.Do("DELETE", "/virtual-machines/"+b, nil).Expect(t, 200)
	free := e.volume("late", 5, false)
	e.c.Do("POST", attach(free), map[string]any{"virtual_machine_id": b}).Expect(t, 409)
}

func TestDetachStorageVolume(t *testing.T) {
	e := newEnv(t)
	a, b := e.vm("a"), e.vm("b")
	e.advance(installTime)
	vol, shared := e.volume("data", 20, false), e.volume("shared", 100, true)
	for _, step := range [][2]string{{vol, a}, {shared, a}, {shared, b}} {
		e.c.Do("POST", "/storage-volumes/"+step[0]+"/attach", map[string]any{"virtual_machine_id": step[1]}).Expect(t, 200)
	}
	diskA := e.get(a).String("virtual_machine", "storage_volumes", 0, "id")
	detach := func(id string) string { return "/storage-volumes/" + id + "/detach" }
	e.run([]call{
		{"dedicated", "POST", detach(vol), nil, 200, func(t *testing.T, res *simtest.Response) {
			v := e.c.Do("GET", "/storage-volumes/"+vol, nil)
			if v.Get("storage_volume", "virtual_machine") != nil || v.Get("storage_volume", "attach_time") != nil {
				t.Fatalf("volume side: %v", v)
			}
			for _, s := range e.get(a).Get("virtual_machine", "storage_volumes").([]any) {
				if s.(map[string]any)["id"] == vol {
					t.Fatal("the VM still lists the volume")
				}
			}
		}},
		{"not attached", "POST", detach(vol), nil, 409, nil},
		{"system disk", "POST", detach(diskA), nil, 409, nil},
		{"unknown volume", "POST", detach("nope"), nil, 404, nil},
		{"shared, from an unknown VM", "POST", detach(shared), map[string]any{"virtual_machine_id": "nope"}, 400, nil},
		{"shared, from b only", "POST", detach(shared), map[string]any{"virtual_machine_id": b}, 200, func(t *testing.T, res *simtest.Response) {
			v := e.c.Do("GET", "/storage-volumes/"+shared, nil)
			if v.Len("storage_volume", "virtual_machines") != 1 || v.String("storage_volume", "virtual_machines", 0, "id") != a {
				t.Fatalf("shared volume: %v", v)
			}
			if e.get(b).Len("virtual_machine", "storage_volumes") != 1 {
				t.Fatal("b still lists the shared volume")
			}
		}},
		{"shared, from b again", "POST", detach(shared), map[string]any{"virtual_machine_id": b}, 409, nil},
		{"shared, from every VM", "POST", detach(shared), "", 200, func(t *testing.T, res *simtest.Response) {
			if n := e.c.Do("GET", "/storage-volumes/"+shared, nil).Len("storage_volume", "virtual_machines"); n != 0 {
				t.Fatalf("%d VMs left", n)
			}
		}},
	})
	// Not from a VM that is being deleted: the deletion decides what becomes of the volume.
	e.c.Do("POST", "/storage-volumes/"+vol+"/attach", map[string]any{"virtual_machine_id": b}).Expect(t, 200)
	e.c.Do("DELETE", "/virtual-machines/"+b, nil).Expect(t, 200)
	e.c.Do("POST", detach(vol), nil).Expect(t, 409)
}

func TestDeleteStorageVolume(t *testing.T) {
	e := newEnv(t)
	vm := e.online("a")
	vol, free := e.volume("data", 20, false), e.volume("free", 5, false)
	e.c.Do("POST", "/storage-volumes/"+vol+"/attach", map[string]any{"virtual_machine_id": vm}).Expect(t, 200)
	disk := e.get(vm).String("virtual_machine", "storage_volumes", 0, "id")
	e.run([]call{
		{"attached", "DELETE", "/storage-volumes/" + vol, nil, 409, nil},
		{"system disk", "DELETE", "/storage-volumes/" + disk, nil, 409, nil},
		{"free", "DELETE", "/storage-volumes/" + free, nil, 200, func(t *testing.T, res *simtest.Response) {
			e.c.Do("GET", "/storage-volumes/"+free, nil).Expect(t, 404)
		}},
		{"again", "DELETE", "/storage-volumes/" + free, nil, 404, nil},
		{"unknown", "DELETE", "/storage-volumes/nope", nil, 404, nil},
		{"detached first", "POST", "/storage-volumes/" + vol + "/detach", nil, 200, nil},
		{"then deleted", "DELETE", "/storage-volumes/" + vol, nil, 200, nil},
	})
	if got := ids(e.c.Do("GET", "/storage-volumes", nil), "storage_volumes"); !slices.Equal(got, []string{disk}) {
		t.Fatalf("volumes left: %v", got)
	}
	if n := e.get(vm).Len("virtual_machine", "storage_volumes"); n != 1 {
		t.Fatalf("the VM lists %d volumes", n)
	}
}
