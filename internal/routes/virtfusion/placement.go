package virtfusion

import (
	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/state"
)

// errNoCapacity is the refusal when no hypervisor of the group can take the server.
var errNoCapacity = apierr.Invalid("No hypervisor in the selected group has the resources to create this server.")

// place picks the hypervisor of group that fits the server and has the most free memory
// (lowest id on a tie). Disabled, prohibited and maintenance hypervisors take no new servers.
func place(tx *state.Tx, group int64, need Resources, ipv4 int) (*Hypervisor, error) {
	hvs, err := groupHypervisors(tx, group)
	if err != nil {
		return nil, err
	}
	var best *Hypervisor
	for _, h := range hvs {
		if !h.Enabled || h.Prohibit || h.Maintenance || !fits(h, need) {
			continue
		}
		if ipv4 > 0 {
			free, err := freeIPv4(tx, h)
			if err != nil {
				return nil, err
			}
			if free < ipv4 {
				continue
			}
		}
		if best == nil || h.MaxMemory-h.Alloc.Memory > best.MaxMemory-best.Alloc.Memory {
			best = h
		}
	}
	if best == nil {
		return nil, errNoCapacity
	}
	// The group's hypervisors were peeked at (shared with readers); the one placed on is
	// changed and saved by the caller, so it is read afresh.
	var h Hypervisor
	if err := get(tx, collHypervisors, best.ID, &h, errHypervisorNotFound); err != nil {
		return nil, err
	}
	return &h, nil
}

// fits reports whether a hypervisor has room for need on top of what it holds.
func fits(h *Hypervisor, need Resources) bool {
	return !h.Exhausted && (h.MaxServers == 0 || h.Alloc.Servers < h.MaxServers) &&
		h.Alloc.Memory+need.Memory <= h.MaxMemory &&
		h.Alloc.CPUCores+need.CPUCores <= h.MaxCPU &&
		h.Alloc.Storage+need.Storage <= h.StorageMax
}
