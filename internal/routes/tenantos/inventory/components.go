package inventory

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Inventory components are the kinds of parts servers hold: the built-in hardware
// components and whatever an administrator adds (software licences, a rack position …),
// each with a unit for its items' value and the custom fields its items carry.
//
// Decisions where the documentation is silent:
//   - reading them takes the role's permission (the administrator's with the default roles);
//     only administrators may change them (403);
//   - customfieldsRelations must name existing custom fields (422 naming the entry);
//     repeats count once; a field taken off a component takes its value off the
//     component's items;
//   - a built-in component (notdeletable) may be changed but not deleted (409), nor may a
//     component that servers' items are of (409 saying how many): the items would lose
//     what they are;
//   - the name need not be unique (the panel's examples never say so).

// componentView is the inventory component object, keys in the documented order.
type componentView struct {
	ID            int64            `json:"id"`
	CreatedAt     string           `json:"created_at"`
	UpdatedAt     string           `json:"updated_at"`
	ComponentName string           `json:"componentname"`
	Description   string           `json:"description"`
	NotDeletable  int              `json:"notdeletable"`
	GroupName     string           `json:"groupname"`
	ValueType     string           `json:"valueType"`
	Relations     []int64          `json:"customfieldsRelations"`
	CustomFields  []componentField `json:"customfields"`
}

type componentField struct {
	FieldID int64    `json:"field_id"`
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Values  []Option `json:"values"`
}

// viewComponent renders a component with its custom fields.
func viewComponent(tx *tenantos.Tx, comp *Component) componentView {
	v := componentView{ID: comp.ID, CreatedAt: tenantos.LaravelTime(comp.Created), UpdatedAt: tenantos.LaravelTime(comp.Updated),
		ComponentName: comp.ComponentName, Description: comp.Description, NotDeletable: tenantos.Flag(comp.NotDeletable),
		GroupName: comp.GroupName, ValueType: comp.ValueType, Relations: []int64{}, CustomFields: []componentField{}}
	for _, id := range comp.FieldIDs {
		f, err := fields.Get(tx, id)
		if err != nil {
			continue
		}
		v.Relations = append(v.Relations, id)
		v.CustomFields = append(v.CustomFields, componentField{FieldID: f.ID, Name: f.Name, Type: f.Type, Values: tenantos.List(f.Options)})
	}
	return v
}

type componentInput struct {
	GroupName     *string  `json:"groupname"`
	Description   *string  `json:"description"`
	ComponentName *string  `json:"componentname"`
	Relations     *[]int64 `json:"customfieldsRelations"`
	ValueType     *string  `json:"valueType"`
}

// apply writes the input into comp, checking the fields it names; it returns the custom
// fields the component no longer carries.
func (in *componentInput) apply(tx *tenantos.Tx, comp *Component) (map[int64]bool, error) {
	for _, f := range []struct {
		name string
		v    *string
		dst  *string
	}{{"groupname", in.GroupName, &comp.GroupName}, {"description", in.Description, &comp.Description},
		{"componentname", in.ComponentName, &comp.ComponentName}, {"valueType", in.ValueType, &comp.ValueType}} {
		if f.v == nil {
			continue
		}
		v := strings.TrimSpace(*f.v)
		if v == "" {
			return nil, tenantos.Invalidf(f.name, "The %s field is required.", attribute(f.name))
		}
		if err := checkText(f.name, v); err != nil {
			return nil, err
		}
		*f.dst = v
	}
	gone := map[int64]bool{}
	if in.Relations != nil {
		ids := []int64{}
		for i, id := range *in.Relations {
			if !fields.Has(tx, id) {
				field := fmt.Sprintf("customfieldsRelations.%d", i)
				return nil, tenantos.Invalidf(field, "The selected %s is invalid.", field)
			}
			if !tenantos.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		for _, id := range comp.FieldIDs {
			if !tenantos.Contains(ids, id) {
				gone[id] = true
			}
		}
		comp.FieldIDs = ids
	}
	return gone, nil
}

// listInventoryComponents lists the components in id order.
func (g *group) listInventoryComponents(c echo.Context) error {
	out := []componentView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		return components.Each(tx, func(comp *Component) error {
			out = append(out, viewComponent(tx, comp))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getInventoryComponent shows one component with its custom fields.
func (g *group) getInventoryComponent(c echo.Context) error {
	var out componentView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		comp, err := components.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out = viewComponent(tx, comp)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createInventoryComponent adds a component (administrators only) and answers it.
func (g *group) createInventoryComponent(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in componentInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out componentView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		comp := &Component{FieldIDs: []int64{}, Created: tx.Now, Updated: tx.Now}
		if _, err := in.apply(tx, comp); err != nil {
			return err
		}
		for _, f := range []struct{ name, v string }{{"groupname", comp.GroupName}, {"description", comp.Description},
			{"componentname", comp.ComponentName}, {"valueType", comp.ValueType}} {
			if f.v == "" {
				return tenantos.Invalidf(f.name, "The %s field is required.", attribute(f.name))
			}
		}
		id, err := components.NextID(tx)
		if err != nil {
			return err
		}
		comp.ID = id
		if err := components.Put(tx, id, comp); err != nil {
			return err
		}
		out = viewComponent(tx, comp)
		return tenantos.LogActivity(c, tx, systemEntry("inventoryComponents", id, "Created inventory component "+comp.ComponentName, nil))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateInventoryComponent changes the fields sent of a component (administrators only) and
// answers it. The items of the component lose their values of the custom fields it no
// longer carries; a new unit is the unit of the hardware summary's part of it.
func (g *group) updateInventoryComponent(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in componentInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out componentView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		comp, err := components.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		before := viewComponent(tx, comp)
		gone, err := in.apply(tx, comp)
		if err != nil {
			return err
		}
		comp.Updated = tx.Now
		if err := components.Put(tx, comp.ID, comp); err != nil {
			return err
		}
		if len(gone) > 0 {
			if err := dropFieldValues(tx, func(it *Item) bool { return it.ComponentID == comp.ID }, gone); err != nil {
				return err
			}
		}
		if before.ValueType != comp.ValueType && isHardware(comp.ID) {
			if err := refreshComponent(tx, comp.ID); err != nil {
				return err
			}
		}
		out = viewComponent(tx, comp)
		changes := map[string]change{}
		for _, f := range []struct {
			name   string
			old, v any
		}{{"groupname", before.GroupName, out.GroupName}, {"description", before.Description, out.Description},
			{"componentname", before.ComponentName, out.ComponentName}, {"valueType", before.ValueType, out.ValueType}} {
			if f.old != f.v {
				changes[f.name] = change{f.old, f.v}
			}
		}
		if fmt.Sprint(before.Relations) != fmt.Sprint(out.Relations) {
			changes["customfieldsRelations"] = change{before.Relations, out.Relations}
		}
		return tenantos.LogActivity(c, tx, systemEntry("inventoryComponents", comp.ID, "Updated inventory component "+comp.ComponentName, changes))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// refreshComponent rewrites the hardware summary part a component makes on every server
// that has items of it.
func refreshComponent(tx *tenantos.Tx, compID int64) error {
	servers := map[int64]bool{}
	if err := items.Each(tx, func(it *Item) error {
		if it.ComponentID == compID {
			servers[it.ServerID] = true
		}
		return nil
	}); err != nil {
		return err
	}
	for id := range servers {
		s, err := tenantos.Servers.Get(tx, id)
		if err != nil {
			continue
		}
		if err := refreshHardware(tx, s, map[int64]bool{compID: true}); err != nil {
			return err
		}
	}
	return nil
}

// deleteInventoryComponent deletes a component (administrators only): a built-in one, or
// one that servers' items are of, is 409. Items left of servers that are gone go with it.
func (g *group) deleteInventoryComponent(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		comp, err := components.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		if comp.NotDeletable {
			return apierr.Conflict("This component cannot be deleted.")
		}
		var used int
		var orphans []*Item
		if err := items.Each(tx, func(it *Item) error {
			if it.ComponentID != comp.ID {
				return nil
			}
			if tenantos.Servers.Has(tx, it.ServerID) {
				used++
			} else {
				orphans = append(orphans, it)
			}
			return nil
		}); err != nil {
			return err
		}
		if used > 0 {
			return apierr.Conflict(fmt.Sprintf("This component is in use by %d inventory items.", used))
		}
		for _, it := range orphans {
			if err := dropItem(tx, it); err != nil {
				return err
			}
		}
		if err := components.Delete(tx, comp.ID); err != nil {
			return err
		}
		return tenantos.LogActivity(c, tx, systemEntry("inventoryComponents", comp.ID, "Deleted inventory component "+comp.ComponentName, nil))
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
