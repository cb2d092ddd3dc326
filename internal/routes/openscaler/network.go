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

// allocatePrivateIP gives vm the lowest free address of the VPC's subnet (.2 and up; .1 is
// the gateway).
func allocatePrivateIP(tx *state.Tx, vpc *VPC, vm int64) (string, error) {
	prefix, err := netip.ParsePrefix(vpc.Subnet)
	if err != nil {
		return "", fmt.Errorf("vpc %d: subnet %q: %w", vpc.ID, vpc.Subnet, err)
	}
	idx := tx.Index(Name, idxPrivateIPs)
	addr := prefix.Masked().Addr().Next().Next()
	for ; prefix.Contains(addr) && addr.Next().IsValid() && prefix.Contains(addr.Next()); addr = addr.Next() {
		key := privateKey(vpc.ID, addr.String())
		if idx.Get(key) == nil {
			return addr.String(), idx.Put(key, state.ID(uint64(vm)))
		}
	}
	return "", badRequest(fmt.Sprintf("No free private IP address left in VPC %d (%s).", vpc.ID, vpc.Subnet))
}

// allocatePorts gives vm the lowest three consecutive free ports of the region's shared IP.
func allocatePorts(tx *state.Tx, r *Region, vm int64) ([]int, error) {
	idx := tx.Index(Name, idxPublicPorts)
	n := len(forwarded)
	for first := r.Ports.First; first+n-1 <= r.Ports.Last; first++ {
		free := true
		for i := 0; i < n && free; i++ {
			if idx.Get(portKey(r.ID, first+i)) != nil {
				free = false
				first += i // the next run cannot start before the taken port
			}
		}
		if !free {
			continue
		}
		ports := make([]int, n)
		for i := range ports {
			ports[i] = first + i
			if err := idx.Put(portKey(r.ID, ports[i]), state.ID(uint64(vm))); err != nil {
				return nil, err
			}
		}
		return ports, nil
	}
	return nil, badRequest(fmt.Sprintf("No free public ports left on %s in region %s.", r.PublicIP, r.ID))
}

// release gives back what a VM holds: its region's resources, its public ports and its
// private address.
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
	ports := tx.Index(Name, idxPublicPorts)
	for _, port := range v.Ports {
		if err := ports.Delete(portKey(v.Region, port)); err != nil {
			return err
		}
	}
	if v.PrivateIP != "" {
		return tx.Index(Name, idxPrivateIPs).Delete(privateKey(v.VPCID, v.PrivateIP))
	}
	return nil
}
