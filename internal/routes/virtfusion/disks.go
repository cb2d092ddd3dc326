package virtfusion

import (
	"fmt"
	"strings"
	"time"

	"github.com/panelsim/panelsim/internal/apierr"
)

// ExtraDisk is an additional storage disk (sdb, sdc) asked for at create time. It is
// created by the next power event (the build's boot, or a power action), as the panel's
// "Create HDD" pending action says.
type ExtraDisk struct {
	ID       int64     `json:"id"`
	Drive    string    `json:"drive"` // "b", "c"
	Capacity int       `json:"capacity"`
	Profile  int       `json:"profile"`
	Active   bool      `json:"active"`
	Created  time.Time `json:"created"`
}

// pendingDiskAction is the pending action that creates a disk.
func pendingDiskAction(drive string) string { return fmt.Sprintf("Create HDD (sd%s)", drive) }

// allocation is everything the server takes from its hypervisor: its resources and its
// additional disks.
func (s *Server) allocation() Resources {
	r := s.Resources
	for _, d := range s.ExtraDisks {
		r.Storage += d.Capacity
	}
	return r
}

// extraDisks reads the additionalStorage fields of a create request.
func (in *createServerInput) extraDisks() ([]ExtraDisk, error) {
	var out []ExtraDisk
	for i, spec := range []struct {
		enable   *bool
		capacity *int
		profile  *int
	}{
		{in.AdditionalStorage1Enable, in.AdditionalStorage1Capacity, in.AdditionalStorage1Profile},
		{in.AdditionalStorage2Enable, in.AdditionalStorage2Capacity, in.AdditionalStorage2Profile},
	} {
		if spec.enable == nil || !*spec.enable {
			continue
		}
		n := i + 1
		if spec.capacity == nil || *spec.capacity < 1 {
			return nil, apierr.Invalid(fmt.Sprintf("The additional storage%d capacity field is required when additional storage%d enable is true.", n, n))
		}
		out = append(out, ExtraDisk{Drive: string(rune('a' + n)), Capacity: *spec.capacity, Profile: orDefault(spec.profile, 0)})
	}
	return out, nil
}

// activateDisks marks the disks whose pending "Create HDD" action a power event consumed.
func (s *Server) activateDisks(consumed []PendingAction) {
	for _, a := range consumed {
		if !strings.HasPrefix(a.Action, "Create HDD") {
			continue
		}
		for i := range s.ExtraDisks {
			if a.Action == pendingDiskAction(s.ExtraDisks[i].Drive) {
				s.ExtraDisks[i].Active = true
			}
		}
	}
}

// viewExtraDisk is an additional disk in the server object's storage list.
func viewExtraDisk(s *Server, h *Hypervisor, d ExtraDisk, n int) diskView {
	v := viewDisk(s, h)
	v.MongoID, v.ID, v.Capacity, v.Drive, v.Primary, v.Profile = d.ID, int64(n), d.Capacity, d.Drive, false, d.Profile
	v.Status = 1
	if d.Active {
		v.Status = 3
	}
	v.Name = fmt.Sprintf("%s_%d", s.UUID, n)
	v.Filename = v.Name + ".img"
	v.Created, v.Updated = fmtTime(d.Created, tsOffset), fmtTime(d.Created, tsOffset)
	return v
}
