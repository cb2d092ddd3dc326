package vps

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// jobProvision boots a new VM once Proxmox has made it (timings.vmCreate after the create).
const jobProvision = "vps.provision"

// vmFeatures are the power methods of a Proxmox VM.
var vmFeatures = []string{"getPowerStatus", "setPowerOff", "setPowerOn", "setPowerReset", "setPowerCycle", "setBootType"}

// createVM is tenantos.Hooks.CreateVM: it makes the VM of a new server from a VPS plan (with
// the overrideVpsResources applied) in the caller's transaction. It places the VM on a node
// (see placement.go) and books its memory, cores and disks there, gives it the next free VM
// id of the provider from the plan's startVmid, assigns it planconfig.ifaces' amount_ipv4
// free IPv4 addresses from their subnets, fills s as a Proxmox VM and queues its first boot.
// The caller stores s. A plan that does not exist, a plan no node has room for and subnets
// without enough free addresses are refused (422 vpsplan) and nothing is written. c may be
// nil (no request).
func (g *group) createVM(c echo.Context, tx *tenantos.Tx, s *tenantos.Server, planID int64, overrides map[string]any) error {
	plan, err := tenantos.VpsPlans.Get(tx, planID)
	if err != nil {
		return tenantos.Invalid("vpsplan", "The selected vpsplan is invalid.")
	}
	ep, err := tenantos.ExtProviders.Get(tx, plan.ProviderID)
	if err != nil {
		return tenantos.Invalidf("vpsplan", "The provider of the VPS plan %s no longer exists.", plan.Name)
	}
	pc := applyOverrides(decodeConfig(plan.Config), overrides)
	field := "vpsplan"
	if len(overrides) > 0 {
		field = "overrideVpsResources"
	}
	if err := checkResources(pc, field); err != nil {
		return err
	}
	bp, pinned, err := planPlacement(tx, plan, pc)
	if err != nil {
		return err
	}
	nd := needOf(pc)
	evals, best := place(ep, bp, nd, pinned)
	if best < 0 {
		return refusal(ep, plan.Name, evals)
	}
	node := &ep.Nodes[best]
	if pinned != "" {
		node = nodeOf(ep, pinned)
	}
	vmid, err := nextVMID(tx, ep.ID, pc.startVMID())
	if err != nil {
		return err
	}
	if err := assignPlanIPs(tx, s, pc); err != nil {
		return err
	}
	take(node, nd, 1, 1)
	ep.Updated = tx.Now
	if err := tenantos.ExtProviders.Put(tx, ep.ID, ep); err != nil {
		return err
	}
	vm := &tenantos.VM{PlanID: plan.ID, ProviderID: ep.ID, Node: node.Name, VMID: vmid, Sockets: pc.sockets(), Cores: pc.cores(),
		CPULimit: pc.cpuLimit(), CPUUnits: pc.cpuUnits(), MemoryMB: pc.memoryMB(), Balloon: balloonOf(pc),
		Backups: []tenantos.Backup{}, Snapshots: []tenantos.Snapshot{}}
	for i, d := range pc.disks() {
		vm.Disks = append(vm.Disks, tenantos.VMDisk{ID: fmt.Sprintf("scsi%d", i), SizeGB: d.SizeGB, Storage: d.Storage})
	}
	if s.ServerType == "" {
		s.ServerType = "vm"
	}
	s.TypeOfServer, s.PowerType, s.ConsoleType, s.ReinstallationProvider = "vm", "proxmox", "proxmox", "proxmox"
	s.SupportedFeatures = append([]string(nil), vmFeatures...)
	s.Power, s.PowerStatus = "offline", "offline"
	s.External = false
	s.VM = vm
	s.Hardware = vmHardware(pc, vm)
	_, err = tenantos.Schedule(tx, tenantos.Seconds(g.p.Fx.Timings.VMCreate), tenantos.Job{Op: jobProvision, ServerID: s.ID})
	return err
}

// balloonOf is the VM's balloon target: the plan's memory_min when ballooning is on and it
// is below the memory, "0" (ballooning off) otherwise.
func balloonOf(pc config) string {
	if pc.ballooning() && pc.memoryMinMB() > 0 && pc.memoryMinMB() < pc.memoryMB() {
		return fmt.Sprint(pc.memoryMinMB())
	}
	if pc.ballooning() {
		return ""
	}
	return "0"
}

// nextVMID is the lowest VM id from start that no VM of the provider has.
func nextVMID(tx *tenantos.Tx, providerID, start int64) (int64, error) {
	used := map[int64]bool{}
	err := tenantos.Servers.Each(tx, func(s *tenantos.Server) error {
		if s.VM != nil && s.VM.ProviderID == providerID {
			used[s.VM.VMID] = true
		}
		return nil
	})
	id := start
	for used[id] {
		id++
	}
	return id, err
}

// assignPlanIPs gives a new VM amount_ipv4 free IPv4 addresses of each interface's subnets,
// in subnet order then address order.
func assignPlanIPs(tx *tenantos.Tx, s *tenantos.Server, pc config) error {
	taken := map[int64]bool{}
	for _, f := range pc.ifaces() {
		want := f.AmountIPv4
		if want <= 0 {
			continue
		}
		var free []*tenantos.IP
		for _, sid := range f.Subnets {
			sub, err := tenantos.Subnets.Get(tx, sid)
			if err != nil || sub.Type != "v4" {
				continue
			}
			ips, err := tenantos.SubnetIPs(tx, sid)
			if err != nil {
				return err
			}
			for _, ip := range ips {
				if ip.ServerID == 0 && !ip.Reserved && !strings.Contains(ip.Address, "/") && !taken[ip.ID] {
					free = append(free, ip)
				}
			}
			if len(free) >= want {
				break
			}
		}
		if len(free) < want {
			return tenantos.Invalidf("vpsplan", "The subnets of the plan's interface %s have %d free IPv4 addresses, %d needed.", f.Key, len(free), want)
		}
		for _, ip := range free[:want] {
			taken[ip.ID] = true
			if err := tenantos.AssignIP(tx, s, ip, nil, tx.Now); err != nil {
				return err
			}
		}
	}
	return nil
}

// runProvision is the new VM's first boot: it is online.
func (g *group) runProvision(tx *state.Tx, j *tenantos.Job) error {
	s, err := tenantos.Servers.Get(tx, j.ServerID)
	if err != nil || s.VM == nil {
		return nil // destroyed meanwhile
	}
	s.Power, s.PowerStatus, s.Updated = "online", "online", tx.Now
	return tenantos.Servers.Put(tx, s.ID, s)
}

// destroyVM is tenantos.Hooks.DestroyVM: the VM leaves its node, which gets back the memory,
// cores and disk space the VM had; the VM's running backup and snapshot tasks fail. The
// caller releases the IPs and deletes the server.
func (g *group) destroyVM(c echo.Context, tx *tenantos.Tx, s *tenantos.Server) error {
	if s.VM == nil {
		return nil
	}
	if ep, err := tenantos.ExtProviders.Get(tx, s.VM.ProviderID); err == nil {
		if n := nodeOf(ep, s.VM.Node); n != nil {
			take(n, vmNeed(s.VM), 1, -1)
			ep.Updated = tx.Now
			if err := tenantos.ExtProviders.Put(tx, ep.ID, ep); err != nil {
				return err
			}
		}
	}
	if err := failActive(tx, s.ID, "The virtual server was deleted."); err != nil {
		return err
	}
	s.VM.Deleting = true
	return tx.Index(tenantos.Name, idxCurrentSnapshot).Delete(state.ID(uint64(s.ID)))
}

// vmHardware is a VM's detailedHardwareInformation, as the panel's auto inventory reads it
// from Proxmox.
func vmHardware(pc config, vm *tenantos.VM) json.RawMessage {
	machine := text(pc.get("machine"))
	if machine == "" {
		machine = "pc-i440fx"
	}
	cpuType := text(pc.get("cpu_type"))
	if cpuType == "" {
		cpuType = "kvm64"
	}
	type part struct {
		Model string `json:"model"`
		Size  string `json:"size"`
	}
	disks, total := []part{}, 0
	for _, d := range vm.Disks {
		disks = append(disks, part{Model: "QEMU HARDDISK", Size: fmt.Sprint(d.SizeGB * 1024)})
		total += d.SizeGB * 1024
	}
	hw := map[string]any{
		"mainboard": map[string]any{"model": "Standard PC (" + machine + ")", "value": machine, "count": 1, "valueType": "text",
			"details": []part{{Model: "Standard PC (" + machine + ")", Size: machine}}},
		"memory": map[string]any{"model": "QEMU", "value": vm.MemoryMB, "count": 1, "valueType": "mb",
			"details": []part{{Model: "QEMU", Size: fmt.Sprint(vm.MemoryMB)}}},
		"cpu": map[string]any{"model": "QEMU Virtual CPU (" + cpuType + ")", "value": "0", "count": max(1, vm.Sockets), "valueType": "MHz",
			"cores": fmt.Sprint(vm.Cores), "threads": fmt.Sprint(vm.Cores)},
		"disk": map[string]any{"model": "QEMU HARDDISK", "value": total, "count": len(vm.Disks), "valueType": "mb", "details": disks},
	}
	raw, _ := json.Marshal(hw)
	return raw
}
