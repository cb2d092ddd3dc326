package network

import (
	"net/netip"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// target is one IP or network a request names for a server: a record the panel knows, or
// one to create (in subnet in) when it is assigned.
type target struct {
	prefix  netip.Prefix
	network bool
	ip      *tenantos.IP     // the known record, nil when it is to be created
	in      *tenantos.Subnet // the subnet a new record goes to
}

// key is how the target is written: the address, or the network with its prefix length.
func (t *target) key() string { return addressKey(t.prefix) }

// resolveTarget reads one entry of a request's ips for subnet s. An address must lie in s
// (422 naming field otherwise); a network (CIDR) must be a subnet of s's tree or, in an
// IPv6 subnet, any network inside s. An address the panel does not know is created when it
// is assigned in IPv6 subnets and in IPv4 subnets made without generateIps; in an IPv4
// subnet whose IPs were generated, an unknown address was deleted from the IP manager and is
// refused. The gateway, network and broadcast addresses of such subnets are reserved (409).
func resolveTarget(tx *tenantos.Tx, cat *catalog, s *tenantos.Subnet, raw, field string) (*target, error) {
	p, network, ok := parseTarget(raw)
	if !ok {
		return nil, tenantos.Invalidf(field, "The IP %q is not a valid IP address or network with prefix length.", raw)
	}
	sp := tenantos.SubnetPrefix(s)
	if !holds(sp, p) {
		return nil, tenantos.Invalidf(field, "The IP %s is not part of the subnet %s.", addressKey(p), sp)
	}
	t := &target{prefix: p, network: network}
	switch ex := cat.exact(s, p); {
	case !network:
		t.in = cat.deepest(s, p)
	case ex != nil:
		t.in = ex
	case s.Type == "v4":
		return nil, tenantos.Invalidf(field, "The network %s is not a subnet of the panel: IPv4 addresses are assigned one by one.", p)
	default:
		t.in = cat.deepest(s, p)
	}
	if rec := findIP(tx, p); rec != nil {
		inTree := false
		for _, x := range cat.tree(s) {
			inTree = inTree || x.ID == rec.SubnetID
		}
		if !inTree {
			return nil, tenantos.Invalidf(field, "The IP %s is not part of the subnet %s.", t.key(), sp)
		}
		t.ip = rec
		return t, nil
	}
	if !network && !onDemand(tx, t.in) {
		return nil, tenantos.Invalidf(field, "The IP %s is not available in the subnet %s: it was deleted from the IP manager.", t.key(), sp)
	}
	if !network && roleReserved(t.in, p.Addr()) {
		return nil, apierr.Conflict("The IP " + t.key() + " is reserved.")
	}
	return t, nil
}

// checkAssignable refuses (409) a target that is another server's, reserved, or that
// overlaps what is: records of its subnet tree (all), reserved subnets of the tree.
// Overlapping what the same server already has is allowed.
func checkAssignable(cat *catalog, all []*tenantos.IP, t *target, serverID int64) error {
	if t.ip != nil {
		switch {
		case t.ip.ServerID != 0 && t.ip.ServerID != serverID:
			return apierr.Conflict("The IP " + t.key() + " is already assigned to another server.")
		case t.ip.Reserved:
			return apierr.Conflict("The IP " + t.key() + " is reserved.")
		}
	}
	for _, r := range all {
		if (t.ip != nil && r.ID == t.ip.ID) || !prefixOf(r).Overlaps(t.prefix) {
			continue
		}
		switch {
		case r.ServerID != 0 && r.ServerID != serverID:
			return apierr.Conflict("The IP " + t.key() + " overlaps " + r.Address + ", which is assigned to another server.")
		case r.Reserved:
			return apierr.Conflict("The IP " + t.key() + " overlaps " + r.Address + ", which is reserved.")
		}
	}
	for _, x := range cat.tree(cat.top(t.in)) {
		if x.Reserved && tenantos.SubnetPrefix(x).Overlaps(t.prefix) {
			return apierr.Conflict("The IP " + t.key() + " lies in the reserved subnet " + tenantos.SubnetPrefix(x).String() + ".")
		}
	}
	return nil
}

// assignTarget gives the target to srv, creating its record when it is new; it returns the
// record as stored.
func assignTarget(tx *tenantos.Tx, srv *tenantos.Server, t *target, desc *string) (*tenantos.IP, error) {
	var rec *tenantos.IP
	var err error
	if t.ip == nil {
		rec, err = addOnDemand(tx, t.in, t.prefix)
	} else {
		rec, err = tenantos.IPs.Get(tx, t.ip.ID)
	}
	if err != nil {
		return nil, err
	}
	if rec.ServerID == srv.ID {
		return rec, nil
	}
	if err := tenantos.AssignIP(tx, srv, rec, desc, tx.Now); err != nil {
		return nil, err
	}
	return rec, nil
}
