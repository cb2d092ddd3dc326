package openscaler

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/panelsim/panelsim/internal/state"
)

// vpcSubnet is the subnet of VPC n: 10.0.n.0/24, then 10.1.0.0/24 and on past 255.
func vpcSubnet(id int64) (subnet, gateway string) {
	a, b := (id/256)%256, id%256
	return fmt.Sprintf("10.%d.%d.0/24", a, b), fmt.Sprintf("10.%d.%d.1", a, b)
}

func privateKey(vpc int64, addr string) []byte {
	return []byte(strconv.FormatInt(vpc, 10) + "/" + addr)
}

func portKey(region string, port int) []byte { return []byte(region + "/" + strconv.Itoa(port)) }

// vmOwner and lbOwner are what the address and port indexes record as a VM's or a load
// balancer's.
func vmOwner(id int64) []byte { return state.ID(uint64(id)) }
func lbOwner(id int64) []byte { return []byte("lb/" + strconv.FormatInt(id, 10)) }

// allocatePrivateIP gives owner the lowest free address of the VPC's subnet (.2 and up; .1
// is the gateway). VMs and load balancers share the VPC's addresses.
func allocatePrivateIP(tx *state.Tx, vpc *VPC, owner []byte) (string, error) {
	prefix, err := netip.ParsePrefix(vpc.Subnet)
	if err != nil {
		return "", fmt.Errorf("vpc %d: subnet %q: %w", vpc.ID, vpc.Subnet, err)
	}
	idx := tx.Index(Name, idxPrivateIPs)
	addr := prefix.Masked().Addr().Next().Next()
	for ; prefix.Contains(addr) && addr.Next().IsValid() && prefix.Contains(addr.Next()); addr = addr.Next() {
		key := privateKey(vpc.ID, addr.String())
		if idx.Get(key) == nil {
			return addr.String(), idx.Put(key, owner)
		}
	}
	return "", badRequest(fmt.Sprintf("No free private IP address left in VPC %d (%s).", vpc.ID, vpc.Subnet))
}

// allocatePorts gives owner the lowest n consecutive free ports of rng in index idx for the
// region, or nil when there are none.
func allocatePorts(tx *state.Tx, idx, region string, rng PortRange, owner []byte, n int) ([]int, error) {
	ports := tx.Index(Name, idx)
	for first := rng.First; first+n-1 <= rng.Last; first++ {
		free := true
		for i := 0; i < n && free; i++ {
			if ports.Get(portKey(region, first+i)) != nil {
				free = false
				first += i // the next run cannot start before the taken port
			}
		}
		if !free {
			continue
		}
		out := make([]int, n)
		for i := range out {
			out[i] = first + i
			if err := ports.Put(portKey(region, out[i]), owner); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, nil
}

func errNoPublicPort(r *Region) error {
	return badRequest(fmt.Sprintf("No free public ports left on %s in region %s.", r.PublicIP, r.ID))
}

// vmForwards gives a new VM its three automatic forwards (22, 80, 443) on the lowest three
// consecutive free ports of the region's shared IP.
func vmForwards(tx *state.Tx, r *Region, vm int64) ([]Forward, error) {
	ports, err := allocatePorts(tx, idxPublicPorts, r.ID, r.Ports, vmOwner(vm), len(forwarded))
	if err != nil || ports == nil {
		return nil, firstErr(err, errNoPublicPort(r))
	}
	out := make([]Forward, len(ports))
	for i, f := range forwarded {
		out[i] = Forward{Port: ports[i], Internal: f.port,
			Description: fmt.Sprintf("%s port for VM %d (internal port %d)", f.name, vm, f.port)}
	}
	return out, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// freePorts gives a region's public ports back.
func freePorts(tx *state.Tx, region string, fw []Forward) error {
	idx := tx.Index(Name, idxPublicPorts)
	for _, f := range fw {
		if err := idx.Delete(portKey(region, f.Port)); err != nil {
			return err
		}
	}
	return nil
}

// release gives back what a VM holds: its region's resources, its public ports, its console
// and its private address.
func release(tx *state.Tx, v *VM) error {
	r, err := loadRegion(tx, v.Region)
	if err != nil {
		return err
	}
	r.Used.add(v.resources(), -1)
	r.VMs--
	if err := saveRegion(tx, r); err != nil {
		return err
	}
	if err := freePorts(tx, v.Region, v.Forwards); err != nil {
		return err
	}
	if err := closeConsole(tx, v); err != nil {
		return err
	}
	if v.PrivateIP != "" {
		return tx.Index(Name, idxPrivateIPs).Delete(privateKey(v.VPCID, v.PrivateIP))
	}
	return nil
}
