package e24cloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

type createVMInput struct {
	CreateVM struct {
		CPUs          int             `json:"cpus"`
		RAM           int             `json:"ram"`
		ComputeZoneID string          `json:"compute_zone_id"`
		ZoneID        string          `json:"zone_id"` // what clients send
		Name          string          `json:"name"`
		BootType      string          `json:"boot_type"`
		CDROM         string          `json:"cdrom"`
		OS            json.RawMessage `json:"os"` // a string id; some clients send a number
		Password      string          `json:"password"`
		KeyID         json.RawMessage `json:"key_id"` // documented as a string, sent as an int too
		UserData      string          `json:"user_data"`
	} `json:"create_vm"`
}

// rawID reads an id sent as a JSON string or number.
func rawID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// check validates what the schema cannot: limits, and what depends on boot_type.
func (in *createVMInput) check(p *Provider) error {
	v := &in.CreateVM
	var msgs []string
	if v.ComputeZoneID == "" {
		v.ComputeZoneID = v.ZoneID
	}
	if v.ComputeZoneID == "" {
		msgs = append(msgs, "The compute_zone_id field is required.")
	}
	if v.CPUs < 1 || v.CPUs > p.fx.Limits.CPUs {
		msgs = append(msgs, fmt.Sprintf("The cpus field must be between 1 and %d.", p.fx.Limits.CPUs))
	}
	if v.RAM < 256 || v.RAM > p.fx.Limits.RAMMB {
		msgs = append(msgs, fmt.Sprintf("The ram field must be between 256 and %d.", p.fx.Limits.RAMMB))
	}
	if v.BootType == "" {
		v.BootType = "image"
	}
	switch v.BootType {
	case "image":
		if rawID(v.OS) == "" {
			msgs = append(msgs, "The os field is required when boot_type is image.")
		}
	case "cdrom":
		if v.CDROM == "" {
			msgs = append(msgs, "The cdrom field is required when boot_type is cdrom.")
		}
	}
	if len(msgs) > 0 {
		return apierr.Invalid(msgs...)
	}
	return nil
}

func (p *Provider) createVM(c echo.Context) error {
	var in createVMInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if err := in.check(p); err != nil {
		return err
	}
	if os := bytes.TrimSpace(in.CreateVM.OS); len(os) > 0 && os[0] != '"' && rawID(os) != "" {
		msg := "e24cloud documents os as a string (the template id); panelsim read a number"
		if err := provider.Lenient(c, msg, apierr.Invalid("The os field must be a string.")); err != nil {
			return err
		}
	}
	var id string
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vm, err := p.newVM(tx, &in)
		if err != nil {
			return err
		}
		id = vm.ID
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool `json:"success"`
		VM      struct {
			ID string `json:"id"`
		} `json:"virtual_machine"`
	}{Success: true, VM: struct {
		ID string `json:"id"`
	}{id}})
}

// newVM stores a VM in state installing, with its system disk, and queues the install.
func (p *Provider) newVM(tx *state.Tx, in *createVMInput) (*VM, error) {
	v := &in.CreateVM
	var z Zone
	if err := getRecord(tx, collZones, state.Key(v.ComputeZoneID), &z, apierr.Invalid("The selected compute_zone_id is invalid.")); err != nil {
		return nil, err
	}
	if !hasFreeAddress(tx, &z) {
		return nil, errPoolExhausted // the install could not give it an address
	}
	seq, err := tx.Coll(Name, collVMs).NextID()
	if err != nil {
		return nil, err
	}
	f := p.Faker("vm", int64(seq))
	vm := &VM{ID: f.UUID(), Label: v.Name, Cores: v.CPUs, RAM: v.RAM, ZoneID: z.ID, BootType: v.BootType,
		State: stateInstalling, MAC: strings.ToUpper("52:54:00" + f.MacAddress()[8:]), Created: tx.Now,
		ConsolePort: 5900 + int(seq), ConsolePassword: provider.Credentials().Password(true, true, true, false, false, 12),
		IPs: []string{}, Volumes: []string{}, VLANs: []VLANPort{}, Task: actInstall, SystemID: f.UUID()}
	disk := 10
	if v.BootType == "image" {
		t, err := lookupOS(tx, rawID(v.OS))
		if err != nil {
			return nil, err
		}
		vm.TemplateID, vm.SystemName, disk = t.ID, t.Label, t.Disk
		if key := rawID(v.KeyID); key != "" && t.supports("sshkey") {
			n, err := strconv.ParseInt(key, 10, 64)
			var k SSHKey
			if err != nil || getRecord(tx, collSSHKeys, state.ID(uint64(n)), &k, errSSHKeyNotFound) != nil {
				return nil, apierr.Invalid("The selected key_id is invalid.")
			}
			vm.KeyID = n
		}
		if t.supports("cloudinit") {
			vm.UserData = v.UserData
		}
	} else {
		if !p.hasISO(v.CDROM) {
			return nil, apierr.Invalid("The selected cdrom is invalid.")
		}
		vm.ISO, vm.SystemName = v.CDROM, v.CDROM
	}
	volSeq, err := tx.Coll(Name, collVolumes).NextID()
	if err != nil {
		return nil, err
	}
	vol := &Volume{ID: f.UUID(), Label: v.Name + " system disk", Size: disk, Type: "ssd", SystemDisk: true, ZoneID: z.ID,
		VMs: []string{}, Seq: volSeq, Created: tx.Now}
	vol.attach(vm.ID, tx.Now)
	vm.Volumes = append(vm.Volumes, vol.ID)
	if err := putRecord(tx, collVolumes, state.Key(vol.ID), vol); err != nil {
		return nil, err
	}
	if err := p.queue(tx, vm, actInstall, p.fx.Timings.of(actInstall), ""); err != nil {
		return nil, err
	}
	return vm, saveVM(tx, vm)
}

func (p *Provider) hasISO(name string) bool {
	for _, iso := range p.fx.ISOs {
		if iso == name {
			return true
		}
	}
	return false
}

type vmsBody struct {
	Success bool      `json:"success"`
	VMs     []*vmView `json:"virtual_machines"`
}

func (p *Provider) listVMs(c echo.Context) error {
	out := []*vmView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		groups, err := groupsOf(tx)
		if err != nil {
			return err
		}
		return tx.Coll(Name, collVMs).ForEach(func(_, raw []byte) error {
			var vm VM
			if err := json.Unmarshal(raw, &vm); err != nil {
				return err
			}
			v, err := p.renderVM(tx, &vm, groups)
			out = append(out, v)
			return err
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, vmsBody{true, out})
}

type vmBody struct {
	Success bool    `json:"success"`
	VM      *vmView `json:"virtual_machine"`
}

func (p *Provider) getVM(c echo.Context) error {
	var v *vmView
	err := provider.World(c).View(func(tx *state.Tx) error {
		vm, err := loadVM(tx, c.Param("vm_id"))
		if err != nil {
			return err
		}
		groups, err := groupsOf(tx)
		if err != nil {
			return err
		}
		v, err = p.renderVM(tx, vm, groups)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, vmBody{true, v})
}

func (p *Provider) renameVM(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vm, err := loadVM(tx, c.Param("vm_id"))
		if err != nil {
			return err
		}
		if vm.State == stateDeleting {
			return errState(vm, "rename")
		}
		vm.Label = in.Name
		return saveVM(tx, vm)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// consoleVM hands out the VNC console of a running VM.
func (p *Provider) consoleVM(c echo.Context) error {
	var out struct {
		Console struct {
			Port     int    `json:"port"`
			Password string `json:"password"`
			Host     string `json:"host"`
		} `json:"console"`
	}
	err := provider.World(c).View(func(tx *state.Tx) error {
		vm, err := loadVM(tx, c.Param("vm_id"))
		if err != nil {
			return err
		}
		if vm.State != stateOnline {
			return errState(vm, "open a console")
		}
		var z Zone
		if err := getRecord(tx, collZones, state.Key(vm.ZoneID), &z, errZoneNotFound); err != nil {
			return err
		}
		out.Console.Port, out.Console.Password, out.Console.Host = vm.ConsolePort, vm.ConsolePassword, "vnc-"+z.Name+".e24cloud.com"
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

type deleteVMInput struct {
	DeleteResources int `json:"deleteResources"`
}

// deleteVM queues the deletion: the VM shows "deleting" until it is gone. deleteResources
// 1 deletes its extra volumes and addresses, 0 (the default) leaves them free-standing.
func (p *Provider) deleteVM(c echo.Context) error {
	var in deleteVMInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.DeleteResources != 0 && in.DeleteResources != 1 {
		return apierr.Invalid("The deleteResources field must be 0 or 1.")
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vm, err := loadVM(tx, c.Param("vm_id"))
		if err != nil {
			return err
		}
		if vm.State == stateDeleting {
			return errState(vm, "delete")
		}
		vm.DeleteResources = in.DeleteResources == 1
		vm.State = stateDeleting
		vm.powerOff(tx.Now)
		if err := p.queue(tx, vm, actDelete, p.fx.Timings.of(actDelete), ""); err != nil {
			return err
		}
		return saveVM(tx, vm)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// errState refuses an action the VM's state does not allow.
func errState(vm *VM, action string) error {
	if vm.Task != "" && vm.State != stateDeleting {
		return apierr.Conflict(fmt.Sprintf("A task (%s) is already in progress for the virtual machine.", vm.Task))
	}
	return apierr.Conflict(fmt.Sprintf("Cannot %s a virtual machine that is %s.", action, vm.State))
}
