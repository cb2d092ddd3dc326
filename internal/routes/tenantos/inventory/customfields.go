package inventory

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Custom fields are what inventory items of the components that carry them hold besides
// model, value and serial: free text (input), a checkbox, or one option of a dropdown.
//
// Decisions where the documentation is silent:
//   - reading them takes the role's permission (the administrator's with the default roles);
//     only administrators may change them (403);
//   - availableValues are kept for dropdowns only, trimmed, without empties and repeats;
//     each option has an id ("1", "2" …, never reused) that items keep: an update keeps the
//     id of a value it lists again, so items keep their choice;
//   - a built-in field (notdeletable) may be renamed, but its type not changed (422): the
//     hardware summary reads the CPU's cores and clocks from them; deleting it is 409;
//   - deleting a field takes it off the components that carry it and the items' values of
//     it go.

// fieldView is the custom field object, keys in the documented order.
type fieldView struct {
	ID              int64    `json:"id"`
	Name            string   `json:"name"`
	Type            string   `json:"type"`
	AvailableValues []Option `json:"availableValues"`
	NotDeletable    int      `json:"notdeletable"`
	CreatedAt       string   `json:"created_at"`
	UpdatedAt       string   `json:"updated_at"`
}

func viewField(f *CustomField) fieldView {
	return fieldView{ID: f.ID, Name: f.Name, Type: f.Type, AvailableValues: tenantos.List(f.Options), NotDeletable: tenantos.Flag(f.NotDeletable),
		CreatedAt: tenantos.LaravelTime(f.Created), UpdatedAt: tenantos.LaravelTime(f.Updated)}
}

type fieldInput struct {
	Name            *string  `json:"name"`
	Type            *string  `json:"type"`
	AvailableValues []string `json:"availableValues"`
}

// setOptions makes a dropdown's options of the values sent, keeping the ids of values it
// had already.
func (f *CustomField) setOptions(values []string) {
	old := map[string]string{}
	for _, o := range f.Options {
		old[o.Value] = o.ID
	}
	out := []Option{}
	seen := map[string]bool{}
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		id, ok := old[v]
		if !ok {
			f.LastOption++
			id = itoa(f.LastOption)
		}
		out = append(out, Option{ID: id, Value: v})
	}
	f.Options = out
}

// apply writes the input into f: create is true for a new field.
func (in *fieldInput) apply(f *CustomField, create bool) error {
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" {
			return tenantos.Invalid("name", "The name field is required.")
		}
		if err := checkText("name", name); err != nil {
			return err
		}
		f.Name = name
	}
	if in.Type != nil && *in.Type != f.Type {
		if f.NotDeletable && !create {
			return tenantos.Invalid("type", "The type of a built-in custom field cannot be changed.")
		}
		f.Type = *in.Type
	}
	for i, v := range in.AvailableValues {
		if err := checkText("availableValues."+itoa(int64(i)), strings.TrimSpace(v)); err != nil {
			return err
		}
	}
	switch {
	case f.Type != "dropdown":
		f.Options = []Option{}
	case in.AvailableValues != nil:
		f.setOptions(in.AvailableValues)
	}
	return nil
}

// listInventoryCustomFields lists the custom fields in id order.
func (g *group) listInventoryCustomFields(c echo.Context) error {
	out := []fieldView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		return fields.Each(tx, func(f *CustomField) error {
			out = append(out, viewField(f))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getInventoryCustomField shows one custom field.
func (g *group) getInventoryCustomField(c echo.Context) error {
	var out fieldView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		f, err := fields.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out = viewField(f)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createInventoryCustomField adds a custom field (administrators only) and answers it.
func (g *group) createInventoryCustomField(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in fieldInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.Name == nil {
		return tenantos.Invalid("name", "The name field is required.")
	}
	if in.Type == nil {
		return tenantos.Invalid("type", "The type field is required.")
	}
	var out fieldView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		f := &CustomField{Options: []Option{}, Created: tx.Now, Updated: tx.Now}
		if err := in.apply(f, true); err != nil {
			return err
		}
		id, err := fields.NextID(tx)
		if err != nil {
			return err
		}
		f.ID = id
		if err := fields.Put(tx, id, f); err != nil {
			return err
		}
		out = viewField(f)
		return tenantos.LogActivity(c, tx, systemEntry("inventoryCustomFields", id, "Created inventory custom field "+f.Name, nil))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateInventoryCustomField changes the fields sent of a custom field (administrators
// only) and answers it.
func (g *group) updateInventoryCustomField(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in fieldInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out fieldView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		f, err := fields.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		before := viewField(f)
		if err := in.apply(f, false); err != nil {
			return err
		}
		f.Updated = tx.Now
		if err := fields.Put(tx, f.ID, f); err != nil {
			return err
		}
		out = viewField(f)
		changes := map[string]change{}
		if before.Name != out.Name {
			changes["name"] = change{before.Name, out.Name}
		}
		if before.Type != out.Type {
			changes["type"] = change{before.Type, out.Type}
		}
		if !sameOptions(before.AvailableValues, out.AvailableValues) {
			changes["availableValues"] = change{before.AvailableValues, out.AvailableValues}
		}
		return tenantos.LogActivity(c, tx, systemEntry("inventoryCustomFields", f.ID, "Updated inventory custom field "+f.Name, changes))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

func sameOptions(a, b []Option) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// deleteInventoryCustomField deletes a custom field (administrators only; a built-in one is
// 409), takes it off the components and drops the items' values of it.
func (g *group) deleteInventoryCustomField(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		f, err := fields.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		if f.NotDeletable {
			return apierr.Conflict("This custom field cannot be deleted.")
		}
		var touched []*Component
		if err := components.Each(tx, func(comp *Component) error {
			if tenantos.Contains(comp.FieldIDs, f.ID) {
				touched = append(touched, comp)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, comp := range touched {
			comp.FieldIDs = without(comp.FieldIDs, f.ID)
			comp.Updated = tx.Now
			if err := components.Put(tx, comp.ID, comp); err != nil {
				return err
			}
		}
		if err := dropFieldValues(tx, func(it *Item) bool { return true }, map[int64]bool{f.ID: true}); err != nil {
			return err
		}
		if err := fields.Delete(tx, f.ID); err != nil {
			return err
		}
		return tenantos.LogActivity(c, tx, systemEntry("inventoryCustomFields", f.ID, "Deleted inventory custom field "+f.Name, nil))
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// without is ids without id.
func without(ids []int64, id int64) []int64 {
	out := []int64{}
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

// dropFieldValues removes the values of the fields gone from the items match selects, and
// rewrites the hardware summary of the servers whose items of a hardware component changed.
func dropFieldValues(tx *tenantos.Tx, match func(*Item) bool, gone map[int64]bool) error {
	var changed []*Item
	if err := items.Each(tx, func(it *Item) error {
		if !match(it) || it.Fields == nil {
			return nil
		}
		kept := []FieldValue{}
		for _, fv := range it.Fields {
			if !gone[fv.FieldID] {
				kept = append(kept, fv)
			}
		}
		if len(kept) != len(it.Fields) {
			it.Fields = kept
			if len(kept) == 0 {
				it.Fields = nil
			}
			changed = append(changed, it)
		}
		return nil
	}); err != nil {
		return err
	}
	touched := map[int64]map[int64]bool{} // server id -> components
	for _, it := range changed {
		it.Updated = tx.Now
		if err := items.Put(tx, it.ID, it); err != nil {
			return err
		}
		if touched[it.ServerID] == nil {
			touched[it.ServerID] = map[int64]bool{}
		}
		touched[it.ServerID][it.ComponentID] = true
	}
	for id, comps := range touched {
		s, err := tenantos.Servers.Get(tx, id)
		if err != nil {
			continue // the server is gone; its items are left to be purged
		}
		if err := refreshHardware(tx, s, comps); err != nil {
			return err
		}
	}
	return nil
}
