package inventory_test

import (
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// operations are the group's operations (its route table) with what each needs beyond the
// documented example: path values and body changes in the default world (server 1 is the
// customer's; components 1–9 and custom fields 1–5 are built in).
var operations = map[string]func(e *env, paths map[string]string, body map[string]any){
	"listInventoryComponents":  nil,
	"createInventoryComponent": nil,
	"getInventoryComponent":    nil,
	"updateInventoryComponent": nil,
	"deleteInventoryComponent": func(e *env, paths map[string]string, _ map[string]any) {
		paths["id"] = itoa(e.do("POST", "/inventorycomponents", map[string]any{"groupname": "Software", "description": "Licences",
			"componentname": "licence", "valueType": "text"}).Expect(e.t, 200).Int("result", "id"))
	},
	"listInventoryCustomFields":  nil,
	"createInventoryCustomField": nil,
	"getInventoryCustomField":    nil,
	"updateInventoryCustomField": func(e *env, paths map[string]string, body map[string]any) {
		// Built-in fields keep their type: change a new one.
		paths["id"] = itoa(e.do("POST", "/inventorycomponents/customfields", map[string]any{"name": "Rack", "type": "input"}).Expect(e.t, 200).Int("result", "id"))
	},
	"deleteInventoryCustomField": func(e *env, paths map[string]string, _ map[string]any) {
		paths["id"] = itoa(e.do("POST", "/inventorycomponents/customfields", map[string]any{"name": "Rack", "type": "input"}).Expect(e.t, 200).Int("result", "id"))
	},
	"getHardwareSummary":            nil,
	"getHardwareSummaryWithDetails": nil,
	"listServerInventory":           nil,
	"createServerInventoryItem":     nil,
	"getServerInventoryItem":        nil,
	"updateServerInventoryItem":     nil,
	"deleteServerInventoryItem":     nil,
	"getInventoryCommand":           nil,
}

// TestConformance sends every operation of the group its documented example request (with
// the world's ids) in a fresh world and expects the documented success status; simtest
// checks every answer against specs/tenantos.yaml. Operations of other groups are skipped.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	if len(operations) != 18 {
		t.Fatalf("%d operations in the table, want 18", len(operations))
	}
	seen := 0
	simtest.Conformance(t, "tenantos", func(t *testing.T, c *simtest.Case) {
		prepare, ok := operations[c.Operation]
		if !ok {
			t.Skip("not an operation of the inventory group")
		}
		seen++
		e.t = t
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		// Item 1 is server 1's first item (its mainboard).
		paths := map[string]string{"id": "1", "server": "1", "server_id": "1"}
		if prepare != nil {
			prepare(e, paths, c.Body)
		}
		c.Send(t, e.c, strings.TrimPrefix(c.URL(t, paths), "/api"), c.Body, c.Status)
	})
	e.t = t
	if seen != 18 {
		t.Fatalf("%d of the group's 18 operations are in the document", seen)
	}
}
