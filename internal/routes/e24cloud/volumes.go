package e24cloud

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// attach records that the volume is attached to a VM from now on.
func (v *Volume) attach(vmID string, now time.Time) {
	v.VMs = append(v.VMs, vmID)
	if v.AttachTimes == nil {
		v.AttachTimes = map[string]time.Time{}
	}
	v.AttachTimes[vmID] = now
	if v.AttachTime == nil || now.Before(*v.AttachTime) {
		t := now
		v.AttachTime = &t
	}
}

// detach records that the volume left a VM.
func (v *Volume) detach(vmID string) {
	v.VMs = without(v.VMs, vmID)
	delete(v.AttachTimes, vmID)
	v.AttachTime = nil
	for _, id := range v.VMs {
		if t := v.attachedAt(id); t != nil && (v.AttachTime == nil || t.Before(*v.AttachTime)) {
			v.AttachTime = t
		}
	}
}

// attachedAt is when the volume was attached to a VM, nil when it is not.
func (v *Volume) attachedAt(vmID string) *time.Time {
	if t, ok := v.AttachTimes[vmID]; ok {
		return &t
	}
	if slices.Contains(v.VMs, vmID) {
		return v.AttachTime
	}
	return nil
}

func loadVolume(tx *state.Tx, id string) (*Volume, error) {
	var v Volume
	if err := getRecord(tx, collVolumes, state.Key(id), &v, errVolumeNotFound); err != nil {
		return nil, err
	}
	return &v, nil
}

func saveVolume(tx *state.Tx, v *Volume) error { return putRecord(tx, collVolumes, state.Key(v.ID), v) }

// volumeVMView is a VM a volume is attached to.
type volumeVMView struct {
	ID         string  `json:"id"`
	Label      string  `json:"label"`
	AttachTime *string `json:"attach_time"`
}

// volumeBase is what every storage volume shows (the list of the documentation and the single
// volume e24py captured, together).
type volumeBase struct {
	ID          string     `json:"id"`
	Label       string     `json:"label"`
	Size        int        `json:"size"`
	CostPerHour float64    `json:"cost_per_hour"`
	Type        string     `json:"type"`
	SystemDisk  bool       `json:"system_disk"`
	SharedDisk  bool       `json:"shared_disk"`
	Owner       idName     `json:"owner"`
	Zone        idName     `json:"zone"`
	Task        []taskView `json:"task"`
	AttachTime  *string    `json:"attach_time"`
}

// dedicatedVolumeView is a volume that is not shared: its VM, or null.
type dedicatedVolumeView struct {
	volumeBase
	VM *volumeVMView `json:"virtual_machine"`
}

// sharedVolumeView is a shared volume: every VM it is attached to.
type sharedVolumeView struct {
	volumeBase
	VMs []volumeVMView `json:"virtual_machines"`
}

// volumeType is how the storage-volume and disk-image endpoints spell a type (HDD, SSD); the
// VM object's storage_volumes keep the lower case e24py captured.
func volumeType(t string) string { return strings.ToUpper(t) }

// attachedVMs lists the VMs a volume is attached to, as it shows them.
func attachedVMs(r *refs, v *Volume) []volumeVMView {
	out := []volumeVMView{}
	for _, id := range v.VMs {
		if vm := r.vm(id); vm != nil {
			out = append(out, volumeVMView{ID: vm.ID, Label: vm.Label, AttachTime: fmtTime(v.attachedAt(id))})
		}
	}
	return out
}

// volumeTasks are the tasks in progress that concern a volume: the install of the VM it is
// the system disk of, the deletion of a VM it is attached to, and a recovery point being
// taken of it.
func volumeTasks(r *refs, v *Volume) []taskView {
	out := []taskView{}
	if r.takingPoint(v.ID) {
		out = append(out, taskView{Action: actRecoveryPoint})
	}
	for _, id := range v.VMs {
		vm := r.vm(id)
		if vm != nil && (vm.Task == actDelete || (vm.Task == actInstall && v.SystemDisk)) {
			out = append(out, taskView{Action: vm.Task})
		}
	}
	return out
}

func (p *Provider) renderVolume(r *refs, v *Volume) (any, error) {
	zone, err := r.zone(v.ZoneID)
	if err != nil {
		return nil, err
	}
	base := volumeBase{ID: v.ID, Label: v.Label, Size: v.Size, CostPerHour: round(float64(v.Size)*p.volumePrice(v.Type), 5),
		Type: volumeType(v.Type), SystemDisk: v.SystemDisk, SharedDisk: v.Shared, Owner: r.owner(), Zone: zone,
		Task: volumeTasks(r, v), AttachTime: fmtTime(v.AttachTime)}
	vms := attachedVMs(r, v)
	if v.Shared {
		return sharedVolumeView{base, vms}, nil
	}
	out := dedicatedVolumeView{volumeBase: base}
	if len(vms) > 0 {
		out.VM = &vms[0]
	}
	return out, nil
}

func (p *Provider) listStorageVolumes(c echo.Context) error {
	out := []any{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		var vols []*Volume
		if err := each(tx, collVolumes, func(v *Volume) error { vols = append(vols, v); return nil }); err != nil {
			return err
		}
		byCreation(vols, func(v *Volume) uint64 { return v.Seq })
		for _, v := range vols {
			view, err := p.renderVolume(r, v)
			if err != nil {
				return err
			}
			out = append(out, view)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool  `json:"success"`
		Volumes []any `json:"storage_volumes"`
	}{true, out})
}

func (p *Provider) getStorageVolume(c echo.Context) error {
	var out any
	err := provider.World(c).View(func(tx *state.Tx) error {
		v, err := loadVolume(tx, c.Param("storage_volume_id"))
		if err != nil {
			return err
		}
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		out, err = p.renderVolume(r, v)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool `json:"success"`
		Volume  any  `json:"storage_volume"`
	}{true, out})
}

// volumeFields describe a new volume, flat or wrapped in create_storage_volume.
type volumeFields struct {
	Label         string `json:"label"`
	Size          int    `json:"size"`
	Type          string `json:"type"`
	ZoneID        string `json:"zone_id"`
	ComputeZoneID string `json:"compute_zone_id"`
	Shared        bool   `json:"shared_disk"`
}

type createVolumeInput struct {
	Wrapped *volumeFields `json:"create_storage_volume"`
	volumeFields
}

// fields are the wrapped fields when the body has them, else the flat ones, checked.
func (in *createVolumeInput) fields(p *Provider) (*volumeFields, error) {
	f := &in.volumeFields
	if in.Wrapped != nil {
		f = in.Wrapped
	}
	var msgs []string
	if f.ZoneID == "" {
		f.ZoneID = f.ComputeZoneID
	}
	if f.Size == 0 {
		msgs = append(msgs, "The size field is required.")
	} else if f.Size < 1 || f.Size > p.fx.Limits.VolumeGB {
		msgs = append(msgs, fmt.Sprintf("The size field must be between 1 and %d.", p.fx.Limits.VolumeGB))
	}
	if f.ZoneID == "" {
		msgs = append(msgs, "The zone_id field is required.")
	}
	f.Type = strings.ToLower(f.Type)
	if f.Type == "" {
		f.Type = "hdd"
	}
	if len(msgs) > 0 {
		return nil, apierr.Invalid(msgs...)
	}
	return f, nil
}

type idBody struct {
	ID string `json:"id"`
}

// createStorageVolume makes a free-standing volume at once.
func (p *Provider) createStorageVolume(c echo.Context) error {
	var in createVolumeInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	f, err := in.fields(p)
	if err != nil {
		return err
	}
	var id string
	err = provider.World(c).Update(func(tx *state.Tx) error {
		var z Zone
		if err := getRecord(tx, collZones, state.Key(f.ZoneID), &z, apierr.Invalid("The selected zone_id is invalid.")); err != nil {
			return err
		}
		seq, err := tx.Coll(Name, collVolumes).NextID()
		if err != nil {
			return err
		}
		id = p.Faker("volume", int64(seq)).UUID()
		v := &Volume{ID: id, Label: label(f.Label, "volume", id), Size: f.Size, Type: f.Type, Shared: f.Shared,
			ZoneID: z.ID, VMs: []string{}, Seq: seq, Created: tx.Now}
		return saveVolume(tx, v)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool   `json:"success"`
		Volume  idBody `json:"storage_volume"`
	}{true, idBody{id}})
}

type vmIDInput struct {
	VMID string `json:"virtual_machine_id"`
}

// attachStorageVolume attaches a volume to a VM of its zone: a dedicated volume to one VM, a
// shared one to several.
func (p *Provider) attachStorageVolume(c echo.Context) error {
	var in vmIDInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vol, err := loadVolume(tx, c.Param("storage_volume_id"))
		if err != nil {
			return err
		}
		vm, err := vmByID(tx, in.VMID)
		if err != nil {
			return err
		}
		if err := usableVM(vm, vol.ZoneID, "storage volume"); err != nil {
			return err
		}
		switch {
		case slices.Contains(vol.VMs, vm.ID):
			return apierr.Conflict("The storage volume is already attached to this virtual machine.")
		case vol.SystemDisk:
			return apierr.Conflict("A system disk stays with its own virtual machine.")
		case !vol.Shared && len(vol.VMs) > 0:
			return apierr.Conflict("The storage volume is attached to another virtual machine; detach it first.")
		}
		vol.attach(vm.ID, tx.Now)
		vm.Volumes = append(vm.Volumes, vol.ID)
		if err := saveVM(tx, vm); err != nil {
			return err
		}
		return saveVolume(tx, vol)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// detachStorageVolume detaches a volume from its VM (a shared one from the VM named in the
// body, or from all of them).
func (p *Provider) detachStorageVolume(c echo.Context) error {
	var in vmIDInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vol, err := loadVolume(tx, c.Param("storage_volume_id"))
		if err != nil {
			return err
		}
		from := slices.Clone(vol.VMs)
		if in.VMID != "" {
			vm, err := vmByID(tx, in.VMID)
			if err != nil {
				return err
			}
			if !slices.Contains(vol.VMs, vm.ID) {
				return apierr.Conflict("The storage volume is not attached to this virtual machine.")
			}
			from = []string{vm.ID}
		}
		switch {
		case len(from) == 0:
			return apierr.Conflict("The storage volume is not attached.")
		case vol.SystemDisk:
			return apierr.Conflict("The system disk cannot be detached from its virtual machine.")
		}
		for _, id := range from {
			vm, err := loadVM(tx, id)
			if err != nil {
				vol.detach(id) // a dangling reference: nothing to update on the VM's side
				continue
			}
			if vm.State == stateDeleting {
				return apierr.Conflict("Cannot detach from a virtual machine that is deleting.")
			}
			vm.Volumes = without(vm.Volumes, vol.ID)
			if err := saveVM(tx, vm); err != nil {
				return err
			}
			vol.detach(id)
		}
		return saveVolume(tx, vol)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// deleteStorageVolume deletes a volume that is attached to nothing. Disk images made from it
// stay.
func (p *Provider) deleteStorageVolume(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vol, err := loadVolume(tx, c.Param("storage_volume_id"))
		if err != nil {
			return err
		}
		switch {
		case vol.SystemDisk:
			return apierr.Conflict("The system disk cannot be deleted while its virtual machine exists.")
		case len(vol.VMs) > 0:
			return apierr.Conflict("The storage volume is attached; detach it first.")
		}
		if n, err := pendingPointsOf(tx, vol.ID); err != nil || n > 0 {
			if err != nil {
				return err
			}
			return apierr.Conflict("A recovery point of the storage volume is being taken.")
		}
		return tx.Coll(Name, collVolumes).Delete(state.Key(vol.ID))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}
