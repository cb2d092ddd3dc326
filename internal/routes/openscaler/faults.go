package openscaler

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// Domain faults scenarios can set off (see fixtures/scenarios/openscaler).
const (
	faultCreateFails = "create-fails" // the next VM creation ends with a 500 event, the VM crashed
	faultGuestHangs  = "guest-hangs"  // the VM's guest ignores ACPI signals: shutdown answers 408
	faultVMVanished  = "vm-vanished"  // the VM disappears out of band
)

const (
	collFaults      = "faults" // one record: keyCreateFaults -> pending create failures
	keyCreateFaults = "createFails"
)

// Faults implements provider.Faulter.
func (p *Provider) Faults() []string {
	return []string{faultCreateFails, faultGuestHangs, faultVMVanished}
}

// Fault implements provider.Faulter.
func (p *Provider) Fault(w *world.World, name string, params map[string]any, r *scenarios.Request) (json.RawMessage, error) {
	id := vmID(r.Params["vm_id"])
	switch name {
	case faultCreateFails:
		return p.addCreateFault(w, 1)
	case faultGuestHangs:
		if id == 0 {
			return nil, fmt.Errorf("%s: the rule must match a request on a VM", name)
		}
		var was time.Time
		err := w.Update(func(tx *state.Tx) error {
			v, err := loadVM(tx, id)
			if err != nil {
				return nil // an unknown VM: the handler answers 404
			}
			was, v.BootedAt = v.BootedAt, tx.Now.AddDate(10, 0, 0)
			return saveVM(tx, v)
		})
		if err != nil || was.IsZero() {
			return nil, err
		}
		return json.Marshal(undo{Fault: name, VM: id, BootedAt: was})
	case faultVMVanished:
		if id == 0 {
			return nil, fmt.Errorf("%s: the rule must match a request on a VM", name)
		}
		err := w.Update(func(tx *state.Tx) error {
			if _, err := loadVM(tx, id); err != nil {
				return nil
			}
			data, err := json.Marshal(deleteTask{id})
			if err != nil {
				return err
			}
			return p.runDelete(tx, &state.Task{Data: data})
		})
		w.Notify()
		return nil, err
	}
	return nil, fmt.Errorf("openscaler has no fault %q", name)
}

// undo is what undoes a domain fault: the create failures it added (those not used up), or
// the boot time a hanging guest had.
type undo struct {
	Fault    string    `json:"fault"`
	Creates  int       `json:"creates,omitempty"`
	VM       int64     `json:"vm,omitempty"`
	BootedAt time.Time `json:"bootedAt,omitempty"`
}

// Undo implements provider.Faulter.
func (p *Provider) Undo(w *world.World, raw json.RawMessage) error {
	var u undo
	if err := json.Unmarshal(raw, &u); err != nil {
		return err
	}
	switch u.Fault {
	case faultCreateFails:
		return changeCreateFaults(w, -u.Creates)
	case faultGuestHangs:
		return w.Update(func(tx *state.Tx) error {
			v, err := loadVM(tx, u.VM)
			if err != nil {
				return nil
			}
			v.BootedAt = u.BootedAt
			return saveVM(tx, v)
		})
	}
	return fmt.Errorf("openscaler has no fault %q to undo", u.Fault)
}

// addCreateFault makes the next n creations fail; the undo takes back what is left of them.
func (p *Provider) addCreateFault(w *world.World, n int) (json.RawMessage, error) {
	if err := changeCreateFaults(w, n); err != nil {
		return nil, err
	}
	return json.Marshal(undo{Fault: faultCreateFails, Creates: n})
}

// changeCreateFaults adds d pending create failures (never below none).
func changeCreateFaults(w *world.World, d int) error {
	return w.Update(func(tx *state.Tx) error {
		var left int
		c := tx.Coll(Name, collFaults)
		c.Get(state.Key(keyCreateFaults), &left) // none yet: 0
		return c.Put(state.Key(keyCreateFaults), max(0, left+d))
	})
}

// takeCreateFault consumes one pending create failure, if there is one.
func takeCreateFault(tx *state.Tx) (bool, error) {
	var left int
	c := tx.Coll(Name, collFaults)
	if err := c.Get(state.Key(keyCreateFaults), &left); err != nil || left == 0 {
		return false, nil
	}
	return true, c.Put(state.Key(keyCreateFaults), left-1)
}
