package e24cloud

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Task kinds and the VM actions that run as tasks.
const (
	taskVM       = "vm"
	taskIP       = "ip"
	taskGroup    = "group"         // a member leaving a group
	taskRecovery = "recoveryPoint" // a recovery point being taken
	taskUser     = "account"       // a reseller's account being created

	actInstall  = "install"
	actPowerOn  = "poweron"
	actShutdown = "shutdown"
	actPowerOff = "poweroff"
	actReboot   = "reboot"
	actReset    = "reset"
	actResize   = "resize"
	actDelete   = "delete"
)

type vmTask struct {
	VMID   string `json:"vmId"`
	Action string `json:"action"`
	// Resize: the size to apply and the state to return to.
	Cores int    `json:"cores,omitempty"`
	RAM   int    `json:"ram,omitempty"`
	Back  string `json:"back,omitempty"`
}

// queue marks the VM busy with an action and enqueues its completion after d.
func (p *Provider) queue(tx *state.Tx, vm *VM, action string, d time.Duration, back string) error {
	vm.Task = action
	_, err := tx.Enqueue(Name, taskVM, tx.Now.Add(d), vmTask{VMID: vm.ID, Action: action, Back: back})
	return err
}

// powerActions: which state each action starts from.
var powerActions = map[string]string{
	actPowerOn:  stateOffline,
	actShutdown: stateOnline,
	actPowerOff: stateOnline,
	actReboot:   stateOnline,
	actReset:    stateOnline,
}

type waitForInput struct {
	WaitFor *int `json:"wait_for"` // minutes before an ACPI shutdown turns into a hard power-off
}

// powerAction handles shutdown, poweroff, poweron, reboot and reset: each is refused unless
// the VM is idle and in the state the action starts from, and completes as a task.
func (p *Provider) powerAction(action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in waitForInput
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		d := p.fx.Timings.of(action)
		if action == actShutdown {
			d = p.shutdownTime(in.WaitFor)
		}
		err := provider.World(c).Update(func(tx *state.Tx) error {
			vm, err := loadVM(tx, c.Param("vm_id"))
			if err != nil {
				return err
			}
			if vm.Task != "" || vm.State != powerActions[action] {
				return errState(vm, action)
			}
			if err := p.queue(tx, vm, action, d, ""); err != nil {
				return err
			}
			return saveVM(tx, vm)
		})
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, succeeded)
	}
}

// shutdownTime is how long an ACPI shutdown takes: the guest's own time, cut short by a hard
// power-off after wait_for minutes (default 4).
func (p *Provider) shutdownTime(waitFor *int) time.Duration {
	limit := 4 * time.Minute
	if waitFor != nil && *waitFor >= 0 {
		limit = time.Duration(*waitFor) * time.Minute
	}
	return min(p.fx.Timings.of(actShutdown), limit)
}

type resizeInput struct {
	Cores   int  `json:"cores"`
	RAM     int  `json:"ram"`
	WaitFor *int `json:"wait_for"`
}

// resizeVM changes cores and RAM: a running VM is shut down first (hard after wait_for
// minutes) and started again afterwards.
func (p *Provider) resizeVM(c echo.Context) error {
	var in resizeInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.Cores < 1 || in.Cores > p.fx.Limits.CPUs || in.RAM < 256 || in.RAM > p.fx.Limits.RAMMB {
		return apierr.Invalid("The cores and ram fields must be within the limits (1-16 cores, 256-32000 MB).")
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vm, err := loadVM(tx, c.Param("vm_id"))
		if err != nil {
			return err
		}
		if vm.Task != "" || (vm.State != stateOnline && vm.State != stateOffline) {
			return errState(vm, "resize")
		}
		d := p.fx.Timings.of(actResize)
		if vm.State == stateOnline {
			d += p.shutdownTime(in.WaitFor)
		}
		vm.Task = actResize
		if _, err := tx.Enqueue(Name, taskVM, tx.Now.Add(d), vmTask{VMID: vm.ID, Action: actResize, Cores: in.Cores, RAM: in.RAM, Back: vm.State}); err != nil {
			return err
		}
		return saveVM(tx, vm)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// runVMTask completes a VM action.
func (p *Provider) runVMTask(tx *state.Tx, task *state.Task) error {
	var t vmTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	vm, err := loadVM(tx, t.VMID)
	if err != nil {
		return nil // gone already
	}
	vm.Task = ""
	now := tx.Now
	switch t.Action {
	case actInstall:
		ip, err := newAddress(tx, vm.ZoneID, func(uint64) string { return p.Faker("vm-ip", task.Created.UnixNano()^int64(task.ID)).UUID() })
		if err != nil {
			return err
		}
		ip.VMID, ip.AttachTime = vm.ID, &now
		if err := putRecord(tx, collIPs, state.Key(ip.ID), ip); err != nil {
			return err
		}
		vm.PrimaryIP, vm.IPs = ip.ID, append([]string{ip.ID}, vm.IPs...)
		vm.State = stateOnline
		vm.powerOn(now)
	case actPowerOn:
		vm.State = stateOnline
		vm.powerOn(now)
	case actShutdown, actPowerOff:
		vm.State = stateOffline
		vm.powerOff(now)
	case actReboot, actReset:
		vm.powerOff(now)
		vm.powerOn(now)
	case actResize:
		vm.Cores, vm.RAM = t.Cores, t.RAM
		vm.powerOff(now)
		vm.State = t.Back
		if t.Back == stateOnline {
			vm.powerOn(now)
		}
	case actDelete:
		return p.destroyVM(tx, vm)
	}
	return saveVM(tx, vm)
}

// destroyVM removes a VM: its system disk goes with it; its other volumes and addresses are
// deleted (deleteResources 1) or left free-standing (0); it leaves its VLANs, VxLANs and
// groups.
func (p *Provider) destroyVM(tx *state.Tx, vm *VM) error {
	for _, id := range vm.Volumes {
		var vol Volume
		if err := getRecord(tx, collVolumes, state.Key(id), &vol, errVolumeNotFound); err != nil {
			continue
		}
		if vol.SystemDisk || (vm.DeleteResources && !vol.Shared) {
			if err := tx.Coll(Name, collVolumes).Delete(state.Key(id)); err != nil {
				return err
			}
			continue
		}
		vol.detach(vm.ID)
		if err := putRecord(tx, collVolumes, state.Key(id), &vol); err != nil {
			return err
		}
	}
	for _, id := range vm.IPs {
		var ip IPv4
		if err := getRecord(tx, collIPs, state.Key(id), &ip, errIPNotFound); err != nil {
			continue
		}
		if id == vm.PrimaryIP || vm.DeleteResources {
			if err := releaseAddress(tx, &ip); err != nil {
				return err
			}
			continue
		}
		ip.VMID, ip.AttachTime = "", nil
		if err := putRecord(tx, collIPs, state.Key(id), &ip); err != nil {
			return err
		}
	}
	for _, port := range vm.VLANs {
		var vl VLAN
		if err := getRecord(tx, collVLANs, state.ID(uint64(port.VLAN)), &vl, errVLANNotFound); err != nil {
			continue
		}
		vl.VMs = without(vl.VMs, vm.ID)
		if err := putRecord(tx, collVLANs, state.ID(uint64(vl.ID)), &vl); err != nil {
			return err
		}
	}
	for _, port := range vm.VXLANs {
		vx, err := loadVXLAN(tx, port.VXLAN)
		if err != nil {
			continue
		}
		vx.VMs = without(vx.VMs, vm.ID)
		if err := saveVXLAN(tx, vx); err != nil {
			return err
		}
	}
	if err := leaveGroups(tx, vm.ID); err != nil {
		return err
	}
	return tx.Coll(Name, collVMs).Delete(state.Key(vm.ID))
}

func without(ids []string, id string) []string {
	out := ids[:0:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

// ipTask is an address's detach, or its deletion (which detaches it first).
type ipTask struct {
	IPID   string `json:"ipId"`
	Delete bool   `json:"delete"`
}

// runIPTask completes an address's detach or deletion.
func (p *Provider) runIPTask(tx *state.Tx, task *state.Task) error {
	var t ipTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	var ip IPv4
	if err := getRecord(tx, collIPs, state.Key(t.IPID), &ip, errIPNotFound); err != nil {
		return nil
	}
	if ip.VMID != "" {
		if vm, err := loadVM(tx, ip.VMID); err == nil {
			vm.IPs = without(vm.IPs, ip.ID)
			if vm.PrimaryIP == ip.ID {
				vm.PrimaryIP = ""
				if len(vm.IPs) > 0 {
					vm.PrimaryIP = vm.IPs[0]
				}
			}
			if err := saveVM(tx, vm); err != nil {
				return err
			}
		}
	}
	if t.Delete {
		return releaseAddress(tx, &ip)
	}
	ip.VMID, ip.AttachTime, ip.Task = "", nil, ""
	return putRecord(tx, collIPs, state.Key(ip.ID), &ip)
}
