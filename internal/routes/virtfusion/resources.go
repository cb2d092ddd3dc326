package virtfusion

import (
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Resource changes: package change, memory and CPU cores. Each one re-accounts the
// hypervisor's counters in the same transaction and is refused when the new size does not
// fit there. On a built server a memory or CPU change waits for the next power action as a
// pending action of tasks.actions.pending.

// collPendingActions only numbers pending actions; they live in their server's record.
const collPendingActions = "pendingActions"

// Pending actions this file adds.
const (
	actionMemory = "Memory Update"
	actionCPU    = "CPU Cores Update"
)

// powerEvents are the power actions a pending resource change waits for.
var powerEvents = []string{"boot", "restart", "shutdown", "poweroff"}

// PendingAction is a change waiting for a power event.
type PendingAction struct {
	ID       int64          `json:"id"`
	Action   string         `json:"action"`
	Requires []string       `json:"requires"`
	Payload  map[string]any `json:"payload"`
	Created  time.Time      `json:"created"`
}

type pendingView struct {
	ID        int64          `json:"id"`
	Action    string         `json:"action"`
	Requires  []string       `json:"requires"`
	Collected bool           `json:"collected"`
	Complete  bool           `json:"complete"`
	Failed    bool           `json:"failed"`
	Payload   map[string]any `json:"payload"`
	Created   string         `json:"created"`
}

func viewPending(s *Server) []any {
	out := make([]any, 0, len(s.Pending))
	for _, a := range s.Pending {
		out = append(out, pendingView{ID: a.ID, Action: a.Action, Requires: a.Requires, Payload: a.Payload,
			Created: fmtTime(a.Created, tsOffset)})
	}
	return out
}

// addPending records a change for the next power event; a newer change of the same kind
// replaces the older one.
func addPending(tx *state.Tx, s *Server, action string, payload map[string]any) error {
	s.Pending = slices.DeleteFunc(slices.Clone(s.Pending), func(a PendingAction) bool { return a.Action == action })
	id, err := tx.Coll(Name, collPendingActions).NextID()
	if err != nil {
		return err
	}
	s.Pending = append(s.Pending, PendingAction{ID: int64(id), Action: action, Requires: slices.Clone(powerEvents), Payload: payload, Created: tx.Now})
	return nil
}

// consumePending applies the pending actions a power action satisfies: they become steps of
// its queue item and leave the server's list.
func consumePending(s *Server, q *QueueItem, action string, now time.Time) {
	kept, done := []PendingAction{}, []PendingAction{}
	for _, a := range s.Pending {
		if !slices.Contains(a.Requires, action) {
			kept = append(kept, a)
			continue
		}
		done = append(done, a)
		q.step(now, "server.pending.action", map[string]any{"success": true, "action": a.Action, "payload": a.Payload}, q.Progress)
	}
	s.Pending = kept
	s.activateDisks(done)
}

// resize gives a server new resources and moves its hypervisor's counters with it; it
// refuses, changing nothing, when a resource that grows does not fit.
func resize(tx *state.Tx, s *Server, to Resources) error {
	var h Hypervisor
	if err := get(tx, collHypervisors, s.HypervisorID, &h, errHypervisorNotFound); err != nil {
		return err
	}
	var msgs []string
	short := func(what string, now, next, alloc, max int) {
		if next > now && alloc-now+next > max {
			msgs = append(msgs, "The server's hypervisor does not have enough free "+what+" for this change.")
		}
	}
	short("memory", s.Resources.Memory, to.Memory, h.Alloc.Memory, h.MaxMemory)
	short("CPU cores", s.Resources.CPUCores, to.CPUCores, h.Alloc.CPUCores, h.MaxCPU)
	short("storage", s.Resources.Storage, to.Storage, h.Alloc.Storage, h.StorageMax)
	if len(msgs) > 0 {
		return apierr.Invalid(msgs...)
	}
	h.Alloc.add(s.Resources, -1)
	h.Alloc.add(to, 1)
	if err := put(tx, collHypervisors, h.ID, &h); err != nil {
		return err
	}
	if s.Built != nil {
		if to.Memory != s.Resources.Memory {
			if err := addPending(tx, s, actionMemory, map[string]any{"memory": to.Memory}); err != nil {
				return err
			}
		}
		if to.CPUCores != s.Resources.CPUCores {
			if err := addPending(tx, s, actionCPU, map[string]any{"cores": to.CPUCores}); err != nil {
				return err
			}
		}
	}
	s.Resources = to
	return nil
}

// loadForResize loads a server whose resources are about to change: refused with 423 while a
// task runs for it.
func loadForResize(tx *state.Tx, c echo.Context) (*Server, error) {
	s, err := loadServer(tx, provider.PathInt(c, "serverId"))
	if err != nil {
		return nil, err
	}
	if s.ActiveQueue != 0 {
		return nil, errBusy
	}
	return s, nil
}

func (p *Provider) modifyServerMemory(c echo.Context) error {
	var in struct {
		Memory int `json:"memory"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := loadForResize(tx, c)
		if err != nil {
			return err
		}
		to := s.Resources
		to.Memory = in.Memory
		if err := resize(tx, s, to); err != nil {
			return err
		}
		s.Updated = tx.Now
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusCreated)
}

// modifyServerCpuCores takes the documented "cores", and "cpuCores" as WHMCS-EZ sends it;
// "cores" wins when both are sent.
func (p *Provider) modifyServerCpuCores(c echo.Context) error {
	var in struct {
		Cores    *int `json:"cores"`
		CPUCores *int `json:"cpuCores"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	errCores := apierr.Invalid("The cores field is required.")
	cores := in.Cores
	if cores == nil && in.CPUCores != nil {
		if err := provider.Lenient(c, "VirtFusion takes cores; cpuCores (WHMCS-EZ's spelling) is panelsim's alias for it", errCores); err != nil {
			return err
		}
		cores = in.CPUCores
	}
	if cores == nil {
		return errCores
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := loadForResize(tx, c)
		if err != nil {
			return err
		}
		to := s.Resources
		to.CPUCores = *cores
		if err := resize(tx, s, to); err != nil {
			return err
		}
		s.Updated = tx.Now
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusCreated)
}

// changePackageInput says which resources to take from the new package; a flag not sent
// is true.
type changePackageInput struct {
	BackupPlan                  *bool `json:"backupPlan"`
	CPU                         *bool `json:"cpu"`
	Memory                      *bool `json:"memory"`
	PrimaryDiskReadIOPS         *bool `json:"primaryDiskReadIOPS"`
	PrimaryDiskReadThroughput   *bool `json:"primaryDiskReadThroughput"`
	PrimaryDiskSize             *bool `json:"primaryDiskSize"`
	PrimaryDiskWriteIOPS        *bool `json:"primaryDiskWriteIOPS"`
	PrimaryDiskWriteThroughput  *bool `json:"primaryDiskWriteThroughput"`
	PrimaryNetworkInboundSpeed  *bool `json:"primaryNetworkInboundSpeed"`
	PrimaryNetworkOutboundSpeed *bool `json:"primaryNetworkOutboundSpeed"`
	PrimaryNetworkTraffic       *bool `json:"primaryNetworkTraffic"`
}

func want(b *bool) bool { return b == nil || *b }

// sameLimit compares two I/O limits; nil is no limit.
func sameLimit(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

// changeServerPackage moves a server to another package, taking the resources the flags
// name. It answers {"info":[…]} listing what was asked for but not updated, in the panel's
// words.
func (p *Provider) changeServerPackage(c echo.Context) error {
	var in changePackageInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	info := []string{}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		info = info[:0]
		s, err := loadForResize(tx, c)
		if err != nil {
			return err
		}
		var pk Package
		if err := get(tx, collPackages, provider.PathInt(c, "packageId"), &pk, errPackageNotFound); err != nil {
			return err
		}
		if !pk.Enabled {
			return apierr.Invalid("The selected package id is invalid.")
		}
		matches := func(what string) { info = append(info, what+" not updated. It matches the current value") }
		to := s.Resources
		// The package's backup plan (0: none, which removes the server's).
		if want(in.BackupPlan) && s.BackupPlanID == pk.BackupPlanID {
			matches("backup plan")
		}
		if want(in.CPU) {
			if pk.CPUCores == to.CPUCores {
				matches("CPU cores")
			}
			to.CPUCores = pk.CPUCores
		}
		if want(in.Memory) {
			if pk.Memory == to.Memory {
				matches("memory")
			}
			to.Memory = pk.Memory
		}
		if want(in.PrimaryDiskSize) {
			if pk.PrimaryStorage <= to.Storage {
				info = append(info, "primary disk not updated. It either matches or is lower than the current value")
			} else {
				to.Storage = pk.PrimaryStorage
			}
		}
		if want(in.PrimaryNetworkTraffic) {
			if pk.Traffic == to.Traffic {
				matches("traffic")
			}
			to.Traffic = pk.Traffic
		}
		if want(in.PrimaryNetworkInboundSpeed) && pk.NetworkIn == s.NetworkIn {
			matches("primary network speed inbound")
		}
		if want(in.PrimaryNetworkOutboundSpeed) && pk.NetworkOut == s.NetworkOut {
			matches("primary network speed outbound")
		}
		// The primary disk's I/O limits (null: no limit).
		disk := s.Disk
		limit := func(flag *bool, what string, cur **int64, next *int64) {
			if !want(flag) {
				return
			}
			if sameLimit(*cur, next) {
				matches(what)
			}
			*cur = next
		}
		limit(in.PrimaryDiskReadIOPS, "read IOPS", &disk.ReadIOPS, pk.Disk.ReadIOPS)
		limit(in.PrimaryDiskWriteIOPS, "write IOPS", &disk.WriteIOPS, pk.Disk.WriteIOPS)
		limit(in.PrimaryDiskReadThroughput, "read bytes/sec", &disk.ReadBytesSec, pk.Disk.ReadBytesSec)
		limit(in.PrimaryDiskWriteThroughput, "write bytes/sec", &disk.WriteBytesSec, pk.Disk.WriteBytesSec)
		if err := resize(tx, s, to); err != nil {
			return err
		}
		if want(in.BackupPlan) {
			s.BackupPlanID = pk.BackupPlanID
		}
		s.Disk = disk
		if want(in.PrimaryNetworkInboundSpeed) {
			s.NetworkIn = pk.NetworkIn
		}
		if want(in.PrimaryNetworkOutboundSpeed) {
			s.NetworkOut = pk.NetworkOut
		}
		s.PackageID, s.Updated = pk.ID, tx.Now
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Info []string `json:"info"`
	}{info})
}
