package e24cloud

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// IP actions in progress (IPv4.Task).
const (
	ipDetaching = "detach"
	ipDeleting  = "delete"
)

func loadIP(tx *state.Tx, id string) (*IPv4, error) {
	var ip IPv4
	if err := getRecord(tx, collIPs, state.Key(id), &ip, errIPNotFound); err != nil {
		return nil, err
	}
	return &ip, nil
}

func saveIP(tx *state.Tx, ip *IPv4) error { return putRecord(tx, collIPs, state.Key(ip.ID), ip) }

// ipView is an address as the ipv4-addresses endpoints show it. cost_per_hour is a string,
// as the documentation quotes it.
type ipView struct {
	ID          string  `json:"id"`
	Address     string  `json:"ipv4_address"`
	CostPerHour string  `json:"cost_per_hour"`
	Owner       idName  `json:"owner"`
	Zone        idName  `json:"zone"`
	VM          *vmRef  `json:"virtual_machine"`
	AttachTime  *string `json:"attach_time"`
	DHCP        bool    `json:"dhcp"`
}

func (p *Provider) renderIP(r *refs, ip *IPv4) (*ipView, error) {
	zone, err := r.zone(ip.ZoneID)
	if err != nil {
		return nil, err
	}
	out := &ipView{ID: ip.ID, Address: ip.Address, CostPerHour: strconv.FormatFloat(p.fx.Prices.IPv4, 'f', -1, 64),
		Owner: r.owner(), Zone: zone, DHCP: ip.DHCP}
	if ip.VMID != "" {
		if vm := r.vm(ip.VMID); vm != nil {
			out.VM, out.AttachTime = &vmRef{ID: vm.ID, Label: vm.Label}, fmtTime(ip.AttachTime)
		}
	}
	return out, nil
}

func (p *Provider) listIPv4Addresses(c echo.Context) error {
	out := []*ipView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		var ips []*IPv4
		if err := each(tx, collIPs, func(ip *IPv4) error { ips = append(ips, ip); return nil }); err != nil {
			return err
		}
		byCreation(ips, func(ip *IPv4) uint64 { return ip.Seq })
		for _, ip := range ips {
			v, err := p.renderIP(r, ip)
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
		Success bool      `json:"success"`
		IPs     []*ipView `json:"ipv4_addresses"`
	}{true, out})
}

type ipBody struct {
	Success bool    `json:"success"`
	IP      *ipView `json:"ipv4_address"`
}

func (p *Provider) getIPv4Address(c echo.Context) error {
	var out *ipView
	err := provider.World(c).View(func(tx *state.Tx) error {
		ip, err := loadIP(tx, c.Param("ip_id"))
		if err != nil {
			return err
		}
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		out, err = p.renderIP(r, ip)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ipBody{true, out})
}

// allocateIPv4Address takes the zone's next free address, at once, attached to nothing.
func (p *Provider) allocateIPv4Address(c echo.Context) error {
	var in struct {
		ZoneID        string `json:"zone_id"`
		ComputeZoneID string `json:"compute_zone_id"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.ZoneID == "" && in.ComputeZoneID != "" {
		msg := "e24cloud documents zone_id for an address; compute_zone_id is panelsim's alias for it"
		if err := provider.Lenient(c, msg, apierr.Invalid("The zone_id field is required.")); err != nil {
			return err
		}
		in.ZoneID = in.ComputeZoneID
	}
	if in.ZoneID == "" {
		return apierr.Invalid("The zone_id field is required.")
	}
	var out *ipView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		if !tx.Coll(Name, collZones).Has(state.Key(in.ZoneID)) {
			return apierr.Invalid("The selected zone_id is invalid.")
		}
		ip, err := newAddress(tx, in.ZoneID, func(seq uint64) string { return p.Faker("ip", int64(seq)).UUID() })
		if err != nil {
			return err
		}
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		out, err = p.renderIP(r, ip)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ipBody{true, out})
}

// attachIPv4Address attaches a free address to a VM of its zone, at once. It becomes the
// VM's primary address when the VM has none (and is not installing: the install brings one).
func (p *Provider) attachIPv4Address(c echo.Context) error {
	var in vmIDInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		ip, err := loadIP(tx, c.Param("ip_id"))
		if err != nil {
			return err
		}
		vm, err := vmByID(tx, in.VMID)
		if err != nil {
			return err
		}
		if err := usableVM(vm, ip.ZoneID, "address"); err != nil {
			return err
		}
		switch {
		case ip.Task != "":
			return apierr.Conflict("A task (" + ip.Task + ") is in progress for the address.")
		case ip.VMID == vm.ID:
			return apierr.Conflict("The address is already attached to this virtual machine.")
		case ip.VMID != "":
			return apierr.Conflict("The address is attached to another virtual machine; detach it first.")
		}
		now := tx.Now
		ip.VMID, ip.AttachTime = vm.ID, &now
		vm.IPs = append(vm.IPs, ip.ID)
		if vm.PrimaryIP == "" && vm.State != stateInstalling {
			vm.PrimaryIP = ip.ID
		}
		if err := saveVM(tx, vm); err != nil {
			return err
		}
		return saveIP(tx, ip)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// queueIP marks an address busy and adds the task that detaches (and maybe deletes) it.
func (p *Provider) queueIP(tx *state.Tx, ip *IPv4, del bool) error {
	ip.Task = ipDetaching
	if del {
		ip.Task = ipDeleting
	}
	d := time.Duration(p.fx.Timings.IPDetach) * time.Second
	if _, err := tx.Enqueue(Name, taskIP, tx.Now.Add(d), ipTask{IPID: ip.ID, Delete: del}); err != nil {
		return err
	}
	return saveIP(tx, ip)
}

// busyIP refuses a detach or delete while another runs, or while the address's VM is being
// deleted (the deletion decides what becomes of it).
func busyIP(tx *state.Tx, ip *IPv4) error {
	if ip.Task != "" {
		return apierr.Conflict("A task (" + ip.Task + ") is already in progress for the address.")
	}
	if ip.VMID == "" {
		return nil
	}
	if vm, err := loadVM(tx, ip.VMID); err == nil && vm.State == stateDeleting {
		return apierr.Conflict("The address's virtual machine is deleting.")
	}
	return nil
}

// detachIPv4Address adds a task: the address leaves its VM after timings.ipDetach seconds.
func (p *Provider) detachIPv4Address(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		ip, err := loadIP(tx, c.Param("ip_id"))
		if err != nil {
			return err
		}
		if err := busyIP(tx, ip); err != nil {
			return err
		}
		if ip.VMID == "" {
			return apierr.Conflict("The address is not attached to a virtual machine.")
		}
		return p.queueIP(tx, ip, false)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// deleteIPv4Address frees an address: at once when it is attached to nothing, else as a task
// that detaches it first (timings.ipDetach seconds).
func (p *Provider) deleteIPv4Address(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		ip, err := loadIP(tx, c.Param("ip_id"))
		if err != nil {
			return err
		}
		if err := busyIP(tx, ip); err != nil {
			return err
		}
		if ip.VMID == "" {
			return releaseAddress(tx, ip)
		}
		return p.queueIP(tx, ip, true)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}
