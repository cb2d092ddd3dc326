package e24cloud

import (
	"encoding/json"
	"fmt"

	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// Domain faults scenarios can set off (see fixtures/scenarios/e24cloud).
const (
	faultZoneExhausted = "zone-exhausted" // the zone's (or every) address pool hands out nothing
	faultVMVanished    = "vm-vanished"    // the VM disappears out of band
)

// Faults implements provider.Faulter.
func (p *Provider) Faults() []string { return []string{faultZoneExhausted, faultVMVanished} }

// Fault implements provider.Faulter.
func (p *Provider) Fault(w *world.World, name string, params map[string]any, r *scenarios.Request) (json.RawMessage, error) {
	switch name {
	case faultVMVanished:
		id := r.Params["vm_id"]
		if id == "" {
			return nil, fmt.Errorf("%s: the rule must match a request on a virtual machine", name)
		}
		return nil, w.Update(func(tx *state.Tx) error {
			vm, err := loadVM(tx, id)
			if err != nil {
				return nil // already gone
			}
			return p.destroyVM(tx, vm)
		})
	case faultZoneExhausted:
		target, _ := params["zone"].(string)
		if vm, ok := r.Body["create_vm"].(map[string]any); ok && target == "" {
			target, _ = vm["compute_zone_id"].(string)
			if target == "" {
				target, _ = vm["zone_id"].(string)
			}
		}
		return p.exhaustZones(w, target)
	}
	return nil, fmt.Errorf("e24cloud has no fault %q", name)
}

// zonesUndo is what undoes exhausted zones: what each zone was before.
type zonesUndo struct {
	Was map[string]bool `json:"was"`
}

// exhaustZones empties the pool of one zone (or every zone); the undo puts back what each
// was.
func (p *Provider) exhaustZones(w *world.World, target string) (json.RawMessage, error) {
	was := map[string]bool{}
	err := setZones(w, func(z *Zone) bool {
		if target != "" && z.ID != target {
			return false
		}
		was[z.ID], z.Exhausted = z.Exhausted, true
		return true
	})
	if err != nil {
		return nil, err
	}
	return json.Marshal(zonesUndo{Was: was})
}

// Undo implements provider.Faulter.
func (p *Provider) Undo(w *world.World, raw json.RawMessage) error {
	var u zonesUndo
	if err := json.Unmarshal(raw, &u); err != nil {
		return err
	}
	return setZones(w, func(z *Zone) bool {
		old, ok := u.Was[z.ID]
		z.Exhausted = old
		return ok
	})
}

// setZones changes the zones change says it changed, in one transaction (change may run
// again: it must set, not toggle).
func setZones(w *world.World, change func(*Zone) bool) error {
	return w.Update(func(tx *state.Tx) error {
		var zones []Zone
		err := tx.Coll(Name, collZones).ForEach(func(_, raw []byte) error {
			var z Zone
			if err := json.Unmarshal(raw, &z); err != nil {
				return err
			}
			zones = append(zones, z)
			return nil
		})
		if err != nil {
			return err
		}
		for i := range zones {
			if change(&zones[i]) {
				if err := putRecord(tx, collZones, state.Key(zones[i].ID), &zones[i]); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
