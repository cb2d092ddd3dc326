package e24cloud

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// RecoveryPoint is a restore point of a storage volume. Taking one is a task: until it has
// run the point is Pending, listed nowhere, and its volume shows the task.
type RecoveryPoint struct {
	ID       string    `json:"id"`
	Label    string    `json:"label"`
	Size     int       `json:"size"`
	VolumeID string    `json:"volumeId"`
	Pending  bool      `json:"pending"`
	Seq      uint64    `json:"seq"` // creation order in the world
	Created  time.Time `json:"created"`
}

// actRecoveryPoint is the task a volume shows while a recovery point of it is taken.
const actRecoveryPoint = "recovery_point"

func loadRecoveryPoint(tx *state.Tx, id string) (*RecoveryPoint, error) {
	var rp RecoveryPoint
	if err := getRecord(tx, collRecovery, state.Key(id), &rp, errRecoveryNotFound); err != nil {
		return nil, err
	}
	return &rp, nil
}

// pendingPointsOf is how many points of a volume are being taken.
func pendingPointsOf(tx *state.Tx, volumeID string) (int, error) {
	n := 0
	err := each(tx, collRecovery, func(rp *RecoveryPoint) error {
		if rp.Pending && rp.VolumeID == volumeID {
			n++
		}
		return nil
	})
	return n, err
}

// recoveryVolumeBase is the volume a point was taken of, as the point shows it: its size is a
// string there, as the recovery-points page quotes it.
type recoveryVolumeBase struct {
	ID         string `json:"id"`
	Size       string `json:"size"`
	Label      string `json:"label"`
	Type       string `json:"type"`
	SystemDisk bool   `json:"system_disk"`
	SharedDisk bool   `json:"shared_disk"`
}

type recoveryDedicatedVolume struct {
	recoveryVolumeBase
	VM *volumeVMView `json:"virtual_machine"`
}

type recoverySharedVolume struct {
	recoveryVolumeBase
	VMs []volumeVMView `json:"virtual_machines"`
}

type recoveryPointView struct {
	ID            string  `json:"id"`
	Label         string  `json:"label"`
	Size          int     `json:"size"`
	CostPerHour   float64 `json:"cost_per_hour"`
	Owner         idName  `json:"owner"`
	StorageVolume any     `json:"storage_volume"` // null once the volume is deleted
}

func (p *Provider) renderRecoveryPoint(r *refs, rp *RecoveryPoint) *recoveryPointView {
	out := &recoveryPointView{ID: rp.ID, Label: rp.Label, Size: rp.Size,
		CostPerHour: round(float64(rp.Size)*p.fx.Prices.RecoveryPointGB, 5), Owner: r.owner()}
	vol, err := loadVolume(r.tx, rp.VolumeID)
	if err != nil {
		return out
	}
	base := recoveryVolumeBase{ID: vol.ID, Size: strconv.Itoa(vol.Size), Label: vol.Label, Type: volumeType(vol.Type),
		SystemDisk: vol.SystemDisk, SharedDisk: vol.Shared}
	vms := attachedVMs(r, vol)
	if vol.Shared {
		out.StorageVolume = recoverySharedVolume{base, vms}
		return out
	}
	v := recoveryDedicatedVolume{recoveryVolumeBase: base}
	if len(vms) > 0 {
		v.VM = &vms[0]
	}
	out.StorageVolume = v
	return out
}

// listRecoveryPoints lists the points taken, oldest first (not those still being taken).
func (p *Provider) listRecoveryPoints(c echo.Context) error {
	out := []*recoveryPointView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		var all []*RecoveryPoint
		err = each(tx, collRecovery, func(rp *RecoveryPoint) error {
			if !rp.Pending {
				all = append(all, rp)
			}
			return nil
		})
		byCreation(all, func(rp *RecoveryPoint) uint64 { return rp.Seq })
		for _, rp := range all {
			out = append(out, p.renderRecoveryPoint(r, rp))
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool                 `json:"success"`
		Points  []*recoveryPointView `json:"recovery_points"`
	}{true, out})
}

// createRecoveryPoint adds a task that takes a recovery point of a volume: the id comes back
// at once; the point is listed once the task has run (timings.recoveryPoint seconds), and
// until then the volume shows {"action":"recovery_point"} in its task.
func (p *Provider) createRecoveryPoint(c echo.Context) error {
	var in createImageInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var id string
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vol, err := loadVolume(tx, in.VolumeID)
		if err != nil {
			return apierr.Invalid("The selected storage_volume_id is invalid.")
		}
		for _, vmID := range vol.VMs {
			if vm, err := loadVM(tx, vmID); err == nil && (vm.State == stateInstalling || vm.State == stateDeleting) {
				return apierr.Conflict("Cannot take a recovery point of a volume whose virtual machine is " + vm.State + ".")
			}
		}
		if n, err := pendingPointsOf(tx, vol.ID); err != nil || n > 0 {
			if err != nil {
				return err
			}
			return apierr.Conflict("A recovery point of this storage volume is already being taken.")
		}
		seq, err := tx.Coll(Name, collRecovery).NextID()
		if err != nil {
			return err
		}
		id = p.Faker("recovery-point", int64(seq)).UUID()
		rp := &RecoveryPoint{ID: id, Label: label(in.Label, "recovery", id), Size: vol.Size, VolumeID: vol.ID, Pending: true, Seq: seq, Created: tx.Now}
		if err := putRecord(tx, collRecovery, state.Key(id), rp); err != nil {
			return err
		}
		d := time.Duration(p.fx.Timings.RecoveryPoint) * time.Second
		_, err = tx.Enqueue(Name, taskRecovery, tx.Now.Add(d), recoveryTask{ID: id})
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool   `json:"success"`
		Point   idBody `json:"recovery_point"`
	}{true, idBody{id}})
}

type recoveryTask struct {
	ID string `json:"id"`
}

// runRecoveryTask completes a recovery point: it is listed from now on (with storage_volume
// null if the volume went meanwhile, with its VM).
func (p *Provider) runRecoveryTask(tx *state.Tx, task *state.Task) error {
	var t recoveryTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	rp, err := loadRecoveryPoint(tx, t.ID)
	if err != nil {
		return nil
	}
	rp.Pending = false
	return putRecord(tx, collRecovery, state.Key(rp.ID), rp)
}

// deleteRecoveryPoint deletes a point at once; one still being taken gives 409.
func (p *Provider) deleteRecoveryPoint(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		rp, err := loadRecoveryPoint(tx, c.Param("recovery_point_id"))
		if err != nil {
			return err
		}
		if rp.Pending {
			return apierr.Conflict("The recovery point is still being taken.")
		}
		return tx.Coll(Name, collRecovery).Delete(state.Key(rp.ID))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}
