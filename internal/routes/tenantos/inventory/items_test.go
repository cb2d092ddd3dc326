package inventory_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestSeededInventory: every server of the fixtures has the items its hardware is made of,
// and its hardware summary is its detailedHardwareInformation (details null without
// withDetails).
func TestSeededInventory(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/servers/1/inventory", nil).Expect(t, 200)
	var kinds []string
	for i := 0; i < res.Len("result"); i++ {
		if res.Int("result", i, "server_id") != 1 {
			t.Fatalf("item of another server: %v", res.Get("result", i))
		}
		kinds = append(kinds, res.String("result", i, "root_component", "description"))
	}
	want := "Mainboard Model,BIOS,CPU Model,RAM,RAM,RAM,RAM,Disk,Disk"
	if strings.Join(kinds, ",") != want {
		t.Fatalf("server 1's items: %s", strings.Join(kinds, ","))
	}
	if res.String("result", 0, "model") != "MAG X570 TOMAHAWK WIFI (MS-7C84)" || res.String("result", 0, "value") != "1.0" ||
		res.Get("result", 0, "customfields") != nil || res.String("result", 7, "customfields", 0, "value") != "3" {
		t.Fatalf("items: %v", res)
	}
	for id := int64(1); id <= 6; id++ {
		hw := e.hardware(id)
		with := e.do("GET", fmt.Sprintf("/servers/%d/hwsummary/withDetails", id), nil).Expect(t, 200)
		if !reflect.DeepEqual(plain(t, with.Get("result")), plain(t, hw)) {
			t.Fatalf("server %d: withDetails %v, detailedHardwareInformation %v", id, with.Get("result"), hw)
		}
		sum := e.do("GET", fmt.Sprintf("/servers/%d/hwsummary", id), nil).Expect(t, 200)
		if sum.Get("result", "disk", "details") != nil || sum.Int("result", "disk", "count") != 2 || sum.String("result", "cpu", "model") == "" {
			t.Fatalf("server %d: summary %v", id, sum)
		}
	}
}

// TestItemLifecycle: an item is added, read back, listed, changed and removed (404 after),
// and the server's hardware summary follows each change; removing it gives back the
// summary the fixtures had.
func TestItemLifecycle(t *testing.T) {
	e := newEnv(t)
	original := plain(t, e.hardware(2))
	res := e.do("POST", "/servers/2/inventory", map[string]any{"model": "Samsung SSD 860 EVO", "value": "476940",
		"serial": "S1Z2NB1K736669A", "inventorycomponent_id": 7, "description": "Second SSD", "customfields": []any{"2"}}).Expect(t, 200)
	id := res.Int("result", "id")
	if res.Int("result", "server_id") != 2 || res.String("result", "description") != "Second SSD" || res.Int("result", "root_component", "id") != 7 ||
		res.String("result", "root_component", "valueType") != "mb" || res.String("result", "customfields", 0, "value") != "2" {
		t.Fatalf("created: %v", res)
	}
	path := fmt.Sprintf("/servers/2/inventory/%d", id)
	if got := e.do("GET", path, nil).Expect(t, 200); got.String("result", "serial") != "S1Z2NB1K736669A" {
		t.Fatalf("read back: %v", got)
	}
	list := e.do("GET", "/servers/2/inventory", nil).Expect(t, 200)
	if list.Int("result", list.Len("result")-1, "id") != id {
		t.Fatalf("not listed last: %v", list)
	}
	hw := e.hardware(2)
	sum := e.do("GET", "/servers/2/hwsummary", nil).Expect(t, 200)
	if sum.Int("result", "disk", "count") != 3 || sum.Int("result", "disk", "value") != 3815476+476940 || sum.String("result", "disk", "model") != "multiple" {
		t.Fatalf("summary after the create: %v", sum)
	}
	if d, _ := hw["disk"].(map[string]any); fmt.Sprint(d["count"]) != "3" {
		t.Fatalf("detailedHardwareInformation after the create: %v", hw)
	}
	if !e.hasActivity(2, "Added inventory item Samsung SSD 860 EVO (Disk)") {
		t.Fatalf("activity: %+v", e.activities(2))
	}

	res = e.do("PUT", path, map[string]any{"value": "953869", "description": "", "customfields": nil}).Expect(t, 200)
	if res.String("result", "value") != "953869" || res.String("result", "description") != "" || res.Get("result", "customfields") != nil ||
		res.String("result", "model") != "Samsung SSD 860 EVO" {
		t.Fatalf("updated: %v", res)
	}
	with := e.do("GET", "/servers/2/hwsummary/withDetails", nil).Expect(t, 200)
	if with.Int("result", "disk", "value") != 3815476+953869 || with.String("result", "disk", "details", 2, "size") != "953869" {
		t.Fatalf("summary after the update: %v", with)
	}
	// Moved to the memory component: both parts change.
	res = e.do("PUT", path, map[string]any{"inventorycomponent_id": 2, "model": "M393A4K40DB3-CWE", "value": "32768"}).Expect(t, 200)
	if res.String("result", "root_component", "description") != "RAM" {
		t.Fatalf("moved: %v", res)
	}
	sum = e.do("GET", "/servers/2/hwsummary", nil).Expect(t, 200)
	if sum.Int("result", "memory", "count") != 9 || sum.Int("result", "memory", "value") != 262144+32768 || sum.Int("result", "disk", "count") != 2 {
		t.Fatalf("summary after the move: %v", sum)
	}

	e.do("DELETE", path, nil).Expect(t, 200)
	e.do("GET", path, nil).Expect(t, 404)
	e.do("DELETE", path, nil).Expect(t, 404)
	if got := plain(t, e.hardware(2)); !reflect.DeepEqual(got, original) {
		t.Fatalf("hardware after the delete %v, want %v", got, original)
	}
	// All disks gone: the part goes.
	list = e.do("GET", "/servers/2/inventory", nil).Expect(t, 200)
	for i := 0; i < list.Len("result"); i++ {
		if list.Int("result", i, "root_component", "id") == 7 {
			e.do("DELETE", fmt.Sprintf("/servers/2/inventory/%d", list.Int("result", i, "id")), nil).Expect(t, 200)
		}
	}
	if hw := e.hardware(2); hw["disk"] != nil || hw["cpu"] == nil {
		t.Fatalf("hardware without disks: %v", hw)
	}
}

// TestItemScoping: a server's items are for whoever manages its owner (404 for anyone else);
// only administrators change them (403); an item is reached through its own server only.
func TestItemScoping(t *testing.T) {
	e := newEnv(t)
	e.do("GET", "/servers/1/inventory", nil, as(3)...).Expect(t, 200)
	e.do("GET", "/servers/1/hwsummary", nil, as(3)...).Expect(t, 200)
	e.do("GET", "/servers/1/inventory/1", nil, as(3)...).Expect(t, 200)
	e.do("GET", "/servers/2/inventory", nil, as(3)...).Expect(t, 404)
	e.do("GET", "/servers/2/hwsummary/withDetails", nil, as(3)...).Expect(t, 404)
	e.do("GET", "/servers/1/inventory", nil, as(4)...).Expect(t, 404)
	e.do("GET", "/servers/5/inventory", nil, as(2)...).Expect(t, 200) // the reseller's customer's server
	e.do("GET", "/servers/5/inventory", nil, as(4)...).Expect(t, 200)
	e.do("GET", "/servers/2/inventory/1", nil).Expect(t, 404) // item 1 is server 1's
	e.do("GET", "/servers/99/inventory", nil).Expect(t, 404)
	body := map[string]any{"inventorycomponent_id": 7, "model": "x", "value": "1"}
	e.do("POST", "/servers/1/inventory", body, as(3)...).Expect(t, 403)
	e.do("POST", "/servers/2/inventory", body, as(3)...).Expect(t, 403) // the role's permissions come first
	e.do("PUT", "/servers/1/inventory/1", map[string]any{"model": "x"}, as(3)...).Expect(t, 403)
	e.do("DELETE", "/servers/1/inventory/1", nil, as(3)...).Expect(t, 403)
	e.do("DELETE", fmt.Sprintf("/servers/5/inventory/%d", e.itemOf(5, 7)), nil, as(2)...).Expect(t, 403)
	if got := e.do("GET", "/servers/1/inventory/1", nil).Expect(t, 200); got.String("result", "model") != "MAG X570 TOMAHAWK WIFI (MS-7C84)" {
		t.Fatalf("item changed by a refusal: %v", got)
	}
	if n := e.do("GET", "/servers/1/inventory", nil).Expect(t, 200).Len("result"); n != 9 {
		t.Fatalf("%d items of server 1 after refusals", n)
	}
}

// TestItemRefusals: bad input is 422 naming the field, and nothing is written: no item, no
// change to the summary.
func TestItemRefusals(t *testing.T) {
	e := newEnv(t)
	before := plain(t, e.hardware(4))
	n := e.do("GET", "/servers/4/inventory", nil).Expect(t, 200).Len("result")
	disk := fmt.Sprintf("/servers/4/inventory/%d", e.itemOf(4, 7))
	cases := []struct {
		method, path string
		body         map[string]any
		field        string
	}{
		{"POST", "/servers/4/inventory", map[string]any{"model": "x"}, "inventorycomponent_id"},
		{"POST", "/servers/4/inventory", map[string]any{"inventorycomponent_id": 77}, "inventorycomponent_id"},
		{"POST", "/servers/4/inventory", map[string]any{"inventorycomponent_id": 7, "value": "500 GB"}, "value"},
		{"POST", "/servers/4/inventory", map[string]any{"inventorycomponent_id": 7, "value": "1", "customfields": []any{"Tape"}}, "customfields.0"},
		{"POST", "/servers/4/inventory", map[string]any{"inventorycomponent_id": 7, "value": "1", "customfields": []any{"1", "2"}}, "customfields"},
		{"POST", "/servers/4/inventory", map[string]any{"inventorycomponent_id": 6, "model": strings.Repeat("x", 256)}, "model"},
		{"PUT", disk, map[string]any{"value": "lots"}, "value"},
		{"PUT", disk, map[string]any{"inventorycomponent_id": 99}, "inventorycomponent_id"},
	}
	for i, tc := range cases {
		res := e.do(tc.method, tc.path, tc.body).Expect(t, 422)
		if res.Get("errors", tc.field) == nil || res.String("message") == "" {
			t.Fatalf("case %d: no error on %s: %v", i, tc.field, res)
		}
	}
	if got := e.do("GET", "/servers/4/inventory", nil).Expect(t, 200).Len("result"); got != n {
		t.Fatalf("%d items after refusals, want %d", got, n)
	}
	if got := plain(t, e.hardware(4)); !reflect.DeepEqual(got, before) {
		t.Fatalf("hardware changed by refusals: %v", got)
	}
}

// itemOf is the id of a server's first item of a component.
func (e *env) itemOf(server, comp int64) int64 {
	e.t.Helper()
	list := e.do("GET", fmt.Sprintf("/servers/%d/inventory", server), nil).Expect(e.t, 200)
	for i := 0; i < list.Len("result"); i++ {
		if list.Int("result", i, "root_component", "id") == comp {
			return list.Int("result", i, "id")
		}
	}
	e.t.Fatalf("server %d has no item of component %d", server, comp)
	return 0
}
