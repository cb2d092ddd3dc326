package e24cloud

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

func loadVLAN(tx *state.Tx, id int64) (*VLAN, error) {
	var vl VLAN
	if err := getRecord(tx, collVLANs, state.ID(uint64(id)), &vl, errVLANNotFound); err != nil {
		return nil, err
	}
	return &vl, nil
}

func saveVLAN(tx *state.Tx, vl *VLAN) error {
	return putRecord(tx, collVLANs, state.ID(uint64(vl.ID)), vl)
}

type vlanVMView struct {
	ID      string `json:"id"`
	Label   string `json:"label"`
	OwnerID string `json:"owner_id"`
}

type vlanView struct {
	ID          int64        `json:"id"`
	Label       string       `json:"label"`
	CostPerHour float64      `json:"cost_per_hour"`
	Owner       idName       `json:"owner"`
	Zone        idName       `json:"zone"`
	Task        []taskView   `json:"task"`
	VMs         []vlanVMView `json:"virtual_machines"`
}

// listVLANs lists the account's VLAN networks (from the fixtures) with the VMs on each.
// Attaching and detaching are immediate, so task is always empty.
func (p *Provider) listVLANs(c echo.Context) error {
	out := []vlanView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		return each(tx, collVLANs, func(vl *VLAN) error {
			zone, err := r.zone(vl.ZoneID)
			if err != nil {
				return err
			}
			v := vlanView{ID: vl.ID, Label: vl.Label, CostPerHour: p.fx.Prices.VLAN, Owner: r.owner(), Zone: zone,
				Task: []taskView{}, VMs: []vlanVMView{}}
			for _, id := range vl.VMs {
				if vm := r.vm(id); vm != nil {
					v.VMs = append(v.VMs, vlanVMView{ID: vm.ID, Label: vm.Label, OwnerID: r.acct.ID})
				}
			}
			out = append(out, v)
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool       `json:"success"`
		VLANs   []vlanView `json:"vlans"`
	}{true, out})
}

// attachVLAN puts a VM of the VLAN's zone on it: the VM gets an interface with a MAC of its
// own, listed in its networks.
func (p *Provider) attachVLAN(c echo.Context) error {
	var in vmIDInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vl, err := loadVLAN(tx, provider.PathInt(c, "vlan_id"))
		if err != nil {
			return err
		}
		vm, err := vmByID(tx, in.VMID)
		if err != nil {
			return err
		}
		if err := usableVM(vm, vl.ZoneID, "VLAN network"); err != nil {
			return err
		}
		if slices.Contains(vl.VMs, vm.ID) {
			return apierr.Conflict("The virtual machine is already attached to this VLAN network.")
		}
		mac := strings.ToUpper("52:54:00" + p.Faker("vlan-port:"+vm.ID, vl.ID).MacAddress()[8:])
		vm.VLANs = append(vm.VLANs, VLANPort{VLAN: vl.ID, MAC: mac})
		vl.VMs = append(vl.VMs, vm.ID)
		if err := saveVM(tx, vm); err != nil {
			return err
		}
		return saveVLAN(tx, vl)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// detachVLAN takes a VM off a VLAN.
func (p *Provider) detachVLAN(c echo.Context) error {
	var in vmIDInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vl, err := loadVLAN(tx, provider.PathInt(c, "vlan_id"))
		if err != nil {
			return err
		}
		vm, err := vmByID(tx, in.VMID)
		if err != nil {
			return err
		}
		if !slices.Contains(vl.VMs, vm.ID) {
			return apierr.Conflict("The virtual machine is not attached to this VLAN network.")
		}
		if vm.State == stateDeleting {
			return apierr.Conflict("Cannot detach a virtual machine that is deleting.")
		}
		vm.VLANs = slices.DeleteFunc(vm.VLANs, func(port VLANPort) bool { return port.VLAN == vl.ID })
		vl.VMs = without(vl.VMs, vm.ID)
		if err := saveVM(tx, vm); err != nil {
			return err
		}
		return saveVLAN(tx, vl)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}
