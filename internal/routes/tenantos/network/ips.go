package network

import (
	"net/netip"
	"strings"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// prefixOf is the network an IP record stands for: /32 or /128 for an address.
func prefixOf(ip *tenantos.IP) netip.Prefix {
	if p, err := netip.ParsePrefix(ip.Address); err == nil {
		return p.Masked()
	}
	if a, err := netip.ParseAddr(ip.Address); err == nil {
		return netip.PrefixFrom(a, a.BitLen())
	}
	return netip.Prefix{}
}

// isNetwork reports whether an IP record is a network (an IPv6 child network, or a whole
// subnet assigned to a server).
func isNetwork(ip *tenantos.IP) bool { return strings.Contains(ip.Address, "/") }

// parseTarget reads an address or a network as the API takes them ("10.0.0.5",
// "2001:db8::5", "2001:db8:0:1::/64", "10.0.0.5/32"); ok is false for anything else, and
// for a network written with host bits set.
func parseTarget(s string) (p netip.Prefix, network, ok bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		pp, err := netip.ParsePrefix(s)
		if err != nil || pp.Masked() != pp {
			return netip.Prefix{}, false, false
		}
		if pp.Bits() == pp.Addr().BitLen() {
			return pp, false, true
		}
		return pp, true, true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), false, true
}

// addressKey is how a target is stored: the bare address, or the network in CIDR notation.
func addressKey(p netip.Prefix) string {
	if p.Bits() == p.Addr().BitLen() {
		return p.Addr().String()
	}
	return p.String()
}

// findIP is the record of an address or network, nil when the panel does not know it.
func findIP(tx *tenantos.Tx, p netip.Prefix) *tenantos.IP {
	ip, err := tenantos.IPByAddress(tx, addressKey(p))
	if err != nil {
		return nil
	}
	return ip
}

// roleReserved reports whether addr is one an IPv4 or IPv6 subnet keeps for itself when its
// IPs are made on demand: the gateway, the network address and (IPv4) the broadcast address.
func roleReserved(s *tenantos.Subnet, addr netip.Addr) bool {
	if addr.String() == tenantos.NormalizeAddress(s.Gateway) {
		return true
	}
	p := tenantos.SubnetPrefix(s)
	if addr == p.Addr() && p.Bits() < addr.BitLen()-1 {
		return true
	}
	return addr.Is4() && p.Bits() < 31 && addr == lastAddr(p)
}

// lastAddr is the last address of a network.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	host := p.Addr().BitLen() - p.Bits()
	for i := len(b) - 1; i >= 0 && host > 0; i-- {
		n := min(host, 8)
		b[i] |= byte(1<<n - 1)
		host -= n
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// onDemand reports whether a subnet's addresses come to exist as they are used, rather
// than being generated with it: every IPv6 subnet, and IPv4 ones made without generateIps.
func onDemand(tx *tenantos.Tx, s *tenantos.Subnet) bool {
	return s.Type != "v4" || loadSettings(tx, s.ID).OnDemand
}

// addOnDemand creates the record of an address or network that exists because it is being
// assigned; it is forgotten again when released.
func addOnDemand(tx *tenantos.Tx, s *tenantos.Subnet, p netip.Prefix) (*tenantos.IP, error) {
	ip, err := tenantos.AddIP(tx, s.ID, addressKey(p), false, tx.Now)
	if err != nil {
		return nil, err
	}
	return ip, tx.Index(tenantos.Name, idxOnDemand).Put(state.ID(uint64(ip.ID)), []byte{1})
}

// keep makes an on-demand record permanent (it got a comment, a reservation or a PTR of its
// own from the IP manager).
func keep(tx *tenantos.Tx, ip *tenantos.IP) error {
	return tx.Index(tenantos.Name, idxOnDemand).Delete(state.ID(uint64(ip.ID)))
}

// forgetIP removes an IP record: the panel no longer knows the address.
func forgetIP(tx *tenantos.Tx, ip *tenantos.IP) error {
	key := state.ID(uint64(ip.ID))
	if ip.ServerID != 0 {
		if err := tx.Set(tenantos.Name, tenantos.SetIPsByServer).Remove(state.ID(uint64(ip.ServerID)), key); err != nil {
			return err
		}
	}
	if raw := tx.Index(tenantos.Name, tenantos.IdxIPAddress).Get([]byte(ip.Address)); raw != nil && state.IDOf(raw) == uint64(ip.ID) {
		if err := tx.Index(tenantos.Name, tenantos.IdxIPAddress).Delete([]byte(ip.Address)); err != nil {
			return err
		}
	}
	if err := tx.Set(tenantos.Name, tenantos.SetIPsBySubnet).Remove(state.ID(uint64(ip.SubnetID)), key); err != nil {
		return err
	}
	if err := tx.Index(tenantos.Name, idxOnDemand).Delete(key); err != nil {
		return err
	}
	if err := subPtrsOf.Delete(tx, ip.ID); err != nil {
		return err
	}
	return tenantos.IPs.Delete(tx, ip.ID)
}

// release takes the IP with id off its server (tenantos.ReleaseIP: the next IP becomes
// primary when it was the primary one) and forgets it when it only existed because it was
// assigned. The record is read again first: an earlier release may have changed it.
func release(tx *tenantos.Tx, id int64) error {
	ip, err := tenantos.IPs.Get(tx, id)
	if err != nil {
		return err
	}
	if err := tenantos.ReleaseIP(tx, ip, tx.Now); err != nil {
		return err
	}
	if err := subPtrsOf.Delete(tx, ip.ID); err != nil {
		return err
	}
	if tx.Index(tenantos.Name, idxOnDemand).Get(state.ID(uint64(ip.ID))) != nil {
		return forgetIP(tx, ip)
	}
	return nil
}

// assignedNets are the networks of s's tree assigned to servers: the addresses inside them
// are in use even when the panel has records of them.
func assignedNets(records []*tenantos.IP) []*tenantos.IP {
	var out []*tenantos.IP
	for _, r := range records {
		if r.ServerID != 0 && isNetwork(r) {
			out = append(out, r)
		}
	}
	return out
}

// covered reports whether ip lies inside one of the assigned networks nets (other than
// itself).
func covered(nets []*tenantos.IP, ip *tenantos.IP) bool {
	p := prefixOf(ip)
	for _, n := range nets {
		if n.ID != ip.ID && prefixOf(n).Overlaps(p) {
			return true
		}
	}
	return false
}

// free reports whether an IP can be handed out: not assigned, not reserved, not inside an
// assigned network.
func free(nets []*tenantos.IP, ip *tenantos.IP) bool {
	return ip.ServerID == 0 && !ip.Reserved && !covered(nets, ip)
}

// subnetUsage counts a subnet's own IPs: used (assigned, or inside an assigned network),
// reserved and free add up to the total.
func subnetUsage(tx *tenantos.Tx, cat *catalog, s *tenantos.Subnet) (tenantos.Usage, error) {
	recs, err := tenantos.SubnetIPs(tx, s.ID)
	if err != nil {
		return tenantos.Usage{}, err
	}
	all, err := cat.records(tx, s)
	if err != nil {
		return tenantos.Usage{}, err
	}
	nets := assignedNets(all)
	var u tenantos.Usage
	for _, r := range recs {
		u.Total++
		switch {
		case r.ServerID != 0:
			u.Used++
		case r.Reserved:
			u.Reserved++
		case covered(nets, r):
			u.Used++
		default:
			u.Free++
		}
	}
	return u, nil
}

// freeIPs lists the IPs of a subnet that can be handed out, in the order they were added.
func freeIPs(tx *tenantos.Tx, cat *catalog, s *tenantos.Subnet) ([]*tenantos.IP, error) {
	recs, err := tenantos.SubnetIPs(tx, s.ID)
	if err != nil {
		return nil, err
	}
	all, err := cat.records(tx, s)
	if err != nil {
		return nil, err
	}
	nets := assignedNets(all)
	var out []*tenantos.IP
	for _, r := range recs {
		if free(nets, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// inUse reports whether anything of the range p is assigned or reserved among records.
func inUse(records []*tenantos.IP, p netip.Prefix) bool {
	for _, r := range records {
		if (r.ServerID != 0 || r.Reserved) && prefixOf(r).Overlaps(p) {
			return true
		}
	}
	return false
}

// freeChildren are the child subnets of s nothing of which is assigned or reserved (an IP
// of their own trees, or an assigned or reserved network of an enclosing subnet).
func freeChildren(tx *tenantos.Tx, cat *catalog, s *tenantos.Subnet) ([]*tenantos.Subnet, error) {
	all, err := cat.records(tx, s)
	if err != nil {
		return nil, err
	}
	var out []*tenantos.Subnet
	for _, ch := range cat.children[s.ID] {
		if !ch.Reserved && !inUse(all, tenantos.SubnetPrefix(ch)) {
			out = append(out, ch)
		}
	}
	return out, nil
}

// idKey is the store key of a record id.
func idKey(id int64) []byte { return state.ID(uint64(id)) }
