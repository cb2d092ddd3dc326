package inventory_test

import (
	"fmt"
	"testing"
)

// TestDefaultCatalogue: the default world has the vendor's built-in components and custom
// fields, the cpu and disk components carry their fields, and none can be deleted.
func TestDefaultCatalogue(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/inventorycomponents", nil).Expect(t, 200)
	want := []string{"cpu", "memory", "system", "bios", "storage_controller", "mainboard", "disk", "nic", "raid_controller"}
	if res.Len("result") != len(want) {
		t.Fatalf("components: %v", res)
	}
	for i, name := range want {
		if res.String("result", i, "componentname") != name || res.Int("result", i, "notdeletable") != 1 ||
			res.String("result", i, "groupname") != "Hardware" || res.Int("result", i, "id") != int64(i+1) {
			t.Fatalf("component %d: %v", i, res.Get("result", i))
		}
	}
	if res.Len("result", 0, "customfieldsRelations") != 4 || res.String("result", 0, "customfields", 0, "name") != "Cores" {
		t.Fatalf("cpu's fields: %v", res.Get("result", 0))
	}
	disk := e.do("GET", "/inventorycomponents/7", nil).Expect(t, 200)
	if disk.Int("result", "customfields", 0, "field_id") != 1 || disk.String("result", "customfields", 0, "values", 2, "value") != "NVMe" ||
		disk.String("result", "customfields", 0, "values", 2, "id") != "3" {
		t.Fatalf("disk: %v", disk)
	}
	f := e.do("GET", "/inventorycomponents/customfields", nil).Expect(t, 200)
	if f.Len("result") != 5 || f.String("result", 0, "type") != "dropdown" || f.Len("result", 0, "availableValues") != 3 {
		t.Fatalf("fields: %v", f)
	}
	e.do("DELETE", "/inventorycomponents/1", nil).Expect(t, 409)
	e.do("DELETE", "/inventorycomponents/customfields/2", nil).Expect(t, 409)
	e.do("GET", "/inventorycomponents/1", nil).Expect(t, 200)
	e.do("GET", "/inventorycomponents/customfields/2", nil).Expect(t, 200)
	e.do("GET", "/inventorycomponents/99", nil).Expect(t, 404)
	e.do("GET", "/inventorycomponents/customfields/99", nil).Expect(t, 404)
}

// TestCustomFieldLifecycle: a dropdown field is created, read back, its options changed
// (kept ids stay), attached to a component, and deleted: it leaves the component and the
// items' values, and is 404 afterwards.
func TestCustomFieldLifecycle(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/inventorycomponents/customfields", map[string]any{"name": "Datacenter", "type": "dropdown",
		"availableValues": []string{"Datacenter-1", " Datacenter-2 ", "Datacenter-1", ""}}).Expect(t, 200)
	id := res.Int("result", "id")
	if id != 6 || res.Len("result", "availableValues") != 2 || res.String("result", "availableValues", 1, "value") != "Datacenter-2" ||
		res.String("result", "availableValues", 1, "id") != "2" || res.Int("result", "notdeletable") != 0 {
		t.Fatalf("created: %v", res)
	}
	path := fmt.Sprintf("/inventorycomponents/customfields/%d", id)
	got := e.do("GET", path, nil).Expect(t, 200)
	if got.String("result", "name") != "Datacenter" {
		t.Fatalf("read back: %v", got)
	}
	res = e.do("PUT", path, map[string]any{"name": "DC", "availableValues": []string{"Datacenter-2", "Datacenter-3"}}).Expect(t, 200)
	if res.String("result", "name") != "DC" || res.String("result", "availableValues", 0, "id") != "2" ||
		res.String("result", "availableValues", 1, "id") != "3" || res.String("result", "type") != "dropdown" {
		t.Fatalf("updated: %v", res)
	}
	// A component carrying it, and an item of server 2 with a value of it.
	comp := e.do("POST", "/inventorycomponents", map[string]any{"groupname": "Location", "description": "Rack position",
		"componentname": "rack", "valueType": "text", "customfieldsRelations": []any{id, "1"}}).Expect(t, 200)
	cid := comp.Int("result", "id")
	if comp.Len("result", "customfields") != 2 || comp.String("result", "customfields", 0, "name") != "DC" {
		t.Fatalf("component: %v", comp)
	}
	item := e.do("POST", "/servers/2/inventory", map[string]any{"inventorycomponent_id": cid, "model": "R12", "value": "U20",
		"customfields": []any{"Datacenter-3", "ssd"}}).Expect(t, 200)
	if item.Int("result", "customfields", 0, "fieldId") != id || item.String("result", "customfields", 0, "value") != "3" ||
		item.String("result", "customfields", 1, "value") != "2" || item.Len("result", "root_component", "customfields") != 2 {
		t.Fatalf("item: %v", item)
	}
	iid := item.Int("result", "id")
	e.do("DELETE", path, nil).Expect(t, 200)
	e.do("GET", path, nil).Expect(t, 404)
	e.do("DELETE", path, nil).Expect(t, 404)
	comp = e.do("GET", fmt.Sprintf("/inventorycomponents/%d", cid), nil).Expect(t, 200)
	if comp.Len("result", "customfieldsRelations") != 1 || comp.Int("result", "customfieldsRelations", 0) != 1 {
		t.Fatalf("component after the field's deletion: %v", comp)
	}
	item = e.do("GET", fmt.Sprintf("/servers/2/inventory/%d", iid), nil).Expect(t, 200)
	if item.Len("result", "customfields") != 1 || item.Int("result", "customfields", 0, "fieldId") != 1 {
		t.Fatalf("item after the field's deletion: %v", item)
	}
}

// TestComponentLifecycle: a component is created, listed, updated (a field taken off takes
// its values off the items), refused deletion while an item is of it, then deleted.
func TestComponentLifecycle(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/inventorycomponents", map[string]any{"groupname": "Software", "description": "Software licenses",
		"componentname": "Software name", "customfieldsRelations": []any{1, 3, 3}, "valueType": "text"}).Expect(t, 200)
	id := res.Int("result", "id")
	if id != 10 || res.Len("result", "customfieldsRelations") != 2 || res.Int("result", "notdeletable") != 0 ||
		res.String("result", "created_at") == "" {
		t.Fatalf("created: %v", res)
	}
	if e.do("GET", "/inventorycomponents", nil).Expect(t, 200).Len("result") != 10 {
		t.Fatal("not listed")
	}
	path := fmt.Sprintf("/inventorycomponents/%d", id)
	item := e.do("POST", "/servers/3/inventory", map[string]any{"inventorycomponent_id": id, "model": "Windows Server 2022",
		"value": "Datacenter", "customfields": []any{"HDD", "4700"}}).Expect(t, 200)
	iid := item.Int("result", "id")
	res = e.do("PUT", path, map[string]any{"description": "Licences", "customfieldsRelations": []any{3}}).Expect(t, 200)
	if res.String("result", "description") != "Licences" || res.String("result", "componentname") != "Software name" ||
		res.Len("result", "customfields") != 1 {
		t.Fatalf("updated: %v", res)
	}
	item = e.do("GET", fmt.Sprintf("/servers/3/inventory/%d", iid), nil).Expect(t, 200)
	if item.Len("result", "customfields") != 1 || item.String("result", "customfields", 0, "value") != "4700" ||
		item.String("result", "root_component", "description") != "Licences" {
		t.Fatalf("item after the update: %v", item)
	}
	res = e.do("DELETE", path, nil).Expect(t, 409)
	if res.String("result") != "This component is in use by 1 inventory items." {
		t.Fatalf("in use: %v", res)
	}
	e.do("DELETE", fmt.Sprintf("/servers/3/inventory/%d", iid), nil).Expect(t, 200)
	e.do("DELETE", path, nil).Expect(t, 200)
	e.do("GET", path, nil).Expect(t, 404)
	e.do("PUT", path, map[string]any{"description": "x"}).Expect(t, 404)
}

// TestCatalogueRefusals: bad input is Laravel's 422 naming the field and writes nothing;
// non-administrators may neither change nor read the catalogue (403).
func TestCatalogueRefusals(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		method, path string
		body         map[string]any
		status       int
		field        string
		hdr          []string
	}{
		{"POST", "/inventorycomponents", map[string]any{"groupname": "S", "description": "d", "componentname": "c"}, 422, "valueType", nil},
		{"POST", "/inventorycomponents", map[string]any{"groupname": "S", "description": "d", "componentname": "c", "valueType": "kg"}, 422, "valueType", nil},
		{"POST", "/inventorycomponents", map[string]any{"groupname": "S", "description": "d", "componentname": "c", "valueType": "text",
			"customfieldsRelations": []any{1, 42}}, 422, "customfieldsRelations.1", nil},
		{"POST", "/inventorycomponents", map[string]any{"groupname": "S", "description": "d", "componentname": "c", "valueType": "text"}, 403, "", as(2)},
		{"PUT", "/inventorycomponents/1", map[string]any{"componentname": "   "}, 422, "componentname", nil},
		{"PUT", "/inventorycomponents/1", map[string]any{"description": "x"}, 403, "", as(3)},
		{"DELETE", "/inventorycomponents/1", nil, 403, "", as(3)},
		{"POST", "/inventorycomponents/customfields", map[string]any{"type": "input"}, 422, "name", nil},
		{"POST", "/inventorycomponents/customfields", map[string]any{"name": "x", "type": "radio"}, 422, "type", nil},
		{"POST", "/inventorycomponents/customfields", map[string]any{"name": "x", "type": "input"}, 403, "", as(4)},
		{"PUT", "/inventorycomponents/customfields/2", map[string]any{"type": "dropdown"}, 422, "type", nil},
		{"DELETE", "/inventorycomponents/customfields/2", nil, 403, "", as(2)},
	}
	for i, tc := range cases {
		res := e.do(tc.method, tc.path, tc.body, tc.hdr...).Expect(t, tc.status)
		if tc.field != "" && res.Get("errors", tc.field) == nil {
			t.Fatalf("case %d: no error on %s: %v", i, tc.field, res)
		}
		if res.String("message") == "" {
			t.Fatalf("case %d: no message: %v", i, res)
		}
	}
	// The catalogue is the administrator's (the default roles' permissions).
	e.do("GET", "/inventorycomponents", nil, as(3)...).Expect(t, 403)
	e.do("GET", "/inventorycomponents/customfields/1", nil, as(2)...).Expect(t, 403)
	if n := e.do("GET", "/inventorycomponents", nil).Expect(t, 200).Len("result"); n != 9 {
		t.Fatalf("%d components after refusals", n)
	}
	if n := e.do("GET", "/inventorycomponents/customfields", nil).Expect(t, 200).Len("result"); n != 5 {
		t.Fatalf("%d custom fields after refusals", n)
	}
	if got := e.do("GET", "/inventorycomponents/1", nil).Expect(t, 200); got.String("result", "componentname") != "cpu" ||
		got.String("result", "description") != "CPU Model" {
		t.Fatalf("component 1 changed by a refusal: %v", got)
	}
	if got := e.do("GET", "/inventorycomponents/customfields/2", nil).Expect(t, 200); got.String("result", "type") != "input" {
		t.Fatalf("field 2 changed by a refusal: %v", got)
	}
}
