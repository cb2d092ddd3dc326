package vps

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// A VM's resources: CPU, memory and disks, as Proxmox' VM configuration has them. Growing a
// VM takes the difference from its node (refused, 422, when the node has not got it free);
// shrinking a disk is refused (Proxmox cannot); a server that is not a VM is 404 here.

type vmResources struct {
	CPU struct {
		Cores    int    `json:"cores"`
		Sockets  int    `json:"sockets"`
		CPULimit string `json:"cpulimit"`
		CPUUnits string `json:"cpuunits"`
		VCPUs    int    `json:"vcpus"`
	} `json:"cpu"`
	Disks  []vmDiskView `json:"disks"`
	Memory struct {
		Memory  int    `json:"memory"`
		Balloon string `json:"balloon"`
	} `json:"memory"`
}

type vmDiskView struct {
	Size string `json:"size"`
	Name string `json:"name"`
	ID   string `json:"id"`
}

func viewResources(tx *tenantos.Tx, s *tenantos.Server) *vmResources {
	vm := s.VM
	var pds []planDisk
	if p := planOf(tx, s); p != nil {
		pds = decodeConfig(p.Config).disks()
	}
	out := &vmResources{Disks: []vmDiskView{}}
	out.CPU.Cores, out.CPU.Sockets, out.CPU.CPULimit, out.CPU.CPUUnits = vm.Cores, max(1, vm.Sockets), vm.CPULimit, vm.CPUUnits
	out.CPU.VCPUs = vm.Cores * max(1, vm.Sockets)
	out.Memory.Memory, out.Memory.Balloon = vm.MemoryMB, vm.Balloon
	for i, d := range vm.Disks {
		format := "qcow2"
		if i < len(pds) {
			format = pds[i].Format
		}
		out.Disks = append(out.Disks, vmDiskView{Size: fmt.Sprint(d.SizeGB), ID: d.ID,
			Name: fmt.Sprintf("%s:%d/vm-%d-disk-%d.%s,discard=on,size=%dG", d.Storage, vm.VMID, vm.VMID, i, format, d.SizeGB)})
	}
	return out
}

// vmOf loads a VM the caller manages; a dedicated server is 404 here.
func vmOf(c echo.Context, tx *tenantos.Tx, id int64, change bool) (*tenantos.Server, error) {
	var s *tenantos.Server
	var err error
	if change {
		s, err = actionable(c, tx, id)
	} else {
		s, err = visibleServer(c, tx, id)
	}
	if err != nil {
		return nil, err
	}
	if !isVM(s) {
		return nil, errNotVM
	}
	return s, nil
}

// getVmResources shows a VM's CPU, disks and memory.
func (g *group) getVmResources(c echo.Context) error {
	var out *vmResources
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := vmOf(c, tx, provider.PathInt(c, "server_id"), false)
		if err != nil {
			return err
		}
		out = viewResources(tx, s)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateVmResources resizes a VM: the body is GET's shape (cpu{cores, sockets, cpulimit,
// cpuunits}, memory{memory, balloon}, disks[{id, size}], each part optional, numbers or
// numeric strings), or {"planId": id} to give the VM a plan's resources (a plan of the VM's
// provider; the VM's backup and snapshot settings follow the plan). It answers the new
// resources.
func (g *group) updateVmResources(c echo.Context) error {
	body := provider.Input(c).Body
	var out *vmResources
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := vmOf(c, tx, provider.PathInt(c, "server_id"), true)
		if err != nil {
			return err
		}
		vm := s.VM
		before := viewResources(tx, s)
		next := *vm
		next.Disks = append([]tenantos.VMDisk(nil), vm.Disks...)
		var pc config
		if v, ok := body["planId"]; ok && v != nil {
			if pc, err = applyPlan(tx, &next, v); err != nil {
				return err
			}
		} else {
			if err := applyBody(&next, body); err != nil {
				return err
			}
			if p := planOf(tx, s); p != nil {
				pc = decodeConfig(p.Config)
			} else {
				pc = config{}
			}
		}
		if err := g.resize(tx, vm, &next, body["planId"] != nil); err != nil {
			return err
		}
		*vm = next
		s.Hardware, s.Updated = vmHardware(pc, vm), tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		out = viewResources(tx, s)
		return logServer(c, tx, s, "Updated the VM's resources", changes(before, out))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// applyPlan gives next a plan's resources: its CPU, memory and disks (disks the plan does
// not have stay; disks it has more are added).
func applyPlan(tx *tenantos.Tx, next *tenantos.VM, v any) (config, error) {
	id, ok := num(v)
	if !ok {
		return nil, tenantos.Invalid("planId", "The plan id field must be an integer.")
	}
	plan, err := tenantos.VpsPlans.Get(tx, int64(id))
	if err != nil {
		return nil, tenantos.Invalid("planId", "The selected plan id is invalid.")
	}
	if plan.ProviderID != next.ProviderID {
		return nil, tenantos.Invalid("planId", "The selected plan id is invalid: the plan is for another provider.")
	}
	pc := decodeConfig(plan.Config)
	if err := checkResources(pc, "planId"); err != nil {
		return nil, err
	}
	next.PlanID = plan.ID
	next.Cores, next.Sockets, next.MemoryMB = pc.cores(), pc.sockets(), pc.memoryMB()
	next.CPUUnits, next.CPULimit, next.Balloon = pc.cpuUnits(), pc.cpuLimit(), balloonOf(pc)
	for i, d := range pc.disks() {
		if i < len(next.Disks) {
			if d.SizeGB < next.Disks[i].SizeGB {
				return nil, tenantos.Invalidf("planId", "Disks cannot be shrunk: %s has %d GB, the plan %d GB.", next.Disks[i].ID, next.Disks[i].SizeGB, d.SizeGB)
			}
			next.Disks[i].SizeGB = d.SizeGB
			continue
		}
		next.Disks = append(next.Disks, tenantos.VMDisk{ID: fmt.Sprintf("scsi%d", i), SizeGB: d.SizeGB, Storage: d.Storage})
	}
	return pc, nil
}

// applyBody writes the resources a body sends into next, checking each.
func applyBody(next *tenantos.VM, body map[string]any) error {
	if raw, ok := body["cpu"]; ok && raw != nil {
		cpu, ok := raw.(map[string]any)
		if !ok {
			return tenantos.Invalid("cpu", "The cpu field must be an array.")
		}
		if v, ok := cpu["cores"]; ok {
			n, isNum := num(v)
			if !isNum || n < 1 || n != float64(int(n)) {
				return tenantos.Invalid("cpu.cores", "The cpu.cores field must be an integer of at least 1.")
			}
			next.Cores = int(n)
		}
		if v, ok := cpu["sockets"]; ok {
			n, isNum := num(v)
			if !isNum || n < 1 || n > 4 || n != float64(int(n)) {
				return tenantos.Invalid("cpu.sockets", "The cpu.sockets field must be an integer between 1 and 4.")
			}
			next.Sockets = int(n)
		}
		if v, ok := cpu["cpulimit"]; ok {
			s := text(v)
			if n, isNum := num(s); s != "" && (!isNum || n < 0 || n > 128) {
				return tenantos.Invalid("cpu.cpulimit", "The cpu.cpulimit field must be between 0 and 128.")
			}
			if s == "" {
				s = "0"
			}
			next.CPULimit = s
		}
		if v, ok := cpu["cpuunits"]; ok {
			s := text(v)
			if n, isNum := num(s); s != "" && (!isNum || n < 1 || n > 262144) {
				return tenantos.Invalid("cpu.cpuunits", "The cpu.cpuunits field must be between 1 and 262144.")
			}
			next.CPUUnits = s
		}
	}
	if raw, ok := body["memory"]; ok && raw != nil {
		mem, ok := raw.(map[string]any)
		if !ok {
			return tenantos.Invalid("memory", "The memory field must be an array.")
		}
		if v, ok := mem["memory"]; ok {
			n, isNum := num(v)
			if !isNum || n < 16 || n != float64(int(n)) {
				return tenantos.Invalid("memory.memory", "The memory.memory field must be an integer of at least 16.")
			}
			next.MemoryMB = int(n)
		}
		if v, ok := mem["balloon"]; ok {
			next.Balloon = text(v)
		}
	}
	if n, isNum := num(next.Balloon); next.Balloon != "" && (!isNum || n < 0 || int(n) > next.MemoryMB) {
		return tenantos.Invalid("memory.balloon", "The memory.balloon field must be between 0 and the memory.")
	}
	if raw, ok := body["disks"]; ok && raw != nil {
		disks, ok := raw.([]any)
		if !ok {
			return tenantos.Invalid("disks", "The disks field must be an array.")
		}
		for i, e := range disks {
			d, _ := e.(map[string]any)
			field := fmt.Sprintf("disks.%d", i)
			if d == nil {
				return tenantos.Invalidf(field, "The %s field must be an array.", field)
			}
			id := text(d["id"])
			idx := -1
			for j := range next.Disks {
				if next.Disks[j].ID == id {
					idx = j
				}
			}
			if idx < 0 {
				return tenantos.Invalidf(field+".id", "The selected %s.id is invalid.", field)
			}
			if v, ok := d["size"]; ok {
				n, isNum := num(strings.TrimSuffix(strings.TrimSpace(text(v)), "G"))
				if !isNum || n != float64(int(n)) || n < 1 {
					return tenantos.Invalidf(field+".size", "The %s.size field must be a size in GB.", field)
				}
				if int(n) < next.Disks[idx].SizeGB {
					return tenantos.Invalidf(field+".size", "Disks cannot be shrunk: %s has %d GB.", id, next.Disks[idx].SizeGB)
				}
				next.Disks[idx].SizeGB = int(n)
			}
		}
	}
	return nil
}

// resize books the difference between a VM's resources and next on its node; growing
// beyond what the node has free is refused (fieldPlan: reported on planId).
func (g *group) resize(tx *tenantos.Tx, vm, next *tenantos.VM, fieldPlan bool) error {
	ep, err := tenantos.ExtProviders.Get(tx, vm.ProviderID)
	if err != nil {
		return err
	}
	n := nodeOf(ep, vm.Node)
	if n == nil {
		return tenantos.Invalidf("server", "The VM's node %s no longer exists.", vm.Node)
	}
	field := func(f string) string {
		if fieldPlan {
			return "planId"
		}
		return f
	}
	old, nw := vmNeed(vm), vmNeed(next)
	if nw.Cores > n.CPUCores {
		return tenantos.Invalidf(field("cpu.cores"), "The node %s has %d CPU cores; a VM cannot have %d vCPUs there.", n.Name, n.CPUCores, nw.Cores)
	}
	if d := nw.MemoryMB - old.MemoryMB; d > freeMemMB(n) {
		return tenantos.Invalidf(field("memory.memory"), "The node %s has %d MB of memory free; %d MB more are needed.", n.Name, freeMemMB(n), d)
	}
	for name, gb := range nw.Disks {
		st := storageOf(n, name)
		if d := gb - old.Disks[name]; d > 0 && (st == nil || d > st.TotalGB-st.UsedGB) {
			free := int64(0)
			if st != nil {
				free = st.TotalGB - st.UsedGB
			}
			return tenantos.Invalidf(field("disks"), "The storage %s of node %s has %d GB free; %d GB more are needed.", name, n.Name, free, d)
		}
	}
	take(n, old, 0, -1)
	take(n, nw, 0, 1)
	ep.Updated = tx.Now
	return tenantos.ExtProviders.Put(tx, ep.ID, ep)
}
