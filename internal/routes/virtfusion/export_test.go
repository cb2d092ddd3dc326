package virtfusion

import "github.com/panelsim/panelsim/internal/state"

// SetMaintenance puts a hypervisor in or out of maintenance (tests only).
func SetMaintenance(tx *state.Tx, id int64, on bool) error {
	var h Hypervisor
	if err := get(tx, collHypervisors, id, &h, errHypervisorNotFound); err != nil {
		return err
	}
	h.Maintenance = on
	return put(tx, collHypervisors, id, &h)
}
