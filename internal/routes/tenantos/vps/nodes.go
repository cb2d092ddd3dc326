package vps

import (
	"math"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// What a node has and what its VMs take of it. The provider record keeps, per node, the
// memory, cores and disk space taken (the fixtures' base load plus the VMs the panel made)
// and the VM count; creating, resizing and destroying VMs moves them.

// freeMemMB is the node's memory not taken.
func freeMemMB(n *tenantos.Node) int64 { return max(0, n.MemoryMB-n.UsedMemMB) }

// cpuUtil is the node's CPU load (0..1): the fixtures' base load, plus a quarter of a core's
// worth for every core its VMs were given (VMs idle most of the time).
func cpuUtil(n *tenantos.Node) float64 {
	u := n.CPUUtil
	if n.CPUCores > 0 {
		u += 0.25 * float64(n.UsedCores) / float64(n.CPUCores)
	}
	return math.Min(1, math.Max(0, u))
}

// storageOf finds a storage of a node by name.
func storageOf(n *tenantos.Node, name string) *tenantos.Storage {
	for i := range n.Storages {
		if n.Storages[i].Name == name {
			return &n.Storages[i]
		}
	}
	return nil
}

// nodeOf finds a node of a provider by name.
func nodeOf(ep *tenantos.ExternalProvider, name string) *tenantos.Node {
	for i := range ep.Nodes {
		if ep.Nodes[i].Name == name {
			return &ep.Nodes[i]
		}
	}
	return nil
}

// take books what a VM takes on a node (sign -1 gives it back). Nothing goes below zero.
func take(n *tenantos.Node, nd need, vms, sign int) {
	n.UsedMemMB = max(0, n.UsedMemMB+int64(sign)*nd.MemoryMB)
	n.UsedCores = max(0, n.UsedCores+sign*nd.Cores)
	n.VMs = max(0, n.VMs+sign*vms)
	for name, gb := range nd.Disks {
		if st := storageOf(n, name); st != nil {
			st.UsedGB = max(0, st.UsedGB+int64(sign)*gb)
		}
	}
}

// vmNeed is what a VM takes now (its current resources).
func vmNeed(vm *tenantos.VM) need {
	nd := need{MemoryMB: int64(vm.MemoryMB), Cores: vm.Cores * max(1, vm.Sockets), Disks: map[string]int64{}}
	for _, d := range vm.Disks {
		nd.Disks[d.Storage] += int64(d.SizeGB)
	}
	return nd
}

// vmsOn lists the ids of the servers that are VMs on a provider (on one node when node is
// not ""), in id order.
func vmsOn(tx *tenantos.Tx, providerID int64, node string) ([]int64, error) {
	ids := []int64{}
	err := tenantos.Servers.Each(tx, func(s *tenantos.Server) error {
		if s.VM != nil && s.VM.ProviderID == providerID && (node == "" || s.VM.Node == node) {
			ids = append(ids, s.ID)
		}
		return nil
	})
	return ids, err
}

const (
	gib = int64(1) << 30
	mib = int64(1) << 20
)

// nodeResources is getExternalProvider's nodeResources entry of a node (bytes, as Proxmox
// reports them).
type nodeResources struct {
	CPUCores           int     `json:"cpuCores"`
	CPUUtil            float64 `json:"cpuUtil"`
	MaxMem             int64   `json:"maxMem"`
	UsedMem            int64   `json:"usedMem"`
	FreeMem            int64   `json:"freeMem"`
	MemUsagePercentage float64 `json:"memUsagePercentage"`
	Uptime             int64   `json:"uptime"`
	Status             string  `json:"status"`
}

func viewNodeResources(n *tenantos.Node, now time.Time) nodeResources {
	used := min(n.UsedMemMB, n.MemoryMB)
	pct := 0.0
	if n.MemoryMB > 0 {
		pct = float64(used) / float64(n.MemoryMB) * 100
	}
	up := int64(0)
	if n.Status == "online" && now.After(n.UptimeFrom) {
		up = int64(now.Sub(n.UptimeFrom) / time.Second)
	}
	return nodeResources{CPUCores: n.CPUCores, CPUUtil: round(cpuUtil(n), 6), MaxMem: n.MemoryMB * mib, UsedMem: used * mib,
		FreeMem: freeMemMB(n) * mib, MemUsagePercentage: round(pct, 6), Uptime: up, Status: n.Status}
}

// storageView is a storage of a node as Proxmox lists it.
type storageView struct {
	Storage      string   `json:"storage"`
	Type         string   `json:"type"`
	Content      []string `json:"content"`
	Shared       int      `json:"shared"`
	Enabled      int      `json:"enabled"`
	Active       int      `json:"active"`
	Total        int64    `json:"total"`
	Used         int64    `json:"used"`
	Avail        int64    `json:"avail"`
	UsedFraction float64  `json:"used_fraction"`
	BackendID    string   `json:"backendId"`
}

func viewStorage(s *tenantos.Storage) storageView {
	used := min(s.UsedGB, s.TotalGB)
	frac := 0.0
	if s.TotalGB > 0 {
		frac = float64(used) / float64(s.TotalGB)
	}
	return storageView{Storage: s.Name, Type: s.Type, Content: tenantos.List(s.Content), Shared: tenantos.Flag(s.Shared), Enabled: 1,
		Active: 1, Total: s.TotalGB * gib, Used: used * gib, Avail: (s.TotalGB - used) * gib, UsedFraction: round(frac, 12), BackendID: s.Name}
}

// networkView is a bridge of a node as Proxmox lists it.
type networkView struct {
	Iface       string   `json:"iface"`
	Type        string   `json:"type"`
	Active      int      `json:"active"`
	Autostart   int      `json:"autostart"`
	Families    []string `json:"families"`
	Method      string   `json:"method"`
	Method6     string   `json:"method6"`
	BridgePorts string   `json:"bridge_ports"`
	BridgeStp   string   `json:"bridge_stp"`
	BridgeFd    string   `json:"bridge_fd"`
	Priority    int      `json:"priority"`
	BackendID   string   `json:"backendId"`
}

func viewNetworks(n *tenantos.Node) []networkView {
	out := []networkView{}
	for i, b := range n.Bridges {
		out = append(out, networkView{Iface: b, Type: "bridge", Active: 1, Autostart: 1, Families: []string{"inet"}, Method: "manual",
			Method6: "manual", BridgePorts: "", BridgeStp: "off", BridgeFd: "0", Priority: i + 3, BackendID: b})
	}
	return out
}

func round(f float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(f*p) / p
}
