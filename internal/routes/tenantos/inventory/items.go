package inventory

import (
	"encoding/json"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// A server's inventory is its items: one per part (a board, a CPU, a memory module, a disk,
// a licence …), each of a component, with a model, a value in the component's unit, a
// serial, a description and the values of the component's custom fields.
//
// Decisions where the documentation is silent:
//   - whoever manages the server's owner sees its items (404 for anyone else); only
//     administrators add, change or remove them (403);
//   - customfields is a list of values in the order of the component's
//     customfieldsRelations (the vendor documents a list of strings): an empty or null
//     entry sets nothing, a dropdown takes an option's id or its text, a checkbox 1/0
//     (true/false, on/off); more values than fields is 422; null for the whole list clears
//     them. Items answer them as [{fieldId, value}], null when none were ever given;
//   - the value of an item of a component measured in mb or MHz must be a whole number
//     (422): the hardware summary adds them up;
//   - a change to the items of the mainboard, memory, cpu or disk components rewrites that
//     part of the server's detailedHardwareInformation (see hardware.go) in the same
//     transaction;
//   - an item moved to another component keeps the values of the custom fields both carry.

// itemView is the inventory item object, keys in the documented order.
type itemView struct {
	ID            int64         `json:"id"`
	CreatedAt     string        `json:"created_at"`
	UpdatedAt     string        `json:"updated_at"`
	Model         string        `json:"model"`
	Value         string        `json:"value"`
	Serial        string        `json:"serial"`
	Description   string        `json:"description"`
	ServerID      int64         `json:"server_id"`
	CustomFields  []FieldValue  `json:"customfields"`
	RootComponent rootComponent `json:"root_component"`
}

type rootComponent struct {
	ID           int64       `json:"id"`
	Description  string      `json:"description"`
	ValueType    string      `json:"valueType"`
	CustomFields []rootField `json:"customfields,omitempty"`
}

// rootField is a custom field of an item's component as the vendor shows it there: an
// object with an empty list of values.
type rootField struct {
	Values []any `json:"values"`
}

func viewItem(tx *tenantos.Tx, it *Item) itemView {
	v := itemView{ID: it.ID, CreatedAt: tenantos.LaravelTime(it.Created), UpdatedAt: tenantos.LaravelTime(it.Updated), Model: it.Model,
		Value: it.Value, Serial: it.Serial, Description: it.Description, ServerID: it.ServerID, CustomFields: it.Fields,
		RootComponent: rootComponent{ID: it.ComponentID}}
	if comp, err := components.Get(tx, it.ComponentID); err == nil {
		v.RootComponent.Description, v.RootComponent.ValueType = comp.Description, comp.ValueType
		for range comp.FieldIDs {
			v.RootComponent.CustomFields = append(v.RootComponent.CustomFields, rootField{Values: []any{}})
		}
	}
	return v
}

// serverID is the server's id from the path ({server_id}, or {server} where the vendor
// names it so).
func serverID(c echo.Context) int64 {
	if id := provider.PathInt(c, "server_id"); id > 0 {
		return id
	}
	return provider.PathInt(c, "server")
}

// pathItem loads item {id} of server {server_id}; an item of another server is 404.
func pathItem(tx *tenantos.Tx, s *tenantos.Server, c echo.Context) (*Item, error) {
	it, err := items.Get(tx, provider.PathInt(c, "id"))
	if err != nil {
		return nil, err
	}
	if it.ServerID != s.ID {
		return nil, errItemNotFound
	}
	return it, nil
}

type itemInput struct {
	Model       *string `json:"model"`
	Value       *string `json:"value"`
	Serial      *string `json:"serial"`
	Description *string `json:"description"`
	ComponentID *int64  `json:"inventorycomponent_id"`
}

// apply writes the input into it; raw is the body as sent (for the custom fields' places
// and the texts sent empty, which clear).
func (in *itemInput) apply(tx *tenantos.Tx, it *Item, raw map[string]any) error {
	texts := []struct {
		name string
		v    *string
		dst  *string
	}{{"model", in.Model, &it.Model}, {"value", in.Value, &it.Value}, {"serial", in.Serial, &it.Serial},
		{"description", in.Description, &it.Description}}
	for _, f := range texts {
		switch {
		case f.v != nil:
			v := strings.TrimSpace(*f.v)
			if err := checkText(f.name, v); err != nil {
				return err
			}
			*f.dst = v
		case sentEmpty(raw, f.name):
			*f.dst = ""
		}
	}
	moved := false
	if in.ComponentID != nil && *in.ComponentID != it.ComponentID {
		if !components.Has(tx, *in.ComponentID) {
			return tenantos.Invalid("inventorycomponent_id", "The selected inventorycomponent id is invalid.")
		}
		moved = it.ComponentID != 0
		it.ComponentID = *in.ComponentID
	}
	comp, err := components.Get(tx, it.ComponentID)
	if err != nil {
		return tenantos.Invalid("inventorycomponent_id", "The selected inventorycomponent id is invalid.")
	}
	if (comp.ValueType == "mb" || comp.ValueType == "MHz") && it.Value != "" && !wholeNumber(it.Value) {
		return tenantos.Invalidf("value", "The value field must be a whole number (the component is measured in %s).", comp.ValueType)
	}
	sent, ok := raw["customfields"]
	switch {
	case ok && sent == nil:
		it.Fields = nil
	case ok:
		list, _ := sent.([]any)
		values, err := fieldValues(tx, comp, list)
		if err != nil {
			return err
		}
		it.Fields = values
	case moved && it.Fields != nil:
		kept := []FieldValue{}
		for _, fv := range it.Fields {
			if tenantos.Contains(comp.FieldIDs, fv.FieldID) {
				kept = append(kept, fv)
			}
		}
		it.Fields = kept
	}
	return nil
}

// wholeNumber reports whether s is a whole number of digits.
func wholeNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// fieldValues reads the values of a component's custom fields, in the order of its
// relations.
func fieldValues(tx *tenantos.Tx, comp *Component, list []any) ([]FieldValue, error) {
	if len(list) > len(comp.FieldIDs) {
		return nil, tenantos.Invalidf("customfields", "The customfields field must not have more than %d items.", len(comp.FieldIDs))
	}
	out := []FieldValue{}
	for i, v := range list {
		name := "customfields." + itoa(int64(i))
		var s string
		switch x := v.(type) {
		case nil:
			continue
		case string:
			s = strings.TrimSpace(x)
		case json.Number:
			s = x.String()
		case bool:
			s = map[bool]string{true: "1", false: "0"}[x]
		default:
			return nil, tenantos.Invalidf(name, "The %s field must be a string.", name)
		}
		if s == "" {
			continue
		}
		f, err := fields.Get(tx, comp.FieldIDs[i])
		if err != nil {
			continue
		}
		switch f.Type {
		case "dropdown":
			id := ""
			for _, o := range f.Options {
				if o.ID == s || strings.EqualFold(o.Value, s) {
					id = o.ID
					break
				}
			}
			if id == "" {
				return nil, tenantos.Invalidf(name, "The selected %s is invalid.", name)
			}
			s = id
		case "checkbox":
			switch strings.ToLower(s) {
			case "1", "true", "on", "yes":
				s = "1"
			case "0", "false", "off", "no":
				s = "0"
			default:
				return nil, tenantos.Invalidf(name, "The %s field must be true or false.", name)
			}
		default:
			if err := checkText(name, s); err != nil {
				return nil, err
			}
		}
		out = append(out, FieldValue{FieldID: f.ID, Value: s})
	}
	return out, nil
}

// itemName is how the activity log names an item.
func itemName(tx *tenantos.Tx, it *Item) string {
	what := "#" + itoa(it.ID)
	if comp, err := components.Get(tx, it.ComponentID); err == nil {
		what = comp.Description
	}
	if it.Model == "" {
		return what
	}
	return it.Model + " (" + what + ")"
}

// listServerInventory lists a server's items in id order.
func (g *group) listServerInventory(c echo.Context) error {
	out := []itemView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, serverID(c))
		if err != nil {
			return err
		}
		list, err := serverItems(tx, s.ID)
		for _, it := range list {
			out = append(out, viewItem(tx, it))
		}
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getServerInventoryItem shows one item of a server.
func (g *group) getServerInventoryItem(c echo.Context) error {
	var out itemView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, serverID(c))
		if err != nil {
			return err
		}
		it, err := pathItem(tx, s, c)
		if err != nil {
			return err
		}
		out = viewItem(tx, it)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createServerInventoryItem adds an item to a server (administrators only) and answers it.
func (g *group) createServerInventoryItem(c echo.Context) error {
	var in itemInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	raw := rawBody(c)
	var out itemView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, serverID(c))
		if err != nil {
			return err
		}
		if err := requireAdmin(c); err != nil {
			return err
		}
		if in.ComponentID == nil {
			return tenantos.Invalid("inventorycomponent_id", "The inventorycomponent id field is required.")
		}
		it := &Item{ServerID: s.ID}
		if err := in.apply(tx, it, raw); err != nil {
			return err
		}
		if err := newItem(tx, it); err != nil {
			return err
		}
		if err := refreshHardware(tx, s, map[int64]bool{it.ComponentID: true}); err != nil {
			return err
		}
		out = viewItem(tx, it)
		return tenantos.LogActivity(c, tx, serverEntry(s, it.ID, "Added inventory item "+itemName(tx, it), nil))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateServerInventoryItem changes the fields sent of a server's item (administrators
// only) and answers it.
func (g *group) updateServerInventoryItem(c echo.Context) error {
	var in itemInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	raw := rawBody(c)
	var out itemView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, serverID(c))
		if err != nil {
			return err
		}
		it, err := pathItem(tx, s, c)
		if err != nil {
			return err
		}
		if err := requireAdmin(c); err != nil {
			return err
		}
		before := viewItem(tx, it)
		oldComp := it.ComponentID
		if err := in.apply(tx, it, raw); err != nil {
			return err
		}
		it.Updated = tx.Now
		if err := items.Put(tx, it.ID, it); err != nil {
			return err
		}
		if err := refreshHardware(tx, s, map[int64]bool{oldComp: true, it.ComponentID: true}); err != nil {
			return err
		}
		out = viewItem(tx, it)
		changes := map[string]change{}
		for _, f := range []struct {
			name   string
			old, v any
		}{{"model", before.Model, out.Model}, {"value", before.Value, out.Value}, {"serial", before.Serial, out.Serial},
			{"description", before.Description, out.Description}, {"inventorycomponent_id", before.RootComponent.ID, out.RootComponent.ID}} {
			if f.old != f.v {
				changes[f.name] = change{f.old, f.v}
			}
		}
		if a, b := jsonText(before.CustomFields), jsonText(out.CustomFields); a != b {
			changes["customfields"] = change{before.CustomFields, out.CustomFields}
		}
		return tenantos.LogActivity(c, tx, serverEntry(s, it.ID, "Updated inventory item "+itemName(tx, it), changes))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// deleteServerInventoryItem removes an item from a server (administrators only).
func (g *group) deleteServerInventoryItem(c echo.Context) error {
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, serverID(c))
		if err != nil {
			return err
		}
		it, err := pathItem(tx, s, c)
		if err != nil {
			return err
		}
		if err := requireAdmin(c); err != nil {
			return err
		}
		if err := dropItem(tx, it); err != nil {
			return err
		}
		if err := refreshHardware(tx, s, map[int64]bool{it.ComponentID: true}); err != nil {
			return err
		}
		return tenantos.LogActivity(c, tx, serverEntry(s, it.ID, "Removed inventory item "+itemName(tx, it), nil))
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// getHardwareSummary summarises a server's hardware by kind of part, without the parts.
func (g *group) getHardwareSummary(c echo.Context) error { return g.summary(c, false) }

// getHardwareSummaryWithDetails summarises a server's hardware with its parts in details.
func (g *group) getHardwareSummaryWithDetails(c echo.Context) error { return g.summary(c, true) }

// summary answers a server's detailedHardwareInformation, with or without the details: it
// is what the server's items make of the mainboard, memory, CPUs and disks (or, for a part
// no item makes, what the fixtures or the hypervisor say).
func (g *group) summary(c echo.Context, withDetails bool) error {
	var out *hardware
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, serverID(c))
		if err != nil {
			return err
		}
		out = readHardware(s.Hardware).summary(withDetails)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
