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
func (p *Provider) Fault(w *world.World, name string, params map[string]any, r *scenarios.Request) (func() error, error) {
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

// exhaustZones empties the pool of one zone (or every zone); undo puts back what each was.
func (p *Provider) exhaustZones(w *world.World, target string) (func() error, error) {
	was := map[string]bool{}
	set := func(all bool, on func(id string) bool) error {
		return w.Update(func(tx *state.Tx) error {
			if all {
				clear(was)
			}
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
			for _, z := range zones {
				if target != "" && z.ID != target {
					continue
				}
				if all {
					was[z.ID] = z.Exhausted
				}
				z.Exhausted = on(z.ID)
				if err := putRecord(tx, collZones, state.Key(z.ID), &z); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := set(true, func(string) bool { return true }); err != nil {
		return nil, err
	}
	return func() error { return set(false, func(id string) bool { return was[id] }) }, nil
}
