package e24cloud

import (
	"math"
	"time"

	"github.com/panelsim/panelsim/internal/state"
)

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// vmView is a virtual machine as GET /v2/virtual-machines shows it.
type vmView struct {
	ID              string          `json:"id"`
	Label           string          `json:"label"`
	Cores           int             `json:"cores"`
	RAM             int             `json:"ram"`
	Adm             bool            `json:"adm"`
	System          idName          `json:"system"`
	SystemName      string          `json:"systemName"`
	CostPerHour     float64         `json:"cost_per_hour"`
	State           string          `json:"state"`
	TransferUsed    float64         `json:"transfer_used"`
	Owner           idName          `json:"owner"`
	PublicInterface publicInterface `json:"public_interface"`
	StorageVolumes  []vmVolumeView  `json:"storage_volumes"`
	Zone            idName          `json:"zone"`
	Networks        []vmNetworkView `json:"networks"`
	Groups          []idName        `json:"groups"`
	Autoscaler      struct {
		Active bool `json:"active"`
	} `json:"autoscaler"`
}

type publicInterface struct {
	PrimaryIP string     `json:"primary_ip_ipv4address"`
	MAC       string     `json:"mac_address"`
	IPv4      []vmIPView `json:"ipv4_addresses"`
}

type vmIPView struct {
	ID         string  `json:"id"`
	Address    string  `json:"ipv4_address"`
	AttachTime *string `json:"attach_time"`
	DHCP       bool    `json:"dhcp"`
}

type vmVolumeView struct {
	ID         string  `json:"id"`
	Size       int     `json:"size"`
	SystemDisk bool    `json:"system_disk"`
	Type       string  `json:"type"`
	AttachTime *string `json:"attach_time"`
}

// vmNetworkView is a VLAN (integer id) or VxLAN (UUID) the VM is on.
type vmNetworkView struct {
	ID    any    `json:"id"`
	Label string `json:"label"`
	MAC   string `json:"mac_address"`
	Type  string `json:"type"`
}

// transferPerHour is how much traffic a running VM uses, in GB an hour.
const transferPerHour = 0.05

func round(f float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(f*p) / p
}

// renderVM builds a VM's view from the VM and what is attached to it; groups are the groups
// of every VM (groupsOf).
func (p *Provider) renderVM(tx *state.Tx, vm *VM, groups map[string][]idName) (*vmView, error) {
	acct, err := loadAccount(tx)
	if err != nil {
		return nil, err
	}
	var z Zone
	if err := getRecord(tx, collZones, state.Key(vm.ZoneID), &z, errZoneNotFound); err != nil {
		return nil, err
	}
	v := &vmView{ID: vm.ID, Label: vm.Label, Cores: vm.Cores, RAM: vm.RAM, Adm: true,
		System: idName{ID: vm.SystemID, Name: vm.SystemName}, SystemName: vm.SystemName, State: vm.State,
		Owner: idName{ID: acct.ID, Name: acct.Name}, Zone: idName{ID: z.ID, Name: z.Label},
		StorageVolumes: []vmVolumeView{}, Networks: []vmNetworkView{}, Groups: []idName{},
		PublicInterface: publicInterface{MAC: vm.MAC, IPv4: []vmIPView{}}}
	cost := float64(vm.Cores)*p.fx.Prices.Core + float64(vm.RAM)/1024*p.fx.Prices.RAMGB
	for _, id := range vm.IPs {
		var ip IPv4
		if err := getRecord(tx, collIPs, state.Key(id), &ip, errIPNotFound); err != nil {
			return nil, err
		}
		if id == vm.PrimaryIP {
			v.PublicInterface.PrimaryIP = ip.Address
		}
		v.PublicInterface.IPv4 = append(v.PublicInterface.IPv4, vmIPView{ID: ip.ID, Address: ip.Address, AttachTime: fmtTime(ip.AttachTime), DHCP: ip.DHCP})
		cost += p.fx.Prices.IPv4
	}
	for _, id := range vm.Volumes {
		var vol Volume
		if err := getRecord(tx, collVolumes, state.Key(id), &vol, errVolumeNotFound); err != nil {
			return nil, err
		}
		v.StorageVolumes = append(v.StorageVolumes, vmVolumeView{ID: vol.ID, Size: vol.Size, SystemDisk: vol.SystemDisk, Type: vol.Type, AttachTime: fmtTime(vol.attachedAt(vm.ID))})
		cost += float64(vol.Size) * p.volumePrice(vol.Type)
	}
	for _, port := range vm.VLANs {
		var vl VLAN
		if err := getRecord(tx, collVLANs, state.ID(uint64(port.VLAN)), &vl, errVLANNotFound); err != nil {
			return nil, err
		}
		v.Networks = append(v.Networks, vmNetworkView{ID: vl.ID, Label: vl.Label, MAC: port.MAC, Type: "vlan"})
	}
	for _, port := range vm.VXLANs {
		vx, err := loadVXLAN(tx, port.VXLAN)
		if err != nil {
			return nil, err
		}
		v.Networks = append(v.Networks, vmNetworkView{ID: vx.ID, Label: vx.Label, MAC: port.MAC, Type: "vxlan"})
	}
	if g := groups[vm.ID]; g != nil {
		v.Groups = g
	}
	v.CostPerHour = round(cost, 5)
	v.TransferUsed = round(vm.online(tx.Now)/3600*transferPerHour, 2)
	return v, nil
}

func (p *Provider) volumePrice(kind string) float64 {
	if kind == "ssd" {
		return p.fx.Prices.SSDGB
	}
	return p.fx.Prices.HDDGB
}

// online is how many seconds the VM has been running in all.
func (vm *VM) online(now time.Time) float64 {
	s := vm.OnlineSeconds
	if vm.PoweredOn != nil {
		s += now.Sub(*vm.PoweredOn).Seconds()
	}
	return s
}

// powerOn and powerOff keep the running-time account.
func (vm *VM) powerOn(now time.Time) {
	if vm.PoweredOn == nil {
		vm.PoweredOn = &now
	}
}

func (vm *VM) powerOff(now time.Time) {
	if vm.PoweredOn != nil {
		vm.OnlineSeconds += now.Sub(*vm.PoweredOn).Seconds()
		vm.PoweredOn = nil
	}
}
