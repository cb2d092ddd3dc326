package openscaler

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Domain states a VM shows (libvirt's names).
const (
	stateNoState  = "nostate"  // being created, no domain yet
	stateRunning  = "running"  //
	stateShutdown = "shutdown" // the guest accepted a shutdown signal and is stopping
	stateShutoff  = "shutoff"  //
	stateCrashed  = "crashed"  // its creation failed
)

// VM is a virtual machine of a project.
type VM struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	UserID       string    `json:"userId"`
	ProjectID    string    `json:"projectId"`
	UUID         string    `json:"uuid"`
	Region       string    `json:"region"`
	Distro       string    `json:"distro"`
	Size         string    `json:"size"`
	VCPUs        int       `json:"vcpus"`
	MemoryMB     int       `json:"memoryMB"`
	StorageGB    int       `json:"storageGB"`
	TransferGB   int       `json:"transferGB"`
	PriceMonthly float64   `json:"priceMonthly"`
	VPCID        int64     `json:"vpcId"`
	PrivateIP    string    `json:"privateIp"`
	MAC          string    `json:"mac"`
	Forwards     []Forward `json:"forwards"` // public ports: 22, 80 and 443 from the start, then what the API adds
	Disks        []Disk    `json:"disks"`
	State        string    `json:"state"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`

	// What the VM was created with and never shows.
	Password   string   `json:"password,omitempty"`
	SSHKeys    []string `json:"sshKeys,omitempty"`
	CloudInit  string   `json:"cloudInit,omitempty"`
	SequenceID *int64   `json:"sequenceId,omitempty"`

	// Creating is true until the last creation step ran; Steps are the progress events so
	// far; Failed is why the creation failed, if it did.
	Creating bool       `json:"creating"`
	Steps    []Progress `json:"steps"`
	Failed   string     `json:"failed,omitempty"`
	// BootedAt is when the guest has finished booting; before that it ignores ACPI signals.
	BootedAt time.Time `json:"bootedAt"`
	// Busy names the action in progress ("" when none); Seq numbers actions so that a task
	// knows whether it is still the VM's current one.
	Busy string `json:"busy,omitempty"`
	// FailCreate makes the creation fail at the image step (a scenario's fault).
	FailCreate bool          `json:"failCreate,omitempty"`
	Seq        int64         `json:"seq"`
	Shutdown   *ShutdownWait `json:"shutdown,omitempty"`
	Deleting   bool          `json:"deleting"`
	// Console is the open recovery console, nil when none is; ConsoleSeq numbers the consoles
	// opened, so that an idle timeout knows whether its console is still the open one.
	Console    *Console `json:"console,omitempty"`
	ConsoleSeq int64    `json:"consoleSeq,omitempty"`
}

// Forward is a port of the region's shared public IP forwarded to a port of a VM or a load
// balancer.
type Forward struct {
	Port        int    `json:"port"`
	Internal    int    `json:"internal"`
	Description string `json:"description"`
}

// Console is an open recovery (VNC) console: a port of the region's console proxy.
type Console struct {
	Seq     int64     `json:"seq"`
	Address string    `json:"address"`
	Port    int       `json:"port"`
	Opened  time.Time `json:"opened"`
}

// Disk is a disk of a VM: the main disk (vda) and the attached ones (vdc, vdd, …; vdb is
// the cloud-init seed and is not shown).
type Disk struct {
	Main            bool   `json:"main"`
	CapacityBytes   int64  `json:"capacityBytes"`
	AllocationBytes int64  `json:"allocationBytes"`
	Path            string `json:"path"`
	Target          string `json:"target"`
}

// Progress is one progress event of a creation.
type Progress struct {
	Percentage int    `json:"percentage"`
	Message    string `json:"message"`
}

// ShutdownWait is a synchronous shutdown that a request waits on; Outcome is "" while it
// waits, then "stopped" or "timeout".
type ShutdownWait struct {
	Seq     int64  `json:"seq"`
	Outcome string `json:"outcome"`
}

// resources are what the VM takes from its region.
func (v *VM) resources() Resources {
	r := Resources{VCPUs: v.VCPUs, MemoryMB: v.MemoryMB}
	for _, d := range v.Disks {
		r.StorageGB += int(d.CapacityBytes >> 30)
	}
	return r
}

var vmRecords = provider.Records[VM]{Provider: Name, Coll: collVMs, NotFound: errVMNotFound}

func loadVM(tx *state.Tx, id int64) (*VM, error) { return vmRecords.Get(tx, id) }

// vmID reads the vm_id path value; a value that is not a positive integer names no VM.
func vmID(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

func saveVM(tx *state.Tx, v *VM) error {
	return tx.Coll(Name, collVMs).Put(state.ID(uint64(v.ID)), v)
}

// vmView is the VM object, keys in the documented order. State, Disks and Network are left
// out when ?only= does not ask for them.
type vmView struct {
	ID           int64        `json:"id"`
	Name         string       `json:"name"`
	UserID       string       `json:"user_id"`
	ProjectID    string       `json:"project_id"`
	UUID         string       `json:"uuid"`
	Region       string       `json:"region"`
	Description  string       `json:"description"`
	Distro       string       `json:"distro"`
	VCPUs        int          `json:"vcpus"`
	StorageGB    int          `json:"storageGB"`
	MemoryMB     int          `json:"memoryMB"`
	TransferGB   int          `json:"transferGB"`
	VPCID        int64        `json:"vpc_id"`
	CreatedAt    string       `json:"created_at"`
	UpdatedAt    string       `json:"updated_at"`
	Size         string       `json:"size"`
	NodeType     string       `json:"node_type"`
	State        *string      `json:"state,omitempty"`
	Disks        *[]diskView  `json:"disks,omitempty"`
	Network      *networkView `json:"network,omitempty"`
	PriceHourly  float64      `json:"price_hourly"`
	PriceMonthly float64      `json:"price_monthly"`
}

type diskView struct {
	IsMainDisk      bool   `json:"is_main_disk"`
	CapacityBytes   int64  `json:"capacityBytes"`
	AllocationBytes int64  `json:"allocationBytes"`
	Path            string `json:"path"`
	TargetDevice    string `json:"target_device"`
}

type networkView struct {
	ResourceType  string     `json:"resource_type"`
	MAC           string     `json:"mac"`
	PrivateIP     string     `json:"private_ip"`
	VPCSubnet     string     `json:"vpc_subnet"`
	VPCID         int64      `json:"vpc_id"`
	Region        string     `json:"region"`
	PublicIP      string     `json:"public_ip"`
	PublicIPPorts []portView `json:"public_ip_ports"`
}

type portView struct {
	Description  string `json:"description"`
	Port         int    `json:"port"`
	InternalPort int    `json:"internal_port"`
}

func portViews(fw []Forward) []portView {
	out := make([]portView, 0, len(fw))
	for _, f := range fw {
		out = append(out, portView{Description: f.Description, Port: f.Port, InternalPort: f.Internal})
	}
	return out
}

// forwarded are the internal ports every VM gets a public port for, in order.
var forwarded = []struct {
	port int
	name string
}{{22, "SSH"}, {80, "HTTP"}, {443, "HTTPS"}}

// parts are the optional parts of the VM object a request asks for.
type parts struct{ state, disks, network bool }

var allParts = parts{true, true, true}

// hourly is the hourly price shown on a VM: the monthly price over 28 days (12 → 0.01786, as
// the documented example has it; the size catalog divides by 720 instead).
func hourly(monthly float64) float64 {
	return math.Round(monthly/672*1e5) / 1e5
}

// renderVM is the VM object with the parts asked for.
func renderVM(tx *state.Tx, v *VM, want parts) (*vmView, error) {
	out := &vmView{
		ID: v.ID, Name: v.Name, UserID: v.UserID, ProjectID: v.ProjectID, UUID: v.UUID, Region: v.Region,
		Description: v.Description, Distro: v.Distro, VCPUs: v.VCPUs, StorageGB: v.StorageGB, MemoryMB: v.MemoryMB,
		TransferGB: v.TransferGB, VPCID: v.VPCID, CreatedAt: fmtTime(v.Created), UpdatedAt: fmtTime(v.Updated),
		Size: v.Size, NodeType: "VM", PriceHourly: hourly(v.PriceMonthly), PriceMonthly: v.PriceMonthly,
	}
	if want.state {
		s := v.State
		out.State = &s
	}
	if want.disks {
		disks := make([]diskView, 0, len(v.Disks))
		for _, d := range v.Disks {
			disks = append(disks, diskView{IsMainDisk: d.Main, CapacityBytes: d.CapacityBytes, AllocationBytes: d.AllocationBytes,
				Path: d.Path, TargetDevice: d.Target})
		}
		out.Disks = &disks
	}
	if want.network {
		vpc, err := loadVPC(tx, v.VPCID)
		if err != nil {
			return nil, fmt.Errorf("vm %d: %w", v.ID, err)
		}
		var r Region
		if err := tx.Coll(Name, collRegions).Get(state.Key(v.Region), &r); err != nil {
			return nil, fmt.Errorf("vm %d: region: %w", v.ID, err)
		}
		n := &networkView{ResourceType: "vm", MAC: v.MAC, PrivateIP: v.PrivateIP, VPCSubnet: vpc.Subnet, VPCID: v.VPCID,
			Region: v.Region, PublicIP: r.PublicIP}
		n.PublicIPPorts = portViews(v.Forwards)
		out.Network = n
	}
	return out, nil
}
