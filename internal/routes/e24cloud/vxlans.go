package e24cloud

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// VXLAN is a private network the account makes itself (VLANs come with the account). Its id
// is a UUID, where a VLAN's is an integer.
type VXLAN struct {
	ID      string    `json:"id"`
	Label   string    `json:"label"`
	ZoneID  string    `json:"zoneId"`
	VMs     []string  `json:"vms"`
	Seq     uint64    `json:"seq"` // creation order in the world
	Created time.Time `json:"created"`
}

// VXLANPort is a VM's interface on a VxLAN.
type VXLANPort struct {
	VXLAN string `json:"vxlan"`
	MAC   string `json:"mac"`
}

func loadVXLAN(tx *state.Tx, id string) (*VXLAN, error) {
	var vx VXLAN
	if err := getRecord(tx, collVXLANs, state.Key(id), &vx, errVXLANNotFound); err != nil {
		return nil, err
	}
	return &vx, nil
}

func saveVXLAN(tx *state.Tx, vx *VXLAN) error { return putRecord(tx, collVXLANs, state.Key(vx.ID), vx) }

type vxlanView struct {
	ID          string       `json:"id"`
	Label       string       `json:"label"`
	CostPerHour float64      `json:"cost_per_hour"`
	Owner       idName       `json:"owner"`
	Zone        idName       `json:"zone"`
	Task        []taskView   `json:"task"`
	VMs         []vlanVMView `json:"virtual_machines"`
}

func (p *Provider) renderVXLAN(r *refs, vx *VXLAN) (*vxlanView, error) {
	zone, err := r.zone(vx.ZoneID)
	if err != nil {
		return nil, err
	}
	v := &vxlanView{ID: vx.ID, Label: vx.Label, CostPerHour: p.fx.Prices.VXLAN, Owner: r.owner(), Zone: zone,
		Task: []taskView{}, VMs: []vlanVMView{}}
	for _, id := range vx.VMs {
		if vm := r.vm(id); vm != nil {
			v.VMs = append(v.VMs, vlanVMView{ID: vm.ID, Label: vm.Label, OwnerID: r.acct.ID})
		}
	}
	return v, nil
}

// listVXLANs lists the account's VxLANs, oldest first, with the VMs on each.
func (p *Provider) listVXLANs(c echo.Context) error {
	out := []*vxlanView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		var all []*VXLAN
		if err := each(tx, collVXLANs, func(vx *VXLAN) error { all = append(all, vx); return nil }); err != nil {
			return err
		}
		byCreation(all, func(vx *VXLAN) uint64 { return vx.Seq })
		for _, vx := range all {
			v, err := p.renderVXLAN(r, vx)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool         `json:"success"`
		VXLANs  []*vxlanView `json:"vxlans"`
	}{true, out})
}

type createVXLANInput struct {
	ZoneID string `json:"zone_id"`
	Label  string `json:"label"`
}

// createVXLAN makes a VxLAN in a zone, at once. The answer puts it in a one-element array
// under "vlan", as documented.
func (p *Provider) createVXLAN(c echo.Context) error {
	var in createVXLANInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.ZoneID) == "" {
		return apierr.Invalid("The zone_id field is required.")
	}
	var out *vxlanView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		var z Zone
		if err := getRecord(tx, collZones, state.Key(strings.TrimSpace(in.ZoneID)), &z, apierr.Invalid("The selected zone_id is invalid.")); err != nil {
			return err
		}
		seq, err := tx.Coll(Name, collVXLANs).NextID()
		if err != nil {
			return err
		}
		id := p.Faker("vxlan", int64(seq)).UUID()
		vx := &VXLAN{ID: id, Label: label(in.Label, "vxlan", id), ZoneID: z.ID, VMs: []string{}, Seq: seq, Created: tx.Now}
		if err := saveVXLAN(tx, vx); err != nil {
			return err
		}
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		out, err = p.renderVXLAN(r, vx)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool         `json:"success"`
		VLAN    []*vxlanView `json:"vlan"`
	}{true, []*vxlanView{out}})
}

// attachVXLAN puts a VM of the VxLAN's zone on it, with a MAC of its own, as on a VLAN.
func (p *Provider) attachVXLAN(c echo.Context) error {
	var in vmIDInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vx, err := loadVXLAN(tx, c.Param("vxlan_id"))
		if err != nil {
			return err
		}
		vm, err := vmByID(tx, in.VMID)
		if err != nil {
			return err
		}
		if err := usableVM(vm, vx.ZoneID, "VxLAN network"); err != nil {
			return err
		}
		if slices.Contains(vx.VMs, vm.ID) {
			return apierr.Conflict("The virtual machine is already attached to this VxLAN network.")
		}
		mac := strings.ToUpper("52:54:00" + p.Faker("vxlan-port:"+vm.ID+":"+vx.ID, 0).MacAddress()[8:])
		vm.VXLANs = append(vm.VXLANs, VXLANPort{VXLAN: vx.ID, MAC: mac})
		vx.VMs = append(vx.VMs, vm.ID)
		if err := saveVM(tx, vm); err != nil {
			return err
		}
		return saveVXLAN(tx, vx)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// detachVXLAN takes a VM off a VxLAN.
func (p *Provider) detachVXLAN(c echo.Context) error {
	var in vmIDInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vx, err := loadVXLAN(tx, c.Param("vxlan_id"))
		if err != nil {
			return err
		}
		vm, err := vmByID(tx, in.VMID)
		if err != nil {
			return err
		}
		if !slices.Contains(vx.VMs, vm.ID) {
			return apierr.Conflict("The virtual machine is not attached to this VxLAN network.")
		}
		if vm.State == stateDeleting {
			return apierr.Conflict("Cannot detach a virtual machine that is deleting.")
		}
		leaveVXLAN(vm, vx)
		if err := saveVM(tx, vm); err != nil {
			return err
		}
		return saveVXLAN(tx, vx)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// leaveVXLAN takes the VM off the VxLAN on both sides (the caller saves them).
func leaveVXLAN(vm *VM, vx *VXLAN) {
	vm.VXLANs = slices.DeleteFunc(vm.VXLANs, func(port VXLANPort) bool { return port.VXLAN == vx.ID })
	vx.VMs = without(vx.VMs, vm.ID)
}

// deleteVXLAN deletes a VxLAN at once; the VMs on it leave it. Refused (409) while one of
// them is being deleted (the deletion takes it off).
func (p *Provider) deleteVXLAN(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vx, err := loadVXLAN(tx, c.Param("vxlan_id"))
		if err != nil {
			return err
		}
		var vms []*VM
		for _, id := range vx.VMs {
			vm, err := loadVM(tx, id)
			if err != nil {
				continue
			}
			if vm.State == stateDeleting {
				return apierr.Conflict("A virtual machine on the VxLAN network is deleting.")
			}
			vms = append(vms, vm)
		}
		for _, vm := range vms {
			leaveVXLAN(vm, vx)
			if err := saveVM(tx, vm); err != nil {
				return err
			}
		}
		return tx.Coll(Name, collVXLANs).Delete(state.Key(vx.ID))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}
