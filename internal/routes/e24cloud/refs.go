package e24cloud

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/state"
)

// refs renders the references objects make to each other (owner, zone, virtual machine)
// within one transaction, reading each record once.
type refs struct {
	tx    *state.Tx
	acct  *Account
	zones map[string]*Zone
	vms   map[string]*VM
	// taking: the volumes a recovery point is being taken of (nil until asked).
	taking map[string]bool
}

func newRefs(tx *state.Tx) (*refs, error) {
	acct, err := loadAccount(tx)
	if err != nil {
		return nil, err
	}
	return &refs{tx: tx, acct: acct, zones: map[string]*Zone{}, vms: map[string]*VM{}}, nil
}

// owner is the account as objects name their owner.
func (r *refs) owner() idName { return idName{ID: r.acct.ID, Name: r.acct.Name} }

// zone is a zone as objects name it: its id and its label (DC1/PUBLIC-1).
func (r *refs) zone(id string) (idName, error) {
	z := r.zones[id]
	if z == nil {
		z = new(Zone)
		if err := getRecord(r.tx, collZones, state.Key(id), z, errZoneNotFound); err != nil {
			return idName{}, err
		}
		r.zones[id] = z
	}
	return idName{ID: z.ID, Name: z.Label}, nil
}

// vm is a VM others refer to; nil when it is gone.
func (r *refs) vm(id string) *VM {
	vm, seen := r.vms[id]
	if !seen {
		vm, _ = loadVM(r.tx, id)
		r.vms[id] = vm
	}
	return vm
}

// takingPoint reports whether a recovery point of the volume is being taken.
func (r *refs) takingPoint(volumeID string) bool {
	if r.taking == nil {
		r.taking = map[string]bool{}
		each(r.tx, collRecovery, func(rp *RecoveryPoint) error {
			if rp.Pending {
				r.taking[rp.VolumeID] = true
			}
			return nil
		})
	}
	return r.taking[volumeID]
}

// vmRef is a virtual machine as an address shows it.
type vmRef struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// taskView is an entry of a task array: the action in progress.
type taskView struct {
	Action string `json:"action"`
}

// vmByID resolves virtual_machine_id of a request body: an unknown id is bad input (400), as
// an unknown zone or template is on create.
func vmByID(tx *state.Tx, id string) (*VM, error) {
	vm, err := loadVM(tx, strings.TrimSpace(id))
	if err != nil {
		return nil, apierr.Invalid("The selected virtual_machine_id is invalid.")
	}
	return vm, nil
}

// usableVM refuses to attach anything to a VM being deleted, or to one in another zone.
func usableVM(vm *VM, zoneID, what string) error {
	if vm.ZoneID != zoneID {
		return apierr.Invalid("The virtual machine is in another zone than the " + what + ".")
	}
	if vm.State == stateDeleting {
		return apierr.Conflict("Cannot attach " + what + " to a virtual machine that is deleting.")
	}
	return nil
}

// each decodes every record of a collection.
func each[T any](tx *state.Tx, coll string, fn func(*T) error) error {
	return tx.Coll(Name, coll).ForEach(func(_, raw []byte) error {
		v := new(T)
		if err := json.Unmarshal(raw, v); err != nil {
			return err
		}
		return fn(v)
	})
}

// byCreation orders records oldest first (by their sequence number in the world), so that
// lists do not follow the random order of UUID keys.
func byCreation[T any](items []T, seq func(T) uint64) {
	sort.SliceStable(items, func(i, j int) bool { return seq(items[i]) < seq(items[j]) })
}

// label is what a client named something, or a default made from its id.
func label(given, kind, id string) string {
	if s := strings.TrimSpace(given); s != "" {
		return s
	}
	short, _, _ := strings.Cut(id, "-")
	return kind + "-" + short
}
